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
/**
 * Hosts per network: each network on one rack of hosts (racks of 10, as placements by label do),
 * and every network on every host (full placement: 100,000 placed cells). BENCH_HOSTS_PER_NETWORK
 * measures one placement only.
 */
const PLACEMENTS = process.env['BENCH_HOSTS_PER_NETWORK'] ? [Math.min(HOSTS, Number(process.env['BENCH_HOSTS_PER_NETWORK']))] : [Math.min(HOSTS, 10), HOSTS];
/** Rows × columns the page asks the compact grid for at 1280×800 (a screen with its margins). */
const SCREEN = { rows: 70, hosts: 22 };
const BURST = Number(process.env['BENCH_BURST'] ?? 1000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const GOAL_MS = 1000;

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const hostName = (i: number) => `hv${pad(i, 3)}`;
const networkName = (i: number) => `net${pad(i, 4)}`;
const hostsOf = (n: number, perNetwork: number) => {
  const racks = Math.max(1, Math.floor(HOSTS / perNetwork));
  const rack = n % racks;
  return Array.from({ length: perNetwork }, (_, j) => hostName(rack * perNetwork + j));
};
const placementName = (perNetwork: number) => (perNetwork >= HOSTS ? `every network on all ${HOSTS} hosts` : `each network on ${perNetwork} hosts`);

/**
 * The dashboard in headless Debian Chromium against a seeded fleet of HOSTS hosts × NETWORKS
 * networks (events appended straight to the event store), once per placement:
 *  - time to first full render (navigation → the grid's counts and its visible cells drawn),
 *    beside GET /v1/fleet fetched and parsed in the same page (what the page loaded before it
 *    read GET /v1/fleet/grid), and one screen of GET /v1/fleet/grid as the page asks for it;
 *  - a burst of BURST host reports appended at once → the grid showing all of them (counts and
 *    cells), beside a raw SSE reader in the same page receiving the same burst;
 *  - responsiveness: scrolling to the middle of the grid (its rows fetched), cells in the DOM.
 */
export async function run(log: (line: string) => void): Promise<BenchResult> {
  const browser = await startBrowser();
  const figures: Figure[] = [];
  const notes: string[] = [];
  try {
    for (const perNetwork of PLACEMENTS) {
      const measured = await measurePlacement(browser, perNetwork, (line) => log(`[${perNetwork}/network] ${line}`));
      figures.push(...measured.figures);
      notes.push(...measured.notes);
    }
    return {
      bench: 'dashboard', at: new Date().toISOString(),
      machine: machine({ chromium: await browser.context.browser()?.version() ?? 'unknown' }),
      figures, notes,
    };
  } finally {
    await browser.close();
  }
}

async function measurePlacement(browser: Awaited<ReturnType<typeof startBrowser>>, perNetwork: number, log: (line: string) => void): Promise<{ figures: Figure[]; notes: string[] }> {
  const where = placementName(perNetwork);
  const database = await createTestDatabase({ migrate: false });
  const names = busNames(benchName());
  const token = `bench-${randomBytes(12).toString('hex')}`;
  const api = await startApiServer({
    databaseUrl: database.url, natsUrl: NATS_URL, namespace: names.namespace, host: '127.0.0.1', port: 0,
    tokens: [{ actor: 'bench', role: 'admin', token }], log: silentLogger(), liveness: false,
  });
  const page = await browser.newPage();
  try {
    const seeded = await seed(database.db, perNetwork, log);
    await page.addInitScript((t) => sessionStorage.setItem('netfleet.token', t), token);

    const renders: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = Date.now();
      await page.goto(api.url);
      await page.waitForFunction(({ networks, running }) => {
        const grid = document.querySelector('[data-testid=fleet-grid]');
        return grid?.dataset['rows'] === String(networks) && !!grid.querySelector('[role=gridcell][data-state=running]')
          && document.querySelector('[data-testid=grid-counts]')?.textContent?.includes(`${running} running`);
      }, { networks: NETWORKS, running: NETWORKS * perNetwork }, { polling: 'raf', timeout: 60_000 });
      renders.push(Date.now() - start);
      // BENCH_TRACE=1: what the page fetched on this load, when, and for how long (page time, ms).
      if (process.env['BENCH_TRACE']) log(JSON.stringify(await page.evaluate(() => (performance as unknown as { getEntriesByType(t: string): { name: string; startTime: number; duration: number }[] }).getEntriesByType('resource').map((e) => `${e.name.replace(/^https?:\/\/[^/]+/, '')} @${e.startTime.toFixed(0)} +${e.duration.toFixed(0)}`))));
    }
    log(`first full render of ${NETWORKS} networks × ${HOSTS} hosts: ${renders.join(', ')} ms`);

    // What the page loaded before (the whole fleet), and the screen of the compact grid it asks for now.
    const fetchInPage = (path: string) => page.evaluate(async ({ t, path }) => {
      const t0 = performance.now();
      const text = await (await fetch(path, { headers: { authorization: `Bearer ${t}` } })).text();
      JSON.parse(text);
      return { ms: performance.now() - t0, bytes: text.length };
    }, { t: token, path });
    const wholes: number[] = [];
    let wholeBytes = 0;
    const grids: number[] = [];
    let gridBytes = 0;
    const screen = `/v1/fleet/grid?offset=0&limit=${SCREEN.rows}&hostOffset=0&hostLimit=${SCREEN.hosts}`;
    for (let i = 0; i < RUNS; i++) {
      const whole = await fetchInPage('/v1/fleet');
      wholes.push(whole.ms);
      wholeBytes = whole.bytes;
      const grid = await fetchInPage(screen);
      grids.push(grid.ms);
      gridBytes = grid.bytes;
    }
    log(`GET /v1/fleet: ${wholes.map((g) => g.toFixed(0)).join(', ')} ms, ${(wholeBytes / 1e6).toFixed(1)} MB; GET ${screen}: ${grids.map((g) => g.toFixed(0)).join(', ')} ms, ${(gridBytes / 1e3).toFixed(1)} kB`);

    // Back to a fresh page: the fetches above are not part of what the page holds.
    await page.goto(api.url);
    await page.locator('[data-testid=fleet-grid] [role=gridcell]').first().waitFor({ timeout: 60_000 });
    const domCells = await page.locator('[role=gridcell]').count();
    const scrollMs = await scrollToMiddle(page);
    log(`cells in the DOM: ${domCells} of ${NETWORKS * HOSTS}; scrolling to row ${NETWORKS / 2} drawn (its rows fetched) in ${scrollMs.toFixed(0)} ms`);
    await page.evaluate(() => { document.querySelector('[data-testid=fleet-grid]')!.scrollTop = 0; });

    const burst = await burstOf(page, database.db, token, seeded.position, perNetwork, log);
    const median = (xs: number[]) => percentile(xs, 50);
    const wholeMs = median(wholes);
    return {
      figures: [
        figure({ name: `first full render (${where})`, unit: 'ms', value: median(renders), baselineName: 'GET /v1/fleet fetched + parsed in the page', baseline: wholeMs, better: 'lower', goal: `< ${GOAL_MS} ms`, met: median(renders) < GOAL_MS }),
        figure({ name: `one screen (${SCREEN.rows} rows, ${SCREEN.hosts} hosts' status) of GET /v1/fleet/grid (${where})`, unit: 'ms', value: median(grids), baselineName: 'GET /v1/fleet fetched + parsed in the page', baseline: wholeMs, better: 'lower' }),
        figure({ name: `burst of ${BURST} live events shown (${where})`, unit: 'ms', value: burst.shown, baselineName: 'same burst delivered to a raw SSE reader in the page', baseline: burst.raw, better: 'lower', goal: `< ${GOAL_MS} ms`, met: burst.shown < GOAL_MS }),
        figure({ name: `burst shown after its append committed (${where})`, unit: 'ms', value: burst.shown - burst.append, baselineName: 'raw SSE reader, after the commit', baseline: Math.max(1, burst.raw - burst.append), better: 'lower' }),
      ],
      notes: [
        `${where}: ${HOSTS} hosts × ${NETWORKS} networks (${NETWORKS * perNetwork} placed cells, ${seeded.events} events seeded in ${(seeded.ms / 1000).toFixed(0)} s); GET /v1/fleet is ${(wholeBytes / 1e6).toFixed(1)} MB (median ${wholeMs.toFixed(0)} ms fetched + parsed in the page, of ${RUNS}: ${wholes.map((g) => g.toFixed(0)).join(', ')}); one screen of GET /v1/fleet/grid (${SCREEN.rows} rows, the status of ${SCREEN.hosts} columns) is ${(gridBytes / 1e3).toFixed(1)} kB (median ${median(grids).toFixed(0)} ms)`,
        `${where}: first render is the median of ${RUNS} page loads (${renders.join(', ')} ms; the first also reads the views into the API's memory), logged in from session storage; the page fetches /v1/whoami and, beside it, the first screen of /v1/fleet/grid (rows, codes, counts, hosts, the visible columns' status), and draws`,
        `${where}: burst of ${BURST} NetworkFailedOnHost reports appended on ${burst.streams} host streams; the event store's append took ${burst.append.toFixed(0)} ms and is inside "shown" and the raw reader's figure; "shown" = the page's grid counts ${BURST} failed cells and its live position reached the last event`,
        `${where}: virtualised grid: ${domCells} cells in the DOM out of ${NETWORKS * HOSTS}; scrolling to row ${NETWORKS / 2} drawn, its rows fetched, in ${scrollMs.toFixed(0)} ms`,
      ],
    };
  } finally {
    await page.close();
    await api.close();
    const nc = await connectBus({ servers: NATS_URL, name: 'bench-cleanup' });
    await deleteStreams(await jetstreamManager(nc), names).catch(() => undefined);
    await nc.close();
    await database.drop();
  }
}

const meta = (actor: string) => ({ actor, source: actor === 'bench' ? 'api' as const : actor as `host:${string}`, correlationId: randomUUID(), occurredAt: new Date().toISOString() });
const event = (type: string, data: unknown, actor = 'bench'): NewEvent => ({ eventId: randomUUID(), type, v: 1, data, metadata: meta(actor) });

/**
 * Hosts registered and started, networks defined and started, every host's report and controller.
 * Each network's host reports are appended together, on the network's stream: the store rewrites
 * a network's whole view document once per append, so one append per host (each touching every
 * network it runs) costs hosts² × networks bytes at full placement — 999 s of seeding at load 20.
 * The views folded, and everything the page reads, are the same either way.
 */
async function seed(db: Parameters<typeof appendToStream>[0], perNetwork: number, log: (line: string) => void): Promise<{ position: number; events: number; ms: number }> {
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
    event('HostRegistered', { host: h, labels: { rack: `r${Math.floor(i / perNetwork)}` } }),
    event('AgentStarted', { host: h, agentVersion: '1.0.0' }, `host:${h}`),
  ]));
  const networks = Array.from({ length: NETWORKS }, (_, n) => n);
  // A network's reports also touch its hosts' documents: appends run side by side only for
  // networks on different racks (disjoint documents), so none has to fold again.
  const racks = Math.max(1, Math.floor(HOSTS / perNetwork));
  await parallel(networks, Math.min(4, racks), async (n) => {
    const name = networkName(n);
    const placed = hostsOf(n, perNetwork);
    const xml = `<network type='ovs-datapath'>\n  <name>${name}</name>\n  <datapath name='dp${pad(n, 4)}' id='${pad(n + 1, 16)}' hwdesc='${name}'/>\n  <controller protocol='tcp' address='127.0.0.1' port='6633' outofband='yes'/>\n</network>\n`;
    await append(`network:${name}`, [
      event('NetworkDefined', { name, uuid: randomUUID(), networkType: 'ovs-datapath', xml, hosts: placed }),
      event('NetworkStarted', { name, hosts: placed }),
    ]);
    // Started at generation 2, controller connected, on every host it is placed on.
    await append(`network:${name}`, placed.flatMap((h) => [
      event('NetworkStartedOnHost', { host: h, network: name, generation: 2, bridge: `dp${pad(n, 4)}`, warnings: [] }, `host:${h}`),
      event('ControllerConnectionChanged', { host: h, network: name, generation: 2, bridge: `dp${pad(n, 4)}`, target: 'tcp:127.0.0.1:6633', connected: true, state: 'ACTIVE' }, `host:${h}`),
    ]));
  });
  const ms = Date.now() - t0;
  log(`seeded ${events} events in ${ms} ms`);
  return { position, events, ms };
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
async function burstOf(page: Page, db: Parameters<typeof appendToStream>[0], token: string, after: number, perNetwork: number, log: (line: string) => void) {
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
    const host = hostsOf(network, perNetwork)[Math.floor(n / NETWORKS) % perNetwork]!;
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
  if (process.env['BENCH_TRACE']) log(JSON.stringify(await page.evaluate((since) => (performance as unknown as { getEntriesByType(t: string): { name: string; startTime: number; duration: number; transferSize: number }[] }).getEntriesByType('resource')
    .filter((e) => e.startTime >= since && e.name.includes('/v1/fleet/grid')).map((e) => `${e.name.replace(/^https?:\/\/[^/]+/, '')} @${(e.startTime - since).toFixed(0)} +${e.duration.toFixed(0)}`), pageT0)));
  await page.waitForFunction((last) => (window['rawLast'] as number) >= last, last, { timeout: 60_000 });
  const raw = await page.evaluate((t0) => (window['rawAt'] as number) - t0, pageT0);
  log(`burst of ${BURST}: appended in ${append} ms, shown after ${shown} ms, raw SSE reader had it after ${raw.toFixed(0)} ms`);
  return { shown, raw, append, streams: byHost.size };
}
