import type { Json } from './json-schema';
import { closedObject } from './object-schemas';

/** What every refusal looks like: a code from docs/errors.md, a sentence, and its details. */
export const errorAnswerSchema = closedObject(['code', 'message', 'details'], {
  code: { type: 'string', description: 'a code from docs/errors.md (NF_…)' },
  message: { type: 'string', description: 'what is wrong and what to do' },
  details: { type: 'object', additionalProperties: true },
});
export type ErrorAnswer = Json<typeof errorAnswerSchema>;
