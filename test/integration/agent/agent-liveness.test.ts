import { describe, expect } from 'vitest';
import { silentLogger } from '@netfleet/log/logger';
import { startApiServer } from '@netfleet/api/api-server';
import { runCli } from '../../support/run-cli';
import { fleetTest } from '../../support/fleet-test';
import { NATS_URL } from '../../support/test-servers';
import { FAST_LIVENESS, ovsDatapathXml, type TestFleet } from '../../support/test-fleet';

const test = fleetTest({ hosts: ['h1', 'h2'], startAgents: false, ...FAST_LIVENESS });

interface HostJson { name: string; online: boolean; since: string }

describe('agent - liveness, --wait on offline hosts, --dry-run', () => {
  let fleet: TestFleet;
  test.beforeAll(async ({ fleet: started }) => {
    fleet = started;
    await fleet.startAgent('h1');
    await fleet.startAgent('h2');
  }, 60_000);

  const hostView = async (name: string) => (await fleet.database.db.selectFrom('host_view').select('doc').where('name', '=', name).executeTakeFirst())?.doc as HostJson | undefined;

  test('heartbeats: offline when the agent stops, online when it returns, each recorded once', async () => {
    await fleet.until(async () => ((await hostView('h2'))?.online ? true : undefined), 10_000, 'h2 online');
    await fleet.stopAgent('h2');
    const offline = await fleet.untilEvent('h2', (e) => e.type === 'HostWentOffline', 10_000, 'h2 offline');
    expect(offline.data['lastSeen']).toEqual(expect.any(String));
    expect(await hostView('h2')).toMatchObject({ online: false });

    // --wait does not wait for a host known to be offline: it names it at once.
    await fleet.http('POST', '/v1/networks', { xml: ovsDatapathXml('both', 'dpboth'), hosts: ['h1', 'h2'] });
    const started = Date.now();
    const cli = await runCli(['net-start', 'both', '--wait', '--timeout', '30'], fleet);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(cli.exitCode).toBe(1);
    expect(cli.stdout).toMatch(/h1\s+running/);
    expect(cli.stdout).toMatch(/h2\s+pending: host offline/);
    expect(cli.stderr).toMatch(/host h2 is offline; the command stays recorded/);

    // The command waits in h2's durable consumer: applied when the agent returns.
    const back = await fleet.lastPosition('h2');
    await fleet.startAgent('h2');
    await fleet.untilEvent('h2', (e) => e.type === 'NetworkStartedOnHost' && e.data['network'] === 'both', 15_000, 'h2 catching up', back);
    // Online again: the heartbeat (HostCameOnline) or the agent's own first report (AgentStarted) says so first.
    await fleet.untilEvent('h2', (e) => e.type === 'HostCameOnline' || e.type === 'AgentStarted', 10_000, 'h2 online again', back);
    expect(await hostView('h2')).toMatchObject({ online: true });
    expect(Date.parse((await hostView('h2'))!.since)).toBeGreaterThan(Date.parse(offline.data['lastSeen'] as string));
    expect(await fleet.host('h2').vsctl('list-br')).toBe('dpboth');
    const liveness = (await fleet.events('h2')).filter((e) => e.type === 'HostWentOffline' || e.type === 'HostCameOnline').map((e) => e.type);
    expect(liveness.filter((t, i) => t === liveness[i - 1])).toEqual([]); // only changes are recorded
    const hosts = (await fleet.http<{ hosts: HostJson[] }>('GET', '/v1/hosts')).body.hosts;
    expect(hosts.find((h) => h.name === 'h2')).toMatchObject({ online: true, since: expect.any(String) });
  });

  test('several API instances record one transition once', async () => {
    // Two more API instances beside the fleet's own, on the same database and bus.
    const others = await Promise.all([1, 2].map(() => startApiServer({
      databaseUrl: fleet.database.url, natsUrl: NATS_URL, namespace: fleet.names.namespace, host: '127.0.0.1', port: 0,
      tokens: [], log: silentLogger(), liveness: { offlineAfterMs: 2500, checkIntervalMs: 100 },
    })));
    try {
      const before = await fleet.lastPosition('h1');
      await fleet.stopAgent('h1');
      await fleet.untilEvent('h1', (e) => e.type === 'HostWentOffline', 10_000, 'h1 offline', before);
      await fleet.startAgent('h1');
      await fleet.untilEvent('h1', (e) => e.type === 'HostCameOnline' || e.type === 'AgentStarted', 10_000, 'h1 online', before);
      // h1 reports something after its heartbeats resumed everywhere (its own started pass), then count.
      await fleet.http('POST', '/v1/networks', { xml: ovsDatapathXml('after', 'dpafter'), hosts: ['h1'] });
      await fleet.http('POST', '/v1/networks/after/start?wait=true&timeout=20');
      const events = (await fleet.events('h1')).filter((e) => e.position > before && (e.type === 'HostWentOffline' || e.type === 'HostCameOnline'));
      // Three instances heard the same silence and the same return: one record of each (the
      // return may already have been told by the agent's own AgentStarted).
      expect(events.filter((e) => e.type === 'HostWentOffline')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'HostCameOnline').length).toBeLessThanOrEqual(1);
    } finally {
      for (const api of others) await api.close();
    }
  });

  test('--dry-run prints the exact ovs-vsctl argv per host, runs nothing, and shows a silent host as offline', async () => {
    await fleet.http('POST', '/v1/networks', { xml: ovsDatapathXml('planned', 'dpplan', ' id="00000000000000f1" hwdesc="plan"', '<controller protocol="tcp" address="127.0.0.1" port="16633"/>'), hosts: ['h1', 'h2'] });
    await fleet.stopAgent('h2');
    const plan = await fleet.http<{ hosts: { host: string; status: string; argv: string[] }[] }>('POST', '/v1/networks/planned/plan', { action: 'start' });
    expect(plan.status).toBe(200);
    const h1 = plan.body.hosts.find((h) => h.host === 'h1')!;
    expect(h1.status).toBe('planned');
    expect(h1.argv.slice(0, 3)).toEqual(['ovs-vsctl', '--timeout=10', `--db=${fleet.host('h1').sandbox.db}`]);
    expect(h1.argv).toEqual(expect.arrayContaining(['add-br', 'dpplan', 'other_config:"datapath-id"="00000000000000f1"', 'target="tcp:127.0.0.1:16633"']));
    expect(plan.body.hosts.find((h) => h.host === 'h2')).toMatchObject({ status: 'offline' });
    expect((await fleet.host('h1').vsctl('list-br')).split('\n')).not.toContain('dpplan');
    expect((await fleet.http<{ active: boolean }>('GET', '/v1/networks/planned')).body.active).toBe(false);

    const cli = await runCli(['net-start', 'planned', '--dry-run'], fleet);
    expect(cli.stdout).toMatch(/^Dry run: net-start planned/);
    expect(cli.stdout).toMatch(/h1: ovs-vsctl --timeout=10 --db=unix:\S+ -- --may-exist add-br dpplan -- set bridge dpplan/);
    expect(cli.stdout).toMatch(/h2: offline/);
    expect(cli.exitCode).toBe(1);
    expect((await fleet.host('h1').vsctl('list-br')).split('\n')).not.toContain('dpplan');
    await fleet.startAgent('h2');
  });
});
