import type { Json } from './json-schema';
import { closedObject } from './object-schemas';

/** POST /v1/networks/:name/plan: what each placed host would run (`--dry-run`); nothing is recorded. */
export const dryRunSchema = closedObject(['network', 'action', 'dryRun', 'hosts'], {
  network: { type: 'string' },
  action: { type: 'string', enum: ['start', 'destroy'] },
  dryRun: { type: 'boolean', const: true },
  hosts: {
    type: 'array',
    items: closedObject(['host', 'status', 'argv', 'refusals', 'drift', 'warnings'], {
      host: { type: 'string' },
      status: { type: 'string', enum: ['planned', 'offline', 'error'], description: 'planned: the agent answered; offline: no agent answered in time; error: it could not plan' },
      argv: { type: 'array', items: { type: 'string' }, description: 'the full ovs-vsctl argv (empty: OVS already matches)' },
      refusals: { type: 'array', items: closedObject(['network', 'code', 'message'], { network: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } }) },
      drift: { type: 'array', items: closedObject(['network', 'bridge', 'what'], { network: { type: 'string' }, bridge: { type: 'string' }, what: { type: 'array', items: { type: 'string' } } }) },
      warnings: { type: 'array', items: closedObject(['network', 'warnings'], { network: { type: 'string' }, warnings: { type: 'array', items: { type: 'string' } } }) },
      error: { type: 'string' },
    }),
  },
});
export type DryRunAnswer = Json<typeof dryRunSchema>;
export type HostPlanAnswer = DryRunAnswer['hosts'][number];
