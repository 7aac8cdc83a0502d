import { DEFAULT_DATABASE_URL } from '@netfleet/eventstore/database';
import { DEFAULT_NATS_URL, streamReplicasFrom } from '@netfleet/bus/nats';
import { createLogger } from '@netfleet/log/logger';
import { isNetfleetError } from '@netfleet/errors/netfleet-error';
import { startApiServer } from './api-server';
import { installProcessGuards } from './process-guards';

// Configuration comes from the environment (deploy/ and the dev fleet set it).
const env = process.env;
const log = createLogger('api');
installProcessGuards(log);
const adminToken = env['NETFLEET_ADMIN_TOKEN'];
if (!adminToken) {
  log.fatal('NETFLEET_ADMIN_TOKEN is not set: the API needs at least one admin token');
  process.exit(2);
}

try {
  const server = await startApiServer({
    databaseUrl: env['NETFLEET_PG_URL'] ?? DEFAULT_DATABASE_URL,
    natsUrl: env['NETFLEET_NATS_URL'] ?? DEFAULT_NATS_URL,
    streamReplicas: streamReplicasFrom(env['NETFLEET_STREAM_REPLICAS']),
    ...(env['NETFLEET_NATS_USER'] ? { natsUser: env['NETFLEET_NATS_USER'], natsPassword: env['NETFLEET_NATS_PASSWORD'] ?? '' } : {}),
    ...(env['NETFLEET_NATS_AUTH_FILE'] && env['NETFLEET_NATS_API_PASSWORD_HASH']
      ? { natsAuthFile: { path: env['NETFLEET_NATS_AUTH_FILE'], apiPasswordHash: env['NETFLEET_NATS_API_PASSWORD_HASH'] } } : {}),
    namespace: env['NETFLEET_NAMESPACE'] ?? 'netfleet',
    host: env['NETFLEET_API_HOST'] ?? '127.0.0.1',
    port: Number(env['NETFLEET_API_PORT'] ?? 8080),
    ...(env['NETFLEET_AUDIT_KEY_FILE'] ? { audit: { keyFile: env['NETFLEET_AUDIT_KEY_FILE'] } } : {}),
    ...(env['NETFLEET_PUBLIC_URL'] ? { publicUrl: env['NETFLEET_PUBLIC_URL'] } : {}),
    tokens: [{ actor: env['NETFLEET_ADMIN_NAME'] ?? 'admin', role: 'admin', token: adminToken }],
    log,
  });
  const shutdown = () => { void server.close().then(() => process.exit(0)); };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (e) {
  log.fatal({ err: e }, isNetfleetError(e) ? e.message : 'the API failed to start');
  process.exit(1);
}
