import { describe, expect, it } from 'vitest';
import type { HostNetworkStatus, HostView, NetworkView } from '@netfleet/fleet/fleet-view';
import { cellOf, describeCell } from './cell-state';

const at = '2026-11-28T06:00:00.000Z';
const later = '2026-11-28T06:00:05.000Z';
const host = (online: boolean): HostView => ({ name: 'hv1', labels: {}, registered: true, online, since: at, agentVersion: '1' });
const status = (patch: Partial<HostNetworkStatus> = {}): HostNetworkStatus => ({
  host: 'hv1', desired: 'running', generation: 2, observed: 'running', appliedGeneration: 2, lastError: null, warnings: [],
  correlationId: 'c', controllers: [], lastDrift: null, updatedAt: at, ...patch,
});
const network = (perHost: Record<string, HostNetworkStatus>, hosts = ['hv1']): NetworkView => ({
  name: 'ofnet', uuid: 'u', networkType: 'ovs-datapath', xml: '<network/>', hosts, active: true, persistent: true, autostart: false,
  generation: 2, version: 2, perHost, definedAt: at, updatedAt: at,
});

describe('cellOf', () => {
  it('is empty where the network is not placed', () => {
    expect(cellOf(network({}, []), 'hv1', host(true))).toBeUndefined();
  });
  it('is stopped where placed but never started', () => {
    expect(cellOf(network({}), 'hv1', host(true))?.state).toBe('stopped');
  });
  it('tells pending from pending on an offline host', () => {
    expect(cellOf(network({ hv1: status({ observed: 'pending' }) }), 'hv1', host(true))?.state).toBe('pending');
    expect(cellOf(network({ hv1: status({ observed: 'pending' }) }), 'hv1', host(false))?.state).toBe('offline');
  });
  it('shows running, failed and stopped as observed', () => {
    for (const observed of ['running', 'failed', 'stopped'] as const) expect(cellOf(network({ hv1: status({ observed }) }), 'hv1', host(true))?.state).toBe(observed);
  });
  it('is drifted while a drift is unrepaired; a repaired one is a marker on a running cell', () => {
    const unrepaired = status({ lastDrift: { differences: ['dp-desc a != b'], repaired: false, at: later }, updatedAt: later });
    expect(cellOf(network({ hv1: unrepaired }), 'hv1', host(true))?.state).toBe('drifted');
    const repaired = cellOf(network({ hv1: status({ lastDrift: { differences: ['x'], repaired: true, at: later }, updatedAt: later }) }), 'hv1', host(true))!;
    expect(repaired).toMatchObject({ state: 'running', driftRepaired: true });
  });
  it('summarises controller connections per datapath', () => {
    const c = (target: string, connected: boolean) => ({ target, connected, state: null, lastError: null, since: at });
    expect(cellOf(network({ hv1: status({ controllers: [c('tcp:a', true)] }) }), 'hv1', host(true))?.controllers).toBe('connected');
    expect(cellOf(network({ hv1: status({ controllers: [c('tcp:a', true), c('tcp:b', false)] }) }), 'hv1', host(true))?.controllers).toBe('partial');
    const down = cellOf(network({ hv1: status({ controllers: [c('tcp:a', false)], lastError: 'boom' }) }), 'hv1', host(true))!;
    expect(down.controllers).toBe('disconnected');
    expect(describeCell('ofnet', 'hv1', down)).toBe('ofnet on hv1: running · desired running · generation 2/2 · controller tcp:a disconnected · error: boom');
  });
});
