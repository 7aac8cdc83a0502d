import type { Command } from 'commander';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { WebhookAddedAnswer, WebhookListAnswer, WebhookStatusAnswer } from '@netfleet/api-types/webhook-answers';
import type { ApiClient } from '../api-client';
import { formatTable } from '../output/table';
import { toJson, type CliIo } from './cli-io';

const commaList = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
const orAll = (list: string[]) => (list.length > 0 ? list.join(',') : 'all');

/** webhook-add, webhook-list, webhook-status, webhook-remove. See docs/webhooks.md. */
export function registerWebhookCommands(program: Command, client: () => ApiClient, io: CliIo): void {
  program.command('webhook-add').argument('<url>', 'the receiver (http:// or https://)')
    .description('deliver matching events to URL as signed CloudEvents; the signing secret is printed once')
    .option('--types <types>', 'only these event types, comma-separated (NetworkStarted or io.netfleet.network.started)', commaList)
    .option('--networks <names>', 'only events about these networks, comma-separated', commaList)
    .option('--hosts <names>', 'only events about these hosts, comma-separated', commaList)
    .option('--after <position>', 'start after this log position (replay) instead of from now', (v) => {
      if (!/^[0-9]{1,16}$/.test(v)) throw new NetfleetError('NF_CLI_USAGE', { option: '--after', expected: 'a log position (a whole number)', value: v });
      return Number(v);
    })
    .option('--json', 'print JSON')
    .action(async (url: string, opts: { types?: string[]; networks?: string[]; hosts?: string[]; after?: number; json?: boolean }) => {
      const answer = await client().post<WebhookAddedAnswer>('/v1/webhooks', {
        url, ...(opts.types ? { types: opts.types } : {}), ...(opts.networks ? { networks: opts.networks } : {}),
        ...(opts.hosts ? { hosts: opts.hosts } : {}), ...(opts.after !== undefined ? { after: opts.after } : {}),
      });
      if (opts.json) { io.out(toJson(answer)); return; }
      io.out(`${answer.id}\n`);
      io.err(`Webhook ${answer.id} delivers to ${answer.url} from position ${answer.deliveredPosition}.\nSigning secret (shown only this once; verify webhook-signature with it):\n  ${answer.secret}\n`);
    });

  program.command('webhook-list').description('webhooks with their delivery status and lag (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { webhooks } = await client().get<WebhookListAnswer>('/v1/webhooks');
      if (opts.json) { io.out(toJson(webhooks)); return; }
      io.out(formatTable(['Id', 'URL', 'Types', 'Networks', 'Hosts', 'Status', 'Delivered', 'Lag', 'Last error'],
        webhooks.map((w) => [w.id, w.url, orAll(w.types), orAll(w.networks), orAll(w.hosts), w.status, String(w.deliveredCount), String(w.lag), w.lastError ?? '-'])));
    });

  program.command('webhook-status').argument('<id>', 'webhook id (see webhook-list)').description("one webhook's delivery: position delivered vs head, attempts, last error")
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const w = await client().get<WebhookStatusAnswer>(`/v1/webhooks/${encodeURIComponent(id)}`);
      if (opts.json) { io.out(toJson(w)); return; }
      io.out(formatTable(['Field', 'Value'], [
        ['Id', w.id], ['URL', w.url], ['Types', orAll(w.types)], ['Networks', orAll(w.networks)], ['Hosts', orAll(w.hosts)],
        ['Status', w.status], ['Delivered position', `${w.deliveredPosition} of ${w.headPosition} (lag ${w.lag})`],
        ['Delivered events', String(w.deliveredCount)], ['Failed attempts', String(w.attempts)], ['Last error', w.lastError ?? '-'],
        ['Last attempt', w.lastAttemptAt ?? '-'], ['Last success', w.lastSuccessAt ?? '-'], ['Next attempt', w.status === 'retrying' ? w.nextAttemptAt : '-'],
        ['Created', `${w.createdAt} by ${w.createdBy}`],
      ]));
    });

  program.command('webhook-remove').argument('<id>', 'webhook id').description('stop delivering to a webhook and forget it')
    .action(async (id: string) => {
      await client().delete(`/v1/webhooks/${encodeURIComponent(id)}`);
      io.out(`Webhook ${id} removed\n`);
    });
}
