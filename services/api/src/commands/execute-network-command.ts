import { NetfleetError, isNetfleetError } from '@netfleet/errors/netfleet-error';
import { streamIds, type EventMetadata, type RecordedEvent } from '@netfleet/events/event-envelope';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import type { NetworkCommand } from '@netfleet/fleet/decide';
import type { NetworkView } from '@netfleet/fleet/fleet-view';
import { runNetworkCommand } from '@netfleet/fleet/run-network-command';
import { appendToStream } from '@netfleet/eventstore/append';
import { getNetworkView } from '@netfleet/eventstore/views';
import { readCommandEvents } from '@netfleet/eventstore/read';
import { createHash } from 'node:crypto';
import type { ApiContext } from '../api-context';
import { readCommandState } from './read-command-state';

export interface CommandRequest {
  command: NetworkCommand;
  actor: string;
  /** Client idempotency key: a retried request with the same id appends nothing twice. */
  commandId?: string;
  comment?: string;
  /** Refuse if the network's version moved past this (a stale edit). */
  expectedVersion?: number;
}

export interface CommandResult {
  network: string;
  correlationId: string;
  events: RecordedEvent[];
  /** The network after the change (undefined once undefined). */
  view: NetworkView | undefined;
  /** Hosts that were sent a command, with the generation they must reach. */
  hostCommands: ApplyNetworkV1[];
  duplicate: boolean;
}

/**
 * How often a command is decided again after another command changed the network between our
 * read and our append. Each round means someone else's command got in, so a few suffice.
 */
const MAX_DECISIONS = 10;

/**
 * Reads the network's state, runs the pure pipeline (@netfleet/fleet runNetworkCommand: decide,
 * fold, host commands) and appends its events with their host commands (outbox) in one
 * transaction, expecting the stream version it decided on; then wakes the relay. When the append
 * finds the stream moved on, this loop reads and decides again: the decision is a pure function
 * of what was read, so deciding on fresh state is always right, and the store never has to call
 * back into the API. A client's own expected version (a stale edit) is refused, not retried.
 */
export async function executeNetworkCommand(ctx: ApiContext, request: CommandRequest): Promise<CommandResult> {
  const { command } = request;
  const streamId = streamIds.network(command.name);
  const correlationId = request.commandId ?? ctx.newId();
  for (let attempt = 1; ; attempt++) {
    // A retried request (same Idempotency-Key) answers with what the first one recorded, even where
    // deciding it again would be refused now (a second start of a started network).
    const prior = request.commandId ? await priorResult(ctx, command.name, request.commandId) : undefined;
    if (prior) return prior;
    const state = await readCommandState(ctx.db, command);
    const version = state.view?.version ?? 0;
    if (request.expectedVersion !== undefined && request.expectedVersion !== version) {
      throw new NetfleetError('NF_STORE_CONFLICT', {
        stream: `network '${command.name}'`, versions: `version ${request.expectedVersion} (it is now at version ${version})`,
        network: command.name, expectedVersion: request.expectedVersion, actualVersion: version,
      });
    }
    const metadata: EventMetadata = {
      actor: request.actor, source: 'api', correlationId, occurredAt: ctx.now().toISOString(),
      ...(request.commandId ? { commandId: request.commandId } : {}),
      ...(request.comment ? { comment: request.comment } : {}),
    };
    const outcome = runNetworkCommand(command, state, {
      metadata, newId: ctx.newId,
      eventIdOf: (i) => (request.commandId ? idempotentEventId(request.commandId, i) : ctx.newId()),
    });
    try {
      const result = await appendToStream(ctx.db, {
        streamId, expectedVersion: state.streamVersion, events: outcome.events,
        outbox: outcome.hostCommands.map((c) => ({ msgId: c.commandId, subject: ctx.names.commandSubject(c.host), payload: c })),
      });
      if (result.duplicate) {
        // The same request, recorded meanwhile by a concurrent retry: answer with what it recorded.
        return (request.commandId ? await priorResult(ctx, command.name, request.commandId) : undefined) ??
          { network: command.name, correlationId, events: [], hostCommands: [], view: await getNetworkView(ctx.db, command.name), duplicate: true };
      }
      if (outcome.hostCommands.length > 0) void ctx.relay.wake();
      return { network: command.name, correlationId, events: result.events, hostCommands: outcome.hostCommands, view: outcome.view, duplicate: false };
    } catch (e) {
      if (attempt < MAX_DECISIONS && isNetfleetError(e) && e.code === 'NF_STORE_CONFLICT') continue;
      throw e;
    }
  }
}

async function priorResult(ctx: ApiContext, network: string, commandId: string): Promise<CommandResult | undefined> {
  const prior = await readCommandEvents(ctx.db, streamIds.network(network), commandId);
  if (prior.length === 0) return undefined;
  return { network, correlationId: prior[0]!.metadata.correlationId, events: prior, hostCommands: [], view: await getNetworkView(ctx.db, network), duplicate: true };
}

/** The same client command id always yields the same event ids, so a retry is recognised. */
function idempotentEventId(commandId: string, index: number): string {
  const h = createHash('sha256').update(`${commandId}#${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
