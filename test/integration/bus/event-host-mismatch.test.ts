import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { expect } from 'vitest';
import { encodeJson } from '@netfleet/bus/nats';
import type { BusNames } from '@netfleet/bus/names';
import { appendToStream } from '@netfleet/eventstore/append';
import { silentLogger, type Logger } from '@netfleet/log/logger';
import { apiTest } from '../../support/api-test';

// The real API (its EventRecorder) against a database of its own and the shared NATS server,
// in a namespace of its own. Credentials keep hv1 to hv1's subjects (host-permissions.test.ts);
// this is the other half: a host that lies in the payload on its own subject is not believed.

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

const test = apiTest({ actors: {}, log: capturingLogger(silentLogger()) });

// n1 is placed on hv1, so hv1's honest report about it is recorded (a report about a network
// never placed on its host is dead-lettered: hostile-agent-events.test.ts).
test.beforeAll(async ({ database }) => {
  await appendToStream(database.db, { streamId: 'network:n1', expectedVersion: 0, events: [{
    eventId: randomUUID(), type: 'NetworkDefined', v: 1,
    data: { name: 'n1', uuid: randomUUID(), networkType: 'ovs-datapath', xml: '<network>\n  <name>n1</name>\n</network>\n', hosts: ['hv1'] },
    metadata: { actor: 'alice', source: 'api', correlationId: randomUUID(), occurredAt: new Date().toISOString() },
  }] });
});

const report = (names: BusNames, subjectHost: string, envelopeHost: string, dataHost: string) => {
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

test('api - an event whose host differs from its subject is terminated, logged and not recorded', async ({ database, names, nc, jsm, untilStored }) => {
  const recorded = async (eventId: string) =>
    (await database.db.selectFrom('events').select('event_id').where('event_id', '=', eventId).executeTakeFirst()) !== undefined;
  const js = jetstream(nc);
  // The server announces each message the API terminates (JetStream advisory, nats-server 2.9).
  const terminated = nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.${names.eventStream}.${names.apiConsumer}`);
  await nc.flush();

  const lies = [report(names, 'hv1', 'hv2', 'hv2'), report(names, 'hv1', 'hv1', 'hv2'), report(names, 'hv1', 'hv2', 'hv1')];
  const honest = report(names, 'hv1', 'hv1', 'hv1');
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
  await untilStored(() => recorded(honest.eventId), 'the honest event to be recorded');
  for (const lie of lies) expect(await recorded(lie.eventId)).toBe(false);

  const drops = logged.filter((l) => l.level === 'warn' && (l.obj as { err?: { code?: string } }).err?.code === 'NF_BUS_HOST_MISMATCH');
  expect(drops.map((d) => (d.obj as { subject: string }).subject)).toEqual(lies.map((l) => l.subject));
  expect(drops[0]?.bindings).toEqual({ component: 'recorder' });

  // Terminated, not left for redelivery: the work-queue stream keeps none of them.
  expect((await jsm.consumers.info(names.eventStream, names.apiConsumer)).num_ack_pending).toBe(0);
});
