import { describe, expect, it } from 'vitest';
import { interfaceNameProblem } from './interface-name.ts';
import { NetworkXmlError } from './network-xml-error.ts';
import { parseNetworkXml } from './parse-network-xml.ts';

describe('interface names (kernel, systemd and argv rules)', () => {
  it.each([
    ['', 'must not be empty'],
    ['-x', "must not start with '-'"],
    ['--', "must not start with '-'"],
    ['--help', "must not start with '-'"],
    ['a:b', "must not contain ':'"],
    ['br%d', "must not contain '%'"],
    ['a/b', "must not contain '/'"],
    ['a b', 'must not contain whitespace'],
    ['a\tb', 'must not contain whitespace'],
    ['a\u00a0b', 'must not contain whitespace'],
    ['a\u0001b', 'must not contain control characters'],
    ['a\u007fb', 'must not contain control characters'],
    ['a\u0085b', 'must not contain control characters'],
    ['brü', 'must be printable ASCII'],
    ['br😀', 'must be printable ASCII'],
    ['abcdefghijklmnop', 'at most 15 bytes'],
    ['.', "must not be '.' or '..'"],
    ['..', "must not be '.' or '..'"],
    ['123', 'must not be all digits'],
  ])('%j is refused: %s', (name, words) => {
    expect(interfaceNameProblem(name)).toContain(words);
  });

  it('counts bytes, not UTF-16 units', () => {
    // 8 characters, 16 bytes: the byte limit speaks first.
    expect(interfaceNameProblem('éééééééé')).toContain('at most 15 bytes');
  });

  it.each(['dp0', 'virbr0', 'br-ex', 'br_int', 'eth0.100', 'a-', 'x'.repeat(15), 'br@1', '0br'])('%j is a valid name', (name) => {
    expect(interfaceNameProblem(name)).toBeUndefined();
  });
});

function problemOf(xml: string): { path: string; value?: string; line?: number; message: string } {
  try {
    parseNetworkXml(xml);
  } catch (error) {
    if (!(error instanceof NetworkXmlError)) throw error;
    expect(error.code).toBe('NF_XML_INVALID');
    return error.problems[0]!;
  }
  throw new Error('expected the document to be refused');
}

describe('every interface name that reaches OVS or the kernel', () => {
  it('refuses a datapath name starting with -, with path, value and line', () => {
    expect(problemOf('<network type="ovs-datapath">\n  <name>n</name>\n  <datapath name="--"/>\n</network>')).toEqual({
      path: '/network/datapath/@name',
      value: '--',
      line: 3,
      message: "XML error: datapath name '--' in network 'n' must not start with '-' (tools would read it as an option) (/network/datapath/@name, line 3)",
    });
  });

  it("refuses libvirt's OVS bridge name starting with -", () => {
    const xml = [
      '<network>',
      '  <name>n</name>',
      "  <forward mode='bridge'/>",
      "  <bridge name='-x'/>",
      "  <virtualport type='openvswitch'/>",
      '</network>',
    ].join('\n');
    expect(problemOf(xml)).toMatchObject({ path: '/network/bridge/@name', value: '-x', line: 4 });
  });

  it.each([
    ["<forward mode='route' dev='-eth0'/>", '/network/forward/@dev', '-eth0'],
    ["<forward mode='bridge'><interface dev='eth:0'/></forward>", '/network/forward/interface/@dev', 'eth:0'],
    ["<forward mode='hostdev'><pf dev='e th'/></forward>", '/network/forward/pf/@dev', 'e th'],
  ])('refuses a bad host interface in %s', (forward, path, value) => {
    expect(problemOf(`<network>\n  <name>n</name>\n  ${forward}\n</network>`)).toMatchObject({ path, value, line: 3 });
  });

  it('shows control characters escaped, keeping the message on one line', () => {
    const problem = problemOf('<network type="ovs-datapath"><name>n</name><datapath name="a&#10;b"/></network>');
    expect(problem.value).toBe('a\nb');
    expect(problem.message).toContain("datapath name 'a\\u000ab'");
    expect(problem.message).not.toContain('\n');
  });
});
