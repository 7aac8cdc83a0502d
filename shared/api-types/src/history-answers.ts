import type { Json } from './json-schema';
import { closedObject } from './object-schemas';

/** One line of a history, as auditors read it: when, who, what, and for a redefinition the diff. */
export const historyEntrySchema = closedObject(['position', 'at', 'recordedAt', 'actor', 'source', 'stream', 'type', 'network', 'host', 'correlationId', 'causationId', 'comment', 'summary', 'diff'], {
  position: { type: 'integer' },
  at: { type: 'string', description: 'when it happened (the deciding process\'s clock)' },
  recordedAt: { type: 'string', description: 'when the store recorded it' },
  actor: { type: 'string' },
  source: { type: 'string' },
  stream: { type: 'string' },
  type: { type: 'string' },
  network: { type: ['string', 'null'] },
  host: { type: ['string', 'null'] },
  correlationId: { type: 'string' },
  causationId: { type: ['string', 'null'] },
  comment: { type: ['string', 'null'] },
  summary: { type: 'string', description: 'what happened, in words' },
  diff: { type: ['string', 'null'], description: 'for a redefinition: the unified diff of the XML' },
});
export type HistoryEntryAnswer = Json<typeof historyEntrySchema>;

export const historyPageSchema = closedObject(['entries', 'next'], {
  entries: { type: 'array', items: historyEntrySchema },
  next: { type: ['integer', 'null'], description: 'pass as `after` for the next page (null: this was the last)' },
});
export type HistoryPageAnswer = Json<typeof historyPageSchema>;
