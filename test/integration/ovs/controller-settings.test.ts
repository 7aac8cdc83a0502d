import { describe, expect } from 'vitest';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import type { BridgeSpec } from '@netfleet/agent/plan/bridge-spec';
import { planHost } from '@netfleet/agent/plan/plan-host';
import { observeHost } from '@netfleet/agent/ovs/observe-bridges';
import { applyPlan, createVsctl } from '@netfleet/agent/ovs/vsctl';
import { ovsHostTest as test } from '../../support/ovs-host-test';
import { until } from '../../support/until';

function bridge(overrides: Partial<BridgeSpec>): BridgeSpec {
  return {
    network: 'knobs',
    networkUuid: 'a1f0c7a2-1111-4c1e-9d7e-1a2b3c4d5e6f',
    generation: 1,
    bridge: 'dp0',
    controllers: [],
    extraExternalIds: {},
    ...overrides,
  };
}

describe('OVS driver - controller settings land in their columns', () => {
  test('each tuning knob, connection mode and fail mode', async ({ sandbox, ovs }) => {
    const vsctl = createVsctl({ db: sandbox.db });
    const spec = bridge({
      failMode: 'secure',
      controllers: [
        { target: 'tcp:127.0.0.1:6633', connectionMode: 'in-band', maxBackoffMs: 3000, inactivityProbeMs: 7000, rateLimit: 150, burstLimit: 40 },
      ],
    });
    await applyPlan(vsctl, planHost([spec], []));
    const uuid = await ovs.vsctl('get', 'bridge', 'dp0', 'controller');
    const id = uuid.replace(/[[\]]/g, '');
    expect(await ovs.vsctl('get', 'controller', id, 'target')).toBe('"tcp:127.0.0.1:6633"');
    expect(await ovs.vsctl('get', 'controller', id, 'connection_mode')).toBe('in-band');
    expect(await ovs.vsctl('get', 'controller', id, 'max_backoff')).toBe('3000');
    expect(await ovs.vsctl('get', 'controller', id, 'inactivity_probe')).toBe('7000');
    expect(await ovs.vsctl('get', 'controller', id, 'controller_rate_limit')).toBe('150');
    expect(await ovs.vsctl('get', 'controller', id, 'controller_burst_limit')).toBe('40');
    expect(await ovs.vsctl('get', 'bridge', 'dp0', 'fail_mode')).toBe('secure');
    expect(await ovs.vsctl('get-fail-mode', 'dp0')).toBe('secure');
    expect(planHost([spec], (await observeHost(vsctl)).bridges).ops).toEqual([]);

    // Change one knob, clear another: the row is updated in place (same uuid), fail mode cleared.
    const changed = bridge({
      controllers: [{ target: 'tcp:127.0.0.1:6633', connectionMode: 'in-band', maxBackoffMs: 8000, inactivityProbeMs: 7000, rateLimit: 150 }],
    });
    const plan = planHost([changed], (await observeHost(vsctl)).bridges);
    expect(plan.ops).toEqual([
      { kind: 'clear-fail-mode', bridge: 'dp0' },
      { kind: 'update-controller', bridge: 'dp0', uuid: id, set: { maxBackoffMs: 8000 }, clear: ['burstLimit'] },
    ]);
    await applyPlan(vsctl, plan);
    expect(await ovs.vsctl('get', 'bridge', 'dp0', 'controller')).toBe(uuid);
    expect(await ovs.vsctl('get', 'controller', id, 'max_backoff')).toBe('8000');
    expect(await ovs.vsctl('get', 'controller', id, 'controller_burst_limit')).toBe('[]');
    expect(await ovs.vsctl('get', 'bridge', 'dp0', 'fail_mode')).toBe('[]');
    expect(planHost([changed], (await observeHost(vsctl)).bridges).ops).toEqual([]);
  });

  test('standalone fail mode', async ({ sandbox, ovs }) => {
    const vsctl = createVsctl({ db: sandbox.db });
    await applyPlan(vsctl, planHost([bridge({ failMode: 'standalone' })], []));
    expect(await ovs.vsctl('get-fail-mode', 'dp0')).toBe('standalone');
  });

  test('a passive (ptcp) controller target: vswitchd listens and an OpenFlow client can connect', async ({ sandbox, ovs }) => {
    const vsctl = createVsctl({ db: sandbox.db });
    const port = await freePort();
    await applyPlan(vsctl, planHost([bridge({ datapathId: '00000000000000aa', controllers: [{ target: `ptcp:${port}:127.0.0.1` }] })], []));
    expect(await ovs.vsctl('--bare', '--columns=target', 'list', 'controller')).toBe(`ptcp:${port}:127.0.0.1`);
    // ovs-ofctl is the "controller" here: it connects to the switch's listening port.
    const shown = await until(
      async () => ovs.ofctl('show', `tcp:127.0.0.1:${port}`).catch(() => undefined),
      'vswitchd to listen on the ptcp port',
      { timeoutMs: 10_000, pollMs: 200 },
    );
    expect(shown).toMatch(/dpid:00000000000000aa/);
  });

  test('a unix controller target and a passive unix one', async ({ sandbox, ovs }) => {
    const vsctl = createVsctl({ db: sandbox.db });
    // Unix-socket controller paths may be confined to OVS's run directory: use the sandbox's.
    const active = `unix:${sandbox.dir}/ctl.sock`;
    const passive = `punix:${sandbox.dir}/dp0.listen`;
    await applyPlan(vsctl, planHost([bridge({ controllers: [{ target: active }, { target: passive }] })], []));
    expect((await ovs.vsctl('--bare', '--columns=target', 'list', 'controller')).split('\n').filter(Boolean).sort()).toEqual(
      [active, passive].sort(),
    );
    const shown = await until(
      async () => ovs.ofctl('show', `unix:${sandbox.dir}/dp0.listen`).catch(() => undefined),
      'vswitchd to listen on the punix socket',
      { timeoutMs: 10_000, pollMs: 200 },
    );
    expect(shown).toMatch(/OFPT_FEATURES_REPLY/);
    // The active one has nobody listening: OVS says so in the controller's status.
    const status = await until(
      async () => (await observeHost(vsctl)).bridges[0]?.controllers.find((c) => c.target === active && c.lastError),
      'the unix controller to report its error',
      { timeoutMs: 12_000, pollMs: 200 },
    );
    expect(status.isConnected).toBe(false);
    expect(status.lastError).toMatch(/No such file|Connection refused/);
  });
});
