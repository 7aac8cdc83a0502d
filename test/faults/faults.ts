import { sql } from 'kysely';
import { jetstream } from '@nats-io/jetstream';
import { busNames } from '@netfleet/bus/names';
import { connectBus, encodeJson } from '@netfleet/bus/nats';
import { until } from '../support/until';
import type { FaultFleet } from './harness/fault-fleet';
import type { NetworkView } from '@netfleet/fleet/fleet-view';
import { pick } from './schedule';

/** What a fault saw while it lasted: when it was healed, and what should have shown but did not. */
export interface FaultOutcome { healedAt: number; detail: string; violations: string[] }

export interface Fault {
  name: string;
  /** Injects the fault, holds it, heals it. Runs while a rollout is under way. */
  run(fleet: FaultFleet, random: () => number): Promise<FaultOutcome>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const healed = (detail: string, violations: string[] = []): FaultOutcome => ({ healedAt: Date.now(), detail, violations });

/** The API calls a host offline after 6 s without a heartbeat; outages last longer than that. */
const OUTAGE_MS = 9_000;

async function restartNode(fleet: FaultFleet, name: string): Promise<void> {
  await fleet.cluster.killNode(name);
  await sleep(3_000);
  await fleet.cluster.startNode(name);
  const names = busNames(fleet.namespace);
  await fleet.cluster.untilStreamHealthy(names.commandStream);
  await fleet.cluster.untilStreamHealthy(names.eventStream);
}

/**
 * While a host is cut off (or frozen) the fleet must show it: the host offline, and what was
 * asked of it meanwhile pending. Returns what did not show.
 */
async function untilOutageShows(fleet: FaultFleet, host: string): Promise<string[]> {
  try {
    await until(async () => (await fleet.hostViews().catch(() => undefined))?.get(host)?.online === false,
      `${host} to show offline`, { timeoutMs: OUTAGE_MS + 15_000, pollMs: 250 });
  } catch {
    return [`${host}'s outage never showed it offline`];
  }
  // What was asked of the host and not yet answered shows as pending, never as done.
  const rows = await fleet.db.selectFrom('network_view').select('doc').execute();
  return rows.flatMap(({ doc }) => {
    const view = doc as NetworkView;
    const here = view.perHost[host];
    return here && here.appliedGeneration !== here.generation && here.observed !== 'pending'
      ? [`during ${host}'s outage ${view.name} showed ${here.observed} for generation ${here.generation}, which ${host} never answered`] : [];
  });
}

async function afterOutage(fleet: FaultFleet, host: string): Promise<string[]> {
  try {
    await fleet.untilHostsOnline([host], 60_000);
    return [];
  } catch {
    return [`${host} did not come back online after its outage`];
  }
}

export const FAULTS: Record<string, Fault> = {
  'nats-node-kill': {
    name: 'kill -9 of a NATS node (not a leader)',
    async run(fleet) {
      const leader = await fleet.cluster.streamLeader(busNames(fleet.namespace).commandStream);
      const victim = fleet.cluster.nodes.find((n) => n.name !== leader)!.name;
      await restartNode(fleet, victim);
      return healed(`killed ${victim} (the command stream's leader was ${leader})`);
    },
  },
  'nats-leader-kill': {
    name: 'kill -9 of the NATS node leading the command stream',
    async run(fleet) {
      const leader = await fleet.cluster.streamLeader(busNames(fleet.namespace).commandStream);
      await restartNode(fleet, leader);
      return healed(`killed ${leader}, then the leader was ${await fleet.cluster.streamLeader(busNames(fleet.namespace).commandStream)}`);
    },
  },
  'pg-restart': {
    name: 'PostgreSQL restart (immediate stop: a crash)',
    async run(fleet) {
      await fleet.postgres.stop('immediate');
      await fleet.postgres.start();
      return healed('pg_ctl stop -m immediate, then start');
    },
  },
  'pg-down-30s': {
    name: 'PostgreSQL down for 30 s',
    async run(fleet) {
      await downFor(30_000, () => fleet.postgres.stop('fast'), () => fleet.postgres.start());
      return healed('stopped 30 s');
    },
  },
  'api-kill': {
    name: 'kill -9 of an API instance while it relays',
    async run(fleet, random) {
      const api = pick(random, fleet.apis);
      await downFor(2_000, () => api.kill(), () => api.start());
      return healed(`killed ${api.config.name}`);
    },
  },
  'agent-kill': {
    name: 'kill -9 of an agent mid-apply',
    async run(fleet, random) {
      const host = pick(random, fleet.hosts);
      await downFor(1_000, () => host.killAgent(), () => host.startAgent());
      return healed(`killed ${host.name}'s agent`, await afterOutage(fleet, host.name));
    },
  },
  'agent-sigstop': {
    name: 'SIGSTOP of an agent past the offline threshold',
    async run(fleet, random) {
      const host = pick(random, fleet.hosts);
      host.pause();
      const unseen = await untilOutageShows(fleet, host.name);
      await sleep(1_000);
      host.resume();
      return healed(`froze ${host.name}'s agent`, [...unseen, ...await afterOutage(fleet, host.name)]);
    },
  },
  'host-cut': {
    name: 'a host cut off from NATS, then healed',
    async run(fleet, random) {
      const host = pick(random, fleet.hosts);
      await host.netns.cut();
      const unseen = await untilOutageShows(fleet, host.name);
      await host.netns.heal();
      return healed(`cut ${host.name}'s link`, [...unseen, ...await afterOutage(fleet, host.name)]);
    },
  },
  'double-delivery': {
    name: 'every command delivered twice',
    async run(fleet) {
      // Each command relayed so far, published again without its msgId, so JetStream's
      // de-duplication cannot hide it: each host gets it a second time.
      const { rows } = await sql<{ subject: string; payload: unknown }>`SELECT subject, payload FROM outbox ORDER BY id`.execute(fleet.db);
      const nc = await connectBus({ servers: fleet.cluster.urls, name: 'faults-double-delivery' });
      try {
        const js = jetstream(nc);
        for (const r of rows) await js.publish(r.subject, encodeJson(r.payload));
        fleet.commandsPublishedBySuite += rows.length;
      } finally {
        await nc.close();
      }
      return healed(`delivered ${rows.length} commands a second time`);
    },
  },
  'clock-jump': {
    name: 'a clock that jumps on one agent',
    async run(fleet, random) {
      const host = pick(random, fleet.hosts);
      await host.setClockOffset(3_600);
      await sleep(5_000);
      await host.setClockOffset(-600);
      await sleep(5_000);
      await host.setClockOffset(0);
      return healed(`${host.name}'s clock jumped 1 h ahead, then 10 min behind, then back`);
    },
  },
};

/** Every fault, in the order the issue lists them: the long form runs each once first. */
export const ALL_FAULTS = Object.keys(FAULTS);

/** Takes something down, leaves it down that long (the outage the fault is about), brings it back. */
async function downFor(ms: number, stop: () => unknown, start: () => unknown): Promise<void> {
  await stop();
  await sleep(ms);
  await start();
}
