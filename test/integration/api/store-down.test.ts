import { describe, expect } from 'vitest';
import { dropDatabase } from '@netfleet/eventstore/database-admin';
import { apiTest } from '../../support/api-test';
import { PG_SERVER } from '../../support/test-servers';

const test = apiTest({ actors: { a: 'admin' } });

/** PostgreSQL gone under a running API: a clear 503 naming the event store, not a 500. */
describe('api - the event store goes away', () => {
  test('answers 503 NF_STORE_* with what to check', async ({ api, database }) => {
    const get = () => api.http<{ code: string; message: string }>('GET', '/v1/networks');
    expect((await get()).status).toBe(200);
    await dropDatabase(PG_SERVER, database.name);
    const down = await get();
    expect(down.status).toBe(503);
    const body = down.body;
    expect(body.code).toMatch(/^NF_STORE_(UNAVAILABLE|NO_DATABASE)$/);
    expect(body.message).toMatch(/event store/);
    expect(JSON.stringify(body)).not.toMatch(/\n\s+at /);
  });
});
