import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/**
 * The type a JSON Schema describes. Every response schema here is a plain `as const` JSON Schema:
 * fastify validates and serialises with it, /openapi.json publishes it, and this derives the
 * TypeScript type the API must return and the CLI and dashboard read, so the three cannot drift.
 */
export type Json<Schema extends JSONSchema> = FromSchema<Schema>;
