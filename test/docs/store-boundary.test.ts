import { readdir, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT as ROOT, sourceFiles as filesBelow } from '../support/source-files';

const sourceFiles = (dir: string) => filesBelow(dir, (name) => /\.tsx?$/.test(name));

// An import of the SQL libraries, or kysely's query builder / sql tag used on a handle.
const SQL_USE = [
  /from ['"](kysely|pg)['"]/,
  /\.(selectFrom|insertInto|updateTable|deleteFrom|transaction)\(/,
  /\bsql(<[^>]*>)?`/,
];

/** The packages a file imports (static imports and re-exports, side-effect imports, import()). */
const importsOf = (text: string) => [...text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)]
  .map((m) => (m[1] ?? m[2] ?? m[3])!).filter((spec) => !spec.startsWith('.'))
  .map((spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!));

describe('docs - layering', () => {
  it('keeps SQL behind @netfleet/eventstore: no file under services/api imports kysely or pg, or builds a query', async () => {
    const offenders: string[] = [];
    for await (const file of sourceFiles(join(ROOT, 'services/api/src'))) {
      const rel = relative(ROOT, file);
      const text = await readFile(file, 'utf8');
      for (const pattern of SQL_USE) if (pattern.test(text)) offenders.push(`${rel}: ${pattern}`);
    }
    expect(offenders).toEqual([]);
  });

  it('declares in each workspace\'s package.json every package its source imports', async () => {
    const root = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
    const missing: string[] = [];
    for (const pattern of root.workspaces) {
      const parent = pattern.replace(/\/\*$/, '');
      for (const entry of await readdir(join(ROOT, parent), { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const dir = join(ROOT, parent, entry.name);
        const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8').catch(() => '{}')) as { name?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
        if (!manifest.name) continue;
        const declared = new Set([manifest.name, ...Object.keys({ ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies })]);
        for await (const file of sourceFiles(join(dir, 'src'))) {
          for (const name of importsOf(await readFile(file, 'utf8'))) {
            if (name.startsWith('node:') || builtinModules.includes(name) || declared.has(name)) continue;
            missing.push(`${relative(ROOT, file)} imports ${name}, not in ${manifest.name}'s package.json`);
          }
        }
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});
