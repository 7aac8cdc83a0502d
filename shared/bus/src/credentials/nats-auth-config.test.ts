import { describe, expect, it } from 'vitest';
import { busNames } from '../names';
import { renderNatsAuthConfig } from './nats-auth-config';

// Real-looking bcrypt hashes (53 characters of salt and digest after the cost).
const hash = (c: string) => `$2b$11$${c.repeat(53)}`;

describe('renderNatsAuthConfig', () => {
  const names = busNames('netfleet');

  it('renders the API unrestricted and each host with its own permissions, hosts sorted', () => {
    const text = renderNatsAuthConfig({ names, api: { user: 'api', passwordHash: hash('a') }, hosts: [{ name: 'hv2', passwordHash: hash('c') }, { name: 'hv1', passwordHash: hash('b') }] });
    expect(text).toContain(`{ user: "api", password: "${hash('a')}" }`);
    expect(text.indexOf('user: "hv1"')).toBeLessThan(text.indexOf('user: "hv2"'));
    expect(text).toContain('publish: { allow: ["netfleet.evt.hv1.>", "netfleet.hb.hv1", "netfleet.api.desired.hv1", "$JS.API.CONSUMER.INFO.NETFLEET_CMD.agent-hv1", "$JS.API.CONSUMER.MSG.NEXT.NETFLEET_CMD.agent-hv1", "$JS.ACK.NETFLEET_CMD.agent-hv1.>"] }');
    expect(text).toContain('subscribe: { allow: ["_INBOX_hv2.>", "netfleet.agent.plan.hv2"] }');
    expect(text).toMatch(/^authorization \{$/m);
  });

  it('is the same text for the same fleet', () => {
    const input = { names, api: { user: 'api', passwordHash: hash('a') }, hosts: [{ name: 'hv1', passwordHash: hash('b') }] };
    expect(renderNatsAuthConfig(input)).toBe(renderNatsAuthConfig({ ...input, hosts: [...input.hosts] }));
  });

  it('refuses a password that is not a bcrypt hash', () => {
    expect(() => renderNatsAuthConfig({ names, api: { user: 'api', passwordHash: hash('a') }, hosts: [{ name: 'hv1', passwordHash: 'secret' }] }))
      .toThrow(expect.objectContaining({ code: 'NF_BUS_BAD_PASSWORD_HASH' }));
  });

  it('refuses a host named like the API user, and a host twice', () => {
    const api = { user: 'hv1', passwordHash: hash('a') };
    expect(() => renderNatsAuthConfig({ names, api, hosts: [{ name: 'hv1', passwordHash: hash('b') }] })).toThrow(expect.objectContaining({ code: 'NF_BUS_DUPLICATE_USER' }));
    expect(() => renderNatsAuthConfig({ names, api: { user: 'api', passwordHash: hash('a') }, hosts: [{ name: 'hv1', passwordHash: hash('b') }, { name: 'hv1', passwordHash: hash('c') }] }))
      .toThrow(expect.objectContaining({ code: 'NF_BUS_DUPLICATE_USER' }));
  });

  it('refuses an API user name that would need quoting', () => {
    expect(() => renderNatsAuthConfig({ names, api: { user: 'a"b', passwordHash: hash('a') }, hosts: [] })).toThrow(expect.objectContaining({ code: 'NF_BUS_BAD_USER' }));
  });
});
