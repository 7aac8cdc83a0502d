import type { Json } from './json-schema';
import { closedObject, listAnswer } from './object-schemas';

/** One event type: its data schema versions, the one events are sent as, and its CloudEvents type. */
export const eventSchemaEntrySchema = closedObject(['type', 'versions', 'latest', 'cloudEventType', 'dataschema'], {
  type: { type: 'string', description: "netfleet's event type (the CloudEvent's `netfleettype`)" },
  versions: { type: 'array', items: { type: 'integer' } },
  latest: { type: 'integer', description: 'the version events are sent as (older rows are upcast)' },
  cloudEventType: { type: 'string' },
  dataschema: { type: 'string', description: 'the JSON Schema of the latest version' },
});
export type EventSchemaEntryAnswer = Json<typeof eventSchemaEntrySchema>;

/** GET /v1/schemas: every event type netfleet sends. */
export const eventSchemaListSchema = listAnswer('schemas', eventSchemaEntrySchema);
export type EventSchemaListAnswer = Json<typeof eventSchemaListSchema>;

/** GET /v1/schemas/:type/v:version: a JSON Schema (draft 2020-12 compatible), whatever keywords it uses. */
export const eventDataSchemaSchema = { type: 'object', additionalProperties: true, description: 'a JSON Schema' } as const;
