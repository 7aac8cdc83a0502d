import type { Json } from './json-schema';
import { closedObject } from './object-schemas';

/** An interface on a network's bridge on one host, as its agent reported it (PortAttached). */
export const portStatusSchema = closedObject(['interface', 'bridge', 'mac', 'vmUuid', 'domain', 'since'], {
  interface: { type: 'string' },
  bridge: { type: 'string' },
  mac: { type: ['string', 'null'] },
  vmUuid: { type: ['string', 'null'], description: 'the VM (libvirt domain uuid) owning the port; null: no VM owns it' },
  domain: { type: ['string', 'null'], description: 'the domain\'s name, where the host\'s libvirt could tell it' },
  since: { type: 'string' },
});
export type PortStatusAnswer = Json<typeof portStatusSchema>;

/** GET /v1/networks/:name/ports: per placed (or once placed) host, the ports on the network's bridge. */
export const networkPortsSchema = closedObject(['network', 'hosts'], {
  network: { type: 'string' },
  hosts: { type: 'array', items: closedObject(['host', 'ports'], { host: { type: 'string' }, ports: { type: 'array', items: portStatusSchema } }) },
});
export type NetworkPortsAnswer = Json<typeof networkPortsSchema>;
