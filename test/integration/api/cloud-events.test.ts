import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { CloudEvent, HTTP } from 'cloudevents';
import { expect } from 'vitest';
import type { NewEvent } from '@netfleet/events/event-envelope';
import { upcasterRegistry } from '@netfleet/events/upcasters';
import { appendToStream } from '@netfleet/eventstore/append';
import { HostEventType } from '@netfleet/events/host-events';
import { NetworkEventType } from '@netfleet/events/network-events';
import { apiTest } from '../../support/api-test';
import { openSse } from '../../support/sse-client';
import { until } from '../../support/until';

// A test-only version bump: HostWentOffline v2 renames lastSeen to lastSeenAt; the rows in the
// store stay v1 and leave as v2.
const upcasters = upcasterRegistry([{
  type: 'HostWentOffline', from: 1,
  upcast: (data) => { const { lastSeen, ...rest } = data as { lastSeen: string }; return { ...rest, lastSeenAt: lastSeen }; },
}]);
const test = apiTest({ upcasters, liveness: false });

const meta = (actor = 'test') => ({ actor, source: 'api' as const, correlationId: randomUUID(), occurredAt: new Date().toISOString() });
const event = (type: string, data: unknown): NewEvent => ({ eventId: randomUUID(), type, v: 1, data, metadata: meta() });

/**
 * Every event that leaves netfleet is a CloudEvents 1.0 envelope that the official SDK reads as
 * it is: over SSE (each message's data), on the NATS subjects for subscribers; its `dataschema`
 * is served and describes its data; old rows leave upcast.
 */
test('the SSE stream carries CloudEvents the SDK reads, whose data matches the schema at their dataschema', async ({ api }) => {
  const from = api.server.ctx.eventStream.position;
  expect((await api.http('POST', '/v1/hosts', { body: { name: 'hv1', labels: { rack: 'a' } } })).status).toBe(201);
  const xml = await readFile('examples/ofnet.xml', 'utf8');
  expect((await api.http('POST', '/v1/networks', { body: { xml, hosts: ['hv1'] } })).status).toBe(201);
  const stream = await openSse(`${api.url}/v1/events/stream?after=${from}`, api.token);
  try {
    await stream.until(() => stream.messages.some((m) => m.event === 'io.netfleet.network.defined'));
    const ajv = new Ajv({ strict: false });
    const seen: string[] = [];
    for (const message of stream.messages.filter((m) => m.id !== undefined)) {
      const fromJson = new CloudEvent(JSON.parse(message.data) as Record<string, unknown>, true);
      expect(fromJson.validate()).toBe(true);
      // What a CloudEvents HTTP receiver gets from the same bytes, in structured mode.
      const received = HTTP.toEvent({ headers: { 'content-type': 'application/cloudevents+json' }, body: message.data }) as CloudEvent<unknown>;
      expect(received.validate()).toBe(true);
      expect(received.specversion).toBe('1.0');
      expect(received.type).toBe(message.event);
      expect(received['position']).toBe(Number(message.id));
      expect(received.dataschema).toMatch(new RegExp(`^${api.url}/v1/schemas/[A-Za-z]+/v1$`));
      const schema = await fetch(received.dataschema!, { headers: { authorization: `Bearer ${api.token}` } });
      expect(schema.status).toBe(200);
      const validate = ajv.compile(await schema.json() as object);
      expect(validate(received.data), `${received.type}: ${JSON.stringify(validate.errors)}`).toBe(true);
      seen.push(received.type);
    }
    expect(seen).toEqual(expect.arrayContaining(['io.netfleet.host.registered', 'io.netfleet.network.defined']));
    const defined = JSON.parse(stream.messages.find((m) => m.event === 'io.netfleet.network.defined')!.data) as Record<string, unknown>;
    expect(defined).toMatchObject({ subject: 'networks/ofnet', source: '/netfleet/api', actor: 'alice', netfleettype: 'NetworkDefined', dataversion: 1, data: { name: 'ofnet', hosts: ['hv1'] } });
    expect(defined['correlationid']).toEqual(expect.any(String));
    // ?type= takes CloudEvents types as well as netfleet's.
    const byType = await openSse(`${api.url}/v1/events/stream?after=${from}&type=io.netfleet.network.defined`, api.token);
    try {
      await byType.until(() => byType.positions.length > 0);
      expect(byType.messages.filter((m) => m.id !== undefined).map((m) => m.event)).toEqual(['io.netfleet.network.defined']);
    } finally {
      byType.close();
    }
  } finally {
    stream.close();
  }
});

test('each recorded event is published to <ns>.events.<kind>.<name> as a CloudEvent, names made subject tokens', async ({ api, database, names, nc }) => {
  const got: { subject: string; id: string | undefined; data: string }[] = [];
  const sub = nc.subscribe(names.allCloudEvents, { callback: (_e, m) => { got.push({ subject: m.subject, id: m.headers?.get('Nats-Msg-Id'), data: m.string() }); } });
  await nc.flush();
  try {
    const appended = await appendToStream(database.db, { streamId: 'network:web.1 a', expectedVersion: 'any', events: [event('NetworkUndefined', { name: 'web.1 a' })] });
    await until(() => got.length > 0 || undefined, 'the CloudEvent on NATS', { pollMs: 20 });
    expect(got[0]!.subject).toBe(`${names.namespace}.events.network.web%2E1%20a`);
    expect(got[0]!.id).toBe(appended.events[0]!.eventId);
    const received = HTTP.toEvent({ headers: { 'content-type': 'application/cloudevents+json' }, body: got[0]!.data }) as CloudEvent<unknown>;
    expect(received.validate()).toBe(true);
    expect(received).toMatchObject({ id: appended.events[0]!.eventId, type: 'io.netfleet.network.undefined', subject: 'networks/web.1 a', data: { name: 'web.1 a' } });
  } finally {
    sub.unsubscribe();
  }
  void api;
});

test('old rows leave upcast to the newest version, with that version\'s dataschema', async ({ api, database }) => {
  const from = api.server.ctx.eventStream.position;
  await appendToStream(database.db, { streamId: 'host:hv-old', expectedVersion: 'any', events: [event('HostWentOffline', { host: 'hv-old', lastSeen: '2026-12-01T00:00:00.000Z' })] });
  const stream = await openSse(`${api.url}/v1/events/stream?after=${from}&host=hv-old`, api.token);
  try {
    await stream.until(() => stream.positions.length > 0);
    const ce = JSON.parse(stream.messages.find((m) => m.id !== undefined)!.data) as Record<string, unknown>;
    expect(ce).toMatchObject({ type: 'io.netfleet.host.went_offline', dataversion: 2, dataschema: `${api.url}/v1/schemas/HostWentOffline/v2`, data: { host: 'hv-old', lastSeenAt: '2026-12-01T00:00:00.000Z' } });
    expect(ce['data']).not.toHaveProperty('lastSeen');
  } finally {
    stream.close();
  }
});

test('GET /v1/schemas lists every event type with its versions and CloudEvents type; unknown ones are 404', async ({ api }) => {
  const list = await api.http<{ schemas: { type: string; versions: number[]; latest: number; cloudEventType: string; dataschema: string }[] }>('GET', '/v1/schemas');
  expect(list.status).toBe(200);
  expect(list.body.schemas).toContainEqual({ type: 'NetworkStarted', versions: [1], latest: 1, cloudEventType: 'io.netfleet.network.started', dataschema: `${api.url}/v1/schemas/NetworkStarted/v1` });
  expect(list.body.schemas).toContainEqual(expect.objectContaining({ type: 'NetworkStartedOnHost', cloudEventType: 'io.netfleet.host.network_started' }));
  expect(list.body.schemas.map((s) => s.type).sort()).toEqual([...Object.values(NetworkEventType), ...Object.values(HostEventType)].sort());
  const one = await api.http<Record<string, unknown>>('GET', '/v1/schemas/NetworkStarted/v1');
  expect(one.body).toMatchObject({ $id: `${api.url}/v1/schemas/NetworkStarted/v1`, type: 'object', required: ['name', 'hosts'] });
  for (const path of ['/v1/schemas/NoSuchEvent/v1', '/v1/schemas/NetworkStarted/v9']) {
    const missing = await api.http('GET', path);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NF_SCHEMA_NOT_FOUND' });
  }
  expect((await api.http('GET', '/v1/schemas/Network%00Started/v1')).status).toBe(400);
});
