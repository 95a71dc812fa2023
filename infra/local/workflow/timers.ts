// Timers for the local workflow engine: real ones for `npm start`, a manual clock for tests that must show
// what happens after three days of waiting without waiting three days.

export interface Timers {
  /** Calls `fire` after `ms` milliseconds; the returned function cancels it. */
  schedule(ms: number, fire: () => void): () => void;
}

/** Node's setTimeout caps at ~24.8 days; longer delays are chained. */
const maxDelayMs = 2_147_483_000;

export const realTimers: Timers = {
  schedule(ms, fire) {
    let remaining = ms;
    let handle: NodeJS.Timeout;
    const arm = () => {
      const step = Math.min(remaining, maxDelayMs);
      handle = setTimeout(() => {
        remaining -= step;
        if (remaining > 0) arm();
        else fire();
      }, step);
      handle.unref?.();
    };
    arm();
    return () => clearTimeout(handle);
  },
};

/** A clock that only moves when told to; timers due by then fire in order. */
export class ManualTimers implements Timers {
  #now: number;
  #sequence = 0;
  readonly #pending = new Map<number, { at: number; fire: () => void }>();

  constructor(start: Date) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  schedule(ms: number, fire: () => void): () => void {
    const id = this.#sequence++;
    this.#pending.set(id, { at: this.#now + ms, fire });
    return () => this.#pending.delete(id);
  }

  /** Moves time forward, firing every timer that falls due on the way (earliest first). */
  async advanceBy(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      const due = [...this.#pending]
        .filter(([, timer]) => timer.at <= target)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#pending.delete(due[0]);
      this.#now = due[1].at;
      due[1].fire();
      // Let the execution react (run the next states) before later timers fire.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.#now = target;
  }
}
