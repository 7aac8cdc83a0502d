import { describe, expect, it } from 'vitest';
import { checkAgentEvent } from '@netfleet/events/agent-event-schemas';
import { agentStartedEvent, portEvent } from './outcome-events';

const ID = '9b2f7c1e-4a5d-4e8f-9c3b-2d1e0f7a6b5c';
const AT = '2026-12-01T12:00:00.000Z';

describe('libvirt and port reports', () => {
  it('an agent without a libvirt URI says "not configured"; with one, the URI — both pass the schema', () => {
    const without = agentStartedEvent('hv1', '0.1.0', ID, AT, null);
    expect(without.data).toEqual({ host: 'hv1', agentVersion: '0.1.0', libvirt: 'not configured' });
    expect(checkAgentEvent(without).ok).toBe(true);
    expect(checkAgentEvent(agentStartedEvent('hv1', '0.1.0', ID, AT, 'qemu:///system')).ok).toBe(true);
  });

  it('PortAttached / PortDetached carry the port, and pass the schema with or without a VM', () => {
    const vm = { network: 'ofnet', bridge: 'dp0', interface: 'vnet0', mac: '52:54:00:0f:ee:01', vmUuid: '5a972ef6-310e-41ef-94df-4a3f372b3b76', domain: 'nf-vm1' };
    const attached = portEvent('hv1', 'attached', vm, ID, AT);
    expect(attached).toMatchObject({ type: 'PortAttached', data: { host: 'hv1', ...vm } });
    expect(checkAgentEvent(attached).ok).toBe(true);
    const free = portEvent('hv1', 'detached', { network: 'ofnet', bridge: 'dp0', interface: 'tap-free' }, ID, AT);
    expect(free).toMatchObject({ type: 'PortDetached', data: { host: 'hv1', network: 'ofnet', bridge: 'dp0', interface: 'tap-free' } });
    expect(checkAgentEvent(free).ok).toBe(true);
    expect(checkAgentEvent({ ...attached, data: { ...attached.data, mac: 'not-a-mac' } }).ok).toBe(false);
  });
});
