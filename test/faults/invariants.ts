import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import type { Database } from '@netfleet/eventstore/database';
import { readFoldablePages } from '@netfleet/eventstore/read';
import { foldFleet } from '@netfleet/fleet/evolve';
import type { FleetView, HostView, NetworkView } from '@netfleet/fleet/fleet-view';
import type { OwnedBridge } from './harness/agent-host';

/** A host as the checker reads it: its name and what OVS itself has (ovs-vsctl on its sandbox). */
export interface CheckedHost { name: string; ownedBridges(): Promise<OwnedBridge[]> }

/** A change a client was told succeeded (2xx): it must be in the store. */
export interface AcknowledgedChange { network: string; hosts: string[]; started: boolean }

export interface CommandCounts {
  /** Host commands the API wrote to its outbox. */
  issued: number;
  /** Commands whose host reported an outcome for their generation, or for a later one (superseded). */
  applied: number;
  /** Commands neither answered nor superseded. */
  lost: number;
  /** Outcomes recorded more than once for the same command on the same host. */
  doubled: number;
  /**
   * Commands the command stream stored more than once (relayed twice past JetStream's msgId
   * de-duplication), besides those the suite itself delivered again; undefined when not counted.
   */
  relayedTwice?: number;
}

/** What JetStream's command stream stored, and how many of those the suite published itself. */
export interface StreamCount { storedEver: number; publishedBySuite: number }

export interface InvariantReport {
  /** One line per broken invariant; empty when everything holds. */
  violations: string[];
  commands: CommandCounts;
}

/**
 * The fault suite's judge, run after every fault once the fleet should have converged, reading
 * Open vSwitch on every host and the event store directly (never through the API under test):
 *
 *  1. every running network is on exactly the hosts it is placed on, at its latest generation,
 *     as OVS shows it; no host has a netfleet bridge it should not;
 *  2. no event id appears twice in the log;
 *  3. every stream's versions are 1..n without a gap;
 *  4. the projections equal a fold of the whole log (as `admin rebuild` would make them);
 *  5. every change a client got a success for is recorded;
 *  6. every host command issued was applied (or superseded), none answered twice, none stored
 *     twice in the command stream (an outbox row relayed twice past JetStream's de-duplication).
 */
export async function checkInvariants(db: Database, hosts: readonly CheckedHost[], acknowledged: readonly AcknowledgedChange[], stream?: StreamCount): Promise<InvariantReport> {
  const violations: string[] = [];
  const networks = await readNetworkViews(db);
  violations.push(...await checkOvsMatchesPlacement(networks, hosts));
  violations.push(...await checkUniqueEventIds(db));
  violations.push(...await checkContiguousStreams(db));
  violations.push(...await checkProjectionsEqualRebuild(db));
  violations.push(...checkAcknowledged(networks, acknowledged));
  const commands = await countCommands(db);
  if (stream) {
    commands.relayedTwice = stream.storedEver - stream.publishedBySuite - commands.issued;
    if (commands.relayedTwice > 0) violations.push(`${commands.relayedTwice} host commands were stored twice in the command stream (relayed twice)`);
  }
  if (commands.lost > 0) violations.push(`${commands.lost} of ${commands.issued} host commands were neither applied nor superseded`);
  if (commands.doubled > 0) violations.push(`${commands.doubled} host outcomes were recorded twice for the same command`);
  return { violations, commands };
}

async function readNetworkViews(db: Database): Promise<Map<string, NetworkView>> {
  const rows = await db.selectFrom('network_view').select('doc').execute();
  return new Map(rows.map((r) => [(r.doc as NetworkView).name, r.doc as NetworkView]));
}

/** What OVS must have on `host`: network → generation, for every network running there. */
export function expectedBridges(networks: Iterable<NetworkView>, host: string): Map<string, number> {
  const expected = new Map<string, number>();
  for (const n of networks) {
    const here = n.perHost[host];
    if (n.active && n.hosts.includes(host) && here?.desired === 'running') expected.set(n.name, here.generation);
  }
  return expected;
}

async function checkOvsMatchesPlacement(networks: Map<string, NetworkView>, hosts: readonly CheckedHost[]): Promise<string[]> {
  const violations: string[] = [];
  for (const host of hosts) {
    const expected = expectedBridges(networks.values(), host.name);
    const seen = new Map<string, number>();
    for (const bridge of await host.ownedBridges()) {
      if (seen.has(bridge.network)) violations.push(`${host.name}: network ${bridge.network} has two bridges in OVS`);
      seen.set(bridge.network, bridge.generation);
      const want = expected.get(bridge.network);
      if (want === undefined) violations.push(`${host.name}: OVS has bridge ${bridge.bridge} of ${bridge.network}, which is not running there`);
      else if (want !== bridge.generation) violations.push(`${host.name}: ${bridge.network} is at generation ${bridge.generation} in OVS, ${want} placed`);
    }
    for (const [network, generation] of expected) {
      if (!seen.has(network)) violations.push(`${host.name}: ${network} (generation ${generation}) is placed and running but missing from OVS`);
      const status = networks.get(network)?.perHost[host.name];
      if (status && (status.observed !== 'running' || status.appliedGeneration !== generation)) {
        violations.push(`${host.name}: the view shows ${network} ${status.observed} at generation ${status.appliedGeneration ?? 'none'}, not running at ${generation}`);
      }
    }
  }
  return violations;
}

async function checkUniqueEventIds(db: Database): Promise<string[]> {
  const { rows } = await sql<{ event_id: string; n: number }>`
    SELECT event_id, count(*)::int AS n FROM events GROUP BY event_id HAVING count(*) > 1 LIMIT 20`.execute(db);
  return rows.map((r) => `event id ${r.event_id} appears ${r.n} times`);
}

async function checkContiguousStreams(db: Database): Promise<string[]> {
  const { rows } = await sql<{ stream_id: string; n: number; lo: number; hi: number }>`
    SELECT stream_id, count(*)::int AS n, min(stream_version) AS lo, max(stream_version) AS hi
    FROM events GROUP BY stream_id HAVING min(stream_version) <> 1 OR max(stream_version) <> count(*) LIMIT 20`.execute(db);
  return rows.map((r) => `stream ${r.stream_id} has ${r.n} events with versions ${r.lo}..${r.hi}: not contiguous from 1`);
}

async function checkProjectionsEqualRebuild(db: Database): Promise<string[]> {
  let fleet: FleetView | undefined;
  for await (const page of readFoldablePages(db)) fleet = foldFleet(page, fleet);
  const [networkRows, hostRows] = await Promise.all([
    db.selectFrom('network_view').select(['name', 'doc']).execute(),
    db.selectFrom('host_view').select(['name', 'doc']).execute(),
  ]);
  const violations: string[] = [];
  const compare = (kind: string, stored: { name: string; doc: unknown }[], rebuilt: Record<string, NetworkView | HostView>) => {
    const names = new Set([...stored.map((r) => r.name), ...Object.keys(rebuilt)]);
    const byName = new Map(stored.map((r) => [r.name, r.doc]));
    for (const name of names) {
      // Through JSON both ways: the stored document came back from jsonb.
      const fold = rebuilt[name] === undefined ? undefined : JSON.parse(JSON.stringify(rebuilt[name])) as unknown;
      if (!isDeepStrictEqual(byName.get(name), fold)) violations.push(`the ${kind} view of ${name} differs from a rebuild of the log`);
    }
  };
  compare('network', networkRows, fleet?.networks ?? {});
  compare('host', hostRows, fleet?.hosts ?? {});
  return violations;
}

function checkAcknowledged(networks: Map<string, NetworkView>, acknowledged: readonly AcknowledgedChange[]): string[] {
  return acknowledged.flatMap((change) => {
    const view = networks.get(change.network);
    if (!view) return [`${change.network} was acknowledged to its client but is not in the store`];
    if (change.started && !view.active) return [`${change.network}'s start was acknowledged but it is not active`];
    if ([...change.hosts].sort().join() !== [...view.hosts].sort().join()) return [`${change.network} was acknowledged on ${change.hosts.join(',')} but is placed on ${view.hosts.join(',')}`];
    return [];
  });
}

const OUTCOMES = ['NetworkStartedOnHost', 'NetworkStoppedOnHost', 'NetworkFailedOnHost'];

/** Counts from the outbox (what was sent) against the hosts' recorded outcomes (what came back). */
export async function countCommands(db: Database): Promise<CommandCounts> {
  const { rows: issued } = await sql<{ host: string; network: string; generation: number; command_id: string }>`
    SELECT payload->>'host' AS host, payload->>'network' AS network, (payload->>'generation')::int AS generation, payload->>'commandId' AS command_id
    FROM outbox`.execute(db);
  const { rows: outcomes } = await sql<{ host: string; network: string; generation: number; causation: string | null; type: string }>`
    SELECT data->>'host' AS host, data->>'network' AS network, (data->>'generation')::int AS generation,
           metadata->>'causationId' AS causation, type
    FROM events WHERE type = ANY(${OUTCOMES})`.execute(db);
  const answered = new Set<string>();
  const latest = new Map<string, number>();
  const perCommand = new Map<string, number>();
  for (const o of outcomes) {
    answered.add(`${o.host}|${o.network}|${o.generation}`);
    const key = `${o.host}|${o.network}`;
    latest.set(key, Math.max(latest.get(key) ?? 0, o.generation));
    if (o.causation) {
      const command = `${o.host}|${o.causation}|${o.type}`;
      perCommand.set(command, (perCommand.get(command) ?? 0) + 1);
    }
  }
  const applied = issued.filter((c) => answered.has(`${c.host}|${c.network}|${c.generation}`) || (latest.get(`${c.host}|${c.network}`) ?? 0) > c.generation).length;
  const doubled = [...perCommand.values()].reduce((sum, n) => sum + (n - 1), 0);
  return { issued: issued.length, applied, lost: issued.length - applied, doubled };
}
