import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { startOvsSandbox, type OvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import { spawnDaemon, type SupervisedDaemon } from '@netfleet/ovs-sandbox/supervised-daemon';

/**
 * OVN as the fleet bench's baseline, all on loopback in temp dirs, every daemon a supervised
 * child: ovn-central (NB and SB ovsdb-servers, ovn-northd) and one chassis per simulated host —
 * an OVS sandbox (its own ovsdb-server, ovs-vswitchd with the dummy datapath) and its own
 * ovn-controller, each with a port `P<j>` (external_ids:iface-id) on its br-int.
 */
export interface OvnFleet {
  nbDb: string;
  chassis: { name: string; sandbox: OvsSandbox; controller: SupervisedDaemon }[];
  /** `ovn-nbctl --db=<nb> --timeout=… <args>`; resolves with its stdout. */
  nbctl(args: string[]): Promise<string>;
  /** Pids of ovn-controller, ovs-vswitchd and ovsdb-server of each chassis. */
  chassisPids(): number[][];
  stop(): Promise<void>;
}

const SCHEMAS = '/usr/share/ovn';

async function run(file: string, args: string[], env: Record<string, string>): Promise<string> {
  const result = await execa(file, args, { env, reject: false, stdin: 'ignore' });
  if (result.exitCode !== 0) throw new Error(`${file} ${args.slice(0, 6).join(' ')}… failed: ${String(result.stderr).trim()}`);
  return String(result.stdout);
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`OVN: ${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startOvnFleet(hosts: number, portsPerChassis: (j: number) => string[]): Promise<OvnFleet> {
  const dir = await mkdtemp(join(tmpdir(), 'nf-ovn-'));
  const env = { ...(process.env as Record<string, string>), OVN_RUNDIR: dir, OVN_LOGDIR: dir, OVN_DBDIR: dir, OVS_RUNDIR: dir, OVS_LOGDIR: dir };
  const daemons: SupervisedDaemon[] = [];
  const chassis: OvnFleet['chassis'] = [];
  const stop = async () => {
    await Promise.all(chassis.map(async (c) => { await c.controller.stop(); await c.sandbox.stop(); }));
    for (const d of daemons.reverse()) await d.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const sbPort = await freePort();
    for (const db of ['nb', 'sb']) {
      await run('ovsdb-tool', ['create', join(dir, `${db}.db`), join(SCHEMAS, `ovn-${db}.ovsschema`)], env);
      const server = spawnDaemon({
        name: `ovsdb-server (${db})`, file: 'ovsdb-server', env, stderrFile: join(dir, `${db}.stderr`),
        args: ['--no-chdir', `--log-file=${join(dir, `${db}.log`)}`, '-vconsole:off', `--unixctl=${join(dir, `${db}.ctl`)}`,
          `--remote=punix:${join(dir, `${db}.sock`)}`, ...(db === 'sb' ? [`--remote=ptcp:${sbPort}:127.0.0.1`] : []), join(dir, `${db}.db`)],
      });
      daemons.push(server);
    }
    const nbDb = `unix:${join(dir, 'nb.sock')}`;
    const sbDb = `unix:${join(dir, 'sb.sock')}`;
    await until('the NB and SB databases answering', async () =>
      (await execa('ovn-nbctl', [`--db=${nbDb}`, '--timeout=2', 'init'], { env, reject: false })).exitCode === 0
      && (await execa('ovn-sbctl', [`--db=${sbDb}`, '--timeout=2', 'list', 'SB_Global'], { env, reject: false })).exitCode === 0, 20_000);
    daemons.push(spawnDaemon({
      name: 'ovn-northd', file: 'ovn-northd', env, stderrFile: join(dir, 'northd.stderr'),
      args: [`--ovnnb-db=${nbDb}`, `--ovnsb-db=${sbDb}`, `--log-file=${join(dir, 'northd.log')}`, '-vconsole:off', `--unixctl=${join(dir, 'northd.ctl')}`, `--pidfile=${join(dir, 'northd.pid')}`],
    }));

    for (let j = 1; j <= hosts; j++) {
      const name = `ch${j}`;
      const sandbox = await startOvsSandbox({ name });
      const senv = { ...env, ...sandbox.env, OVN_RUNDIR: sandbox.dir, OVN_LOGDIR: sandbox.dir };
      await run('ovs-vsctl', [`--db=${sandbox.db}`, '--timeout=20', 'set', 'Open_vSwitch', '.',
        `external_ids:system-id=${name}`, `external_ids:ovn-remote=tcp:127.0.0.1:${sbPort}`,
        'external_ids:ovn-encap-type=geneve', `external_ids:ovn-encap-ip=127.1.${j >> 8}.${j & 255}`], senv);
      const controller = spawnDaemon({
        name: `ovn-controller ${name}`, file: 'ovn-controller', env: senv, stderrFile: join(sandbox.dir, 'ovn-controller.stderr'),
        args: [sandbox.db, '--no-chdir', `--log-file=${join(sandbox.dir, 'ovn-controller.log')}`, '-vconsole:off',
          `--pidfile=${join(sandbox.dir, 'ovn-controller.pid')}`],
      });
      chassis.push({ name, sandbox, controller });
    }
    const chassisCount = async () => (await run('ovn-sbctl', [`--db=${sbDb}`, '--timeout=10', '--bare', '--columns=name', 'list', 'Chassis'], env)).split(/\s+/).filter(Boolean).length;
    await until(`${hosts} chassis registering`, async () => (await chassisCount()) === hosts, 60_000 + hosts * 1000);
    for (const [i, c] of chassis.entries()) {
      await until(`br-int on ${c.name}`, async () => (await execa('ovs-vsctl', [`--db=${c.sandbox.db}`, '--timeout=10', 'br-exists', 'br-int'], { reject: false })).exitCode === 0, 30_000);
      const ports = portsPerChassis(i + 1);
      const args = ports.flatMap((p) => ['--', 'add-port', 'br-int', p, '--', 'set', 'Interface', p, `external_ids:iface-id=${p}`]);
      // in slices: one ovs-vsctl per 200 ports keeps argv small
      for (let k = 0; k < args.length; k += 200 * 9) await run('ovs-vsctl', [`--db=${c.sandbox.db}`, '--timeout=30', ...args.slice(k, k + 200 * 9)], env);
    }
    // Every chassis has caught up with an (empty) northbound before anything is timed.
    await run('ovn-nbctl', [`--db=${nbDb}`, '--timeout=120', '--wait=hv', 'sync'], env);
    return {
      nbDb, chassis,
      nbctl: (args) => run('ovn-nbctl', [`--db=${nbDb}`, '--timeout=300', ...args], env),
      chassisPids: () => chassis.map((c) => [c.controller.pid, c.sandbox.pids().ovsVswitchd, c.sandbox.pids().ovsdbServer]),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
