import type { BusNames } from '@netfleet/bus/names';
import { writeNatsAuthConfig } from '@netfleet/bus/credentials/write-nats-auth-config';
import type { Database } from '@netfleet/eventstore/database';
import { listHostCredentials } from '@netfleet/eventstore/host-credentials';
import type { Logger } from '@netfleet/log/logger';

export interface NatsAuthFile { write(): Promise<void> }

/**
 * Keeps nats-server's auth include (deploy/nats) in step with the hosts' credentials: rewritten
 * whenever host-add issues or rotates some. nats-server picks it up on reload (SIGHUP).
 */
export function natsAuthFile(path: string, api: { user: string; passwordHash: string }, names: BusNames, db: Database, log: Logger): NatsAuthFile {
  return {
    async write() {
      const hosts = await listHostCredentials(db);
      const result = await writeNatsAuthConfig(path, { names, api, hosts: hosts.map((h) => ({ name: h.natsUser, passwordHash: h.passwordHash })) });
      if (result.changed) log.info({ path, hosts: hosts.length }, 'NATS auth config written; reload nats-server (SIGHUP) to apply it');
    },
  };
}
