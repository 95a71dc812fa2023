// One clock for the local system and every function worker: a SharedArrayBuffer that each thread reads with
// Atomics, so moving time (tests: days for signing deadlines) is seen everywhere at once, without messages.

/**
 * Layout: one BigInt64 slot holding `value * 2 + mode`, so mode and value change together in one atomic store
 * (no torn reads). mode 1 = frozen, value = the instant (epoch ms); mode 0 = running, value = the offset (ms)
 * added to real time. Whole milliseconds, like Date.
 */
const frozenMode = 1n;

function encode(mode: bigint, value: number): bigint {
  return BigInt(Math.round(value)) * 2n + mode;
}

/** Reads a clock buffer; `realNow` is the thread's own real time source (the shim passes the original Date.now). */
export function readSharedClock(view: BigInt64Array, realNow: () => number = Date.now): number {
  const word = Atomics.load(view, 0);
  const value = Number(word >> 1n);
  return (word & 1n) === frozenMode ? value : realNow() + value;
}

function instantOf(instant: Date | string | number): number {
  const ms = new Date(instant).getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`not a valid instant: ${String(instant)}`);
  return ms;
}

/**
 * The local system's clock: either frozen at an instant (tests: it moves only when told) or running with an
 * offset from real time (npm start: time flows and can jump forward). It never goes backwards.
 */
export class SharedClock {
  readonly buffer: SharedArrayBuffer;
  readonly #view: BigInt64Array;
  readonly #realNow: () => number;

  /**
   * `frozenAt` freezes the clock at that instant; otherwise it runs at real time plus `offsetMs` (default 0).
   * `buffer` attaches to an existing clock (e.g. one passed to a worker) instead of creating one.
   */
  constructor(
    start: { frozenAt?: Date | string | number; offsetMs?: number; buffer?: SharedArrayBuffer } = {},
    realNow: () => number = Date.now,
  ) {
    this.#realNow = realNow;
    if (start.buffer) {
      this.buffer = start.buffer;
      this.#view = new BigInt64Array(start.buffer);
      return;
    }
    this.buffer = new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT);
    this.#view = new BigInt64Array(this.buffer);
    const offset = start.offsetMs ?? 0;
    if (!Number.isFinite(offset)) throw new RangeError('offsetMs must be a finite number');
    Atomics.store(
      this.#view,
      0,
      start.frozenAt !== undefined ? encode(frozenMode, instantOf(start.frozenAt)) : encode(0n, offset),
    );
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return readSharedClock(this.#view, this.#realNow);
  }

  get frozen(): boolean {
    return (Atomics.load(this.#view, 0) & 1n) === frozenMode;
  }

  /** How far the clock is ahead of real time (ms); for a frozen clock, at this moment. */
  get offsetMs(): number {
    return this.nowMs() - this.#realNow();
  }

  /** Moves the clock to `instant` (same instant is fine); earlier than now is a RangeError. */
  set(instant: Date | string | number): void {
    const target = instantOf(instant);
    const now = this.nowMs();
    if (target < now) {
      throw new RangeError(
        `the local clock does not go backwards: ${new Date(target).toISOString()} is before ${new Date(now).toISOString()}`,
      );
    }
    this.#store(target);
  }

  /** Moves the clock forward by `ms`; a negative amount is a RangeError. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`the local clock does not go backwards (advance ${ms})`);
    this.#store(this.nowMs() + ms);
  }

  /** Stops the clock at its current instant. */
  freeze(): void {
    Atomics.store(this.#view, 0, encode(frozenMode, this.nowMs()));
  }

  /** Lets a frozen clock run again from the instant it shows. */
  unfreeze(): void {
    Atomics.store(this.#view, 0, encode(0n, this.nowMs() - this.#realNow()));
  }

  /** Stores a new instant keeping the mode: frozen stays frozen there, running continues from there. */
  #store(target: number): void {
    Atomics.store(
      this.#view,
      0,
      this.frozen ? encode(frozenMode, target) : encode(0n, target - this.#realNow()),
    );
  }
}
