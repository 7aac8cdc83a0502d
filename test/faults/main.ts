import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ALL_FAULTS } from './faults';
import { faultSchedule, seededRandom } from './schedule';
import { markdownTable } from './report-table';
import { runFaultSuite } from './suite';

// `npm run test:faults [-- --seed N --networks 500 --hosts 3 --random 10 --faults a,b]`: the long
// form. Every fault once, in the issue's order, then `--random` more drawn by the seed; writes
// bench/results/faults.json and exits 1 if any fault was not survived or the final check failed.
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    networks: { type: 'string', default: '500' },
    hosts: { type: 'string', default: '3' },
    random: { type: 'string', default: '6' },
    faults: { type: 'string' },
  },
});
const whole = (name: string, value: string | undefined, min: number): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`error: --${name} must be a whole number ≥ ${min} (got '${value}')\n`);
    process.exit(2);
  }
  return n;
};
const seed = whole('seed', values.seed, 0);
const fixed = values.faults ? values.faults.split(',') : ALL_FAULTS;
const unknown = fixed.filter((f) => !ALL_FAULTS.includes(f));
if (unknown.length > 0) {
  process.stderr.write(`error: unknown fault ${unknown.join(', ')} (known: ${ALL_FAULTS.join(', ')})\n`);
  process.exit(2);
}
// The schedule has its own stream of the seed, so the rollout's placements do not shift it.
const faults = faultSchedule(seededRandom(seed ^ 0x5eed), fixed, ALL_FAULTS, whole('random', values.random, 0));
process.stdout.write(`fault suite: seed ${seed}, ${faults.length} faults: ${faults.join(' ')}\n`);

const report = await runFaultSuite({
  seed, hosts: whole('hosts', values.hosts, 2), networks: whole('networks', values.networks, faults.length), faults,
  log: (line) => process.stdout.write(`${line}\n`),
});
const results = fileURLToPath(new URL('../../bench/results/', import.meta.url));
await mkdir(results, { recursive: true });
const file = `${results}faults.json`;
await writeFile(file, `${JSON.stringify({ name: 'faults', at: new Date().toISOString(), cpus: cpus().length, schedule: faults, ...report }, null, 2)}\n`);

process.stdout.write(`\nfaults survived ${report.survived} of ${report.injected}; commands issued ${report.commands.issued}, applied ${report.commands.applied}, lost ${report.commands.lost}, doubled ${report.commands.doubled}\n`);
for (const f of report.faults) process.stdout.write(`  ${f.survived ? 'ok  ' : 'FAIL'} ${f.fault.padEnd(18)} converged ${f.convergeMs === null ? 'never' : `${(f.convergeMs / 1000).toFixed(1)} s`}  ${f.detail}\n`);
if (report.final.violations.length > 0) process.stdout.write(`final check:\n  ${report.final.violations.join('\n  ')}\n`);
process.stdout.write(`load average ${report.loadAverage.before.map((l) => l.toFixed(1)).join(' ')} → ${report.loadAverage.after.map((l) => l.toFixed(1)).join(' ')}; written to ${file}\n`);
process.stdout.write(`\nfor the README:\n\n${markdownTable(report)}\n`);
process.exitCode = report.survived === report.injected && report.final.violations.length === 0 ? 0 : 1;
