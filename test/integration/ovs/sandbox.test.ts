import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { startOvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import { startTestController } from '@netfleet/ovs-sandbox/test-controller';
import { makeTestDir } from '../../support/test-names';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('ovs-sandbox', () => {
  it('runs ovsdb-server and ovs-vswitchd as children and removes everything on stop', async () => {
    const sandbox = await startOvsSandbox();
    const { ovsdbServer, ovsVswitchd } = sandbox.pids();
    expect(sandbox.db).toBe(`unix:${sandbox.dir}/db.sock`);
    expect(sandbox.env.OVS_RUNDIR).toBe(sandbox.dir);
    expect(alive(ovsdbServer) && alive(ovsVswitchd)).toBe(true);
    // vswitchd is up and caught up: a waiting ovs-vsctl returns, and the bridge answers OpenFlow.
    await execa('ovs-vsctl', ['--timeout=5', `--db=${sandbox.db}`, 'add-br', 'br0']);
    const desc = await execa('ovs-ofctl', ['dump-desc', `unix:${sandbox.dir}/br0.mgmt`], { env: sandbox.env });
    expect(desc.stdout).toMatch(/Hardware: Open vSwitch/);

    await sandbox.stop();
    await sandbox.stop(); // idempotent
    expect(alive(ovsdbServer) || alive(ovsVswitchd)).toBe(false);
    expect(existsSync(sandbox.dir)).toBe(false);
  });

  it('reuses a directory left by an earlier run, keeping its database', async () => {
    const parent = await makeTestDir('reuse');
    const dir = join(parent, 'hv1');
    try {
      const first = await startOvsSandbox({ dir, name: 'hv1' });
      expect(first.name).toBe('hv1');
      await execa('ovs-vsctl', ['--timeout=5', `--db=${first.db}`, 'add-br', 'keep0']);
      await first.stop({ keepDir: true });
      expect(existsSync(join(dir, 'conf.db'))).toBe(true);

      const second = await startOvsSandbox({ dir });
      try {
        const bridges = await execa('ovs-vsctl', ['--timeout=5', `--db=${second.db}`, 'list-br']);
        expect(bridges.stdout).toBe('keep0');
        // vswitchd rebuilt the bridge from the kept database before startOvsSandbox returned.
        const desc = await execa('ovs-ofctl', ['dump-desc', `unix:${dir}/keep0.mgmt`], { env: second.env });
        expect(desc.stdout).toMatch(/OFPST_DESC reply/);
        // A second sandbox on a directory in use is refused rather than corrupting it.
        await expect(startOvsSandbox({ dir })).rejects.toMatchObject({ code: 'NF_OVS_SANDBOX_IN_USE' });
      } finally {
        await second.stop();
      }
      expect(existsSync(dir)).toBe(false);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('refuses a directory too long for unix sockets', async () => {
    await expect(startOvsSandbox({ dir: join(tmpdir(), 'x'.repeat(100)) })).rejects.toMatchObject({
      code: 'NF_OVS_SANDBOX_PATH_TOO_LONG',
    });
  });

  it('runs ovs-testcontroller until stopped', async () => {
    const port = await freePort();
    const controller = await startTestController({ port });
    expect(controller.target).toBe(`tcp:127.0.0.1:${port}`);
    expect(alive(controller.pid)).toBe(true);
    await controller.stop();
    expect(alive(controller.pid)).toBe(false);
  });
});
