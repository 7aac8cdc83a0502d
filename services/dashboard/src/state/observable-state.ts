/**
 * State a page draws from: `set` replaces it with a patched copy (never changed in place, so a
 * component's setState sees a new object) and tells every subscriber.
 */
export class ObservableState<State extends object> {
  private listeners = new Set<() => void>();

  constructor(public state: State) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected set(patch: Partial<State>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }
}
