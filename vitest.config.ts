import { defineConfig } from 'vitest/config';

// Two tiers: pure unit tests sit beside the code; integration and e2e tests under test/ talk to
// real PostgreSQL, NATS and Open vSwitch, each making and removing its own databases/streams/sandboxes.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
