import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { csvField, toAuditCloudEvent, toCsvRow } from './audit-record';
import { toCloudEvent } from '@netfleet/events/cloud-event';

const API = 'http://api.example:8080';

const event = (over: Partial<RecordedEvent>): RecordedEvent => ({
  position: 7, eventId: '7b0c1c52-5f0e-4a47-9d0e-3c2a1f7e9b10', streamId: 'network:ofnet', streamVersion: 2, type: 'NetworkDefined', v: 1,
  data: { name: 'ofnet', hosts: ['hv1'], diff: '--- a\n+++ b\n-old\n+new\n' },
  metadata: { actor: 'alice', source: 'api', correlationId: 'c1', occurredAt: '2026-12-01T10:00:00.000Z', comment: 'why, "exactly"' },
  recordedAt: '2026-12-01T10:00:00.001Z', ...over,
});

describe('audit records', () => {
  it('quotes CSV fields as RFC 4180 says: only when needed, quotes doubled', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField(null)).toBe('');
    expect(csvField(3)).toBe('3');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });

  it('a CSV row carries who, when, why, the diff, and a host report\'s outcome', () => {
    expect(toCsvRow(event({}))).toBe('7,2026-12-01T10:00:00.001Z,2026-12-01T10:00:00.000Z,alice,api,network:ofnet,NetworkDefined,ofnet,,c1,,'
      + '"why, ""exactly""",redefined (placed on hv1),,,,"--- a\n+++ b\n-old\n+new\n"');
    const failed = event({ streamId: 'host:hv1', type: 'NetworkFailedOnHost', data: { host: 'hv1', network: 'ofnet', generation: 3, code: 'NF_OVS', error: 'no bridge' }, metadata: { actor: 'host:hv1', source: 'host:hv1', correlationId: 'c1', occurredAt: '2026-12-01T10:00:01.000Z' } });
    expect(toCsvRow(failed)).toMatch(/,failed,3,no bridge,$/);
  });

  it('a jsonl line is the event\'s CloudEvent with the audit fields as scalar extensions', () => {
    const ce = toAuditCloudEvent(event({}), toCloudEvent(event({}), API));
    expect(ce).toMatchObject({ specversion: '1.0', id: '7b0c1c52-5f0e-4a47-9d0e-3c2a1f7e9b10', type: 'io.netfleet.network.defined', comment: 'why, "exactly"', xmldiff: '--- a\n+++ b\n-old\n+new\n', summary: 'redefined (placed on hv1)' });
    expect(ce).not.toHaveProperty('hostoutcome');
    for (const [name, value] of Object.entries(ce)) if (name !== 'data') expect(['string', 'number', 'boolean'], name).toContain(typeof value);
    const report = event({ streamId: 'host:hv1', type: 'NetworkStartedOnHost', data: { host: 'hv1', network: 'ofnet', generation: 2, bridge: 'dp0', warnings: [] } });
    const started = toAuditCloudEvent(report, toCloudEvent(report, API));
    expect(started).toMatchObject({ hostoutcome: 'running', outcomegeneration: 2 });
    expect(started).not.toHaveProperty('outcomeerror');
  });
});
