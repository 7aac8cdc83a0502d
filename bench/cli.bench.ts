import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { startTestFleet } from '../test/support/test-fleet';
import { figure, machine, type BenchResult, type Figure } from './support/report';
import { percentile } from './support/stats';

const RUNS = Number(process.env['NETFLEET_BENCH_RUNS'] ?? 30);
const GOAL_RATIO = 2;
const root = fileURLToPath(new URL('../', import.meta.url));
const CLI = `${root}dist/cli/netfleet.js`;

/**
 * The start-up of the built CLI (dist/cli, what the netfleet-cli package installs) beside a bare
 * `node -e 0`, measured in the same run with the runs interleaved so load from elsewhere hits
 * both alike: `net-format` (offline, parses XML) and `net-list` against a local API (no networks,
 * so the figure is start-up plus one HTTP round trip).
 */
export async function run(log: (line: string) => void): Promise<BenchResult> {
  await execa(process.execPath, ['--import', 'tsx', `${root}scripts/build.ts`, 'cli'], { cwd: root });
  log('built dist/cli');
  const fleet = await startTestFleet({ hosts: [] });
  try {
    const env = { NETFLEET_API: fleet.apiUrl, NETFLEET_TOKEN: fleet.token };
    const commands = {
      'node -e 0': ['-e', '0'],
      'netfleet net-format examples/ofnet.xml': [CLI, 'net-format', `${root}examples/ofnet.xml`],
      'netfleet net-list': [CLI, 'net-list'],
    } as const;
    const samples: Record<keyof typeof commands, number[]> = { 'node -e 0': [], 'netfleet net-format examples/ofnet.xml': [], 'netfleet net-list': [] };
    for (let i = 0; i < RUNS + 2; i++) {
      for (const [name, argv] of Object.entries(commands) as [keyof typeof commands, readonly string[]][]) {
        const start = performance.now();
        await execa(process.execPath, argv, { env, cwd: root });
        // The first two rounds warm the page cache and are not counted.
        if (i >= 2) samples[name].push(performance.now() - start);
      }
    }
    log(`${RUNS} interleaved runs of each command`);
    const bare = samples['node -e 0'];
    const figures: Figure[] = [];
    for (const name of ['netfleet net-format examples/ofnet.xml', 'netfleet net-list'] as const) {
      for (const p of [50, 99]) {
        const value = percentile(samples[name], p);
        const baseline = percentile(bare, p);
        figures.push(figure({
          name: `${name}, p${p}`, unit: 'ms', value, baseline, baselineName: 'node -e 0', better: 'lower',
          ...(p === 50 ? { goal: `≤ ${GOAL_RATIO}× node -e 0`, met: value / baseline <= GOAL_RATIO } : {}),
        }));
      }
    }
    return {
      bench: 'cli', at: new Date().toISOString(), machine: machine(), figures,
      notes: ['the built CLI (npm run build → dist/cli): each verb imports only its own chunk (services/cli/src/verb-groups.ts)'],
    };
  } finally {
    await fleet.stop();
  }
}
