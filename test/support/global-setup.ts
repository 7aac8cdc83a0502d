import pg from 'pg';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus } from '@netfleet/bus/nats';
import { PG_SERVER } from './test-database';
import { NATS_URL } from './test-fleet';
import { createdAt } from './test-names';

/** Anything a test made more than this long ago belongs to a run that crashed. */
const STALE_MS = 2 * 60 * 60 * 1000;

/**
 * Before the tests: remove databases and NATS streams that earlier, crashed runs left behind
 * (tests remove their own; this catches a run killed midway). Recent ones may belong to a run
 * going on beside this one, so they are left alone.
 */
export default async function removeStaleTestResources(): Promise<void> {
  const stale = (name: string) => { const at = createdAt(name); return at !== undefined && Date.now() - at > STALE_MS; };
  const client = new pg.Client({ connectionString: PG_SERVER });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'nf\\_test\\_%'");
    for (const { datname } of rows.filter((r) => stale(r.datname))) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
  const nc = await connectBus({ servers: NATS_URL, name: 'test-global-setup' });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      const namespace = /^(NFT_[0-9A-Z]+_[0-9A-F]{8})_(CMD|EVT)$/.exec(name)?.[1]?.toLowerCase();
      if (namespace && stale(namespace)) await jsm.streams.delete(name);
    }
  } finally {
    await nc.close();
  }
}
