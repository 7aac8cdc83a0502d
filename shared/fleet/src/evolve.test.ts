import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { emptyFleetView } from './fleet-view';
import { evolveFleet } from './evolve';

let position = 0;
const event = (streamId: string, streamVersion: number, type: string, data: unknown): RecordedEvent => ({
  eventId: `e${++position}`, position, streamId, streamVersion, type, v: 1, data, recordedAt: '2026-01-01T00:00:00Z',
  metadata: { actor: 'a', source: 'api', correlationId: `c${streamVersion}`, occurredAt: `2026-01-01T00:00:0${position % 10}Z` },
});
const fold = (events: RecordedEvent[]) => events.reduce(evolveFleet, emptyFleetView());

const defined = event('network:ofnet', 1, 'NetworkDefined', { name: 'ofnet', uuid: 'u', networkType: 'ovs-datapath', xml: 'x', hosts: ['hv1', 'hv2'] });
const started = event('network:ofnet', 2, 'NetworkStarted', { name: 'ofnet', hosts: ['hv1', 'hv2'] });

describe('evolveFleet', () => {
  it('marks every placed host pending when a network starts, until it reports', () => {
    const view = fold([defined, started]).networks['ofnet']!;
    expect(view.active).toBe(true);
    expect(view.generation).toBe(2);
    expect(Object.values(view.perHost).map((h) => [h.host, h.desired, h.observed])).toEqual([['hv1', 'running', 'pending'], ['hv2', 'running', 'pending']]);
  });

  it('records each host outcome for the generation it applied', () => {
    const fleet = fold([defined, started,
      event('host:hv1', 1, 'NetworkStartedOnHost', { host: 'hv1', network: 'ofnet', generation: 2, bridge: 'dp0', warnings: ['w'] }),
      event('host:hv2', 1, 'NetworkFailedOnHost', { host: 'hv2', network: 'ofnet', generation: 2, code: 'NF_X', error: 'boom' }),
    ]);
    expect(fleet.networks['ofnet']!.perHost['hv1']).toMatchObject({ observed: 'running', appliedGeneration: 2, warnings: ['w'] });
    expect(fleet.networks['ofnet']!.perHost['hv2']).toMatchObject({ observed: 'failed', lastError: 'boom' });
  });

  it('keeps a host pending when it answers an older generation than the one asked', () => {
    const destroyed = event('network:ofnet', 3, 'NetworkDestroyed', { name: 'ofnet', hosts: ['hv1', 'hv2'] });
    const late = event('host:hv1', 1, 'NetworkStartedOnHost', { host: 'hv1', network: 'ofnet', generation: 2, bridge: 'dp0', warnings: [] });
    expect(fold([defined, started, destroyed, late]).networks['ofnet']!.perHost['hv1']).toMatchObject({ desired: 'stopped', observed: 'pending', appliedGeneration: 2 });
  });

  it('forgets an undefined network and ignores reports about networks it does not know', () => {
    const undefinedEvent = event('network:ofnet', 2, 'NetworkUndefined', { name: 'ofnet' });
    const stray = event('host:hv1', 1, 'NetworkStoppedOnHost', { host: 'hv1', network: 'ofnet', generation: 1 });
    const fleet = fold([defined, undefinedEvent, stray]);
    expect(fleet.networks).toEqual({});
    expect(fleet.position).toBe(stray.position);
  });

  it('keeps per host the ports reported on the network\'s bridge, and the host\'s libvirt', () => {
    const vm = { host: 'hv1', network: 'ofnet', bridge: 'dp0', interface: 'vnet0', mac: '52:54:00:0f:ee:01', vmUuid: '5a972ef6-310e-41ef-94df-4a3f372b3b76', domain: 'nf-vm1' };
    const attached = fold([defined, started,
      event('host:hv1', 1, 'AgentStarted', { host: 'hv1', agentVersion: '0.1.0', libvirt: 'not configured' }),
      event('host:hv1', 2, 'PortAttached', vm),
      event('host:hv1', 3, 'PortAttached', { host: 'hv1', network: 'ofnet', bridge: 'dp0', interface: 'tap-free' }),
    ]);
    expect(attached.hosts['hv1']?.libvirt).toBe('not configured');
    expect(attached.networks['ofnet']!.perHost['hv1']!.ports).toEqual([
      { interface: 'tap-free', bridge: 'dp0', mac: null, vmUuid: null, domain: null, since: expect.any(String) },
      { interface: 'vnet0', bridge: 'dp0', mac: vm.mac, vmUuid: vm.vmUuid, domain: 'nf-vm1', since: expect.any(String) },
    ]);
    const detached = evolveFleet(attached, event('host:hv1', 4, 'PortDetached', vm));
    expect(detached.networks['ofnet']!.perHost['hv1']!.ports?.map((p) => p.interface)).toEqual(['tap-free']);
  });
});
