import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode } from '@netfleet/errors/error-codes';
import { ERROR_DOCS, renderErrorsDoc } from '@netfleet/errors/errors-doc';
import { placeholdersOf, renderErrorMessage, templateTextOf } from '@netfleet/errors/error-message';

import { REPO_ROOT as ROOT, sourceFiles as filesBelow } from '../support/source-files';

const sourceFiles = (dir: string) => filesBelow(dir, (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));

/** Each error code the source names outside the table itself, with one file that names it. */
async function codesInSource(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const area of ['shared', 'services']) {
    for await (const file of sourceFiles(join(ROOT, area))) {
      if (file.endsWith('error-codes.ts')) continue;
      for (const [, code] of (await readFile(file, 'utf8')).matchAll(/['"`](NF_[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)['"`]/g)) {
        found.set(code!, file.slice(ROOT.length));
      }
    }
  }
  return found;
}

describe('the error table', () => {
  it('is what docs/errors.md shows (regenerate with npm run docs:errors)', async () => {
    expect(await readFile(join(ROOT, 'docs/errors.md'), 'utf8')).toBe(renderErrorsDoc());
  });

  it('has every code the source can raise', async () => {
    const unknown = [...await codesInSource()].filter(([code]) => !isErrorCode(code)).map(([code, file]) => `${code} (${file})`);
    expect(unknown).toEqual([]);
  });

  it('lists no code that nothing raises', async () => {
    const used = await codesInSource();
    const unused = Object.keys(ERROR_CODES).filter((code) => !used.has(code));
    expect(unused).toEqual([]);
  });

  it('has its docs prose (error-docs.json) for exactly its codes, no more, none missing', () => {
    expect(Object.keys(ERROR_DOCS).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, doc] of Object.entries(ERROR_DOCS)) {
      expect(Object.keys(doc).sort(), code).toEqual(['fix', 'meaning']);
      expect(doc.meaning, code).not.toBe('');
      expect(doc.fix, code).not.toBe('');
    }
  });

  it('gives every code that crosses HTTP a 4xx or 5xx, and marks 503s retriable', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      if (spec.http === null) continue;
      expect(spec.http, code).toBeGreaterThanOrEqual(400);
      expect(spec.http, code).toBeLessThan(600);
      if (spec.http === 503) expect(spec.retriable, code).toBe(true);
    }
  });

  it('gives every code a template whose placeholders are required, rendered details fields of that code', () => {
    const unsupplied: string[] = [];
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      const fields = spec.details as Record<string, string>;
      for (const name of placeholdersOf(spec.message)) {
        const kind = fields[name];
        if (kind === undefined || kind.endsWith('?') || kind === 'json') unsupplied.push(`${code} {${name}}: ${kind ?? 'not a details field'}`);
      }
      // A brace left once the placeholders are out is a mistyped one ({ name}, {name) that would be printed as it is.
      if (/[{}]/.test(templateTextOf(spec.message))) unsupplied.push(`${code}: a stray brace in ${JSON.stringify(spec.message)}`);
    }
    expect(unsupplied).toEqual([]);
  });

  it('renders each kind of details field into the template', () => {
    expect(renderErrorMessage('NF_NETWORK_BRIDGE_CONFLICT', { network: 'b', bridge: 'br0', conflictsWith: 'a', hosts: ['hv1', 'hv2'] }))
      .toBe("bridge 'br0' of network 'b' is already used by network 'a' on hv1, hv2; choose another datapath/bridge name or other hosts");
    expect(renderErrorMessage('NF_HOST_UNKNOWN', { hosts: ['hv8', 'hv9'] })).toBe("unknown host 'hv8', 'hv9'; register with host-add, or see host-list");
    expect(renderErrorMessage('NF_XML_INVALID', { problems: [{ message: 'one' }, { message: 'two' }] })).toBe('one\ntwo');
    expect(renderErrorMessage('NF_API_URI_TOO_LONG', { max: 64 })).toContain('at most 64 characters');
  });
});
