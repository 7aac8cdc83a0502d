import { describe, expect, it } from 'vitest';
import { formatNetworkXml } from './format-network-xml.ts';
import { NetworkXmlError } from './network-xml-error.ts';
import { parseNetworkXml } from './parse-network-xml.ts';
import { problemsOf } from './testing/problems-of.ts';

/** A libvirt network named 'n' around `body`, one element per line from line 3 on. */
const network = (...body: string[]): string => ['<network>', '  <name>n</name>', ...body.map((l) => `  ${l}`), '</network>'].join('\n');


describe('libvirt network rules', () => {
  it.each([
    [['<name>x</name>'], 'XML error: only one <name> element is allowed in <network> (/network/name[2], line 3)'],
    [['<uuid>not-a-uuid</uuid>'], "malformed uuid 'not-a-uuid' in network 'n' (/network/uuid, line 3)"],
    [["<forward mode='tunnel'/>"], "forward mode 'tunnel' in network 'n' must be one of"],
    [["<forward mode='nat'/>", "<forward mode='route'/>"], 'only one <forward> element is allowed'],
    [["<forward mode='route'><nat/></forward>"], "the <nat> element can only be used when <forward> 'mode' is 'nat'"],
    [["<forward dev='eth0'><interface dev='eth1'/></forward>"], "forward dev 'eth0' in network 'n' must match the first <interface> element's dev 'eth1'"],
    [["<forward mode='nat'><nat><address start='10.0.0.9' end='10.0.0.1'/></nat></forward>"], "address end '10.0.0.1' in network 'n' must not be below start '10.0.0.9'"],
    [["<forward mode='nat'><nat><address start='2001:db8::1' end='2001:db8::2'/></nat></forward>"], 'must be an IPv4 address'],
    [["<forward mode='hostdev'><pf dev='a'/><pf dev='b'/></forward>"], 'only one <pf> element is allowed in <forward>'],
    [["<forward mode='hostdev'><address type='pci' slot='0x20'/></forward>"], "address slot '0x20' in network 'n' must be a number from 0 to 0x1f"],
    [["<forward mode='bridge'/>", "<bridge name='br0' stp='on'/>"], 'bridge delay/stp options only allowed in route, nat, and isolated mode, not in bridge'],
    [["<forward mode='bridge' dev='eth0'/>", "<bridge name='br0'/>"], "can specify a bridge name or a forward dev, but not both (network 'n')"],
    [["<forward mode='private' dev='eth0'/>", "<bridge name='br0'/>"], "bridge name not allowed in private mode (network 'n')"],
    [["<forward mode='bridge' dev='eth0'/>", "<mac address='52:54:00:00:00:01'/>"], "unsupported <mac> element in network 'n' with forward mode='bridge'"],
    [["<mac address='01:00:5e:00:00:01'/>"], 'must not be a multicast address'],
    [["<mac address='52:54:00:00:00'/>"], 'must be a MAC address'],
    [["<mtu size='0'/>"], "mtu size '0' in network 'n' must be an integer from 1 to 65535"],
    [["<bridge name='virbr0' stp='yes'/>"], "bridge stp 'yes' in network 'n' must be 'on' or 'off'"],
    [["<ip address='192.168.1.1' netmask='255.0.255.0'/>"], 'must be a contiguous IPv4 netmask'],
    [["<ip address='192.168.1.1' netmask='255.255.255.0' prefix='24'/>"], 'cannot have both a prefix and a netmask'],
    [["<ip family='ipv6' address='192.168.1.1'/>"], "must be an IPv6 address (family 'ipv6')"],
    [["<ip address='2001:db8::1' prefix='129'/>"], 'must be an integer from 0 to 128'],
    [["<ip address='2001:db8::1' netmask='255.255.255.0'/>"], 'is only allowed with an IPv4 address'],
    [["<ip address='192.168.1.1' prefix='24'><dhcp><range start='192.168.2.2' end='192.168.2.9'/></dhcp></ip>"], 'is not entirely within network 192.168.1.1/24'],
    [["<ip address='192.168.1.1' prefix='24'><dhcp><range start='192.168.1.9' end='192.168.1.2'/></dhcp></ip>"], 'has its start above its end'],
    [["<ip address='192.168.1.1' prefix='24'><dhcp><host ip='192.168.1.9'/></dhcp></ip>"], 'must have mac or name attribute'],
    [["<ip family='ipv6' address='2001:db8::1' prefix='64'><dhcp><host mac='52:54:00:00:00:01' ip='2001:db8::9'/></dhcp></ip>"], 'is not allowed in an IPv6 static host'],
    [["<ip family='ipv6' address='2001:db8::1' prefix='64'><tftp root='/srv'/></ip>"], 'unsupported <tftp> element in an IPv6 element'],
    [["<ip address='10.0.0.1' prefix='8'><dhcp><range start='10.0.0.2' end='10.0.0.9'><lease expiry='5' unit='days'/></range></dhcp></ip>"], "lease unit 'days'"],
    [["<dns enable='no' forwardPlainNames='yes'/>"], "Extra data in disabled network 'n'"],
    [['<dns><forwarder/></dns>'], 'must contain at least one of addr or domain'],
    [["<dns><txt name='a b' value='x'/></dns>"], 'must not contain spaces'],
    [["<dns><srv service='averyveryverylongservice' protocol='tcp'/></dns>"], 'must be at most 15 characters'],
    [["<dns><srv service='ldap' protocol='sctp'/></dns>"], "must be one of 'tcp', 'udp'"],
    [["<dns><host ip='10.0.0.1'/></dns>"], 'has no <hostname>'],
    [['<vlan/>'], 'missing <tag> in <vlan>'],
    [["<vlan trunk='no'><tag id='1'/><tag id='2'/></vlan>"], 'contradicts the multiple <tag> elements'],
    [["<vlan><tag id='4096'/></vlan>"], 'must be an integer from 0 to 4095'],
    [["<vlan><tag id='1' nativeMode='tagged'/><tag id='2' nativeMode='untagged'/></vlan>"], 'may be set on one tag only'],
    [["<bandwidth><inbound peak='10'/></bandwidth>"], 'missing mandatory average or floor attributes'],
    [["<bandwidth><outbound average='10' floor='5'/></bandwidth>"], 'is only supported on <inbound>'],
    [["<virtualport type='802.1Qbg'><parameters profileid='p'/></virtualport>"], "is not a parameter of <virtualport type='802.1Qbg'>"],
    [["<virtualport type='openvswitch'><parameters interfaceid='nope'/></virtualport>"], 'must be a UUID'],
    [["<portgroup name='a'/>", "<portgroup name='a'/>"], 'is used by more than one portgroup'],
    [["<portgroup name='a' default='yes'/>", "<portgroup name='b' default='yes'/>"], 'has multiple default <portgroup> elements (a and b)'],
    [["<route address='10.1.0.0' prefix='16'/>"], "missing required attribute 'gateway' of <route>"],
  ])('%j is refused: %s', (body, message) => {
    expect(problemsOf(network(...body)).join('\n')).toContain(message);
  });

  it('reports every problem of a document in document order, each with its own line', () => {
    const problems = problemsOf(network("<mac address='zz'/>", "<mtu size='-1'/>", "<ip address='1.2.3'/>"));
    expect(problems).toEqual([
      "XML error: mac address 'zz' in network 'n' must be a MAC address (aa:bb:cc:dd:ee:ff) (/network/mac/@address, line 3)",
      "XML error: mtu size '-1' in network 'n' must be an integer from 1 to 65535 (/network/mtu/@size, line 4)",
      "XML error: ip address '1.2.3' in network 'n' must be an IPv4 or IPv6 address (/network/ip/@address, line 5)",
    ]);
  });

  it('reports a repeated element once, even where later rules look at it again', () => {
    const problems = problemsOf(network("<forward mode='bridge'/>", "<bridge name='br0'/>", "<bridge name='br1'/>"));
    expect(problems).toEqual(["XML error: only one <bridge> element is allowed in <network> in network 'n' (/network/bridge[2], line 5)"]);
  });

  it('needs a name without a slash', () => {
    expect(problemsOf('<network/>')).toEqual(['XML error: missing network name (/network/name, line 1)']);
    expect(problemsOf('<network><name>a/b</name></network>')).toEqual([
      "XML error: name 'a/b' cannot contain '/' (/network/name, line 1)",
    ]);
  });

  it('ignores unknown elements, as libvirt does', () => {
    const def = parseNetworkXml(network('<frobnicate level="11"/>', "<bridge name='virbr9'/>"));
    expect(formatNetworkXml(def)).toBe(
      ['<network>', '  <name>n</name>', "  <bridge name='virbr9' stp='on' delay='0'/>", '</network>', ''].join('\n'),
    );
  });

  it('writes every field back in canonical order', () => {
    const xml = network(
      "<route address='10.1.0.0' prefix='16' gateway='192.168.1.2' metric='5'/>",
      "<ip address='192.168.1.1' prefix='24' localPtr='yes'><dhcp><host mac='52:54:00:AA:00:01' ip='192.168.1.9'><lease expiry='2'/></host></dhcp></ip>",
      "<port isolated='no'/>",
      "<domain name='example.org' localOnly='yes'/>",
      "<bandwidth><inbound average='100' floor='50'/></bandwidth>",
      "<forward mode='nat'><nat><port start='1024' end='2048'/></nat></forward>",
      "<bridge name='virbr5' stp='off'/>",
    );
    expect(formatNetworkXml(parseNetworkXml(xml))).toBe(
      [
        '<network>',
        '  <name>n</name>',
        "  <forward mode='nat'>",
        '    <nat>',
        "      <port start='1024' end='2048'/>",
        '    </nat>',
        '  </forward>',
        "  <bridge name='virbr5' stp='off' delay='0'/>",
        "  <domain name='example.org' localOnly='yes'/>",
        '  <bandwidth>',
        "    <inbound average='100' floor='50'/>",
        '  </bandwidth>',
        "  <port isolated='no'/>",
        "  <ip address='192.168.1.1' prefix='24' localPtr='yes'>",
        '    <dhcp>',
        "      <host mac='52:54:00:aa:00:01' ip='192.168.1.9'>",
        "        <lease expiry='2' unit='minutes'/>",
        '      </host>',
        '    </dhcp>',
        '  </ip>',
        "  <route address='10.1.0.0' prefix='16' gateway='192.168.1.2' metric='5'/>",
        '</network>',
        '',
      ].join('\n'),
    );
  });

  it('escapes what it writes', () => {
    const def = parseNetworkXml(network("<dns><txt name='t' value='a&apos;b&lt;c&amp;d\"e'/></dns>"));
    expect(def.dns?.txts[0]?.value).toBe('a\'b<c&d"e');
    expect(formatNetworkXml(def)).toContain("<txt name='t' value='a&apos;b&lt;c&amp;d&quot;e'/>");
  });
});
