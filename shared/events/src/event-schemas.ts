import { AGENT_EVENT_DATA_SCHEMAS } from './agent-event-schemas';
import { HostEventType } from './host-events';
import { NAME_MAX_LENGTH } from './name-limits';
import { NetworkEventType } from './network-events';

/**
 * The JSON Schema of every event type's `data`, per payload version: the one place a new event
 * type (or a new version of one) is described. Published at GET /v1/schemas (the `dataschema` of
 * every CloudEvent netfleet sends); the agents' reports are also checked against their entries on
 * arrival (agent-event-schemas.ts). The latest version of each type is what events leave netfleet
 * as: older rows are upcast to it (upcasters.ts).
 */
const name = { type: 'string', minLength: 1, maxLength: NAME_MAX_LENGTH };
const names = { type: 'array', items: name };
const dataOf = (properties: Record<string, object>, required: string[]) =>
  ({ type: 'object', additionalProperties: false, required, properties });

const NETWORK_DATA_SCHEMAS: Record<NetworkEventType, object> = {
  [NetworkEventType.Defined]: dataOf({
    name, uuid: { type: 'string' }, networkType: { enum: ['bridge', 'ovs-datapath'] }, xml: { type: 'string' }, hosts: names,
    diff: { type: 'string' }, persistent: { type: 'boolean' },
  }, ['name', 'uuid', 'networkType', 'xml', 'hosts']),
  [NetworkEventType.Started]: dataOf({ name, hosts: names }, ['name', 'hosts']),
  [NetworkEventType.Destroyed]: dataOf({ name, hosts: names }, ['name', 'hosts']),
  [NetworkEventType.Undefined]: dataOf({ name }, ['name']),
  [NetworkEventType.AutostartChanged]: dataOf({ name, autostart: { type: 'boolean' } }, ['name', 'autostart']),
  [NetworkEventType.PlacementChanged]: dataOf({ name, hosts: names, added: names, removed: names }, ['name', 'hosts', 'added', 'removed']),
};

const API_HOST_DATA_SCHEMAS = {
  [HostEventType.HostRegistered]: dataOf({ host: name, labels: { type: 'object', additionalProperties: { type: 'string' } } }, ['host', 'labels']),
  [HostEventType.HostWentOffline]: dataOf({ host: name, lastSeen: { type: 'string' } }, ['host', 'lastSeen']),
  [HostEventType.HostCameOnline]: dataOf({ host: name }, ['host']),
};

export type EventType = NetworkEventType | HostEventType;

/** Every event type → its data schemas by version (1, 2, …: no gaps). */
export const EVENT_DATA_SCHEMAS: Record<EventType, Record<number, object>> = {
  ...Object.fromEntries(Object.entries(NETWORK_DATA_SCHEMAS).map(([t, s]) => [t, { 1: s }])),
  ...Object.fromEntries(Object.entries(AGENT_EVENT_DATA_SCHEMAS).map(([t, s]) => [t, { 1: s }])),
  ...Object.fromEntries(Object.entries(API_HOST_DATA_SCHEMAS).map(([t, s]) => [t, { 1: s }])),
} as unknown as Record<EventType, Record<number, object>>;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_DATA_SCHEMAS, type);
}

/** The data schema of one type and version, or undefined when there is none. */
export function dataSchemaFor(type: string, v: number): object | undefined {
  return isEventType(type) ? EVENT_DATA_SCHEMAS[type][v] : undefined;
}

/** The newest payload version of a type (what it is written and sent as). */
export function latestVersionOf(type: string): number | undefined {
  if (!isEventType(type)) return undefined;
  return Math.max(...Object.keys(EVENT_DATA_SCHEMAS[type]).map(Number));
}
