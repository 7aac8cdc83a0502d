import { randomBytes, randomUUID } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '@netfleet/api/api-server';
import { connectBus, deleteStreams, encodeJson, type NatsConnection } from '@netfleet/bus/nats';
import { busNames } from '@netfleet/bus/names';
import { appendToStream } from '@netfleet/eventstore/append';
import { silentLogger } from '@netfleet/log/logger';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { NATS_URL } from '../../support/test-fleet';
import { testNamespace } from '../../support/test-names';

/**
 * The API's command path against real PostgreSQL and NATS, without agents: the same bridge rule
 * for every verb, concurrent commands decided again instead of refused, and no NATS consumer made
 * by a command.
 */
describe('api - network commands', () => {
  const token = `t-${randomBytes(8).toString('hex')}`;
  const names = busNames(testNamespace());
  let database: TestDatabase;
  let api: ApiServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api.url}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const xml = (name: string, bridge: string) => `<network type="ovs-datapath"><name>${name}</name><datapath name="${bridge}"/></network>`;
  const eventCount = async () => Number((await database.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n);
  const hasConsumer = (host: string) => jsm.consumers.info(names.commandStream, names.agentConsumer(host)).then(() => true, () => false);

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    api = await startApiServer({ databaseUrl: database.url, natsUrl: NATS_URL, namespace: names.namespace, host: '127.0.0.1', port: 0, tokens: [{ actor: 'alice', role: 'admin', token }], log: silentLogger(), liveness: false });
    nc = await connectBus({ servers: NATS_URL, name: 'test-network-commands' });
    jsm = await jetstreamManager(nc);
    for (const host of ['hv1', 'hv2', 'hv3']) expect((await call('POST', '/v1/hosts', { name: host })).status).toBe(201);
  });
  afterAll(async () => {
    await api?.close();
    await database?.drop();
    if (nc) {
      await deleteStreams(jsm, names);
      await nc.close();
    }
  });

  it('refuses a second network on a bridge of a host for every verb that places or starts it, recording nothing', async () => {
    expect((await call('POST', '/v1/networks', { xml: xml('first', 'br0'), hosts: ['hv1'] })).status).toBe(201);
    expect((await call('POST', '/v1/networks', { xml: xml('second', 'br0'), hosts: ['hv2'] })).status).toBe(201);
    const before = await eventCount();
    const refusals = [
      await call('POST', '/v1/networks', { xml: xml('third', 'br0'), hosts: ['hv1'] }),
      await call('POST', '/v1/networks/create', { xml: xml('fourth', 'br0'), hosts: ['hv1', 'hv3'] }),
      await call('PUT', '/v1/networks/second/placement', { hosts: ['hv1', 'hv2'] }),
      await call('POST', '/v1/networks', { xml: xml('second', 'br0'), hosts: ['hv1'] }),
    ];
    for (const refusal of refusals) {
      expect(refusal).toMatchObject({ status: 409, body: { code: 'NF_NETWORK_BRIDGE_CONFLICT', details: { conflictsWith: 'first', hosts: ['hv1'] } } });
    }
    expect(await eventCount()).toBe(before);
    // Elsewhere the bridge name is free.
    expect((await call('POST', '/v1/networks/create', { xml: xml('fourth', 'br0'), hosts: ['hv3'] })).status).toBe(201);
  });

  it('checks a bridge by its exact name: one that only contains another\'s is free, the same one is refused', async () => {
    expect((await call('POST', '/v1/networks', { xml: xml('wide', 'brx10'), hosts: ['hv1'] })).status).toBe(201);
    // The store reads the definitions that mention brx1 (wide's does); the check confirms by name.
    expect((await call('POST', '/v1/networks', { xml: xml('brx10-named', 'brx1'), hosts: ['hv1'] })).status).toBe(201);
    expect(await call('POST', '/v1/networks', { xml: xml('narrow', 'brx10'), hosts: ['hv1', 'hv2'] }))
      .toMatchObject({ status: 409, body: { code: 'NF_NETWORK_BRIDGE_CONFLICT', details: { conflictsWith: 'wide', hosts: ['hv1'] } } });
    // A start and an autostart claim the bridge too: a network defined elsewhere, moved onto hv1, is refused.
    expect((await call('POST', '/v1/networks', { xml: xml('later', 'brx1'), hosts: ['hv2'] })).status).toBe(201);
    expect(await call('PUT', '/v1/networks/later/placement', { hosts: ['hv1'] }))
      .toMatchObject({ status: 409, body: { code: 'NF_NETWORK_BRIDGE_CONFLICT', details: { conflictsWith: 'brx10-named', hosts: ['hv1'] } } });
    expect((await call('POST', '/v1/networks/later/start')).status).toBe(200);
    expect((await call('PUT', '/v1/networks/later/autostart', { autostart: true })).status).toBe(200);
  });

  it('decides concurrent commands on one network again on the state they lost to, instead of refusing them', async () => {
    expect((await call('POST', '/v1/networks', { xml: xml('busy', 'busy0'), hosts: ['hv1'] })).status).toBe(201);
    const placements = [['hv1', 'hv2'], ['hv2'], ['hv2', 'hv3'], ['hv3'], ['hv1', 'hv3'], ['hv1']];
    const answers = await Promise.all([
      ...placements.map((hosts) => call('PUT', '/v1/networks/busy/placement', { hosts })),
      call('PUT', '/v1/networks/busy/autostart', { autostart: true }),
    ]);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const view = (await call('GET', '/v1/networks/busy')).body as { version: number; autostart: boolean; hosts: string[] };
    expect(view.autostart).toBe(true);
    expect(view.version).toBe(1 + answers.filter((a) => (a.body['events'] as unknown[]).length > 0).length);
    // Two starts at once: one starts it, the other is refused on what the first recorded.
    const starts = await Promise.all([call('POST', '/v1/networks/busy/start'), call('POST', '/v1/networks/busy/start')]);
    expect(starts.map((s) => s.status).sort()).toEqual([200, 409]);
    expect(starts.find((s) => s.status === 409)?.body).toMatchObject({ code: 'NF_NETWORK_ALREADY_ACTIVE' });
  });

  it('a command makes no NATS consumer; a host known only to the store gets one when its agent asks', async () => {
    // A host the store knows (as if registered by another API instance): no consumer here yet.
    await appendToStream(database.db, { streamId: 'host:hv9', expectedVersion: 'any', events: [{ eventId: randomUUID(), type: 'HostRegistered', v: 1, data: { host: 'hv9', labels: {} }, metadata: { actor: 'alice', source: 'api', correlationId: randomUUID(), occurredAt: new Date().toISOString() } }] });
    expect((await call('POST', '/v1/networks', { xml: xml('late', 'late0'), hosts: ['hv9'] })).status).toBe(201);
    const started = await call('POST', '/v1/networks/late/start');
    expect(started).toMatchObject({ status: 200, body: { hosts: [{ host: 'hv9', outcome: 'pending' }] } });
    expect(await hasConsumer('hv9')).toBe(false);
    const answer = (await nc.request(names.desiredStateSubject('hv9'), encodeJson({ v: 1, host: 'hv9' }), { timeout: 5000 })).json<{ networks: { network: string; desired: string }[] }>();
    expect(answer.networks).toMatchObject([{ network: 'late', desired: 'running' }]);
    expect(await hasConsumer('hv9')).toBe(true);
    // Registered hosts got theirs at host-add.
    expect(await hasConsumer('hv1')).toBe(true);
  });
});
