import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus, deleteStreams } from '@netfleet/bus/nats';
import { busNames, type BusNames } from '@netfleet/bus/names';
import { testNamespace } from './test-names';
import { NATS_URL } from './test-servers';

/**
 * A NATS namespace of the test's own; `remove()` deletes every stream named after it — the
 * command and event streams, and any KV bucket or object store (`KV_<NS>_…`) — and with them
 * their consumers.
 */
export interface TestNamespace { names: BusNames; remove(): Promise<void> }

export function createTestNamespace(): TestNamespace {
  const names = busNames(testNamespace());
  return {
    names,
    async remove() {
      const nc = await connectBus({ servers: NATS_URL, name: 'test-cleanup' });
      try {
        const jsm = await jetstreamManager(nc);
        await deleteStreams(jsm, names);
        const mine = new RegExp(`(?:^|_)${names.commandStream.slice(0, -'_CMD'.length)}(?:_|$)`);
        for await (const stream of jsm.streams.names()) {
          if (mine.test(stream)) await jsm.streams.delete(stream).catch(() => undefined);
        }
      } finally {
        await nc.close();
      }
    },
  };
}
