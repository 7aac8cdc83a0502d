import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect } from 'vitest';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { appendToStream } from '@netfleet/eventstore/append';
import type { Database } from '@netfleet/eventstore/database';
import { readAll } from '@netfleet/eventstore/read';
import { subscribeToAll } from '@netfleet/eventstore/subscribe';
import { startCommitNotifier, type CommitNotifier } from '@netfleet/eventstore/commit-notifier';
import { silentLogger } from '@netfleet/log/logger';
import { pgTest as test } from '../../support/pg-test';
import type { TestDatabase } from '../../support/test-database';
import { defined, meta } from './given-events';

const agentStarted = (host: string) => ({ eventId: randomUUID(), type: 'AgentStarted', v: 1, metadata: meta({ actor: `host:${host}`, source: `host:${host}` as const }), data: { host, agentVersion: '1' } });

describe('event store: global subscription', () => {
  let t: TestDatabase;
  let other: Database;
  let notifier: CommitNotifier;
  test.beforeAll(async ({ database, otherDb }) => {
    t = database;
    other = otherDb;
    notifier = await startCommitNotifier({ databaseUrl: t.url, log: silentLogger() });
  });
  test.afterAll(async () => {
    await notifier?.stop();
  });

  test('does not pass a position whose transaction commits after a later one, and delivers it once it does', async () => {
    const delivered: RecordedEvent[] = [];
    let reads = 0;
    let onRead = () => {};
    const subscription = await subscribeToAll(t.db, {
      notifier, idleRecheckMs: 50,
      handle: (e) => { delivered.push(e); },
      onCaughtUp: () => { reads++; onRead(); },
    });
    const readsAfter = (n: number) => new Promise<void>((resolve) => { const goal = reads + n; onRead = () => { if (reads >= goal) resolve(); }; });

    // Transaction A takes position N and stays open, on a connection of its own, the way
    // netfleet_append takes it (transaction id first, then the position). It is written by hand
    // because a real append is one statement and cannot be held open between its position and its
    // commit: a real append that is merely slower than B to commit is the same interleaving.
    const a = new pg.Client({ connectionString: t.url });
    await a.connect();
    try {
      await a.query('BEGIN');
      await a.query('SELECT pg_current_xact_id()');
      const held = defined('held');
      const { rows: [{ position: heldPosition }] } = await a.query<{ position: string }>(
        `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
         VALUES ($1, 'network:held', 1, $2, 1, $3, $4) RETURNING position`, [held.eventId, held.type, JSON.stringify(held.data), JSON.stringify(held.metadata)]) as unknown as { rows: [{ position: string }] };
      const heldRow = { out_position: heldPosition };
      // Transaction B takes N+1 and commits first.
      const b = await appendToStream(other, { streamId: 'host:hv-b', expectedVersion: 'any', events: [agentStarted('hv-b')] });
      expect(b.events[0]!.position).toBe(Number(heldRow.out_position) + 1);

      // Two full reads that began after B committed (the second starts after the first ended).
      await readsAfter(2);
      expect(delivered.map((e) => e.position)).not.toContain(b.events[0]!.position);
      expect(await readAll(t.db)).toEqual([]);

      await a.query(`COMMIT; NOTIFY netfleet_events`);
      await subscription.reached(b.events[0]!.position);
      expect(delivered.map((e) => e.position)).toEqual([Number(heldRow.out_position), b.events[0]!.position]);
    } finally {
      await a.end();
      await subscription.stop();
    }
  });

  test('delivers every event exactly once, in position order, under concurrent appends from many connections', async () => {
    const start = (await readAll(t.db, { limit: 100_000 })).at(-1)?.position ?? 0;
    const delivered: number[] = [];
    const subscription = await subscribeToAll(t.db, { notifier, after: start, pageSize: 7, handle: (e) => { delivered.push(e.position); } });
    try {
      const dbs = [t.db, other];
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) =>
        appendToStream(dbs[i % 2]!, { streamId: `host:hv-${i % 5}`, expectedVersion: 'any', events: [agentStarted(`hv-${i % 5}`), agentStarted(`hv-${i % 5}`)] })));
      const positions = results.flatMap((r) => r.events.map((e) => e.position)).sort((x, y) => x - y);
      await subscription.reached(positions.at(-1)!);
      expect(delivered).toEqual(positions);
    } finally {
      await subscription.stop();
    }
  });

  test('catches up from a position, then follows live appends', async () => {
    const log = await readAll(t.db, { limit: 100_000 });
    const from = log[Math.floor(log.length / 2)]!.position;
    const delivered: number[] = [];
    const subscription = await subscribeToAll(t.db, { notifier, after: from, handle: (e) => { delivered.push(e.position); } });
    try {
      await subscription.reached(log.at(-1)!.position);
      const live = await appendToStream(t.db, { streamId: 'network:live', expectedVersion: 0, events: [defined('live')] });
      await subscription.reached(live.events[0]!.position);
      expect(delivered).toEqual([...log.filter((e) => e.position > from).map((e) => e.position), live.events[0]!.position]);
    } finally {
      await subscription.stop();
    }
  });
});
