import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { expect } from 'vitest';
import { encodeJson } from '@netfleet/bus/nats';
import { appendToStream } from '@netfleet/eventstore/append';
import { apiTest } from '../../support/api-test';
import { until } from '../../support/until';

// The real API's EventRecorder records hosts side by side and a host's burst as one append: each
// host's reports must still land in the order they were sent, each exactly once, even when a
// redelivered report (an event id already in the log) sits in the middle of a burst.

const test = apiTest({ actors: {} });
const hosts = ['hv1', 'hv2', 'hv3', 'hv4'];

test.beforeAll(async ({ database }) => {
  await appendToStream(database.db, { streamId: 'network:n1', expectedVersion: 0, events: [{
    eventId: randomUUID(), type: 'NetworkDefined', v: 1,
    data: { name: 'n1', uuid: randomUUID(), networkType: 'ovs-datapath', xml: '<network>\n  <name>n1</name>\n</network>\n', hosts },
    metadata: { actor: 'alice', source: 'api', correlationId: randomUUID(), occurredAt: new Date().toISOString() },
  }] });
});

const stoppedReport = (host: string, generation: number, eventId = randomUUID()) => ({
  type: 'NetworkStoppedOnHost', v: 1, data: { host, network: 'n1', generation },
  eventId, host, correlationId: randomUUID(), occurredAt: new Date().toISOString(),
});

test('api - bursts of several hosts are recorded once each, every host in its own order', async ({ database, names, nc, jsm, untilStored }) => {
  const js = jetstream(nc);
  const perHost = 30;
  const sent = new Map<string, string[]>(hosts.map((h) => [h, []]));
  // A report already recorded, sent again mid-burst under another message id (JetStream's
  // de-duplication does not catch it; the store must).
  const first = stoppedReport('hv1', 1);
  await js.publish(names.eventSubject('hv1', first.type), encodeJson(first), { msgID: first.eventId });
  sent.get('hv1')!.push(first.eventId);
  await untilStored(async () => (await database.db.selectFrom('events').select('event_id').where('event_id', '=', first.eventId).executeTakeFirst()) ?? undefined, 'the first report');

  const publishes: Promise<unknown>[] = [];
  for (let generation = 2; generation <= perHost + 1; generation++) {
    for (const h of hosts) {
      const r = stoppedReport(h, generation);
      sent.get(h)!.push(r.eventId);
      publishes.push(js.publish(names.eventSubject(h, r.type), encodeJson(r), { msgID: r.eventId }));
    }
    if (generation === perHost / 2) publishes.push(js.publish(names.eventSubject('hv1', first.type), encodeJson(first), { msgID: `again-${first.eventId}` }));
  }
  // Published in order on one connection: the stream's order per host is the order of `sent`.
  await Promise.all(publishes);

  const total = hosts.length * perHost + 1;
  const recorded = async () => {
    const rows = await database.db.selectFrom('events').select(['event_id', 'stream_id', 'stream_version']).where('stream_id', 'like', 'host:%').orderBy('stream_id').orderBy('stream_version').execute();
    return rows.length >= total ? rows : undefined;
  };
  const rows = await untilStored(recorded, `all ${total} reports recorded`);
  expect(rows).toHaveLength(total);
  for (const h of hosts) {
    expect(rows.filter((r) => r.stream_id === `host:${h}`).map((r) => r.event_id)).toEqual(sent.get(h));
  }
  // The redelivered one is not recorded twice (the count above is exact), and every report is acked.
  const settled = await until(async () => {
    const info = await jsm.consumers.info(names.eventStream, names.apiConsumer);
    return info.num_ack_pending + info.num_pending === 0 ? info : undefined;
  }, 'every report acked', { pollMs: 100, timeoutMs: 20_000 });
  expect(settled.num_redelivered).toBe(0);
});
