import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApiClient } from '../api-client';
import { formatTable } from '../output/table';
import type { CommandAnswerJson } from './network-types';

interface Io { out: (text: string) => void; err: (text: string) => void; setExitCode: (code: number) => void }

/** net-define, net-start, net-destroy, net-undefine. */
export function registerLifecycleCommands(program: Command, client: () => ApiClient, io: Io): void {
  program.command('net-define').argument('<file>', 'network XML file').description('define (but do not start) a network from an XML file')
    .option('--host <name>', 'a host to place the network on (repeatable)', collect, [])
    .option('--comment <text>', 'why (recorded in the history)')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { host: string[]; comment?: string; json?: boolean }) => {
      const xml = await readXmlFile(file);
      const answer = await client().post<CommandAnswerJson>('/v1/networks', { xml, hosts: opts.host, ...(opts.comment ? { comment: opts.comment } : {}) });
      io.out(opts.json ? json(answer) : `Network ${answer.network} defined from ${file}\n`);
    });

  for (const [verb, path, done] of [['net-start', 'start', 'started'], ['net-destroy', 'destroy', 'destroyed']] as const) {
    program.command(verb).argument('<network>', 'network name').description(`${path === 'start' ? 'start' : 'stop'} a network on every host it is placed on`)
      .option('--wait', 'wait until every host reported its outcome')
      .option('--timeout <seconds>', 'how long --wait waits', parseSeconds, 30)
      .option('--json', 'print JSON')
      .option('--dry-run', 'show the exact ovs-vsctl commands each host would run, without running or recording anything')
      .action(async (name: string, opts: { wait?: boolean; timeout: number; json?: boolean; dryRun?: boolean }) => {
        if (opts.dryRun) {
          const plan = await client().post<DryRunJson>(`/v1/networks/${encodeURIComponent(name)}/plan`, { action: path });
          io.out(opts.json ? json(plan) : dryRunText(plan));
          if (plan.hosts.some((h) => h.status !== 'planned')) io.setExitCode(1);
          return;
        }
        const query = opts.wait ? `?wait=true&timeout=${opts.timeout}` : '';
        const answer = await client().post<CommandAnswerJson>(`/v1/networks/${encodeURIComponent(name)}/${path}${query}`);
        if (opts.json) io.out(json(answer));
        else io.out(`Network ${answer.network} ${done}${opts.wait ? '' : ' (not waiting for the hosts; use --wait)'}\n${opts.wait ? outcomesTable(answer) : ''}`);
        if (opts.wait) reportIncomplete(answer, opts.timeout, io);
      });
  }

  program.command('net-undefine').argument('<network>', 'network name').description('remove an inactive network\'s definition')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const answer = await client().delete<CommandAnswerJson>(`/v1/networks/${encodeURIComponent(name)}`);
      io.out(opts.json ? json(answer) : `Network ${answer.network} has been undefined\n`);
    });
}

function outcomesTable(answer: CommandAnswerJson): string {
  return formatTable(['Host', 'Outcome', 'Generation', 'Detail'], answer.hosts.map((h) => [
    h.host, h.outcome === 'pending' ? 'pending (no answer)' : h.outcome === 'offline' ? 'offline (applies on return)' : h.outcome, String(h.generation), h.error ?? h.warnings.join('; '),
  ]));
}

interface DryRunJson {
  network: string;
  action: string;
  hosts: { host: string; status: 'planned' | 'offline' | 'error'; argv: string[]; refusals: { network: string; code: string; message: string }[]; drift: { bridge: string; what: string[] }[]; warnings: { warnings: string[] }[]; error?: string }[];
}

/** Per host: the argv it would run (quoted for a shell, for reading only), or why there is none. */
function dryRunText(plan: DryRunJson): string {
  const lines = [`Dry run: net-${plan.action === 'start' ? 'start' : 'destroy'} ${plan.network} (nothing was run or recorded)`];
  for (const h of plan.hosts) {
    if (h.status === 'offline') { lines.push(`${h.host}: offline (no agent answered)`); continue; }
    if (h.status === 'error') { lines.push(`${h.host}: cannot plan: ${h.error ?? 'unknown error'}`); continue; }
    lines.push(`${h.host}: ${h.argv.length === 0 ? 'nothing to do (OVS already matches)' : h.argv.map(shellQuote).join(' ')}`);
    for (const r of h.refusals) lines.push(`  refused ${r.network} (${r.code}): ${r.message}`);
    for (const d of h.drift) lines.push(`  drift on ${d.bridge}: ${d.what.join('; ')}`);
    for (const w of h.warnings.flatMap((x) => x.warnings)) lines.push(`  warning: ${w}`);
  }
  return `${lines.join('\n')}\n`;
}

const shellQuote = (arg: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

function reportIncomplete(answer: CommandAnswerJson, timeout: number, io: Io): void {
  const failed = answer.hosts.filter((h) => h.outcome === 'failed');
  const pending = answer.hosts.filter((h) => h.outcome === 'pending');
  const offline = answer.hosts.filter((h) => h.outcome === 'offline');
  for (const h of failed) io.err(`error: host ${h.host} failed: ${h.error ?? 'no detail'}\n`);
  if (offline.length > 0) io.err(`error: ${offline.map((h) => h.host).join(', ')} ${offline.length === 1 ? 'is' : 'are'} offline; the command stays recorded and ${offline.length === 1 ? 'that host applies' : 'those hosts apply'} it when back\n`);
  if (pending.length > 0) io.err(`error: no answer within ${timeout} s from ${pending.map((h) => h.host).join(', ')} (offline or slow); the command stays recorded and those hosts apply it when they can\n`);
  if (failed.length > 0 || pending.length > 0 || offline.length > 0) io.setExitCode(1);
}

export async function readXmlFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new NetfleetError('NF_CLI_FILE', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new NetfleetError('NF_CLI_USAGE', `--timeout must be a number of seconds, not '${value}'`);
  return n;
}
