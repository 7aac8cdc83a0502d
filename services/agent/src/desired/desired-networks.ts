import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';

/**
 * The agent's copy of what should run on its host, one entry per network, keeping only the
 * highest generation seen: a redelivered or stale command changes nothing.
 */
export class DesiredNetworks {
  private readonly byNetwork = new Map<string, ApplyNetworkV1>();

  /** Takes a command; true when it is newer than what was known (or the same generation). */
  offer(command: ApplyNetworkV1): boolean {
    const known = this.byNetwork.get(command.network);
    if (known && known.generation > command.generation) return false;
    this.byNetwork.set(command.network, command);
    return true;
  }

  /** Replaces everything with the API's full answer (newer local entries win). */
  replaceAll(commands: ApplyNetworkV1[]): void {
    const next = new Map(commands.map((c) => [c.network, c]));
    for (const [name, known] of this.byNetwork) {
      const fresh = next.get(name);
      if (fresh && known.generation > fresh.generation) next.set(name, known);
    }
    this.byNetwork.clear();
    for (const [name, c] of next) this.byNetwork.set(name, c);
  }

  get(network: string): ApplyNetworkV1 | undefined {
    return this.byNetwork.get(network);
  }

  all(): ApplyNetworkV1[] {
    return [...this.byNetwork.values()];
  }
}
