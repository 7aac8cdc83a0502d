import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root (a fresh clone's top folder). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every file below `dir` whose name passes `keep`, skipping node_modules, dist and dot folders. */
export async function* sourceFiles(dir: string, keep: (name: string) => boolean): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path, keep);
    else if (keep(entry.name)) yield path;
  }
}
