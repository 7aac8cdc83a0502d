import { sql } from 'kysely';
import type { Database } from './database';

/** How much of a dead letter's payload is kept. */
export const DEAD_LETTER_PAYLOAD_BYTES = 4096;

export interface NewDeadLetter {
  reasonCode: string;
  reason: string;
  subject: string;
  host: string | undefined;
  payload: Uint8Array;
  streamSequence: number | undefined;
  deliveries: number;
}

export interface DeadLetter {
  id: number;
  reasonCode: string;
  reason: string;
  subject: string;
  host: string | null;
  /** The first DEAD_LETTER_PAYLOAD_BYTES bytes, read as UTF-8 (what is not UTF-8 shows as U+FFFD). */
  payload: string;
  payloadBytes: number;
  truncated: boolean;
  streamSequence: number | null;
  deliveries: number;
  receivedAt: string;
}

/** Keeps what an agent sent that can never be recorded, with why (payload truncated, as bytes). */
export async function recordDeadLetter(db: Database, letter: NewDeadLetter): Promise<void> {
  await db.insertInto('dead_letters').values({
    reason_code: letter.reasonCode, reason: letter.reason.slice(0, 2000).replaceAll('\u0000', '\\u0000'),
    subject: letter.subject.slice(0, 1000).replaceAll('\u0000', '\\u0000'), host: letter.host?.slice(0, 200).replaceAll('\u0000', '\\u0000') ?? null,
    payload: Buffer.from(letter.payload.subarray(0, DEAD_LETTER_PAYLOAD_BYTES)), payload_bytes: letter.payload.byteLength,
    stream_sequence: letter.streamSequence ?? null, deliveries: letter.deliveries,
  }).execute();
}

/** A page of dead letters, newest first, with how many there are per reason. */
export async function listDeadLetters(db: Database, options: { before?: number; limit: number }): Promise<{ total: number; byReason: Record<string, number>; deadLetters: DeadLetter[] }> {
  let query = db.selectFrom('dead_letters').selectAll().orderBy('id', 'desc').limit(options.limit);
  if (options.before !== undefined) query = query.where('id', '<', options.before);
  const [rows, counts] = await Promise.all([
    query.execute(),
    db.selectFrom('dead_letters').select(['reason_code', sql<number>`count(*)::int`.as('n')]).groupBy('reason_code').execute(),
  ]);
  const byReason = Object.fromEntries(counts.map((c) => [c.reason_code, c.n]));
  return {
    total: counts.reduce((sum, c) => sum + c.n, 0), byReason,
    deadLetters: rows.map((r) => ({
      id: r.id, reasonCode: r.reason_code, reason: r.reason, subject: r.subject, host: r.host,
      payload: new TextDecoder().decode(r.payload), payloadBytes: r.payload_bytes, truncated: r.payload_bytes > r.payload.byteLength,
      streamSequence: r.stream_sequence, deliveries: r.deliveries, receivedAt: r.received_at.toISOString(),
    })),
  };
}
