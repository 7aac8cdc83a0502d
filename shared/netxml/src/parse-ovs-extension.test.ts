import { describe, expect, it } from 'vitest';
import { formatNetworkXml } from './format-network-xml.ts';
import { NetworkXmlError } from './network-xml-error.ts';
import { parseNetworkXml } from './parse-network-xml.ts';
import { problemsOf } from './testing/problems-of.ts';

const OFNET = `<network type="ovs-datapath">
  <name>ofnet</name>
  <uuid>6f1e6d2a-2c55-4f0b-9d7e-0c9a3c1b2a10</uuid>
  <datapath name="dp0" id="0000000000000abc" hwdesc="rfovs"/>
  <controller protocol="tcp" address="127.0.0.1" port="6633" outofband="yes"/>
</network>
`;


/** An ovs-datapath network around the given datapath/controller/pki lines. */
function ovsNetwork(...lines: string[]): string {
  return ['<network type="ovs-datapath">', '  <name>ofnet</name>', ...lines.map((l) => `  ${l}`), '</network>'].join('\n');
}

describe('ovs-datapath parse', () => {
  it('reads the RFC example into the model', () => {
    const def = parseNetworkXml(OFNET);
    expect(def).toMatchObject({
      type: 'ovs-datapath',
      name: 'ofnet',
      uuid: '6f1e6d2a-2c55-4f0b-9d7e-0c9a3c1b2a10',
      datapath: { name: 'dp0', id: '0000000000000abc', hwdesc: 'rfovs' },
      controllers: [{ protocol: 'tcp', mode: 'active', address: '127.0.0.1', port: 6633, outOfBand: true }],
    });
    expect(def.pki).toBeUndefined();
  });

  it('formats the RFC example canonically and round-trips it', () => {
    const xml = formatNetworkXml(parseNetworkXml(OFNET));
    expect(xml).toBe(
      [
        "<network type='ovs-datapath'>",
        '  <name>ofnet</name>',
        '  <uuid>6f1e6d2a-2c55-4f0b-9d7e-0c9a3c1b2a10</uuid>',
        "  <datapath name='dp0' id='0000000000000abc' hwdesc='rfovs'/>",
        "  <controller protocol='tcp' address='127.0.0.1' port='6633' outofband='yes'/>",
        '</network>',
        '',
      ].join('\n'),
    );
    expect(formatNetworkXml(parseNetworkXml(xml))).toBe(xml);
  });

  it('reads every knob, passive mode, unix, ssl and pki', () => {
    const def = parseNetworkXml(
      ovsNetwork(
        '<datapath name="dp0" id="00000000000000AB" mfrdesc="m" swdesc="s" failmode="secure"/>',
        '<controller protocol="ssl" address="2001:DB8::1" port="6653" maxbackoff="8000" inactivityprobe="0" ratelimit="1000" burstlimit="100"/>',
        '<controller protocol="tcp" mode="passive" port="6634"/>',
        '<controller protocol="unix" path="/run/openvswitch/ctl.sock"/>',
        '<controller protocol="unix" mode="passive" path="/run/openvswitch/dp0.listen"/>',
        '<pki privatekey="/etc/ovs/key.pem" certificate="/etc/ovs/cert.pem" cacert="/etc/ovs/ca.pem"/>',
      ),
    );
    expect(def.datapath).toEqual({ name: 'dp0', id: '00000000000000ab', mfrdesc: 'm', swdesc: 's', failMode: 'secure' });
    expect(def.controllers).toEqual([
      {
        protocol: 'ssl',
        mode: 'active',
        address: '2001:db8::1',
        port: 6653,
        outOfBand: false,
        maxBackoffMs: 8000,
        inactivityProbeMs: 0,
        rateLimit: 1000,
        burstLimit: 100,
      },
      { protocol: 'tcp', mode: 'passive', port: 6634, outOfBand: false },
      { protocol: 'unix', mode: 'active', path: '/run/openvswitch/ctl.sock', outOfBand: false },
      { protocol: 'unix', mode: 'passive', path: '/run/openvswitch/dp0.listen', outOfBand: false },
    ]);
    expect(def.pki).toEqual({ privateKey: '/etc/ovs/key.pem', certificate: '/etc/ovs/cert.pem', caCert: '/etc/ovs/ca.pem' });
  });

  it('round-trips the README example, already canonical', () => {
    const xml = [
      "<network type='ovs-datapath'>",
      '  <name>ofnet</name>',
      '  <uuid>6f1e6d2a-2c55-4f0b-9d7e-0c9a3c1b2a10</uuid>',
      "  <datapath name='dp0' id='0000000000000abc' hwdesc='rfovs' failmode='secure'/>",
      "  <controller protocol='tcp' address='127.0.0.1' port='6633' outofband='yes'/>",
      "  <controller protocol='ssl' address='2001:db8::10' maxbackoff='8000' inactivityprobe='30000' ratelimit='1000' burstlimit='100'/>",
      "  <controller protocol='tcp' mode='passive' address='127.0.0.1' port='6634'/>",
      "  <controller protocol='unix' path='/run/openvswitch/ofnet.ctl'/>",
      "  <pki privatekey='/etc/openvswitch/key.pem' certificate='/etc/openvswitch/cert.pem' cacert='/etc/openvswitch/cacert.pem'/>",
      '</network>',
      '',
    ].join('\n');
    expect(formatNetworkXml(parseNetworkXml(xml))).toBe(xml);
  });

  it('accepts an ovs-datapath network without a controller', () => {
    expect(parseNetworkXml(ovsNetwork('<datapath name="dp0"/>')).controllers).toEqual([]);
  });

  it('uses newUuid when <uuid> is missing, and leaves it out otherwise', () => {
    const xml = ovsNetwork('<datapath name="dp0"/>');
    expect(parseNetworkXml(xml).uuid).toBeUndefined();
    expect(parseNetworkXml(xml, { newUuid: () => 'AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE' }).uuid).toBe(
      'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    );
  });
});

describe('ovs-datapath rules', () => {
  it.each([
    ['', "missing required attribute 'name' of <datapath>"],
    ['name="abcdefghijklmnop"', 'at most 15 bytes'],
    ['name="abcdefghijklmno" id="1"', 'must be 16 hex digits'],
    ['name="a:b"', "must not contain ':'"],
    ['name="a/b"', "must not contain '/'"],
    ['name="a b"', 'must not contain whitespace'],
    ['name="."', "must not be '.' or '..'"],
    ['name=".."', "must not be '.' or '..'"],
    ['name="dp0" id="12g"', "datapath id '12g' in network 'ofnet' must be 16 hex digits (/network/datapath/@id, line 3)"],
    ['name="dp0" id="0000000000000000"', 'must not be all zeros'],
    ['name="dp0" id="00000000000000abc"', 'must be 16 hex digits'],
    ['name="dp0" failmode="open"', "must be one of 'standalone', 'secure'"],
    ['name="dp0" hwdesc="' + 'x'.repeat(256) + '"', 'at most 255 bytes'],
    ['name="dp0" colour="red"', "unknown attribute 'colour' of <datapath>"],
  ])('datapath %s is refused: %s', (attributes, message) => {
    const problems = problemsOf(ovsNetwork(`<datapath ${attributes}/>`));
    expect(problems.join('\n')).toContain(message);
  });

  it.each([
    ['protocol="tcp"', "missing required attribute 'address' of <controller>"],
    ['protocol="udp" address="127.0.0.1"', "must be one of 'tcp', 'ssl', 'unix'"],
    ['address="127.0.0.1"', "missing required attribute 'protocol'"],
    ['protocol="tcp" address="127.0.0.256"', 'must be an IPv4 or IPv6 address'],
    ['protocol="tcp" address="localhost"', 'must be an IPv4 or IPv6 address'],
    ['protocol="tcp" address="127.0.0.1" port="0"', 'from 1 to 65535'],
    ['protocol="tcp" address="127.0.0.1" port="65536"', 'from 1 to 65535'],
    ['protocol="tcp" address="127.0.0.1" port="66x"', 'from 1 to 65535'],
    ['protocol="tcp" address="127.0.0.1" outofband="maybe"', "must be 'yes' or 'no'"],
    ['protocol="tcp" address="127.0.0.1" mode="listen"', "must be one of 'active', 'passive'"],
    ['protocol="unix"', "missing required attribute 'path'"],
    ['protocol="unix" path="/s" address="127.0.0.1"', "is not allowed with protocol 'unix'"],
    ['protocol="unix" path="/s" port="6633"', "is not allowed with protocol 'unix'"],
    ['protocol="unix" path="relative.sock"', 'must be an absolute path'],
    ['protocol="unix" path="/' + 'x'.repeat(120) + '"', 'at most 107 bytes'],
    ['protocol="tcp" address="127.0.0.1" path="/s"', "is not allowed with protocol 'tcp'"],
    ['protocol="tcp" address="127.0.0.1" ratelimit="99"', 'from 100 to'],
    ['protocol="tcp" address="127.0.0.1" ratelimit="100" burstlimit="24"', 'from 25 to'],
    ['protocol="tcp" address="127.0.0.1" burstlimit="30"', 'needs ratelimit'],
    ['protocol="tcp" address="127.0.0.1" maxbackoff="999"', 'from 1000 to'],
    ['protocol="tcp" address="127.0.0.1" inactivityprobe="100"', 'must be 0 (off) or from 5000'],
    ['protocol="ssl" address="127.0.0.1"', 'needs a <pki> element'],
    ['protocol="tcp" address="127.0.0.1" outofbnad="yes"', "unknown attribute 'outofbnad'"],
    // what OVS's target parsing (lib/socket-util.c, lib/stream-unix.c) and ovs-vswitchd refuse
    ['protocol="tcp" address="fe80::1%eth0"', "address 'fe80::1%eth0' in network 'ofnet' must not carry an IPv6 zone id"],
    ['protocol="tcp" address="fe80::1%2"', 'must not carry an IPv6 zone id'],
    ['protocol="tcp" address="[::1]"', 'must be written without brackets'],
    ['protocol="tcp" address="127.0.0.1:6633"', 'must be an IPv4 or IPv6 address'],
    ['protocol="tcp" address="010.0.0.1"', 'must be an IPv4 or IPv6 address'],
    ['protocol="tcp" address="224.0.0.1"', 'must not be a multicast address'],
    ['protocol="ssl" address="ff02::1"', 'must not be a multicast address'],
    ['protocol="tcp" address="255.255.255.255"', 'must not be the broadcast address'],
    ['protocol="tcp" address="127.0.0.1" port="-1"', 'from 1 to 65535'],
    ['protocol="tcp" address="127.0.0.1" port="99999999999999999999"', 'from 1 to 65535'],
    ['protocol="unix" path="/run/openvswitch/my ctl.sock"', 'must not contain whitespace'],
    ['protocol="unix" path="/run/openvswitch/a&#10;b"', 'must not contain control characters'],
    ['protocol="unix" path="/run/openvswitch/../../etc/x"', "must not contain '.' or '..' segments"],
    ['protocol="unix" path="/run//x"', "must not contain '//'"],
    ['protocol="unix" path="/run/openvswitch/"', "must name a file, not end in '/'"],
    ['protocol="unix" path="/' + 'é'.repeat(54) + '"', 'at most 107 bytes'],
    ['protocol="unix" mode="passive" path="/run/openvswitch/listen.sock"', "must be a file named 'dp0.<something>' in OVS's run directory"],
    ['protocol="unix" mode="passive" path="/run/openvswitch/dp0."', "must be a file named 'dp0.<something>'"],
    ['protocol="unix" mode="passive" path="/run/openvswitch/dp0.mgmt"', "must not be 'dp0.mgmt'"],
  ])('controller %s is refused: %s', (attributes, message) => {
    const problems = problemsOf(ovsNetwork('<datapath name="dp0"/>', `<controller ${attributes}/>`));
    expect(problems.join('\n')).toContain(message);
  });

  it('names the attribute, value and line of a controller OVS would refuse', () => {
    const xml = ovsNetwork('<datapath name="dp0"/>', '<controller protocol="unix" path="/run/a b"/>');
    let problem: unknown;
    try {
      parseNetworkXml(xml);
    } catch (error) {
      problem = (error as NetworkXmlError).problems[0];
    }
    expect(problem).toEqual({
      path: '/network/controller/@path',
      value: '/run/a b',
      line: 4,
      message:
        "XML error: controller path '/run/a b' in network 'ofnet' must not contain whitespace (netfleet's agent takes a controller target as one word) (/network/controller/@path, line 4)",
    });
  });

  it.each([
    ['<controller protocol="tcp" mode="passive" port="6634"/>', '<controller protocol="ssl" mode="passive" port="6634" address="127.0.0.1"/>'],
    ['<controller protocol="tcp" mode="passive" address="127.0.0.1"/>', '<controller protocol="ssl" mode="passive" port="6633"/>'],
  ])('refuses two passive listeners on one port: %s %s', (first, second) => {
    const problems = problemsOf(ovsNetwork('<datapath name="dp0"/>', first, second, '<pki privatekey="/k" certificate="/c" cacert="/ca"/>'));
    expect(problems.join('\n')).toMatch(/controller port '663[34]' in network 'ofnet' clashes with the passive controller 'ptcp:663[34][^']*' .*line 5\)/);
  });

  it('accepts passive listeners on one port at different addresses, and a well-named passive socket', () => {
    const def = parseNetworkXml(
      ovsNetwork(
        '<datapath name="dp0"/>',
        '<controller protocol="tcp" mode="passive" port="6634" address="127.0.0.1"/>',
        '<controller protocol="tcp" mode="passive" port="6634" address="::1"/>',
        '<controller protocol="unix" mode="passive" path="/var/run/openvswitch/dp0.listen"/>',
      ),
    );
    expect(def.controllers).toHaveLength(3);
  });

  it.each([
    ['privatekey="key.pem"', 'must be an absolute path'],
    ['privatekey="/etc/ovs/../../root/key.pem"', "must not contain '.' or '..' segments"],
    ['privatekey="/etc/ovs/key&#10;.pem"', 'must not contain control characters'],
    ['privatekey="/etc/ovs/"', "must name a file, not end in '/'"],
  ])('refuses a pki file OVS cannot be handed safely: %s', (privatekey, words) => {
    const problems = problemsOf(
      ovsNetwork('<datapath name="dp0"/>', '<controller protocol="ssl" address="127.0.0.1"/>', `<pki ${privatekey} certificate="/c" cacert="/ca"/>`),
    );
    expect(problems.join('\n')).toMatch(new RegExp(`pki privatekey '.*' in network 'ofnet' ${words.replace(/[.'/]/g, '\\$&')} \\(/network/pki/@privatekey, line 5\\)`));
  });

  it('refuses content inside its own elements rather than ignoring it', () => {
    const problems = problemsOf(
      ovsNetwork('<datapath name="dp0"/>', '<controller protocol="tcp" address="127.0.0.1">', '  <backoff max="8000"/>', '</controller>'),
    );
    expect(problems).toEqual([
      "XML error: <controller> takes no child elements in network 'ofnet', found <backoff> (/network/controller/backoff, line 5)",
    ]);
  });

  it('refuses a pki without all three absolute paths', () => {
    const problems = problemsOf(
      ovsNetwork('<datapath name="dp0"/>', '<pki privatekey="key.pem" certificate="/c.pem"/>'),
    );
    expect(problems.join('\n')).toContain("pki privatekey 'key.pem' in network 'ofnet' must be an absolute path");
    expect(problems.join('\n')).toContain("missing required attribute 'cacert' of <pki>");
  });

  it('refuses the same controller target twice', () => {
    const problems = problemsOf(
      ovsNetwork(
        '<datapath name="dp0"/>',
        '<controller protocol="tcp" address="127.0.0.1"/>',
        '<controller protocol="tcp" address="127.0.0.1" port="6633"/>',
      ),
    );
    expect(problems).toEqual([
      "XML error: controller 'tcp:127.0.0.1:6633' is listed twice in network 'ofnet' (/network/controller[2], line 5)",
    ]);
  });

  it('needs a datapath, and refuses libvirt-only elements in an ovs-datapath network', () => {
    const problems = problemsOf(ovsNetwork('<bridge name="br0"/>', '<ip address="10.0.0.1"/>'));
    expect(problems).toEqual([
      "XML error: missing <datapath> element in network 'ofnet' (an ovs-datapath network needs one) (/network/datapath, line 1)",
      "XML error: element <bridge> is not supported in a network of type='ovs-datapath' in network 'ofnet' (allowed: name, uuid, metadata, datapath, controller, pki) (/network/bridge, line 3)",
      "XML error: element <ip> is not supported in a network of type='ovs-datapath' in network 'ofnet' (allowed: name, uuid, metadata, datapath, controller, pki) (/network/ip, line 4)",
    ]);
  });

  it('refuses ovs elements in a bridge network', () => {
    const problems = problemsOf('<network>\n  <name>n</name>\n  <datapath name="dp0"/>\n  <controller protocol="unix" path="/s"/>\n</network>');
    expect(problems).toEqual([
      "XML error: <datapath> is only allowed in a network of type='ovs-datapath' in network 'n' (/network/datapath, line 3)",
      "XML error: <controller> is only allowed in a network of type='ovs-datapath' in network 'n' (/network/controller, line 4)",
    ]);
  });

  it('reports all problems at once, with paths, values and lines', () => {
    let error: NetworkXmlError | undefined;
    try {
      parseNetworkXml(
        ovsNetwork('<datapath name="a/b" id="xyz"/>', '<controller protocol="tcp" address="1.2.3.4" port="70000"/>'),
      );
    } catch (caught) {
      error = caught as NetworkXmlError;
    }
    expect(error?.code).toBe('NF_XML_INVALID');
    expect(error?.problems.map(({ path, line, value }) => ({ path, line, value }))).toEqual([
      { path: '/network/datapath/@name', line: 3, value: 'a/b' },
      { path: '/network/datapath/@id', line: 3, value: 'xyz' },
      { path: '/network/controller/@port', line: 4, value: '70000' },
    ]);
    expect(error?.message.split('\n')).toHaveLength(3);
  });
});
