import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@netfleet/log/logger';
import { createVsctl } from '@netfleet/agent/ovs/vsctl';
import { startAgentObservability } from '@netfleet/agent/observability/agent-observability';
import { until } from '../support/until';
import { startTestFleet, NATS_URL, type TestFleet } from '../support/test-fleet';
import { connectBus } from '@netfleet/bus/nats';
import { checkReadiness } from '@netfleet/api/observability/readiness';
import { metricValue } from './metric-value';

/** /metrics, /healthz and /readyz on the API and on an agent, with a real fleet: the figures move. */
describe('metrics and health', () => {
  let fleet: TestFleet;
  const call = (method: string, path: string, body?: unknown) => fetch(`${fleet.apiUrl}${path}`, {
    method, headers: { authorization: `Bearer ${fleet.token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const metrics = async () => { const r = await fetch(`${fleet.apiUrl}/metrics`); expect(r.status).toBe(200); return r.text(); };
  const xml = (port: number) => `<network type="ovs-datapath"><name>metered</name><datapath name="mt0" id="00000000000000e1"/><controller protocol="tcp" address="127.0.0.1" port="${port}"/></network>`;

  beforeAll(async () => { fleet = await startTestFleet({ hosts: ['hvm'], controller: true }); }, 120_000);
  afterAll(async () => { await fleet?.stop(); });

  it('counts commands by verb and outcome, times the apply per host, and follows the log', async () => {
    const before = await metrics();
    const eventsBefore = metricValue(before, 'netfleet_events_appended')!;
    expect(metricValue(before, 'netfleet_commands_total', { verb: 'host-add', outcome: 'ok' })).toBe(1);
    expect((await call('POST', '/v1/networks', { xml: xml(fleet.controller.port), hosts: ['hvm'] })).status).toBe(201);
    expect((await call('POST', '/v1/networks/metered/start?wait=true&timeout=30')).status).toBe(200);
    expect((await call('POST', '/v1/networks/nosuch/start')).status).toBe(404);
    const after = await metrics();
    expect(metricValue(after, 'netfleet_commands_total', { verb: 'define', outcome: 'ok' })).toBe(1);
    expect(metricValue(after, 'netfleet_commands_total', { verb: 'start', outcome: 'ok' })).toBe(1);
    expect(metricValue(after, 'netfleet_commands_total', { verb: 'start', outcome: 'refused' })).toBe(1);
    expect(metricValue(after, 'netfleet_apply_seconds_count', { host: 'hvm', outcome: 'started' })).toBe(1);
    expect(metricValue(after, 'netfleet_apply_seconds_sum', { host: 'hvm', outcome: 'started' })).toBeGreaterThan(0);
    expect(metricValue(after, 'netfleet_events_appended')).toBeGreaterThan(eventsBefore);
    expect(metricValue(after, 'netfleet_outbox_pending')).toBe(0);
    expect(metricValue(after, 'netfleet_consumer_pending', { host: 'hvm' })).toBe(0);
    expect(metricValue(after, 'netfleet_pg_connections', { state: 'idle' }) ?? 0).toBeGreaterThanOrEqual(0);
    expect(after).toMatch(/^netfleet_pg_connections\{state="/m);
  });

  it('counts drift found and repaired per host', async () => {
    await execa('ovs-vsctl', ['--timeout=10', `--db=${fleet.host('hvm').sandbox.db}`, 'del-br', 'mt0']);
    await until(async () => (metricValue(await metrics(), 'netfleet_drift_total', { host: 'hvm', repaired: 'true' }) ?? 0) >= 1 || undefined, 'drift counted', { timeoutMs: 30_000, pollMs: 50 });
  });

  it('counts hosts online and open SSE clients', async () => {
    await until(async () => metricValue(await metrics(), 'netfleet_hosts', { state: 'online' }) === 1 || undefined, 'hvm online', { timeoutMs: 30_000, pollMs: 50 });
    const abort = new AbortController();
    // From position 0, so an event arrives: then the stream's own subscription is in place (a
    // client that leaves before that point leaks the route's LISTEN connection; see the report).
    const stream = await fetch(`${fleet.apiUrl}/v1/events/stream?after=0`, { headers: { authorization: `Bearer ${fleet.token}` }, signal: abort.signal });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    for (let seen = ''; !seen.includes('\nid: ') && !seen.startsWith('id: ');) seen += new TextDecoder().decode((await reader.read()).value);
    expect(metricValue(await metrics(), 'netfleet_sse_clients')).toBe(1);
    abort.abort();
    await until(async () => metricValue(await metrics(), 'netfleet_sse_clients') === 0 || undefined, 'SSE client gone', { timeoutMs: 10_000, pollMs: 50 });
  });

  it("an agent's /readyz names its consumer and OVS version, and what is missing when OVS is not there", async () => {
    const h = fleet.host('hvm');
    const common = { host: 'hvm', natsUser: null, nc: h.nc!, names: fleet.names, log: silentLogger(), listenHost: '127.0.0.1', port: 0 };
    const good = await startAgentObservability({ ...common, vsctl: createVsctl({ db: h.sandbox.db }) });
    const bad = await startAgentObservability({ ...common, vsctl: createVsctl({ db: 'unix:/nonexistent/db.sock', timeoutSeconds: 1 }) });
    try {
      const ready = await fetch(`${good.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, host: 'hvm', consumer: 'agent-hvm', ovsVersion: expect.stringMatching(/^\d+\.\d+/), missing: [] });
      expect(metricValue(await (await fetch(`${good.url}/metrics`)).text(), 'netfleet_agent_ready', { dependency: 'ovs', host: 'hvm' })).toBe(1);
      expect((await fetch(`${good.url}/healthz`)).status).toBe(200);
      const notReady = await fetch(`${bad.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ ready: false, missing: ['ovs'] });
    } finally {
      await good.close();
      await bad.close();
    }
  });

  it('/healthz answers; /readyz says which dependency is missing', async () => {
    expect((await fetch(`${fleet.apiUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${fleet.apiUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, missing: [] });
    // The same check with NATS gone (a connection of its own, closed: the fleet keeps its own).
    const gone = await connectBus({ servers: NATS_URL, name: 'test-readyz' });
    await gone.close();
    expect(await checkReadiness({ ...fleet.api.ctx, nc: gone })).toMatchObject({ ready: false, missing: ['nats'], checks: { postgres: { ok: true }, nats: { ok: false } } });
  });
});
