import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import type { Connection } from '../connection';
import { httpRequest, type HttpAnswer } from '../http-request';
import type { WhoamiAnswer } from '@netfleet/api-types/access-answers';
import type { NetworkListAnswer } from '@netfleet/api-types/network-answers';

/** One line of `netfleet doctor`: what was checked, what was found, and the fix when it failed. */
export interface DoctorLine { check: string; ok: boolean; found: string; fix?: string }

export interface DoctorOptions { host: string; agentUrl: string; ovsDb: string; maxSkewSeconds: number }

export const defaultDoctorOptions = (env: NodeJS.ProcessEnv = process.env): DoctorOptions => ({
  host: env['NETFLEET_HOST'] || hostname().split('.')[0]!,
  agentUrl: `http://${env['NETFLEET_METRICS_HOST'] || '127.0.0.1'}:${env['NETFLEET_METRICS_PORT'] || '9464'}`,
  ovsDb: env['NETFLEET_OVS_DB'] || 'unix:/run/openvswitch/db.sock',
  maxSkewSeconds: 5,
});

const TIMEOUT_MS = 5000;
const get = (url: URL, token?: string): Promise<HttpAnswer> => Promise.race([
  httpRequest(url, { method: 'GET', headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } }),
  new Promise<never>((_, reject) => { setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS).unref(); }),
]);
const reason = (e: unknown) => (e as Error).message;

/** Every check, in order; a check that depends on a failed one says so instead of guessing. */
export async function runDoctor(connection: Connection, options: DoctorOptions): Promise<DoctorLine[]> {
  const lines: DoctorLine[] = [];
  const api = new URL(connection.apiUrl);

  // 1. The API and the token; its Date header gives the clock skew (6).
  let whoami: HttpAnswer | undefined;
  try {
    whoami = await get(new URL('/v1/whoami', api), connection.token);
    // Read every answer to its end: an unread one holds its socket and the process open.
    const body = await whoami.text();
    if (whoami.status === 401 || whoami.status === 403) {
      lines.push({ check: 'API token', ok: false, found: `the API at ${api.origin} refused the token (${whoami.status})`, fix: 'use a valid token (--token or NETFLEET_TOKEN); an admin makes one with: netfleet token-create NAME --role operator' });
    } else if (!whoami.ok) {
      lines.push({ check: 'API token', ok: false, found: `the API at ${api.origin} answered ${whoami.status} to /v1/whoami`, fix: 'check the API\'s log: journalctl -u netfleet-api' });
    } else {
      const me = JSON.parse(body) as WhoamiAnswer;
      lines.push({ check: 'API token', ok: true, found: `the API at ${api.origin} answers; the token is ${me.actor}'s (${me.role})` });
    }
  } catch (e) {
    lines.push({ check: 'API token', ok: false, found: `cannot reach the API at ${api.origin}: ${reason(e)}`, fix: 'start it (systemctl start netfleet-api) or pass the right --api / NETFLEET_API' });
  }

  // 2. PostgreSQL and NATS as the API sees them.
  if (whoami) {
    try {
      const ready = await get(new URL('/readyz', api));
      const r = await ready.json() as { checks?: Record<string, { ok: boolean; detail: string }> };
      for (const [name, label, fix] of [['postgres', 'PostgreSQL (from the API)', 'check NETFLEET_PG_URL in /etc/netfleet/api.env and that PostgreSQL runs (systemctl status postgresql)'],
        ['nats', 'NATS (from the API)', 'check NETFLEET_NATS_URL in /etc/netfleet/api.env and that nats-server runs with JetStream (systemctl status nats-server)']] as const) {
        const c = r.checks?.[name];
        lines.push(c ? { check: label, ok: c.ok, found: c.detail, ...(c.ok ? {} : { fix }) } : { check: label, ok: false, found: `the API's /readyz did not report it (status ${ready.status})`, fix: 'upgrade the API (netfleet-api) to a version with /readyz' });
      }
    } catch (e) {
      lines.push({ check: 'PostgreSQL and NATS (from the API)', ok: false, found: `/readyz: ${reason(e)}`, fix: 'check the API\'s log: journalctl -u netfleet-api' });
    }
  }

  // 3. This host's agent, its NATS identity and its consumer (the agent's own /readyz).
  const agent = await get(new URL('/readyz', options.agentUrl)).then(async (a) => (await a.json()) as AgentReadyz, (e: unknown) => reason(e));
  if (typeof agent === 'string') {
    lines.push({ check: `agent on ${options.host}`, ok: false, found: `no agent answers at ${options.agentUrl}: ${agent}`, fix: `start it: systemctl enable --now netfleet-agent@${options.host} (and set NETFLEET_METRICS_PORT in /etc/netfleet/agent.env)` });
  } else {
    const identity = agent.natsUser ? `NATS user ${agent.natsUser}` : 'no NATS user of its own';
    const wrongHost = agent.host !== options.host;
    lines.push({ check: `agent on ${options.host}`, ok: agent.checks.nats.ok && !wrongHost, found: `runs as host ${agent.host} (${identity}), ${agent.checks.nats.detail}`,
      ...(wrongHost ? { fix: `this agent serves ${agent.host}: run doctor with --host ${agent.host}, or start netfleet-agent@${options.host}` } : agent.checks.nats.ok ? {} : { fix: 'check NETFLEET_NATS_URL and the host\'s NATS login (from host-add) in /etc/netfleet/agent.env' }) });
    lines.push({ check: 'agent consumer', ok: agent.checks.consumer.ok, found: agent.checks.consumer.detail,
      ...(agent.checks.consumer.ok ? {} : { fix: `the API makes it when the host is registered: netfleet host-add ${agent.host}; then check the host's NATS permissions (deploy/nats/README.md)` }) });
  }

  // 4. OVS on this host, and 5. the bridges netfleet owns against the desired state.
  const ovs = await ovsBridges(options.ovsDb).catch((e: unknown) => reason(e));
  if (typeof ovs === 'string') {
    lines.push({ check: 'Open vSwitch', ok: false, found: `cannot read ${options.ovsDb}: ${ovs}`, fix: 'start it (systemctl start openvswitch-switch) or pass --ovs-db / set NETFLEET_OVS_DB' });
  } else {
    lines.push({ check: 'Open vSwitch', ok: true, found: `${options.ovsDb} answers (Open vSwitch ${ovs.version}); ${ovs.owned.size} bridge(s) owned by netfleet` });
    if (whoami?.ok) {
      try {
        const { networks } = await (await get(new URL(`/v1/networks?host=${encodeURIComponent(options.host)}`, api), connection.token)).json() as NetworkListAnswer;
        const desired = new Map(networks.filter((n) => n.perHost[options.host]?.desired === 'running').map((n) => [n.name, n.generation]));
        const missing = [...desired.keys()].filter((n) => !ovs.owned.has(n));
        const extra = [...ovs.owned.keys()].filter((n) => !desired.has(n));
        const ok = missing.length === 0 && extra.length === 0;
        lines.push({ check: 'bridges', ok, found: ok ? `the ${desired.size} network(s) that should run here have their bridge, and no other`
          : [missing.length ? `no bridge for ${missing.join(', ')}` : '', extra.length ? `bridges of ${extra.join(', ')} that should not run here` : ''].filter(Boolean).join('; '),
          ...(ok ? {} : { fix: `the agent repairs this on its next pass: check it runs (above) and its log (journalctl -u netfleet-agent@${options.host}); net-status NAME shows each host's last error` }) });
      } catch (e) {
        lines.push({ check: 'bridges', ok: false, found: `cannot read the desired state: ${reason(e)}`, fix: 'check the API (above)' });
      }
    }
  }

  // 6. Clock skew against the API (its Date header: whole seconds).
  const date = whoami?.headers.get('date');
  if (date) {
    const skew = (Date.now() - Date.parse(date)) / 1000;
    const ok = Math.abs(skew) <= options.maxSkewSeconds;
    lines.push({ check: 'clock', ok, found: `${Math.abs(skew).toFixed(0)} s ${skew >= 0 ? 'ahead of' : 'behind'} the API's clock`,
      ...(ok ? {} : { fix: 'synchronise clocks (systemd-timesyncd or chrony on this host and the API\'s): event times and liveness depend on them' }) });
  }
  return lines;
}

interface AgentReadyz { host: string; natsUser: string | null; checks: { nats: { ok: boolean; detail: string }; consumer: { ok: boolean; detail: string } } }

function vsctl(db: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ovs-vsctl', [`--db=${db}`, '--timeout=5', ...args], { timeout: TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) reject(new Error((stderr || error.message).trim().split('\n')[0])); else resolve(stdout);
    });
  });
}

/** The OVS version and the bridges stamped netfleet-owner=netfleet, by network name. */
async function ovsBridges(db: string): Promise<{ version: string; owned: Map<string, string> }> {
  const recorded = (await vsctl(db, ['get', 'Open_vSwitch', '.', 'ovs_version'])).trim().replace(/^"|"$/g, '');
  const version = recorded && recorded !== '[]' ? recorded : /Open vSwitch\)\s*(\S+)/.exec(await vsctl(db, ['--version']))?.[1] ?? 'unknown';
  const table = JSON.parse(await vsctl(db, ['--format=json', '--columns=name,external_ids', 'list', 'Bridge'])) as { data: [string, ['map', [string, string][]]][] };
  const owned = new Map<string, string>();
  for (const [name, [, ids]] of table.data) {
    const map = new Map(ids);
    if (map.get('netfleet-owner') === 'netfleet') owned.set(map.get('netfleet-network') ?? name, name);
  }
  return { version, owned };
}
