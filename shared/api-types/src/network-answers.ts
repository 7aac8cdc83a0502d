import type { Json } from './json-schema';
import { closedObject, listAnswer } from './object-schemas';
import { portStatusSchema } from './port-answers';

const controllerStatusSchema = closedObject(['target', 'connected', 'state', 'lastError', 'since'], {
  target: { type: 'string' },
  connected: { type: 'boolean' },
  state: { type: ['string', 'null'], description: 'OVS Controller status:state (ACTIVE, BACKOFF, …)' },
  lastError: { type: ['string', 'null'] },
  since: { type: 'string', description: 'when it last changed (ISO-8601)' },
});
export type ControllerStatusAnswer = Json<typeof controllerStatusSchema>;

export const hostNetworkStatusSchema = closedObject(['host', 'desired', 'generation', 'observed', 'appliedGeneration', 'lastError', 'warnings', 'correlationId', 'controllers', 'lastDrift', 'updatedAt'], {
  host: { type: 'string' },
  desired: { type: 'string', enum: ['running', 'stopped'] },
  generation: { type: 'integer', description: 'the generation the host was last asked to apply' },
  observed: { type: 'string', enum: ['pending', 'running', 'stopped', 'failed'] },
  appliedGeneration: { type: ['integer', 'null'], description: 'the generation the host last reported an outcome for' },
  lastError: { type: ['string', 'null'] },
  warnings: { type: 'array', items: { type: 'string' } },
  correlationId: { type: ['string', 'null'] },
  controllers: { type: 'array', items: controllerStatusSchema },
  lastDrift: {
    anyOf: [{ type: 'null' }, closedObject(['differences', 'repaired', 'at'], { differences: { type: 'array', items: { type: 'string' } }, repaired: { type: 'boolean' }, at: { type: 'string' } })],
  },
  ports: { type: 'array', items: portStatusSchema, description: 'the interfaces on the network\'s bridge there (absent in views older than ports)' },
  updatedAt: { type: 'string' },
});
export type HostNetworkStatusAnswer = Json<typeof hostNetworkStatusSchema>;

const networkProperties = {
  name: { type: 'string' },
  uuid: { type: 'string' },
  networkType: { type: 'string', enum: ['bridge', 'ovs-datapath'] },
  xml: { type: 'string', description: 'the definition, as netfleet formats it' },
  hosts: { type: 'array', items: { type: 'string' }, description: 'placement' },
  active: { type: 'boolean' },
  persistent: { type: 'boolean' },
  autostart: { type: 'boolean' },
  generation: { type: 'integer', description: 'bumped by every change to the desired state' },
  version: { type: 'integer', description: 'the network stream\'s version (If-Match / expectedVersion)' },
  perHost: { type: 'object', additionalProperties: hostNetworkStatusSchema, description: 'per placed (or once placed) host' },
  definedAt: { type: 'string' },
  updatedAt: { type: 'string' },
} as const;
const networkRequired = ['name', 'uuid', 'networkType', 'xml', 'hosts', 'active', 'persistent', 'autostart', 'generation', 'version', 'perHost', 'definedAt', 'updatedAt'] as const;

/** A network as the fleet view holds it. */
export const networkSchema = closedObject(networkRequired, networkProperties);
export type NetworkAnswer = Json<typeof networkSchema>;

const { xml: _definition, ...gridViewProperties } = networkProperties;

/** A network of a grid page (GET /v1/fleet/grid): its view without the definition, `perHost` for the window's hosts only. */
export const gridViewSchema = closedObject(['name', 'uuid', 'networkType', 'hosts', 'active', 'persistent', 'autostart', 'generation', 'version', 'perHost', 'definedAt', 'updatedAt'], gridViewProperties);

/** GET /v1/networks/:name: the network and the OVS bridge it makes on its hosts. */
export const networkDetailSchema = closedObject([...networkRequired, 'bridge'], {
  ...networkProperties, bridge: { type: ['string', 'null'], description: 'the OVS bridge (null for libvirt forms without one)' },
});
export type NetworkDetailAnswer = Json<typeof networkDetailSchema>;

export const networkListSchema = listAnswer('networks', networkSchema);
export type NetworkListAnswer = Json<typeof networkListSchema>;

/** One host's answer to a command, as `--wait` prints it. */
export const hostOutcomeSchema = closedObject(['host', 'outcome', 'generation', 'warnings'], {
  host: { type: 'string' },
  outcome: { type: 'string', enum: ['running', 'stopped', 'failed', 'offline', 'pending'] },
  generation: { type: 'integer' },
  error: { type: 'string' },
  warnings: { type: 'array', items: { type: 'string' } },
  offlineSince: { type: 'string', description: 'for an offline host: since when the fleet view has it offline' },
});
export type HostOutcomeAnswer = Json<typeof hostOutcomeSchema>;

/** What every state-changing network verb answers (with --wait: once the hosts reported, or at the timeout). */
export const commandAnswerSchema = closedObject(['network', 'correlationId', 'version', 'generation', 'duplicate', 'events', 'hosts', 'complete'], {
  network: { type: 'string' },
  correlationId: { type: 'string', description: 'links the command to every host outcome it caused (history --correlation)' },
  version: { type: ['integer', 'null'], description: 'the network stream\'s version after the command (null: undefined)' },
  generation: { type: ['integer', 'null'] },
  duplicate: { type: 'boolean', description: 'true when this was a retry of a command already recorded' },
  events: {
    type: 'array',
    items: closedObject(['position', 'type', 'streamVersion'], { position: { type: 'integer' }, type: { type: 'string' }, streamVersion: { type: 'integer' } }),
  },
  hosts: { type: 'array', items: hostOutcomeSchema },
  complete: { type: 'boolean', description: 'every affected host reported' },
});
export type CommandAnswer = Json<typeof commandAnswerSchema>;

/** `--wait` as application/x-ndjson: progress lines, then the result or an error. */
export interface WaitProgressAnswer { done: number; total: number; waitingFor: string[] }
export type WaitStreamLine =
  | { progress: WaitProgressAnswer }
  | { result: CommandAnswer }
  | { error: { code: string; message: string; details: Record<string, unknown> } };
