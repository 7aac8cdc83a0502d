import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, encodeJson } from '@netfleet/bus/nats';
import { NATS_URL } from '../../support/test-fleet';
import { expectRefusal, startHostileApi, type HostileApi } from './hostile-api';

/**
 * Poison from an agent: each report that can never be recorded is refused once on arrival
 * (validated per event type), kept as a dead letter with why, terminated (never redelivered), and
 * shown to an admin at GET /v1/admin/dead-letters with the count per reason. A report about a
 * network never placed on its host is one of them. Honest reports after them are recorded.
 */
let h: HostileApi;
let nc: NatsConnection;

beforeAll(async () => {
  h = await startHostileApi();
  nc = await connectBus({ servers: NATS_URL, name: 'test-hostile-agent' });
  expect((await h.as('admin', { method: 'POST', url: '/v1/hosts', payload: { name: 'hv1' } })).statusCode).toBe(201);
  expect((await h.as('admin', { method: 'POST', url: '/v1/hosts', payload: { name: 'hv2' } })).statusCode).toBe(201);
  expect((await h.as('operator', { method: 'POST', url: '/v1/networks', payload: { xml: h.ofnetXml, hosts: ['hv1'] } })).statusCode).toBe(201);
});
afterAll(async () => {
  await nc?.close();
  await h?.stop();
});

const stopped = (host: string, network = 'ofnet') => ({
  type: 'NetworkStoppedOnHost', v: 1, data: { host, network, generation: 1 },
  eventId: randomUUID(), host, correlationId: randomUUID(), occurredAt: new Date().toISOString(),
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('api - poison events from an agent', () => {
  it('are dead-lettered once with their reason, never redelivered, never recorded; honest ones after them are', async () => {
    const js = jetstream(nc);
    const subject = (type = 'NetworkStoppedOnHost', host = 'hv1') => h.names.eventSubject(host, type);
    const poison: { reason: string; subject: string; payload: Uint8Array }[] = [
      { reason: 'NF_BUS_BAD_EVENT', subject: subject(), payload: encodeJson({ ...stopped('hv1'), eventId: 'not-a-uuid' }) },
      { reason: 'NF_BUS_BAD_EVENT', subject: subject('HostRegistered'), payload: encodeJson({ ...stopped('hv1'), type: 'HostRegistered' }) },
      { reason: 'NF_BUS_BAD_EVENT', subject: subject(), payload: encodeJson({ ...stopped('hv1'), data: { host: 'hv1', network: 'ofnet' } }) },
      { reason: 'NF_BUS_BAD_EVENT', subject: subject(), payload: encodeJson({ ...stopped('hv1'), data: { host: 'hv1', network: 'of\u0000net', generation: 1 } }) },
      { reason: 'NF_BUS_BAD_EVENT', subject: subject(), payload: new TextEncoder().encode('{"type": "NetworkStoppedOnHost", \u0000') },
      { reason: 'NF_BUS_BAD_EVENT', subject: subject('NetworkStartedOnHost'), payload: encodeJson(stopped('hv1')) },
      { reason: 'NF_BUS_EVENT_TOO_LARGE', subject: subject(), payload: encodeJson({ ...stopped('hv1'), pad: 'x'.repeat(100_000) }) },
      { reason: 'NF_BUS_HOST_MISMATCH', subject: subject(), payload: encodeJson(stopped('hv2')) },
      // hv2 is a registered host, but ofnet was never placed on it.
      { reason: 'NF_BUS_NOT_PLACED', subject: subject('NetworkStoppedOnHost', 'hv2'), payload: encodeJson(stopped('hv2')) },
      { reason: 'NF_BUS_NOT_PLACED', subject: subject(), payload: encodeJson(stopped('hv1', 'never-defined')) },
    ];
    const before = await h.eventCount();
    for (const p of poison) await js.publish(p.subject, p.payload);
    const honest = stopped('hv1');
    await js.publish(subject(), encodeJson(honest), { msgID: honest.eventId });

    // The recorder takes each host's reports in order: once hv1's honest report is in, every
    // poison one of hv1 was seen. hv2's is recorded beside them, in its own time: waited for.
    await until(() => h.database.db.selectFrom('events').select('event_id').where('event_id', '=', honest.eventId).executeTakeFirst(), (row) => row !== undefined, 'the honest report');
    await until(() => h.database.db.selectFrom('dead_letters').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(), (row) => Number(row.n) === poison.length, 'every poison report dead-lettered');
    expect(await h.eventCount()).toBe(before + 1);

    const listed = await h.as('admin', { method: 'GET', url: '/v1/admin/dead-letters' });
    expect(listed.statusCode).toBe(200);
    const body = listed.json<{ total: number; byReason: Record<string, number>; deadLetters: { reasonCode: string; subject: string; deliveries: number; payloadBytes: number; truncated: boolean; reason: string }[] }>();
    expect(body.total).toBe(poison.length);
    const ofHost = (host: string) => (d: { subject: string }) => d.subject.startsWith(`${h.names.namespace}.evt.${host}.`);
    for (const host of ['hv1', 'hv2']) {
      expect(body.deadLetters.filter(ofHost(host)).map((d) => [d.reasonCode, d.subject]).reverse()).toEqual(poison.filter(ofHost(host)).map((p) => [p.reason, p.subject]));
    }
    expect(body.byReason).toEqual({ NF_BUS_BAD_EVENT: 6, NF_BUS_EVENT_TOO_LARGE: 1, NF_BUS_HOST_MISMATCH: 1, NF_BUS_NOT_PLACED: 2 });
    for (const d of body.deadLetters) expect(d.deliveries).toBe(1);
    expect(body.deadLetters.find((d) => d.reasonCode === 'NF_BUS_EVENT_TOO_LARGE')).toMatchObject({ truncated: true });
    expect(body.deadLetters.find((d) => d.reason.includes('eventId'))).toBeDefined();

    // Terminated, not waiting for redelivery: nothing is pending, and nothing more arrives.
    const info = await (await jetstreamManager(nc)).consumers.info(h.names.eventStream, h.names.apiConsumer);
    expect(info.num_ack_pending + info.num_pending).toBe(0);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await h.as('admin', { method: 'GET', url: '/v1/admin/dead-letters' })).json<{ total: number }>().total).toBe(poison.length);
  });

  it('shows dead letters to admins only, and pages them', async () => {
    expectRefusal(await h.as('operator', { method: 'GET', url: '/v1/admin/dead-letters' }), 'NF_AUTH_FORBIDDEN');
    expectRefusal(await h.as(undefined, { method: 'GET', url: '/v1/admin/dead-letters' }), 'NF_AUTH_MISSING');
    const first = (await h.as('admin', { method: 'GET', url: '/v1/admin/dead-letters?limit=2' })).json<{ deadLetters: { id: number }[] }>();
    expect(first.deadLetters).toHaveLength(2);
    const next = (await h.as('admin', { method: 'GET', url: `/v1/admin/dead-letters?limit=2&before=${first.deadLetters[1]!.id}` })).json<{ deadLetters: { id: number }[] }>();
    expect(next.deadLetters[0]!.id).toBeLessThan(first.deadLetters[1]!.id);
  });
});
