import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { appendToStream } from '@netfleet/eventstore/append';
import { readStream } from '@netfleet/eventstore/read';
import { listHostViews, listNetworkViews } from '@netfleet/eventstore/views';
import { apiTest } from '../../support/api-test';
import { runCli } from '../../support/run-cli';
import type { TestApi } from '../../support/test-api';
import type { TestDatabase } from '../../support/test-database';
import { makeTestDir } from '../../support/test-names';

const test = apiTest({ actors: { alice: 'admin', vic: 'viewer' } });
import { meta, startedOnHost } from './given-events';

/**
 * The event log through the API and the real CLI: idempotent retries, stale versions (409),
 * history with the XML diff and the hosts' outcomes, the fleet as of the past, and the rebuild.
 * No agents: hosts are registered and report by appending their events, as the API records them.
 */
describe('event log over HTTP and the CLI', () => {
  let t: TestDatabase;
  let api: TestApi;
  let admin: string;
  let viewer: string;
  let dir: string;
  let xml: string;
  const cli = (token: string, ...args: string[]) => runCli(args, { apiUrl: api.url, token });
  const http = (method: string, path: string, options: { body?: unknown; key?: string; token?: string } = {}) =>
    api.http(method, path, { ...options, ...(options.key ? { headers: { 'idempotency-key': options.key } } : {}) });

  test.beforeAll(async ({ database, api: started }) => {
    [t, api] = [database, started];
    admin = api.tokens['alice']!;
    viewer = api.tokens['vic']!;
    for (const host of ['hv1', 'hv2']) {
      await appendToStream(t.db, { streamId: `host:${host}`, expectedVersion: 'any', events: [{ eventId: randomUUID(), type: 'HostRegistered', v: 1, metadata: meta(), data: { host, labels: {} } }] });
    }
    dir = await makeTestDir('history');
    xml = await readFile(new URL('../../../examples/ofnet.xml', import.meta.url), 'utf8');
  });
  test.afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('records a retried request once (same Idempotency-Key) and refuses a stale version with 409', async () => {
    const key = randomUUID();
    const first = await http('POST', '/v1/networks', { body: { xml, hosts: ['hv1'] }, key });
    const again = await http('POST', '/v1/networks', { body: { xml, hosts: ['hv1'] }, key });
    expect(first.status).toBe(201);
    // A retry gets the first answer again, status and body (idempotency.ts).
    expect({ status: again.status, body: again.body }).toEqual({ status: 201, body: first.body });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await readStream(t.db, 'network:ofnet')).toHaveLength(1);

    const startKey = randomUUID();
    const started = await http('POST', '/v1/networks/ofnet/start', { key: startKey });
    expect(started.status).toBe(200);
    // Deciding it again would be refused (already active); the retry gets what was answered.
    const replayed = await http('POST', '/v1/networks/ofnet/start', { key: startKey });
    expect({ status: replayed.status, body: replayed.body }).toEqual({ status: started.status, body: started.body });
    expect((await readStream(t.db, 'network:ofnet')).map((e) => e.type)).toEqual(['NetworkDefined', 'NetworkStarted']);

    const stale = await http('POST', '/v1/networks', { body: { xml, hosts: ['hv1'], expectedVersion: 1 } });
    expect(stale).toMatchObject({ status: 409, body: { code: 'NF_STORE_CONFLICT', message: expect.stringContaining('version 1'), details: { expectedVersion: 1, actualVersion: 2 } } });
  });

  test('net-history lists who did what when, the redefinition\'s XML diff and the hosts\' outcomes', async () => {
    const [, startedEvent] = await readStream(t.db, 'network:ofnet');
    await appendToStream(t.db, { streamId: 'host:hv1', expectedVersion: 'any', events: [startedOnHost('hv1', 'ofnet', 2, startedEvent!.metadata.correlationId)] });
    const file = join(dir, 'ofnet.xml');
    await writeFile(file, xml.replace('port="6633"', 'port="6653"'));
    const redefine = await cli(admin, 'net-define', file, '--comment', 'move the controller to 6653');
    expect(redefine.stderr).toBe('');

    const history = await cli(admin, 'net-history', 'ofnet');
    expect(history.exitCode).toBe(0);
    const lines = history.stdout.split('\n');
    expect(lines.find((l) => l.includes('NetworkStarted ') || /NetworkStarted\s/.test(l))).toMatch(/alice\s+NetworkStarted\s+started on hv1/);
    expect(history.stdout).toMatch(/host:hv1\s+NetworkStartedOnHost\s+running on hv1 \(generation 2\)/);
    expect(history.stdout).toMatch(/alice\s+NetworkDefined\s+redefined \(placed on hv1\) — move the controller to 6653/);
    expect(history.stdout).toMatch(/^\s+-\s*<controller .*port='6633'/m);
    expect(history.stdout).toMatch(/^\s+\+\s*<controller .*port='6653'/m);
    expect(history.stdout).toMatch(/^ \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\+0000 /m);

    const json = JSON.parse((await cli(admin, 'net-history', 'ofnet', '--json', '--type', 'NetworkStartedOnHost')).stdout);
    expect(json).toEqual([expect.objectContaining({ host: 'hv1', network: 'ofnet', actor: 'host:hv1', correlationId: startedEvent!.metadata.correlationId })]);

    const byActor = await http('GET', '/v1/history?actor=host:hv1&type=NetworkStartedOnHost', { token: viewer });
    expect(byActor.status).toBe(200);
    expect((byActor.body['entries'] as { type: string }[]).map((e) => e.type)).toEqual(['NetworkStartedOnHost']);
    const byHost = await http('GET', '/v1/history?host=hv2');
    expect((byHost.body['entries'] as { stream: string }[]).map((e) => e.stream)).toEqual(['host:hv2']);
  });

  test('net-list --at shows the fleet as of a position or a time; a bad --at is a clear error', async () => {
    const [defined, started] = await readStream(t.db, 'network:ofnet');
    const atDefine = await cli(viewer, 'net-list', '--all', '--at', String(defined!.position));
    expect(atDefine.stderr).toBe('');
    expect(atDefine.stdout).toMatch(/ofnet\s+inactive/);
    const atStart = JSON.parse((await cli(viewer, 'net-list', '--json', '--at', started!.recordedAt)).stdout);
    expect(atStart).toMatchObject([{ name: 'ofnet', active: true, perHost: { hv1: { observed: 'pending' } } }]);
    const before = await cli(viewer, 'net-list', '--all', '--at', '2000-01-01T00:00:00Z');
    expect(before.stdout).not.toContain('ofnet');
    const bad = await cli(viewer, 'net-list', '--at', 'yesterday');
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/^error: 'yesterday' is neither a log position .* nor an ISO-8601 time/);
    expect((await http('GET', '/v1/fleet?at=yesterday')).body['code']).toBe('NF_HISTORY_BAD_POINT');
  });

  test('admin rebuild replaces the views with the fold of the log and needs an admin', async () => {
    const networks = await listNetworkViews(t.db);
    const hosts = await listHostViews(t.db);
    await t.db.deleteFrom('host_view').execute();
    const rebuilt = await cli(admin, 'admin', 'rebuild');
    expect(rebuilt.exitCode).toBe(0);
    expect(rebuilt.stdout).toMatch(/^Rebuilt the fleet view from \d+ events \(up to position \d+\) in \d+\.\d\d s.*: 1 networks, 2 hosts$/m);
    expect(await listNetworkViews(t.db)).toEqual(networks);
    expect(await listHostViews(t.db)).toEqual(hosts);
    const refused = await cli(viewer, 'admin', 'rebuild');
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/vic has role viewer.*needs admin/);
  });
});
