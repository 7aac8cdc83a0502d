import { cp, mkdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

// `npm run build`: plain JavaScript for what is shipped, bundled by esbuild into dist/<service>/,
// each folder self-contained (no node_modules, no tsx at run time). The CLI is split into chunks
// so a verb loads only its own (services/cli/src/verb-groups.ts).
const root = fileURLToPath(new URL('../', import.meta.url));
// `--outdir DIR` builds elsewhere (tests build into a folder of their own); names pick targets.
const args = process.argv.slice(2).filter((a) => a !== '--');
const outdirAt = args.indexOf('--outdir');
const dist = outdirAt >= 0 ? `${resolve(args[outdirAt + 1] ?? '')}/` : `${root}dist/`;
const only = args.filter((_, i) => outdirAt < 0 || (i !== outdirAt && i !== outdirAt + 1));

// Bundled ESM still meets CommonJS packages (commander, pino, pg…) that call require().
const banner = [
  "import { createRequire as __nfCreateRequire } from 'node:module';",
  "import { fileURLToPath as __nfFileURLToPath } from 'node:url';",
  'const require = __nfCreateRequire(import.meta.url);',
  'const __filename = __nfFileURLToPath(import.meta.url);',
  "const __dirname = __nfFileURLToPath(new URL('.', import.meta.url));",
].join('\n');

/**
 * Sources find their files next to themselves (`new URL('../../../migrations/', import.meta.url)`).
 * In a bundle every module shares the bundle's URL, so each source's import.meta.url is rewritten
 * to where that source sits in the checkout's layout, relative to the bundle's folder; the files
 * it looks for are copied there (copyAssets).
 */
const sourceUrls: Plugin = {
  name: 'netfleet-source-urls',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(root, args.path);
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

interface Target { name: string; entries: Record<string, string>; assets: string[]; splitting: boolean; executable?: string }

const targets: Target[] = [
  { name: 'cli', entries: { netfleet: 'services/cli/src/main.ts' }, assets: [], splitting: true, executable: 'netfleet.js' },
  { name: 'api', entries: { main: 'services/api/src/main.ts', migrate: 'services/api/src/migrate-main.ts' }, assets: ['migrations', 'services/dashboard/dist'], splitting: true },
  { name: 'agent', entries: { main: 'services/agent/src/main.ts' }, assets: [], splitting: false },
];

async function copyAssets(target: Target, outdir: string): Promise<void> {
  for (const asset of target.assets) {
    if (!existsSync(`${root}${asset}`)) throw new Error(`${asset} is missing: run npm run bootstrap (it builds the dashboard) first`);
    await cp(`${root}${asset}`, `${outdir}${asset}`, { recursive: true });
  }
}

const version = (JSON.parse(await readFile(`${root}package.json`, 'utf8')) as { version?: string }).version ?? '0.0.0';
for (const target of targets.filter((t) => only.length === 0 || only.includes(t.name))) {
  const outdir = `${dist}${target.name}/`;
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const started = Date.now();
  await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(target.entries).map(([out, src]) => [out, `${root}${src}`])),
    outdir,
    bundle: true,
    splitting: target.splitting,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.js' },
    chunkNames: 'chunk-[hash]',
    banner: { js: target.executable ? `#!/usr/bin/env node\n${banner}` : banner },
    // pg's optional native binding is never used.
    external: ['pg-native'],
    plugins: [sourceUrls],
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyAssets(target, outdir);
  // Node reads the folder's package.json to treat .js as ES modules.
  await writeFile(`${outdir}package.json`, `${JSON.stringify({ type: 'module', version, private: true }, null, 2)}\n`);
  if (target.executable) await chmod(`${outdir}${target.executable}`, 0o755);
  process.stdout.write(`build: ${outdir.startsWith(root) ? relative(root, outdir) : outdir} in ${Date.now() - started} ms\n`);
}
