import type { FastifyInstance } from 'fastify';
import { eventDataSchemaSchema, eventSchemaListSchema } from '@netfleet/api-types/schema-answers';
import { cloudEventTypeOf, dataSchemaOf } from '@netfleet/events/cloud-event';
import { EVENT_DATA_SCHEMAS, dataSchemaFor, latestVersionOf, type EventType } from '@netfleet/events/event-schemas';
import { isNetworkEventType } from '@netfleet/events/network-events';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApiContext } from '../api-context';
import { errorResponses, typed } from './typed-routes';

const streamOf = (type: string) => (isNetworkEventType(type) ? 'network:' : 'host:');

/**
 * The JSON Schema of every event type's `data`, by version: what a CloudEvent's `dataschema`
 * points at. Read-only, any role.
 */
export async function schemaRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const url = (path: string) => new URL(path, opts.ctx.envelopes.apiUrlNow).href;
  const routes = typed(app);

  routes.get('/v1/schemas', {
    schema: {
      description: 'Every event type netfleet sends, its data schema versions and its CloudEvents type.',
      response: { ...errorResponses, 200: eventSchemaListSchema },
    },
  }, async () => ({
    schemas: (Object.keys(EVENT_DATA_SCHEMAS) as EventType[]).sort().map((type) => {
      const latest = latestVersionOf(type)!;
      return {
        type, latest, versions: Object.keys(EVENT_DATA_SCHEMAS[type]).map(Number).sort((a, b) => a - b),
        cloudEventType: cloudEventTypeOf(type, streamOf(type)), dataschema: url(dataSchemaOf(type, latest)),
      };
    }),
  }));

  routes.get('/v1/schemas/:type/v:version', {
    schema: {
      description: 'The JSON Schema (draft 2020-12 compatible) of one event type\'s `data` at one version.',
      params: {
        type: 'object', additionalProperties: false, required: ['type', 'version'],
        properties: { type: { type: 'string', pattern: '^[A-Za-z]{1,64}$' }, version: { type: 'string', pattern: '^[0-9]{1,4}$' } },
      },
      response: { ...errorResponses, 200: eventDataSchemaSchema },
    },
  }, async (request) => {
    const { type } = request.params;
    const v = Number(request.params.version);
    const schema = dataSchemaFor(type, v);
    if (!schema) {
      throw new NetfleetError('NF_SCHEMA_NOT_FOUND', {
        type, version: v, known: latestVersionOf(type) === undefined ? 'netfleet has no such event type' : `it has v1 to v${latestVersionOf(type)}`,
      });
    }
    return { $id: url(dataSchemaOf(type, v)), title: `${type} v${v}`, ...schema };
  });
}
