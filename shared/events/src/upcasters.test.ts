import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from './event-envelope';
import { upcast, upcasterRegistry } from './upcasters';

const v1Row: RecordedEvent = {
  eventId: 'e-1', type: 'HostWentOffline', v: 1, data: { host: 'hv1', lastSeen: '2026-12-01T00:00:00.000Z' },
  metadata: { actor: 'netfleet', source: 'api', correlationId: 'c', occurredAt: '2026-12-01T00:00:00.000Z' },
  position: 3, streamId: 'host:hv1', streamVersion: 2, recordedAt: '2026-12-01T00:00:00.001Z',
};

// A test-only registry: what a real bump looks like (v2 renames a field, v3 adds one).
const registry = upcasterRegistry([
  { type: 'HostWentOffline', from: 1, upcast: (d) => { const { lastSeen, ...rest } = d as { lastSeen: string }; return { ...rest, lastSeenAt: lastSeen }; } },
  { type: 'HostWentOffline', from: 2, upcast: (d) => ({ ...(d as object), reason: 'heartbeats stopped' }) },
]);

describe('upcasters', () => {
  it('brings an old row to the newest version, one step at a time', () => {
    expect(upcast(v1Row, registry)).toEqual({ ...v1Row, v: 3, data: { host: 'hv1', lastSeenAt: '2026-12-01T00:00:00.000Z', reason: 'heartbeats stopped' } });
    expect(upcast({ ...v1Row, v: 2, data: { host: 'hv1', lastSeenAt: 'x' } }, registry)).toMatchObject({ v: 3, data: { lastSeenAt: 'x', reason: 'heartbeats stopped' } });
  });

  it('leaves current rows and types without upcasters alone (the same object)', () => {
    const current = { ...v1Row, v: 3 };
    expect(upcast(current, registry)).toBe(current);
    const other = { ...v1Row, type: 'HostCameOnline' };
    expect(upcast(other, registry)).toBe(other);
    expect(upcast(v1Row)).toBe(v1Row);
  });

  it('never changes the stored row', () => {
    const row = structuredClone(v1Row);
    upcast(row, registry);
    expect(row).toEqual(v1Row);
  });

  it('refuses two upcasters for the same step', () => {
    expect(() => upcasterRegistry([{ type: 'X', from: 1, upcast: (d) => d }, { type: 'X', from: 1, upcast: (d) => d }])).toThrow(/two upcasters/);
  });
});
