import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busNames } from '@netfleet/bus/names';
import { connectBus, encodeJson, type NatsConnection } from '@netfleet/bus/nats';
import { runCli } from '../../support/run-cli';
import { startNatsTestServer, type OpenNatsTestServer } from '../../support/nats-test-server';
import { startTestApi, type TestApi } from '../../support/test-api';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { testNamespace } from '../../support/test-names';
import { until } from '../../support/until';

const LIVENESS = { offlineAfterMs: 2500, checkIntervalMs: 200 };
const xml = (name: string, bridge: string) => `<network type="ovs-datapath"><name>${name}</name><datapath name="${bridge}"/></network>`;

/**
 * NATS stopped under a running API (a nats-server of the test's own): /readyz names NATS, a
 * command that committed is a success whose host commands wait in the outbox, and once NATS is
 * back the API reconnects by itself — the relay publishes what waited, the report consumer
 * records agents' reports again. An API cut off from NATS hears no heartbeats, which says nothing
 * about the hosts: it records none of them offline.
 */
describe('outage - NATS down', () => {
  const names = busNames(testNamespace());
  let nats: OpenNatsTestServer;
  let database: TestDatabase;
  let api: TestApi;
  let nc: NatsConnection;
  let heartbeats: NodeJS.Timeout | undefined;
  const livenessOf = async (host: string) => (await database.db.selectFrom('events').select('type')
    .where('stream_id', '=', `host:${host}`).where('type', 'in', ['HostCameOnline', 'HostWentOffline']).orderBy('position').execute()).map((e) => e.type);
  const unpublished = async () => Number((await database.db.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).where('published_at', 'is', null).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    nats = await startNatsTestServer();
    database = await createTestDatabase();
    api = await startTestApi(database, names, { natsUrl: nats.url, liveness: LIVENESS });
    // hv1's agent, as far as liveness goes: a heartbeat every 300 ms, sent again once NATS is back.
    nc = await connectBus({ servers: nats.url, name: 'test-nats-down' });
    heartbeats = setInterval(() => { if (!nc.isClosed()) nc.publish(names.heartbeatSubject('hv1'), encodeJson({ v: 1, host: 'hv1' })); }, 300);
    expect((await api.http('POST', '/v1/hosts', { body: { name: 'hv1' } })).status).toBe(201);
    expect((await api.http('POST', '/v1/networks', { body: { xml: xml('ofnet', 'br0'), hosts: ['hv1'] } })).status).toBe(201);
  });
  afterAll(async () => {
    clearInterval(heartbeats);
    await nc?.close();
    await api?.close();
    await database?.drop();
    await nats?.stop();
  });

  it('keeps committing commands, reports NATS missing, and catches up by itself when it returns', async () => {
    await until(async () => (await livenessOf('hv1')).length > 0, 'hv1 to be recorded online', { timeoutMs: 30_000, pollMs: 100 });
    await nats.halt();
    const ready = await until(async () => {
      const answer = await api.http<{ missing: string[] }>('GET', '/readyz');
      return answer.status === 503 ? answer.body : undefined;
    }, '/readyz to report NATS missing', { timeoutMs: 30_000, pollMs: 200 });
    expect(ready.missing).toEqual(['nats']);
    expect(Number((await api.http('GET', '/readyz')).headers['retry-after'])).toBeGreaterThan(0);
    // A dry run asks the agents over NATS: refused as NATS being down, not every host shown offline.
    const plan = await api.http<{ code: string; message: string }>('POST', '/v1/networks/ofnet/plan', { body: { action: 'start' } });
    expect(plan.status).toBe(503);
    expect(plan.body.code).toBe('NF_BUS_UNAVAILABLE');
    expect(plan.body.message).toMatch(/cannot reach NATS/);
    expect(Number(plan.headers['retry-after'])).toBeGreaterThan(0);
    const cli = await runCli(['net-start', 'ofnet', '--dry-run'], { apiUrl: api.url, token: api.token });
    expect(cli.exitCode).toBe(1);
    expect(cli.stderr).toMatch(/^error: the API cannot reach NATS \(NF_BUS_UNAVAILABLE\): .*; retry in \d+ s$/m);

    // Committed while the bus is away: a success; its host command waits in the outbox.
    const start = await api.http<{ network: string }>('POST', '/v1/networks/ofnet/start');
    expect(start.status).toBe(200);
    expect(await unpublished()).toBeGreaterThan(0);
    expect((await api.http('GET', '/v1/networks/ofnet')).status).toBe(200);
    // Longer than the silence that makes a host offline: the API heard nothing, but was deaf.
    await sleep(2 * LIVENESS.offlineAfterMs);

    await nats.resume();
    await until(async () => (await api.http('GET', '/readyz')).status === 200, 'the API to be ready again', { timeoutMs: 60_000, pollMs: 200 });
    await until(async () => (await unpublished()) === 0, 'the outbox to be relayed', { timeoutMs: 60_000, pollMs: 200 });
    const commands = await jetstreamManager(nc).then((jsm) => jsm.streams.info(names.commandStream));
    expect(commands.state.messages).toBeGreaterThan(0);

    // The shared report consumer records an agent's report again.
    const eventId = randomUUID();
    await jetstream(nc).publish(names.eventSubject('hv1', 'NetworkStoppedOnHost'), encodeJson({
      type: 'NetworkStoppedOnHost', v: 1, data: { host: 'hv1', network: 'ofnet', generation: 1 },
      eventId, host: 'hv1', correlationId: randomUUID(), occurredAt: new Date().toISOString(),
    }));
    await until(async () => (await database.db.selectFrom('events').select('position').where('event_id', '=', eventId).executeTakeFirst()) !== undefined,
      'the report sent after the outage to be recorded', { timeoutMs: 60_000, pollMs: 200 });
    expect(await livenessOf('hv1')).toEqual(['HostCameOnline']);
  });
});
