import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatFigures, writeResult, type BenchResult } from './support/report';

// `npm run bench -- <name>…` runs bench/<name>.bench.ts, each exporting `run(): Promise<BenchResult>`,
// prints its table and writes bench/results/<name>.json. Benchmarks are not tests: they measure.
const dir = fileURLToPath(new URL('./', import.meta.url));
const available = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
// Benchmark names first, then options for them (`npm run bench -- fleet --hosts 1,5,20`).
const argv = process.argv.slice(2).filter((a) => a !== '--');
const firstOption = argv.findIndex((a) => a.startsWith('--'));
const names = firstOption === -1 ? argv : argv.slice(0, firstOption);
const benchArgs = firstOption === -1 ? [] : argv.slice(firstOption);

if (names.length === 0) {
  process.stderr.write(`usage: npm run bench -- <name>…   (available: ${available.join(', ') || 'none'})\n`);
  process.exit(2);
}
for (const name of names) {
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(`${dir}${name}.bench.ts`)) {
    process.stderr.write(`error: no benchmark '${name}' (available: ${available.join(', ')})\n`);
    process.exit(2);
  }
}

let failed = false;
for (const name of names) {
  process.stdout.write(`== ${name}\n`);
  try {
    const bench = (await import(`./${name}.bench.ts`)) as { run: (log: (line: string) => void, args: string[]) => Promise<BenchResult> };
    const result = await bench.run((line) => process.stdout.write(`   ${line}\n`), benchArgs);
    process.stdout.write(formatFigures(result));
    for (const note of result.notes) process.stdout.write(`   note: ${note}\n`);
    process.stdout.write(`   written to ${await writeResult(result)}\n`);
  } catch (e) {
    failed = true;
    process.stderr.write(`error: benchmark ${name} failed: ${(e as Error).stack ?? String(e)}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
