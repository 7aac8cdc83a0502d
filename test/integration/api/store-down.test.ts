import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '@netfleet/api/api-server';
import { connectBus, deleteStreams } from '@netfleet/bus/nats';
import { busNames } from '@netfleet/bus/names';
import { dropDatabase } from '@netfleet/eventstore/database-admin';
import { silentLogger } from '@netfleet/log/logger';
import { createTestDatabase, PG_SERVER, type TestDatabase } from '../../support/test-database';
import { NATS_URL } from '../../support/test-fleet';
import { testNamespace } from '../../support/test-names';

/** PostgreSQL gone under a running API: a clear 503 naming the event store, not a 500. */
describe('api - the event store goes away', () => {
  const token = `t-${randomBytes(8).toString('hex')}`;
  const names = busNames(testNamespace());
  let database: TestDatabase;
  let api: ApiServer;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    api = await startApiServer({ databaseUrl: database.url, natsUrl: NATS_URL, namespace: names.namespace, host: '127.0.0.1', port: 0, tokens: [{ actor: 'a', role: 'admin', token }], log: silentLogger() });
  });
  afterAll(async () => {
    await api?.close();
    await database?.drop();
    const nc = await connectBus({ servers: NATS_URL, name: 'test-cleanup' });
    await deleteStreams(await jetstreamManager(nc), names);
    await nc.close();
  });

  it('answers 503 NF_STORE_* with what to check', async () => {
    const get = () => fetch(`${api.url}/v1/networks`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get()).status).toBe(200);
    await dropDatabase(PG_SERVER, database.name);
    const down = await get();
    expect(down.status).toBe(503);
    const body = (await down.json()) as { code: string; message: string };
    expect(body.code).toMatch(/^NF_STORE_(UNAVAILABLE|NO_DATABASE)$/);
    expect(body.message).toMatch(/event store/);
    expect(JSON.stringify(body)).not.toMatch(/\n\s+at /);
  });
});
