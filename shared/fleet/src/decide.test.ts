import { describe, expect, it } from 'vitest';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { decideNetwork, type DecideContext, type NetworkCommand } from './decide';
import { evolveNetwork } from './evolve';
import type { NetworkView } from './fleet-view';

// Given events (folded into a view) / when a command / then events or a refusal.
const noOthers: DecideContext = { others: [], bridgeOf: () => undefined };
const define = (overrides: Partial<Extract<NetworkCommand, { type: 'DefineNetwork' }>> = {}): NetworkCommand => ({
  type: 'DefineNetwork', name: 'ofnet', uuid: 'u-1', networkType: 'ovs-datapath', xml: '<network/>\n', bridge: 'dp0', hosts: ['hv1', 'hv2'], ...overrides,
});

function given(...commands: NetworkCommand[]): NetworkView | undefined {
  let view: NetworkView | undefined;
  let version = 0;
  for (const command of commands) {
    for (const e of decideNetwork(command, view, noOthers)) {
      version += 1;
      view = evolveNetwork(view, { ...e, position: version, streamVersion: version, metadata: { actor: 't', source: 'api', correlationId: `c${version}`, occurredAt: '2026-01-01T00:00:00Z' } });
    }
  }
  return view;
}

function refusal(fn: () => unknown): string {
  try { fn(); } catch (e) { if (e instanceof NetfleetError) return e.code; throw e; }
  throw new Error('expected a refusal');
}

describe('decideNetwork', () => {
  it('defines a new network with its placement', () => {
    expect(decideNetwork(define(), undefined, noOthers)).toEqual([
      { type: 'NetworkDefined', v: 1, data: { name: 'ofnet', uuid: 'u-1', networkType: 'ovs-datapath', xml: '<network/>\n', hosts: ['hv1', 'hv2'] } },
    ]);
  });

  it('records a redefinition with the XML diff and keeps the placement when none is given', () => {
    const view = given(define());
    const [event] = decideNetwork(define({ xml: '<network>\n  <mtu/>\n</network>\n', hosts: [] }), view, noOthers);
    expect(event?.data).toMatchObject({ hosts: ['hv1', 'hv2'] });
    expect((event?.data as { diff: string }).diff).toMatch(/^\+  <mtu\/>$/m);
  });

  it('refuses a second network with the same name but another uuid', () => {
    expect(refusal(() => decideNetwork(define({ uuid: 'u-2' }), given(define()), noOthers))).toBe('NF_NETWORK_EXISTS');
  });

  it('refuses a bridge name another network already uses on a shared host', () => {
    const other = { name: 'other', hosts: ['hv2', 'hv3'], xml: 'x' };
    const ctx: DecideContext = { others: [other], bridgeOf: () => 'dp0' };
    expect(refusal(() => decideNetwork(define(), undefined, ctx))).toBe('NF_NETWORK_BRIDGE_CONFLICT');
    expect(decideNetwork(define({ hosts: ['hv1'] }), undefined, ctx)).toHaveLength(1);
  });

  it('refuses a network without placement', () => {
    expect(refusal(() => decideNetwork(define({ hosts: [] }), undefined, noOthers))).toBe('NF_NETWORK_NO_PLACEMENT');
  });

  it('starts an inactive network and refuses to start it twice', () => {
    const view = given(define());
    expect(decideNetwork({ type: 'StartNetwork', name: 'ofnet' }, view, noOthers)).toEqual([{ type: 'NetworkStarted', v: 1, data: { name: 'ofnet', hosts: ['hv1', 'hv2'] } }]);
    expect(refusal(() => decideNetwork({ type: 'StartNetwork', name: 'ofnet' }, given(define(), { type: 'StartNetwork', name: 'ofnet' }), noOthers))).toBe('NF_NETWORK_ALREADY_ACTIVE');
  });

  it('refuses to destroy an inactive network and to undefine an active one', () => {
    expect(refusal(() => decideNetwork({ type: 'DestroyNetwork', name: 'ofnet' }, given(define()), noOthers))).toBe('NF_NETWORK_NOT_ACTIVE');
    expect(refusal(() => decideNetwork({ type: 'UndefineNetwork', name: 'ofnet' }, given(define(), { type: 'StartNetwork', name: 'ofnet' }), noOthers))).toBe('NF_NETWORK_ACTIVE');
  });

  it('refuses commands about unknown networks', () => {
    expect(refusal(() => decideNetwork({ type: 'StartNetwork', name: 'nope' }, undefined, noOthers))).toBe('NF_NETWORK_NOT_FOUND');
  });
});
