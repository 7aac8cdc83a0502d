import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';

/**
 * The agent's copy of what should run on its host, one entry per network, keeping only the
 * highest generation seen: a redelivered or stale command changes nothing.
 */
export class DesiredNetworks {
  private readonly byNetwork = new Map<string, ApplyNetworkV1>();
  /** Per network, the count of offers when its entry was last offered (see `mark`). */
  private readonly offeredAt = new Map<string, number>();
  private offers = 0;

  /**
   * Takes a command; true when it is newer than what was known: a later generation, or the same
   * generation issued no earlier (a command asking again). A copy of an older command delivered
   * again must not take the place of the one that followed it at that generation (it would be
   * answered twice under its own id).
   */
  offer(command: ApplyNetworkV1): boolean {
    const known = this.byNetwork.get(command.network);
    if (known && (known.generation > command.generation || (known.generation === command.generation && known.issuedAt > command.issuedAt))) return false;
    this.byNetwork.set(command.network, command);
    this.offeredAt.set(command.network, ++this.offers);
    return true;
  }

  /** A point to pass to `replaceAll`: taken when the desired state is asked for. */
  mark(): number { return this.offers; }

  /**
   * Replaces everything with the API's full answer (newer local entries win). With `since` (a
   * `mark()` taken when the answer was asked for), an entry offered after it and missing from the
   * answer is kept too: the answer was made before its command, and dropping it would remove a
   * bridge just made.
   */
  replaceAll(commands: ApplyNetworkV1[], since?: number): void {
    const next = new Map(commands.map((c) => [c.network, c]));
    for (const [name, known] of this.byNetwork) {
      const fresh = next.get(name);
      const newerThanAnswer = since !== undefined && (this.offeredAt.get(name) ?? 0) > since;
      if ((fresh && known.generation > fresh.generation) || (!fresh && newerThanAnswer)) next.set(name, known);
    }
    this.byNetwork.clear();
    for (const name of [...this.offeredAt.keys()]) if (!next.has(name)) this.offeredAt.delete(name);
    for (const [name, c] of next) this.byNetwork.set(name, c);
  }

  get(network: string): ApplyNetworkV1 | undefined {
    return this.byNetwork.get(network);
  }

  all(): ApplyNetworkV1[] {
    return [...this.byNetwork.values()];
  }
}
