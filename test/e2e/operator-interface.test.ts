import { readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect } from 'vitest';
import { fleetTest } from '../support/fleet-test';
import { runCli } from '../support/run-cli';
import type { TestFleet } from '../support/test-fleet';
import { makeTestDir } from '../support/test-names';
import { onData, until } from '../support/until';

const test = fleetTest({ hosts: ['hv1', 'hv2', 'hv3'], labels: { hv1: { rack: 'a' }, hv2: { rack: 'a' }, hv3: { rack: 'b' } }, controller: true });

/**
 * The operator's interface through the real CLI against a real fleet: each verb, each refusal and
 * each role. Hosts hv1 and hv2 carry rack=a, hv3 rack=b (as in the dev fleet).
 */
describe('operator interface', () => {
  let fleet: TestFleet;
  let dir: string;
  let tokens: Record<'viewer' | 'operator', string>;
  const cli = (...args: string[]) => runCli(args, fleet);
  const as = (role: 'viewer' | 'operator', ...args: string[]) => runCli(args, { apiUrl: fleet.apiUrl, token: tokens[role] });
  const bridges = async (host: string) => (await fleet.host(host).vsctl('list-br')).split('\n').filter(Boolean);
  const eventCount = async () => Number((await fleet.database.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n);

  /** A network XML file of this test: an ovs-datapath network on this test's controller. */
  async function networkFile(name: string, bridge: string, datapathId: string): Promise<string> {
    const file = join(dir, `${name}.xml`);
    await writeFile(file, `<network type="ovs-datapath">\n  <name>${name}</name>\n  <datapath name="${bridge}" id="${datapathId}" hwdesc="${name}"/>\n  <controller protocol="tcp" address="127.0.0.1" port="${fleet.controller.port}" outofband="yes"/>\n</network>\n`);
    return file;
  }

  test.beforeAll(async ({ fleet: started }) => {
    fleet = started;
    dir = await makeTestDir('ops');
    const viewer = await cli('token-create', 'vera', '--role', 'viewer');
    const operator = await cli('token-create', 'otto', '--role', 'operator');
    expect(viewer.stderr).toMatch(/shown only this once/);
    tokens = { viewer: viewer.stdout.trim(), operator: operator.stdout.trim() };
  }, 120_000);

  test.afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('places by label selector, moves the placement, and hosts left out stop the network', async () => {
    const file = await networkFile('labelled', 'lab0', '00000000000000a1');
    expect((await as('operator', 'net-define', file, '--hosts', 'rack=a')).exitCode).toBe(0);
    const start = await as('operator', 'net-start', 'labelled', '--wait', '--comment', 'rack a needs it');
    expect(start.exitCode).toBe(0);
    expect(start.stderr).toMatch(/waiting: 2\/2 hosts answered/);
    expect(await bridges('hv1')).toContain('lab0');
    expect(await bridges('hv3')).not.toContain('lab0');
    const startedEntry = (JSON.parse((await as('viewer', 'net-history', 'labelled', '--json')).stdout) as { type: string; comment: string | null; actor: string }[])
      .find((e) => e.type === 'NetworkStarted');
    expect(startedEntry).toMatchObject({ actor: 'otto', comment: 'rack a needs it' });

    const moved = await as('operator', 'net-place', 'labelled', '--host', 'hv3', '--wait');
    expect(moved.exitCode).toBe(0);
    expect(moved.stdout).toMatch(/hv3\s+running/);
    expect(moved.stdout).toMatch(/hv1\s+stopped/);
    expect(await bridges('hv3')).toContain('lab0');
    expect(await bridges('hv1')).not.toContain('lab0');

    const list = JSON.parse((await as('viewer', 'net-list', '--host', 'hv3', '--json')).stdout);
    expect(list.map((n: { name: string }) => n.name)).toEqual(['labelled']);
    const hosts = JSON.parse((await as('viewer', 'host-list', '--json')).stdout);
    expect(hosts.find((h: { name: string }) => h.name === 'hv3')).toMatchObject({ labels: { rack: 'b' }, online: true, networks: ['labelled'] });

    const undefineRunning = await as('operator', 'net-undefine', 'labelled');
    expect(undefineRunning.exitCode).toBe(1);
    expect(undefineRunning.stderr).toMatch(/still active on hv3; run net-destroy first \(or net-undefine --destroy\)/);
    expect((await as('operator', 'net-undefine', 'labelled', '--destroy', '--wait')).exitCode).toBe(0);
    expect(await bridges('hv3')).not.toContain('lab0');
  });

  test('refuses unknown hosts and selectors that match nothing, naming them', async () => {
    const file = await networkFile('nowhere', 'nw0', '00000000000000a2');
    expect((await as('operator', 'net-define', file, '--host', 'hv9')).stderr).toMatch(/unknown host 'hv9'; register with host-add/);
    expect((await as('operator', 'net-define', file, '--hosts', 'rack=z')).stderr).toMatch(/no host has the labels rack=z/);
    expect((await as('operator', 'net-define', file)).stderr).toMatch(/has no hosts to run on/);
  });

  test('net-create makes a transient network that is gone once destroyed', async () => {
    const file = await networkFile('transient', 'tr0', '00000000000000a3');
    const created = await as('operator', 'net-create', file, '--host', 'hv2', '--wait');
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toMatch(/hv2\s+running/);
    expect(JSON.parse((await as('viewer', 'net-info', 'transient', '--json')).stdout)).toMatchObject({ persistent: false, active: true });
    expect((await as('operator', 'net-autostart', 'transient')).stderr).toMatch(/transient/);
    expect((await as('operator', 'net-destroy', 'transient', '--wait')).exitCode).toBe(0);
    expect(await bridges('hv2')).not.toContain('tr0');
    expect((await as('viewer', 'net-info', 'transient')).stderr).toMatch(/network 'transient' is not defined/);
  });

  test('an autostart network comes up when one of its hosts\' agent starts', async () => {
    const file = await networkFile('auto', 'au0', '00000000000000a4');
    await as('operator', 'net-define', file, '--host', 'hv1');
    expect((await as('operator', 'net-autostart', 'auto')).stdout).toMatch(/marked as autostarted/);
    await fleet.stopAgent('hv1');
    await fleet.startAgent('hv1');
    await until(async () => (await bridges('hv1')).includes('au0'), 'the autostart network on hv1', { timeoutMs: 20_000, pollMs: 200 });
    const info = JSON.parse((await as('viewer', 'net-info', 'auto', '--json')).stdout);
    expect(info).toMatchObject({ active: true, autostart: true });
    const history = JSON.parse((await as('viewer', 'net-history', 'auto', '--json')).stdout) as { type: string; actor: string }[];
    expect(history.find((e) => e.type === 'NetworkStarted')?.actor).toBe('netfleet:autostart');
    await as('operator', 'net-autostart', 'auto', '--disable');
    await as('operator', 'net-undefine', 'auto', '--destroy', '--wait');
  });

  test('net-edit records the change with its diff, and refuses a stale edit', async () => {
    const file = await networkFile('edited', 'ed0', '00000000000000a5');
    await as('operator', 'net-define', file, '--host', 'hv1');
    const edit = await execa(process.execPath, [join(process.cwd(), 'services/cli/bin/netfleet.js'), 'net-edit', 'edited'], {
      reject: false, env: { NETFLEET_API: fleet.apiUrl, NETFLEET_TOKEN: tokens.operator, EDITOR: "sed -i s/hwdesc='edited'/hwdesc='renamed'/" },
    });
    expect(edit.stdout).toBe('Network edited XML configuration edited.');
    expect((await as('viewer', 'net-dumpxml', 'edited')).stdout).toContain("hwdesc='renamed'");
    const history = (await as('viewer', 'net-history', 'edited')).stdout;
    expect(history).toMatch(/^\s+-.*hwdesc='edited'/m);
    expect(history).toMatch(/^\s+\+.*hwdesc='renamed'/m);
    expect(history).toMatch(/otto/);

    // Someone else's change between reading and writing: the stale write is refused.
    const stale = await fetch(`${fleet.apiUrl}/v1/networks`, {
      method: 'POST', headers: { authorization: `Bearer ${tokens.operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ xml: await readFile(file, 'utf8'), expectedVersion: 1 }),
    });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { message: string }).message).toMatch(/changed since version 1/);
    const staleByEtag = await fetch(`${fleet.apiUrl}/v1/networks`, {
      method: 'POST', headers: { authorization: `Bearer ${tokens.operator}`, 'content-type': 'application/json', 'if-match': '"1"' },
      body: JSON.stringify({ xml: await readFile(file, 'utf8') }),
    });
    expect(staleByEtag.status).toBe(409);
  });

  test('roles: viewers look, operators act, admins manage tokens and hosts; refusals record nothing', async () => {
    const file = await networkFile('guarded', 'gd0', '00000000000000a6');
    const before = await eventCount();
    const viewerDefine = await as('viewer', 'net-define', file, '--host', 'hv1');
    expect(viewerDefine.exitCode).toBe(1);
    expect(viewerDefine.stderr).toMatch(/vera has role viewer, but this needs operator/);
    expect((await as('operator', 'host-add', 'hv7')).stderr).toMatch(/otto has role operator, but this needs admin/);
    expect((await as('operator', 'token-create', 'mallory', '--role', 'admin')).stderr).toMatch(/needs admin/);
    expect((await runCli(['net-list'], { apiUrl: fleet.apiUrl, token: 'nf_nonsense' })).stderr).toMatch(/API token is not valid/);
    expect(await eventCount()).toBe(before);

    expect((await as('viewer', 'net-list', '--all')).exitCode).toBe(0);
    expect((await cli('token-revoke', 'vera')).exitCode).toBe(0);
    expect((await as('viewer', 'net-list')).stderr).toMatch(/API token is not valid/);
  });

  test('net-event streams lifecycle events live, as virsh net-event does', async () => {
    const file = await networkFile('watched', 'wa0', '00000000000000a7');
    // Replay from just before the define, so nothing depends on when the stream connects.
    const from = Number((await fleet.database.db.selectFrom('events').select((eb) => eb.fn.max('position').as('p')).executeTakeFirst())?.p ?? 0);
    await as('operator', 'net-define', file, '--host', 'hv2');
    const output: string[] = [];
    const events = execa(process.execPath, [join(process.cwd(), 'services/cli/bin/netfleet.js'), 'net-event', '--loop', '--network', 'watched', '--after', String(from), '--timeout', '30'], {
      reject: false, env: { NETFLEET_API: fleet.apiUrl, NETFLEET_TOKEN: tokens.operator },
    });
    events.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    await as('operator', 'net-start', 'watched', '--wait');
    await until(() => output.join('').includes('on hv2: Started'), 'the host-lifecycle event', { timeoutMs: 15_000, wake: onData(events.stdout!) });
    events.kill('SIGINT');
    await events;
    const text = output.join('');
    expect(text).toMatch(/event 'lifecycle' for network watched: Defined/);
    expect(text).toMatch(/event 'lifecycle' for network watched: Started/);
    await as('operator', 'net-undefine', 'watched', '--destroy', '--wait');
  });

  test('serves its OpenAPI document and answers client mistakes with 4xx and a clear body', async () => {
    const doc = (await (await fetch(`${fleet.apiUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/networks', '/v1/networks/{name}/start', '/v1/hosts', '/v1/tokens', '/v1/events/stream']));
    const bad = await fetch(`${fleet.apiUrl}/v1/networks`, { method: 'POST', headers: { authorization: `Bearer ${tokens.operator}`, 'content-type': 'application/json' }, body: '{"hosts": ["hv1"]}' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'NF_API_BAD_REQUEST' });
    const xml = await fetch(`${fleet.apiUrl}/v1/networks`, { method: 'POST', headers: { authorization: `Bearer ${tokens.operator}`, 'content-type': 'application/xml' }, body: '<network><name>x</name><bridge name="a/b"/></network' });
    expect(xml.status).toBe(400);
    expect(((await xml.json()) as { code: string }).code).toMatch(/^NF_XML_/);
  });
});
