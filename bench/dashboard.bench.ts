import { randomBytes, randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus, deleteStreams } from '@netfleet/bus/nats';
import { busNames } from '@netfleet/bus/names';
import type { NewEvent } from '@netfleet/events/event-envelope';
import { appendToStream } from '@netfleet/eventstore/append';
import { silentLogger } from '@netfleet/log/logger';
import { startApiServer } from '@netfleet/api/api-server';
import type { Page } from 'playwright-core';
import { startBrowser } from '../test/support/browser';
import { createTestDatabase } from '../test/support/test-database';
import { NATS_URL } from '../test/support/test-fleet';
import { figure, machine, type BenchResult, type Figure } from './support/report';
import { percentile } from './support/stats';
import { benchName } from '../test/support/test-names';

// The functions given to page.evaluate/waitForFunction run in the page; this file is compiled with
// Node's types only, so the few browser globals they touch are declared here, module-local.
interface PageElement { dataset: Record<string, string | undefined>; textContent: string | null; scrollTop: number; querySelector(selector: string): PageElement | null }
declare const document: { querySelector(selector: string): PageElement | null };
declare const window: Record<string, unknown>;
declare const sessionStorage: { setItem(key: string, value: string): void };
declare function requestAnimationFrame(callback: () => void): number;

const HOSTS = Number(process.env['BENCH_HOSTS'] ?? 100);
const NETWORKS = Number(process.env['BENCH_NETWORKS'] ?? 1000);
/** Each network runs on one rack of hosts (racks of 10 by default), as placements by label do. */
const PER_NETWORK = Math.min(HOSTS, Number(process.env['BENCH_HOSTS_PER_NETWORK'] ?? 10));
/** Rows a screen of the grid shows (with overscan), what the compact grid is asked for. */
const SCREEN_ROWS = 40;
const BURST = Number(process.env['BENCH_BURST'] ?? 1000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const GOAL_MS = 1000;

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const hostName = (i: number) => `hv${pad(i, 3)}`;
const networkName = (i: number) => `net${pad(i, 4)}`;
const hostsOf = (n: number) => {
  const racks = Math.max(1, Math.floor(HOSTS / PER_NETWORK));
  const rack = n % racks;
  return Array.from({ length: PER_NETWORK }, (_, j) => hostName(rack * PER_NETWORK + j));
};

/**
 * The dashboard in headless Debian Chromium against a seeded fleet of HOSTS hosts × NETWORKS
 * networks (events appended straight to the event store, as the API and agents would have):
 *  - time to first full render (navigation → the whole grid's model folded and its visible part
 *    drawn), beside the raw floor: the same GET /v1/fleet fetched and parsed in the same page;
 *  - a burst of BURST host reports appended at once → the grid showing all of them, beside a raw
 *    SSE reader in the same page receiving the same burst (delivery only, no fold, no render);
 *  - responsiveness: scrolling to the middle of the grid, and how many cells are in the DOM.
 */
export async function run(log: (line: string) => void): Promise<BenchResult> {
  const database = await createTestDatabase({ migrate: false });
  const names = busNames(benchName());
  const token = `bench-${randomBytes(12).toString('hex')}`;
  const api = await startApiServer({
    databaseUrl: database.url, natsUrl: NATS_URL, namespace: names.namespace, host: '127.0.0.1', port: 0,
    tokens: [{ actor: 'bench', role: 'admin', token }], log: silentLogger(), liveness: false,
  });
  const browser = await startBrowser();
  try {
    const seeded = await seed(database.db, log);
    const page = await browser.newPage();
    await page.addInitScript((t) => sessionStorage.setItem('netfleet.token', t), token);

    const renders: number[] = [];
    const raws: number[] = [];
    let fleetBytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const start = Date.now();
      await page.goto(api.url);
      await page.waitForFunction(({ networks, running }) => {
        const grid = document.querySelector('[data-testid=fleet-grid]');
        return grid?.dataset['rows'] === String(networks) && !!grid.querySelector('[role=gridcell]')
          && document.querySelector('[data-testid=grid-counts]')?.textContent?.includes(`${running} running`);
      }, { networks: NETWORKS, running: NETWORKS * PER_NETWORK }, { polling: 'raf', timeout: 60_000 });
      renders.push(Date.now() - start);
      const raw = await page.evaluate(async (t) => {
        const t0 = performance.now();
        const text = await (await fetch('/v1/fleet', { headers: { authorization: `Bearer ${t}` } })).text();
        JSON.parse(text);
        return { ms: performance.now() - t0, bytes: text.length };
      }, token);
      raws.push(raw.ms);
      fleetBytes = raw.bytes;
    }
    log(`first full render of ${NETWORKS} networks × ${HOSTS} hosts: ${renders.join(', ')} ms (GET /v1/fleet alone: ${raws.map((r) => r.toFixed(0)).join(', ')} ms, ${(fleetBytes / 1e6).toFixed(1)} MB)`);

    // The compact grid (GET /v1/fleet/grid): one screen of rows, fetched and parsed in the page.
    const grids: number[] = [];
    let gridBytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const grid = await page.evaluate(async ({ t, rows }) => {
        const t0 = performance.now();
        const text = await (await fetch(`/v1/fleet/grid?limit=${rows}`, { headers: { authorization: `Bearer ${t}` } })).text();
        JSON.parse(text);
        return { ms: performance.now() - t0, bytes: text.length };
      }, { t: token, rows: SCREEN_ROWS });
      grids.push(grid.ms);
      gridBytes = grid.bytes;
    }
    log(`GET /v1/fleet/grid?limit=${SCREEN_ROWS}: ${grids.map((g) => g.toFixed(0)).join(', ')} ms, ${(gridBytes / 1e3).toFixed(1)} kB`);

    const domCells = await page.locator('[role=gridcell]').count();
    const scrollMs = await scrollToMiddle(page);
    log(`cells in the DOM: ${domCells} of ${NETWORKS * HOSTS}; scrolling to row ${NETWORKS / 2} drawn in ${scrollMs.toFixed(0)} ms`);

    const burst = await burstOf(page, database.db, token, seeded.position, log);
    const figures: Figure[] = [
      figure({ name: 'first full render', unit: 'ms', value: percentile(renders, 50), baselineName: 'GET /v1/fleet fetched + parsed in the page', baseline: percentile(raws, 50), better: 'lower', goal: `< ${GOAL_MS} ms`, met: percentile(renders, 50) < GOAL_MS }),
      figure({ name: `one screen (${SCREEN_ROWS} rows × ${HOSTS} hosts) from GET /v1/fleet/grid`, unit: 'ms', value: percentile(grids, 50), baselineName: 'GET /v1/fleet fetched + parsed in the page', baseline: percentile(raws, 50), better: 'lower', goal: `< ${GOAL_MS} ms`, met: percentile(grids, 50) < GOAL_MS }),
      figure({ name: `burst of ${BURST} live events shown`, unit: 'ms', value: burst.shown, baselineName: 'same burst delivered to a raw SSE reader in the page', baseline: burst.raw, better: 'lower', goal: `< ${GOAL_MS} ms`, met: burst.shown < GOAL_MS }),
    ];
    return {
      bench: 'dashboard', at: new Date().toISOString(),
      machine: machine({ chromium: await browser.context.browser()?.version() ?? 'unknown' }),
      figures,
      notes: [
        `fleet: ${HOSTS} hosts × ${NETWORKS} networks, each placed on ${PER_NETWORK} hosts (${NETWORKS * PER_NETWORK} placed cells, ${seeded.events} events seeded); GET /v1/fleet is ${(fleetBytes / 1e6).toFixed(1)} MB`,
        `first render: median of ${RUNS} page loads (${renders.join(', ')} ms), logged in from session storage; the page fetches /v1/whoami and /v1/fleet, folds and draws`,
        `burst: ${BURST} NetworkFailedOnHost reports appended on ${burst.streams} host streams (append took ${burst.append.toFixed(0)} ms, included in both figures); "shown" = the page's grid counts ${BURST} failed cells and its live position reached the last event`,
        `compact grid: GET /v1/fleet/grid?limit=${SCREEN_ROWS} is ${(gridBytes / 1e3).toFixed(1)} kB (median ${percentile(grids, 50).toFixed(0)} ms of ${RUNS}); the page does not use it yet (it still loads GET /v1/fleet)`,
        `virtualised grid: ${domCells} cells in the DOM out of ${NETWORKS * HOSTS}; scrolling to row ${NETWORKS / 2} drawn in ${scrollMs.toFixed(0)} ms`,
      ],
    };
  } finally {
    await browser.close();
    await api.close();
    const nc = await connectBus({ servers: NATS_URL, name: 'bench-cleanup' });
    await deleteStreams(await jetstreamManager(nc), names).catch(() => undefined);
    await nc.close();
    await database.drop();
  }
}

const meta = (actor: string) => ({ actor, source: actor === 'bench' ? 'api' as const : actor as `host:${string}`, correlationId: randomUUID(), occurredAt: new Date().toISOString() });
const event = (type: string, data: unknown, actor = 'bench'): NewEvent => ({ eventId: randomUUID(), type, v: 1, data, metadata: meta(actor) });

/** Hosts registered and started, networks defined and started, every host's report and controller. */
async function seed(db: Parameters<typeof appendToStream>[0], log: (line: string) => void): Promise<{ position: number; events: number }> {
  let events = 0;
  let position = 0;
  const append = async (streamId: string, list: NewEvent[]) => {
    const result = await appendToStream(db, { streamId, expectedVersion: 'any', events: list });
    events += list.length;
    position = Math.max(position, ...result.events.map((e) => e.position));
  };
  const t0 = Date.now();
  const hosts = Array.from({ length: HOSTS }, (_, i) => hostName(i));
  await parallel(hosts, 8, (h, i) => append(`host:${h}`, [
    event('HostRegistered', { host: h, labels: { rack: `r${Math.floor(i / PER_NETWORK)}` } }),
    event('AgentStarted', { host: h, agentVersion: '1.0.0' }, `host:${h}`),
  ]));
  const networks = Array.from({ length: NETWORKS }, (_, n) => n);
  await parallel(networks, 8, (n) => {
    const name = networkName(n);
    const xml = `<network type='ovs-datapath'>\n  <name>${name}</name>\n  <datapath name='dp${pad(n, 4)}' id='${pad(n + 1, 16)}' hwdesc='${name}'/>\n  <controller protocol='tcp' address='127.0.0.1' port='6633' outofband='yes'/>\n</network>\n`;
    return append(`network:${name}`, [
      event('NetworkDefined', { name, uuid: randomUUID(), networkType: 'ovs-datapath', xml, hosts: hostsOf(n) }),
      event('NetworkStarted', { name, hosts: hostsOf(n) }),
    ]);
  });
  // Each host reports every network it runs: started at generation 2, controller connected. One
  // host at a time: concurrent appends whose view documents overlap can deadlock in PostgreSQL
  // (netfleet_append updates them in event order, and appendToStream does not retry 40P01).
  await parallel(hosts, 1, (h) => {
    const mine = networks.filter((n) => hostsOf(n).includes(h));
    return append(`host:${h}`, mine.flatMap((n) => [
      event('NetworkStartedOnHost', { host: h, network: networkName(n), generation: 2, bridge: `dp${pad(n, 4)}`, warnings: [] }, `host:${h}`),
      event('ControllerConnectionChanged', { host: h, network: networkName(n), generation: 2, bridge: `dp${pad(n, 4)}`, target: 'tcp:127.0.0.1:6633', connected: true, state: 'ACTIVE' }, `host:${h}`),
    ]));
  });
  log(`seeded ${events} events in ${Date.now() - t0} ms`);
  return { position, events };
}

async function parallel<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i]!, i); }
  }));
}

async function scrollToMiddle(page: Page): Promise<number> {
  return page.evaluate(async (row) => {
    const grid = document.querySelector('[data-testid=fleet-grid]')!;
    const t0 = performance.now();
    grid.scrollTop = row * 30;
    const name = `net${String(row).padStart(4, '0')}`;
    while (!grid.querySelector(`[role=gridcell][data-network="${name}"]`)) await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
    return performance.now() - t0;
  }, Math.floor(NETWORKS / 2));
}

/** Appends BURST failure reports (one per network, on its rack's first host) and times their display. */
async function burstOf(page: Page, db: Parameters<typeof appendToStream>[0], token: string, after: number, log: (line: string) => void) {
  // A raw reader in the same page: the SSE bytes of the same burst, with no fold and no render.
  await page.evaluate(({ t, after }) => {
    const w = window as unknown as { rawLast: number; rawAt: number };
    w.rawLast = after;
    void (async () => {
      const response = await fetch(`/v1/events/stream?after=${after}`, { headers: { authorization: `Bearer ${t}` } });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        for (const m of buffer.matchAll(/^id: (\d+)$/gm)) w.rawLast = Math.max(w.rawLast, Number(m[1]));
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
        w.rawAt = performance.now();
      }
    })();
  }, { t: token, after });
  const byHost = new Map<string, NewEvent[]>();
  for (let n = 0; n < BURST; n++) {
    const network = n % NETWORKS;
    const host = hostsOf(network)[Math.floor(n / NETWORKS) % PER_NETWORK]!;
    const list = byHost.get(host) ?? [];
    list.push(event('NetworkFailedOnHost', { host, network: networkName(network), generation: 2, code: 'NF_OVS_FAILED', error: 'ovs-vsctl: bench burst' }, `host:${host}`));
    byHost.set(host, list);
  }
  const pageT0 = await page.evaluate(() => performance.now());
  const t0 = Date.now();
  let last = 0;
  await Promise.all([...byHost].map(async ([host, list]) => {
    const result = await appendToStream(db, { streamId: `host:${host}`, expectedVersion: 'any', events: list });
    last = Math.max(last, ...result.events.map((e) => e.position));
  }));
  const append = Date.now() - t0;
  await page.waitForFunction(({ last, burst }) =>
    Number(document.querySelector('[data-testid=live-position]')?.textContent) >= last
      && !!document.querySelector('[data-testid=grid-counts]')?.textContent?.includes(`${burst} failed`),
  { last, burst: BURST }, { polling: 'raf', timeout: 60_000 });
  const shown = Date.now() - t0;
  await page.waitForFunction((last) => (window['rawLast'] as number) >= last, last, { timeout: 60_000 });
  const raw = await page.evaluate((t0) => (window['rawAt'] as number) - t0, pageT0);
  log(`burst of ${BURST}: appended in ${append} ms, shown after ${shown} ms, raw SSE reader had it after ${raw.toFixed(0)} ms`);
  return { shown, raw, append, streams: byHost.size };
}
