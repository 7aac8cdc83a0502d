/**
 * What the API tells a host's agent. Level-triggered: the command carries the whole desired state
 * of one network on that host at one generation, so applying it twice, or an older one after a
 * newer one, changes nothing (the agent keeps the highest generation it has seen).
 */
export interface ApplyNetworkV1 {
  type: 'ApplyNetwork';
  v: 1;
  commandId: string;
  correlationId: string;
  host: string;
  network: string;
  uuid: string;
  generation: number;
  desired: 'running' | 'stopped';
  /** The network's autostart, for the host's libvirt (`net-autostart`); absent: off. */
  autostart?: boolean;
  /** Canonical network XML: the agent parses it with the same package the API used. */
  xml: string;
  issuedAt: string;
  /**
   * In desired-state answers only: what the fleet view last had from this host for this network
   * at this generation. An agent starting up that finds the bridge of a network it had running
   * gone knows it was removed behind its back (drift), not that it was never made.
   */
  observedHere?: 'running' | 'stopped' | 'failed' | 'pending';
  /**
   * In desired-state answers only: the ports the fleet view has on this network's bridge here, so
   * a starting agent reports the ones that went away while it was down as detached.
   */
  portsHere?: { bridge: string; interface: string; mac?: string; vmUuid?: string }[];
}

/** The answer to an agent's "what should run on my host?" request. */
export interface DesiredStateV1 {
  v: 1;
  host: string;
  networks: ApplyNetworkV1[];
}
