import { jetstreamManager } from '@nats-io/jetstream';
import { TimeoutError, type MsgHdrs, type RequestOptions } from '@nats-io/transport-node';
import { describe, expect } from 'vitest';
import { connectBus, type NatsConnection } from '@netfleet/bus/nats';
import { fleetTest } from '../../support/fleet-test';
import { ovsDatapathXml, type TestFleet } from '../../support/test-fleet';
import { until } from '../../support/until';

const test = fleetTest({ hosts: ['hv1'], startAgents: false });

/** One publish of a report by the agent, as it went to NATS. */
interface Attempt { subject: string; network: string; msgId: string | undefined }

/**
 * A report whose first publish goes wrong: an event subject, the network the report is about, and
 * what is lost: the PubAck (the report is stored, the agent hears a timeout) or the publish itself
 * (nothing reaches the stream, the agent hears a timeout).
 */
interface LostAck { subject: string; network: string; lose: 'ack' | 'publish' }

/**
 * The agent's connection to NATS, real, except that the first publish of each `lost` report times
 * out (what a NATS node dying or a loaded cluster does to a publish), its report stored or not.
 */
function losingFirstPubAcks(nc: NatsConnection, lost: LostAck[], attempts: Attempt[]): NatsConnection {
  const pending = new Set(lost.map((l) => `${l.subject} ${l.network}`));
  const watched = new Set(lost.map((l) => l.subject));
  return new Proxy(nc, {
    get(target, property, receiver) {
      if (property !== 'request') return Reflect.get(target, property, receiver) as unknown;
      return async (subj: string, payload?: Uint8Array, options?: RequestOptions) => {
        const network = watched.has(subj) ? (JSON.parse(new TextDecoder().decode(payload)) as { data?: { network?: string } }).data?.network : undefined;
        const key = `${subj} ${network}`;
        const lostOne = lost.find((l) => `${l.subject} ${l.network}` === key);
        if (!lostOne) return target.request(subj, payload, options);
        attempts.push({ subject: subj, network: lostOne.network, msgId: (options?.headers as MsgHdrs | undefined)?.get('Nats-Msg-Id') });
        if (!pending.delete(key)) return target.request(subj, payload, options);
        if (lostOne.lose === 'ack') await target.request(subj, payload, options);
        throw new TimeoutError();
      };
    },
  });
}

/**
 * An outcome is reported once per command and host, and drift once per finding, even when the
 * agent cannot tell whether its report got through: the fault suite at 500 networks recorded one outcome twice after a publish
 * timed out although JetStream had stored it (the agent nak'd the command, and answered it again
 * under a new event id). A report sent again goes under the same event id, which JetStream's
 * de-duplication and the recorder both drop.
 */
describe('outage - a lost acknowledgement of an agent report', () => {
  let fleet: TestFleet;
  let nc: NatsConnection;
  const attempts: Attempt[] = [];
  test.beforeAll(async ({ fleet: started }) => {
    fleet = started;
    nc = await connectBus({ servers: fleet.natsUrl, name: 'test-lost-report-ack', inboxPrefix: '_INBOX_hv1' });
    fleet.host('hv1').nc = losingFirstPubAcks(nc, [
      { subject: fleet.names.eventSubject('hv1', 'NetworkStartedOnHost'), network: 'lostack', lose: 'ack' },
      { subject: fleet.names.eventSubject('hv1', 'DriftDetected'), network: 'lostdrift', lose: 'publish' },
    ], attempts);
    await fleet.startAgent('hv1');
  });
  test.afterAll(async () => {
    await fleet?.stopAgent('hv1');
    await nc?.close();
  });

  const attemptsAbout = (network: string) => attempts.filter((a) => a.network === network);
  /** Everything delivered is settled: the agent's commands acked, the API's copy of each report taken. */
  const settled = async () => {
    const jsm = await jetstreamManager(nc);
    await until(async () => {
      const [commands, stream, reports] = await Promise.all([
        jsm.consumers.info(fleet.names.commandStream, fleet.names.agentConsumer('hv1')),
        jsm.streams.info(fleet.names.commandStream),
        jsm.consumers.info(fleet.names.eventStream, fleet.names.apiConsumer),
      ]);
      return commands.ack_floor.stream_seq >= stream.state.last_seq && commands.num_ack_pending === 0 && reports.num_pending === 0 && reports.num_ack_pending === 0;
    }, 'the command acked and every report taken by the API', { timeoutMs: 30_000, pollMs: 100 });
  };

  test('an outcome whose PubAck was lost is sent again under the same event id and recorded once', async () => {
    await fleet.defineAndStart(ovsDatapathXml('lostack', 'dplost'), ['hv1'], false);
    await until(async () => attemptsAbout('lostack').length >= 2, 'the agent to publish the outcome again after its PubAck was lost', { timeoutMs: 30_000, pollMs: 100 });
    await settled();
    const started = (await fleet.events('hv1')).filter((e) => e.type === 'NetworkStartedOnHost' && e.data['network'] === 'lostack');
    expect(started).toHaveLength(1);
    const [first, again] = attemptsAbout('lostack');
    expect(again!.msgId).toBeDefined();
    expect(again!.msgId).toBe(first!.msgId);
  });

  test('a drift report whose publish was lost is sent again under the same event id and recorded once', async () => {
    await fleet.defineAndStart(ovsDatapathXml('lostdrift', 'dplostd'), ['hv1']);
    await fleet.host('hv1').vsctl('del-br', 'dplostd');
    // The drift is repaired at once; no later pass finds it again, so only the agent's memory of
    // the unconfirmed report can send it again.
    await until(async () => attemptsAbout('lostdrift').length >= 2, 'the agent to publish the drift report again after its publish was lost', { timeoutMs: 30_000, pollMs: 100 });
    await settled();
    const drift = (await fleet.events('hv1')).filter((e) => e.type === 'DriftDetected' && e.data['network'] === 'lostdrift');
    expect(drift).toHaveLength(1);
    expect(drift[0]!.data).toMatchObject({ bridge: 'dplostd', repaired: true });
    const [first, again] = attemptsAbout('lostdrift');
    expect(again!.msgId).toBeDefined();
    expect(again!.msgId).toBe(first!.msgId);
    expect(await fleet.host('hv1').vsctl('br-exists', 'dplostd').then(() => true, () => false)).toBe(true);
  });
});
