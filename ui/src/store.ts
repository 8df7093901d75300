// A small typed store: one state object, replaced by shallow updates; panes subscribe to the parts
// they draw. Each update notifies synchronously, so a keystroke's render happens in its own task.

export type Listener<S> = (state: S, previous: S) => void;

export class Store<S extends object> {
  private state: S;
  private readonly listeners = new Set<Listener<S>>();

  constructor(initial: S) {
    this.state = initial;
  }

  get(): S {
    return this.state;
  }

  /** Merges `patch` (or what `fn` returns for the current state) into the state and notifies. */
  update(patch: Partial<S> | ((state: S) => Partial<S>)): void {
    const previous = this.state;
    const changes = typeof patch === "function" ? patch(previous) : patch;
    this.state = { ...previous, ...changes };
    for (const listener of [...this.listeners]) listener(this.state, previous);
  }

  /** Calls `listener` after every update; returns the unsubscribe function. */
  subscribe(listener: Listener<S>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `fn` after an update that changed any of the values `select` picks (compared with ===). */
  watch(select: (state: S) => readonly unknown[], fn: (state: S, previous: S) => void): () => void {
    return this.subscribe((state, previous) => {
      const now = select(state);
      const before = select(previous);
      if (now.some((v, i) => v !== before[i])) fn(state, previous);
    });
  }
}
