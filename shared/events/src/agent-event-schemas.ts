import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { AgentEventMessageV1 } from './agent-event-message';
import { AGENT_REPORTED_TYPES, HostEventType } from './host-events';
import { NAME_MAX_LENGTH } from './name-limits';

/**
 * The JSON Schema of every event an agent may report, one per type (v1), with the envelope it
 * travels in: everything the API records from the bus is checked against these first, so a
 * malformed report (an id that is not a UUID, a wrong type, a missing field, a NUL, a huge list)
 * is refused once, on arrival, never redelivered. Validated with ajv, the same validator and
 * dialect the API's routes use (fastify), rather than hand-written checks that drift from the types.
 */
const NO_NUL = '^[^\\u0000]*$';
const text = (maxLength: number) => ({ type: 'string', maxLength, pattern: NO_NUL });
const nonEmpty = (maxLength: number) => ({ ...text(maxLength), minLength: 1 });
const uuid = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' };
const hostName = { type: 'string', pattern: `^[A-Za-z0-9_-]{1,${NAME_MAX_LENGTH}}$` };
const isoTime = { type: 'string', maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$' };
const generation = { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 };

const outcome = { host: hostName, network: nonEmpty(NAME_MAX_LENGTH), generation };
const dataSchema = (properties: Record<string, object>, required: string[]) =>
  ({ type: 'object', additionalProperties: false, required: ['host', ...required], properties: { host: hostName, ...properties } });

export const AGENT_EVENT_DATA_SCHEMAS: Record<string, object> = {
  [HostEventType.NetworkStartedOnHost]: dataSchema({ ...outcome, bridge: nonEmpty(64), warnings: { type: 'array', maxItems: 100, items: text(2000) } }, ['network', 'generation', 'bridge', 'warnings']),
  [HostEventType.NetworkStoppedOnHost]: dataSchema(outcome, ['network', 'generation']),
  [HostEventType.NetworkFailedOnHost]: dataSchema({ ...outcome, code: { type: 'string', pattern: '^NF_[A-Z0-9_]{1,96}$' }, error: text(8000) }, ['network', 'generation', 'code', 'error']),
  [HostEventType.AgentStarted]: dataSchema({ agentVersion: nonEmpty(100), libvirt: nonEmpty(1000) }, ['agentVersion']),
  [HostEventType.ControllerConnectionChanged]: dataSchema({
    ...outcome, bridge: nonEmpty(64), target: nonEmpty(600), connected: { type: 'boolean' }, state: text(64), lastError: text(2000),
  }, ['network', 'generation', 'bridge', 'target', 'connected']),
  [HostEventType.DriftDetected]: dataSchema({
    ...outcome, bridge: nonEmpty(64), differences: { type: 'array', maxItems: 200, items: text(2000) }, repaired: { type: 'boolean' },
  }, ['network', 'generation', 'bridge', 'differences', 'repaired']),
  [HostEventType.PortAttached]: portSchema(),
  [HostEventType.PortDetached]: portSchema(),
};

function portSchema(): object {
  return dataSchema({
    network: nonEmpty(NAME_MAX_LENGTH), bridge: nonEmpty(64), interface: nonEmpty(64),
    mac: { type: 'string', pattern: '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$' }, vmUuid: uuid, ifaceId: nonEmpty(100), domain: nonEmpty(200),
  }, ['network', 'bridge', 'interface']);
}

const envelopeSchema = (type: string, data: object) => ({
  type: 'object', additionalProperties: false,
  required: ['type', 'v', 'data', 'eventId', 'host', 'correlationId', 'occurredAt'],
  properties: {
    type: { const: type }, v: { const: 1 }, data, eventId: uuid, host: hostName,
    correlationId: nonEmpty(300), causationId: nonEmpty(300), occurredAt: isoTime,
  },
});

const ajv = new Ajv({ allErrors: false, strict: true });
const validators = new Map<string, ValidateFunction>(
  AGENT_REPORTED_TYPES.map((type) => [type, ajv.compile(envelopeSchema(type, AGENT_EVENT_DATA_SCHEMAS[type]!))]),
);

export type AgentEventCheck = { ok: true; message: AgentEventMessageV1 } | { ok: false; reason: string };

/** Checks a parsed message against its type's schema. Pure. */
export function checkAgentEvent(message: unknown): AgentEventCheck {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return { ok: false, reason: 'the event is not a JSON object' };
  const type = (message as { type?: unknown }).type;
  const validate = typeof type === 'string' ? validators.get(type) : undefined;
  if (!validate) return { ok: false, reason: `'${String(type).slice(0, 100)}' is not an event an agent may report (${AGENT_REPORTED_TYPES.join(', ')})` };
  if (!validate(message)) return { ok: false, reason: `${type} v1: ${describe(validate.errors?.[0])}` };
  return { ok: true, message: message as AgentEventMessageV1 };
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return 'invalid';
  const where = error.instancePath || '(the event)';
  const extra = error.keyword === 'additionalProperties' ? ` '${String((error.params as { additionalProperty?: string }).additionalProperty)}'` : '';
  return `${where} ${error.message ?? 'is invalid'}${extra}`;
}
