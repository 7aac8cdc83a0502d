import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) yield path;
  }
}

describe('docs/errors.md', () => {
  it('has a row for every error code the source can raise', async () => {
    const doc = await readFile(join(ROOT, 'docs/errors.md'), 'utf8');
    const documented = new Set(doc.match(/`NF_[A-Z0-9_]+`/g)?.map((c) => c.slice(1, -1)));
    const missing = new Set<string>();
    for (const area of ['shared', 'services']) {
      for await (const file of sourceFiles(join(ROOT, area))) {
        for (const [, code] of (await readFile(file, 'utf8')).matchAll(/['"`](NF_[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)['"`]/g)) {
          if (!documented.has(code!)) missing.add(`${code} (${file.slice(ROOT.length)})`);
        }
      }
    }
    expect([...missing].sort()).toEqual([]);
  });
});
