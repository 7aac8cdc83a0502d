import { readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect } from 'vitest';
import { fleetTest } from '../support/fleet-test';
import { runCli } from '../support/run-cli';
import type { TestFleet } from '../support/test-fleet';
import { makeTestDir } from '../support/test-names';
import { until } from '../support/until';

const test = fleetTest({ hosts: ['hv1', 'hv2', 'hv3'], controller: true });

/**
 * The walking skeleton, end to end: the RFC's example network defined on hv1 and hv2 of a
 * three-host fleet, started, listed, dumped, destroyed and undefined through the real CLI, with
 * real PostgreSQL, NATS JetStream, OVS sandboxes and ovs-testcontroller — and OVS itself checked.
 */
describe('walking skeleton: ofnet on hv1 and hv2', () => {
  let fleet: TestFleet;
  let dir: string;
  let xmlFile: string;
  const cli = (...args: string[]) => runCli(args, fleet);
  const vsctl = (host: string, ...args: string[]) => fleet.host(host).vsctl(...args);

  test.beforeAll(async ({ fleet: started }) => {
    fleet = started;
    dir = await makeTestDir('e2e');
    // The example as shipped, pointed at this test's controller instead of 6633 (a dev fleet may hold it).
    const example = await readFile(new URL('../../examples/ofnet.xml', import.meta.url), 'utf8');
    xmlFile = join(dir, 'ofnet.xml');
    await writeFile(xmlFile, example.replace("port=\"6633\"", `port="${fleet.controller.port}"`));
  }, 120_000);

  test.afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('net-format prints the canonical form offline and rejects bad XML with a clear error', async () => {
    const ok = await runCli(['net-format', xmlFile], { apiUrl: 'http://127.0.0.1:1', token: 'unused' });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toContain("<datapath name='dp0' id='0000000000000abc' hwdesc='rfovs'/>");
    const badFile = join(dir, 'bad.xml');
    await writeFile(badFile, '<network type="ovs-datapath">\n  <name>x</name>\n  <datapath name="dp0" id="12g"/>\n</network>\n');
    const bad = await runCli(['net-format', badFile], { apiUrl: 'http://127.0.0.1:1', token: 'unused' });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/error: .*bad\.xml: .*12g/);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('defines, starts, lists, dumps, destroys and undefines, each step an event, OVS checked', async () => {
    const define = await cli('net-define', xmlFile, '--host', 'hv1', '--host', 'hv2');
    expect(define.stderr).toBe('');
    expect(define.exitCode).toBe(0);

    const start = await cli('net-start', 'ofnet', '--wait', '--timeout', '30');
    expect(start.exitCode).toBe(0);
    expect(start.stdout).toMatch(/hv1\s+running/);
    expect(start.stdout).toMatch(/hv2\s+running/);

    // OVS itself, on hv1 and hv2: the bridge with every attribute the definition asked for.
    for (const host of ['hv1', 'hv2']) {
      expect(await vsctl(host, 'list-br')).toBe('dp0');
      expect(await vsctl(host, 'get', 'bridge', 'dp0', 'other_config:datapath-id')).toBe('"0000000000000abc"');
      expect(await vsctl(host, 'get', 'bridge', 'dp0', 'external_ids:netfleet-owner')).toBe('netfleet');
      const desc = await execa('ovs-ofctl', ['dump-desc', `unix:${fleet.host(host).sandbox.dir}/dp0.mgmt`]);
      expect(desc.stdout).toMatch(/DP Description: rfovs/);
      const controller = JSON.parse(await vsctl(host, '--format=json', '--columns=target,connection_mode', 'list', 'controller'));
      expect(controller.data).toEqual([[`tcp:127.0.0.1:${fleet.controller.port}`, 'out-of-band']]);
      // is_connected is refreshed with OVS's statistics (every 5 s): wait for OVS, not for us.
      await until(async () => (await vsctl(host, '--bare', '--columns=is_connected', 'list', 'controller')) === 'true', `${host}'s controller to connect`, { timeoutMs: 20_000, pollMs: 200 });
    }
    expect(await vsctl('hv3', 'list-br')).toBe(''); // only where placed

    const list = await cli('net-list');
    expect(list.exitCode).toBe(0);
    expect(list.stdout).toMatch(/ofnet\s+active\s+no\s+yes\s+hv1: running, hv2: running/);
    const listJson = JSON.parse((await cli('net-list', '--json')).stdout);
    expect(listJson).toHaveLength(1);
    expect(listJson[0].perHost.hv1.observed).toBe('running');
    expect(listJson[0].perHost.hv2.appliedGeneration).toBe(listJson[0].generation);

    const dump = await cli('net-dumpxml', 'ofnet');
    expect(dump.stdout).toContain('<name>ofnet</name>');
    expect(dump.stdout).toContain("outofband='yes'");

    const destroy = await cli('net-destroy', 'ofnet', '--wait');
    expect(destroy.exitCode).toBe(0);
    expect(destroy.stdout).toMatch(/hv1\s+stopped/);
    expect(destroy.stdout).toMatch(/hv2\s+stopped/);
    expect(await vsctl('hv1', 'list-br')).toBe('');
    expect(await vsctl('hv2', 'list-br')).toBe('');

    const undefine = await cli('net-undefine', 'ofnet');
    expect(undefine.exitCode).toBe(0);
    expect(JSON.parse((await cli('net-list', '--all', '--json')).stdout)).toEqual([]);

    // Each step is an event in the append-only log, agents' reports included.
    const events = await fleet.database.db.selectFrom('events').select(['stream_id', 'stream_version', 'type', 'data', 'metadata']).orderBy('position').execute();
    const outcomeTypes = ['NetworkStartedOnHost', 'NetworkStoppedOnHost', 'NetworkFailedOnHost'];
    const aboutOfnet = (e: { data: unknown; type: string }) => (e.data as { network?: string }).network === 'ofnet' && outcomeTypes.includes(e.type);
    expect(events.filter((e) => e.stream_id === 'network:ofnet').map((e) => [e.stream_version, e.type])).toEqual([
      [1, 'NetworkDefined'], [2, 'NetworkStarted'], [3, 'NetworkDestroyed'], [4, 'NetworkUndefined'],
    ]);
    for (const host of ['hv1', 'hv2']) {
      expect(events.filter((e) => e.stream_id === `host:${host}` && aboutOfnet(e)).map((e) => e.type)).toEqual(['NetworkStartedOnHost', 'NetworkStoppedOnHost']);
    }
    expect(events.some((e) => e.stream_id === 'host:hv3' && aboutOfnet(e))).toBe(false);
    expect(events.find((e) => e.type === 'NetworkStarted')?.metadata).toMatchObject({ actor: 'alice', source: 'api' });
  });

  test('refuses what cannot be done with clear errors and no stack traces', async () => {
    const missing = await cli('net-start', 'nope');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe("error: network 'nope' is not defined; see net-list --all for the defined networks");
    await cli('net-define', xmlFile, '--host', 'hv1');
    const twice = await cli('net-destroy', 'ofnet');
    expect(twice.stderr).toMatch(/network 'ofnet' is not active/);
    const badToken = await runCli(['net-list'], { apiUrl: fleet.apiUrl, token: 'wrong' });
    expect(badToken.exitCode).toBe(1);
    expect(badToken.stderr).toMatch(/API token is not valid/);
    const down = await runCli(['net-list'], { apiUrl: 'http://127.0.0.1:1', token: 'x' });
    expect(down.stderr).toMatch(/cannot reach the netfleet API at http:\/\/127\.0\.0\.1:1/);
    await cli('net-undefine', 'ofnet');
  });
});
