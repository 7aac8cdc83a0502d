import { execa } from 'execa';
import { test as base } from 'vitest';
import type { OvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import type { TestController } from '@netfleet/ovs-sandbox/test-controller';
import { startControllerOnFreePort, startTestSandbox } from './test-ovs';

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
    const sandbox = await startTestSandbox();
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
    const controller = await startControllerOnFreePort();
    try {
      await use(controller);
    } finally {
      await controller.stop();
    }
  },
});
