import type { FaultResult, FaultSuiteReport } from './suite';

const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

/** The kind of violation the checker saw last after the fault healed (what convergence waited for). */
function lastWaitedFor(f: FaultResult): string {
  const last = [...f.waitedFor].sort((a, b) => b.lastSeenMs - a.lastSeenMs)[0];
  return last ? `${last.what} (${seconds(last.lastSeenMs)})` : '–';
}

/** The README's table of a run: one row per fault, then the totals. */
export function markdownTable(report: FaultSuiteReport): string {
  const c = report.commands;
  return [
    `Seed ${report.seed}, ${report.networks} networks on ${report.hosts} hosts: **faults survived ${report.survived} of ${report.injected}**; ` +
      `host commands issued ${c.issued}, applied ${c.applied}, lost ${c.lost}, doubled ${c.doubled + (c.relayedTwice ?? 0)}; ` +
      `client requests ${report.requests.sent} (${report.requests.retried} retries), ${report.requests.acknowledged} acknowledged. ` +
      `Load average ${report.loadAverage.before.map((l) => l.toFixed(1)).join(' ')} (2 cores, shared).`,
    '',
    '| # | fault | survived | converged after healing | last waited for | what happened |',
    '|---|---|---|---|---|---|',
    ...report.faults.map((f, i) => `| ${i + 1} | ${f.name} | ${f.survived ? 'yes' : `**no**: ${f.violations[0] ?? ''}`} | ${seconds(f.convergeMs)} | ${lastWaitedFor(f)} | ${f.detail} |`),
  ].join('\n');
}
