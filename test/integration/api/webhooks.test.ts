import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { expect } from 'vitest';
import type { NewEvent } from '@netfleet/events/event-envelope';
import { appendToStream } from '@netfleet/eventstore/append';
import { pgNatsTest as test } from '../../support/pg-nats-test';
import { runCli } from '../../support/run-cli';
import { startTestApi, type TestApi } from '../../support/test-api';
import { until } from '../../support/until';
import { metricValue } from '../../ship/metric-value';
import { WebhookReceiver } from '../../support/webhook-receiver';

const FAST = { retryBaseMs: 50, retryMaxMs: 300, pollMs: 100 };
const actors = { alice: 'admin', olga: 'operator', vic: 'viewer' } as const;

interface Status { id: string; status: string; deliveredPosition: number; headPosition: number; lag: number; deliveredCount: number; attempts: number; lastError: string | null; secret?: string }

const autostart = (network: string, n: number): NewEvent => ({
  eventId: randomUUID(), type: 'NetworkAutostartChanged', v: 1, data: { name: network, autostart: n % 2 === 0 },
  metadata: { actor: 'test', source: 'api', correlationId: randomUUID(), occurredAt: new Date().toISOString() },
});

/**
 * Webhooks against a real receiver on loopback: it goes down mid-stream and comes back, the API
 * restarts, two API instances share the database — and every matching event arrives, signed,
 * identifiable by id, in order per network.
 */
test('webhook-add validates its input, shows the secret once and is for operators', async ({ database, names }) => {
  const api = await startTestApi(database, names, { actors, liveness: false, webhooks: FAST });
  try {
    for (const url of ['ftp://example.com/x', 'not a url', 'https://user:pw@example.com/x', 'javascript:alert(1)']) {
      const answer = await api.http('POST', '/v1/webhooks', { body: { url } });
      expect(answer.status, url).toBe(400);
      expect(answer.body).toMatchObject({ code: 'NF_WEBHOOK_BAD_URL' });
      expect(JSON.stringify(answer.body)).not.toContain('pw@');
    }
    expect((await api.http('POST', '/v1/webhooks', { body: { url: 'http://127.0.0.1:9/x', types: ['NoSuchThing'] } })).body).toMatchObject({ code: 'NF_WEBHOOK_UNKNOWN_TYPE' });
    expect((await api.http('POST', '/v1/webhooks', { body: { url: 'http://127.0.0.1:9/x' }, token: api.tokens['vic'] })).status).toBe(403);
    const added = await api.http<Status>('POST', '/v1/webhooks', { body: { url: 'http://127.0.0.1:9/x', types: ['NetworkStarted', 'io.netfleet.host.went_offline'] }, token: api.tokens['olga'] });
    expect(added.status).toBe(201);
    expect(added.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const listed = await api.http<{ webhooks: Status[] }>('GET', '/v1/webhooks', { token: api.tokens['vic'] });
    expect(listed.body.webhooks.map((w) => w.id)).toEqual([added.body.id]);
    expect(JSON.stringify(listed.body)).not.toContain(added.body.secret!);
    expect(JSON.stringify((await api.http('GET', `/v1/webhooks/${added.body.id}`)).body)).not.toContain(added.body.secret!);
    expect((await api.http('DELETE', `/v1/webhooks/${added.body.id}`, { token: api.tokens['vic'] })).status).toBe(403);
    expect((await api.http('DELETE', `/v1/webhooks/${added.body.id}`, { token: api.tokens['olga'] })).body).toEqual({ id: added.body.id, removed: true });
    const gone = await api.http('GET', `/v1/webhooks/${added.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: 'NF_WEBHOOK_NOT_FOUND' });

    // The same through the CLI.
    const cli = (...args: string[]) => runCli(args, { apiUrl: api.url, token: api.tokens['olga']! });
    const add = await cli('webhook-add', 'https://hooks.example.com/nf', '--types', 'NetworkStarted,NetworkDestroyed', '--networks', 'ofnet');
    expect(add.exitCode, add.stderr).toBe(0);
    const id = add.stdout.trim();
    expect(id).toMatch(/^wh_[a-f0-9]{16}$/);
    expect(add.stderr).toMatch(/secret \(shown only this once.*\n {2}whsec_/s);
    const table = await cli('webhook-list');
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+https://hooks.example.com/nf\\s+NetworkStarted,NetworkDestroyed\\s+ofnet\\s+all\\s+active`));
    expect(table.stdout).not.toContain('whsec_');
    const status = JSON.parse((await cli('webhook-status', id, '--json')).stdout) as Status;
    expect(status).toMatchObject({ id, status: 'active', attempts: 0, lag: expect.any(Number) });
    expect((await cli('webhook-add', 'ftp://x/y')).stderr).toMatch(/^error: .*http:\/\/ or https:\/\//m);
    expect((await runCli(['webhook-remove', id], { apiUrl: api.url, token: api.tokens['vic']! })).exitCode).not.toBe(0);
    expect((await cli('webhook-remove', id)).stdout.trim()).toBe(`Webhook ${id} removed`);
    expect((await cli('webhook-status', id)).stderr).toMatch(/no webhook/);
  } finally {
    await api.close();
  }
});

test('delivers every event through a receiver outage and an API restart; two instances deliver each once', async ({ database, names }) => {
  const receiver = new WebhookReceiver();
  await receiver.start();
  const apis: TestApi[] = [];
  const start = async () => { const api = await startTestApi(database, names, { actors, liveness: false, webhooks: FAST }); apis.push(api); return api; };
  const appended: { id: string; network: string; position: number }[] = [];
  const append = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const network = i % 2 === 0 ? 'wa' : 'wb';
      const { events } = await appendToStream(database.db, { streamId: `network:${network}`, expectedVersion: 'any', events: [autostart(network, i)] });
      appended.push({ id: events[0]!.eventId, network, position: events[0]!.position });
    }
  };
  const deliveredTo = (path: string) => new Set(receiver.received.filter((r) => r.path === path).map((r) => r.headers['webhook-id']));
  const allArrived = (path: string) => async () => appended.every((e) => deliveredTo(path).has(e.id)) || undefined;
  try {
    let api = await start();
    const added = await api.http<Status>('POST', '/v1/webhooks', { body: { url: `${receiver.url}/a`, networks: ['wa', 'wb'] } });
    expect(added.status).toBe(201);
    receiver.trust('/a', added.body.secret!);
    await append(6);
    await until(allArrived('/a'), 'the first events at the receiver', { pollMs: 50 });

    // The receiver goes down: deliveries fail and are retried with backoff, visible in the status.
    await receiver.stop();
    await append(6);
    const retrying = await until(async () => {
      const s = (await api.http<Status>('GET', `/v1/webhooks/${added.body.id}`)).body;
      return s.status === 'retrying' && s.attempts >= 2 ? s : undefined;
    }, 'the webhook to be retrying', { pollMs: 50 });
    expect(retrying.lastError).toMatch(/could not deliver/);
    expect(retrying.lag).toBeGreaterThan(0);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metricValue(metrics, 'netfleet_webhook_lag', { webhook: added.body.id, status: 'retrying' })).toBeGreaterThan(0);
    await receiver.start();
    await until(allArrived('/a'), 'the events sent while the receiver was down', { pollMs: 50 });

    // The API stops; events recorded meanwhile are delivered by the next one, from the cursor.
    await api.close();
    apis.length = 0;
    await append(6);
    api = await start();
    await until(allArrived('/a'), 'the events recorded while the API was down', { pollMs: 50 });
    const caughtUp = await until(async () => {
      const s = (await api.http<Status>('GET', `/v1/webhooks/${added.body.id}`)).body;
      return s.lag === 0 && s.deliveredCount >= appended.length ? s : undefined;
    }, 'the status to show it caught up', { pollMs: 50 });
    expect(caughtUp).toMatchObject({ status: 'active', attempts: 0, lastError: null, deliveredPosition: appended.at(-1)!.position });

    const toA = receiver.received.filter((r) => r.path === '/a');
    expect(toA.every((r) => r.signatureValid)).toBe(true);
    const firsts = toA.filter((r, i) => toA.findIndex((o) => o.headers['webhook-id'] === r.headers['webhook-id']) === i);
    expect(firsts.map((r) => r.headers['webhook-id'])).toEqual(appended.map((e) => e.id));
    for (const r of toA) {
      const ce = HTTP.toEvent({ headers: r.headers, body: r.body }) as CloudEvent<unknown>;
      expect(ce.validate()).toBe(true);
      expect(ce.id).toBe(r.headers['webhook-id']);
    }
    for (const network of ['wa', 'wb']) {
      const positions = firsts.map((r) => JSON.parse(r.body) as { position: number; subject: string }).filter((c) => c.subject === `networks/${network}`).map((c) => c.position);
      expect(positions).toEqual(appended.filter((e) => e.network === network).map((e) => e.position));
    }

    // Two instances on one database: each event reaches the receiver once.
    await start();
    const second = await api.http<Status>('POST', '/v1/webhooks', { body: { url: `${receiver.url}/b`, networks: ['wa', 'wb'] } });
    receiver.trust('/b', second.body.secret!);
    const before = appended.length;
    await append(20);
    const fresh = appended.slice(before);
    await until(async () => fresh.every((e) => deliveredTo('/b').has(e.id)) || undefined, 'the events at /b', { pollMs: 50 });
    const toB = receiver.received.filter((r) => r.path === '/b').map((r) => r.headers['webhook-id']);
    expect(toB).toEqual(fresh.map((e) => e.id));
  } finally {
    for (const api of apis) await api.close();
    await receiver.stop();
  }
});

test('a webhook further behind than the retention is marked failed, saying why', async ({ database, names }) => {
  const receiver = new WebhookReceiver();
  await receiver.start();
  const api = await startTestApi(database, names, { actors, liveness: false, webhooks: { ...FAST, retentionMs: 1 } });
  try {
    const added = await api.http<Status>('POST', '/v1/webhooks', { body: { url: `${receiver.url}/old`, networks: ['wold'] } });
    await appendToStream(database.db, { streamId: 'network:wold', expectedVersion: 'any', events: [autostart('wold', 0)] });
    const failed = await until(async () => {
      const s = (await api.http<Status>('GET', `/v1/webhooks/${added.body.id}`)).body;
      return s.status === 'failed' ? s : undefined;
    }, 'the webhook to be failed', { pollMs: 50 });
    expect(failed.lastError).toMatch(/older than the .* retention; remove the webhook and add it again/);
    expect(receiver.received.filter((r) => r.path === '/old')).toEqual([]);
  } finally {
    await api.close();
    await receiver.stop();
  }
});
