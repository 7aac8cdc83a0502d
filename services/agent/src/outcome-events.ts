import type { AgentEventMessageV1 } from '@netfleet/events/agent-event-message';
import { HostEventType, LIBVIRT_NOT_CONFIGURED } from '@netfleet/events/host-events';
import type { ControllerConnection } from './controller-status';
import type { PortReport } from './port-watcher';
import type { NetworkOutcome, ReportedDrift } from './reconciler';

/** Turns a pass's outcome into the event the agent reports (ids and time passed in). */
export function outcomeEvent(host: string, outcome: NetworkOutcome, eventId: string, now: string): AgentEventMessageV1 {
  const { command } = outcome;
  const common = { eventId, host, correlationId: command.correlationId, causationId: command.commandId, occurredAt: now, v: 1 as const };
  const about = { host, network: outcome.network, generation: command.generation };
  switch (outcome.kind) {
    case 'started':
      return { ...common, type: HostEventType.NetworkStartedOnHost, data: { ...about, bridge: outcome.bridge, warnings: outcome.warnings } };
    case 'stopped':
      return { ...common, type: HostEventType.NetworkStoppedOnHost, data: about };
    case 'failed':
      return { ...common, type: HostEventType.NetworkFailedOnHost, data: { ...about, code: outcome.code, error: outcome.error } };
  }
}

/** A DriftDetected report (correlation: the pass that found it). */
export function driftEvent(host: string, drift: ReportedDrift, now: string): AgentEventMessageV1 {
  return {
    eventId: drift.eventId, host, correlationId: drift.correlationId, occurredAt: now, v: 1, type: HostEventType.DriftDetected,
    data: { host, network: drift.network, generation: drift.generation, bridge: drift.bridge, differences: drift.differences, repaired: drift.repaired },
  };
}

/** A ControllerConnectionChanged report, with OVS's own state and last_error. */
export function controllerEvent(host: string, c: ControllerConnection, eventId: string, now: string): AgentEventMessageV1 {
  return {
    eventId, host, correlationId: `controller:${host}:${c.bridge}`, occurredAt: now, v: 1, type: HostEventType.ControllerConnectionChanged,
    data: {
      host, network: c.network, generation: c.generation, bridge: c.bridge, target: c.target, connected: c.connected,
      ...(c.state !== undefined ? { state: c.state } : {}), ...(c.lastError !== undefined ? { lastError: c.lastError } : {}),
    },
  };
}

/** A PortAttached / PortDetached report (correlation: the port on its bridge). */
export function portEvent(host: string, kind: 'attached' | 'detached', port: PortReport, eventId: string, now: string): AgentEventMessageV1 {
  const { network, bridge, interface: name, mac, vmUuid, ifaceId, domain } = port;
  const data = {
    host, network, bridge, interface: name,
    ...(mac ? { mac } : {}), ...(vmUuid ? { vmUuid } : {}), ...(ifaceId ? { ifaceId } : {}), ...(domain ? { domain } : {}),
  };
  const common = { eventId, host, correlationId: `port:${host}:${bridge}:${name}`, occurredAt: now, v: 1 as const };
  return kind === 'attached' ? { ...common, type: HostEventType.PortAttached, data } : { ...common, type: HostEventType.PortDetached, data };
}

/** AgentStarted, with the host's libvirt: its URI, why there is none, or (null) "not configured". */
export function agentStartedEvent(host: string, agentVersion: string, eventId: string, now: string, libvirtUri: string | null): AgentEventMessageV1 {
  return {
    eventId, host, correlationId: `agent:${host}:${eventId}`, occurredAt: now, v: 1, type: HostEventType.AgentStarted,
    data: { host, agentVersion, libvirt: libvirtUri ?? LIBVIRT_NOT_CONFIGURED },
  };
}
