import { sql } from 'kysely';
import type { Database } from './database';
import type { OutboxMessage } from './append';

/**
 * Relays unpublished outbox rows through `publish`, oldest first, and marks them published.
 * Rows are claimed with SKIP LOCKED, so several API instances relay without publishing a row
 * twice at once; a crash after publish but before the mark re-publishes it, which the bus
 * de-duplicates by msgId. Returns how many rows were relayed.
 *
 * Why claims rather than one relay leader (an advisory lock): the claim is the row lock of the
 * transaction that marks the row, so it ends exactly when that instance's connection does (kill
 * -9 included) with no lease, heartbeat or fail-over delay to tune, and every instance drains
 * right after its own commits instead of waiting for a leader's sweep. Rows of two batches may
 * reach the bus out of id order; each host's commands carry generations, which agents order by.
 */
export async function relayOutbox(db: Database, publish: (messages: OutboxMessage[]) => Promise<void>, batchSize = 500): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('outbox').select(['id', 'msg_id', 'subject', 'payload'])
      .where('published_at', 'is', null).orderBy('id').limit(batchSize)
      .forUpdate().skipLocked().execute();
    if (rows.length === 0) return 0;
    await publish(rows.map((r) => ({ msgId: r.msg_id, subject: r.subject, payload: r.payload })));
    await trx.updateTable('outbox').set({ published_at: sql`clock_timestamp()` as never })
      .where('id', 'in', rows.map((r) => r.id)).execute();
    return rows.length;
  });
}
