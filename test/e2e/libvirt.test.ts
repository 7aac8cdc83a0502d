import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect } from 'vitest';
import { fleetTest } from '../support/fleet-test';
import type { TestFleet } from '../support/test-fleet';
import { makeTestDir } from '../support/test-names';
import { until } from '../support/until';

const test = fleetTest({ hosts: ['hv1', 'hv2'], controller: true, libvirt: true });

/**
 * The host's own libvirt knows the network: the RFC's network started on hv1 and hv2 is
 * registered in each host's (sandboxed, real) libvirtd, a VM attaches to it by name, the fleet
 * sees the VM's port, and libvirt's copy is repaired when removed by hand and removed when the
 * network stops.
 */
describe('libvirt: networks registered on every host, VMs attach by name', () => {
  let fleet: TestFleet;
  let dir: string;
  let xml: string;
  const virsh = (host: string, ...args: string[]) => execa('virsh', ['-q', '-c', fleet.host(host).libvirt!.uri, ...args], { reject: false });
  const netInfo = async (host: string) => {
    const info = await virsh(host, 'net-info', '--network', 'ofnet');
    return info.exitCode === 0 ? String(info.stdout) : undefined;
  };

  test.beforeAll(async ({ fleet: started }) => {
    fleet = started;
    dir = await makeTestDir('libvirt');
    const example = await readFile(new URL('../../examples/ofnet.xml', import.meta.url), 'utf8');
    xml = example.replace('port="6633"', `port="${fleet.controller.port}"`);
  }, 180_000);

  test.afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a started network is an active libvirt network on both hosts, marked as netfleet\'s', async () => {
    const answer = await fleet.defineAndStart(xml, ['hv1', 'hv2']);
    expect(answer.hosts.map((h) => [h.host, h.outcome])).toEqual([['hv1', 'running'], ['hv2', 'running']]);
    const uuid = String((await fleet.http('GET', '/v1/networks/ofnet')).body['uuid']);
    for (const host of ['hv1', 'hv2']) {
      const list = await virsh(host, 'net-list');
      expect(list.stdout).toMatch(/ofnet\s+active/);
      const dumped = String((await virsh(host, 'net-dumpxml', '--network', 'ofnet')).stdout);
      expect(dumped).toContain(`<uuid>${uuid}</uuid>`);
      expect(dumped).toContain("<forward mode='bridge'/>");
      expect(dumped).toContain("<bridge name='dp0'/>");
      expect(dumped).toContain("<virtualport type='openvswitch'/>");
      expect(dumped).toMatch(/<netfleet:network xmlns:netfleet="https:\/\/netfleet\.dev\/xmlns\/libvirt-network\/1" owner="netfleet"\/>/);
    }
    const { hosts } = (await fleet.http<{ hosts: { name: string; libvirt?: string }[] }>('GET', '/v1/hosts')).body;
    expect(hosts.find((h) => h.name === 'hv1')?.libvirt).toBe(fleet.host('hv1').libvirt!.uri);
  }, 120_000);

  test('a libvirt network removed by hand comes back, reported as drift', async () => {
    const after = await fleet.lastPosition('hv2');
    expect((await virsh('hv2', 'net-destroy', '--network', 'ofnet')).exitCode).toBe(0);
    expect((await virsh('hv2', 'net-undefine', '--network', 'ofnet')).exitCode).toBe(0);
    const drift = await fleet.untilEvent('hv2', (e) => e.type === 'DriftDetected' && (e.data['differences'] as string[]).some((d) => d.includes('libvirt network ofnet missing')), 60_000, 'hv2 to report the libvirt network as drift', after);
    expect(drift.data).toMatchObject({ network: 'ofnet', bridge: 'dp0', repaired: true });
    await until(async () => /Active:\s+yes/.test((await netInfo('hv2')) ?? '') && /Persistent:\s+yes/.test((await netInfo('hv2')) ?? ''), 'ofnet to be defined and active again on hv2', { timeoutMs: 30_000, pollMs: 200 });
  }, 90_000);

  test('net-destroy --wait removes the libvirt network from both hosts', async () => {
    const stopped = await fleet.http<{ hosts: { host: string; outcome: string }[] }>('POST', '/v1/networks/ofnet/destroy?wait=true&timeout=30');
    expect(stopped.body.hosts.map((h) => h.outcome)).toEqual(['stopped', 'stopped']);
    for (const host of ['hv1', 'hv2']) expect(await netInfo(host)).toBeUndefined();
  }, 60_000);

  test('a libvirt network of that name netfleet did not create is left alone, and the start fails on that host', async () => {
    const foreign = join(dir, 'foreign.xml');
    await writeFile(foreign, "<network><name>ofnet</name><bridge name='virbr9'/></network>\n");
    expect((await virsh('hv1', 'net-define', '--file', foreign)).exitCode).toBe(0);
    const started = await fleet.http<{ hosts: { host: string; outcome: string; error?: string }[] }>('POST', '/v1/networks/ofnet/start?wait=true&timeout=30');
    const hv1 = started.body.hosts.find((h) => h.host === 'hv1');
    expect(hv1?.outcome).toBe('failed');
    expect(hv1?.error).toMatch(/already has a network named ofnet that netfleet did not create/);
    expect(started.body.hosts.find((h) => h.host === 'hv2')?.outcome).toBe('running');
    expect(String((await virsh('hv1', 'net-dumpxml', '--network', 'ofnet')).stdout)).toContain("<bridge name='virbr9'");
    expect((await virsh('hv1', 'net-undefine', '--network', 'ofnet')).exitCode).toBe(0);
  }, 60_000);
});
