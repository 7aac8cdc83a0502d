import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToStream } from '@netfleet/eventstore/append';
import { startCommitNotifier, type CommitNotifier } from '@netfleet/eventstore/commit-notifier';
import { readAll } from '@netfleet/eventstore/read';
import { silentLogger } from '@netfleet/log/logger';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { meta } from './given-events';

const agentStarted = (host: string) => ({ eventId: randomUUID(), type: 'AgentStarted', v: 1, metadata: meta({ actor: `host:${host}`, source: `host:${host}` as const }), data: { host, agentVersion: '1' } });

describe('event store: commit notifier', () => {
  let t: TestDatabase;
  let notifier: CommitNotifier;
  let admin: pg.Client;
  const kill = async () => (await admin.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'netfleet-commit-notifier'", [t.name])).rowCount;
  const reconnected = async (after: number) => {
    const deadline = Date.now() + 10_000;
    while (!(notifier.connected && notifier.connections > after)) {
      if (Date.now() > deadline) throw new Error('the notifier did not reconnect');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    notifier = await startCommitNotifier({ databaseUrl: t.url, log: silentLogger(), minBackoffMs: 20 });
    admin = new pg.Client({ connectionString: t.url, application_name: 'test-admin' });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await notifier?.stop();
    await t?.drop();
  });

  it('listens again after its connection is terminated, wakes everyone on reconnect, and hears later commits', async () => {
    const heard: (number | undefined)[] = [];
    const unlisten = notifier.onCommit((p) => heard.push(p));
    try {
      const first = (await appendToStream(t.db, { streamId: 'host:n1', expectedVersion: 'any', events: [agentStarted('n1')] })).events[0]!.position;
      await expect.poll(() => heard).toContain(first);
      for (let round = 0; round < 2; round++) {
        const before = notifier.connections;
        expect(await kill()).toBe(1);
        await reconnected(before);
        // A wake without a position: whatever was committed meanwhile must be re-read.
        expect(heard.at(-1)).toBeUndefined();
        const next = (await appendToStream(t.db, { streamId: 'host:n1', expectedVersion: 'any', events: [agentStarted('n1')] })).events[0]!.position;
        await expect.poll(() => heard).toContain(next);
      }
    } finally {
      unlisten();
    }
  });

  it('a waiter whose commit lands while the connection is down is woken by the reconnect and re-reads', async () => {
    // A notifier of its own, slow to reconnect, so the append surely falls in the outage.
    const slow = await startCommitNotifier({ databaseUrl: t.url, log: silentLogger(), applicationName: 'test-slow-notifier', minBackoffMs: 800 });
    try {
      const target = (await readAll(t.db, { limit: 100_000 })).length + 1;
      let reads = 0;
      const waiting = slow.until(async () => {
        reads++;
        const n = (await readAll(t.db, { limit: 100_000 })).length;
        return n >= target ? { n, connections: slow.connections } : undefined;
      }, { timeoutMs: 20_000 }, async () => ({ n: -1, connections: slow.connections }));
      await expect.poll(() => reads).toBeGreaterThan(0);
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'test-slow-notifier'", [t.name]);
      await expect.poll(() => slow.connected).toBe(false);
      // Appended while nobody listens: its notification never reaches this notifier.
      await appendToStream(t.db, { streamId: 'host:n2', expectedVersion: 'any', events: [agentStarted('n2')] });
      const answer = await waiting;
      expect(answer.n).toBe(target);
      expect(answer.connections).toBe(2);
    } finally {
      await slow.stop();
    }
  });

  it('rejects a wait whose signal aborts, with the signal\'s reason', async () => {
    const controller = new AbortController();
    const waiting = notifier.until(async () => undefined, { timeoutMs: 20_000, signal: controller.signal }, async () => 'timeout');
    setTimeout(() => controller.abort(new Error('revoked')), 50);
    await expect(waiting).rejects.toThrow('revoked');
  });
});
