import type { Json } from './json-schema';

/** An interface on a network's bridge on one host, as its agent reported it (PortAttached). */
export const portStatusSchema = {
  type: 'object', required: ['interface', 'bridge', 'mac', 'vmUuid', 'domain', 'since'], additionalProperties: false,
  properties: {
    interface: { type: 'string' },
    bridge: { type: 'string' },
    mac: { type: ['string', 'null'] },
    vmUuid: { type: ['string', 'null'], description: 'the VM (libvirt domain uuid) owning the port; null: no VM owns it' },
    domain: { type: ['string', 'null'], description: 'the domain\'s name, where the host\'s libvirt could tell it' },
    since: { type: 'string' },
  },
} as const;
export type PortStatusAnswer = Json<typeof portStatusSchema>;

/** GET /v1/networks/:name/ports: per placed (or once placed) host, the ports on the network's bridge. */
export const networkPortsSchema = {
  type: 'object', required: ['network', 'hosts'], additionalProperties: false,
  properties: {
    network: { type: 'string' },
    hosts: {
      type: 'array',
      items: {
        type: 'object', required: ['host', 'ports'], additionalProperties: false,
        properties: { host: { type: 'string' }, ports: { type: 'array', items: portStatusSchema } },
      },
    },
  },
} as const;
export type NetworkPortsAnswer = Json<typeof networkPortsSchema>;
