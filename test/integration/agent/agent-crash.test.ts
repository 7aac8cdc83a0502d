import { describe, expect } from 'vitest';
import { fleetTest } from '../../support/fleet-test';
import { until } from '../../support/until';
import { FAST_LIVENESS, ovsDatapathXml, type TestFleet } from '../../support/test-fleet';

const test = fleetTest({ hosts: ['h1'], startAgents: false, ...FAST_LIVENESS });

const COUNT = 200;
const name = (i: number) => `n${String(i).padStart(3, '0')}`;

interface ViewJson { name: string; generation: number; perHost: Record<string, { observed: string; appliedGeneration: number | null }> }

/**
 * The agent as its own process, killed with SIGKILL while 200 networks are being applied, then
 * started again: the host converges with every bridge there once, nothing missing, nothing
 * doubled. Commands sent while it was dead wait in its durable consumer.
 */
describe('agent - kill -9 in the middle of applying 200 networks', () => {
  let fleet: TestFleet;
  test.beforeAll(async ({ fleet: started }) => {
    fleet = started;
  }, 60_000);

  test('converges after a restart with nothing missing and nothing doubled', async () => {
    const h = fleet.host('h1');
    for (let i = 0; i < COUNT; i++) {
      const defined = await fleet.http('POST', '/v1/networks', { xml: ovsDatapathXml(name(i), `b${name(i)}`, ` hwdesc="${name(i)}"`), hosts: ['h1'] });
      expect(defined.status).toBe(201);
    }
    let agent = fleet.spawnAgent('h1');
    await fleet.untilEvent('h1', (e) => e.type === 'AgentStarted', 30_000, 'the agent to start');

    // Start them all (8 at a time) while watching OVS; kill the agent once some, not all, are there.
    const bridgeCount = async () => (await h.vsctl('list-br')).split('\n').filter((b) => b.length > 0).length;
    let next = 0;
    const starts = Promise.all(Array.from({ length: 8 }, async () => {
      while (next < COUNT) {
        const i = next++;
        const started = await fleet.http('POST', `/v1/networks/${name(i)}/start`);
        expect(started.status).toBe(200);
      }
    }));
    // OVS announces nothing: check again as soon as the last look returned.
    const killedAt = await until(async () => {
      const count = await bridgeCount();
      return count >= 20 || agent.exitCode !== null ? count : undefined;
    }, 'some bridges in OVS before the kill', { timeoutMs: 60_000, pollMs: 0 });
    agent.kill('SIGKILL');
    await new Promise((resolve) => (agent.exitCode !== null || agent.signalCode !== null ? resolve(undefined) : agent.once('exit', resolve)));
    await starts;
    expect(killedAt).toBeLessThan(COUNT); // it really died mid-way

    const restartedFrom = await fleet.lastPosition('h1');
    agent = fleet.spawnAgent('h1');
    await fleet.until(async () => {
      const views = (await fleet.http<{ networks: ViewJson[] }>('GET', '/v1/networks')).body.networks;
      const done = views.filter((v) => v.perHost['h1']?.observed === 'running' && v.perHost['h1']?.appliedGeneration === v.generation);
      return done.length === COUNT ? done : undefined;
    }, 60_000, `all ${COUNT} networks running on h1`);

    const bridges = (await h.vsctl('list-br')).split('\n');
    expect(bridges).toEqual(Array.from({ length: COUNT }, (_, i) => `b${name(i)}`));
    const marks = JSON.parse(await h.vsctl('--format=json', '--columns=name,external_ids', 'list', 'bridge')) as { data: [string, ['map', [string, string][]]][] };
    for (const [bridge, ids] of marks.data) {
      const map = Object.fromEntries(ids[1]);
      expect(map['netfleet-network']).toBe(bridge.slice(1));
      expect(map['netfleet-hwdesc']).toBe(bridge.slice(1));
    }
    expect(await h.vsctl('list', 'controller')).toBe('');
    const failures = (await fleet.events('h1')).filter((e) => e.position > restartedFrom && e.type === 'NetworkFailedOnHost');
    expect(failures).toEqual([]);
  }, 180_000);
});
