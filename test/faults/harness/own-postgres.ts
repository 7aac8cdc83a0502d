import { chown, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { makeTestDir } from '../../support/test-names';

/** Debian's PostgreSQL 15 programs; NETFLEET_PG_BIN overrides. */
const PG_BIN = process.env['NETFLEET_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL server of the suite's own (initdb on a temp data directory, a free loopback
 * port, run as the `postgres` user), so a fault can stop and restart it — never the shared server
 * on 5432 the other tests use.
 */
export class OwnPostgres {
  running = false;

  private constructor(readonly dir: string, readonly port: number) {}

  static async start(): Promise<OwnPostgres> {
    const dir = await makeTestDir('pg');
    const { uid, gid } = await postgresUser();
    await chown(dir, uid, gid);
    const pg = new OwnPostgres(dir, await freePort());
    try {
      await pg.asPostgres('initdb', ['-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
      await pg.start();
      return pg;
    } catch (e) {
      await pg.destroy();
      throw e;
    }
  }

  private get dataDir(): string { return join(this.dir, 'data'); }

  /** The server's URL for `database`. */
  url(database = 'postgres'): string { return `postgres://postgres@127.0.0.1:${this.port}/${database}`; }

  async start(): Promise<void> {
    await this.asPostgres('pg_ctl', ['-D', this.dataDir, '-l', join(this.dir, 'server.log'), '-w', '-t', '60',
      '-o', `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c max_connections=200`, 'start']);
    this.running = true;
  }

  /** `immediate`: as a crash (no checkpoint, clients cut); `fast`: an orderly stop. */
  async stop(mode: 'immediate' | 'fast' = 'fast'): Promise<void> {
    if (!this.running) return;
    await this.asPostgres('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    this.running = false;
  }

  async createDatabase(name: string): Promise<void> {
    await this.asPostgres('psql', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE "${name}"`]);
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async asPostgres(program: string, args: string[]): Promise<void> {
    const path = join(PG_BIN, program);
    // runuser, not a shell: argv only.
    await execa('runuser', ['-u', 'postgres', '--', path, ...args], { cwd: this.dir, stdin: 'ignore' });
  }
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([execa('id', ['-u', 'postgres']), execa('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}
