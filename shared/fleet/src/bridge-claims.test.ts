import { describe, expect, it } from 'vitest';
import { bridgeClaimsOf, bridgeOfXml, spellingsOfBridge } from './bridge-claims';

const datapath = "<network type='ovs-datapath'>\n  <name>a</name>\n  <datapath name='dp0'/>\n</network>\n";
const libvirtOvs = "<network>\n  <name>b</name>\n  <forward mode='bridge'/>\n  <bridge name='ovsbr0'/>\n  <virtualport type='openvswitch'/>\n</network>\n";
const linuxBridge = "<network>\n  <name>c</name>\n  <bridge name='virbr0'/>\n</network>\n";

describe('bridgeClaimsOf', () => {
  it("names the OVS bridge of each network that has one (netxml's ovsBridgeOf), with its hosts", () => {
    expect(bridgeClaimsOf([{ name: 'a', hosts: ['hv1'], xml: datapath }, { name: 'b', hosts: ['hv2'], xml: libvirtOvs }, { name: 'c', hosts: ['hv1'], xml: linuxBridge }]))
      .toEqual([{ network: 'a', bridge: 'dp0', hosts: ['hv1'] }, { network: 'b', bridge: 'ovsbr0', hosts: ['hv2'] }]);
  });

  it('answers the same for the same definition, asked again', () => {
    expect([bridgeOfXml(linuxBridge), bridgeOfXml(linuxBridge), bridgeOfXml(datapath), bridgeOfXml(datapath)]).toEqual([undefined, undefined, 'dp0', 'dp0']);
  });
});

describe('spellingsOfBridge', () => {
  it('is the name as written, and as the canonical writer escapes it when that differs', () => {
    expect(spellingsOfBridge('dp0')).toEqual(['dp0']);
    expect(spellingsOfBridge("a&b'c")).toEqual(["a&b'c", 'a&amp;b&apos;c']);
  });
});
