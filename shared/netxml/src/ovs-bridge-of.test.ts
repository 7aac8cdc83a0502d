import { describe, expect, it } from 'vitest';
import { ovsBridgeOf } from './ovs-bridge-of.ts';
import { parseNetworkXml } from './parse-network-xml.ts';

const network = (body: string, type = ''): string => `<network${type}><name>n</name>${body}</network>`;

describe('ovsBridgeOf', () => {
  it("recognises libvirt's own Open vSwitch network", () => {
    const def = parseNetworkXml(network("<forward mode='bridge'/><bridge name='ovsbr0'/><virtualport type='openvswitch'/>"));
    expect(ovsBridgeOf(def)).toEqual({ bridge: 'ovsbr0', form: 'libvirt-ovs' });
  });

  it.each([
    ['a Linux bridge', "<forward mode='bridge'/><bridge name='br0'/>"],
    ['a nat network', "<forward mode='nat'/><bridge name='virbr0'/><virtualport type='openvswitch'/>"],
    ['the OVS form without a bridge name', "<forward mode='bridge'/><virtualport type='openvswitch'/>"],
    ['the OVS form with a name template', "<forward mode='bridge'/><bridge name='ovsbr%d'/><virtualport type='openvswitch'/>"],
  ])('is undefined for %s', (_, body) => {
    expect(ovsBridgeOf(parseNetworkXml(network(body)))).toBeUndefined();
  });

  it('is the datapath name for an ovs-datapath network', () => {
    expect(ovsBridgeOf(parseNetworkXml(network("<datapath name='dp0'/>", " type='ovs-datapath'")))).toEqual({ bridge: 'dp0', form: 'ovs-datapath' });
  });
});

describe("libvirt's bridge name template", () => {
  it("accepts one '%d', as libvirt does, and keeps it", () => {
    expect(parseNetworkXml(network("<bridge name='virbr%d'/>")).bridge?.name).toBe('virbr%d');
  });

  it.each(['br%s', 'br%d%d', 'b%dxxxxxxxxxxxxxx'])("refuses '%s'", (name) => {
    expect(() => parseNetworkXml(network(`<bridge name='${name}'/>`))).toThrow(/bridge/);
  });
});
