import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFleet, NATS_URL, type TestFleet } from '../support/test-fleet';
import { runUntilLine } from './run-until-line';
import { freePort } from '@netfleet/ovs-sandbox/free-port';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;
const PACKAGES = ['netfleet-agent', 'netfleet-api', 'netfleet-cli'];

let dir: string;
let instdir: string;
const deb = (name: string, version = VERSION) => join(dir, `${name}_${version}_all.deb`);
const dpkg = (...args: string[]) => execa('dpkg', [`--root=${instdir}`, '--force-depends', ...args]);

/** A throw-away root with an empty dpkg database: nothing touches this machine's own. */
async function throwAwayRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'nf-root-'));
  await mkdir(join(root, 'var/lib/dpkg/updates'), { recursive: true });
  await mkdir(join(root, 'var/lib/dpkg/info'), { recursive: true });
  await writeFile(join(root, 'var/lib/dpkg/status'), '');
  return root;
}

/** The unit's ExecStart, as argv, with the package's paths under the throw-away root. */
async function execStartOf(unit: string): Promise<string[]> {
  const text = await readFile(join(instdir, 'lib/systemd/system', unit), 'utf8');
  const line = text.split('\n').find((l) => l.startsWith('ExecStart='));
  if (!line) throw new Error(`${unit} has no ExecStart`);
  return line.slice('ExecStart='.length).split(/\s+/).map((a) => (a.startsWith('/usr/lib/netfleet/') ? join(instdir, a) : a));
}

/** An EnvironmentFile read as systemd reads it (VAR=value lines; # comments). */
async function envFileOf(path: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const line of (await readFile(join(instdir, path), 'utf8')).split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nf-packages-'));
  await execa(process.execPath, ['--import', 'tsx', `${ROOT}scripts/package.ts`, '--outdir', dir], { cwd: ROOT });
  instdir = await throwAwayRoot();
  await dpkg('-i', ...PACKAGES.map((p) => deb(p)));
}, 300_000);

afterAll(async () => {
  await rm(instdir, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
});

describe('Debian packages', () => {
  it('carry the version of package.json, their dependencies and their conffiles', async () => {
    const field = async (name: string, f: string) => (await execa('dpkg-deb', ['--field', deb(name), f])).stdout;
    for (const name of PACKAGES) expect(await field(name, 'Version')).toBe(VERSION);
    expect(await field('netfleet-agent', 'Depends')).toMatch(/^nodejs \(>= 20\.19\), openvswitch-switch$/);
    expect((await execa('dpkg-deb', ['-I', deb('netfleet-agent'), 'conffiles'])).stdout.trim()).toBe('/etc/netfleet/agent.env');
    expect((await execa('dpkg-deb', ['-I', deb('netfleet-api'), 'conffiles'])).stdout.trim()).toBe('/etc/netfleet/api.env');
    const status = (await execa('dpkg-query', [`--admindir=${instdir}/var/lib/dpkg`, '-W', '-f', '${Package} ${Status}\n'])).stdout;
    for (const name of PACKAGES) expect(status).toContain(`${name} install ok installed`);
  });

  it('install plain JavaScript and units that run it (never tsx)', async () => {
    for (const unit of ['netfleet-agent@.service', 'netfleet-api.service']) {
      const text = await readFile(join(instdir, 'lib/systemd/system', unit), 'utf8');
      expect(text).toMatch(/^ExecStart=\/usr\/bin\/node \/usr\/lib\/netfleet\/(agent|api)\/main\.js$/m);
      expect(text).not.toContain('tsx');
    }
    const listing = (await execa('dpkg-query', [`--admindir=${instdir}/var/lib/dpkg`, '-L', 'netfleet-api'])).stdout;
    expect(listing).toContain('/usr/lib/netfleet/api/migrations/0001_event_store.sql');
    expect(listing).not.toMatch(/\.ts$/m);
  });

  it('the installed netfleet command runs (net-format, offline)', async () => {
    const out = await execa(join(instdir, 'usr/bin/netfleet'), ['net-format', `${ROOT}examples/ofnet.xml`]);
    expect(out.stdout).toContain("<datapath name='dp0' id='0000000000000abc' hwdesc='rfovs'/>");
  });

  it('an upgrade keeps an edited conffile', async () => {
    const conf = join(instdir, 'etc/netfleet/agent.env');
    await writeFile(conf, `${await readFile(conf, 'utf8')}# edited by the operator\nNETFLEET_LOG_LEVEL=debug\n`);
    // The next version: the same package with its version raised (dpkg-deb, as a release would).
    const next = `${VERSION}+1`;
    const unpacked = join(dir, 'next');
    await execa('dpkg-deb', ['-R', deb('netfleet-agent'), unpacked]);
    const control = join(unpacked, 'DEBIAN/control');
    await writeFile(control, (await readFile(control, 'utf8')).replace(/^Version: .*$/m, `Version: ${next}`));
    await execa('dpkg-deb', ['--root-owner-group', '--build', unpacked, deb('netfleet-agent', next)]);
    await dpkg('-i', deb('netfleet-agent', next));
    expect(await readFile(conf, 'utf8')).toContain('# edited by the operator\nNETFLEET_LOG_LEVEL=debug\n');
    const version = (await execa('dpkg-query', [`--admindir=${instdir}/var/lib/dpkg`, '-W', '-f', '${Version}', 'netfleet-agent'])).stdout;
    expect(version).toBe(next);
  });

  it("the agent unit's ExecStart fails cleanly, naming NATS, when NATS is not there", async () => {
    const [command, ...args] = await execStartOf('netfleet-agent@.service');
    const env = { ...(await envFileOf('etc/netfleet/agent.env')), NETFLEET_HOST: 'hvpkg', NETFLEET_NATS_URL: 'nats://127.0.0.1:1', NETFLEET_METRICS_PORT: '' };
    const run = await execa(command!, args, { env, extendEnv: false, reject: false, timeout: 30_000 });
    expect(run.exitCode).toBe(1);
    const fatal = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { level: number; msg: string; host: string };
    expect(fatal.level).toBe(60);
    expect(fatal.host).toBe('hvpkg');
    expect(fatal.msg).toContain('cannot connect to NATS at nats://127.0.0.1:1');
  });

  describe('with a fleet', () => {
    let fleet: TestFleet;
    beforeAll(async () => {
      fleet = await startTestFleet({ hosts: ['hvpkg'] });
      await fleet.stopAgent('hvpkg');
    }, 120_000);
    afterAll(async () => { await fleet?.stop(); });

    it("the agent unit's ExecStart runs against NATS and the host's OVS, serves /readyz, and stops on SIGTERM", async () => {
      const [command, ...args] = await execStartOf('netfleet-agent@.service');
      const port = await freePort();
      const env = {
        ...(await envFileOf('etc/netfleet/agent.env')), NETFLEET_HOST: 'hvpkg', NETFLEET_NATS_URL: NATS_URL,
        NETFLEET_NAMESPACE: fleet.names.namespace, NETFLEET_OVS_DB: fleet.host('hvpkg').sandbox.db, NETFLEET_METRICS_PORT: String(port),
      };
      const { line, exit } = await runUntilLine(command!, args, { env }, (l) => l.includes('"agent running"'), 30_000);
      try {
        expect(JSON.parse(line)).toMatchObject({ service: 'agent', host: 'hvpkg', msg: 'agent running' });
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(await ready.json()).toMatchObject({ ready: true, host: 'hvpkg', consumer: 'agent-hvpkg', missing: [] });
        expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('netfleet_agent_ready{dependency="ovs",host="hvpkg"} 1');
      } finally {
        expect(await exit()).toBe(0);
      }
    });
  });
});
