import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LiveFleetCache, type LogPages } from '@netfleet/api/stream/live-fleet-cache';
import type { CloudEventV1 } from '@netfleet/events/cloud-event';
import { appendToStream } from '@netfleet/eventstore/append';
import { readAll } from '@netfleet/eventstore/read';
import { toCloudEvent } from '@netfleet/events/cloud-event';
import { silentLogger } from '@netfleet/log/logger';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { defined, meta, started, startedOnHost } from '../eventstore/given-events';

// The fleet the API keeps in memory for GET /v1/fleet/grid, on a real PostgreSQL: read once from
// the views, then folded from the event stream's reader — and, when the reader lags, from the
// store itself, so an answer always has the log's head.

let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t?.drop(); });

const append = async (streamId: string, events: Parameters<typeof appendToStream>[1]['events']) =>
  (await appendToStream(t.db, { streamId, expectedVersion: 'any', events })).events.at(-1)!.position;

it('has what was appended after its first read even when the reader hands nothing over (it reads the rest itself)', async () => {
  const silentReader: LogPages = { onPage: () => undefined };
  const cache = new LiveFleetCache(t.db, silentReader, silentLogger());
  await append('host:h1', [{ eventId: randomUUID(), type: 'HostRegistered', v: 1, metadata: meta(), data: { host: 'h1', labels: {} } }]);
  const defined1 = await append('network:lag', [defined('lag', ['h1']), started('lag', ['h1'])]);
  const first = await cache.current();
  expect(first.position).toBe(defined1);
  expect(first.networks['lag']!.perHost['h1']!.observed).toBe('pending');

  const reported = await append('host:h1', [startedOnHost('h1', 'lag', 2, 'c1')]);
  const second = await cache.current();
  expect(second.position).toBe(reported);
  expect(second.networks['lag']!.perHost['h1']!.observed).toBe('running');
});

it('folds the pages the reader hands over, once each, even when they overlap what it read', async () => {
  let listener: (events: readonly CloudEventV1[]) => void = () => undefined;
  const reader: LogPages = { onPage: (l) => { listener = l; } };
  const cache = new LiveFleetCache(t.db, reader, silentLogger());
  const before = await cache.current();
  const position = before.position;
  // What the hub would hand over next: an event in its CloudEvents envelope — twice (a page
  // overlapping the one before it).
  const envelope = {
    specversion: '1.0', id: randomUUID(), source: '/netfleet/hosts/h1', type: 'io.netfleet.network-failed-on-host', netfleettype: 'NetworkFailedOnHost',
    dataversion: 1, time: new Date().toISOString(), actor: 'host:h1', correlationid: 'c3', position: position + 1, streamid: 'host:h1', streamversion: 99,
    data: { host: 'h1', network: 'lag', generation: 2, code: 'NF_OVS_FAILED', error: 'boom' },
  } as unknown as CloudEventV1;
  expect(before.networks['lag']).toBeDefined();
  listener([envelope]);
  listener([envelope]);
  await new Promise((resolve) => setImmediate(resolve));
  const after = await cache.current();
  expect(after.position).toBe(position + 1);
  expect(after.networks['lag']!.perHost['h1']!.observed).toBe('failed');
  expect(after.networks['lag']!.perHost['h1']!.lastError).toBe('boom');
  expect(after.networks['lag']!.perHost['h1']!.updatedAt).toBe(envelope.time);
});

it('folds an event that commits after one with a higher position was already folded (a transaction in flight)', async () => {
  const listeners: ((events: readonly CloudEventV1[]) => void)[] = [];
  const reader: LogPages = { onPage: (l) => { listeners.push(l); } };
  const cache = new LiveFleetCache(t.db, reader, silentLogger());
  const start = (await cache.current()).position;

  // A holds its position and stays open while B, appended after it, commits first.
  let commitA!: () => void;
  const aHeld = new Promise<void>((resolve) => { commitA = resolve; });
  let aAppended!: () => void;
  const aInFlight = new Promise<void>((resolve) => { aAppended = resolve; });
  const a = t.db.transaction().execute(async (trx) => {
    await appendToStream(trx, { streamId: 'network:late', expectedVersion: 'any', events: [defined('late', ['h1'])] });
    aAppended();
    await aHeld;
  });
  await aInFlight;
  const positionB = await append('host:h1', [startedOnHost('h1', 'lag', 2, 'c-late')]);

  // Both paths that can move past A while it is in flight: a fresh snapshot, and a catch-up read.
  const fresh = new LiveFleetCache(t.db, reader, silentLogger());
  const [seenByFresh, seenByOld] = [await fresh.current(), await cache.current()];
  for (const seen of [seenByFresh, seenByOld]) {
    expect(seen.position).toBe(positionB);
    expect(seen.networks['late']).toBeUndefined();
    // A client holding this answer follows the stream from below A, skipping B (which it has).
    expect(seen.resume.after).toBeLessThan(positionB - 1);
    expect(seen.resume.folded).toEqual([positionB]);
  }

  commitA();
  await a;
  // What the hub's reader then hands over: A and B in position order (it never passes A in flight).
  const page = (await readAll(t.db, { after: start })).map((e) => toCloudEvent(e, 'http://api.test'));
  expect(page.map((e) => e.position)).toEqual([positionB - 1, positionB]);
  for (const l of listeners) l(page);
  await new Promise((resolve) => setImmediate(resolve));
  for (const [name, c] of [['fresh', fresh], ['old', cache]] as const) {
    const after = await c.current();
    expect(after.networks['late']?.name, name).toBe('late');
    expect(after.position).toBe(positionB);
    expect(after.networks['lag']!.perHost['h1']!.observed).toBe('running');
    expect(after.resume).toEqual({ after: positionB, folded: [] });
  }
});
