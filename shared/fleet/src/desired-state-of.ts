import type { DesiredStateV1 } from '@netfleet/events/host-commands';
import type { NetworkView } from './fleet-view';
import { applyNetworkFor } from './host-commands-for';

/**
 * The answer to a host's "what should run here?": the current generation of every network placed
 * on it, as the same ApplyNetwork commands would carry it, with what the fleet view last had from
 * the host at that generation (`observedHere`, so a starting agent can tell drift from never made).
 * Command ids are derived from network, generation and host: asking twice answers the same. Pure.
 */
export function desiredStateOf(host: string, views: readonly NetworkView[], now: string): DesiredStateV1 {
  return {
    v: 1, host,
    networks: views.filter((v) => v.hosts.includes(host)).map((v) => {
      const here = v.perHost[host];
      const command = applyNetworkFor(v, host, v.active ? 'running' : 'stopped', {
        commandId: `desired:${v.name}:${v.generation}:${host}`, correlationId: here?.correlationId ?? `desired:${v.name}`, issuedAt: now,
      });
      const ports = (here?.ports ?? []).map((p) => ({ bridge: p.bridge, interface: p.interface, ...(p.mac ? { mac: p.mac } : {}), ...(p.vmUuid ? { vmUuid: p.vmUuid } : {}) }));
      const withPorts = ports.length > 0 ? { ...command, portsHere: ports } : command;
      return here?.appliedGeneration === v.generation ? { ...withPorts, observedHere: here.observed } : withPorts;
    }),
  };
}
