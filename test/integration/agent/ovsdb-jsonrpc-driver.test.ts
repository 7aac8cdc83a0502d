import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeSpec } from '@netfleet/agent/plan/bridge-spec';
import { planHost } from '@netfleet/agent/plan/plan-host';
import { applyPlanJsonRpc } from '@netfleet/agent/ovs/apply-jsonrpc';
import { observeHost } from '@netfleet/agent/ovs/observe-bridges';
import { startOvsdbSession, type OvsdbSession } from '@netfleet/agent/ovs/ovsdb-session';
import { applyPlan, createVsctl } from '@netfleet/agent/ovs/vsctl';
import { silentLogger } from '@netfleet/log/logger';
import type { OvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import { startTestSandbox } from '../../support/test-ovs';
import { until } from '../../support/until';

const spec = (over: Partial<BridgeSpec> = {}): BridgeSpec => ({
  network: 'ofnet', networkUuid: '3e3fce45-4f53-4fa7-bb32-11f34168b82b', generation: 2, bridge: 'dp0',
  datapathId: '0000000000000abc', description: 'rfovs', failMode: 'secure',
  controllers: [{ target: 'tcp:127.0.0.1:6633', connectionMode: 'out-of-band', maxBackoffMs: 2000, inactivityProbeMs: 30000, rateLimit: 1000, burstLimit: 100 }, { target: 'ptcp:6634:127.0.0.1' }],
  extraExternalIds: { 'netfleet-mfrdesc': 'ACME "quoted"' }, ...over,
});

/**
 * The agent's OVSDB JSON-RPC driver against ovs-vsctl: the same plan applied both ways leaves
 * the two databases identical (uuids aside), for creating, changing and deleting.
 */
describe('OVS driver - OVSDB JSON-RPC transact equals ovs-vsctl', () => {
  let viaRpc: OvsSandbox;
  let viaVsctl: OvsSandbox;
  let session: OvsdbSession;
  beforeAll(async () => {
    [viaRpc, viaVsctl] = await Promise.all([startTestSandbox('rpc'), startTestSandbox('vsctl')]);
    session = startOvsdbSession({ db: viaRpc.db, log: silentLogger(), onChange: () => undefined });
    await until(() => session.sync(), 'the OVSDB session to sync', { timeoutMs: 5_000, pollMs: 20 });
  }, 60_000);
  afterAll(async () => {
    session?.stop();
    await viaRpc?.stop();
    await viaVsctl?.stop();
  });

  /** Every table an add-br touches, with uuids replaced by names, as ovs-vsctl lists them. */
  const dump = async (sandbox: OvsSandbox) => {
    const run = async (...args: string[]) => (await execa('ovs-vsctl', ['--timeout=10', `--db=${sandbox.db}`, '--format=json', ...args])).stdout;
    const table = async (name: string, columns: string) => JSON.parse(await run(`--columns=${columns}`, 'list', name)) as { data: unknown[][] };
    const strip = (value: unknown): unknown => (Array.isArray(value) && value[0] === 'uuid' ? 'uuid' : Array.isArray(value) ? value.map(strip) : value);
    const sorted = (t: { data: unknown[][] }) => t.data.map((row) => JSON.stringify(strip(row))).sort();
    return {
      bridges: sorted(await table('bridge', 'name,external_ids,other_config,fail_mode,controller,ports')),
      ports: sorted(await table('port', 'name,interfaces')),
      interfaces: sorted(await table('interface', 'name,type')),
      controllers: sorted(await table('controller', 'target,connection_mode,max_backoff,inactivity_probe,controller_rate_limit,controller_burst_limit')),
    };
  };

  const applyBoth = async (desired: BridgeSpec[]) => {
    const rpcObserved = (await session.sync())!;
    await applyPlanJsonRpc(session, planHost(desired, rpcObserved.bridges), rpcObserved, 10);
    const vsctl = createVsctl({ db: viaVsctl.db });
    await applyPlan(vsctl, planHost(desired, (await observeHost(vsctl)).bridges));
    expect(await dump(viaRpc)).toEqual(await dump(viaVsctl));
    // And each is converged in the other's eyes.
    expect(planHost(desired, (await observeHost(createVsctl({ db: viaRpc.db }))).bridges).ops).toEqual([]);
  };

  it('creates, changes and deletes bridges exactly as ovs-vsctl does', async () => {
    await applyBoth([spec(), spec({ network: 'plain', bridge: 'br1', controllers: [], datapathId: undefined, description: undefined, failMode: undefined, extraExternalIds: {} })]);
    expect((await dump(viaRpc)).interfaces).toEqual(['["br1","internal"]', '["dp0","internal"]']);
    await applyBoth([spec({ generation: 3, failMode: undefined, description: 'changed', controllers: [{ target: 'tcp:127.0.0.1:7777', maxBackoffMs: 5000 }] })]);
    await applyBoth([]);
    expect((await dump(viaRpc)).bridges).toEqual([]);
  });

  it('a bridge that exists already fails the transaction with OVS\'s own words', async () => {
    await execa('ovs-vsctl', ['--timeout=10', `--db=${viaRpc.db}`, 'add-br', 'taken']);
    const plan = planHost([spec({ bridge: 'taken' })], []); // planned from a read that missed it
    await expect(applyPlanJsonRpc(session, plan, (await session.sync())!, 10)).rejects.toMatchObject({ code: 'NF_OVS_COMMAND_FAILED', message: expect.stringMatching(/constraint violation/) });
    expect(await execa('ovs-vsctl', ['--timeout=10', `--db=${viaRpc.db}`, 'get', 'bridge', 'taken', 'external_ids']).then((r) => r.stdout)).toBe('{}');
  });
});
