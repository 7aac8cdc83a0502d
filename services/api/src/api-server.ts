import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { connectBus, setUpBus } from '@netfleet/bus/nats';
import { busNames } from '@netfleet/bus/names';
import { startCommitNotifier } from '@netfleet/eventstore/commit-notifier';
import { createDatabase } from '@netfleet/eventstore/database';
import { migrateToLatest } from '@netfleet/eventstore/migrate';
import { listHostViews } from '@netfleet/eventstore/views';
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
import { TokenRevocations } from './auth/token-revocations';
import { EventStreamHub, type EventStreamHubOptions } from './stream/event-stream-hub';
import { loadAuditKey } from './audit/audit-key';
import { AuditSealer, type AuditSealerOptions } from './audit/audit-sealer';
import { CloudEventEnvelopes } from './outbound/cloud-event-envelopes';
import { CloudEventPublisher } from './outbound/cloud-event-publisher';
import type { UpcasterRegistry } from '@netfleet/events/upcasters';
import { WebhookDeliverer, type WebhookDeliveryOptions } from './webhooks/webhook-deliverer';

export interface ApiServerConfig {
  databaseUrl: string;
  /** One NATS URL or several, comma-separated (a cluster's nodes). */
  natsUrl: string;
  /** How many NATS servers keep each stream (default 1; 3 on a 3-node cluster). */
  streamReplicas?: number;
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
  /** Tuning of the event stream's hub (ring, per-client buffer); defaults suit production. */
  eventStream?: EventStreamHubOptions;
  /**
   * The audit chain: where the checkpoints' signing key lives (made there on first start; without
   * a file, a key for this process only) and how often it seals and signs.
   */
  audit?: AuditSealerOptions & { keyFile?: string };
  /**
   * Where clients reach this API (behind a proxy: its URL there), for the `dataschema` URI of every
   * CloudEvent sent; default: the address it listens on.
   */
  publicUrl?: string;
  /** The upcasters events are read through before they leave (tests give their own). */
  upcasters?: UpcasterRegistry;
  /** Webhook delivery: retries, retention, leases (defaults: docs/webhooks.md). */
  webhooks?: WebhookDeliveryOptions;
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
  const onIdleError = (e: Error) => log.warn({ err: e }, 'an idle PostgreSQL connection was closed by the server; the pool replaces it');
  const db = createDatabase(config.databaseUrl, { applicationName: 'netfleet-api', onIdleError });
  // The event stream's reader and catch-up reads have connections of their own: however many
  // clients, a fixed few, and command traffic never waits behind them (nor they behind it).
  const streamDb = createDatabase(config.databaseUrl, { max: 2, applicationName: 'netfleet-event-stream', onIdleError });
  const closers: (() => Promise<unknown>)[] = [() => db.destroy(), () => streamDb.destroy()];
  const close = async () => { for (const c of closers.reverse()) await c().catch((e) => log.warn({ err: e }, 'shutdown step failed')); };
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) log.info({ migrations: applied.map((m) => m.migrationName) }, 'migrated the event store');

    const names = busNames(config.namespace);
    const nc = await connectBus({ servers: config.natsUrl, name: 'netfleet-api', ...(config.natsUser ? { user: config.natsUser, pass: config.natsPassword ?? '' } : {}) });
    closers.push(() => nc.drain());
    const jsm = await setUpBus(nc, names, { replicas: config.streamReplicas ?? 1 });

    const relay = new OutboxRelay(nc, db, log.child({ component: 'outbox' }));
    closers.push(() => relay.stop());
    const commits = await startCommitNotifier({ databaseUrl: config.databaseUrl, log: log.child({ component: 'commit-notifier' }) });
    closers.push(() => commits.stop());
    const revocations = new TokenRevocations(db, commits, log.child({ component: 'revocations' }));
    revocations.start();
    closers.push(async () => revocations.stop());
    const envelopes = new CloudEventEnvelopes(config.publicUrl ?? `http://${config.host}:${config.port}`, config.upcasters);
    const eventStream = new EventStreamHub(streamDb, commits, envelopes, log.child({ component: 'event-stream' }), config.eventStream);
    const publisher = new CloudEventPublisher(nc, names, log.child({ component: 'cloud-events' }));
    eventStream.onPage((events) => publisher.publish(events));
    await eventStream.start();
    closers.push(() => eventStream.stop());
    const hostConsumers = new HostConsumers(jsm, names);
    // Every known host's command consumer, once at start-up (commands never make them).
    await hostConsumers.ensure((await listHostViews(db)).map((h) => h.name))
      .catch((e) => log.warn({ err: e }, 'could not make every host\'s command consumer at start-up; each is made again when its agent asks'));
    const natsAuth = config.natsAuthFile && config.natsUser
      ? natsAuthFile(config.natsAuthFile.path, { user: config.natsUser, passwordHash: config.natsAuthFile.apiPasswordHash }, names, db, log)
      : undefined;
    const auditKey = await loadAuditKey(config.audit?.keyFile);
    if (!auditKey.file) log.warn({ keyId: auditKey.keyId }, 'no NETFLEET_AUDIT_KEY_FILE: audit checkpoints are signed with a key for this process only, which no later run can check');
    const sealer = new AuditSealer(db, auditKey, log.child({ component: 'audit' }), config.audit ?? {});
    sealer.start();
    closers.push(() => sealer.stop());
    const ctx: ApiContext = { audit: { key: auditKey, sealer }, ...(natsAuth ? { natsAuth } : {}), ...(config.natsUser ? { busUser: config.natsUser } : {}), db, nc, jsm, names, log, relay, commits, eventStream, envelopes, revocations, hostConsumers, now: () => new Date(), newId: randomUUID };

    const recorder = new EventRecorder(nc, db, names, log.child({ component: 'recorder' }), (message) => autostartNetworks(ctx, message));
    await recorder.start();
    closers.push(() => recorder.stop());
    const desired = answerDesiredState(nc, db, names, hostConsumers, log.child({ component: 'desired' }), ctx.now);
    closers.push(async () => desired.unsubscribe());
    relay.start();
    const webhooks = new WebhookDeliverer(db, commits, envelopes, log.child({ component: 'webhooks' }), config.webhooks);
    webhooks.start();
    closers.push(() => webhooks.stop());
    if (config.liveness !== false) {
      const liveness = new LivenessTracker(nc, db, names, log.child({ component: 'liveness' }), config.liveness ?? {});
      liveness.start();
      closers.push(() => liveness.stop());
    }

    const app = await buildApp({ ctx, authenticate: createAuthenticator(db, config.tokens) });
    closers.push(() => app.close());
    const address = await app.listen({ host: config.host, port: config.port });
    if (config.publicUrl === undefined) envelopes.setApiUrl(address);
    log.info({ url: address }, 'netfleet API listening');
    return { url: address, app, ctx, close };
  } catch (e) {
    await close();
    throw e;
  }
}
