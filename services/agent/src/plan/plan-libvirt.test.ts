import { describe, expect, it } from 'vitest';
import { libvirtNetworkXml, observedLibvirtNetworkOf, type LibvirtNetworkSpec, type ObservedLibvirtNetwork } from './libvirt-network';
import { planLibvirt } from './plan-libvirt';

const spec: LibvirtNetworkSpec = { network: 'ofnet', uuid: '11111111-2222-3333-4444-555555555555', bridge: 'dp0', autostart: false };
const flags = { active: true, persistent: true, autostart: false };
const ours = (s: LibvirtNetworkSpec = spec, f = flags): ObservedLibvirtNetwork => observedLibvirtNetworkOf(libvirtNetworkXml(s), f);
const none = new Map<string, LibvirtNetworkSpec>();
const had = new Map([[spec.network, spec]]);

describe('libvirt network XML', () => {
  it('is libvirt\'s form for an existing OVS bridge, with netfleet\'s mark, and reads back as owned', () => {
    const xml = libvirtNetworkXml(spec);
    expect(xml).toContain("<forward mode='bridge'/>");
    expect(xml).toContain("<bridge name='dp0'/>");
    expect(xml).toContain("<virtualport type='openvswitch'/>");
    expect(xml).toContain(`<uuid>${spec.uuid}</uuid>`);
    expect(ours()).toMatchObject({ name: 'ofnet', uuid: spec.uuid, owned: true, bridge: 'dp0', forwardMode: 'bridge', virtualport: 'openvswitch' });
  });

  it('a network without the mark, or with another namespace\'s, is not netfleet\'s', () => {
    expect(observedLibvirtNetworkOf("<network><name>ofnet</name><bridge name='virbr0'/></network>", flags).owned).toBe(false);
    const other = "<network><name>x</name><metadata><netfleet:network xmlns:netfleet='https://example.com/other' owner='netfleet'/></metadata></network>";
    expect(observedLibvirtNetworkOf(other, flags).owned).toBe(false);
  });
});

describe('planLibvirt', () => {
  it('defines and starts a missing network (autostart as netfleet says); nothing to do once it is there', () => {
    expect(planLibvirt([{ ...spec, autostart: true }], [], none)).toEqual({
      ops: [{ kind: 'define', network: 'ofnet', spec: { ...spec, autostart: true } }, { kind: 'start', network: 'ofnet' }, { kind: 'autostart', network: 'ofnet', enabled: true }],
      refusals: [], drift: [],
    });
    expect(planLibvirt([spec], [ours()], had)).toEqual({ ops: [], refusals: [], drift: [] });
  });

  it('never touches a network it did not create: a name clash is a refusal, an unrelated one is left alone', () => {
    const foreign = observedLibvirtNetworkOf("<network><name>ofnet</name><bridge name='virbr9'/></network>", flags);
    const other = observedLibvirtNetworkOf("<network><name>default</name><bridge name='virbr0'/></network>", flags);
    const plan = planLibvirt([spec], [foreign, other], none);
    expect(plan.ops).toEqual([]);
    expect(plan.refusals).toEqual([{ network: 'ofnet', uuid: expect.any(String), message: expect.stringContaining('netfleet did not create') }]);
  });

  it('destroys and undefines its own networks that should no longer be there', () => {
    expect(planLibvirt([], [ours()], had).ops).toEqual([{ kind: 'destroy', network: 'ofnet' }, { kind: 'undefine', network: 'ofnet' }]);
    expect(planLibvirt([], [ours(spec, { ...flags, active: false })], had).ops).toEqual([{ kind: 'undefine', network: 'ofnet' }]);
  });

  it('a network it had registered that was removed, destroyed or undefined by hand is drift, repaired', () => {
    expect(planLibvirt([spec], [], had).drift).toEqual([{ network: 'ofnet', bridge: 'dp0', differences: ['libvirt network ofnet missing (removed outside netfleet); defined again'] }]);
    const stopped = planLibvirt([spec], [ours(spec, { ...flags, active: false })], had);
    expect(stopped.ops).toEqual([{ kind: 'start', network: 'ofnet' }]);
    expect(stopped.drift[0]?.differences).toEqual(['libvirt network ofnet inactive (destroyed outside netfleet); started again']);
    const transient = planLibvirt([spec], [ours(spec, { ...flags, persistent: false })], had);
    expect(transient.ops).toEqual([{ kind: 'define', network: 'ofnet', spec }]);
  });

  it('a definition changed by hand is redefined, with the differences', () => {
    const changed = ours({ ...spec, bridge: 'dp9' });
    const plan = planLibvirt([spec], [changed], had);
    expect(plan.ops.map((o) => o.kind)).toEqual(['destroy', 'undefine', 'define', 'start']);
    expect(plan.drift[0]?.differences).toEqual(['libvirt bridge dp9 != dp0; redefined']);
  });

  it('autostart follows netfleet: a change netfleet asked for is no drift, one made by hand is', () => {
    const asked = planLibvirt([{ ...spec, autostart: true }], [ours()], had);
    expect(asked).toEqual({ ops: [{ kind: 'autostart', network: 'ofnet', enabled: true }], refusals: [], drift: [] });
    const byHand = planLibvirt([spec], [ours(spec, { ...flags, autostart: true })], had);
    expect(byHand.ops).toEqual([{ kind: 'autostart', network: 'ofnet', enabled: false }]);
    expect(byHand.drift[0]?.differences).toEqual(['libvirt autostart on != off']);
  });

  it('a first registration is not drift', () => {
    expect(planLibvirt([spec], [], none).drift).toEqual([]);
  });
});
