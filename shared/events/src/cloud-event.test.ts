import { CloudEvent, HTTP } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from './event-envelope';
import { cloudEventTypeOf, fromCloudEvent, toCloudEvent } from './cloud-event';

const recorded: RecordedEvent = {
  eventId: '6f1c8d2e-4c1a-4b8e-9a51-0c7e2f3d4a5b', type: 'NetworkStartedOnHost', v: 1, data: { network: 'ofnet', generation: 2 },
  metadata: { actor: 'host:hv1', source: 'host:hv1', correlationId: 'c-1', causationId: 'k-1', occurredAt: '2026-12-01T00:00:00.000Z' },
  position: 42, streamId: 'host:hv1', streamVersion: 7, recordedAt: '2026-12-01T00:00:00.010Z',
};
const API = 'http://127.0.0.1:8080';

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
  it('carries the id, subject, source, data, an absolute dataschema and netfleet extensions', () => {
    const ce = toCloudEvent(recorded, API);
    expect(ce).toMatchObject({
      specversion: '1.0', id: recorded.eventId, source: '/netfleet/hosts/hv1', subject: 'hosts/hv1',
      type: 'io.netfleet.host.network_started', time: '2026-12-01T00:00:00.000Z',
      dataschema: `${API}/v1/schemas/NetworkStartedOnHost/v1`, data: { network: 'ofnet', generation: 2 },
      position: 42, streamversion: 7, actor: 'host:hv1', correlationid: 'c-1', causationid: 'k-1',
    });
    // Extension names: lower-case letters and digits, and (the spec's advice) at most 20 of them.
    for (const name of Object.keys(ce)) expect(name).toMatch(/^[a-z0-9]{1,20}$/);
  });

  it('is a valid CloudEvent to the official SDK, as JSON and over HTTP in structured and binary mode', () => {
    const ce = toCloudEvent(recorded, API);
    const sdkEvent = new CloudEvent(JSON.parse(JSON.stringify(ce)) as Record<string, unknown>, true);
    expect(sdkEvent.validate()).toBe(true);

    const structured = HTTP.structured(sdkEvent);
    const fromStructured = HTTP.toEvent({ headers: structured.headers, body: structured.body }) as CloudEvent<unknown>;
    expect(fromStructured.validate()).toBe(true);
    expect(fromStructured).toMatchObject({ id: ce.id, type: ce.type, source: ce.source, subject: ce.subject, data: ce.data, dataschema: ce.dataschema, correlationid: 'c-1' });

    const binary = HTTP.binary(sdkEvent);
    expect(binary.headers).toMatchObject({ 'ce-id': ce.id, 'ce-type': ce.type, 'ce-correlationid': 'c-1' });
    expect(String(binary.headers['ce-position'])).toBe('42');
    const fromBinary = HTTP.toEvent({ headers: binary.headers, body: binary.body }) as CloudEvent<unknown>;
    expect(fromBinary.validate()).toBe(true);
    expect(fromBinary).toMatchObject({ id: ce.id, type: ce.type, subject: ce.subject, data: ce.data, actor: 'host:hv1' });
  });

  it('gives back the recorded event (for netfleet consumers that fold events)', () => {
    const { comment: _c, commandId: _k, ...metadata } = { ...recorded.metadata, comment: undefined, commandId: undefined };
    expect(fromCloudEvent(toCloudEvent(recorded, API))).toEqual({ ...recorded, metadata });
    const fromApi: RecordedEvent = { ...recorded, type: 'NetworkStarted', streamId: 'network:ofnet', metadata: { actor: 'alice', source: 'api', correlationId: 'c-2', occurredAt: recorded.metadata.occurredAt } };
    expect(toCloudEvent(fromApi, API)).toMatchObject({ source: '/netfleet/api', subject: 'networks/ofnet', type: 'io.netfleet.network.started' });
    expect(toCloudEvent(fromApi, API)).not.toHaveProperty('causationid');
    expect(fromCloudEvent(toCloudEvent(fromApi, API))).toEqual(fromApi);
  });
});
