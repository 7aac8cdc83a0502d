import type { Json } from './json-schema';

/** What every refusal looks like: a code from docs/errors.md, a sentence, and its details. */
export const errorAnswerSchema = {
  type: 'object', required: ['code', 'message', 'details'], additionalProperties: false,
  properties: {
    code: { type: 'string', description: 'a code from docs/errors.md (NF_…)' },
    message: { type: 'string', description: 'what is wrong and what to do' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;
export type ErrorAnswer = Json<typeof errorAnswerSchema>;
