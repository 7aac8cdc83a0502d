import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { namesFixture, ncFixture } from './nats-test';
import { pgTest } from './pg-test';

/** pgTest's fixtures and natsTest's together (`database`, `otherDb`, `untilStored`, `names`, `nc`, `jsm`), each per file and lazy. */
export const pgNatsTest = pgTest
  .extend('names', { scope: 'file' }, namesFixture)
  .extend('nc', { scope: 'file' }, ncFixture)
  .extend('jsm', { scope: 'file' }, async ({ nc }): Promise<JetStreamManager> => jetstreamManager(nc));
