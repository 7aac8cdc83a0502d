import type { Json } from './json-schema';
import { closedObject } from './object-schemas';

export const deadLetterPageSchema = closedObject(['total', 'byReason', 'deadLetters'], {
  total: { type: 'integer', description: 'dead letters kept, all reasons' },
  byReason: { type: 'object', additionalProperties: { type: 'integer' }, description: 'count per reasonCode' },
  deadLetters: {
    type: 'array',
    items: closedObject(['id', 'reasonCode', 'reason', 'subject', 'host', 'payload', 'payloadBytes', 'truncated', 'streamSequence', 'deliveries', 'receivedAt'], {
      id: { type: 'integer' },
      reasonCode: { type: 'string', description: 'a code from docs/errors.md' },
      reason: { type: 'string' },
      subject: { type: 'string' },
      host: { type: ['string', 'null'] },
      payload: { type: 'string', description: 'the first 4 KiB, read as UTF-8' },
      payloadBytes: { type: 'integer' },
      truncated: { type: 'boolean' },
      streamSequence: { type: ['integer', 'null'] },
      deliveries: { type: 'integer' },
      receivedAt: { type: 'string' },
    }),
  },
});
export type DeadLetterPageAnswer = Json<typeof deadLetterPageSchema>;

export const rebuildSchema = closedObject(['events', 'networks', 'hosts', 'position', 'ms'], {
  events: { type: 'integer', description: 'events folded' },
  networks: { type: 'integer' },
  hosts: { type: 'integer' },
  position: { type: 'integer', description: 'the checkpoint written' },
  ms: { type: 'number' },
});
export type RebuildAnswer = Json<typeof rebuildSchema>;
