import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ObservedHost } from '../plan/observed-bridge';
import { BRIDGE_COLUMNS, CONTROLLER_COLUMNS, SSL_COLUMNS, observedHostOf } from './observe-bridges';
import type { OvsdbRow } from './ovsdb-json';
import { observedPortsOf } from './observe-ports';
import type { ObservedPort } from '../plan/port-changes';

/** The tables and columns the agent watches (the same ones observeHost reads). */
export const MONITORED: Record<ReplicaTable, string[]> = {
  // `ports` and the Port / Interface tables: the VMs' interfaces on netfleet's bridges (observe-ports.ts).
  Bridge: [...BRIDGE_COLUMNS.filter((c) => c !== '_uuid'), 'ports'],
  Port: ['name', 'interfaces'],
  Interface: ['name', 'type', 'external_ids'],
  Controller: CONTROLLER_COLUMNS.filter((c) => c !== '_uuid'),
  Open_vSwitch: ['ssl', 'cur_cfg'],
  SSL: SSL_COLUMNS.filter((c) => c !== '_uuid'),
};
export type ReplicaTable = 'Bridge' | 'Controller' | 'Open_vSwitch' | 'SSL' | 'Port' | 'Interface';

/** RFC 7047 <table-updates>: per table, per row uuid, the row's old and/or new contents. */
export type TableUpdates = Partial<Record<string, Record<string, { old?: OvsdbRow; new?: OvsdbRow }>>>;

/**
 * An in-memory copy of the monitored OVSDB tables, kept by applying the server's monitor
 * updates (the initial contents are one big update). Pure: no socket here.
 */
export class HostReplica {
  private readonly tables = new Map<ReplicaTable, Map<string, OvsdbRow>>(
    (Object.keys(MONITORED) as ReplicaTable[]).map((t) => [t, new Map()]),
  );

  /** Applies one <table-updates>; returns which tables changed. */
  apply(updates: TableUpdates): Set<ReplicaTable> {
    if (updates === null || typeof updates !== 'object') {
      throw new NetfleetError('NF_OVS_PROTOCOL', { problem: `the OVS database sent a monitor update that is not <table-updates>: ${JSON.stringify(updates)?.slice(0, 200)}` });
    }
    const changed = new Set<ReplicaTable>();
    for (const [table, rows] of Object.entries(updates)) {
      const replica = this.tables.get(table as ReplicaTable);
      if (!replica || !rows) continue;
      for (const [uuid, change] of Object.entries(rows)) {
        if (change === null || typeof change !== 'object') {
          throw new NetfleetError('NF_OVS_PROTOCOL', { problem: `the OVS database sent a row update for ${table} ${uuid} that has neither old nor new` });
        }
        // "new" carries every monitored column of an inserted or modified row; no "new": deleted.
        if (change.new) replica.set(uuid, { ...change.new, _uuid: ['uuid', uuid] });
        else replica.delete(uuid);
        changed.add(table as ReplicaTable);
      }
    }
    return changed;
  }

  clear(): void {
    for (const t of this.tables.values()) t.clear();
  }

  /** Open_vSwitch cur_cfg: the configuration ovs-vswitchd has caught up with. */
  curCfg(): number | undefined {
    const row = [...this.tables.get('Open_vSwitch')!.values()][0];
    return typeof row?.['cur_cfg'] === 'number' ? row['cur_cfg'] : undefined;
  }

  observed(): ObservedHost {
    const rows = (t: ReplicaTable) => [...this.tables.get(t)!.values()];
    return observedHostOf({ bridgeRows: rows('Bridge'), controllerRows: rows('Controller'), ovsRows: rows('Open_vSwitch'), sslRows: rows('SSL') });
  }

  ports(): ObservedPort[] {
    const rows = (t: ReplicaTable) => [...this.tables.get(t)!.values()];
    return observedPortsOf({ bridgeRows: rows('Bridge'), portRows: rows('Port'), interfaceRows: rows('Interface') });
  }
}
