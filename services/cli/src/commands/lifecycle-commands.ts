import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApiClient } from '../api-client';
import { collect, type CliIo } from './cli-io';
import type { CommandAnswer } from '@netfleet/api-types/network-answers';
import type { DryRunAnswer } from '@netfleet/api-types/plan-answers';
import { parseSeconds, printAnswer, sendAndWait, type WaitOptions } from './wait-output';

interface PlacementOptions { host: string[]; hosts: string[] }
const withWait = (command: Command) => command
  .option('--comment <text>', 'why (recorded in the history)')
  .option('--wait', 'wait until every affected host reported its outcome')
  .option('--timeout <seconds>', 'how long --wait waits', parseSeconds, 30)
  .option('--json', 'print JSON');
const withPlacement = (command: Command) => command
  .option('--host <name>', 'a host to place the network on (repeatable)', collect, [])
  .option('--hosts <selector>', 'every host with these labels, e.g. rack=a (repeatable)', collect, []);
const placementOf = (opts: PlacementOptions) => ({ hosts: opts.host, selectors: opts.hosts });
const path = (name: string, rest = '') => `/v1/networks/${encodeURIComponent(name)}${rest}`;

/** The verbs that change a network: net-define/create/start/destroy/undefine/autostart/place. */
export function registerLifecycleCommands(program: Command, client: () => ApiClient, io: CliIo): void {
  withWait(withPlacement(program.command('net-define').argument('<file>', 'network XML file').description('define (but do not start) a network, or redefine an existing one (a running one is re-applied on its hosts)')))
    .action(async (file: string, opts: PlacementOptions & WaitOptions & { comment?: string }) => {
      const body = { xml: await readXmlFile(file), ...placementOf(opts), ...(opts.comment ? { comment: opts.comment } : {}) };
      const answer = await sendAndWait(client(), io, 'POST', '/v1/networks', body, opts);
      printAnswer(io, answer, `Network ${answer.network} defined from ${file}`, { ...opts, wait: Boolean(opts.wait && answer.hosts.length > 0) });
    });

  withWait(withPlacement(program.command('net-create').argument('<file>', 'network XML file').description('create and start a transient network (gone once destroyed)')))
    .action(async (file: string, opts: PlacementOptions & WaitOptions & { comment?: string }) => {
      const answer = await sendAndWait(client(), io, 'POST', '/v1/networks/create', { xml: await readXmlFile(file), ...placementOf(opts), ...(opts.comment ? { comment: opts.comment } : {}) }, opts);
      printAnswer(io, answer, `Network ${answer.network} created from ${file}`, opts);
    });

  for (const [verb, action, done] of [['net-start', 'start', 'started'], ['net-destroy', 'destroy', 'destroyed']] as const) {
    withWait(program.command(verb).argument('<network>', 'network name').description(`${action === 'start' ? 'start' : 'stop'} a network on every host it is placed on`))
      .option('--dry-run', 'show the exact ovs-vsctl commands each host would run, without running or recording anything')
      .action(async (name: string, opts: WaitOptions & { dryRun?: boolean; comment?: string }) => {
        if (opts.dryRun) {
          const plan = await client().post<DryRunAnswer>(path(name, '/plan'), { action });
          io.out(opts.json ? `${JSON.stringify(plan, null, 2)}\n` : dryRunText(plan));
          if (plan.hosts.some((h) => h.status !== 'planned')) io.setExitCode(1);
          return;
        }
        const answer = await sendAndWait(client(), io, 'POST', path(name, `/${action}`), opts.comment ? { comment: opts.comment } : undefined, opts);
        printAnswer(io, answer, `Network ${answer.network} ${done}${opts.wait ? '' : ' (not waiting for the hosts; use --wait)'}`, opts);
      });
  }

  withWait(program.command('net-undefine').argument('<network>', 'network name').description('remove an inactive network\'s definition'))
    .option('--destroy', 'stop it first where it runs')
    .action(async (name: string, opts: WaitOptions & { destroy?: boolean; comment?: string }) => {
      const query = new URLSearchParams({ ...(opts.destroy ? { destroy: 'true' } : {}), ...(opts.comment ? { comment: opts.comment } : {}) }).toString();
      const answer = await sendAndWait(client(), io, 'DELETE', path(name, query ? `?${query}` : ''), undefined, opts);
      printAnswer(io, answer, `Network ${answer.network} has been undefined`, opts);
    });

  program.command('net-autostart').argument('<network>', 'network name').description('start the network whenever one of its hosts\' agent starts')
    .option('--disable', 'stop autostarting it')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { disable?: boolean; json?: boolean }) => {
      const answer = await client().put<CommandAnswer>(path(name, '/autostart'), { autostart: !opts.disable });
      io.out(opts.json ? `${JSON.stringify(answer, null, 2)}\n` : `Network ${answer.network} ${opts.disable ? 'unmarked' : 'marked'} as autostarted\n`);
    });

  withWait(withPlacement(program.command('net-place').argument('<network>', 'network name').description('change the hosts a network runs on (hosts left out stop it)')))
    .action(async (name: string, opts: PlacementOptions & WaitOptions & { comment?: string }) => {
      const answer = await sendAndWait(client(), io, 'PUT', path(name, '/placement'), { ...placementOf(opts), ...(opts.comment ? { comment: opts.comment } : {}) }, opts);
      printAnswer(io, answer, `Network ${answer.network} placed on ${answer.hosts.map((h) => h.host).join(', ') || 'the same hosts (no change)'}`, opts);
    });
}


/** --dry-run: per host, the argv it would run (quoted for a shell, for reading only), or why there is none. */
function dryRunText(plan: DryRunAnswer): string {
  const lines = [`Dry run: net-${plan.action} ${plan.network} (nothing was run or recorded)`];
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

export async function readXmlFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new NetfleetError('NF_CLI_FILE', { file, reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message });
  }
}
