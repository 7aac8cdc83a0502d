import type { FaultSuiteReport } from './suite';

const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

/** The README's table of a run: one row per fault, then the totals. */
export function markdownTable(report: FaultSuiteReport): string {
  const c = report.commands;
  return [
    `Seed ${report.seed}, ${report.networks} networks on ${report.hosts} hosts: **faults survived ${report.survived} of ${report.injected}**; ` +
      `host commands issued ${c.issued}, applied ${c.applied}, lost ${c.lost}, doubled ${c.doubled + (c.relayedTwice ?? 0)}; ` +
      `client requests ${report.requests.sent} (${report.requests.retried} retries), ${report.requests.acknowledged} acknowledged. ` +
      `Load average ${report.loadAverage.before.map((l) => l.toFixed(1)).join(' ')} (2 cores, shared).`,
    '',
    '| # | fault | survived | converged after healing | what happened |',
    '|---|---|---|---|---|',
    ...report.faults.map((f, i) => `| ${i + 1} | ${f.name} | ${f.survived ? 'yes' : `**no**: ${f.violations[0] ?? ''}`} | ${seconds(f.convergeMs)} | ${f.detail} |`),
  ].join('\n');
}
