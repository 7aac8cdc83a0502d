import { test as base } from 'vitest';
import { TestFleet, type TestFleetOptions } from './test-fleet';

/**
 * `fleetTest(options)('…', async ({ fleet }) => …)`: one fleet per test file, stopped (and every
 * database, stream, sandbox and process of it removed) after the file.
 */
export function fleetTest(options: TestFleetOptions = {}) {
  return base.extend('fleet', { scope: 'file' }, async ({}, { onCleanup }): Promise<TestFleet> => {
    const fleet = await TestFleet.start(options);
    onCleanup(() => fleet.stop());
    return fleet;
  });
}
