import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { appendToStream } from '@netfleet/eventstore/append';
import { apiTest } from '../../support/api-test';
import { defined, meta, started, startedOnHost } from '../eventstore/given-events';

// GET /v1/fleet/grid: the grid compact (a row is a string of state codes) and paged, filtered on
// the server, with the whole status of a window of columns; now from the fleet the API keeps in
// memory (the same fold as the views GET /v1/fleet reads), the past from the log.

const test = apiTest({ actors: { vera: 'viewer' } });

interface Grid {
  position: number; totalNetworks: number; offset: number; codes: Record<string, string>;
  hosts: { name: string; online: boolean; labels: Record<string, string> }[]; networks: { name: string; active: boolean }[]; cells: string[]; counts: Record<string, number>;
  hostOffset: number; views: { name: string; xml?: string; hosts: string[]; perHost: Record<string, { observed: string; generation: number }> }[];
}

test.beforeAll(async ({ database }) => {
  const hosts = { h1: { rack: 'r1' }, h2: { rack: 'r1' }, h3: { rack: 'r2' } };
  for (const [host, labels] of Object.entries(hosts)) {
    await appendToStream(database.db, { streamId: `host:${host}`, expectedVersion: 'any', events: [{ eventId: randomUUID(), type: 'HostRegistered', v: 1, metadata: meta(), data: { host, labels } }] });
  }
  // n1 on h1 and h2, started, h1 reported; n2 on h3, defined only; n3 … n12 on h1, defined only.
  await appendToStream(database.db, { streamId: 'network:n1', expectedVersion: 0, events: [defined('n1', ['h1', 'h2']), started('n1', ['h1', 'h2'])] });
  await appendToStream(database.db, { streamId: 'host:h1', expectedVersion: 'any', events: [startedOnHost('h1', 'n1', 2, 'c1')] });
  await appendToStream(database.db, { streamId: 'network:n2', expectedVersion: 0, events: [defined('n2', ['h3'])] });
  for (let i = 3; i <= 12; i++) await appendToStream(database.db, { streamId: `network:n${String(i).padStart(2, '0')}`, expectedVersion: 0, events: [defined(`n${String(i).padStart(2, '0')}`, ['h1'])] });
});

test('api - the grid answers state codes per cell, paged, with the position to follow from', async ({ api }) => {
  const first = await api.http<Grid>('GET', '/v1/fleet/grid?limit=5', { token: api.tokens['vera'] });
  expect(first.status).toBe(200);
  const grid = first.body;
  expect(grid.hosts.map((h) => h.name)).toEqual(['h1', 'h2', 'h3']);
  expect(grid.totalNetworks).toBe(12);
  expect(grid.networks.map((n) => n.name)).toEqual(['n03', 'n04', 'n05', 'n06', 'n07']);
  expect(grid.cells).toEqual(['s..', 's..', 's..', 's..', 's..']);
  expect(grid.codes).toMatchObject({ '.': 'none', r: 'running', s: 'stopped' });
  expect(grid.position).toBeGreaterThan(0);

  const last = (await api.http<Grid>('GET', '/v1/fleet/grid?offset=7&limit=5', { token: api.tokens['vera'] })).body;
  expect(last.networks.map((n) => n.name)).toEqual(['n1', 'n10', 'n11', 'n12', 'n2']);
  expect(last.cells[4]).toBe('..s');
  expect(last.cells[0]![0]).toBe('r'); // h1 reported n1 running
  expect(last.cells[0]![2]).toBe('.'); // n1 is not placed on h3
  expect(last.networks[0]!.active).toBe(true);
});

test('api - the grid filters on the server: name, host labels, state', async ({ api }) => {
  const get = async (query: string) => (await api.http<Grid>('GET', `/v1/fleet/grid?${query}`, { token: api.tokens['vera'] })).body;
  expect((await get('name=N1')).networks.map((n) => n.name)).toEqual(['n1', 'n10', 'n11', 'n12']);
  const rack2 = await get('labels=rack%3Dr2');
  expect(rack2.hosts.map((h) => h.name)).toEqual(['h3']);
  expect(rack2.cells.every((row) => row.length === 1)).toBe(true);
  const running = await get('state=running');
  expect(running.networks.map((n) => n.name)).toEqual(['n1']);
  expect(running.counts['running']).toBe(1);
  expect(running.counts['stopped']).toBe(11); // counts cover every network the name and labels match
});

test('api - bad grid queries are refused with 400, not answered', async ({ api }) => {
  for (const query of ['limit=0', 'limit=501', 'offset=-1', 'state=bogus', 'name=a%00b', `name=${'x'.repeat(300)}`, 'hostLimit=101', 'hostOffset=-1', 'at=', 'at=yesterday', 'minPosition=-1', 'minPosition=x']) {
    const response = await api.http('GET', `/v1/fleet/grid?${query}`, { token: api.tokens['vera'] });
    expect(response.status, query).toBe(400);
  }
  expect((await api.http('GET', '/v1/fleet/grid', { token: '' })).status).toBe(401);
});

test('api - the cells on screen come with their whole status: a window of columns, without the definition', async ({ api }) => {
  const get = async (query: string) => (await api.http<Grid>('GET', `/v1/fleet/grid?${query}`, { token: api.tokens['vera'] })).body;
  expect((await get('offset=7&limit=2')).views).toEqual([]);
  const first = await get('offset=7&limit=2&hostOffset=0&hostLimit=1');
  expect(first.hostOffset).toBe(0);
  expect(first.views.map((v) => v.name)).toEqual(['n1', 'n10']);
  expect(first.views[0]!.hosts).toEqual(['h1', 'h2']);
  expect(Object.keys(first.views[0]!.perHost)).toEqual(['h1']);
  expect(first.views[0]!.perHost['h1']!.observed).toBe('running');
  expect(first.views[0]!.xml).toBeUndefined();
  const second = await get('offset=7&limit=1&hostOffset=1&hostLimit=5');
  expect(Object.keys(second.views[0]!.perHost)).toEqual(['h2']);
  expect(second.views[0]!.perHost['h2']!.observed).toBe('pending');
  expect(first.hosts.find((h) => h.name === 'h3')!.labels).toEqual({ rack: 'r2' });
});

test('api - the grid as of a past position, as GET /v1/fleet?at= has it', async ({ api }) => {
  const get = async (query: string) => (await api.http<Grid>('GET', `/v1/fleet/grid?${query}`, { token: api.tokens['vera'] })).body;
  const history = await api.http<{ entries: { position: number; type: string }[] }>('GET', '/v1/networks/n1/history?type=NetworkStarted', { token: api.tokens['vera'] });
  const startedAt = history.body.entries[0]!.position;
  // The past is read up to settled positions only: a long transaction elsewhere on the shared
  // PostgreSQL can hold them back for a moment.
  const deadline = Date.now() + 20_000;
  let before = await get(`at=${startedAt - 1}&name=n1&limit=1`);
  while (before.position < startedAt - 1 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    before = await get(`at=${startedAt - 1}&name=n1&limit=1`);
  }
  expect(before.position, 'the past grid reaches the position asked for within 20 s').toBe(startedAt - 1);
  expect(before.networks).toEqual([{ name: 'n1', active: false }]);
  expect(before.cells).toEqual(['ss.']);
  expect((await get('at=1')).totalNetworks).toBe(0);
});

test('api - an event appended after the grid was first read is in the next answer (read your writes)', async ({ api, database }) => {
  const get = async () => (await api.http<Grid>('GET', '/v1/fleet/grid?name=n1&limit=1', { token: api.tokens['vera'] })).body;
  expect((await get()).cells).toEqual(['ro.']); // h2 never came online: its pending cell says so
  for (let round = 0; round < 3; round++) {
    const host = round === 0 ? 'h2' : 'h1';
    const { events } = await appendToStream(database.db, { streamId: `host:${host}`, expectedVersion: 'any', events: [startedOnHost(host, 'n1', 2, 'c2')] });
    const grid = await get();
    expect(grid.position).toBeGreaterThanOrEqual(events[0]!.position);
    expect(grid.cells).toEqual(['rr.']);
  }
  // A client following the stream asks for at least the position it saw: answered at once, with it.
  const { events } = await appendToStream(database.db, { streamId: 'host:h1', expectedVersion: 'any', events: [startedOnHost('h1', 'n1', 2, 'c3')] });
  const seen = (await api.http<Grid>('GET', `/v1/fleet/grid?name=n1&limit=1&minPosition=${events[0]!.position}`, { token: api.tokens['vera'] })).body;
  expect(seen.position).toBeGreaterThanOrEqual(events[0]!.position);
  const whole = await api.http<{ position: number; networks: { name: string; perHost: Record<string, { observed: string }> }[] }>('GET', '/v1/fleet', { token: api.tokens['vera'] });
  expect(whole.body.networks.find((n) => n.name === 'n1')!.perHost['h2']!.observed).toBe('running');
});
