import type { FastifyInstance } from 'fastify';
import { networkPortsSchema } from '@netfleet/api-types/port-answers';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { getNetworkView } from '@netfleet/eventstore/views';
import type { ApiContext } from '../api-context';
import { networkName } from './schema-bounds';
import { errorResponses, typed } from './typed-routes';

/** Which VMs sit on a network: per placed host, the interfaces on its bridge, as the agents report them. */
export async function portRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  typed(app).get('/v1/networks/:name/ports', {
    schema: {
      params: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: networkName } },
      response: { 200: networkPortsSchema, ...errorResponses },
    },
  }, async (request) => {
    const view = await getNetworkView(opts.ctx.db, request.params.name);
    if (!view) throw new NetfleetError('NF_NETWORK_NOT_FOUND', { network: request.params.name });
    const hosts = [...new Set([...view.hosts, ...Object.keys(view.perHost)])].sort();
    return { network: view.name, hosts: hosts.map((host) => ({ host, ports: view.perHost[host]?.ports ?? [] })) };
  });
}
