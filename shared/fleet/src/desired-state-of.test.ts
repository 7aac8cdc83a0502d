import { describe, expect, it } from 'vitest';
import { desiredStateOf } from './desired-state-of';
import { runNetworkCommand } from './run-network-command';
import { evolveNetwork } from './evolve';

const XML = "<network type='ovs-datapath'>\n  <name>ofnet</name>\n  <datapath name='dp0'/>\n</network>\n";
const context = { metadata: { actor: 'otto', source: 'api' as const, correlationId: 'corr-1', occurredAt: '2026-11-28T06:00:00.000Z' }, eventIdOf: (i: number) => `e${i}`, newId: () => 'cmd' };

describe('desiredStateOf', () => {
  const defined = runNetworkCommand({ type: 'DefineNetwork', name: 'ofnet', uuid: 'u-1', networkType: 'ovs-datapath', xml: XML, hosts: ['hv1', 'hv2'] }, { view: undefined, streamVersion: 0, bridgesInUse: [] }, context);
  const started = runNetworkCommand({ type: 'StartNetwork', name: 'ofnet' }, { view: defined.view, streamVersion: 1, bridgesInUse: [] }, context);

  it('answers a host with the ApplyNetwork the command pipeline sent it, under an id derived from generation and host', () => {
    const answer = desiredStateOf('hv1', [started.view!], 'now');
    expect(answer).toEqual({ v: 1, host: 'hv1', networks: [{ ...started.hostCommands[0], commandId: 'desired:ofnet:2:hv1', issuedAt: 'now' }] });
    expect(desiredStateOf('hv3', [started.view!], 'now').networks).toEqual([]);
  });

  it('says what the host last reported at this generation, so a starting agent can tell drift', () => {
    const reported = evolveNetwork(started.view, {
      type: 'NetworkStartedOnHost', v: 1, position: 9, streamVersion: 1, data: { host: 'hv1', network: 'ofnet', generation: 2, bridge: 'dp0', warnings: [] },
      metadata: { actor: 'host:hv1', source: 'host:hv1', correlationId: 'corr-1', occurredAt: 'later' },
    });
    expect(desiredStateOf('hv1', [reported!], 'now').networks[0]).toMatchObject({ observedHere: 'running', correlationId: 'corr-1' });
    expect(desiredStateOf('hv2', [reported!], 'now').networks[0]?.observedHere).toBeUndefined();
  });

  it('asks a defined network that does not run to be stopped', () => {
    expect(desiredStateOf('hv1', [defined.view!], 'now').networks[0]).toMatchObject({ desired: 'stopped', generation: 1, correlationId: 'desired:ofnet' });
  });
});
