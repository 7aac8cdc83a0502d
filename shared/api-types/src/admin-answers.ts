import type { Json } from './json-schema';

export const deadLetterPageSchema = {
  type: 'object', required: ['total', 'byReason', 'deadLetters'], additionalProperties: false,
  properties: {
    total: { type: 'integer', description: 'dead letters kept, all reasons' },
    byReason: { type: 'object', additionalProperties: { type: 'integer' }, description: 'count per reasonCode' },
    deadLetters: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false,
        required: ['id', 'reasonCode', 'reason', 'subject', 'host', 'payload', 'payloadBytes', 'truncated', 'streamSequence', 'deliveries', 'receivedAt'],
        properties: {
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
        },
      },
    },
  },
} as const;
export type DeadLetterPageAnswer = Json<typeof deadLetterPageSchema>;

export const rebuildSchema = {
  type: 'object', required: ['events', 'networks', 'hosts', 'position', 'ms'], additionalProperties: false,
  properties: {
    events: { type: 'integer', description: 'events folded' },
    networks: { type: 'integer' },
    hosts: { type: 'integer' },
    position: { type: 'integer', description: 'the checkpoint written' },
    ms: { type: 'number' },
  },
} as const;
export type RebuildAnswer = Json<typeof rebuildSchema>;
