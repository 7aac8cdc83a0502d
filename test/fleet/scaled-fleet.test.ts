import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScaledFleet, type ScaledFleet } from '@netfleet/devfleet/scaled-fleet';
import { createDatabaseIfMissing, dropDatabase } from '@netfleet/eventstore/database-admin';
import { silentLogger } from '@netfleet/log/logger';
import { PG_SERVER } from '../support/test-database';
import { testDatabaseName } from '../support/test-names';

const HOSTS = 18; // more than one ovs-testcontroller serves (16): the pool must start a second
const CHECKOUT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

/** The hosts whose bridge is missing or whose controller is not connected (OVS's own view). */
async function notConnected(fleet: ScaledFleet, bridge: string): Promise<string[]> {
  const connected = await Promise.all(fleet.hosts.map(async (h) => {
    const { stdout } = await execa('ovs-vsctl', ['--timeout=10', `--db=${h.ovsDb}`, '--bare', '--columns=is_connected', 'find', 'Controller', `target="${fleet.controller.target}"`]);
    const rows = stdout.trim().split(/\s+/).filter(Boolean);
    return rows.length === 1 && rows[0] === 'true' && (await execa('ovs-vsctl', ['--timeout=10', `--db=${h.ovsDb}`, 'br-exists', bridge], { reject: false })).exitCode === 0;
  }));
  return fleet.hosts.filter((_, i) => !connected[i]).map((h) => h.name);
}

/**
 * The scaled dev fleet in short: 18 hosts, ten agents per Node process, each agent with its own
 * NATS login on the fleet's own nats-server; one network on all of them, reported by every host,
 * every datapath connected to a real controller; and nothing left once it stops.
 */
describe(`a scaled fleet of ${HOSTS} hosts`, () => {
  let fleet: ScaledFleet;
  const database = testDatabaseName();
  const dir = join(tmpdir(), `nf-fl-${randomBytes(3).toString('hex')}`);

  beforeAll(async () => {
    fleet = await startScaledFleet({
      hosts: HOSTS, agentsPerProcess: 10, dir, pgServer: PG_SERVER, database, apiPort: 0, controllerPort: 0,
      checkout: CHECKOUT, log: silentLogger(), env: { NETFLEET_LOG_LEVEL: 'warn' },
      // Generous: this file runs beside the rest of the suite on two cores.
      readyTimeoutMs: 240_000,
    });
  }, 360_000);
  afterAll(async () => { await fleet?.stop(); });

  it('registers every host with rack and zone labels, online, each with its own agent identity', async () => {
    const response = await fetch(`${fleet.apiUrl}/v1/hosts`, { headers: { authorization: `Bearer ${fleet.token}` } });
    const { hosts } = (await response.json()) as { hosts: { name: string; online: boolean; labels: Record<string, string> }[] };
    expect(hosts.map((h) => h.name).sort()).toEqual(fleet.hosts.map((h) => h.name).sort());
    expect(hosts.every((h) => h.online)).toBe(true);
    expect(new Set(hosts.map((h) => h.labels['rack'])).size).toBe(10);
    expect(new Set(hosts.map((h) => h.labels['zone'])).size).toBe(3);
    expect(new Set(fleet.hosts.map((h) => h.pid)).size).toBe(2); // two agent processes
    const connz = (await (await fetch(`${fleet.natsMonitorUrl}/connz?auth=true&limit=1024`)).json()) as { connections: { authorized_user?: string }[] };
    const users = connz.connections.map((c) => c.authorized_user).filter((u) => u?.startsWith('hv'));
    expect(new Set(users).size).toBe(HOSTS);
  });

  it(`starts one network on all ${HOSTS}: every host reports, every datapath has its controller connected`, { timeout: 120_000 }, async () => {
    const headers = { authorization: `Bearer ${fleet.token}`, 'content-type': 'application/json' };
    const xml = `<network type="ovs-datapath">\n  <name>wide</name>\n  <datapath name="dpwide" id="000000000000beef"/>\n  <controller protocol="tcp" address="127.0.0.1" port="${fleet.controller.port}" outofband="yes"/>\n</network>\n`;
    expect((await fetch(`${fleet.apiUrl}/v1/networks`, { method: 'POST', headers, body: JSON.stringify({ xml, selectors: ['zone=z1', 'zone=z2', 'zone=z3'] }) })).status).toBe(201);
    const started = await fetch(`${fleet.apiUrl}/v1/networks/wide/start?wait=true&timeout=40`, { method: 'POST', headers: { authorization: headers.authorization } });
    const answer = (await started.json()) as { complete: boolean; hosts: { host: string; outcome: string }[] };
    expect(answer.hosts).toHaveLength(HOSTS);
    expect(answer.hosts.filter((h) => h.outcome !== 'running')).toEqual([]);

    // OVS refreshes is_connected with its statistics, every 5 s: poll with a deadline.
    const deadline = Date.now() + 45_000;
    let waiting = await notConnected(fleet, 'dpwide');
    while (waiting.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      waiting = await notConnected(fleet, 'dpwide');
    }
    expect(waiting).toEqual([]);
    expect(fleet.controller.switches()).toBe(HOSTS);
    expect(fleet.controller.controllers().length).toBe(2);
  });

  it('stops leaving no process, sandbox or database behind', async () => {
    const pids = [
      fleet.pids.api!, fleet.pids.nats, ...fleet.pids.agentGroups.map((p) => p!),
      ...fleet.controller.controllers().map((c) => c.pid),
      ...fleet.hosts.flatMap((h) => [h.ovsPids.ovsdbServer, h.ovsPids.ovsVswitchd]),
    ];
    expect(pids.every(alive)).toBe(true);
    await fleet.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    const wasGone = await createDatabaseIfMissing(PG_SERVER, database); // true: the fleet had dropped it
    if (wasGone) await dropDatabase(PG_SERVER, database);
    expect(wasGone).toBe(true);
  });
});
