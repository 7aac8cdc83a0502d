import { once } from 'node:events';
import type { Command } from 'commander';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { AuditPublicKeyAnswer, AuditVerificationAnswer } from '@netfleet/api-types/audit-answers';
import type { ApiClient } from '../api-client';
import { formatTable } from '../output/table';
import { toJson, type CliIo } from './cli-io';

const query = (params: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const text = q.toString();
  return text ? `?${text}` : '';
};

/** audit verify / public-key / export: the tamper-evident audit log, for auditors (any token). */
export function registerAuditCommands(program: Command, client: () => ApiClient, io: CliIo): void {
  const audit = program.command('audit').description('the tamper-evident audit log: verify it, export it, the key that signs it');

  audit.command('verify').description('recompute the hash chain from the store; name the first event altered, removed or inserted behind netfleet\'s back; check the signed checkpoints')
    .option('--since <POS|TIME>', 'start at the last signed checkpoint before this position or time')
    .option('--json', 'print JSON')
    .action(async (opts: { since?: string; json?: boolean }) => {
      const r = await client().get<AuditVerificationAnswer>(`/v1/audit/verify${query({ since: opts.since })}`);
      if (!r.ok) io.setExitCode(1);
      if (opts.json) { io.out(toJson(r)); return; }
      const latest = r.checkpoints.latest;
      io.out(`${r.ok ? 'OK' : 'TAMPERED'}: ${r.checkedEvents} events checked (positions ${r.from + 1}–${r.head}), ${r.unsealedEvents} not sealed yet; `
        + `${r.checkpoints.valid} of ${r.checkpoints.checked} checkpoints hold${latest ? ` (latest at ${latest.position}, signed ${latest.signedAt} by key ${latest.keyId})` : ''}\n`);
      if (r.problems.length === 0) return;
      io.out(`First: ${r.problems[0]!.message}\n`);
      io.out(formatTable(['Position', 'Problem', 'Event', 'What'], r.problems.map((p) => [String(p.position), p.kind, p.eventId ?? '-', p.message])));
      if (r.truncated) io.out(`(only the first ${r.problems.length} problems are listed)\n`);
    });

  audit.command('public-key').description('print the Ed25519 public key (PEM) that checks the checkpoints\' signatures')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const k = await client().get<AuditPublicKeyAnswer>('/v1/audit/public-key');
      io.out(opts.json ? toJson(k) : k.publicKey);
    });

  audit.command('export').description('stream the audit trail (who, when, what, why, the XML diff, the hosts\' outcomes) to stdout')
    .option('--since <POS|TIME>', 'from this position or time (inclusive)')
    .option('--until <POS|TIME>', 'to this position or time (inclusive)')
    .option('--network <NAME>', 'only this network and the host outcomes about it')
    .option('--format <jsonl|csv>', 'jsonl: one CloudEvents envelope per line; csv: a header row, RFC 4180 quoting', 'jsonl')
    .action(async (opts: { since?: string; until?: string; network?: string; format: string }) => {
      const body = await client().download(`/v1/audit/export${query({ since: opts.since, until: opts.until, network: opts.network, format: opts.format })}`,
        opts.format === 'csv' ? 'text/csv' : 'application/x-ndjson');
      try {
        // Written as it arrives, waiting whenever stdout is full: memory stays at one chunk.
        for await (const chunk of body) if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
      } catch (e) {
        throw new NetfleetError('NF_CLI_EXPORT_CUT', { reason: (e as Error).message }, e);
      }
    });
}
