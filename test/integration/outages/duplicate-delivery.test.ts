import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { describe, expect } from 'vitest';
import { connectBus, encodeJson, type NatsConnection } from '@netfleet/bus/nats';
import { fleetTest } from '../../support/fleet-test';
import { ovsDatapathXml, type TestFleet } from '../../support/test-fleet';
import { NATS_URL } from '../../support/test-servers';
import { until } from '../../support/until';

const test = fleetTest({ hosts: ['hv1'] });

/**
 * Every message delivered twice takes effect once: a host command the relay publishes again
 * (after JetStream's duplicate window, or from a second relay) is applied and answered once by
 * the agent, and an agent's report published twice is recorded once (by its event id).
 */
describe('outage - duplicate deliveries', () => {
  let fleet: TestFleet;
  let nc: NatsConnection;
  test.beforeAll(async ({ fleet: started }) => {
    fleet = started;
    nc = await connectBus({ servers: NATS_URL, name: 'test-duplicate-delivery' });
  });
  test.afterAll(async () => { await nc?.close(); });

  const reports = async (type: string, network: string) => (await fleet.events('hv1')).filter((e) => e.type === type && e.data['network'] === network);
  /** The agent's consumer has taken and acked everything up to the stream's last message. */
  const consumed = async () => {
    const jsm = await jetstreamManager(nc);
    const [stream, consumer] = await Promise.all([jsm.streams.info(fleet.names.commandStream), jsm.consumers.info(fleet.names.commandStream, fleet.names.agentConsumer('hv1'))]);
    return consumer.ack_floor.stream_seq >= stream.state.last_seq && consumer.num_ack_pending === 0;
  };

  test('a host command delivered again is applied and answered once', async () => {
    const answer = await fleet.defineAndStart(ovsDatapathXml('twice', 'dptwice'), ['hv1']);
    expect(answer.hosts).toEqual([expect.objectContaining({ host: 'hv1', outcome: 'running' })]);
    const row = await fleet.database.db.selectFrom('outbox').select(['msg_id', 'subject', 'payload']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row.payload).toMatchObject({ network: 'twice', desired: 'running' });
    const js = jetstream(nc);
    // The same msgId inside the window: JetStream itself drops it.
    expect((await js.publish(row.subject, encodeJson(row.payload), { msgID: row.msg_id })).duplicate).toBe(true);
    // Past the window (or published under another id): the agent gets it again, twice.
    for (let i = 0; i < 2; i++) await js.publish(row.subject, encodeJson(row.payload), { msgID: randomUUID() });
    await until(consumed, 'the agent to take and ack the redelivered command', { timeoutMs: 30_000, pollMs: 100 });
    // A later command's report proves the agent has long passed the duplicates.
    expect((await fleet.http('POST', '/v1/networks/twice/destroy?wait=true&timeout=30')).status).toBe(200);
    expect(await reports('NetworkStartedOnHost', 'twice')).toHaveLength(1);
    expect(await reports('NetworkStoppedOnHost', 'twice')).toHaveLength(1);
  });

  test('an agent report published twice is recorded once', async () => {
    await fleet.defineAndStart(ovsDatapathXml('echo', 'dpecho'), ['hv1']);
    const [started] = await reports('NetworkStartedOnHost', 'echo');
    expect(started).toBeDefined();
    const report = {
      type: 'NetworkStoppedOnHost', v: 1, data: { host: 'hv1', network: 'echo', generation: Number(started!.data['generation']) },
      eventId: randomUUID(), host: 'hv1', correlationId: randomUUID(), occurredAt: new Date().toISOString(),
    };
    const js = jetstream(nc);
    for (let i = 0; i < 2; i++) await js.publish(fleet.names.eventSubject('hv1', report.type), encodeJson(report), { msgID: randomUUID() });
    const recorded = await fleet.until(async () => (await fleet.database.db.selectFrom('events').select('position').where('event_id', '=', report.eventId).execute()).length > 0, 30_000, 'the report to be recorded');
    expect(recorded).toBe(true);
    // The API's report consumer has taken both copies; still one event.
    await until(async () => {
      const info = await (await jetstreamManager(nc)).consumers.info(fleet.names.eventStream, fleet.names.apiConsumer);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, 'the API to take both copies', { timeoutMs: 30_000, pollMs: 100 });
    expect(await fleet.database.db.selectFrom('events').select('position').where('event_id', '=', report.eventId).execute()).toHaveLength(1);
  });
});
