import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatNetworkXml } from './format-network-xml.ts';
import { NetworkXmlError } from './network-xml-error.ts';
import { parseNetworkXml } from './parse-network-xml.ts';

// libvirt 9.0.0's own round-trip corpus, copied unmodified into this package's test-data.
const corpus = new URL('../test-data/libvirt-networkxml/', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, corpus), 'utf8');

interface Case {
  name: string;
  expect: 'ok' | 'parse-error';
  in: string;
  out: string | null;
}
const cases = (JSON.parse(read('cases.json')) as { cases: Case[] }).cases;

/** Parse and format one case; undefined when it behaves as libvirt does. */
function failureOf(c: Case): string | undefined {
  let output: string;
  try {
    output = formatNetworkXml(parseNetworkXml(read(c.in)));
  } catch (error) {
    if (c.expect === 'parse-error' && error instanceof NetworkXmlError) return undefined;
    return `rejected: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (c.expect === 'parse-error') return 'accepted, but libvirt rejects it';
  return output === read(c.out!) ? undefined : `output differs:\n${output}`;
}

describe('libvirt conformance', () => {
  it('has all 46 cases of libvirt 9.0.0', () => {
    expect(cases).toHaveLength(46);
  });

  it('round-trips every positive case byte for byte and rejects every negative one', () => {
    const failures = cases.flatMap((c) => {
      const failure = failureOf(c);
      return failure === undefined ? [] : [`${c.name}: ${failure}`];
    });
    console.log(`libvirt conformance: ${cases.length - failures.length}/${cases.length} cases pass`);
    expect(failures).toEqual([]);
  });

  it.each(cases.filter((c) => c.expect === 'parse-error'))('rejects $name with a libvirt-like message', (c) => {
    let error: unknown;
    try {
      parseNetworkXml(read(c.in));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NetworkXmlError);
    const problems = (error as NetworkXmlError).problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem.message).toMatch(/^XML error: .+ \(\/network.*, line \d+\)$/);
  });
});
