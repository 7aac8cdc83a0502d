import type { JSONSchema } from 'json-schema-to-ts';

/**
 * A JSON object with exactly these properties, the `required` ones always present: every answer
 * is closed (`additionalProperties: false`), so fastify's serialiser drops whatever a handler
 * adds by mistake and the derived type has no index signature. `const` keeps the literal types
 * json-schema-to-ts derives the answer types from.
 */
export function closedObject<const Required extends readonly (keyof Properties & string)[], const Properties extends Readonly<Record<string, JSONSchema>>>(
  required: Required, properties: Properties,
): { readonly type: 'object'; readonly required: Required; readonly additionalProperties: false; readonly properties: Properties } {
  return { type: 'object', required, additionalProperties: false, properties };
}

/** A list answer: one array of `items` under `key` (GET /v1/webhooks: `{ webhooks: [...] }`). */
export function listAnswer<const Key extends string, const Items extends JSONSchema>(key: Key, items: Items) {
  // A computed key widens to a string index; the cast names the one key it is.
  return closedObject([key], { [key]: { type: 'array', items } } as { readonly [K in Key]: { readonly type: 'array'; readonly items: Items } });
}
