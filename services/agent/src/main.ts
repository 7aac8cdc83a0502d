import { connectBus, DEFAULT_NATS_URL } from '@netfleet/bus/nats';
import { busNames, isValidHostName } from '@netfleet/bus/names';
import { isNetfleetError } from '@netfleet/errors/netfleet-error';
import { createLogger } from '@netfleet/log/logger';
import { startAgent } from './agent';
import { createVsctl } from './ovs/vsctl';
import { startAgentObservability } from './observability/agent-observability';

// Configuration from the environment (the systemd unit in deploy/ and the dev fleet set it).
const env = process.env;
const host = env['NETFLEET_HOST'] ?? '';
const log = createLogger('agent', { host });
if (!isValidHostName(host)) {
  log.fatal(`NETFLEET_HOST '${host}' is not a valid host name (1-64 letters, digits, '-' or '_')`);
  process.exit(2);
}

try {
  const names = busNames(env['NETFLEET_NAMESPACE'] ?? 'netfleet');
  const nc = await connectBus({
    servers: env['NETFLEET_NATS_URL'] ?? DEFAULT_NATS_URL, name: `netfleet-agent-${host}`,
    ...(env['NETFLEET_NATS_USER'] ? { user: env['NETFLEET_NATS_USER'], pass: env['NETFLEET_NATS_PASSWORD'] ?? '' } : {}),
    inboxPrefix: `_INBOX_${host}`,
  });
  const vsctl = createVsctl({ db: env['NETFLEET_OVS_DB'] ?? 'unix:/var/run/openvswitch/db.sock', timeoutSeconds: Number(env['NETFLEET_OVS_TIMEOUT'] ?? 10) });
  const ms = (name: string): number | undefined => (env[name] ? Number(env[name]) : undefined);
  const heartbeatIntervalMs = ms('NETFLEET_HEARTBEAT_MS');
  const resyncIntervalMs = ms('NETFLEET_RESYNC_MS');
  const agent = await startAgent({
    host, nc, names, vsctl, log,
    ...(heartbeatIntervalMs ? { heartbeatIntervalMs } : {}),
    ...(resyncIntervalMs ? { resyncIntervalMs } : {}),
    ...(env['NETFLEET_OVS_DRIVER'] === 'vsctl' ? { ovsDriver: 'vsctl' as const } : {}),
    ...(env['NETFLEET_OVS_RUNDIR'] ? { ovsRunDir: env['NETFLEET_OVS_RUNDIR'] } : {}),
    ...(env['NETFLEET_LIBVIRT_URI'] ? { libvirtUri: env['NETFLEET_LIBVIRT_URI'] } : {}),
  });
  // /metrics, /healthz, /readyz on their own port, only when NETFLEET_METRICS_PORT is set.
  const metrics = env['NETFLEET_METRICS_PORT']
    ? await startAgentObservability({ host, natsUser: env['NETFLEET_NATS_USER'] || null, nc, names, vsctl, log, listenHost: env['NETFLEET_METRICS_HOST'] ?? '127.0.0.1', port: Number(env['NETFLEET_METRICS_PORT']) })
    : undefined;
  log.info({ ovsDb: vsctl.db, libvirt: env['NETFLEET_LIBVIRT_URI'] || 'not configured' }, 'agent running');
  const shutdown = () => { void agent.stop().then(() => metrics?.close()).then(() => nc.drain()).then(() => process.exit(0)); };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (e) {
  log.fatal({ err: e }, isNetfleetError(e) ? e.message : 'the agent failed to start');
  process.exit(1);
}
