import { rm } from 'node:fs/promises';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { startLibvirtSandbox, type LibvirtSandbox } from '@netfleet/ovs-sandbox/libvirt-sandbox';
import { startOvsSandbox, type OvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import { startTestController, type TestController } from '@netfleet/ovs-sandbox/test-controller';
import { makeTestDir, testDirPath } from './test-names';

/** A sandboxed libvirtd for a test host, driving its OVS sandbox, in a test directory (removed by its stop()). */
export const startTestLibvirt = (name: string, ovs: OvsSandbox): Promise<LibvirtSandbox> =>
  startLibvirtSandbox({ dir: testDirPath(`lv-${name}`.slice(0, 16)), ovsRunDir: ovs.env['OVS_RUNDIR'] ?? ovs.dir });

/** An OVS sandbox in a test directory (`<tmp>/nft_…_ovs`), removed by its stop(). */
export const startTestSandbox = (name?: string): Promise<OvsSandbox> =>
  startOvsSandbox({ dir: testDirPath(name ? `ovs-${name}`.slice(0, 16) : 'ovs'), ...(name ? { name } : {}) });

/**
 * ovs-testcontroller in a test directory (removed by stop()), on `port` or a free one — freePort()
 * can lose a race with another process, so a few ports are tried.
 */
export async function startControllerOnFreePort(port?: number, attempts = 3): Promise<TestController> {
  const dir = await makeTestDir('tc');
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const controller = await startTestController({ port: port ?? (await freePort()), dir });
      let stopping: Promise<void> | undefined;
      return { ...controller, stop: () => (stopping ??= controller.stop().then(() => rm(dir, { recursive: true, force: true }))) };
    } catch (error) {
      lastError = error;
      if (port !== undefined) break;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}
