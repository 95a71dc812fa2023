// Time for the simulator. Tests and the demo inject a manual clock so cut-offs, business days and ledger dates
// are deterministic; `npm start` uses the system clock.

export interface SimulatorClock {
  now(): Date;
}

export const systemClock: SimulatorClock = { now: () => new Date() };

/** A clock that only moves when told to. */
export class ManualClock implements SimulatorClock {
  #now: number;

  constructor(start: Date | string) {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  set(instant: Date | string): void {
    const next = new Date(instant).getTime();
    if (next < this.#now) throw new RangeError('the simulator clock does not go backwards');
    this.#now = next;
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('the simulator clock does not go backwards');
    this.#now += ms;
  }
}
