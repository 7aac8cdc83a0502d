import type { BusNames } from '@netfleet/bus/names';
import { writeNatsAuthConfig } from '@netfleet/bus/credentials/write-nats-auth-config';
import type { Database } from '@netfleet/eventstore/database';
import { listHostCredentials } from '@netfleet/eventstore/host-credentials';
import type { Logger } from '@netfleet/log/logger';

/** A host's credentials about to be stored: written into the include before they are recorded. */
export interface PendingHostCredentials { user: string; passwordHash: string }

export interface NatsAuthFile {
  /**
   * Rewrites the include from the stored credentials, with `pending` in place of (or beside) its
   * user's stored ones. Throws, writing nothing, when the result would be invalid.
   */
  write(pending?: PendingHostCredentials): Promise<void>;
}

/**
 * Keeps nats-server's auth include (deploy/nats) in step with the hosts' credentials: rewritten
 * whenever host-add issues or rotates some. nats-server picks it up on reload (SIGHUP).
 */
export function natsAuthFile(path: string, api: { user: string; passwordHash: string }, names: BusNames, db: Database, log: Logger): NatsAuthFile {
  // One write at a time, each reading the credentials afresh: concurrent host-adds could
  // otherwise rename their files out of order, leaving an older list (missing a host) in place.
  let queue: Promise<void> = Promise.resolve();
  const writeNow = async (pending?: PendingHostCredentials) => {
    const stored = await listHostCredentials(db);
    const hosts = stored.filter((h) => h.natsUser !== pending?.user).map((h) => ({ name: h.natsUser, passwordHash: h.passwordHash }));
    if (pending) hosts.push({ name: pending.user, passwordHash: pending.passwordHash });
    const result = await writeNatsAuthConfig(path, { names, api, hosts });
    if (result.changed) log.info({ path, hosts: hosts.length }, 'NATS auth config written; reload nats-server (SIGHUP) to apply it');
  };
  return {
    write(pending) {
      const run = queue.then(() => writeNow(pending), () => writeNow(pending));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
