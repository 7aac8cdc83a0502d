import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { Logger } from '@netfleet/log/logger';
import type { ObservedHost } from '../plan/observed-bridge';
import type { ObservedPort } from '../plan/port-changes';
import { HostReplica, MONITORED, type ReplicaTable, type TableUpdates } from './host-replica';
import { OvsdbConnection } from './ovsdb-connection';

export interface OvsdbSession {
  /** The replica as of the last update; undefined until the first snapshot arrived. */
  observed(): ObservedHost | undefined;
  /** The interfaces on netfleet's bridges as of the last update; undefined while not in sync. */
  ports(): ObservedPort[] | undefined;
  /**
   * Read-your-writes: a round trip on this session, so every change committed
   * before the call (the agent's own ovs-vsctl included) has reached the replica when it
   * resolves — ovsdb-server flushes a session's pending monitor updates before answering its
   * next request. Undefined when the session is not in sync (then read OVS another way).
   */
  sync(): Promise<ObservedHost | undefined>;
  /** Sends one `transact` on this session; its result array (errors included). */
  transact(params: unknown[]): Promise<unknown[]>;
  /** Resolves once ovs-vswitchd reports cur_cfg >= cfg (rejects after timeoutMs). */
  waitForCurCfg(cfg: number, timeoutMs: number): Promise<void>;
  /** Resolves once the first snapshot arrived, or after `timeoutMs` (whichever first). */
  ready(timeoutMs: number): Promise<void>;
  stop(): void;
}

export interface OvsdbSessionOptions {
  /** the database socket, `unix:/path/db.sock` (other forms are not watched: the periodic pass covers them) */
  db: string;
  log: Logger;
  /** Called after the replica took an update (the initial snapshot included). */
  onChange: (changed: Set<ReplicaTable>) => void;
}

/**
 * The agent's own JSON-RPC session with ovsdb-server over its unix socket (no child process). It
 * keeps a replica of Bridge, Controller, Open_vSwitch and SSL (the columns a plan reads) through an
 * OVSDB `monitor` — the server pushes every committed change within milliseconds, so the agent
 * reacts to edits by hand and to controller connections without polling — and it sends the
 * agent's transactions (`transact`) and waits for ovs-vswitchd (`cur_cfg`). Reconnects with
 * backoff when ovsdb-server goes away.
 */
export function startOvsdbSession(options: OvsdbSessionOptions): OvsdbSession {
  const path = options.db.startsWith('unix:') ? options.db.slice('unix:'.length) : undefined;
  const replica = new HostReplica();
  let synced = false;
  let stopped = false;
  let connection: OvsdbConnection | undefined;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  const readyWaiters: (() => void)[] = [];
  const cfgWaiters = new Set<{ cfg: number; resolve: () => void }>();
  const wakeCfgWaiters = () => {
    const cur = replica.curCfg();
    if (cur === undefined) return;
    for (const w of cfgWaiters) if (cur >= w.cfg) { cfgWaiters.delete(w); w.resolve(); }
  };

  const retry = () => {
    if (stopped || timer) return;
    const delay = Math.min(5000, 100 * 2 ** attempt++);
    timer = setTimeout(() => { timer = undefined; void run(); }, delay);
  };
  const run = async () => {
    if (!path || stopped) return;
    try {
      const c = await OvsdbConnection.open(path, (method, params) => {
        if (method !== 'update') return;
        const changed = replica.apply(params[1] as TableUpdates);
        if (changed.has('Open_vSwitch')) wakeCfgWaiters();
        options.onChange(changed);
      }, (error) => {
        synced = false;
        if (!stopped) { options.log.warn({ err: error }, 'OVSDB session lost; reconnecting'); retry(); }
      });
      if (stopped) { c.close(); return; }
      connection = c;
      const requests = Object.fromEntries(Object.entries(MONITORED).map(([table, columns]) => [table, { columns }]));
      const initial = await c.request('monitor', ['Open_vSwitch', 'netfleet-agent', requests]);
      replica.clear();
      const changed = replica.apply(initial as TableUpdates);
      synced = true;
      attempt = 0;
      for (const resolve of readyWaiters.splice(0)) resolve();
      options.onChange(changed);
    } catch (e) {
      options.log.warn({ err: e, db: options.db }, 'cannot monitor the OVS database yet; retrying');
      connection?.close();
      connection = undefined;
      retry();
    }
  };
  if (path) void run();
  else options.log.warn({ db: options.db }, 'the OVS database is not a unix socket: no OVSDB session (no live replica, ovs-vsctl only, periodic reconciliation)');

  return {
    observed: () => (synced ? replica.observed() : undefined),
    ports: () => (synced ? replica.ports() : undefined),
    ready(timeoutMs) {
      if (synced || !path) return Promise.resolve();
      return new Promise((resolve) => {
        const timeout = setTimeout(resolve, timeoutMs);
        readyWaiters.push(() => { clearTimeout(timeout); resolve(); });
      });
    },
    async sync() {
      if (!synced || !connection) return undefined;
      try {
        await connection.request('echo', ['netfleet-sync']);
      } catch {
        return undefined;
      }
      return synced ? replica.observed() : undefined;
    },
    async transact(params) {
      if (!synced || !connection) throw new NetfleetError('NF_OVS_DB_UNREACHABLE', { reason: `not connected to ${options.db}` });
      return (await connection.request('transact', params)) as unknown[];
    },
    waitForCurCfg(cfg, timeoutMs) {
      return new Promise((resolve, reject) => {
        const waiter = { cfg, resolve: () => { clearTimeout(deadline); resolve(); } };
        const deadline = setTimeout(() => {
          cfgWaiters.delete(waiter);
          reject(new NetfleetError('NF_OVS_TIMEOUT', { problem: `ovs-vswitchd did not apply the change within ${timeoutMs / 1000} s (cur_cfg ${replica.curCfg() ?? '?'} < ${cfg}); the database has it`, cfg }));
        }, timeoutMs);
        cfgWaiters.add(waiter);
        wakeCfgWaiters();
      });
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      connection?.close();
    },
  };
}
