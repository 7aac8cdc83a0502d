import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { getNetworkView } from '@netfleet/eventstore/views';
import type { ApiContext } from '../api-context';
import { networkName } from './schema-bounds';

const nullableText = { type: ['string', 'null'] } as const;
const portsResponse = {
  type: 'object', required: ['network', 'hosts'], additionalProperties: false,
  properties: {
    network: { type: 'string' },
    hosts: {
      type: 'array',
      items: {
        type: 'object', required: ['host', 'ports'], additionalProperties: false,
        properties: {
          host: { type: 'string' },
          ports: {
            type: 'array',
            items: {
              type: 'object', required: ['interface', 'bridge', 'mac', 'vmUuid', 'domain', 'since'], additionalProperties: false,
              properties: {
                interface: { type: 'string' }, bridge: { type: 'string' }, mac: nullableText,
                vmUuid: { ...nullableText, description: 'the VM (libvirt domain uuid) owning the port; null: no VM owns it' },
                domain: { ...nullableText, description: 'the domain\'s name, where the host\'s libvirt could tell it' },
                since: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** Which VMs sit on a network: per placed host, the interfaces on its bridge, as the agents report them. */
export async function portRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  app.get('/v1/networks/:name/ports', {
    schema: {
      params: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: networkName } },
      response: { 200: portsResponse },
    },
  }, async (request: FastifyRequest<{ Params: { name: string } }>) => {
    const view = await getNetworkView(opts.ctx.db, request.params.name);
    if (!view) throw new NetfleetError('NF_NETWORK_NOT_FOUND', `network '${request.params.name}' is not defined; see net-list --all`, { network: request.params.name });
    const hosts = [...new Set([...view.hosts, ...Object.keys(view.perHost)])].sort();
    return { network: view.name, hosts: hosts.map((host) => ({ host, ports: view.perHost[host]?.ports ?? [] })) };
  });
}
