import { randomUUID } from 'node:crypto';
import { jetstream, type JetStreamManager, type PubAck } from '@nats-io/jetstream';
import { describe, expect } from 'vitest';
import { encodeJson, ensureStreams, type NatsConnection } from '@netfleet/bus/nats';
import type { BusNames } from '@netfleet/bus/names';
import { appendToStream, type OutboxMessage } from '@netfleet/eventstore/append';
import type { Database } from '@netfleet/eventstore/database';
import { relayOutbox } from '@netfleet/eventstore/outbox';
import { pgNatsTest as test } from '../../support/pg-nats-test';
import type { TestDatabase } from '../../support/test-database';
import { defined } from './given-events';

/**
 * The outbox against a real JetStream stream: what was recorded reaches the bus once, even when
 * relays race or crash between publishing and marking.
 */
describe('event store: outbox relay to JetStream', () => {
  let names: BusNames;
  let t: TestDatabase;
  let other: Database;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  test.beforeAll(async ({ names: ns, database, otherDb, nc: connection, jsm: manager }) => {
    [names, t, other, nc, jsm] = [ns, database, otherDb, connection, manager];
    await ensureStreams(jsm, names);
  });

  const js = () => jetstream(nc);
  const publish = async (messages: OutboxMessage[]): Promise<PubAck[]> =>
    Promise.all(messages.map((m) => js().publish(m.subject, encodeJson(m.payload), { msgID: m.msgId })));
  const storedMessages = async () => (await jsm.streams.info(names.commandStream)).state.messages;
  const record = async (network: string, commands: number) => {
    const msgs = Array.from({ length: commands }, (_, i) => ({ msgId: randomUUID(), subject: names.commandSubject(`hv${i}`), payload: { network, i } }));
    await appendToStream(t.db, { streamId: `network:${network}`, expectedVersion: 0, events: [defined(network)], outbox: msgs });
    return msgs;
  };
  const drain = async (db: Database, tally: string[]) => {
    while ((await relayOutbox(db, async (messages) => { tally.push(...messages.map((m) => m.msgId)); await publish(messages); }, 7)) > 0) { /* next batch */ }
  };

  test('publishes each message once when two relays race on the same outbox', async () => {
    const before = await storedMessages();
    const recorded: OutboxMessage[] = [];
    for (let i = 0; i < 20; i++) recorded.push(...await record(`race-${i}`, 5));
    const byA: string[] = [];
    const byB: string[] = [];
    await Promise.all([drain(t.db, byA), drain(other, byB)]);
    // Each row went through exactly one relay (SKIP LOCKED) …
    expect([...byA, ...byB].sort()).toEqual(recorded.map((m) => m.msgId).sort());
    // … and the stream holds each message once.
    expect((await storedMessages()) - before).toBe(100);
    expect(await t.db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute()).toEqual([]);
  });

  test('re-publishes a message whose mark did not commit, and JetStream drops the duplicate', async () => {
    const before = await storedMessages();
    const msgs = await record('crashy', 3);
    // The relay publishes, then "crashes" before its mark commits: the transaction rolls back.
    const firstAcks: PubAck[] = [];
    await expect(relayOutbox(t.db, async (messages) => { firstAcks.push(...await publish(messages)); throw new Error('crash after publish'); }))
      .rejects.toThrow('crash after publish');
    expect(firstAcks.map((a) => a.duplicate)).toEqual([false, false, false]);
    expect(await t.db.selectFrom('outbox').select('msg_id').where('published_at', 'is', null).orderBy('id').execute()).toEqual(msgs.map((m) => ({ msg_id: m.msgId })));

    // The next relay publishes them again; JetStream recognises the msgIDs.
    const secondAcks: PubAck[] = [];
    expect(await relayOutbox(other, async (messages) => { secondAcks.push(...await publish(messages)); })).toBe(3);
    expect(secondAcks.map((a) => a.duplicate)).toEqual([true, true, true]);
    expect((await storedMessages()) - before).toBe(3);
    expect(await t.db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute()).toEqual([]);
  });
});
