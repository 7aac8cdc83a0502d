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
          // Bounds for a hung test only: every wait inside a test has its own deadline naming
          // what it waited for. Generous, because the e2e tests start real CLI processes and the
          // machines these run on are shared (a CLI call takes 10 s under load).
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
