import type { Command } from 'commander';
import type { HistoryEntryAnswer, HistoryPageAnswer } from '@netfleet/api-types/history-answers';
import type { ApiClient } from '../api-client';
import { virshTime } from '../output/virsh-time';

interface Io { out: (text: string) => void }

interface HistoryOptions { host?: string; actor?: string; correlation?: string; type: string[]; since?: string; until?: string; limit?: string; json?: boolean }

/** net-history: who changed a network, when, what, and the XML diff of each redefinition. */
export function registerHistoryCommands(program: Command, client: () => ApiClient, io: Io): void {
  program.command('net-history').argument('<network>', 'network name')
    .description('list every event of a network: when, who, what (with the XML diff of a redefinition) and the hosts\' outcomes')
    .option('--host <name>', 'only events about this host')
    .option('--actor <who>', 'only events caused by this actor (a token\'s owner, or host:<name>)')
    .option('--correlation <id>', 'only one command and the host outcomes it caused')
    .option('--type <type>', 'only events of this type (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--since <time>', 'only events recorded at or after this ISO-8601 time')
    .option('--until <time>', 'only events recorded at or before this ISO-8601 time')
    .option('--limit <n>', 'at most this many events', '1000')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: HistoryOptions) => {
      const query = new URLSearchParams();
      for (const [key, value] of [['host', opts.host], ['actor', opts.actor], ['correlation', opts.correlation], ['since', opts.since], ['until', opts.until], ['limit', opts.limit]] as const) {
        if (value !== undefined) query.set(key, value);
      }
      for (const type of opts.type) query.append('type', type);
      const { entries } = await client().get<HistoryPageAnswer>(`/v1/networks/${encodeURIComponent(name)}/history?${query}`);
      if (opts.json) { io.out(`${JSON.stringify(entries, null, 2)}\n`); return; }
      io.out(formatHistory(entries));
    });
}

/**
 * One line per event, virsh net-event's time format first; a redefinition's unified diff follows
 * its line, indented, so `-`/`+` lines stay greppable.
 */
export function formatHistory(entries: HistoryEntryAnswer[]): string {
  if (entries.length === 0) return 'no events\n';
  const actorWidth = Math.max(5, ...entries.map((e) => e.actor.length));
  const typeWidth = Math.max(5, ...entries.map((e) => e.type.length));
  const lines = [` ${'Time'.padEnd(28)}  ${'Actor'.padEnd(actorWidth)}  ${'Event'.padEnd(typeWidth)}  What`];
  lines.push('-'.repeat(lines[0]!.length + 20));
  for (const e of entries) {
    lines.push(` ${virshTime(e.at).padEnd(28)}  ${e.actor.padEnd(actorWidth)}  ${e.type.padEnd(typeWidth)}  ${e.summary}${e.comment ? ` — ${e.comment}` : ''}`);
    if (e.diff) for (const line of e.diff.trimEnd().split('\n')) lines.push(`     ${line}`);
  }
  return `${lines.join('\n')}\n`;
}
