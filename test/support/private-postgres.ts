import { chown, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { createDatabaseIfMissing } from '@netfleet/eventstore/database-admin';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { makeTestDir } from './test-names';

/** Debian's server binaries of the newest major version installed; NETFLEET_PG_BIN overrides. */
async function pgBin(): Promise<string> {
  const configured = process.env['NETFLEET_PG_BIN'];
  if (configured) return configured;
  const versions = (await readdir('/usr/lib/postgresql').catch(() => [] as string[])).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL server binaries in /usr/lib/postgresql: install the Debian package postgresql (scripts/bootstrap.sh does) or set NETFLEET_PG_BIN');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}
/** PostgreSQL refuses to run as root: as root, its tools run as this user. */
const PG_USER = 'postgres';

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` — the server's maintenance database. */
  serverUrl: string;
  port: number;
  dir: string;
  /** The URL of one database on it (created by `createDatabase`). */
  urlOf(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown: clients are cut, as an outage would). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  remove(): Promise<void>;
}

/**
 * A PostgreSQL server of the test's own (initdb in a test directory, a free loopback port, trust
 * auth), which a test may stop and start — the shared one on 5432 serves everyone else. The
 * data lives in `<dir>/data`; `<dir>/postgres.pid` names the postmaster so the global cleanup
 * leaves a running one alone.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = await pgBin();
  const dir = await makeTestDir('pg');
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  const asRoot = userInfo().uid === 0;
  const run = (tool: string, args: string[]) => asRoot
    ? execa('runuser', ['-u', PG_USER, '--', join(bin, tool), ...args], { cwd: dir, stdin: 'ignore' })
    : execa(join(bin, tool), args, { cwd: dir, stdin: 'ignore' });
  if (asRoot) {
    const { stdout } = await execa('id', ['-u', PG_USER]);
    const { stdout: group } = await execa('id', ['-g', PG_USER]);
    await chown(dir, Number(stdout), Number(group));
  }
  const port = await freePort();
  const start = async () => {
    await run('pg_ctl', ['start', '-w', '-t', '30', '-D', data, '-l', log, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`]);
    const postmaster = (await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n', 1)[0]!;
    await writeFile(join(dir, 'postgres.pid'), `${postmaster.trim()}\n`);
  };
  const stop = async () => {
    await run('pg_ctl', ['stop', '-w', '-t', '30', '-m', 'fast', '-D', data]);
  };
  try {
    await run('initdb', ['-D', data, '-U', PG_USER, '--auth=trust', '--no-sync', '-E', 'UTF8']);
    await start();
  } catch (e) {
    await stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const urlOf = (database: string) => `postgres://${PG_USER}@127.0.0.1:${port}/${database}`;
  return {
    serverUrl: urlOf('postgres'), port, dir, urlOf, start, stop,
    async createDatabase(name) {
      await createDatabaseIfMissing(urlOf('postgres'), name);
      return urlOf(name);
    },
    async remove() {
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
