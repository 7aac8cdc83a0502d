import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { appendToStream } from '@netfleet/eventstore/append';
import { apiTest } from '../support/api-test';
import { startBrowser } from '../support/browser';

const test = apiTest({ liveness: false, webhooks: { retryBaseMs: 50, retryMaxMs: 200, pollMs: 100 } });
const WAIT = { timeout: 20_000 };

/**
 * The dashboard in headless Chromium on a real API: its live stream reads the CloudEvents
 * envelope (the position it shows follows a new event), and the Webhooks page shows a webhook
 * whose receiver is down as retrying, with its lag and last error.
 */
test('the dashboard follows the CloudEvents stream and shows webhook delivery status', async ({ api, database }) => {
  // Port 9 (discard) on loopback: nothing listens, every delivery is refused.
  const added = await api.http<{ id: string }>('POST', '/v1/webhooks', { body: { url: 'http://127.0.0.1:9/hook', networks: ['dash'] } });
  expect(added.status).toBe(201);
  const browser = await startBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(api.url);
    await page.getByLabel('API token').fill(api.token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('stream-status').filter({ hasText: 'live' }).waitFor(WAIT);
    const { events } = await appendToStream(database.db, {
      streamId: 'network:dash', expectedVersion: 'any',
      events: [{ eventId: randomUUID(), type: 'NetworkAutostartChanged', v: 1, data: { name: 'dash', autostart: true }, metadata: { actor: 'test', source: 'api', correlationId: randomUUID(), occurredAt: new Date().toISOString() } }],
    });
    await page.getByTestId('live-position').filter({ hasText: new RegExp(`^${events[0]!.position}$`) }).waitFor(WAIT);

    await page.getByRole('link', { name: 'Webhooks' }).click();
    const row = page.getByTestId(`webhook-${added.body.id}`);
    await row.filter({ hasText: 'retrying' }).waitFor(WAIT);
    const text = await row.innerText();
    expect(text).toContain('http://127.0.0.1:9/hook');
    expect(text).toContain('networks dash');
    expect(text).toMatch(/could not deliver to the receiver/);
  } finally {
    await browser.close();
  }
});
