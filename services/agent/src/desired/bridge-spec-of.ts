import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { controllerTarget } from '@netfleet/netxml/controller-target';
import { ovsBridgeOf } from '@netfleet/netxml/ovs-bridge';
import type { ControllerDef, NetworkDef } from '@netfleet/netxml/model';
import type { BridgeSpec, ControllerSpec } from '../plan/bridge-spec';

export interface BridgeSpecResult {
  spec: BridgeSpec;
  /** What the definition asks that OVS cannot do; kept in external_ids and told to the operator. */
  warnings: string[];
}

/**
 * What a network definition means for this host's OVS. Two kinds of network can start: the RFC's
 * ovs-datapath (a bridge in OpenFlow mode with its controllers) and libvirt's own OVS form
 * (forward mode='bridge' + virtualport type='openvswitch': a bridge without a controller).
 */
export function bridgeSpecOf(command: Pick<ApplyNetworkV1, 'network' | 'uuid' | 'generation'>, def: NetworkDef): BridgeSpecResult {
  const base = { network: command.network, networkUuid: command.uuid, generation: command.generation };
  if (def.type === 'ovs-datapath') {
    const dp = def.datapath;
    if (!dp) throw new NetfleetError('NF_AGENT_UNSUPPORTED_NETWORK', { network: def.name, problem: 'has type ovs-datapath but no <datapath>' });
    const warnings: string[] = [];
    const extraExternalIds: Record<string, string> = {};
    // OVS reports fixed manufacturer/hardware/software descriptions; the one description a bridge
    // can set is dp-desc, so hwdesc (the RFC's example of describing a datapath) becomes it.
    if (dp.hwdesc !== undefined) extraExternalIds['netfleet-hwdesc'] = dp.hwdesc;
    for (const [attribute, value] of [['mfrdesc', dp.mfrdesc], ['swdesc', dp.swdesc]] as const) {
      if (value === undefined) continue;
      extraExternalIds[`netfleet-${attribute}`] = value;
      warnings.push(`datapath ${attribute}='${value}' has no Open vSwitch equivalent (OVS reports its own ${attribute === 'mfrdesc' ? 'manufacturer' : 'software'} description); kept in external_ids:netfleet-${attribute}`);
    }
    const spec: BridgeSpec = {
      ...base, bridge: dp.name, controllers: def.controllers.map(controllerSpecOf), extraExternalIds,
      ...(dp.id !== undefined ? { datapathId: dp.id } : {}),
      ...(dp.hwdesc !== undefined ? { description: dp.hwdesc } : {}),
      ...(dp.failMode !== undefined ? { failMode: dp.failMode } : {}),
      ...(def.pki ? { ssl: { privateKey: def.pki.privateKey, certificate: def.pki.certificate, caCert: def.pki.caCert } } : {}),
    };
    return { spec, warnings };
  }
  const ovsBridge = ovsBridgeOf(def);
  if (ovsBridge?.form === 'libvirt-ovs') return { spec: { ...base, bridge: ovsBridge.bridge, controllers: [], extraExternalIds: {} }, warnings: [] };
  throw new NetfleetError('NF_AGENT_UNSUPPORTED_NETWORK', { network: def.name, problem: `is a ${def.forward ? `forward mode='${def.forward.mode}'` : 'isolated'} Linux-bridge network` });
}

function controllerSpecOf(c: ControllerDef): ControllerSpec {
  return {
    target: controllerTarget(c),
    connectionMode: c.outOfBand ? 'out-of-band' : 'in-band',
    ...(c.maxBackoffMs !== undefined ? { maxBackoffMs: c.maxBackoffMs } : {}),
    ...(c.inactivityProbeMs !== undefined ? { inactivityProbeMs: c.inactivityProbeMs } : {}),
    ...(c.rateLimit !== undefined ? { rateLimit: c.rateLimit } : {}),
    ...(c.burstLimit !== undefined ? { burstLimit: c.burstLimit } : {}),
  };
}
