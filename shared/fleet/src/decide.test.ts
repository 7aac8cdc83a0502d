import { describe, expect, it } from 'vitest';
import type { HostEventData } from '@netfleet/events/host-events';
import type { NetworkEventData } from '@netfleet/events/network-events';
import { deciderSpecification } from './decider-specification';
import { decideNetwork, type DecideContext, type NetworkCommand } from './decide';
import { evolveNetwork } from './evolve';
import type { NetworkView } from './fleet-view';

type GivenEvent = NetworkEventData | HostEventData;
interface State { view: NetworkView | undefined; version: number }

// The network decider: its state is the network's view, folded from its events (the host events
// about it included), with the stream version each network event gets.
const given = deciderSpecification<NetworkCommand, GivenEvent, NetworkEventData, State, DecideContext>({
  decide: (command, state, context) => decideNetwork(command, state.view, context),
  evolve: (state, event) => {
    const version = event.type.startsWith('Network') && !event.type.endsWith('OnHost') ? state.version + 1 : state.version;
    const metadata = { actor: 't', source: 'api' as const, correlationId: `c${version}`, occurredAt: '2026-01-01T00:00:00Z' };
    return { view: evolveNetwork(state.view, { ...event, position: 0, streamVersion: version, metadata }), version };
  },
  initialState: () => ({ view: undefined, version: 0 }),
}, { bridgesInUse: [] });

const xmlOf = (bridge: string, extra = '') => `<network type='ovs-datapath'>\n  <name>ofnet</name>\n  <datapath name='${bridge}'/>\n${extra}</network>\n`;
const XML = xmlOf('dp0');
type Definition = Omit<Extract<NetworkCommand, { type: 'DefineNetwork' }>, 'type'>;
const definition = (overrides: Partial<Definition> = {}): Definition => ({ name: 'ofnet', uuid: 'u-1', networkType: 'ovs-datapath', xml: XML, hosts: ['hv1', 'hv2'], ...overrides });
const define = (overrides: Partial<Definition> = {}): NetworkCommand => ({ type: 'DefineNetwork', ...definition(overrides) });
const create = (overrides: Partial<Definition> = {}): NetworkCommand => ({ type: 'CreateNetwork', ...definition(overrides) });
const start: NetworkCommand = { type: 'StartNetwork', name: 'ofnet' };
const destroy: NetworkCommand = { type: 'DestroyNetwork', name: 'ofnet' };
const place = (...hosts: string[]): NetworkCommand => ({ type: 'ChangePlacement', name: 'ofnet', hosts });
const autostart = (on: boolean): NetworkCommand => ({ type: 'SetAutostart', name: 'ofnet', autostart: on });

const defined = (hosts = ['hv1', 'hv2'], extra: Partial<Extract<NetworkEventData, { type: 'NetworkDefined' }>['data']> = {}): NetworkEventData =>
  ({ type: 'NetworkDefined', v: 1, data: { name: 'ofnet', uuid: 'u-1', networkType: 'ovs-datapath', xml: XML, hosts, ...extra } });
const started = (hosts = ['hv1', 'hv2']): NetworkEventData => ({ type: 'NetworkStarted', v: 1, data: { name: 'ofnet', hosts } });
const destroyed = (hosts = ['hv1', 'hv2']): NetworkEventData => ({ type: 'NetworkDestroyed', v: 1, data: { name: 'ofnet', hosts } });
const undefinedEvent: NetworkEventData = { type: 'NetworkUndefined', v: 1, data: { name: 'ofnet' } };
const stoppedOn = (host: string, generation: number): HostEventData => ({ type: 'NetworkStoppedOnHost', v: 1, data: { host, network: 'ofnet', generation } });
const transient = (hosts = ['hv1', 'hv2']): NetworkEventData[] => [defined(hosts, { persistent: false }), started(hosts)];

/** Another network holding bridge dp0 on hv2 and hv3. */
const dp0Taken: DecideContext = { bridgesInUse: [{ network: 'other', bridge: 'dp0', hosts: ['hv2', 'hv3'] }] };

describe('decideNetwork: define and redefine', () => {
  it('defines a new network with its placement', () => {
    given([]).when(define()).then([defined()]);
  });

  it('records a redefinition with the XML diff and keeps the placement when none is given', () => {
    given([defined()]).when(define({ xml: xmlOf('dp0', "  <controller protocol='unix' path='/run/c.sock'/>\n"), hosts: [] })).then(([event]) => {
      expect(event?.data).toMatchObject({ hosts: ['hv1', 'hv2'] });
      expect((event?.data as { diff: string }).diff).toMatch(/^\+ {2}<controller protocol='unix' path='\/run\/c.sock'\/>$/m);
    });
  });

  it('refuses a second network with the same name but another uuid', () => {
    given([defined()]).when(define({ uuid: 'u-2' })).thenThrows('NF_NETWORK_EXISTS');
  });

  it('refuses a network without placement', () => {
    given([]).when(define({ hosts: [] })).thenThrows('NF_NETWORK_NO_PLACEMENT');
  });

  it('defines again, on the same stream, a network that was undefined', () => {
    given([defined(), undefinedEvent]).when(define({ uuid: 'u-9' })).then([defined(['hv1', 'hv2'], { uuid: 'u-9' })]);
  });
});

describe('decideNetwork: create (transient)', () => {
  it('defines a transient network and starts it at once', () => {
    given([]).when(create()).then([defined(['hv1', 'hv2'], { persistent: false }), started()]);
  });

  it('refuses a name already defined, and a network without placement', () => {
    given([defined()]).when(create()).thenThrows('NF_NETWORK_EXISTS');
    given([]).when(create({ hosts: [] })).thenThrows('NF_NETWORK_NO_PLACEMENT');
  });

  it('is not autostarted, is destroyed like any other, and is gone once stopped everywhere', () => {
    given(transient()).when(autostart(true)).thenThrows('NF_NETWORK_TRANSIENT');
    given(transient()).when(destroy).then([destroyed()]);
    const gone = [...transient(), destroyed(), stoppedOn('hv1', 3), stoppedOn('hv2', 3)];
    given(gone).when(start).thenThrows('NF_NETWORK_NOT_FOUND');
    given(gone).when(create()).then([defined(['hv1', 'hv2'], { persistent: false }), started()]);
  });

  it('stays while one host has not stopped it yet', () => {
    given([...transient(), destroyed(), stoppedOn('hv1', 3)]).when(start).then([started()]);
  });
});

describe('decideNetwork: start, destroy, undefine', () => {
  it('starts an inactive network and refuses to start it twice', () => {
    given([defined()]).when(start).then([started()]);
    given([defined(), started()]).when(start).thenThrows('NF_NETWORK_ALREADY_ACTIVE');
  });

  it('destroys an active network and refuses to destroy an inactive one', () => {
    given([defined(), started()]).when(destroy).then([destroyed()]);
    given([defined()]).when(destroy).thenThrows('NF_NETWORK_NOT_ACTIVE');
  });

  it('undefines an inactive network, and refuses an active one unless told to destroy it first', () => {
    given([defined()]).when({ type: 'UndefineNetwork', name: 'ofnet' }).then([undefinedEvent]);
    given([defined(), started()]).when({ type: 'UndefineNetwork', name: 'ofnet' }).thenThrows('NF_NETWORK_ACTIVE', (e) => {
      expect(e.message).toMatch(/still active on hv1, hv2; run net-destroy first \(or net-undefine --destroy\)/);
    });
  });

  it('undefine --destroy stops it where it runs, then undefines; an inactive one is only undefined', () => {
    given([defined(), started()]).when({ type: 'UndefineNetwork', name: 'ofnet', destroyFirst: true }).then([destroyed(), undefinedEvent]);
    given([defined()]).when({ type: 'UndefineNetwork', name: 'ofnet', destroyFirst: true }).then([undefinedEvent]);
  });

  it('refuses commands about unknown networks', () => {
    for (const command of [start, destroy, autostart(true), place('hv1'), { type: 'UndefineNetwork', name: 'ofnet' } as const]) {
      given([]).when(command).thenThrows('NF_NETWORK_NOT_FOUND');
    }
  });
});

describe('decideNetwork: autostart', () => {
  it('marks a persistent network autostarted, and back; setting it as it is records nothing', () => {
    given([defined()]).when(autostart(true)).then([{ type: 'NetworkAutostartChanged', v: 1, data: { name: 'ofnet', autostart: true } }]);
    given([defined(), { type: 'NetworkAutostartChanged', v: 1, data: { name: 'ofnet', autostart: true } }]).when(autostart(false))
      .then([{ type: 'NetworkAutostartChanged', v: 1, data: { name: 'ofnet', autostart: false } }]);
    given([defined()]).when(autostart(false)).thenNothingHappened();
  });
});

describe('decideNetwork: placement', () => {
  it('moves a network, naming the hosts added and removed', () => {
    given([defined(), started()]).when(place('hv3', 'hv2', 'hv3'))
      .then([{ type: 'NetworkPlacementChanged', v: 1, data: { name: 'ofnet', hosts: ['hv3', 'hv2'], added: ['hv3'], removed: ['hv1'] } }]);
  });

  it('records nothing when the hosts stay the same, and refuses an empty placement', () => {
    given([defined()]).when(place('hv2', 'hv1')).thenNothingHappened();
    given([defined()]).when(place()).thenThrows('NF_NETWORK_NO_PLACEMENT');
  });
});

describe('decideNetwork: drift', () => {
  const drift: HostEventData = { type: 'DriftDetected', v: 1, data: { host: 'hv1', network: 'ofnet', generation: 2, bridge: 'dp0', differences: ['controller target tcp:10.0.0.9:6633 != tcp:127.0.0.1:6633'], repaired: true } };

  it('a host finding drift changes nothing the operator decides: it still runs, and stops on demand', () => {
    given([defined(), started(), drift]).when(start).thenThrows('NF_NETWORK_ALREADY_ACTIVE');
    given([defined(), started(), drift]).when(destroy).then([destroyed()]);
  });
});

describe('decideNetwork: a bridge is used by one network per host, whatever the verb', () => {
  it('define and redefine', () => {
    given([], dp0Taken).when(define()).thenThrows('NF_NETWORK_BRIDGE_CONFLICT', (e) => {
      expect(e.details).toMatchObject({ bridge: 'dp0', conflictsWith: 'other', hosts: ['hv2'] });
    });
    given([], dp0Taken).when(define({ hosts: ['hv1'] })).then([defined(['hv1'])]);
    // Renaming its datapath to one in use, or keeping it and adding a host where it is in use.
    given([defined(['hv1', 'hv2'], { xml: xmlOf('dp1') })], dp0Taken).when(define({ hosts: [] })).thenThrows('NF_NETWORK_BRIDGE_CONFLICT');
    given([defined(['hv1'])], dp0Taken).when(define({ hosts: ['hv1', 'hv3'] })).thenThrows('NF_NETWORK_BRIDGE_CONFLICT');
  });

  it('create', () => {
    given([], dp0Taken).when(create()).thenThrows('NF_NETWORK_BRIDGE_CONFLICT');
    given([], dp0Taken).when(create({ hosts: ['hv1'] })).then([defined(['hv1'], { persistent: false }), started(['hv1'])]);
  });

  it('placement', () => {
    given([defined(['hv1'])], dp0Taken).when(place('hv1', 'hv3')).thenThrows('NF_NETWORK_BRIDGE_CONFLICT', (e) => {
      expect(e.details).toMatchObject({ hosts: ['hv3'] });
    });
    given([defined(['hv1'])], dp0Taken).when(place('hv4')).then(([event]) => expect(event?.type).toBe('NetworkPlacementChanged'));
  });

  it('start and autostart (a clash recorded before every verb was checked)', () => {
    given([defined()], dp0Taken).when(start).thenThrows('NF_NETWORK_BRIDGE_CONFLICT');
    given([defined()], dp0Taken).when(autostart(true)).thenThrows('NF_NETWORK_BRIDGE_CONFLICT');
    // Turning autostart off, stopping and removing never make a clash.
    given([defined(), { type: 'NetworkAutostartChanged', v: 1, data: { name: 'ofnet', autostart: true } }], dp0Taken).when(autostart(false))
      .then(([event]) => expect(event?.type).toBe('NetworkAutostartChanged'));
    given([defined(), started()], dp0Taken).when(destroy).then([destroyed()]);
    given([defined()], dp0Taken).when({ type: 'UndefineNetwork', name: 'ofnet' }).then([undefinedEvent]);
  });

  it("counts libvirt's own OVS form (a bridge name) as the same bridge as a datapath name", () => {
    const libvirtOvs = "<network>\n  <name>ofnet</name>\n  <forward mode='bridge'/>\n  <bridge name='dp0'/>\n  <virtualport type='openvswitch'/>\n</network>\n";
    given([], dp0Taken).when(define({ networkType: 'bridge', xml: libvirtOvs })).thenThrows('NF_NETWORK_BRIDGE_CONFLICT');
    // A Linux bridge network of that name is not an OVS bridge netfleet makes.
    const linuxBridge = "<network>\n  <name>ofnet</name>\n  <bridge name='dp0'/>\n</network>\n";
    given([], dp0Taken).when(define({ networkType: 'bridge', xml: linuxBridge })).then(([event]) => expect(event?.type).toBe('NetworkDefined'));
  });

  it('never conflicts with itself', () => {
    given([defined()], { bridgesInUse: [{ network: 'ofnet', bridge: 'dp0', hosts: ['hv1', 'hv2'] }] }).when(start).then([started()]);
  });
});
