import { describe, expect } from 'vitest';
import { appendToStream } from '@netfleet/eventstore/append';
import { createDatabase, type Database } from '@netfleet/eventstore/database';
import { getNetworkView } from '@netfleet/eventstore/views';
import { pgTest as test } from '../../support/pg-test';
import type { TestDatabase } from '../../support/test-database';
import { defined, started, startedOnHost } from './given-events';

/**
 * Two hosts reporting on the same networks at once, in opposite orders, write the same view
 * documents: whichever append loses (a document moved under it, or PostgreSQL rolled it back to
 * break a deadlock) must go again rather than lose the report.
 */
describe('event store: concurrent appends on the same view documents', () => {
  let t: TestDatabase;
  let pools: Database[];
  test.beforeAll(async ({ database }) => {
    t = database;
    pools = [createDatabase(t.url, { max: 2 }), createDatabase(t.url, { max: 2 })];
    for (const name of ['dl1', 'dl2', 'dl3', 'dl4']) {
      await appendToStream(t.db, { streamId: `network:${name}`, expectedVersion: 0, events: [defined(name, ['ha', 'hb']), started(name, ['ha', 'hb'])] });
    }
  });
  test.afterAll(async () => {
    for (const pool of pools ?? []) await pool.destroy();
  });

  test('records every report when hosts report on overlapping networks in opposite orders', async () => {
    const networks = ['dl1', 'dl2', 'dl3', 'dl4'];
    const rounds = 15;
    await Promise.all([
      (async () => { for (let i = 0; i < rounds; i++) await appendToStream(pools[0]!, { streamId: 'host:ha', expectedVersion: 'any', events: networks.map((n) => startedOnHost('ha', n, 2, 'c-ha')) }); })(),
      (async () => { for (let i = 0; i < rounds; i++) await appendToStream(pools[1]!, { streamId: 'host:hb', expectedVersion: 'any', events: [...networks].reverse().map((n) => startedOnHost('hb', n, 2, 'c-hb')) }); })(),
    ]);
    const counts = await t.db.selectFrom('events').select(['stream_id', (eb) => eb.fn.countAll<number>().as('n')]).where('stream_id', 'in', ['host:ha', 'host:hb']).groupBy('stream_id').orderBy('stream_id').execute();
    expect(counts.map((c) => [c.stream_id, Number(c.n)])).toEqual([['host:ha', rounds * 4], ['host:hb', rounds * 4]]);
    for (const n of networks) expect((await getNetworkView(t.db, n))?.perHost['hb']?.observed).toBe('running');
  });
});
