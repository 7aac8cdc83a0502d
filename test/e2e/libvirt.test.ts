import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect } from 'vitest';
import { fleetTest } from '../support/fleet-test';
import { runCli } from '../support/run-cli';
import type { TestFleet } from '../support/test-fleet';
import { makeTestDir } from '../support/test-names';
import { until } from '../support/until';

const test = fleetTest({ hosts: ['hv1', 'hv2'], controller: true, libvirt: true });
const VM_MAC = '52:54:00:0f:ee:01';

/** A diskless guest on the network by name; started paused, it never runs (KVM where there is one, else TCG). */
const domainXml = (name: string, mac: string) => `<domain type='${existsSync('/dev/kvm') ? 'kvm' : 'qemu'}'>
  <name>${name}</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <interface type='network'><source network='ofnet'/><mac address='${mac}'/><model type='virtio'/></interface>
  </devices>
</domain>
`;

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
    expect((await fleet.http('POST', '/v1/networks', { xml, hosts: ['hv1', 'hv2'] })).status).toBe(201);
    const answer = (await fleet.http<{ hosts: { host: string; outcome: string }[] }>('POST', '/v1/networks/ofnet/start?wait=true&timeout=120')).body;
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
  }, 300_000);

  test('netfleet\'s autostart is the libvirt network\'s autostart', async () => {
    expect((await fleet.http('PUT', '/v1/networks/ofnet/autostart', { autostart: true })).status).toBeLessThan(300);
    for (const host of ['hv1', 'hv2']) {
      await until(async () => /Autostart:\s+yes/.test((await netInfo(host)) ?? ''), `autostart on in ${host}'s libvirt`, { timeoutMs: 90_000, pollMs: 200 });
    }
  }, 180_000);

  test('a VM attached by network name shows as a port on the datapath, and netfleet reports it attached, then detached', async () => {
    const hv1 = fleet.host('hv1');
    await hv1.libvirt!.addBridgeDevice('dp0');
    const domainFile = join(dir, 'vm.xml');
    await writeFile(domainFile, domainXml('nf-vm1', VM_MAC));
    const after = await fleet.lastPosition('hv1');
    const created = await virsh('hv1', 'create', '--file', domainFile, '--paused');
    expect(created.stderr).toBe('');
    const vmUuid = String((await virsh('hv1', 'domuuid', '--domain', 'nf-vm1')).stdout).trim();
    expect(vmUuid).toMatch(/^[0-9a-f-]{36}$/);

    // OVS: libvirt's own ovs-vsctl put the VM's interface on dp0, with its external_ids.
    const port = await until(async () => (await hv1.vsctl('list-ports', 'dp0')).split('\n').find((p) => p.startsWith('vnet')), 'the VM\'s port on dp0', { timeoutMs: 90_000, pollMs: 200 });
    expect(await hv1.vsctl('get', 'Interface', port, 'external_ids:vm-id')).toBe(`"${vmUuid}"`);
    expect(await hv1.vsctl('get', 'Interface', port, 'external_ids:attached-mac')).toBe(`"${VM_MAC}"`);

    const attached = await fleet.untilEvent('hv1', (e) => e.type === 'PortAttached' && e.data['interface'] === port, 90_000, 'PortAttached from hv1', after);
    expect(attached.data).toMatchObject({ host: 'hv1', network: 'ofnet', bridge: 'dp0', interface: port, mac: VM_MAC, vmUuid, domain: 'nf-vm1' });

    const ports = await fleet.http<{ network: string; hosts: { host: string; ports: { interface: string; vmUuid: string | null; domain: string | null; mac: string | null }[] }[] }>('GET', '/v1/networks/ofnet/ports');
    expect(ports.status).toBe(200);
    expect(ports.body.hosts.find((h) => h.host === 'hv1')?.ports).toEqual([expect.objectContaining({ interface: port, vmUuid, domain: 'nf-vm1', mac: VM_MAC })]);
    expect(ports.body.hosts.find((h) => h.host === 'hv2')?.ports).toEqual([]);
    const table = await runCli(['net-ports', 'ofnet'], fleet);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`hv1\\s+${port}\\s+nf-vm1\\s+${vmUuid}\\s+${VM_MAC}`));
    const json = JSON.parse((await runCli(['net-ports', 'ofnet', '--json'], fleet)).stdout);
    expect(json.hosts[0].ports[0].vmUuid).toBe(vmUuid);

    // A port nobody's VM owns is listed as such.
    await hv1.vsctl('add-port', 'dp0', 'tap-free', '--', 'set', 'Interface', 'tap-free', 'type=internal');
    await fleet.untilEvent('hv1', (e) => e.type === 'PortAttached' && e.data['interface'] === 'tap-free', 90_000, 'PortAttached for the port of no VM', after);
    expect((await runCli(['net-ports', 'ofnet'], fleet)).stdout).toMatch(/hv1\s+tap-free\s+\(no VM\)/);
    await hv1.vsctl('del-port', 'dp0', 'tap-free');

    expect((await virsh('hv1', 'destroy', '--domain', 'nf-vm1')).exitCode).toBe(0);
    const detached = await fleet.untilEvent('hv1', (e) => e.type === 'PortDetached' && e.data['interface'] === port, 90_000, 'PortDetached from hv1', attached.position);
    expect(detached.data).toMatchObject({ network: 'ofnet', mac: VM_MAC, vmUuid });
    const history = await runCli(['net-history', 'ofnet', '--type', 'PortDetached'], fleet);
    expect(history.stdout).toContain(`port ${port} (${VM_MAC}) of VM nf-vm1 (${vmUuid}) detached from dp0 on hv1`);
  }, 300_000);

  test('a libvirt network removed by hand comes back, reported as drift', async () => {
    const after = await fleet.lastPosition('hv2');
    expect((await virsh('hv2', 'net-destroy', '--network', 'ofnet')).exitCode).toBe(0);
    expect((await virsh('hv2', 'net-undefine', '--network', 'ofnet')).exitCode).toBe(0);
    const drift = await fleet.untilEvent('hv2', (e) => e.type === 'DriftDetected' && (e.data['differences'] as string[]).some((d) => d.includes('libvirt network ofnet missing')), 90_000, 'hv2 to report the libvirt network as drift', after);
    expect(drift.data).toMatchObject({ network: 'ofnet', bridge: 'dp0', repaired: true });
    await until(async () => /Active:\s+yes/.test((await netInfo('hv2')) ?? '') && /Persistent:\s+yes/.test((await netInfo('hv2')) ?? ''), 'ofnet to be defined and active again on hv2', { timeoutMs: 90_000, pollMs: 200 });
  }, 180_000);

  test('net-destroy --wait removes the libvirt network from both hosts', async () => {
    const stopped = await fleet.http<{ hosts: { host: string; outcome: string }[] }>('POST', '/v1/networks/ofnet/destroy?wait=true&timeout=120');
    expect(stopped.body.hosts.map((h) => h.outcome)).toEqual(['stopped', 'stopped']);
    for (const host of ['hv1', 'hv2']) expect(await netInfo(host)).toBeUndefined();
  }, 180_000);

  test('a libvirt network of that name netfleet did not create is left alone, and the start fails on that host', async () => {
    const foreign = join(dir, 'foreign.xml');
    await writeFile(foreign, "<network><name>ofnet</name><bridge name='virbr9'/></network>\n");
    expect((await virsh('hv1', 'net-define', '--file', foreign)).exitCode).toBe(0);
    const started = await fleet.http<{ hosts: { host: string; outcome: string; error?: string }[] }>('POST', '/v1/networks/ofnet/start?wait=true&timeout=120');
    const hv1 = started.body.hosts.find((h) => h.host === 'hv1');
    expect(hv1?.outcome).toBe('failed');
    expect(hv1?.error).toMatch(/already has a network named ofnet that netfleet did not create/);
    expect(started.body.hosts.find((h) => h.host === 'hv2')?.outcome).toBe('running');
    expect(String((await virsh('hv1', 'net-dumpxml', '--network', 'ofnet')).stdout)).toContain("<bridge name='virbr9'");
    expect((await virsh('hv1', 'net-undefine', '--network', 'ofnet')).exitCode).toBe(0);
  }, 180_000);
});
