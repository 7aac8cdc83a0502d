import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busNames } from '@netfleet/bus/names';
import { connectBus, deleteStreams, encodeJson, type NatsConnection } from '@netfleet/bus/nats';
import { createDatabase, type Database } from '@netfleet/eventstore/database';
import { runCli } from '../../support/run-cli';
import { openSse } from '../../support/sse-client';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres';
import { startTestApi, type TestApi } from '../../support/test-api';
import { NATS_URL } from '../../support/test-servers';
import { testDatabaseName, testNamespace } from '../../support/test-names';
import { until } from '../../support/until';

const xml = (name: string, bridge: string) => `<network type="ovs-datapath"><name>${name}</name><datapath name="${bridge}"/></network>`;
/** How long PostgreSQL stays down: the product promises the API survives 30 s of it. */
const OUTAGE_MS = 30_000;

/**
 * PostgreSQL stopped under a running API (a server of the test's own; the shared one serves
 * everyone else): every request that needs the store answers 503 naming PostgreSQL with a
 * Retry-After, a command is never answered 2xx, and once PostgreSQL is back the API recovers by
 * itself — pool, LISTEN (the event stream hears commits again), the outbox relay.
 */
describe('outage - PostgreSQL down for 30 s', () => {
  const names = busNames(testNamespace());
  let pg: PrivatePostgres;
  let api: TestApi;
  let db: Database;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const commandsOnBus = async () => (await jsm.streams.info(names.commandStream)).state.messages;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    const url = await pg.createDatabase(testDatabaseName());
    api = await startTestApi({ url }, names, { liveness: false });
    db = createDatabase(url);
    nc = await connectBus({ servers: NATS_URL, name: 'test-postgres-down' });
    jsm = await jetstreamManager(nc);
    expect((await api.http('POST', '/v1/hosts', { body: { name: 'hv1' } })).status).toBe(201);
    expect((await api.http('POST', '/v1/networks', { body: { xml: xml('before', 'br0'), hosts: ['hv1'] } })).status).toBe(201);
  });
  afterAll(async () => {
    await api?.close();
    await db?.destroy();
    await pg?.remove();
    if (nc) {
      await deleteStreams(jsm, names).catch(() => undefined);
      await nc.close();
    }
  });

  it('answers 503 naming PostgreSQL while it is down, and recovers by itself when it returns', async () => {
    const sse = await openSse(`${api.url}/v1/events/stream`, api.token);
    expect(sse.status).toBe(200);
    await pg.stop();
    // An agent's report arriving while the store is down waits on the bus, not lost.
    const reportId = randomUUID();
    await jetstream(nc).publish(names.eventSubject('hv1', 'NetworkStoppedOnHost'), encodeJson({
      type: 'NetworkStoppedOnHost', v: 1, data: { host: 'hv1', network: 'before', generation: 1 },
      eventId: reportId, host: 'hv1', correlationId: randomUUID(), occurredAt: new Date().toISOString(),
    }));

    const deadline = Date.now() + OUTAGE_MS;
    let rounds = 0;
    do {
      const read = await api.http<{ code: string; message: string }>('GET', '/v1/networks');
      expect(read.status).toBe(503);
      expect(read.body.code).toBe('NF_STORE_UNAVAILABLE');
      expect(read.body.message).toMatch(/PostgreSQL/);
      expect(Number(read.headers['retry-after'])).toBeGreaterThan(0);
      expect(JSON.stringify(read.body)).not.toMatch(/\n\s+at /);
      // A command whose events cannot be committed is never a success.
      const command = await api.http<{ code: string }>('POST', '/v1/networks', { body: { xml: xml(`during${rounds}`, `brd${rounds}`), hosts: ['hv1'] } });
      expect(command.status).toBe(503);
      expect(command.body.code).toBe('NF_STORE_UNAVAILABLE');
      const ready = await api.http<{ ready: boolean; missing: string[] }>('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.missing).toEqual(['postgres']);
      expect((await api.http('GET', '/healthz')).status).toBe(200);
      if (rounds === 0) {
        const cli = await runCli(['net-list'], { apiUrl: api.url, token: api.token });
        expect(cli.exitCode).toBe(1);
        expect(cli.stderr).toMatch(/^error: the API cannot reach PostgreSQL \(NF_STORE_UNAVAILABLE\): .*; retry in \d+ s$/m);
      }
      rounds++;
      await sleep(5_000);
    } while (Date.now() < deadline);

    await pg.start();
    await until(async () => (await api.http('GET', '/readyz')).status === 200, 'the API to be ready again', { timeoutMs: 30_000, pollMs: 200 });
    // Nothing tried during the outage was recorded.
    const list = await api.http<{ networks: { name: string }[] }>('GET', '/v1/networks');
    expect(list.status).toBe(200);
    expect(list.body.networks.map((n) => n.name)).toEqual(['before']);

    // The pool serves commands again; the relay publishes their host commands.
    const onBus = await commandsOnBus();
    expect((await api.http('POST', '/v1/networks/before/start')).status).toBe(200);
    await until(async () => (await commandsOnBus()) > onBus, 'the start command to reach the bus', { timeoutMs: 30_000, pollMs: 100 });

    // The report sent during the outage is recorded, once.
    const recorded = async () => (await db.selectFrom('events').select('position').where('event_id', '=', reportId).execute()).length;
    await until(async () => (await recorded()) > 0, 'the report sent during the outage to be recorded', { timeoutMs: 60_000, pollMs: 200 });
    expect(await recorded()).toBe(1);

    // LISTEN is back: the event stream opened before the outage hears a commit made after it.
    expect((await api.http('POST', '/v1/networks', { body: { xml: xml('after', 'br1'), hosts: ['hv1'] } })).status).toBe(201);
    await sse.until(() => sse.messages.some((m) => m.data.includes('"after"')), 30_000);
    sse.close();
  });
});
