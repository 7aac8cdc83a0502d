import { parseNetworkXml } from '@netfleet/netxml/parse';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { streamIds, type EventMetadata, type NewEvent, type RecordedEvent } from '@netfleet/events/event-envelope';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { decideNetwork, type NetworkCommand } from '@netfleet/fleet/decide';
import { hostCommandsFor } from '@netfleet/fleet/host-commands-for';
import type { NetworkView } from '@netfleet/fleet/fleet-view';
import { appendToStream, streamVersionOf, type OutboxMessage } from '@netfleet/eventstore/append';
import { getNetworkView, listNetworkViews } from '@netfleet/eventstore/views';
import { readCommandEvents } from '@netfleet/eventstore/read';
import { createHash } from 'node:crypto';
import type { ApiContext } from '../api-context';
import { ovsBridgeOf } from '@netfleet/netxml/ovs-bridge';

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
 * Decides an operator's command against the network's current view, records the events with the
 * host commands they cause (outbox) in one transaction, then wakes the relay. Pure logic lives in
 * @netfleet/fleet; this is the adapter around it.
 */
export async function executeNetworkCommand(ctx: ApiContext, request: CommandRequest): Promise<CommandResult> {
  const { command } = request;
  // A retried request (same Idempotency-Key) answers with what the first one recorded, even where
  // deciding it again would be refused now (a second start of a started network).
  if (request.commandId) {
    const prior = await readCommandEvents(ctx.db, streamIds.network(command.name), request.commandId);
    if (prior.length > 0) return { network: command.name, correlationId: prior[0]!.metadata.correlationId, events: prior, hostCommands: [], view: await getNetworkView(ctx.db, command.name), duplicate: true };
  }
  const view = await getNetworkView(ctx.db, command.name);
  if (request.expectedVersion !== undefined && request.expectedVersion !== (view?.version ?? 0)) {
    throw new NetfleetError('NF_STORE_CONFLICT', `network '${command.name}' changed since version ${request.expectedVersion} (it is now at version ${view?.version ?? 0}); read it again and redo your change`, { network: command.name, expectedVersion: request.expectedVersion, actualVersion: view?.version ?? 0 });
  }
  const others = command.type === 'DefineNetwork' ? await listNetworkViews(ctx.db) : [];
  const decided = decideNetwork(command, view, { others, bridgeOf: (other) => ovsBridgeOf(parseNetworkXml(other.xml))?.bridge });

  const correlationId = request.commandId ?? ctx.newId();
  const now = ctx.now().toISOString();
  const metadata: EventMetadata = {
    actor: request.actor, source: 'api', correlationId, occurredAt: now,
    ...(request.commandId ? { commandId: request.commandId } : {}),
    ...(request.comment ? { comment: request.comment } : {}),
  };
  const events: NewEvent[] = decided.map((e, i) => ({
    ...e, metadata,
    eventId: request.commandId ? idempotentEventId(request.commandId, i) : ctx.newId(),
  }));

  const hostCommands: ApplyNetworkV1[] = [];
  // The network as the append left it: the fold already computed it, no need to read it back.
  let folded: { view: NetworkView | undefined } | undefined;
  const outboxFor = (changes: { event: { type: string }; before: NetworkView | undefined; after: NetworkView | undefined }[]): OutboxMessage[] => {
    hostCommands.length = 0; // called again when the append is folded again
    for (const change of changes) {
      hostCommands.push(...hostCommandsFor(change.event, change.before, change.after, { correlationId, newId: ctx.newId, now }));
      folded = { view: change.after };
    }
    return hostCommands.map((c) => ({ msgId: c.commandId, subject: ctx.names.commandSubject(c.host), payload: c }));
  };

  const streamId = streamIds.network(command.name);
  // A network's stream outlives its view (undefine then define again continues the stream).
  const expectedVersion = view?.version ?? (await streamVersionOf(ctx.db, streamId));
  const result = await appendToStream(ctx.db, { streamId, expectedVersion, events, outboxFor });
  if (hostCommands.length > 0) {
    await ctx.hostConsumers.ensure([...new Set(hostCommands.map((c) => c.host))]);
    void ctx.relay.wake();
  }
  return {
    network: command.name, correlationId, events: result.events, hostCommands,
    view: folded && !result.duplicate ? folded.view : await getNetworkView(ctx.db, command.name), duplicate: result.duplicate,
  };
}

/** The same client command id always yields the same event ids, so a retry is recognised. */
function idempotentEventId(commandId: string, index: number): string {
  const h = createHash('sha256').update(`${commandId}#${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
