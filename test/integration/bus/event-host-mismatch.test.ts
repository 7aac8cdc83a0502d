import { randomBytes, randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '@netfleet/api/api-server';
import { connectBus, deleteStreams, encodeJson, DEFAULT_NATS_URL } from '@netfleet/bus/nats';
import { busNames } from '@netfleet/bus/names';
import { appendToStream } from '@netfleet/eventstore/append';
import { silentLogger, type Logger } from '@netfleet/log/logger';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

// The real API (its EventRecorder) against a database of its own and the shared NATS server,
// in a namespace of its own. Credentials keep hv1 to hv1's subjects (host-permissions.test.ts);
// this is the other half: a host that lies in the payload on its own subject is not believed.
const NATS_URL = process.env['NETFLEET_NATS_URL'] ?? DEFAULT_NATS_URL;
const names = busNames(`nft_${randomBytes(5).toString('hex')}`);

interface Logged { level: string; bindings: object; msg: string | undefined; obj: unknown }
const logged: Logged[] = [];

/** A logger that keeps what is warned or errored (with the child bindings), and drops the rest. */
function capturingLogger(base: Logger, bindings: object = {}): Logger {
  return new Proxy(base, {
    get(target, prop, receiver) {
      if (prop === 'child') return (b: object) => capturingLogger(target.child(b), { ...bindings, ...b });
      if (prop === 'warn' || prop === 'error') {
        return (obj: unknown, msg?: string) => { logged.push({ level: prop, bindings, obj, msg }); };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

let database: TestDatabase;
let api: ApiServer;
let nc: NatsConnection;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  api = await startApiServer({
    databaseUrl: database.url, natsUrl: NATS_URL, namespace: names.namespace, host: '127.0.0.1', port: 0,
    tokens: [], log: capturingLogger(silentLogger()),
  });
  nc = await connectBus({ servers: NATS_URL, name: 'test-event-host-mismatch' });
  // n1 is placed on hv1, so hv1's honest report about it is recorded (a report about a network
  // never placed on its host is dead-lettered: hostile-agent-events.test.ts).
  await appendToStream(database.db, { streamId: 'network:n1', expectedVersion: 0, events: [{
    eventId: randomUUID(), type: 'NetworkDefined', v: 1,
    data: { name: 'n1', uuid: randomUUID(), networkType: 'ovs-datapath', xml: '<network>\n  <name>n1</name>\n</network>\n', hosts: ['hv1'] },
    metadata: { actor: 'alice', source: 'api', correlationId: randomUUID(), occurredAt: new Date().toISOString() },
  }] });
});

afterAll(async () => {
  await api?.close();
  if (nc) {
    await deleteStreams(await jetstreamManager(nc), names).catch(() => undefined);
    await nc.close();
  }
  await database?.drop();
});

const report = (subjectHost: string, envelopeHost: string, dataHost: string) => {
  const eventId = randomUUID();
  return {
    eventId,
    subject: names.eventSubject(subjectHost, 'NetworkStoppedOnHost'),
    message: {
      type: 'NetworkStoppedOnHost', v: 1, data: { host: dataHost, network: 'n1', generation: 1 },
      eventId, host: envelopeHost, correlationId: randomUUID(), occurredAt: new Date().toISOString(),
    },
  };
};

async function recorded(eventId: string): Promise<boolean> {
  const row = await database.db.selectFrom('events').select('event_id').where('event_id', '=', eventId).executeTakeFirst();
  return row !== undefined;
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it('api - an event whose host differs from its subject is terminated, logged and not recorded', async () => {
  const js = jetstream(nc);
  // The server announces each message the API terminates (JetStream advisory, nats-server 2.9).
  const terminated = nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.${names.eventStream}.${names.apiConsumer}`);
  await nc.flush();

  const lies = [report('hv1', 'hv2', 'hv2'), report('hv1', 'hv1', 'hv2'), report('hv1', 'hv2', 'hv1')];
  const honest = report('hv1', 'hv1', 'hv1');
  const seqs = new Map<number, string>();
  for (const r of [...lies, honest]) {
    const ack = await js.publish(r.subject, encodeJson(r.message), { msgID: r.eventId });
    seqs.set(ack.seq, r.eventId);
  }

  const terminatedIds: string[] = [];
  for await (const advisory of terminated) {
    const { stream_seq } = advisory.json<{ stream_seq: number }>();
    terminatedIds.push(seqs.get(stream_seq) ?? `seq ${stream_seq}`);
    if (terminatedIds.length === lies.length) break;
  }
  expect(terminatedIds).toEqual(lies.map((l) => l.eventId));

  // The recorder handles events in order: once the honest one is in PostgreSQL, the lies were seen.
  await until(() => recorded(honest.eventId), 'the honest event to be recorded');
  for (const lie of lies) expect(await recorded(lie.eventId)).toBe(false);

  const drops = logged.filter((l) => l.level === 'warn' && (l.obj as { err?: { code?: string } }).err?.code === 'NF_BUS_HOST_MISMATCH');
  expect(drops.map((d) => (d.obj as { subject: string }).subject)).toEqual(lies.map((l) => l.subject));
  expect(drops[0]?.bindings).toEqual({ component: 'recorder' });

  // Terminated, not left for redelivery: the work-queue stream keeps none of them.
  expect((await (await jetstreamManager(nc)).consumers.info(names.eventStream, names.apiConsumer)).num_ack_pending).toBe(0);
});
