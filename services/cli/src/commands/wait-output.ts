import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApiClient } from '../api-client';
import { formatTable } from '../output/table';
import type { CliIo } from './cli-io';
import type { CommandAnswer, WaitProgressAnswer } from '@netfleet/api-types/network-answers';

export interface WaitOptions { wait?: boolean; timeout: number; json?: boolean }

export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new NetfleetError('NF_CLI_USAGE', { option: '--timeout', expected: 'a number of seconds', value });
  return n;
}

/**
 * Sends a state-changing request; with --wait, shows progress on stderr as hosts answer
 * (done / total, who is still awaited) and returns once all did or the timeout passed.
 */
export async function sendAndWait(client: ApiClient, io: CliIo, method: string, path: string, body: unknown, opts: WaitOptions): Promise<CommandAnswer> {
  if (!opts.wait) return method === 'DELETE' ? client.delete(path) : method === 'PUT' ? client.put(path, body) : client.post(path, body);
  const query = `${path.includes('?') ? '&' : '?'}wait=true&timeout=${opts.timeout}`;
  return client.stream<CommandAnswer>(method, `${path}${query}`, body, (progress) => {
    const p = progress as WaitProgressAnswer;
    if (!opts.json) io.err(`waiting: ${p.done}/${p.total} hosts answered${p.waitingFor.length ? `; waiting for ${p.waitingFor.join(', ')}` : ''}\n`);
  });
}

/** Each host's outcome, as a table. */
export function outcomesTable(answer: CommandAnswer): string {
  return formatTable(['Host', 'Outcome', 'Generation', 'Detail'], answer.hosts.map((h) => [
    h.host, h.outcome === 'pending' ? 'pending (no answer)' : h.outcome === 'offline' ? 'pending: host offline' : h.outcome, String(h.generation), h.error ?? h.warnings.join('; '),
  ]));
}

/** Names every host that failed, is offline or did not answer, and makes the exit status say so. */
export function reportIncomplete(answer: CommandAnswer, timeout: number, io: CliIo): void {
  const failed = answer.hosts.filter((h) => h.outcome === 'failed');
  const offline = answer.hosts.filter((h) => h.outcome === 'offline');
  const silent = answer.hosts.filter((h) => h.outcome === 'pending');
  for (const h of failed) io.err(`error: host ${h.host} failed: ${h.error ?? 'no detail'}\n`);
  for (const h of offline) io.err(`error: host ${h.host} is offline; the command stays recorded and it applies it when it returns\n`);
  if (silent.length > 0) io.err(`error: no answer within ${timeout} s from ${silent.map((h) => h.host).join(', ')}; the command stays recorded and those hosts apply it when they can\n`);
  if (failed.length + offline.length + silent.length > 0) io.setExitCode(1);
}

/** The usual ending of a state-changing verb: a sentence, the per-host table with --wait, JSON with --json. */
export function printAnswer(io: CliIo, answer: CommandAnswer, sentence: string, opts: WaitOptions): void {
  if (opts.json) io.out(`${JSON.stringify(answer, null, 2)}\n`);
  else io.out(`${sentence}\n${opts.wait && answer.hosts.length > 0 ? outcomesTable(answer) : ''}`);
  if (opts.wait) reportIncomplete(answer, opts.timeout, io);
}
