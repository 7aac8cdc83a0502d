import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { appendToStream } from '@netfleet/eventstore/append';
import { createDatabase, type Database } from '@netfleet/eventstore/database';
import { readAll } from '@netfleet/eventstore/read';
import { rebuildViews } from '@netfleet/eventstore/rebuild';
import { getNetworkView, listHostViews, listNetworkViews } from '@netfleet/eventstore/views';
import { foldFleet } from '@netfleet/fleet/evolve';
import type { NewEvent } from '@netfleet/events/event-envelope';
import { pgTest as test } from '../../support/pg-test';
import type { TestDatabase } from '../../support/test-database';
import { defined, meta, started, startedOnHost } from './given-events';

const stoppedOnHost = (host: string, network: string, generation: number): NewEvent => ({
  eventId: randomUUID(), type: 'NetworkStoppedOnHost', v: 1, metadata: meta({ actor: `host:${host}`, source: `host:${host}` }),
  data: { host, network, generation },
});

const HOSTS = Array.from({ length: 100 }, (_, i) => `wide${i + 1}`);

const destroyed = (name: string): NewEvent => ({ eventId: randomUUID(), type: 'NetworkDestroyed', v: 1, metadata: meta(), data: { name, hosts: HOSTS } });
const restarted = (name: string): NewEvent => started(name, HOSTS);
const controllerChanged = (host: string, network: string, generation: number, connected: boolean): NewEvent => ({
  eventId: randomUUID(), type: 'ControllerConnectionChanged', v: 1, metadata: meta({ actor: `host:${host}`, source: `host:${host}` }),
  data: { host, network, generation, bridge: 'dp0', target: 'tcp:127.0.0.1:6633', connected },
});

/**
 * #13: one network placed on 100 hosts. Every host's reports and the network's own commands fold
 * into that network's view; they must all be recorded (none refused NF_STORE_CONTENDED, which a
 * single view document per network gave: each report rewrote it and the others folded again), and
 * the views they leave must be exactly the fold of the log, with a rebuild racing them too.
 */
describe('event store: 100 hosts reporting on one network while its commands run', () => {
  let t: TestDatabase;
  let pools: Database[];
  test.beforeAll(async ({ database }) => {
    t = database;
    // Several API instances (pools with their own append caches) and plenty of connections each.
    pools = [createDatabase(t.url, { max: 10 }), createDatabase(t.url, { max: 10 }), createDatabase(t.url, { max: 10 })];
    await appendToStream(t.db, { streamId: 'network:wide', expectedVersion: 0, events: [defined('wide', HOSTS), started('wide', HOSTS)] });
  });
  test.afterAll(async () => {
    for (const pool of pools ?? []) await pool.destroy();
  });

  test('records every report and every command, and the views are the fold of the log', async () => {
    const commands = (async () => {
      // net-destroy, net-start, …, net-destroy on the network's own stream, each decided on the version before.
      for (let version = 2; version <= 8; version++) {
        await appendToStream(pools[0]!, { streamId: 'network:wide', expectedVersion: version, events: [version % 2 === 0 ? destroyed('wide') : restarted('wide')] });
      }
    })();
    const reports = HOSTS.map(async (host, i) => {
      const db = pools[i % pools.length]!;
      for (let round = 0; round < 3; round++) {
        await appendToStream(db, { streamId: `host:${host}`, expectedVersion: 'any', events: [startedOnHost(host, 'wide', 2, `c-${host}`), controllerChanged(host, 'wide', 2, round % 2 === 0)] });
      }
    });
    const rebuild = rebuildViews(pools[2]!);
    const results = await Promise.allSettled([commands, rebuild, ...reports]);
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);

    // Every append has ended: the whole log, also past positions that aborted attempts skipped
    // (the in-flight guard would stop at the first such gap while any transaction of the cluster runs).
    const log = await readAll(t.db, { limit: 100_000, inFlightGuard: false });
    expect(log.filter((e) => e.streamId === 'network:wide')).toHaveLength(9);
    expect(log.filter((e) => e.streamId.startsWith('host:'))).toHaveLength(HOSTS.length * 6);
    const fleet = foldFleet(log);
    const networks = await listNetworkViews(t.db);
    expect(Object.fromEntries(networks.map((n) => [n.name, n]))).toEqual(fleet.networks);
    expect(Object.fromEntries((await listHostViews(t.db)).map((h) => [h.name, h]))).toEqual(fleet.hosts);
    const view = await getNetworkView(t.db, 'wide');
    expect(Object.keys(view!.perHost).sort()).toEqual([...HOSTS].sort());
    expect(view!.active).toBe(false);

    await rebuildViews(t.db);
    expect(await getNetworkView(t.db, 'wide')).toEqual(fleet.networks['wide']);
  });

  test('a transient network is gone once the last of its 100 hosts, reporting at once, has stopped it', async () => {
    // net-create: transient, started; then net-destroy. Each report may be the one that removes
    // it, so each folds every host's row: they take turns, and none is refused.
    const transient = { ...defined('brief', HOSTS), data: { ...(defined('brief', HOSTS).data as object), persistent: false } };
    await appendToStream(t.db, { streamId: 'network:brief', expectedVersion: 0, events: [transient, started('brief', HOSTS)] });
    await Promise.all(HOSTS.map((host, i) => appendToStream(pools[i % pools.length]!, { streamId: `host:${host}`, expectedVersion: 'any', events: [startedOnHost(host, 'brief', 2, `c-${host}`)] })));
    await appendToStream(t.db, { streamId: 'network:brief', expectedVersion: 2, events: [{ ...destroyed('brief'), data: { name: 'brief', hosts: HOSTS } }] });
    expect(Object.values((await getNetworkView(t.db, 'brief'))!.perHost).filter((s) => s.observed !== 'pending')).toEqual([]);
    const results = await Promise.allSettled(HOSTS.map((host, i) => appendToStream(pools[i % pools.length]!, { streamId: `host:${host}`, expectedVersion: 'any', events: [stoppedOnHost(host, 'brief', 3)] })));
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const left = await getNetworkView(t.db, 'brief');
    expect(left && { ...left, perHost: Object.values(left.perHost).map((s) => `${s.host} ${s.observed} ${s.generation} ${String(s.appliedGeneration)}`).filter((x) => !x.includes('stopped')) }).toBeUndefined();
    expect(await t.db.selectFrom('network_host_view').select('host').where('network', '=', 'brief').execute()).toEqual([]);
    const fleet = foldFleet(await readAll(t.db, { limit: 100_000, inFlightGuard: false }));
    expect(fleet.networks['brief']).toBeUndefined();
    expect(Object.fromEntries((await listNetworkViews(t.db)).map((n) => [n.name, n]))).toEqual(fleet.networks);
  });
});
