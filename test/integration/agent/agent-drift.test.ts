import { describe, expect } from 'vitest';
import { fleetTest } from '../../support/fleet-test';
import { FAST_LIVENESS, ovsDatapathXml, type TestFleet } from '../../support/test-fleet';

const test = fleetTest({ hosts: ['h1'], startAgents: false, ...FAST_LIVENESS });

/**
 * Drift found within seconds through the OVSDB monitor (the periodic pass is 30 s here, so
 * anything faster is the monitor), repaired, and reported as events; foreign bridges untouched.
 */
describe('agent - drift and ownership', () => {
  let fleet: TestFleet;
  test.beforeAll(async ({ fleet: started }) => {
    fleet = started;
    await fleet.startAgent('h1');
  }, 60_000);

  test('a bridge deleted by hand is recreated, with a DriftDetected event', async () => {
    const h = fleet.host('h1');
    await fleet.defineAndStart(ovsDatapathXml('gone', 'dpgone', ' id="00000000000000c1" hwdesc="gone"'), ['h1']);
    const after = await fleet.lastPosition('h1');
    await h.vsctl('del-br', 'dpgone');
    const drift = await fleet.untilEvent('h1', (e) => e.type === 'DriftDetected' && e.data['network'] === 'gone', 5000, 'DriftDetected for the deleted bridge', after);
    expect(drift.data).toMatchObject({ bridge: 'dpgone', repaired: true, differences: ['bridge dpgone missing (deleted outside netfleet); recreated'] });
    expect(await h.vsctl('get', 'bridge', 'dpgone', 'other_config:datapath-id')).toBe('"00000000000000c1"');
    const view = (await fleet.http<{ perHost: Record<string, { lastDrift: { differences: string[] } | null; observed: string }> }>('GET', '/v1/networks/gone')).body;
    expect(view.perHost['h1']).toMatchObject({ observed: 'running', lastDrift: { differences: ['bridge dpgone missing (deleted outside netfleet); recreated'] } });
  });

  test('a bridge deleted while the agent was down is recreated when it returns, as drift', async () => {
    const h = fleet.host('h1');
    await fleet.defineAndStart(ovsDatapathXml('whiledown', 'dpdown', ' id="00000000000000c2"'), ['h1']);
    await fleet.stopAgent('h1');
    await h.vsctl('del-br', 'dpdown');
    const after = await fleet.lastPosition('h1');
    await fleet.startAgent('h1');
    const drift = await fleet.untilEvent('h1', (e) => e.type === 'DriftDetected' && e.data['network'] === 'whiledown', 10_000, 'DriftDetected for the bridge deleted while down', after);
    expect(drift.data).toMatchObject({ bridge: 'dpdown', repaired: true, differences: ['bridge dpdown missing (deleted outside netfleet); recreated'] });
    expect(await h.vsctl('get', 'bridge', 'dpdown', 'other_config:datapath-id')).toBe('"00000000000000c2"');
  });

  test('redefining a running network updates its bridge without calling it drift', async () => {
    const h = fleet.host('h1');
    await fleet.defineAndStart(ovsDatapathXml('redef', 'dpredef', ' hwdesc="first"'), ['h1']);
    const after = await fleet.lastPosition('h1');
    const redefined = await fleet.http<{ complete: boolean; hosts: { outcome: string }[] }>('POST', '/v1/networks?wait=true&timeout=30', { xml: ovsDatapathXml('redef', 'dpredef', ' hwdesc="second"') });
    expect(redefined.body).toMatchObject({ complete: true, hosts: [{ outcome: 'running' }] });
    expect(await h.vsctl('get', 'bridge', 'dpredef', 'other_config:dp-desc')).toBe('second');
    // The agent's reports are recorded in the order it sent them: once the stop is recorded, any
    // drift it had reported about the redefinition would be too.
    expect((await fleet.http('POST', '/v1/networks/redef/destroy?wait=true&timeout=30')).status).toBe(200);
    const events = (await fleet.events('h1')).filter((e) => e.position > after && e.data['network'] === 'redef');
    expect(events.map((e) => e.type)).toEqual(['NetworkStartedOnHost', 'NetworkStoppedOnHost']);
  });

  test('a controller target changed by hand is restored, and the event says what was wrong', async () => {
    const h = fleet.host('h1');
    await fleet.defineAndStart(ovsDatapathXml('retarget', 'dprt', '', '<controller protocol="tcp" address="127.0.0.1" port="16601" maxbackoff="3000"/>'), ['h1']);
    const uuid = (await h.vsctl('get', 'bridge', 'dprt', 'controller')).replace(/[[\]]/g, '');
    const after = await fleet.lastPosition('h1');
    await h.vsctl('set', 'controller', uuid, 'target="tcp:127.0.0.1:19999"');
    const drift = await fleet.untilEvent('h1', (e) => e.type === 'DriftDetected' && e.data['network'] === 'retarget', 5000, 'DriftDetected for the controller', after);
    expect(drift.data).toMatchObject({ bridge: 'dprt', repaired: true, differences: ['controller target tcp:127.0.0.1:19999 != tcp:127.0.0.1:16601'] });
    expect(await h.vsctl('get', 'controller', uuid, 'target')).toBe('"tcp:127.0.0.1:16601"');
    expect(await h.vsctl('get', 'controller', uuid, 'max_backoff')).toBe('3000');
  });

  test('an owned bridge that should not exist here is removed; a foreign bridge beside it is not', async () => {
    const h = fleet.host('h1');
    const after = await fleet.lastPosition('h1');
    await h.vsctl('add-br', 'br-foreign', '--', 'set', 'bridge', 'br-foreign', 'external_ids:team=ops');
    await h.vsctl('add-br', 'dpstray', '--', 'set', 'bridge', 'dpstray', 'external_ids:netfleet-owner=netfleet', 'external_ids:netfleet-network=stray', 'external_ids:netfleet-generation=7');
    const drift = await fleet.untilEvent('h1', (e) => e.type === 'DriftDetected' && e.data['bridge'] === 'dpstray', 5000, 'DriftDetected for the stray bridge', after);
    expect(drift.data).toMatchObject({ network: 'stray', generation: 7, repaired: true });
    expect((await h.vsctl('list-br')).split('\n')).not.toContain('dpstray');
    expect(await h.vsctl('get', 'bridge', 'br-foreign', 'external_ids')).toBe('{team=ops}');
  });

  test('a network whose datapath name is taken by a foreign bridge is refused with NF_OVS_BRIDGE_FOREIGN, the bridge untouched', async () => {
    const h = fleet.host('h1');
    await h.vsctl('add-br', 'dphand', '--', 'set', 'bridge', 'dphand', 'other_config:dp-desc=handmade');
    const before = await h.vsctl('--columns=name,external_ids,other_config,fail_mode,controller', 'list', 'bridge', 'dphand');
    const answer = await fleet.defineAndStart(ovsDatapathXml('clash', 'dphand', ' hwdesc="mine"'), ['h1']);
    expect(answer.hosts).toMatchObject([{ host: 'h1', outcome: 'failed', error: expect.stringMatching(/^bridge dphand already exists on this host and was not created by netfleet/) }]);
    const failed = await fleet.untilEvent('h1', (e) => e.type === 'NetworkFailedOnHost' && e.data['network'] === 'clash', 5000, 'the failure event');
    expect(failed.data['code']).toBe('NF_OVS_BRIDGE_FOREIGN');
    expect(await h.vsctl('--columns=name,external_ids,other_config,fail_mode,controller', 'list', 'bridge', 'dphand')).toBe(before);
    // Destroying the refused network still leaves the foreign bridge alone.
    const destroyed = await fleet.http<{ hosts: { outcome: string }[] }>('POST', '/v1/networks/clash/destroy?wait=true&timeout=20');
    expect(destroyed.body.hosts).toMatchObject([{ outcome: 'stopped' }]);
    expect(await h.vsctl('--columns=name,external_ids,other_config,fail_mode,controller', 'list', 'bridge', 'dphand')).toBe(before);
  });

  test("the agent's own changes cause no drift report", async () => {
    const after = await fleet.lastPosition('h1');
    await fleet.defineAndStart(ovsDatapathXml('quiet', 'dpquiet', ' id="00000000000000d4"'), ['h1']);
    await fleet.http('POST', '/v1/networks/quiet/destroy?wait=true&timeout=20');
    // A change by hand after them is seen: so the monitor ran over the agent's own changes too.
    await fleet.host('h1').vsctl('add-br', 'dpmark', '--', 'set', 'bridge', 'dpmark', 'external_ids:netfleet-owner=netfleet', 'external_ids:netfleet-network=mark');
    await fleet.untilEvent('h1', (e) => e.type === 'DriftDetected' && e.data['bridge'] === 'dpmark', 5000, 'the marker drift', after);
    const drift = (await fleet.events('h1')).filter((e) => e.position > after && e.type === 'DriftDetected');
    expect(drift.map((e) => e.data['bridge'])).toEqual(['dpmark']);
  });
});
