import { pgNatsTest } from './pg-nats-test';
import { startTestApi, type TestApi, type TestApiOptions } from './test-api';

/**
 * `apiTest(options)('…', async ({ api, database, names }) => …)`: per test file, the real API
 * (started before the file's first test or beforeAll) on the file's own database (a template
 * copy) and NATS namespace, with pgNatsTest's fixtures beside it. `api.http` injects requests —
 * route tests need no socket — and `api.url` is there for what must go over the network (the CLI).
 */
export function apiTest(options: TestApiOptions = {}) {
  return pgNatsTest.extend('api', { scope: 'file', auto: true }, async ({ database, names }, { onCleanup }): Promise<TestApi> => {
    const api = await startTestApi(database, names, options);
    onCleanup(() => api.close());
    return api;
  });
}
