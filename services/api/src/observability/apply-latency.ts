import type { Subscription } from '@nats-io/transport-node';
import type { AgentEventMessageV1 } from '@netfleet/events/agent-event-message';
import type { ApiContext } from '../api-context';

interface Observer {
  outcome(host: string, outcome: 'started' | 'stopped' | 'failed', seconds: number): void;
  drift(host: string, repaired: boolean): void;
}

const OUTCOMES: Record<string, 'started' | 'stopped' | 'failed'> = {
  NetworkStartedOnHost: 'started', NetworkStoppedOnHost: 'stopped', NetworkFailedOnHost: 'failed',
};
// Commands whose outcome never came (host down for long) are forgotten past this many.
const MAX_WAITING = 10_000;

/**
 * Watches the bus (core subscriptions beside JetStream's own delivery: they change nothing) for
 * host commands and the outcomes they cause, timing each pair on this process's clock.
 */
export function watchApplyLatency(ctx: ApiContext, observer: Observer): { stop(): void } {
  const sent = new Map<string, number>();
  const subs: Subscription[] = [];
  if (ctx.nc.isClosed()) return { stop: () => undefined };
  const decode = (data: Uint8Array): Record<string, unknown> | undefined => { try { return JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown>; } catch { return undefined; } };
  subs.push(ctx.nc.subscribe(ctx.names.allCommands, {
    callback: (_err, msg) => {
      const command = decode(msg.data);
      if (typeof command?.['commandId'] !== 'string') return;
      if (sent.size >= MAX_WAITING) sent.delete(sent.keys().next().value!);
      sent.set(command['commandId'], performance.now());
    },
  }));
  subs.push(ctx.nc.subscribe(ctx.names.allEvents, {
    callback: (_err, msg) => {
      const host = ctx.names.hostOfEventSubject(msg.subject);
      const event = decode(msg.data) as Partial<AgentEventMessageV1> | undefined;
      if (!host || !event) return;
      if (event.type === 'DriftDetected') observer.drift(host, event.data?.repaired === true);
      const outcome = OUTCOMES[event.type ?? ''];
      const causation = event.causationId;
      if (!outcome || typeof causation !== 'string') return;
      const at = sent.get(causation);
      if (at === undefined) return;
      sent.delete(causation);
      observer.outcome(host, outcome, (performance.now() - at) / 1000);
    },
  }));
  return { stop: () => { for (const s of subs) s.unsubscribe(); } };
}
