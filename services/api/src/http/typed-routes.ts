import type { FastifyInstance } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import { errorAnswerSchema } from '@netfleet/api-types/error-answers';

/**
 * The app with request and reply types derived from each route's JSON Schemas: a handler's
 * params, query and body are what its schema validates, and what it returns must match its
 * response schema (shared with the CLI and dashboard through @netfleet/api-types).
 */
export const typed = (app: FastifyInstance) => app.withTypeProvider<JsonSchemaToTsProvider>();

/** Every refusal has the same shape (error-handler.ts): declared on each route for /openapi.json. */
export const errorResponses = { '4xx': errorAnswerSchema, '5xx': errorAnswerSchema } as const;
