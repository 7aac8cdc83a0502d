import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { appendToStream } from '@netfleet/eventstore/append';
import type { Database } from '@netfleet/eventstore/database';
import { readAll, readStream } from '@netfleet/eventstore/read';
import { getNetworkView, listHostViews, listNetworkViews } from '@netfleet/eventstore/views';
import { foldFleet } from '@netfleet/fleet/evolve';
import { pgTest as test } from '../../support/pg-test';
import type { TestDatabase } from '../../support/test-database';
import { defined, meta, started, startedOnHost } from './given-events';

describe('event store: append', () => {
  let t: TestDatabase;
  // Separate pools: concurrent appends really travel over different PostgreSQL connections.
  let other: Database;
  test.beforeAll(({ database, otherDb }) => {
    t = database;
    other = otherDb;
  });

  test('records id, position, type, versioned payload and metadata, and moves the checkpoints', async () => {
    const m = { actor: 'alice', source: 'api' as const, correlationId: randomUUID(), causationId: randomUUID(), commandId: randomUUID(), comment: 'why not', occurredAt: '2026-11-28T06:00:00.000Z' };
    const event = defined('meta-net', ['hv1'], m);
    const result = await appendToStream(t.db, { streamId: 'network:meta-net', expectedVersion: 0, events: [event] });
    expect(result.duplicate).toBe(false);
    const [stored] = await readStream(t.db, 'network:meta-net');
    expect(stored).toEqual(result.events[0]);
    expect(stored).toMatchObject({ eventId: event.eventId, type: 'NetworkDefined', v: 1, streamVersion: 1, metadata: m, data: event.data });
    expect(stored!.position).toBeGreaterThan(0);
    const host = await appendToStream(t.db, { streamId: 'host:hv1', expectedVersion: 'any', events: [startedOnHost('hv1', 'meta-net', 1, m.correlationId)] });
    const checkpoints = await t.db.selectFrom('projection_checkpoint').selectAll().orderBy('projection').execute();
    expect(checkpoints).toEqual([{ projection: 'fleet_views', position: host.events[0]!.position }]);
    expect((await listHostViews(t.db)).find((h) => h.name === 'hv1')).toMatchObject({ online: true });
  });

  test('lets exactly one of two concurrent changes based on the same version win', async () => {
    await appendToStream(t.db, { streamId: 'network:race', expectedVersion: 0, events: [defined('race')] });
    for (let round = 0; round < 10; round++) {
      const version = (await readStream(t.db, 'network:race')).length;
      const outcomes = await Promise.allSettled([t.db, other].map((db) =>
        appendToStream(db, { streamId: 'network:race', expectedVersion: version, events: [defined('race', [`hv${round}`])] })));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const loser = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(loser.reason).toMatchObject({ code: 'NF_STORE_CONFLICT', message: expect.stringContaining('network:race'), details: { expectedVersion: version } });
    }
    const versions = (await readStream(t.db, 'network:race')).map((e) => e.streamVersion);
    expect(versions).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
  });

  test('refuses a stale or a future expected version', async () => {
    await appendToStream(t.db, { streamId: 'network:stale', expectedVersion: 0, events: [defined('stale')] });
    await expect(appendToStream(t.db, { streamId: 'network:stale', expectedVersion: 0, events: [started('stale')] }))
      .rejects.toMatchObject({ code: 'NF_STORE_CONFLICT', details: { actualVersion: 1 } });
    await expect(appendToStream(t.db, { streamId: 'network:stale', expectedVersion: 5, events: [started('stale')] }))
      .rejects.toMatchObject({ code: 'NF_STORE_CONFLICT' });
  });

  test('appends nothing twice when a command is retried with the same event ids', async () => {
    const events = [defined('retry')];
    const first = await appendToStream(t.db, { streamId: 'network:retry', expectedVersion: 0, events, outbox: [{ msgId: randomUUID(), subject: 'x.cmd.hv1.apply', payload: {} }] });
    const again = await appendToStream(other, { streamId: 'network:retry', expectedVersion: 0, events, outbox: [{ msgId: randomUUID(), subject: 'x.cmd.hv1.apply', payload: {} }] });
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ events: [], outbox: [], duplicate: true });
    expect(await readStream(t.db, 'network:retry')).toHaveLength(1);
    // Concurrent retries too: one records, the others find it recorded (or lose the version race).
    const concurrent = [defined('retry2')];
    const outcomes = await Promise.allSettled([t.db, other, t.db, other].map((db) => appendToStream(db, { streamId: 'network:retry2', expectedVersion: 0, events: concurrent })));
    expect(outcomes.filter((o) => o.status === 'fulfilled' && !o.value.duplicate)).toHaveLength(1);
    expect(await readStream(t.db, 'network:retry2')).toHaveLength(1);
  });

  test('numbers concurrent appends to one stream without an expected version one after the other', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendToStream(i % 2 ? t.db : other, {
      streamId: 'host:hv-any', expectedVersion: 'any',
      events: [{ eventId: randomUUID(), type: 'AgentStarted', v: 1, metadata: meta({ actor: 'host:hv-any', source: 'host:hv-any' }), data: { host: 'hv-any', agentVersion: `1.${i}` } }],
    })));
    expect((await readStream(t.db, 'host:hv-any')).map((e) => e.streamVersion)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  test('keeps the inline views equal to the fold of the log when streams race on one network', async () => {
    const correlationId = randomUUID();
    await appendToStream(t.db, { streamId: 'network:busy', expectedVersion: 0, events: [defined('busy', ['h1', 'h2', 'h3', 'h4'])] });
    await appendToStream(t.db, { streamId: 'network:busy', expectedVersion: 1, events: [started('busy', ['h1', 'h2', 'h3', 'h4'])] });
    // Four hosts report on the same network document at once, each from its own stream.
    await Promise.all(['h1', 'h2', 'h3', 'h4'].map((h, i) => appendToStream(i % 2 ? t.db : other, { streamId: `host:${h}`, expectedVersion: 'any', events: [startedOnHost(h, 'busy', 2, correlationId)] })));
    const view = await getNetworkView(t.db, 'busy');
    expect(Object.values(view!.perHost).map((s) => s.observed)).toEqual(['running', 'running', 'running', 'running']);

    const log = await readAll(t.db, { limit: 100_000 });
    const fleet = foldFleet(log);
    const networks = Object.fromEntries((await listNetworkViews(t.db)).map((n) => [n.name, n]));
    const hosts = Object.fromEntries((await listHostViews(t.db)).map((h) => [h.name, h]));
    expect(networks).toEqual(fleet.networks);
    expect(hosts).toEqual(fleet.hosts);
  });
});
