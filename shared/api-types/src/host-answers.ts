import type { Json } from './json-schema';

const hostProperties = {
  name: { type: 'string' },
  labels: { type: 'object', additionalProperties: { type: 'string' } },
  registered: { type: 'boolean', description: 'added by an admin (host-add)' },
  online: { type: 'boolean' },
  since: { type: 'string', description: 'when `online` last changed' },
  agentVersion: { type: ['string', 'null'] },
  libvirt: { type: 'string', description: 'the host\'s libvirt as its agent said: its URI, or "not configured" (absent: not reported)' },
} as const;
const hostRequired = ['name', 'labels', 'registered', 'online', 'since', 'agentVersion'] as const;

/** A host as the fleet view holds it. */
export const hostSchema = { type: 'object', additionalProperties: false, required: hostRequired, properties: hostProperties } as const;
export type HostAnswer = Json<typeof hostSchema>;

export const hostListSchema = {
  type: 'object', required: ['hosts'], additionalProperties: false,
  properties: {
    hosts: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: [...hostRequired, 'networks'],
        properties: { ...hostProperties, networks: { type: 'array', items: { type: 'string' }, description: 'networks placed on it' } },
      },
    },
  },
} as const;
export type HostListAnswer = Json<typeof hostListSchema>;

/** POST /v1/hosts: the host, and its agent's NATS credentials when new ones were issued (shown once). */
export const hostAddedSchema = {
  type: 'object', required: ['name', 'labels'], additionalProperties: false,
  properties: {
    name: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    nats: {
      type: 'object', required: ['user', 'password', 'inboxPrefix'], additionalProperties: false,
      properties: { user: { type: 'string' }, password: { type: 'string' }, inboxPrefix: { type: 'string' } },
    },
  },
} as const;
export type HostAddedAnswer = Json<typeof hostAddedSchema>;
