import { execa } from 'execa';
import { test as base } from 'vitest';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { startOvsSandbox, type OvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import { startTestController, type TestController } from '@netfleet/ovs-sandbox/test-controller';

/** Raw OVS tools pointed at the test's own sandbox, to check what OVS itself says. */
export interface OvsTools {
  /** `ovs-vsctl --timeout=10 --db=<sandbox> ...args` → trimmed stdout */
  vsctl(...args: string[]): Promise<string>;
  /** `ovs-ofctl ...args` with the sandbox's environment → trimmed stdout */
  ofctl(...args: string[]): Promise<string>;
  /** the OpenFlow management socket of a bridge: `unix:<dir>/<bridge>.mgmt` */
  mgmt(bridge: string): string;
}

export interface OvsHostFixtures {
  /** this test's own simulated host: ovsdb-server + ovs-vswitchd, stopped and removed after the test */
  sandbox: OvsSandbox;
  ovs: OvsTools;
  /** a real OpenFlow controller (ovs-testcontroller) on a free loopback port; serves up to 16 switches */
  controller: TestController;
}

/**
 * `ovsHostTest('…', async ({ sandbox, ovs, controller }) => …)`: every test gets its own OVS
 * sandbox (and controller, when it asks for one), so test files run in parallel and twice in a
 * row without sharing anything. Fixtures are lazy: a test that does not name `controller` does
 * not start one.
 */
export const ovsHostTest = base.extend<OvsHostFixtures>({
  // eslint-disable-next-line no-empty-pattern
  sandbox: async ({}, use) => {
    const sandbox = await startOvsSandbox();
    try {
      await use(sandbox);
    } finally {
      await sandbox.stop();
    }
  },
  ovs: async ({ sandbox }, use) => {
    await use({
      vsctl: async (...args) =>
        (await execa('ovs-vsctl', ['--timeout=10', `--db=${sandbox.db}`, ...args], { env: sandbox.env })).stdout.trim(),
      ofctl: async (...args) => (await execa('ovs-ofctl', args, { env: sandbox.env })).stdout.trim(),
      mgmt: (bridge) => `unix:${sandbox.dir}/${bridge}.mgmt`,
    });
  },
  // eslint-disable-next-line no-empty-pattern
  controller: async ({}, use) => {
    const controller = await startOnFreePort();
    try {
      await use(controller);
    } finally {
      await controller.stop();
    }
  },
});

/** freePort() can lose a race with another process; try a few ports. */
async function startOnFreePort(attempts = 3): Promise<TestController> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await startTestController({ port: await freePort() });
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
