import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { describe, expect } from 'vitest';
import { connectBus, encodeJson } from '@netfleet/bus/nats';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { fleetTest } from '../../support/fleet-test';
import { NATS_URL } from '../../support/test-servers';
import { bridgeColumns } from '../../support/bridge-columns';
import { until } from '../../support/until';
import { FAST_LIVENESS, ovsDatapathXml, type TestFleet } from '../../support/test-fleet';

const test = fleetTest({ hosts: ['h1'], startAgents: false, ...FAST_LIVENESS });

/** What the agent makes of a network definition, checked in OVS itself. */
describe('agent - apply through the agent', () => {
  let fleet: TestFleet;
  test.beforeAll(async ({ fleet: started }) => {
    fleet = started;
    await fleet.startAgent('h1');
  }, 60_000);

  test('every ovs-datapath attribute reaches OVS; what OVS cannot honour is kept and warned about', async () => {
    const h = fleet.host('h1');
    const xml = ovsDatapathXml('allattrs', 'dpall', ` id="00000000000000a1" hwdesc="rfovs" mfrdesc="ACME" swdesc="sw 1.0" failmode="secure"`,
      `<controller protocol="tcp" address="127.0.0.1" port="16699" outofband="yes" maxbackoff="2000" inactivityprobe="30000" ratelimit="1000" burstlimit="100"/>` +
      `<controller protocol="tcp" mode="passive" address="127.0.0.1" port="16698"/>` +
      `<controller protocol="unix" path="${h.sandbox.dir}/allattrs.ctl"/>`);
    const answer = await fleet.defineAndStart(xml, ['h1']);
    expect(answer.hosts).toMatchObject([{ host: 'h1', outcome: 'running' }]);
    expect(answer.hosts[0]!.warnings.join('\n')).toMatch(/mfrdesc='ACME' has no Open vSwitch equivalent/);
    expect(answer.hosts[0]!.warnings.join('\n')).toMatch(/swdesc='sw 1.0' has no Open vSwitch equivalent/);

    const expected = {
      'other_config:datapath-id': '"00000000000000a1"', 'other_config:dp-desc': 'rfovs', fail_mode: 'secure',
      'external_ids:netfleet-mfrdesc': 'ACME', 'external_ids:netfleet-swdesc': '"sw 1.0"', 'external_ids:netfleet-owner': 'netfleet',
    };
    expect(await bridgeColumns(h.vsctl, 'dpall', Object.keys(expected))).toEqual(expected);
    const controllers = JSON.parse(await h.vsctl('--format=json', '--columns=target,connection_mode,max_backoff,inactivity_probe,controller_rate_limit,controller_burst_limit', 'list', 'controller')) as { data: unknown[][] };
    const byTarget = Object.fromEntries(controllers.data.map((row) => [row[0], row.slice(1)]));
    expect(byTarget['tcp:127.0.0.1:16699']).toEqual(['out-of-band', 2000, 30000, 1000, 100]);
    expect(byTarget['ptcp:16698:127.0.0.1']).toEqual(['in-band', ['set', []], ['set', []], ['set', []], ['set', []]]);
    expect(byTarget[`unix:${h.sandbox.dir}/allattrs.ctl`]).toBeDefined();

    const started = await fleet.untilEvent('h1', (e) => e.type === 'NetworkStartedOnHost' && e.data['network'] === 'allattrs', 5000, 'the started event');
    expect(started.data['bridge']).toBe('dpall');
    expect((started.data['warnings'] as string[]).length).toBe(2);
  });

  test("libvirt's own OVS bridge form starts as an owned bridge without a controller", async () => {
    const h = fleet.host('h1');
    const xml = `<network><name>lvovs</name><forward mode="bridge"/><bridge name="ovsbr0"/><virtualport type="openvswitch"/></network>`;
    const answer = await fleet.defineAndStart(xml, ['h1']);
    expect(answer.hosts).toMatchObject([{ host: 'h1', outcome: 'running', warnings: [] }]);
    expect(await h.vsctl('get', 'bridge', 'ovsbr0', 'controller')).toBe('[]');
    expect(await h.vsctl('get', 'bridge', 'ovsbr0', 'external_ids:netfleet-network')).toBe('lvovs');
  });

  test('a redelivered command and a stale one change nothing', async () => {
    const h = fleet.host('h1');
    await fleet.defineAndStart(ovsDatapathXml('redeliver', 'dpre', ' id="00000000000000b2"'), ['h1']);
    const uuid = await h.vsctl('get', 'bridge', 'dpre', '_uuid');
    const view = (await fleet.http<{ generation: number; uuid: string; xml: string }>('GET', '/v1/networks/redeliver')).body;
    const after = await fleet.lastPosition('h1');

    const nc = await connectBus({ servers: NATS_URL, name: 'test-redeliver' });
    try {
      const js = jetstream(nc);
      const command = (generation: number, desired: 'running' | 'stopped', id: string): ApplyNetworkV1 => ({
        type: 'ApplyNetwork', v: 1, commandId: id, correlationId: id, host: 'h1', network: 'redeliver', uuid: view.uuid,
        generation, desired, xml: view.xml, issuedAt: new Date().toISOString(),
      });
      // The same generation again (a redelivery), then an older one saying "stopped".
      await js.publish(fleet.names.commandSubject('h1'), encodeJson(command(view.generation, 'running', 'again-1')), { msgID: 'again-1' });
      await js.publish(fleet.names.commandSubject('h1'), encodeJson(command(view.generation - 1, 'stopped', 'stale-1')), { msgID: 'stale-1' });
    } finally {
      await nc.close();
    }
    // Both commands are consumed (acked only after their pass reported) …
    const jsm = await jetstreamManager(fleet.api.ctx.nc);
    // (JetStream announces no ack to PostgreSQL: a short poll.)
    await until(async () => {
      const info = await jsm.consumers.info(fleet.names.commandStream, fleet.names.agentConsumer('h1'));
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, 'both commands acked', { timeoutMs: 10_000, pollMs: 100 });
    // … and answered (one pass may answer both) with the host's current truth: the latest
    // generation, running — never the stale "stopped".
    const answers = await fleet.until(async () => {
      const found = (await fleet.events('h1')).filter((e) => e.position > after && e.data['network'] === 'redeliver');
      return found.length > 0 ? found : undefined;
    }, 10_000, 'an answer');
    for (const e of answers) expect([e.type, e.data['generation']]).toEqual(['NetworkStartedOnHost', view.generation]);
    expect(await h.vsctl('get', 'bridge', 'dpre', '_uuid')).toBe(uuid);
  });
});
