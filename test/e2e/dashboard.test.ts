import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowser, type TestBrowser } from '../support/browser';
import { startTestFleet, type TestFleet } from '../support/test-fleet';

/**
 * The dashboard in Debian's headless Chromium against a real fleet (API, PostgreSQL, NATS, OVS
 * sandboxes, agents): log in, see a network start live, start one from its page with each host's
 * outcome, read its history and diff, travel back in time, and find a viewer unable to act.
 * With NETFLEET_SCREENSHOTS=1 it also refreshes docs/screenshots/.
 */
const SHOTS = process.env['NETFLEET_SCREENSHOTS'] === '1' ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url)) : undefined;
const WAIT = { timeout: 20_000 };

describe('dashboard', () => {
  let fleet: TestFleet;
  let browser: TestBrowser;
  let tokens: Record<'viewer' | 'operator', string>;
  let page: Page;
  /** Every /v1 path the main page asked for (the grid must never load the whole fleet). */
  const asked: string[] = [];

  const api = (method: string, path: string, body?: unknown, token = fleet.token) => fleet.http(method, path, body, { token });
  const xml = (name: string, bridge: string, id: string, hwdesc = name) =>
    `<network type="ovs-datapath">\n  <name>${name}</name>\n  <datapath name="${bridge}" id="${id}" hwdesc="${hwdesc}"/>\n  <controller protocol="tcp" address="127.0.0.1" port="${fleet.controller.port}" outofband="yes"/>\n</network>\n`;
  const cell = (p: Page, network: string, host: string, state: string) => p.locator(`[role=gridcell][data-network="${network}"][data-host="${host}"][data-state="${state}"]`);
  const shot = async (p: Page, name: string) => { if (SHOTS) await p.screenshot({ path: `${SHOTS}${name}.png` }); };
  const logIn = async (p: Page, token: string) => {
    await p.goto(fleet.apiUrl);
    await p.getByLabel('API token').fill(token);
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.getByTestId('stream-status').filter({ hasText: 'live' }).waitFor(WAIT);
  };

  beforeAll(async () => {
    // The fleet and the browser start side by side (a fixture would start them one after the other).
    [fleet, browser] = await Promise.all([startTestFleet({ hosts: ['hv1', 'hv2'], labels: { hv1: { rack: 'a' }, hv2: { rack: 'b' } }, controller: true }), startBrowser()]);
    const viewer = await api('POST', '/v1/tokens', { name: 'vera', role: 'viewer' });
    const operator = await api('POST', '/v1/tokens', { name: 'otto', role: 'operator' });
    tokens = { viewer: String(viewer.body['token']), operator: String(operator.body['token']) };
    for (const [name, bridge, id] of [['web', 'web0', '00000000000000b1'], ['db', 'db0', '00000000000000b2']] as const) {
      expect((await api('POST', '/v1/networks', { xml: xml(name, bridge, id), hosts: ['hv1', 'hv2'] })).status).toBe(201);
    }
    if (SHOTS) await mkdir(SHOTS, { recursive: true });
    page = await browser.newPage();
    page.on('request', (request) => { const url = new URL(request.url()); if (url.pathname.startsWith('/v1/')) asked.push(`${url.pathname}${url.search}`); });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
  });

  it('refuses a wrong token, then shows a network start live on the grid', async () => {
    await page.goto(fleet.apiUrl);
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor(WAIT);

    await logIn(page, tokens.operator);
    await cell(page, 'web', 'hv1', 'stopped').waitFor(WAIT);
    expect(await page.locator('.hosts li[data-host="hv2"]').innerText()).toMatch(/online/);

    // Started by someone else (the API): the grid follows the event stream, no reload.
    const started = await api('POST', '/v1/networks/web/start');
    expect(started.status).toBe(200);
    await cell(page, 'web', 'hv1', 'running').waitFor(WAIT);
    await cell(page, 'web', 'hv2', 'running').waitFor(WAIT);
    await page.locator('[data-network="web"][data-host="hv1"] .ctl-connected').waitFor(WAIT);

    // Filters: by state and by host label.
    await page.getByLabel('State').selectOption('running');
    await page.locator('[role=row] [role=rowheader]', { hasText: 'db' }).waitFor({ state: 'detached', ...WAIT });
    await page.getByLabel('State').selectOption('');
    await page.getByLabel('Host labels').fill('rack=b');
    await page.locator('[role=columnheader][aria-colindex="2"]', { hasText: 'hv2' }).waitFor(WAIT);
    expect(await page.locator('[role=gridcell][data-host="hv1"]').count()).toBe(0);
    await page.getByLabel('Host labels').fill('');
    await shot(page, 'fleet-grid');

    // Keyboard: into the grid, one cell right, Enter opens the network.
    await page.getByTestId('fleet-grid').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'db', exact: true }).waitFor(WAIT);
  });

  it('starts a network from its page and shows each host\'s outcome', async () => {
    await page.goto(`${fleet.apiUrl}/#/networks/db`);
    await page.getByRole('heading', { name: 'Definition' }).waitFor(WAIT);
    expect(await page.locator('pre.xml .x-attr', { hasText: 'hwdesc' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Start' }).click();
    const outcome = page.getByTestId('action-outcome');
    await outcome.filter({ hasText: 'Network db started' }).waitFor(WAIT);
    for (const host of ['hv1', 'hv2']) expect(await outcome.locator(`tr[data-host="${host}"]`).innerText()).toMatch(/running/);
    await page.getByTestId('state-hv1').filter({ hasText: 'running' }).waitFor(WAIT);
    await shot(page, 'network-page');
  });

  it('shows history with the redefinition diff side by side and follows a correlation', async () => {
    const redefined = await api('POST', '/v1/networks', { xml: xml('web', 'web0', '00000000000000b1', 'web-v2'), hosts: ['hv1', 'hv2'], comment: 'new hwdesc' });
    expect(redefined.status).toBe(201);
    await page.goto(`${fleet.apiUrl}/#/history?network=web`);
    const defined = page.locator('tr[data-type="NetworkDefined"]', { hasText: 'redefined' });
    await defined.waitFor(WAIT);
    await defined.getByRole('button', { name: 'Show XML diff' }).click();
    const diff = page.getByTestId('diff');
    await diff.waitFor(WAIT);
    expect(await diff.locator('td.del').innerText()).toMatch(/hwdesc='web'/);
    expect(await diff.locator('td.ins').innerText()).toMatch(/hwdesc='web-v2'/);
    await shot(page, 'history-diff');

    // Filters: only agents' reports of hv2.
    await page.getByLabel('Actor').fill('host:hv2');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('status').filter({ hasText: /^\d+ events/ }).waitFor(WAIT);
    const actors = await page.locator('table.history tbody tr td:nth-child(3)').allInnerTexts();
    expect(actors.length).toBeGreaterThan(0);
    expect(new Set(actors)).toEqual(new Set(['host:hv2']));

    // The command that started web and the host outcomes that followed.
    await page.goto(`${fleet.apiUrl}/#/history?network=web&type=NetworkStarted`);
    await page.locator('tr[data-type="NetworkStarted"]').getByRole('link', { name: 'command & outcomes' }).click();
    await page.getByTestId('correlation-note').waitFor(WAIT);
    await page.locator('tr[data-type="NetworkStartedOnHost"]').nth(1).waitFor(WAIT);
    expect(await page.locator('table.history tbody tr[data-type]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')))).toEqual(['NetworkStarted', 'NetworkStartedOnHost', 'NetworkStartedOnHost']);
  });

  it('travels back in time with the slider and returns to now', async () => {
    const history = await api('GET', '/v1/networks/web/history?type=NetworkStarted');
    const startedAt = (history.body['entries'] as { position: number }[])[0]!.position;
    await page.goto(fleet.apiUrl);
    await cell(page, 'web', 'hv1', 'running').waitFor(WAIT);

    await page.getByLabel('Show the fleet at').fill(String(startedAt - 1));
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByTestId('past-banner').filter({ hasText: `log position ${startedAt - 1}` }).waitFor(WAIT);
    await cell(page, 'web', 'hv1', 'stopped').waitFor(WAIT);
    await shot(page, 'time-travel');

    // Dragging to the far left shows the fleet at its first event: marked as the past.
    const slider = page.getByTestId('time-slider');
    const box = (await slider.boundingBox())!;
    await page.mouse.move(box.x + box.width - 3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 2, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    // The fleet's first moments: hosts registered, no network defined yet.
    await page.getByTestId('fleet-grid').and(page.locator('[data-rows="0"]')).waitFor(WAIT);
    expect(Number(await page.getByTestId('past-banner').getAttribute('data-position'))).toBeLessThan(startedAt - 1);

    await page.getByRole('button', { name: 'Back to now' }).click();
    await page.getByTestId('past-banner').waitFor({ state: 'detached', ...WAIT });
    await cell(page, 'web', 'hv1', 'running').waitFor(WAIT);
  });

  it('a viewer can look but not start: the button is disabled and the API refuses', async () => {
    const viewerPage = await browser.newPage({ width: 390, height: 844 });
    await logIn(viewerPage, tokens.viewer);
    await cell(viewerPage, 'web', 'hv1', 'running').waitFor(WAIT);
    await shot(viewerPage, 'fleet-narrow');
    await viewerPage.goto(`${fleet.apiUrl}/#/networks/web`);
    const start = viewerPage.getByRole('button', { name: 'Start' });
    await start.waitFor(WAIT);
    expect(await start.isDisabled()).toBe(true);
    expect(await viewerPage.locator('#role-note').innerText()).toMatch(/viewer role/);
    const refused = await api('POST', '/v1/networks/web/start', undefined, tokens.viewer);
    expect(refused.status).toBe(403);
    expect(refused.body['code']).toBe('NF_AUTH_FORBIDDEN');
    await viewerPage.close();
    expect(browser.errors).toEqual([]);

    // The page itself needs no token; the data does, and nothing outside dist is served.
    const page = await fetch(`${fleet.apiUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect((await fetch(`${fleet.apiUrl}/v1/fleet`)).status).toBe(401);
    const traversal = await fetch(`${fleet.apiUrl}/assets/..%2F..%2Fpackage.json`, { headers: { authorization: `Bearer ${fleet.token}` } });
    expect(traversal.status).toBe(404);

    // Everything above was drawn from pages of the compact grid and one network's view at a
    // time: the whole fleet (GET /v1/fleet, 39 MB at 100 hosts × 1,000 networks) never.
    expect(asked.filter((p) => p.startsWith('/v1/fleet/grid?')).length).toBeGreaterThan(0);
    expect(asked.some((p) => p.startsWith('/v1/fleet/grid?') && p.includes('at='))).toBe(true);
    expect(asked.some((p) => p.startsWith('/v1/networks/db'))).toBe(true);
    expect(asked.filter((p) => p === '/v1/fleet' || p.startsWith('/v1/fleet?'))).toEqual([]);
  });
});
