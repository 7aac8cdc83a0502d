import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { test as base } from 'vitest';
import { connectBus, type NatsConnection } from '@netfleet/bus/nats';
import type { BusNames } from '@netfleet/bus/names';
import type { Cleanup } from './fixture-cleanup';
import { createTestNamespace } from './test-namespace';
import { NATS_URL } from './test-servers';

export { NATS_URL };


/** The file's namespace (fixture `names`). */
export async function namesFixture({}: object, { onCleanup }: Cleanup): Promise<BusNames> {
  const namespace = createTestNamespace();
  onCleanup(() => namespace.remove());
  return namespace.names;
}

/** A connection of the file's own to the shared server (fixture `nc`). */
export async function ncFixture({}: object, { onCleanup }: Cleanup): Promise<NatsConnection> {
  const nc = await connectBus({ servers: NATS_URL, name: 'test' });
  onCleanup(() => nc.close());
  return nc;
}

/**
 * `natsTest('…', async ({ names, nc, jsm }) => …)`: per test file, a NATS namespace of its own
 * (`names`: every subject, stream and consumer name; its streams removed after the file) and,
 * when named, a connection to the shared server (`nc`) with its JetStream manager (`jsm`).
 */
export const natsTest = base
  .extend('names', { scope: 'file' }, namesFixture)
  .extend('nc', { scope: 'file' }, ncFixture)
  .extend('jsm', { scope: 'file' }, async ({ nc }): Promise<JetStreamManager> => jetstreamManager(nc));
