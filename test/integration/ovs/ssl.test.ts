import { describe, expect } from 'vitest';
import type { BridgeSpec, SslSpec } from '@netfleet/agent/plan/bridge-spec';
import { planHost } from '@netfleet/agent/plan/plan-host';
import { observeHost } from '@netfleet/agent/ovs/observe-bridges';
import { applyPlan, createVsctl } from '@netfleet/agent/ovs/vsctl';
import { ovsHostTest as test } from '../../support/ovs-host-test';

function sslNetwork(network: string, bridge: string, ssl: SslSpec): BridgeSpec {
  return {
    network,
    networkUuid: `${network}-uuid`,
    generation: 1,
    bridge,
    controllers: [{ target: 'ssl:127.0.0.1:6653' }],
    extraExternalIds: {},
    ssl,
  };
}

describe('OVS driver - PKI (the global SSL table)', () => {
  test('sets the SSL row in the same transaction as the bridge, and refuses a conflicting PKI', async ({ sandbox, ovs }) => {
    const vsctl = createVsctl({ db: sandbox.db });
    // OVS only records the paths; the files need not exist for the configuration to be set.
    const a: SslSpec = { privateKey: `${sandbox.dir}/a-key.pem`, certificate: `${sandbox.dir}/a-cert.pem`, caCert: `${sandbox.dir}/ca.pem` };
    const b: SslSpec = { ...a, privateKey: `${sandbox.dir}/b-key.pem`, certificate: `${sandbox.dir}/b-cert.pem` };
    const desired = [sslNetwork('alpha', 'dp-a', a), sslNetwork('beta', 'dp-b', b)];

    const observed = await observeHost(vsctl);
    const plan = planHost(desired, observed.bridges, { observedSsl: observed.ssl });
    expect(plan.refusals).toEqual([expect.objectContaining({ network: 'beta', bridge: 'dp-b', code: 'NF_OVS_PKI_CONFLICT' })]);
    await applyPlan(vsctl, plan);

    expect(await ovs.vsctl('get-ssl')).toBe(
      [`Private key: ${a.privateKey}`, `Certificate: ${a.certificate}`, `CA Certificate: ${a.caCert}`, 'Bootstrap: false'].join('\n'),
    );
    expect(await ovs.vsctl('list-br')).toBe('dp-a');
    expect(await ovs.vsctl('get', 'ssl', '.', 'external_ids:netfleet-owner')).toBe('netfleet');

    const again = await observeHost(vsctl);
    expect(again.ssl).toMatchObject(a);
    expect(planHost(desired, again.bridges, { observedSsl: again.ssl }).ops).toEqual([]);

    // The last ssl network goes: the bridge and netfleet's SSL row go with it.
    const gone = planHost([], again.bridges, { observedSsl: again.ssl });
    expect(gone.ops).toEqual([{ kind: 'delete-bridge', bridge: 'dp-a' }, { kind: 'clear-ssl' }]);
    await applyPlan(vsctl, gone);
    expect(await ovs.vsctl('get-ssl')).toBe('');
  });

  test('leaves an SSL configuration made by someone else alone', async ({ sandbox, ovs }) => {
    const vsctl = createVsctl({ db: sandbox.db });
    await ovs.vsctl('set-ssl', '/etc/other/key.pem', '/etc/other/cert.pem', '/etc/other/ca.pem');
    const mine: SslSpec = { privateKey: '/etc/nf/key.pem', certificate: '/etc/nf/cert.pem', caCert: '/etc/nf/ca.pem' };
    const observed = await observeHost(vsctl);
    const plan = planHost([sslNetwork('alpha', 'dp-a', mine)], observed.bridges, { observedSsl: observed.ssl });
    expect(plan.ops).toEqual([]);
    expect(plan.refusals).toEqual([expect.objectContaining({ code: 'NF_OVS_PKI_CONFLICT', message: expect.stringMatching(/did not make/) })]);
    expect(planHost([], observed.bridges, { observedSsl: observed.ssl }).ops).toEqual([]);
  });
});
