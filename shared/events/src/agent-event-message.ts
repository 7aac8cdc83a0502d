import type { HostEventData } from './host-events';

/** An agent's report as it travels on `<ns>.evt.<host>.<type>` (JetStream msgID = eventId). */
export type AgentEventMessageV1 = HostEventData & {
  eventId: string;
  host: string;
  correlationId: string;
  /** The host command that caused it, if any. */
  causationId?: string;
  occurredAt: string;
};
