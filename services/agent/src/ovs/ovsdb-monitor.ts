import type { Logger } from '@netfleet/log/logger';
import type { ObservedHost } from '../plan/observed-bridge';
import { HostReplica, MONITORED, type ReplicaTable, type TableUpdates } from './host-replica';
import { OvsdbConnection } from './ovsdb-connection';

export interface OvsdbMonitor {
  /** The replica as of the last update; undefined until the first snapshot arrived. */
  observed(): ObservedHost | undefined;
  stop(): void;
}

export interface OvsdbMonitorOptions {
  /** the database socket, `unix:/path/db.sock` (other forms are not watched: the periodic pass covers them) */
  db: string;
  log: Logger;
  /** Called after the replica took an update (the initial snapshot included). */
  onChange: (changed: Set<ReplicaTable>) => void;
}

/**
 * Watches the host's OVS database with an OVSDB `monitor` over its unix socket (JSON-RPC, no child
 * process): Bridge, Controller, Open_vSwitch and SSL, the columns a plan reads. The server pushes
 * every committed change within milliseconds, so the agent reacts to edits by hand and to
 * controller connections without polling. Reconnects with backoff when ovsdb-server goes away.
 */
export function startOvsdbMonitor(options: OvsdbMonitorOptions): OvsdbMonitor {
  const path = options.db.startsWith('unix:') ? options.db.slice('unix:'.length) : undefined;
  const replica = new HostReplica();
  let synced = false;
  let stopped = false;
  let connection: OvsdbConnection | undefined;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;

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
        options.onChange(replica.apply(params[1] as TableUpdates));
      }, (error) => {
        synced = false;
        if (!stopped) { options.log.warn({ err: error }, 'OVSDB monitor connection lost; reconnecting'); retry(); }
      });
      if (stopped) { c.close(); return; }
      connection = c;
      const requests = Object.fromEntries(Object.entries(MONITORED).map(([table, columns]) => [table, { columns }]));
      const initial = await c.request('monitor', ['Open_vSwitch', 'netfleet-agent', requests]);
      replica.clear();
      const changed = replica.apply(initial as TableUpdates);
      synced = true;
      attempt = 0;
      options.onChange(changed);
    } catch (e) {
      options.log.warn({ err: e, db: options.db }, 'cannot monitor the OVS database yet; retrying');
      connection?.close();
      connection = undefined;
      retry();
    }
  };
  if (path) void run();
  else options.log.warn({ db: options.db }, 'the OVS database is not a unix socket: no live monitor, only periodic reconciliation');

  return {
    observed: () => (synced ? replica.observed() : undefined),
    stop() {
      stopped = true;
      clearTimeout(timer);
      connection?.close();
    },
  };
}
