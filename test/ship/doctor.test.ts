import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@netfleet/log/logger';
import { connectBus } from '@netfleet/bus/nats';
import { createDatabase } from '@netfleet/eventstore/database';
import { buildApp } from '@netfleet/api/app';
import { createVsctl } from '@netfleet/agent/ovs/vsctl';
import { startAgentObservability } from '@netfleet/agent/observability/agent-observability';
import { startTestFleet, NATS_URL, type TestFleet } from '../support/test-fleet';

const CLI = fileURLToPath(new URL('../../services/cli/bin/netfleet.js', import.meta.url));

/** `netfleet doctor` against a real fleet; each part broken in turn shows up in its own line. */
describe('netfleet doctor', { timeout: 120_000 }, () => {
  let fleet: TestFleet;
  let agent: { url: string; close(): Promise<void> };
  let brokenApi: FastifyInstance;
  let brokenUrl: string;
  let dir: string;
  const doctor = async (overrides: { api?: string; token?: string; agent?: string; ovsDb?: string; nodeOptions?: string } = {}) => {
    const r = await execa(process.execPath, [CLI, 'doctor', '--host', 'hvd', '--agent', overrides.agent ?? agent.url, '--ovs-db', overrides.ovsDb ?? fleet.host('hvd').sandbox.db], {
      reject: false, timeout: 60_000,
      env: { NETFLEET_API: overrides.api ?? fleet.apiUrl, NETFLEET_TOKEN: overrides.token ?? fleet.token, ...(overrides.nodeOptions ? { NODE_OPTIONS: overrides.nodeOptions } : {}) },
    });
    return { exitCode: r.exitCode, out: String(r.stdout) };
  };
  const line = (out: string, check: string) => out.split('\n').find((l) => l.slice(6).startsWith(`${check}:`)) ?? `(no ${check} line in:\n${out})`;

  beforeAll(async () => {
    fleet = await startTestFleet({ hosts: ['hvd'] });
    const h = fleet.host('hvd');
    agent = await startAgentObservability({ host: 'hvd', natsUser: null, nc: h.nc!, names: fleet.names, vsctl: createVsctl({ db: h.sandbox.db }), log: silentLogger(), listenHost: '127.0.0.1', port: 0 });
    const xml = `<network type="ovs-datapath"><name>doc</name><datapath name="dd0" id="00000000000000d1"/></network>`;
    const call = (method: string, path: string, body?: unknown) => fetch(`${fleet.apiUrl}${path}`, { method, headers: { authorization: `Bearer ${fleet.token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await call('POST', '/v1/networks', { xml, hosts: ['hvd'] })).ok).toBe(true);
    expect((await call('POST', '/v1/networks/doc/start?wait=true&timeout=30')).ok).toBe(true);
    // An API whose PostgreSQL and NATS are gone: the real app, on a closed NATS connection and an unreachable database.
    const gone = await connectBus({ servers: NATS_URL, name: 'test-doctor-gone' });
    await gone.close();
    brokenApi = await buildApp({ ctx: { ...fleet.api.ctx, nc: gone, db: createDatabase('postgres://postgres@127.0.0.1:1/none') }, authenticate: async () => ({ actor: 'alice', role: 'admin' }) });
    brokenUrl = await brokenApi.listen({ host: '127.0.0.1', port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'nf-doctor-'));
  }, 120_000);

  afterAll(async () => {
    await brokenApi?.close();
    await agent?.close();
    await fleet?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says ok on every line and exits 0 when all is well', async () => {
    const { exitCode, out } = await doctor();
    expect(out).not.toContain('FAIL');
    for (const check of ['API token', 'PostgreSQL (from the API)', 'NATS (from the API)', 'agent on hvd', 'agent consumer', 'Open vSwitch', 'bridges', 'clock']) expect(line(out, check)).toMatch(/^ok /);
    expect(line(out, 'API token')).toContain("the token is alice's (admin)");
    expect(line(out, 'agent consumer')).toContain('agent-hvd');
    expect(line(out, 'Open vSwitch')).toMatch(/Open vSwitch \d+\.\d+/);
    expect(line(out, 'bridges')).toContain('the 1 network(s) that should run here have their bridge');
    expect(exitCode).toBe(0);
  });

  it('the API unreachable', async () => {
    const { exitCode, out } = await doctor({ api: 'http://127.0.0.1:1' });
    expect(line(out, 'API token')).toMatch(/^FAIL {2}API token: cannot reach the API at http:\/\/127\.0\.0\.1:1/);
    expect(out).toContain('fix: start it (systemctl start netfleet-api)');
    expect(exitCode).toBe(1);
  });

  it('a bad token', async () => {
    const { exitCode, out } = await doctor({ token: 'not-a-token' });
    expect(line(out, 'API token')).toContain('refused the token (401)');
    expect(out).toContain('fix: use a valid token');
    expect(exitCode).toBe(1);
  });

  it('PostgreSQL and NATS gone from the API', async () => {
    const { exitCode, out } = await doctor({ api: brokenUrl });
    expect(line(out, 'PostgreSQL (from the API)')).toMatch(/^FAIL .*PostgreSQL:/);
    expect(line(out, 'NATS (from the API)')).toMatch(/^FAIL .*NATS: the connection is closed/);
    expect(out).toContain('fix: check NETFLEET_PG_URL');
    expect(out).toContain('fix: check NETFLEET_NATS_URL');
    expect(exitCode).toBe(1);
  });

  it('no agent running', async () => {
    const { exitCode, out } = await doctor({ agent: 'http://127.0.0.1:1' });
    expect(line(out, 'agent on hvd')).toMatch(/^FAIL .*no agent answers at http:\/\/127\.0\.0\.1:1/);
    expect(out).toContain('fix: start it: systemctl enable --now netfleet-agent@hvd');
    expect(exitCode).toBe(1);
  });

  it('OVS unreachable', async () => {
    const { exitCode, out } = await doctor({ ovsDb: `unix:${dir}/no-such.sock` });
    expect(line(out, 'Open vSwitch')).toMatch(/^FAIL .*cannot read unix:/);
    expect(out).toContain('fix: start it (systemctl start openvswitch-switch)');
    expect(exitCode).toBe(1);
  });

  it("a bridge missing behind the agent's back", async () => {
    await fleet.stopAgent('hvd');
    await execa('ovs-vsctl', ['--timeout=10', `--db=${fleet.host('hvd').sandbox.db}`, 'del-br', 'dd0']);
    const { exitCode, out } = await doctor();
    expect(line(out, 'bridges')).toMatch(/^FAIL .*no bridge for doc/);
    expect(out).toContain('fix: the agent repairs this on its next pass');
    expect(exitCode).toBe(1);
    await fleet.startAgent('hvd');
  });

  it('a clock a minute ahead', async () => {
    const preload = join(dir, 'clock-ahead.mjs');
    await writeFile(preload, 'const real = Date.now; Date.now = () => real() + 60_000;\n');
    const { exitCode, out } = await doctor({ nodeOptions: `--import=${preload}` });
    expect(line(out, 'clock')).toMatch(/^FAIL {2}clock: (59|6\d) s ahead of the API's clock/);
    expect(out).toContain('fix: synchronise clocks');
    expect(exitCode).toBe(1);
  });
});
