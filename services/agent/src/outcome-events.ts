import type { AgentEventMessageV1 } from '@netfleet/events/agent-event-message';
import { HostEventType } from '@netfleet/events/host-events';
import type { NetworkOutcome } from './reconciler';

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
