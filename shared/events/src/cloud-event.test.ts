import { describe, expect, it } from 'vitest';
import { cloudEventTypeOf, toCloudEvent } from './cloud-event';

describe('cloudEventTypeOf', () => {
  it.each([
    ['NetworkStarted', 'network:ofnet', 'io.netfleet.network.started'],
    ['NetworkAutostartChanged', 'network:ofnet', 'io.netfleet.network.autostart_changed'],
    ['NetworkStartedOnHost', 'host:hv1', 'io.netfleet.host.network_started'],
    ['HostWentOffline', 'host:hv1', 'io.netfleet.host.went_offline'],
    ['AgentStarted', 'host:hv1', 'io.netfleet.host.agent_started'],
    ['ControllerConnectionChanged', 'host:hv1', 'io.netfleet.host.controller_connection_changed'],
  ])('%s on %s is %s', (type, stream, expected) => {
    expect(cloudEventTypeOf(type, stream)).toBe(expected);
  });
});

describe('toCloudEvent', () => {
  it('carries the id, subject, source, data and netfleet extensions', () => {
    const ce = toCloudEvent({
      eventId: 'e-1', type: 'NetworkStartedOnHost', v: 1, data: { network: 'ofnet', generation: 2 },
      metadata: { actor: 'host:hv1', source: 'host:hv1', correlationId: 'c-1', causationId: 'k-1', occurredAt: '2026-12-01T00:00:00.000Z' },
      position: 42, streamId: 'host:hv1', streamVersion: 7, recordedAt: '2026-12-01T00:00:00.010Z',
    });
    expect(ce).toMatchObject({
      specversion: '1.0', id: 'e-1', source: '/netfleet/hosts/hv1', subject: 'hosts/hv1',
      type: 'io.netfleet.host.network_started', time: '2026-12-01T00:00:00.000Z',
      dataschema: '/v1/schemas/NetworkStartedOnHost/v1', data: { network: 'ofnet', generation: 2 },
      position: 42, streamversion: 7, actor: 'host:hv1', correlationid: 'c-1', causationid: 'k-1',
    });
    for (const name of Object.keys(ce)) expect(name).toMatch(/^[a-z0-9]+$/);
  });
});
