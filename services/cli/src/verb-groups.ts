import type { Command } from 'commander';
import type { ApiClient } from './api-client';
import type { CliIo } from './commands/cli-io';
import type { Connection } from './connection';

export interface CliDeps { client: () => ApiClient; connection: () => Connection; io: CliIo }

/** One group of verbs that share a module; `load` imports that module only when one of them runs. */
export interface VerbGroup { verbs: readonly string[]; load: () => Promise<(program: Command, deps: CliDeps) => void> }

// Start-up time is dominated by loading modules, so a verb loads only its own group (the
// netxml parser only for the verbs that read XML). A verb missing here still works: main.ts
// loads every group when it does not recognise the verb (e.g. for --help).
export const VERB_GROUPS: readonly VerbGroup[] = [
  { verbs: ['net-define', 'net-create', 'net-start', 'net-destroy', 'net-undefine', 'net-autostart', 'net-place'],
    load: async () => { const m = await import('./commands/lifecycle-commands'); return (p, d) => m.registerLifecycleCommands(p, d.client, d.io); } },
  { verbs: ['net-edit'], load: async () => { const m = await import('./commands/edit-command'); return (p, d) => m.registerEditCommand(p, d.client, d.io); } },
  { verbs: ['net-list', 'net-info', 'net-status', 'net-dumpxml'],
    load: async () => { const m = await import('./commands/query-commands'); return (p, d) => m.registerQueryCommands(p, d.client, d.io); } },
  { verbs: ['net-ports'], load: async () => { const m = await import('./commands/ports-command'); return (p, d) => m.registerPortsCommand(p, d.client, d.io); } },
  { verbs: ['net-history'], load: async () => { const m = await import('./commands/history-commands'); return (p, d) => m.registerHistoryCommands(p, d.client, d.io); } },
  { verbs: ['net-event'], load: async () => { const m = await import('./commands/event-command'); return (p, d) => m.registerEventCommand(p, d.connection, d.io); } },
  { verbs: ['host-list', 'host-add'], load: async () => { const m = await import('./commands/host-commands'); return (p, d) => m.registerHostCommands(p, d.client, d.io); } },
  { verbs: ['token-create', 'token-revoke', 'token-list'],
    load: async () => { const m = await import('./commands/token-commands'); return (p, d) => m.registerTokenCommands(p, d.client, d.io); } },
  { verbs: ['audit'], load: async () => { const m = await import('./commands/audit-commands'); return (p, d) => m.registerAuditCommands(p, d.client, d.io); } },
  { verbs: ['webhook-add', 'webhook-list', 'webhook-status', 'webhook-remove'],
    load: async () => { const m = await import('./commands/webhook-commands'); return (p, d) => m.registerWebhookCommands(p, d.client, d.io); } },
  { verbs: ['admin'], load: async () => { const m = await import('./commands/admin-commands'); return (p, d) => m.registerAdminCommands(p, d.client, d.io); } },
  { verbs: ['net-format'], load: async () => { const m = await import('./commands/format-command'); return (p, d) => m.registerFormatCommand(p, d.io); } },
  { verbs: ['doctor'], load: async () => { const m = await import('./commands/doctor-command'); return (p, d) => m.registerDoctorCommand(p, d.connection, d.io); } },
];

/** The groups to load for this command line: the verb's own, or all of them (help, unknown verb). */
export function groupsFor(argv: readonly string[]): readonly VerbGroup[] {
  const verb = firstVerb(argv);
  const own = verb === undefined ? undefined : VERB_GROUPS.find((g) => g.verbs.includes(verb));
  return own ? [own] : VERB_GROUPS;
}

// Global options that take a value (their value is not the verb).
const VALUE_OPTIONS = new Set(['--api', '--token']);

function firstVerb(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (VALUE_OPTIONS.has(arg)) { i++; continue; }
    if (arg.startsWith('-')) continue;
    return arg;
  }
  return undefined;
}
