import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect } from 'vitest';
import { fleetTest } from '../../support/fleet-test';
import { runCli } from '../../support/run-cli';
import { openSse } from '../../support/sse-client';
import { startTestApi, type TestApi } from '../../support/test-api';
import { FAST_LIVENESS, ovsDatapathXml, type TestFleet } from '../../support/test-fleet';
import { makeTestDir } from '../../support/test-names';

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

const test = fleetTest({ hosts: ['hv1', 'hv2'], startAgents: false, ...FAST_LIVENESS });

/**
 * A second API instance beside the fleet's own, on the same database and namespace: a command
 * taken by one is waited for through the other (`--wait` and the event stream hear commits made
 * anywhere), and liveness is recorded once, judged by the API's clock — an agent whose clock
 * jumps a year back and forth stays online and keeps applying.
 */
describe('multi-api - two API instances', () => {
  let fleet: TestFleet;
  let other: TestApi;
  let clockDir: string;
  const clock = () => join(clockDir, 'offset');
  test.beforeAll(async ({ fleet: started }) => {
    fleet = started;
    other = await startTestApi(fleet.database, fleet.names, { liveness: FAST_LIVENESS.liveness });
    clockDir = await makeTestDir('clock');
    await writeFile(clock(), '+0\n');
    await fleet.startAgent('hv1');
    // hv2 runs as a process whose wall clock reads an offset from a file (libfaketime), read anew
    // at every call; its monotonic clock, which timers use, is left alone, as an NTP step leaves it.
    fleet.spawnAgent('hv2', { LD_PRELOAD: LIBFAKETIME, FAKETIME_TIMESTAMP_FILE: clock(), FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' });
    await fleet.untilEvent('hv2', (e) => e.type === 'HostCameOnline' || e.type === 'AgentStarted', 60_000, 'hv2 online');
  }, 120_000);
  test.afterAll(async () => {
    await other?.close();
    if (clockDir) await rm(clockDir, { recursive: true, force: true });
  });

  const liveness = async (host: string) => (await fleet.events(host)).filter((e) => e.type === 'HostWentOffline' || e.type === 'HostCameOnline').map((e) => e.type);

  test('a command taken by one instance is waited for and streamed through the other', async () => {
    const sse = await openSse(`${other.url}/v1/events/stream`, other.token);
    expect(sse.status).toBe(200);
    expect((await fleet.http('POST', '/v1/networks', { xml: ovsDatapathXml('acrossnet', 'dpacross'), hosts: ['hv1', 'hv2'] })).status).toBe(201);
    // Started through the fleet's instance; waited for through the other one.
    const start = await runCli(['net-start', 'acrossnet'], fleet);
    expect(start.exitCode).toBe(0);
    const status = await runCli(['net-destroy', 'acrossnet', '--wait', '--timeout', '60'], { apiUrl: other.url, token: other.token });
    expect(status.stderr).toMatch(/2\/2 hosts answered/);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toMatch(/hv1\s+stopped/);
    expect(status.stdout).toMatch(/hv2\s+stopped/);
    await sse.until(() => sse.messages.filter((m) => m.data.includes('"acrossnet"') && m.data.includes('StartedOnHost')).length === 2, 60_000);
    sse.close();
  });

  test('an agent whose clock jumps a year back, then a year ahead, stays online and keeps applying; each transition is recorded once', async () => {
    const before = await liveness('hv2');
    expect(before.filter((t) => t === 'HostWentOffline')).toEqual([]);
    await writeFile(clock(), '-365d\n');
    await sleep(3 * FAST_LIVENESS.liveness.offlineAfterMs);
    expect((await fleet.http('POST', '/v1/networks', { xml: ovsDatapathXml('jumpnet', 'dpjump'), hosts: ['hv2'] })).status).toBe(201);
    const started = await other.http<{ hosts: { host: string; outcome: string }[] }>('POST', '/v1/networks/jumpnet/start?wait=true&timeout=60');
    expect(started.status).toBe(200);
    expect(started.body.hosts).toEqual([expect.objectContaining({ host: 'hv2', outcome: 'running' })]);
    // The agent's clock did jump: its report says it happened a year ago.
    const report = await fleet.database.db.selectFrom('events').select('metadata')
      .where('stream_id', '=', 'host:hv2').where('type', '=', 'NetworkStartedOnHost').orderBy('position', 'desc').executeTakeFirstOrThrow();
    expect(Date.now() - Date.parse(String(report.metadata['occurredAt']))).toBeGreaterThan(300 * 86_400_000);
    await writeFile(clock(), '+365d\n');
    await sleep(3 * FAST_LIVENESS.liveness.offlineAfterMs);
    const stopped = await other.http<{ hosts: { host: string; outcome: string }[] }>('POST', '/v1/networks/jumpnet/destroy?wait=true&timeout=60');
    expect(stopped.body.hosts).toEqual([expect.objectContaining({ host: 'hv2', outcome: 'stopped' })]);
    expect(await liveness('hv2')).toEqual(before);

    // A real silence, heard by both instances, is recorded once; so is the return.
    await fleet.stopAgent('hv2');
    await fleet.untilEvent('hv2', (e) => e.type === 'HostWentOffline', 30_000, 'hv2 offline');
    expect((await other.http<{ hosts: { name: string; online: boolean }[] }>('GET', '/v1/hosts')).body.hosts.find((h) => h.name === 'hv2')?.online).toBe(false);
    const back = await fleet.lastPosition('hv2');
    await fleet.startAgent('hv2');
    await fleet.untilEvent('hv2', (e) => e.type === 'HostCameOnline' || e.type === 'AgentStarted', 30_000, 'hv2 online again', back);
    // Both instances have judged many times over since.
    await sleep(3 * FAST_LIVENESS.liveness.offlineAfterMs);
    const after = (await liveness('hv2')).slice(before.length);
    expect(after[0]).toBe('HostWentOffline');
    expect(after.filter((t) => t === 'HostWentOffline')).toHaveLength(1);
    expect(after.filter((t) => t === 'HostCameOnline').length).toBeLessThanOrEqual(1);
    expect(after.filter((t, i) => t === after[i - 1])).toEqual([]);
  });
});
