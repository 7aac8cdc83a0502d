/**
 * The host commands this agent has answered (their outcome published, the message acked), by
 * command id — the most recent `capacity` of them. JetStream delivers at least once: a command
 * whose ack was lost, or that the API's relay published again (a relay killed between publish and
 * mark, past the bus's duplicate window), arrives again. Applying it again changes nothing (the
 * reconciler plans the difference), but answering it again would record a second report of the
 * same outcome; a command seen here is acked without a pass. Pure: no I/O.
 */
export class AnsweredCommands {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  has(commandId: string): boolean {
    return this.ids.has(commandId);
  }

  add(commandId: string): void {
    this.ids.delete(commandId);
    this.ids.add(commandId);
    // A Set iterates in insertion order: the first is the oldest.
    while (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }
}
