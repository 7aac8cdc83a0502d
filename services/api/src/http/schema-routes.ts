import type { FastifyInstance, FastifyRequest } from 'fastify';
import { cloudEventTypeOf, dataSchemaOf } from '@netfleet/events/cloud-event';
import { EVENT_DATA_SCHEMAS, dataSchemaFor, latestVersionOf, type EventType } from '@netfleet/events/event-schemas';
import { isNetworkEventType } from '@netfleet/events/network-events';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApiContext } from '../api-context';
import { errorResponses } from './typed-routes';

const streamOf = (type: string) => (isNetworkEventType(type) ? 'network:' : 'host:');

const schemaEntry = {
  type: 'object', additionalProperties: false, required: ['type', 'versions', 'latest', 'cloudEventType', 'dataschema'],
  properties: {
    type: { type: 'string', description: "netfleet's event type (the CloudEvent's `netfleettype`)" },
    versions: { type: 'array', items: { type: 'integer' } },
    latest: { type: 'integer', description: 'the version events are sent as (older rows are upcast)' },
    cloudEventType: { type: 'string' },
    dataschema: { type: 'string', description: 'the JSON Schema of the latest version' },
  },
} as const;

/**
 * The JSON Schema of every event type's `data`, by version: what a CloudEvent's `dataschema`
 * points at. Read-only, any role.
 */
export async function schemaRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const url = (path: string) => new URL(path, opts.ctx.envelopes.apiUrlNow).href;

  app.get('/v1/schemas', {
    schema: {
      description: 'Every event type netfleet sends, its data schema versions and its CloudEvents type.',
      response: { ...errorResponses, 200: { type: 'object', additionalProperties: false, required: ['schemas'], properties: { schemas: { type: 'array', items: schemaEntry } } } },
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

  app.get('/v1/schemas/:type/v:version', {
    schema: {
      description: 'The JSON Schema (draft 2020-12 compatible) of one event type\'s `data` at one version.',
      params: {
        type: 'object', additionalProperties: false, required: ['type', 'version'],
        properties: { type: { type: 'string', pattern: '^[A-Za-z]{1,64}$' }, version: { type: 'string', pattern: '^[0-9]{1,4}$' } },
      },
      response: { ...errorResponses, 200: { type: 'object', additionalProperties: true, description: 'a JSON Schema' } },
    },
  }, async (request: FastifyRequest<{ Params: { type: string; version: string } }>) => {
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
