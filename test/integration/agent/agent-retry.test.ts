import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOvsSandbox, type OvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import { until } from '../../support/until';
import { FAST_LIVENESS, startTestFleet, type TestFleet, ovsDatapathXml, type RecordedRow } from '../../support/test-fleet';

interface StartAnswer { hosts: { host: string; outcome: string; error?: string }[] }

const outcomesOf = (events: RecordedRow[], network: string) =>
  events.filter((e) => e.data['network'] === network && /^Network(Started|Stopped|Failed)OnHost$/.test(e.type));

/**
 * The reconciler's retry queue against real parts. The agent here has no OVSDB session and a
 * 10-minute resync, so nothing but the queue's per-network backoff can bring a failed network
 * back; and a resync every 200 ms, so a terminal failure that were re-reported would show.
 */
describe('agent - retriable failures are retried with backoff, terminal ones reported once', () => {
  let fleet: TestFleet;
  let restarted: OvsSandbox | undefined;
  beforeAll(async () => {
    fleet = await startTestFleet({ hosts: ['h1', 'h2'], startAgents: false, ...FAST_LIVENESS });
    await fleet.startAgent('h1', { monitorDb: false, resyncIntervalMs: 600_000 });
    await fleet.startAgent('h2', { resyncIntervalMs: 200 });
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
    await restarted?.stop();
  });

  it('OVS database down: reported failed once, the command acked, and running once OVS is back — no resync needed', async () => {
    const h = fleet.host('h1');
    await h.sandbox.stop({ keepDir: true });

    const answer = await fleet.defineAndStart(ovsDatapathXml('comeback', 'dpback', ' id="00000000000000f1"'), ['h1']);
    expect(answer.hosts).toMatchObject([{ host: 'h1', outcome: 'failed', error: expect.stringMatching(/cannot reach the OVS database/) }]);
    const failed = await fleet.untilEvent('h1', (e) => e.type === 'NetworkFailedOnHost' && e.data['network'] === 'comeback', 5000, 'the failure');
    expect(failed.data['code']).toBe('NF_OVS_DB_UNREACHABLE');

    // Acked once its outcome was published: the queue, not a redelivery, owns the retry.
    const jsm = await jetstreamManager(fleet.api.ctx.nc);
    await until(async () => {
      const info = await jsm.consumers.info(fleet.names.commandStream, fleet.names.agentConsumer('h1'));
      return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
    }, 'the command acked', { timeoutMs: 5000, pollMs: 50 });

    // Retries run meanwhile (5, 10, 20 … ms) and fail the same way: nothing more is reported.
    await new Promise((r) => setTimeout(r, 1500));
    expect(outcomesOf(await fleet.events('h1'), 'comeback').map((e) => e.type)).toEqual(['NetworkFailedOnHost']);

    restarted = await startOvsSandbox({ dir: h.sandbox.dir, name: 'h1' });
    h.sandbox = restarted;
    await fleet.untilEvent('h1', (e) => e.type === 'NetworkStartedOnHost' && e.data['network'] === 'comeback', 20_000, 'the retry to start it', failed.position);
    expect(await h.vsctl('get', 'bridge', 'dpback', 'other_config:datapath-id')).toBe('"00000000000000f1"');
    expect(outcomesOf(await fleet.events('h1'), 'comeback').map((e) => e.type)).toEqual(['NetworkFailedOnHost', 'NetworkStartedOnHost']);
    const view = (await fleet.http<{ perHost: Record<string, { observed: string }> }>('GET', '/v1/networks/comeback')).body;
    expect(view.perHost['h1']?.observed).toBe('running');
  });

  it('a terminal failure is reported exactly once, through later passes, resyncs and other commands', async () => {
    const h = fleet.host('h2');
    await h.vsctl('add-br', 'dptaken');
    const foreign = await fleet.defineAndStart(ovsDatapathXml('taken', 'dptaken'), ['h2']);
    expect(foreign.hosts).toMatchObject([{ outcome: 'failed' }]);
    const linux = await fleet.defineAndStart('<network><name>linuxbr</name><bridge name="virbr9"/></network>', ['h2']);
    expect(linux.hosts).toMatchObject([{ outcome: 'failed', error: expect.stringMatching(/Linux-bridge network/) }]);

    // Other work on the host: a network started, drift repaired, resyncs every 200 ms.
    await fleet.defineAndStart(ovsDatapathXml('fine', 'dpfine'), ['h2']);
    const before = await fleet.lastPosition('h2');
    await h.vsctl('del-br', 'dpfine');
    await fleet.untilEvent('h2', (e) => e.type === 'DriftDetected' && e.data['network'] === 'fine', 5000, 'the drift repaired', before);
    await new Promise((r) => setTimeout(r, 1500));

    const events = await fleet.events('h2');
    expect(outcomesOf(events, 'taken').map((e) => [e.type, e.data['code']])).toEqual([['NetworkFailedOnHost', 'NF_OVS_BRIDGE_FOREIGN']]);
    expect(outcomesOf(events, 'linuxbr').map((e) => [e.type, e.data['code']])).toEqual([['NetworkFailedOnHost', 'NF_AGENT_UNSUPPORTED_NETWORK']]);
    expect(outcomesOf(events, 'fine').map((e) => e.type)).toEqual(['NetworkStartedOnHost']);
    expect(await h.vsctl('get', 'bridge', 'dptaken', 'external_ids')).toBe('{}');
  });

  it('a terminal failure clears when the host changes: the foreign bridge removed, the network starts and says so once', async () => {
    const h = fleet.host('h2');
    const before = await fleet.lastPosition('h2');
    await h.vsctl('del-br', 'dptaken');
    // No command: the next pass (a resync here) finds the way free and reports the change.
    const started = await fleet.untilEvent('h2', (e) => e.type === 'NetworkStartedOnHost' && e.data['network'] === 'taken', 10_000, 'the network to start', before);
    expect(started.data['bridge']).toBe('dptaken');
    await new Promise((r) => setTimeout(r, 1000));
    expect(outcomesOf(await fleet.events('h2'), 'taken').filter((e) => e.position > before).map((e) => e.type)).toEqual(['NetworkStartedOnHost']);
    expect(await h.vsctl('get', 'bridge', 'dptaken', 'external_ids:netfleet-network')).toBe('taken');
  });
});
