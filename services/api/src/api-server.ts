import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { connectBus, setUpBus } from '@netfleet/bus/nats';
import { busNames } from '@netfleet/bus/names';
import { createDatabase } from '@netfleet/eventstore/database';
import { migrateToLatest } from '@netfleet/eventstore/migrate';
import type { Logger } from '@netfleet/log/logger';
import type { ApiContext } from './api-context';
import { buildApp } from './app';
import { createAuthenticator, type StaticToken } from './auth/authenticate';
import { answerDesiredState } from './bus/desired-state-responder';
import { EventRecorder } from './bus/event-recorder';
import { autostartNetworks } from './commands/autostart-networks';
import { HostConsumers } from './bus/host-consumers';
import { natsAuthFile } from './bus/nats-auth-file';
import { OutboxRelay } from './bus/outbox-relay';
import { LivenessTracker, type LivenessOptions } from './liveness/liveness-tracker';
import { ViewWatcher } from './view-watcher';

export interface ApiServerConfig {
  databaseUrl: string;
  natsUrl: string;
  /** The API's own NATS login, when nats-server requires one (deploy/nats). */
  natsUser?: string;
  natsPassword?: string;
  /** Where to keep nats-server's per-host auth include, with the API user's bcrypt hash. */
  natsAuthFile?: { path: string; apiPasswordHash: string };
  namespace: string;
  host: string;
  port: number;
  tokens: StaticToken[];
  log: Logger;
  /** Heartbeat-based host liveness (HostCameOnline / HostWentOffline); `false` turns it off. */
  liveness?: LivenessOptions | false;
}

export interface ApiServer {
  url: string;
  app: FastifyInstance;
  ctx: ApiContext;
  close(): Promise<void>;
}

/** Wires the API: migrates, connects to PostgreSQL and NATS, starts the bus loops, listens. */
export async function startApiServer(config: ApiServerConfig): Promise<ApiServer> {
  const { log } = config;
  const db = createDatabase(config.databaseUrl);
  const closers: (() => Promise<unknown>)[] = [() => db.destroy()];
  const close = async () => { for (const c of closers.reverse()) await c().catch((e) => log.warn({ err: e }, 'shutdown step failed')); };
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) log.info({ migrations: applied.map((m) => m.migrationName) }, 'migrated the event store');

    const names = busNames(config.namespace);
    const nc = await connectBus({ servers: config.natsUrl, name: 'netfleet-api', ...(config.natsUser ? { user: config.natsUser, pass: config.natsPassword ?? '' } : {}) });
    closers.push(() => nc.drain());
    const jsm = await setUpBus(nc, names);

    const relay = new OutboxRelay(nc, db, log.child({ component: 'outbox' }));
    closers.push(() => relay.stop());
    const watcher = new ViewWatcher(config.databaseUrl, log);
    await watcher.start();
    closers.push(() => watcher.stop());
    const hostConsumers = new HostConsumers(jsm, names);
    const natsAuth = config.natsAuthFile && config.natsUser
      ? natsAuthFile(config.natsAuthFile.path, { user: config.natsUser, passwordHash: config.natsAuthFile.apiPasswordHash }, names, db, log)
      : undefined;
    const ctx: ApiContext = { ...(natsAuth ? { natsAuth } : {}), ...(config.natsUser ? { busUser: config.natsUser } : {}), db, databaseUrl: config.databaseUrl, nc, jsm, names, log, relay, watcher, hostConsumers, now: () => new Date(), newId: randomUUID };

    const recorder = new EventRecorder(nc, db, names, log.child({ component: 'recorder' }), (message) => autostartNetworks(ctx, message));
    await recorder.start();
    closers.push(() => recorder.stop());
    const desired = answerDesiredState(nc, db, names, hostConsumers, log.child({ component: 'desired' }));
    closers.push(async () => desired.unsubscribe());
    relay.start();
    if (config.liveness !== false) {
      const liveness = new LivenessTracker(nc, db, names, log.child({ component: 'liveness' }), config.liveness ?? {});
      liveness.start();
      closers.push(() => liveness.stop());
    }

    const app = await buildApp({ ctx, authenticate: createAuthenticator(db, config.tokens) });
    closers.push(() => app.close());
    const address = await app.listen({ host: config.host, port: config.port });
    log.info({ url: address }, 'netfleet API listening');
    return { url: address, app, ctx, close };
  } catch (e) {
    await close();
    throw e;
  }
}
