import { describe, expect, it } from 'vitest';
import { busNames } from '../names';
import { hostInboxPrefix, hostPermissions } from './host-permissions';

describe('hostPermissions', () => {
  const names = busNames('netfleet');

  it('grants a host its own events, requests, consumer and inbox, and no wildcard over other hosts', () => {
    expect(hostPermissions(names, 'hv1')).toEqual({
      publish: {
        allow: [
          'netfleet.evt.hv1.>', 'netfleet.hb.hv1', 'netfleet.api.desired.hv1',
          '$JS.API.CONSUMER.INFO.NETFLEET_CMD.agent-hv1',
          '$JS.API.CONSUMER.MSG.NEXT.NETFLEET_CMD.agent-hv1',
          '$JS.ACK.NETFLEET_CMD.agent-hv1.>',
        ],
      },
      subscribe: { allow: ['_INBOX_hv1.>', 'netfleet.agent.plan.hv1'] },
      allow_responses: true,
    });
  });

  it('names the host in every subject it allows', () => {
    const p = hostPermissions(names, 'hv2');
    for (const subject of [...p.publish.allow, ...p.subscribe.allow]) expect(subject).toMatch(/hv2/);
  });

  it('matches the inbox prefix the agent connects with', () => {
    expect(hostPermissions(names, 'hv1').subscribe.allow).toContain(`${hostInboxPrefix('hv1')}.>`);
  });

  it.each(['hv.1', 'hv*', '>', 'a b', ''])('refuses host name %j', (host) => {
    expect(() => hostPermissions(names, host)).toThrow(expect.objectContaining({ code: 'NF_BUS_BAD_HOST_NAME' }));
  });

  it('refuses a namespace with wildcards', () => {
    expect(() => hostPermissions(busNames('nf.*'), 'hv1')).toThrow(expect.objectContaining({ code: 'NF_BUS_BAD_NAMESPACE' }));
  });
});
