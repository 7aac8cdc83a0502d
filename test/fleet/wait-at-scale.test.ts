import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScaledFleet, type ScaledFleet } from '@netfleet/devfleet/scaled-fleet';
import { silentLogger } from '@netfleet/log/logger';
import { runCli } from '../support/run-cli';
import { PG_SERVER } from '../support/test-database';
import { testDatabaseName, testDirPath } from '../support/test-names';
import { until } from '../support/until';

/** 8 in `npm test`; `npm run test:scale` runs it at 100 (NETFLEET_SCALE_HOSTS). */
const HOSTS = Number(process.env['NETFLEET_SCALE_HOSTS'] ?? 8);
const TIMEOUT_S = 10;
const CHECKOUT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

interface Answer { complete: boolean; hosts: { host: string; outcome: string }[] }

/**
 * `net-start --wait` at scale never hangs: with one host's agent SIGSTOPped just before the
 * command (still online as far as the API knows) and another already offline, the CLI returns
 * within its timeout, names exactly those two, and reports every other host's answer.
 */
describe(`--wait on ${HOSTS} hosts, one stopped and one offline`, () => {
  let fleet: ScaledFleet;
  const stopped: number[] = [];
  const get = async (path: string) => (await fetch(`${fleet.apiUrl}${path}`, { headers: { authorization: `Bearer ${fleet.token}` } })).json();
  const online = async (host: string) => ((await get(`/v1/hosts`)) as { hosts: { name: string; online: boolean }[] }).hosts.find((h) => h.name === host)?.online;

  beforeAll(async () => {
    fleet = await startScaledFleet({
      hosts: HOSTS, agentsPerProcess: 20, soloAgents: 2, dir: testDirPath('wait-scale'), pgServer: PG_SERVER, database: testDatabaseName(),
      apiPort: 0, controllerPort: 0, checkout: CHECKOUT, log: silentLogger(), env: { NETFLEET_LOG_LEVEL: 'warn' },
      readyTimeoutMs: HOSTS * 6_000 + 120_000,
    });
  }, HOSTS * 6_000 + 240_000);
  afterAll(async () => {
    for (const pid of stopped) try { process.kill(pid, 'SIGCONT'); } catch { /* gone */ }
    await fleet?.stop();
  }, 180_000);

  it(`returns within --timeout ${TIMEOUT_S}, names exactly the stopped and the offline host, reports the other ${HOSTS - 2}`, { timeout: HOSTS * 2_000 + 120_000 }, async () => {
    const [offline, frozen] = fleet.hosts.slice(-2);
    const xml = `<network type="ovs-datapath">\n  <name>wide</name>\n  <datapath name="dpwide" id="000000000000beef"/>\n  <controller protocol="tcp" address="127.0.0.1" port="${fleet.controller.port}" outofband="yes"/>\n</network>\n`;
    const defined = await fetch(`${fleet.apiUrl}/v1/networks`, {
      method: 'POST', headers: { authorization: `Bearer ${fleet.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ xml, hosts: fleet.hosts.map((h) => h.name) }),
    });
    expect(defined.status).toBe(201);

    // One host goes silent long enough for the API to call it offline; the other freezes just
    // before the command, so the API still has it online when the wait begins.
    process.kill(offline!.pid, 'SIGSTOP');
    stopped.push(offline!.pid);
    await until(async () => (await online(offline!.name)) === false, `${offline!.name} to be seen offline`, { pollMs: 500, timeoutMs: 60_000 });
    process.kill(frozen!.pid, 'SIGSTOP');
    stopped.push(frozen!.pid);
    expect(await online(frozen!.name)).toBe(true);

    // A wait that hung would be killed by runCli after 60 s: no answer on stdout, no exit status 1.
    const result = await runCli(['net-start', 'wide', '--wait', '--timeout', String(TIMEOUT_S), '--json'], fleet);
    expect(result.exitCode, result.stderr).toBe(1);
    const answer = JSON.parse(result.stdout) as Answer;
    expect(answer.complete).toBe(false);
    expect(answer.hosts).toHaveLength(HOSTS);
    const unanswered = answer.hosts.filter((h) => h.outcome !== 'running');
    expect(unanswered.map((h) => h.host).sort()).toEqual([offline!.name, frozen!.name].sort());
    // Each is named on stderr, as offline or as not answering.
    for (const h of unanswered) expect(result.stderr).toContain(h.host);
    expect(unanswered.every((h) => h.outcome === 'offline' || h.outcome === 'pending')).toBe(true);
    expect(answer.hosts.filter((h) => h.outcome === 'running')).toHaveLength(HOSTS - 2);
  });
});
