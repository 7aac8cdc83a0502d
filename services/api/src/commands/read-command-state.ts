import { streamIds } from '@netfleet/events/event-envelope';
import { bridgeClaimsOf, spellingsOfBridge } from '@netfleet/fleet/bridge-claims';
import { claimedBridge, type NetworkCommand } from '@netfleet/fleet/decide';
import type { NetworkCommandState } from '@netfleet/fleet/run-network-command';
import { streamVersionOf } from '@netfleet/eventstore/append';
import { listNetworksMentioning } from '@netfleet/eventstore/network-placements';
import { getNetworkView } from '@netfleet/eventstore/views';
import type { Database } from '@netfleet/eventstore/database';

/**
 * What runNetworkCommand decides `command` on, read from the store: the network's view and
 * stream version, and the networks that may hold the bridge the command claims (none when it
 * claims none).
 */
export async function readCommandState(db: Database, command: NetworkCommand): Promise<NetworkCommandState> {
  const view = await getNetworkView(db, command.name);
  const bridge = claimedBridge(command, view);
  const [streamVersion, mentioning] = await Promise.all([
    // A network's stream outlives its view (undefine then define again continues the stream).
    view?.version ?? streamVersionOf(db, streamIds.network(command.name)),
    bridge === undefined ? [] : listNetworksMentioning(db, spellingsOfBridge(bridge)),
  ]);
  return { view, streamVersion, bridgesInUse: bridgeClaimsOf(mentioning) };
}
