import type { BusNames } from '@netfleet/bus/names';
import { writeNatsAuthConfig } from '@netfleet/bus/credentials/write-nats-auth-config';
import type { Database } from '@netfleet/eventstore/database';
import type { Logger } from '@netfleet/log/logger';

export interface NatsAuthFile { write(): Promise<void> }

/**
 * Keeps nats-server's auth include (deploy/nats) in step with the hosts' credentials: rewritten
 * whenever host-add issues or rotates some. nats-server picks it up on reload (SIGHUP).
 */
export function natsAuthFile(path: string, api: { user: string; passwordHash: string }, names: BusNames, db: Database, log: Logger): NatsAuthFile {
  // One write at a time, each reading the credentials afresh: concurrent host-adds could
  // otherwise rename their files out of order, leaving an older list (missing a host) in place.
  let queue: Promise<void> = Promise.resolve();
  const writeNow = async () => {
    const hosts = await db.selectFrom('host_credentials').select(['nats_user', 'password_hash']).orderBy('host').execute();
    const result = await writeNatsAuthConfig(path, { names, api, hosts: hosts.map((h) => ({ name: h.nats_user, passwordHash: h.password_hash })) });
    if (result.changed) log.info({ path, hosts: hosts.length }, 'NATS auth config written; reload nats-server (SIGHUP) to apply it');
  };
  return {
    write() {
      const run = queue.then(writeNow, writeNow);
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
