import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { appendToStream } from '@netfleet/eventstore/append';
import type { Database } from '@netfleet/eventstore/database';
import { fleetAt } from '@netfleet/eventstore/fleet-at';
import { readHistory } from '@netfleet/eventstore/history';
import { readAll } from '@netfleet/eventstore/read';
import { rebuildViews } from '@netfleet/eventstore/rebuild';
import { listHostViews, listNetworkViews } from '@netfleet/eventstore/views';
import { foldFleet } from '@netfleet/fleet/evolve';
import { pgTest as test } from '../../support/pg-test';
import type { TestDatabase } from '../../support/test-database';
import { defined, started, startedOnHost } from './given-events';

describe('event store: fleet view rebuilt, as of the past, and history', () => {
  let t: TestDatabase;
  let other: Database;
  const views = async () => ({ networks: await listNetworkViews(t.db), hosts: await listHostViews(t.db) });
  const checkpoints = () => t.db.selectFrom('projection_checkpoint').selectAll().orderBy('projection').execute();

  test.beforeAll(async ({ database, otherDb }) => {
    t = database;
    other = otherDb;
    for (const name of ['n1', 'n2', 'n3']) {
      const correlationId = randomUUID();
      await appendToStream(t.db, { streamId: `network:${name}`, expectedVersion: 0, events: [defined(name, ['hv1', 'hv2'], { actor: name === 'n2' ? 'bob' : 'alice' })] });
      await appendToStream(t.db, { streamId: `network:${name}`, expectedVersion: 1, events: [started(name, ['hv1', 'hv2'], { correlationId })] });
      for (const host of ['hv1', 'hv2']) await appendToStream(t.db, { streamId: `host:${host}`, expectedVersion: 'any', events: [startedOnHost(host, name, 2, correlationId)] });
    }
    await appendToStream(t.db, { streamId: 'network:n1', expectedVersion: 2, events: [defined('n1', [], { actor: 'carol' }, '<network><name>n1</name><mtu size="9000"/></network>')].map((e) => ({ ...e, data: { ...(e.data as object), hosts: ['hv1', 'hv2'], diff: '-<network><name>n1</name></network>\n+<network><name>n1</name><mtu size="9000"/></network>\n' } })) });
  });

  test('rebuilds the views from the log to exactly what the appends projected', async () => {
    const before = await views();
    const beforeCheckpoints = await checkpoints();
    await t.db.deleteFrom('network_view').execute(); // lose them: the log is the truth
    const result = await rebuildViews(t.db);
    const log = await readAll(t.db, { limit: 100_000 });
    expect(result).toMatchObject({ events: log.length, networks: 3, hosts: 2, position: log.at(-1)!.position });
    expect(await views()).toEqual(before);
    expect(await checkpoints()).toEqual(beforeCheckpoints);
  });

  test('keeps appends and a rebuild running at the same time consistent', async () => {
    const appends = Promise.all(Array.from({ length: 30 }, (_, i) => appendToStream(i % 2 ? t.db : other, {
      streamId: `host:hv${(i % 2) + 1}`, expectedVersion: 'any', events: [startedOnHost(`hv${(i % 2) + 1}`, `n${(i % 3) + 1}`, 2, randomUUID())],
    })));
    await Promise.all([appends, rebuildViews(other), rebuildViews(t.db)]);
    const fleet = foldFleet(await readAll(t.db, { limit: 100_000 }));
    const { networks, hosts } = await views();
    expect(Object.fromEntries(networks.map((n) => [n.name, n]))).toEqual(fleet.networks);
    expect(Object.fromEntries(hosts.map((h) => [h.name, h]))).toEqual(fleet.hosts);
  });

  test('answers the fleet as of a position or a time with the same fold', async () => {
    const log = await readAll(t.db, { limit: 100_000 });
    const cut = log[5]!;
    const atPosition = await fleetAt(t.db, { position: cut.position }, { pageSize: 2 });
    expect(atPosition).toEqual(foldFleet(log.slice(0, 6)));
    expect(Object.keys(atPosition.networks)).toEqual(['n1', 'n2']);
    const atTime = await fleetAt(t.db, { time: new Date(cut.recordedAt) });
    expect(atTime).toEqual(foldFleet(log.filter((e) => e.recordedAt <= cut.recordedAt)));
    expect(await fleetAt(t.db, { time: new Date('2000-01-01T00:00:00Z') })).toEqual({ networks: {}, hosts: {}, position: 0 });
  });

  test('filters history by network (with the host outcomes), host, actor, type and time', async () => {
    const n1 = await readHistory(t.db, { network: 'n1' });
    expect(n1.map((e) => `${e.streamId} ${e.type}`).slice(0, 5)).toEqual([
      'network:n1 NetworkDefined', 'network:n1 NetworkStarted', 'host:hv1 NetworkStartedOnHost', 'host:hv2 NetworkStartedOnHost', 'network:n1 NetworkDefined',
    ]);
    expect(n1[2]!.metadata.correlationId).toBe(n1[1]!.metadata.correlationId);
    // One command and what it caused, found by its correlation id alone.
    const caused = await readHistory(t.db, { correlationId: n1[1]!.metadata.correlationId });
    expect(caused.map((e) => `${e.streamId} ${e.type}`)).toEqual(['network:n1 NetworkStarted', 'host:hv1 NetworkStartedOnHost', 'host:hv2 NetworkStartedOnHost']);
    expect((await readHistory(t.db, { actor: 'bob' })).map((e) => e.streamId)).toEqual(['network:n2']);
    expect((await readHistory(t.db, { network: 'n1', types: ['NetworkDefined'] })).map((e) => e.metadata.actor)).toEqual(['alice', 'carol']);
    // n3's own events place it on hv2; hv2's outcomes about n3: one at start, five from the race test.
    expect((await readHistory(t.db, { host: 'hv2', network: 'n3' })).map((e) => e.type)).toEqual(['NetworkDefined', 'NetworkStarted', ...Array(6).fill('NetworkStartedOnHost')]);
    const all = await readHistory(t.db, {});
    // Times have milliseconds and cover the whole millisecond: appends within one can share it.
    const [since, until] = [all[3]!.recordedAt, all[5]!.recordedAt];
    const between = all.filter((e) => e.recordedAt >= since && e.recordedAt <= until);
    expect(between.length).toBeGreaterThanOrEqual(3);
    expect(await readHistory(t.db, { since: new Date(since), until: new Date(until) })).toEqual(between);
    expect(await readHistory(t.db, { after: all[3]!.position, limit: 2 })).toEqual(all.slice(4, 6));
  });
});
