import type { Command } from 'commander';
import type { TokenCreatedAnswer, TokenListAnswer } from '@netfleet/api-types/access-answers';
import type { ApiClient } from '../api-client';
import { formatTable } from '../output/table';
import { toJson, type CliIo } from './cli-io';

/** token-create, token-revoke, token-list (admin). */
export function registerTokenCommands(program: Command, client: () => ApiClient, io: CliIo): void {
  program.command('token-create').argument('<name>', 'who the token is for (recorded as the actor of their changes)')
    .description('create an API token; it is printed once')
    .requiredOption('--role <role>', 'viewer (read), operator (lifecycle) or admin (tokens, hosts)')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { role: string; json?: boolean }) => {
      const answer = await client().post<TokenCreatedAnswer>('/v1/tokens', { name, role: opts.role });
      io.out(opts.json ? toJson(answer) : `${answer.token}\n`);
      if (!opts.json) io.err(`Token for ${answer.name} (${answer.role}) created; it is shown only this once.\n`);
    });

  program.command('token-revoke').argument('<name>', 'token name').description('revoke an API token')
    .action(async (name: string) => {
      await client().delete(`/v1/tokens/${encodeURIComponent(name)}`);
      io.out(`Token ${name} revoked\n`);
    });

  program.command('token-list').description('list API tokens (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { tokens } = await client().get<TokenListAnswer>('/v1/tokens');
      if (opts.json) { io.out(toJson(tokens)); return; }
      io.out(formatTable(['Name', 'Role', 'Created by', 'Created', 'Revoked'], tokens.map((t) => [t.name, t.role, t.createdBy, t.createdAt, t.revokedAt ?? '-'])));
    });
}
