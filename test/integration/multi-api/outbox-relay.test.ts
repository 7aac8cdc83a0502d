import { randomUUID } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, type NatsConnection } from '@netfleet/bus/nats';
import { spawnApiProcess } from '../../support/api-process';
import { startTestApi, type TestApi } from '../../support/test-api';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { createTestNamespace, type TestNamespace } from '../../support/test-namespace';
import { NATS_URL } from '../../support/test-servers';
import { until } from '../../support/until';

const xml = (name: string, bridge: string) => `<network type="ovs-datapath"><name>${name}</name><datapath name="${bridge}"/></network>`;

/**
 * Two API instances on one database and one NATS namespace, no agents (so every host command
 * stays on the command stream to be counted): each outbox row reaches the bus exactly once,
 * whichever instance committed it, also when the instance relaying is killed with -9 mid-batch.
 */
describe('multi-api - the outbox is relayed exactly once across instances', () => {
  let database: TestDatabase;
  let namespace: TestNamespace;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const onBus = async () => (await jsm.streams.info(namespace.names.commandStream)).state.messages;
  const outbox = async () => {
    const rows = await database.db.selectFrom('outbox').select(['published_at']).execute();
    return { rows: rows.length, unpublished: rows.filter((r) => r.published_at === null).length };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    namespace = createTestNamespace();
    nc = await connectBus({ servers: NATS_URL, name: 'test-multi-api-outbox' });
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    await nc?.close();
    await namespace?.remove();
    await database?.drop();
  });

  it('commands taken by either of two running instances reach the bus once each', async () => {
    const a = await startTestApi(database, namespace.names, { liveness: false });
    const b = await startTestApi(database, namespace.names, { liveness: false });
    try {
      for (const host of ['hv1', 'hv2']) expect((await a.http('POST', '/v1/hosts', { body: { name: host } })).status).toBe(201);
      const networks = Array.from({ length: 12 }, (_, i) => `net${i}`);
      // Defined through one instance, started through the other, all at once.
      await Promise.all(networks.map(async (name, i) => {
        const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
        expect((await first.http('POST', '/v1/networks', { body: { xml: xml(name, `br${i}`), hosts: ['hv1', 'hv2'] } })).status).toBe(201);
        expect((await second.http('POST', `/v1/networks/${name}/start`)).status).toBe(200);
      }));
      await until(async () => (await outbox()).unpublished === 0, 'both instances to relay the outbox', { timeoutMs: 30_000, pollMs: 100 });
      const { rows } = await outbox();
      expect(rows).toBe(networks.length * 2);
      expect(await onBus()).toBe(rows);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('an instance killed with -9 mid-relay loses nothing: another relays the rest, nothing reaches the bus twice', async () => {
    const before = await onBus();
    const pending = 20_000;
    // Committed host commands nobody relayed yet, as commands leave them (the relay only reads the outbox).
    for (let from = 0; from < pending; from += 5_000) {
      await database.db.insertInto('outbox').values(Array.from({ length: 5_000 }, (_, i) => ({
        msg_id: randomUUID(), subject: namespace.names.commandSubject(`hv${(from + i) % 2 + 1}`), payload: JSON.stringify({ seq: from + i }),
      }))).execute();
    }
    const relaying = await spawnApiProcess(database, namespace.names, { NETFLEET_LOG_LEVEL: 'fatal' });
    await until(async () => (await onBus()) > before, 'the spawned instance to begin relaying', { timeoutMs: 60_000, pollMs: 5 });
    await relaying.kill();
    const atKill = { onBus: (await onBus()) - before, marked: pending - (await outbox()).unpublished };
    // Killed mid-relay indeed; and marked published implies on the bus (publish, then mark, in one transaction).
    expect(atKill.marked).toBeLessThan(pending);
    expect(atKill.onBus).toBeGreaterThanOrEqual(atKill.marked);

    const survivor = await startTestApi(database, namespace.names, { liveness: false });
    try {
      await until(async () => (await outbox()).unpublished === 0, 'the surviving instance to relay what was left', { timeoutMs: 120_000, pollMs: 100 });
      expect((await onBus()) - before).toBe(pending);
    } finally {
      await survivor.close();
    }
    console.info(`killed after ${atKill.onBus} of ${pending} reached the bus (${atKill.marked} marked): the rest relayed once by the survivor`);
  });
});
