import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { appendToStream } from '@netfleet/eventstore/append';
import { apiTest } from '../../support/api-test';
import { defined, meta, started, startedOnHost } from '../eventstore/given-events';

// GET /v1/fleet/grid: the grid compact (a row is a string of state codes) and paged, filtered on
// the server, from the same views as GET /v1/fleet.

const test = apiTest({ actors: { vera: 'viewer' } });

interface Grid {
  position: number; totalNetworks: number; offset: number; codes: Record<string, string>;
  hosts: { name: string; online: boolean }[]; networks: { name: string; active: boolean }[]; cells: string[]; counts: Record<string, number>;
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
  for (const query of ['limit=0', 'limit=501', 'offset=-1', 'state=bogus', 'name=a%00b', `name=${'x'.repeat(300)}`]) {
    const response = await api.http('GET', `/v1/fleet/grid?${query}`, { token: api.tokens['vera'] });
    expect(response.status, query).toBe(400);
  }
  expect((await api.http('GET', '/v1/fleet/grid', { token: '' })).status).toBe(401);
});
