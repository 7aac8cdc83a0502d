import { isNetfleetError, NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { parseNetworkXml } from '@netfleet/netxml/parse';
import type { BridgeSpec } from '../plan/bridge-spec';
import { bridgeSpecOf, type BridgeSpecResult } from './bridge-spec-of';

/** The desired networks of a host turned into bridge specs, with what could not be turned. */
export interface PreparedSpecs {
  specs: BridgeSpec[];
  warnings: Map<string, string[]>;
  failed: Map<string, NetfleetError>;
}

/**
 * Commands → specs for the networks that should run. Parsing XML is the costly part of a pass
 * over 1,000 networks, so results are kept per (network, generation, xml) in `cache`; a network
 * whose command changes is parsed again.
 */
export function prepareSpecs(commands: Iterable<ApplyNetworkV1>, cache: SpecCache = new SpecCache()): PreparedSpecs {
  const prepared: PreparedSpecs = { specs: [], warnings: new Map(), failed: new Map() };
  for (const command of commands) {
    if (command.desired !== 'running') continue;
    const result = cache.get(command);
    if (result instanceof NetfleetError) prepared.failed.set(command.network, result);
    else {
      prepared.specs.push(result.spec);
      prepared.warnings.set(command.network, result.warnings);
    }
  }
  return prepared;
}

export class SpecCache {
  private readonly byNetwork = new Map<string, { command: ApplyNetworkV1; result: BridgeSpecResult | NetfleetError }>();

  get(command: ApplyNetworkV1): BridgeSpecResult | NetfleetError {
    const known = this.byNetwork.get(command.network);
    if (known && known.command.generation === command.generation && known.command.uuid === command.uuid && known.command.xml === command.xml) {
      return known.result;
    }
    let result: BridgeSpecResult | NetfleetError;
    try {
      result = bridgeSpecOf(command, parseNetworkXml(command.xml));
    } catch (e) {
      result = isNetfleetError(e) ? e : new NetfleetError('NF_AGENT_BAD_DEFINITION', { network: command.network, reason: String(e) });
    }
    this.byNetwork.set(command.network, { command, result });
    return result;
  }

  /** Forgets networks no longer desired (keeps the cache the size of the host). */
  retain(networks: Set<string>): void {
    for (const name of [...this.byNetwork.keys()]) if (!networks.has(name)) this.byNetwork.delete(name);
  }
}
