import pg from 'pg';
import { NOTIFY_CHANNEL } from '@netfleet/eventstore/append';
import type { WakeSource } from './until';

export interface CommitListener {
  /** Fires after every commit that appended events to this database (any connection, any process). */
  wake: WakeSource;
  close(): Promise<void>;
}

/**
 * A LISTEN on the channel every append NOTIFYs at commit (shared/eventstore's NOTIFY_CHANNEL),
 * on a connection of its own: what `until` wakes on for anything read from the event store.
 */
export async function listenForCommits(databaseUrl: string): Promise<CommitListener> {
  const listeners = new Set<() => void>();
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('notification', () => { for (const l of [...listeners]) l(); });
  // A dropped database (store-down) ends the connection; waiters then time out with their message.
  client.on('error', () => undefined);
  await client.connect();
  await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
  return {
    wake: (listener) => { listeners.add(listener); return () => { listeners.delete(listener); }; },
    close: () => client.end().catch(() => undefined),
  };
}
