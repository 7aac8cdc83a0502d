import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseNetworkXml } from '@netfleet/netxml/parse';
import { checkWellFormed } from '@netfleet/netxml/well-formed';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CORPUS = 'shared/netxml/test-data/libvirt-networkxml';

/** Every *.xml the repository ships, as repository-relative paths with '/'. */
async function* shippedXml(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* shippedXml(path);
    else if (entry.name.endsWith('.xml')) yield relative(ROOT, path).split(sep).join('/');
  }
}

/** The corpus's own list of inputs libvirt refuses: they are meant to fail, and stay out. */
async function corpusRejects(): Promise<Set<string>> {
  const index = JSON.parse(await readFile(join(ROOT, CORPUS, 'cases.json'), 'utf8')) as {
    cases: Array<{ expect: string; in: string }>;
  };
  return new Set(index.cases.filter((c) => c.expect !== 'ok').map((c) => `${CORPUS}/${c.in}`));
}

/** The shipped files with their text, corpus rejects apart. */
async function collect(): Promise<{ checked: Array<[path: string, xml: string]>; skipped: string[] }> {
  const rejects = await corpusRejects();
  const checked: Array<[string, string]> = [];
  const skipped: string[] = [];
  for await (const path of shippedXml(ROOT)) {
    if (rejects.has(path)) skipped.push(path);
    else checked.push([path, await readFile(join(ROOT, path), 'utf8')]);
  }
  return { checked: checked.sort(([a], [b]) => a.localeCompare(b)), skipped };
}

const { checked, skipped } = await collect();
const paths = checked.map(([path]) => path);

describe('shipped XML', () => {
  it('finds the examples and the whole libvirt corpus', () => {
    expect(paths).toContain('examples/ofnet.xml');
    expect(paths.filter((p) => p.startsWith(`${CORPUS}/in/`)).length + skipped.length).toBe(46);
    expect(paths.filter((p) => p.startsWith(`${CORPUS}/out/`))).toHaveLength(42);
    expect(skipped.length).toBeGreaterThan(0);
  });

  it.each(checked)('%s is well-formed XML', (_path, xml) => {
    expect(() => checkWellFormed(xml)).not.toThrow();
  });

  // The corpus has its own round-trip test; everything else that is a network must define.
  it.each(checked.filter(([path, xml]) => !path.startsWith(`${CORPUS}/`) && /<network[\s>]/.test(xml)))(
    '%s is a network definition netfleet accepts',
    (_path, xml) => {
      expect(() => parseNetworkXml(xml)).not.toThrow();
    },
  );
});
