import type { EventMetadata, NewEvent } from '@netfleet/events/event-envelope';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import type { NetworkEventData } from '@netfleet/events/network-events';
import type { BridgeClaim } from './bridge-claims';
import { decideNetwork, type NetworkCommand } from './decide';
import { evolveNetwork } from './evolve';
import type { NetworkView } from './fleet-view';
import { hostCommandsFor } from './host-commands-for';

/** What a command is decided on, as read from the store. */
export interface NetworkCommandState {
  /** The network's view; undefined when it is not defined. */
  view: NetworkView | undefined;
  /** Its stream's version, which outlives the view (undefine, then define again, continues it). */
  streamVersion: number;
  /** The bridges defined networks hold per host: at least every claim of the command's bridge (see DecideContext). */
  bridgesInUse: readonly BridgeClaim[];
}

/** Who, when and which ids: passed in, so the pipeline reads no clock and no random source. */
export interface NetworkCommandContext {
  /** Recorded on every event (actor, correlation id, comment, occurredAt …). */
  metadata: EventMetadata;
  /** The id of the command's `index`-th event. */
  eventIdOf: (index: number) => string;
  /** A fresh id for each host command. */
  newId: () => string;
}

export type DecidedNetworkEvent = NewEvent & NetworkEventData & { streamVersion: number };

export interface NetworkCommandOutcome {
  /** The events to append, numbered from the state's stream version on. */
  events: DecidedNetworkEvent[];
  /** What the hosts must be told because of them (the outbox). */
  hostCommands: ApplyNetworkV1[];
  /** The network once the events are folded in (undefined once undefined). */
  view: NetworkView | undefined;
}

/**
 * The whole command pipeline, pure: decide the command on the state (or refuse it with a
 * NetfleetError), fold each event into the network's view, and derive the host commands each
 * change of desired state causes. The API appends `events` with the state's stream version as the
 * expected version; the dry run only looks at `hostCommands`.
 */
export function runNetworkCommand(command: NetworkCommand, state: NetworkCommandState, context: NetworkCommandContext): NetworkCommandOutcome {
  const decided = decideNetwork(command, state.view, { bridgesInUse: state.bridgesInUse });
  const events: DecidedNetworkEvent[] = [];
  const hostCommands: ApplyNetworkV1[] = [];
  let view = state.view;
  const ids = { correlationId: context.metadata.correlationId, newId: context.newId, now: context.metadata.occurredAt };
  decided.forEach((e, i) => {
    const event = { ...e, eventId: context.eventIdOf(i), metadata: context.metadata, streamVersion: state.streamVersion + i + 1 } as DecidedNetworkEvent;
    // The network fold reads versions, never global positions (the store hands those out).
    const after = evolveNetwork(view, { ...event, position: 0 });
    hostCommands.push(...hostCommandsFor(event, view, after, ids));
    events.push(event);
    view = after;
  });
  return { events, hostCommands, view };
}
