import { streamIds } from '@netfleet/events/event-envelope';
import { bridgeClaimsOf } from '@netfleet/fleet/bridge-claims';
import type { NetworkCommandState } from '@netfleet/fleet/run-network-command';
import { streamVersionOf } from '@netfleet/eventstore/append';
import { listNetworkPlacements } from '@netfleet/eventstore/network-placements';
import { getNetworkView } from '@netfleet/eventstore/views';
import type { Database } from '@netfleet/eventstore/database';

/** What runNetworkCommand decides a command about network `name` on, read from the store. */
export async function readCommandState(db: Database, name: string): Promise<NetworkCommandState> {
  const [view, placements] = await Promise.all([getNetworkView(db, name), listNetworkPlacements(db)]);
  // A network's stream outlives its view (undefine then define again continues the stream).
  const streamVersion = view?.version ?? (await streamVersionOf(db, streamIds.network(name)));
  return { view, streamVersion, bridgesInUse: bridgeClaimsOf(placements) };
}
