import type { Json } from './json-schema';
import { closedObject, listAnswer } from './object-schemas';

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
export const hostSchema = closedObject(hostRequired, hostProperties);
export type HostAnswer = Json<typeof hostSchema>;

export const hostListSchema = listAnswer('hosts', closedObject([...hostRequired, 'networks'], {
  ...hostProperties, networks: { type: 'array', items: { type: 'string' }, description: 'networks placed on it' },
}));
export type HostListAnswer = Json<typeof hostListSchema>;

/** POST /v1/hosts: the host, and its agent's NATS credentials when new ones were issued (shown once). */
export const hostAddedSchema = closedObject(['name', 'labels'], {
  name: hostProperties.name,
  labels: hostProperties.labels,
  nats: closedObject(['user', 'password', 'inboxPrefix'], { user: { type: 'string' }, password: { type: 'string' }, inboxPrefix: { type: 'string' } }),
});
export type HostAddedAnswer = Json<typeof hostAddedSchema>;
