import { jetstreamManager } from '@nats-io/jetstream';
import { TimeoutError, type MsgHdrs, type RequestOptions } from '@nats-io/transport-node';
import { describe, expect } from 'vitest';
import { connectBus, type NatsConnection } from '@netfleet/bus/nats';
import { fleetTest } from '../../support/fleet-test';
import { ovsDatapathXml, type TestFleet } from '../../support/test-fleet';
import { until } from '../../support/until';

const test = fleetTest({ hosts: ['hv1'], startAgents: false });

/** One publish of an outcome report by the agent, as it went to NATS. */
interface Attempt { network: string; msgId: string | undefined }

/**
 * The agent's connection to NATS, real, except that the first PubAck of `network`'s
 * NetworkStartedOnHost is lost: the report IS stored in the stream, and the agent hears a timeout
 * (what a NATS node dying or a loaded cluster does to a publish).
 */
function losingFirstPubAck(nc: NatsConnection, subject: string, network: string, attempts: Attempt[]): NatsConnection {
  let lost = false;
  return new Proxy(nc, {
    get(target, property, receiver) {
      if (property !== 'request') return Reflect.get(target, property, receiver) as unknown;
      return async (subj: string, payload?: Uint8Array, options?: RequestOptions) => {
        const answer = await target.request(subj, payload, options);
        const about = subj === subject ? (JSON.parse(new TextDecoder().decode(payload)) as { data?: { network?: string } }).data?.network : undefined;
        if (about === network) {
          attempts.push({ network, msgId: (options?.headers as MsgHdrs | undefined)?.get('Nats-Msg-Id') });
          if (!lost) {
            lost = true;
            throw new TimeoutError();
          }
        }
        return answer;
      };
    },
  });
}

/**
 * An outcome is reported once per command and host, even when the agent cannot tell whether its
 * report got through: the fault suite at 500 networks recorded one outcome twice after a publish
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
    fleet.host('hv1').nc = losingFirstPubAck(nc, fleet.names.eventSubject('hv1', 'NetworkStartedOnHost'), 'lostack', attempts);
    await fleet.startAgent('hv1');
  });
  test.afterAll(async () => {
    await fleet?.stopAgent('hv1');
    await nc?.close();
  });

  test('an outcome whose PubAck was lost is sent again under the same event id and recorded once', async () => {
    await fleet.defineAndStart(ovsDatapathXml('lostack', 'dplost'), ['hv1'], false);
    await until(async () => attempts.length >= 2, 'the agent to publish the outcome again after its PubAck was lost', { timeoutMs: 30_000, pollMs: 100 });
    const jsm = await jetstreamManager(nc);
    // Everything delivered is settled: the agent's command acked, the API's copy of each report taken.
    await until(async () => {
      const [commands, stream, reports] = await Promise.all([
        jsm.consumers.info(fleet.names.commandStream, fleet.names.agentConsumer('hv1')),
        jsm.streams.info(fleet.names.commandStream),
        jsm.consumers.info(fleet.names.eventStream, fleet.names.apiConsumer),
      ]);
      return commands.ack_floor.stream_seq >= stream.state.last_seq && commands.num_ack_pending === 0 && reports.num_pending === 0 && reports.num_ack_pending === 0;
    }, 'the command acked and every report taken by the API', { timeoutMs: 30_000, pollMs: 100 });
    const started = (await fleet.events('hv1')).filter((e) => e.type === 'NetworkStartedOnHost' && e.data['network'] === 'lostack');
    expect(started).toHaveLength(1);
    expect(attempts[1]!.msgId).toBeDefined();
    expect(attempts[1]!.msgId).toBe(attempts[0]!.msgId);
  });
});
