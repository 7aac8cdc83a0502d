import { describe, expect, it } from 'vitest';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { silentLogger } from '@netfleet/log/logger';
import { DesiredNetworks } from './desired/desired-networks';
import type { ObservedBridge, ObservedHost } from './plan/observed-bridge';
import type { HostPlan } from './plan/plan-host';
import type { Vsctl } from './ovs/vsctl';
import { FakeClock } from './queue/fake-clock';
import { Reconciler, type NetworkOutcome } from './reconciler';

const command = (network: string, xml: string, generation = 1): ApplyNetworkV1 => ({
  type: 'ApplyNetwork', v: 1, commandId: `c-${network}-${generation}`, correlationId: 'k', host: 'h1', network,
  uuid: '3e3fce45-4f53-4fa7-bb32-11f34168b82b', generation, desired: 'running', xml, issuedAt: '2026-12-01T00:00:00Z',
});
const ovsNet = (name: string, bridge: string) => `<network type="ovs-datapath"><name>${name}</name><datapath name="${bridge}"/></network>`;

/**
 * An OVS stand-in (pure unit test: no process, no socket): bridges in memory, plans applied to
 * them, and a switch that makes every read fail as an unreachable database would.
 */
class FakeOvs {
  bridges: ObservedBridge[] = [];
  down = false;
  reads = 0;
  read = async (): Promise<ObservedHost> => {
    this.reads++;
    if (this.down) throw new NetfleetError('NF_OVS_DB_UNREACHABLE', { reason: 'the test took it down' });
    return { bridges: structuredClone(this.bridges), ssl: undefined };
  };
  apply = async (plan: HostPlan): Promise<void> => {
    for (const op of plan.ops) {
      if (op.kind === 'add-bridge') this.bridges.push({ uuid: `u-${op.bridge}`, name: op.bridge, externalIds: op.externalIds, otherConfig: op.otherConfig, failMode: op.failMode, controllers: [] });
      else if (op.kind === 'delete-bridge') this.bridges = this.bridges.filter((b) => b.name !== op.bridge);
    }
  };
}

const setUp = () => {
  const ovs = new FakeOvs();
  const clock = new FakeClock();
  const desired = new DesiredNetworks();
  const reports: NetworkOutcome[][] = [];
  const vsctl: Vsctl = { db: 'unix:/nowhere', timeoutSeconds: 1, commandLine: (a) => a, run: async () => { throw new Error('not used'); } };
  const reconciler = new Reconciler({
    vsctl, desired, log: silentLogger(), clock,
    observe: ovs.read, observeFast: ovs.read, applyFast: ovs.apply,
    report: async (outcomes) => { if (outcomes.length > 0) reports.push(outcomes); },
  });
  /** Moves the clock in 1 ms steps, letting each retry's pass finish. */
  const advance = async (ms: number) => {
    for (let i = 0; i < ms; i++) { clock.advance(1); await reconciler.idle(); }
  };
  const reported = (network: string) => reports.flat().filter((o) => o.network === network).map((o) => (o.kind === 'failed' ? `failed ${o.code}` : o.kind));
  return { ovs, clock, desired, reconciler, advance, reported };
};

describe('Reconciler - retries', () => {
  it('a retriable failure is reported once, retried at 5, 10, 20 … ms, and reported again only when it converges', async () => {
    const { ovs, desired, reconciler, advance, reported } = setUp();
    ovs.down = true;
    desired.offer(command('ofnet', ovsNet('ofnet', 'dp0')));
    expect(await reconciler.request(['ofnet'])).toBe(true);
    expect(reported('ofnet')).toEqual(['failed NF_OVS_DB_UNREACHABLE']);

    const readsAfter = (ms: number) => advance(ms).then(() => ovs.reads);
    const start = ovs.reads;
    expect(await readsAfter(4)).toBe(start); // not before 5 ms
    expect(await readsAfter(1)).toBe(start + 1); // 5 ms
    expect(await readsAfter(10)).toBe(start + 2); // +10 ms
    expect(await readsAfter(20)).toBe(start + 3); // +20 ms
    expect(reconciler.retries('ofnet')).toBe(4);
    expect(reported('ofnet')).toEqual(['failed NF_OVS_DB_UNREACHABLE']); // no flood

    ovs.down = false;
    await advance(40);
    expect(reported('ofnet')).toEqual(['failed NF_OVS_DB_UNREACHABLE', 'started']);
    expect(ovs.bridges.map((b) => b.name)).toEqual(['dp0']);
    expect(reconciler.retries('ofnet')).toBe(0); // forgotten on success
    const settled = ovs.reads;
    await advance(200);
    expect(ovs.reads).toBe(settled); // and nothing pending
    await reconciler.stop();
  });

  it('a new command for a network waiting out its backoff runs at once', async () => {
    const { ovs, desired, reconciler, advance, reported } = setUp();
    ovs.down = true;
    desired.offer(command('ofnet', ovsNet('ofnet', 'dp0')));
    await reconciler.request(['ofnet']);
    for (let i = 0; i < 5; i++) await advance(2 ** i * 5);
    expect(reconciler.retries('ofnet')).toBe(6); // the next retry is 160 ms away
    ovs.down = false;
    desired.offer(command('ofnet', ovsNet('ofnet', 'dp0'), 2));
    expect(await reconciler.request(['ofnet'])).toBe(true); // no clock moved
    expect(reported('ofnet')).toEqual(['failed NF_OVS_DB_UNREACHABLE', 'started']);
    await reconciler.stop();
  });

  it('a terminal failure is reported once and never retried; a host pass does not repeat it', async () => {
    const { ovs, desired, reconciler, advance, reported } = setUp();
    desired.offer(command('linux', '<network><name>linux</name><bridge name="virbr1"/></network>'));
    ovs.bridges.push({ uuid: 'u-f', name: 'dpf', externalIds: {}, otherConfig: {}, failMode: undefined, controllers: [] });
    desired.offer(command('clash', ovsNet('clash', 'dpf')));
    await reconciler.request(['linux', 'clash']);
    expect(reported('linux')).toEqual(['failed NF_AGENT_UNSUPPORTED_NETWORK']);
    expect(reported('clash')).toEqual(['failed NF_OVS_BRIDGE_FOREIGN']);
    expect(reconciler.retries('linux') + reconciler.retries('clash')).toBe(0);
    const reads = ovs.reads;
    await advance(1000);
    expect(ovs.reads).toBe(reads); // no retry ran

    await reconciler.request([]); // a resync
    expect(reported('linux')).toEqual(['failed NF_AGENT_UNSUPPORTED_NETWORK']);
    // The foreign bridge goes away: the next pass starts the network and says so, once.
    ovs.bridges = [];
    await reconciler.request([]);
    await reconciler.request([]);
    expect(reported('clash')).toEqual(['failed NF_OVS_BRIDGE_FOREIGN', 'started']);
    await reconciler.stop();
  });

  it('a resync says nothing about a network defined here but never asked about', async () => {
    const { desired, reconciler, reported } = setUp();
    desired.offer({ ...command('later', ovsNet('later', 'dpl')), desired: 'stopped' });
    await reconciler.request([]);
    expect(reported('later')).toEqual([]);
    await reconciler.stop();
  });

  it('a command delivered again, or a stale one, is acked without a second answer; a new command is answered', async () => {
    const { desired, reconciler, reported } = setUp();
    const first = command('ofnet', ovsNet('ofnet', 'dp0'));
    desired.offer(first);
    expect(await reconciler.request(['ofnet'])).toBe(true);
    desired.offer(first); // JetStream delivers it once more
    expect(await reconciler.request(['ofnet'])).toBe(true);
    expect(reported('ofnet')).toEqual(['started']);

    desired.offer({ ...first, commandId: 'c-ofnet-again' }); // the same state asked again, by a new command
    expect(await reconciler.request(['ofnet'])).toBe(true);
    expect(reported('ofnet')).toEqual(['started', 'started']);

    desired.offer(command('ofnet', ovsNet('ofnet', 'dp0'), 2));
    expect(await reconciler.request(['ofnet'])).toBe(true);
    expect(desired.offer(first)).toBe(false); // stale: generation 1 after 2
    expect(await reconciler.request(['ofnet'])).toBe(true);
    expect(reported('ofnet')).toEqual(['started', 'started', 'started']);
    await reconciler.stop();
  });

  it('after a restart, a redelivered command the desired state already covered gets no second answer; a later one does', async () => {
    const { desired, reconciler, reported } = setUp();
    const original = command('ofnet', ovsNet('ofnet', 'dp0'));
    // The restarted agent reads its desired state first (made by the API after the command) …
    desired.offer({ ...original, commandId: 'desired:ofnet:1:h1', issuedAt: '2026-12-01T00:00:05Z' });
    expect(await reconciler.request(['ofnet'])).toBe(true);
    // … then JetStream delivers the command it never acked before dying.
    desired.offer(original);
    expect(await reconciler.request(['ofnet'])).toBe(true);
    expect(reported('ofnet')).toEqual(['started']);
    // A command issued after that answer asks anew (net-start --wait on a running network).
    desired.offer({ ...original, commandId: 'c-later', issuedAt: '2026-12-01T00:00:09Z' });
    expect(await reconciler.request(['ofnet'])).toBe(true);
    expect(reported('ofnet')).toEqual(['started', 'started']);
    await reconciler.stop();
  });

  it('a restarted agent does not report again what the API already has from it, nor the command that caused it', async () => {
    const { desired, reconciler, reported } = setUp();
    const original = command('ofnet', ovsNet('ofnet', 'dp0'));
    // Killed after its report was recorded, before the ack: the desired state says so (observedHere).
    desired.offer({ ...original, commandId: 'desired:ofnet:1:h1', issuedAt: '2026-12-01T00:00:05Z', observedHere: 'running' });
    expect(await reconciler.request(['ofnet'])).toBe(true);
    desired.offer(original); // the redelivery
    expect(await reconciler.request(['ofnet'])).toBe(true);
    expect(reported('ofnet')).toEqual([]);
    await reconciler.stop();
  });

  it('an outcome that could not be published makes the command ask again', async () => {
    const ovs = new FakeOvs();
    const desired = new DesiredNetworks();
    let fail = true;
    const published: string[] = [];
    const reconciler = new Reconciler({
      vsctl: { db: '', timeoutSeconds: 1, commandLine: (a) => a, run: async () => '' }, desired, log: silentLogger(), clock: new FakeClock(),
      observe: ovs.read, observeFast: ovs.read, applyFast: ovs.apply,
      report: async (outcomes) => { if (fail) throw new Error('NATS down'); published.push(...outcomes.map((o) => o.kind)); },
    });
    desired.offer(command('ofnet', ovsNet('ofnet', 'dp0')));
    expect(await reconciler.request(['ofnet'])).toBe(false); // the command deserves a redelivery
    fail = false;
    await reconciler.request([]);
    expect(published).toEqual([]); // a resync does not speak for a network it was never asked about
    expect(await reconciler.request(['ofnet'])).toBe(true); // the redelivery is answered
    expect(published).toEqual(['started']);
    await reconciler.stop();
  });
});

describe('Reconciler - one outcome per command and host', () => {
  it('a copy of an answered command caught by a pass that fails as a whole reports nothing, nor the retry that succeeds', async () => {
    const { ovs, desired, reconciler, advance, reported } = setUp();
    desired.offer(command('ofnet', ovsNet('ofnet', 'dp0')));
    expect(await reconciler.request(['ofnet'])).toBe(true);
    ovs.down = true;
    desired.offer(command('ofnet', ovsNet('ofnet', 'dp0'))); // delivered again
    expect(await reconciler.request(['ofnet'])).toBe(true);
    ovs.down = false;
    await advance(40);
    expect(reported('ofnet')).toEqual(['started']);
    await reconciler.stop();
  });

  it('a copy of a command answered before a resync is not answered again under the desired-state id', async () => {
    const { desired, reconciler, reported } = setUp();
    const original = command('ofnet', ovsNet('ofnet', 'dp0'));
    desired.offer(original);
    expect(await reconciler.request(['ofnet'])).toBe(true);
    // The periodic resync: the API's answer at the same generation replaces the command.
    desired.replaceAll([{ ...original, commandId: 'desired:ofnet:1:h1', issuedAt: '2026-12-01T00:00:30Z' }], desired.mark());
    expect(await reconciler.request([])).toBe(true);
    desired.offer(original); // the copy, older than the answer: refused, the answer stays
    expect(await reconciler.request(['ofnet'])).toBe(true);
    expect(reported('ofnet')).toEqual(['started']);
    // A command issued after the answer (the same generation asked again) is answered.
    desired.offer({ ...original, commandId: 'c-again', issuedAt: '2026-12-01T00:01:00Z' });
    expect(await reconciler.request(['ofnet'])).toBe(true);
    expect(reported('ofnet')).toEqual(['started', 'started']);
    await reconciler.stop();
  });

  it('an outcome whose publishing failed goes out again under the same event id; the next outcome under a new one', async () => {
    const ovs = new FakeOvs();
    const desired = new DesiredNetworks();
    let fail = true;
    const attempts: { kind: string; eventId: string }[] = [];
    let ids = 0;
    const reconciler = new Reconciler({
      vsctl: { db: '', timeoutSeconds: 1, commandLine: (a) => a, run: async () => '' }, desired, log: silentLogger(), clock: new FakeClock(),
      observe: ovs.read, observeFast: ovs.read, applyFast: ovs.apply, newId: () => `e${++ids}`,
      report: async (outcomes) => {
        attempts.push(...outcomes.map((o) => ({ kind: o.kind, eventId: o.eventId })));
        if (fail) throw new Error('PubAck timed out');
      },
    });
    desired.offer(command('ofnet', ovsNet('ofnet', 'dp0')));
    expect(await reconciler.request(['ofnet'])).toBe(false);
    fail = false;
    expect(await reconciler.request(['ofnet'])).toBe(true); // the redelivery
    desired.offer({ ...command('ofnet', ovsNet('ofnet', 'dp0'), 2), desired: 'stopped' });
    expect(await reconciler.request(['ofnet'])).toBe(true);
    expect(attempts).toEqual([{ kind: 'started', eventId: 'e1' }, { kind: 'started', eventId: 'e1' }, { kind: 'stopped', eventId: 'e2' }]);
    await reconciler.stop();
  });

  it('drift whose report failed goes out again under the same event id with the next report, and only once', async () => {
    const ovs = new FakeOvs();
    const desired = new DesiredNetworks();
    const clock = new FakeClock();
    let fail = false;
    const sent: { network: string; eventId: string; correlationId: string }[][] = [];
    let ids = 0;
    const reconciler = new Reconciler({
      vsctl: { db: '', timeoutSeconds: 1, commandLine: (a) => a, run: async () => '' }, desired, log: silentLogger(), clock,
      observe: ovs.read, observeFast: ovs.read, applyFast: ovs.apply, newId: () => `e${++ids}`,
      report: async (_outcomes, drift) => {
        if (drift.length > 0) sent.push(drift.map((d) => ({ network: d.network, eventId: d.eventId, correlationId: d.correlationId })));
        if (fail) throw new Error('PubAck timed out');
      },
    });
    desired.offer(command('ofnet', ovsNet('ofnet', 'dp0')));
    expect(await reconciler.request(['ofnet'])).toBe(true);
    ovs.bridges = []; // deleted by hand
    fail = true;
    expect(await reconciler.request([])).toBe(false);
    expect(ovs.bridges.map((b) => b.name)).toEqual(['dp0']); // repaired, though the report failed
    expect(sent).toHaveLength(1);
    fail = false;
    // No new drift to find: the retried host pass carries the unsent finding, under its ids.
    for (let i = 0; i < 50 && sent.length < 2; i++) { clock.advance(1); await reconciler.idle(); }
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(sent[0]);
    expect(await reconciler.request([])).toBe(true);
    expect(sent).toHaveLength(2);
    await reconciler.stop();
  });
});
