import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { toHistoryEntry } from './history-entry';

const event = (over: Partial<RecordedEvent>): RecordedEvent => ({
  eventId: 'e1', type: 'NetworkDefined', v: 1, data: {}, position: 7, streamId: 'network:ofnet', streamVersion: 1,
  recordedAt: '2026-11-28T06:00:00.100Z',
  metadata: { actor: 'alice', source: 'api', correlationId: 'c1', occurredAt: '2026-11-28T06:00:00.000Z' },
  ...over,
});

describe('toHistoryEntry', () => {
  it('says who defined a network where, without a diff the first time', () => {
    const entry = toHistoryEntry(event({ data: { name: 'ofnet', hosts: ['hv1', 'hv2'], xml: '<network/>' } }));
    expect(entry).toMatchObject({ position: 7, actor: 'alice', network: 'ofnet', host: null, summary: 'defined on hv1, hv2', diff: null, at: '2026-11-28T06:00:00.000Z' });
  });

  it('carries the unified diff of a redefinition', () => {
    const diff = '--- ofnet.xml (before)\n+++ ofnet.xml (after)\n-  <a/>\n+  <b/>\n';
    const entry = toHistoryEntry(event({ streamVersion: 3, data: { name: 'ofnet', hosts: ['hv1'], diff } }));
    expect(entry.summary).toBe('redefined (placed on hv1)');
    expect(entry.diff).toBe(diff);
  });

  it('names the host and network of a host outcome, with the command\'s correlation id', () => {
    const entry = toHistoryEntry(event({
      type: 'NetworkFailedOnHost', streamId: 'host:hv2',
      data: { host: 'hv2', network: 'ofnet', generation: 2, code: 'NF_OVS_COMMAND_FAILED', error: 'ovs-vsctl: no bridge' },
      metadata: { actor: 'host:hv2', source: 'host:hv2', correlationId: 'c1', causationId: 'cmd-1', occurredAt: '2026-11-28T06:00:01.000Z' },
    }));
    expect(entry).toMatchObject({ network: 'ofnet', host: 'hv2', actor: 'host:hv2', correlationId: 'c1', causationId: 'cmd-1', summary: 'failed on hv2 (generation 2): ovs-vsctl: no bridge' });
  });

  it('names an event type it does not know instead of dropping it', () => {
    expect(toHistoryEntry(event({ type: 'SomethingNew', data: {} })).summary).toBe('SomethingNew');
  });
});
