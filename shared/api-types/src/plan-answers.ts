import type { Json } from './json-schema';

/** POST /v1/networks/:name/plan: what each placed host would run (`--dry-run`); nothing is recorded. */
export const dryRunSchema = {
  type: 'object', required: ['network', 'action', 'dryRun', 'hosts'], additionalProperties: false,
  properties: {
    network: { type: 'string' },
    action: { type: 'string', enum: ['start', 'destroy'] },
    dryRun: { type: 'boolean', const: true },
    hosts: {
      type: 'array',
      items: {
        type: 'object', required: ['host', 'status', 'argv', 'refusals', 'drift', 'warnings'], additionalProperties: false,
        properties: {
          host: { type: 'string' },
          status: { type: 'string', enum: ['planned', 'offline', 'error'], description: 'planned: the agent answered; offline: no agent answered in time; error: it could not plan' },
          argv: { type: 'array', items: { type: 'string' }, description: 'the full ovs-vsctl argv (empty: OVS already matches)' },
          refusals: {
            type: 'array',
            items: { type: 'object', required: ['network', 'code', 'message'], additionalProperties: false, properties: { network: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } },
          },
          drift: {
            type: 'array',
            items: { type: 'object', required: ['network', 'bridge', 'what'], additionalProperties: false, properties: { network: { type: 'string' }, bridge: { type: 'string' }, what: { type: 'array', items: { type: 'string' } } } },
          },
          warnings: {
            type: 'array',
            items: { type: 'object', required: ['network', 'warnings'], additionalProperties: false, properties: { network: { type: 'string' }, warnings: { type: 'array', items: { type: 'string' } } } },
          },
          error: { type: 'string' },
        },
      },
    },
  },
} as const;
export type DryRunAnswer = Json<typeof dryRunSchema>;
export type HostPlanAnswer = DryRunAnswer['hosts'][number];
