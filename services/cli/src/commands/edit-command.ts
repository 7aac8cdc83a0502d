import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApiClient } from '../api-client';
import type { CliIo } from './cli-io';
import type { NetworkDetailAnswer } from '@netfleet/api-types/network-answers';

/**
 * net-edit: opens the definition in $VISUAL/$EDITOR and records the change (with its XML diff)
 * against the version that was opened, so an edit made meanwhile by someone else is refused.
 */
export function registerEditCommand(program: Command, client: () => ApiClient, io: CliIo): void {
  program.command('net-edit').argument('<network>', 'network name').description('edit a network\'s XML in $EDITOR and redefine it')
    .option('--comment <text>', 'why (recorded in the history)')
    .action(async (name: string, opts: { comment?: string }) => {
      const api = client();
      const view = await api.get<NetworkDetailAnswer>(`/v1/networks/${encodeURIComponent(name)}`);
      const dir = await mkdtemp(join(tmpdir(), 'netfleet-edit-'));
      const file = join(dir, `${name}.xml`);
      try {
        await writeFile(file, view.xml);
        const [editor, ...editorArgs] = (process.env['VISUAL'] ?? process.env['EDITOR'] ?? 'vi').split(/\s+/).filter(Boolean);
        const run = spawnSync(editor!, [...editorArgs, file], { stdio: 'inherit' });
        if (run.error || run.status !== 0) throw new NetfleetError('NF_CLI_EDITOR', { editor: editor!, reason: run.error?.message ?? `exit status ${run.status}` });
        const edited = await readFile(file, 'utf8');
        if (edited === view.xml) { io.out(`Network ${name} XML configuration not changed.\n`); return; }
        await api.post('/v1/networks', { xml: edited, expectedVersion: view.version, ...(opts.comment ? { comment: opts.comment } : {}) });
        io.out(`Network ${name} XML configuration edited.\n`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
}
