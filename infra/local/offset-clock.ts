// The local system's time: real time plus an offset that only grows. The runtime, its workflow timers and the
// bank simulator share one OffsetClock, so "advance to the next day" moves all of them together while time
// keeps flowing normally in between. The offset can be kept in a file so it survives restarts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SharedClock } from './functions/shared-clock.ts';
import type { Timers } from './workflow/timers.ts';

/**
 * A clock at `Date.now() + offset`: a running SharedClock, so the functions in worker threads read the same
 * time. Setting it backwards is ignored (the simulator's control routes may ask), it never goes back.
 */
export class OffsetClock extends SharedClock {
  constructor(options: { start?: Date | string; offsetMs?: number } = {}) {
    super({
      offsetMs:
        options.start !== undefined
          ? new Date(options.start).getTime() - Date.now()
          : (options.offsetMs ?? 0),
    });
  }

  override set(instant: Date | string): void {
    if (new Date(instant).getTime() > this.nowMs()) super.set(instant);
  }
}

/** Reads a kept offset (`{"offsetMs": n}`); 0 when there is none or it is unreadable. */
export function readClockOffset(file: string): number {
  if (!existsSync(file)) return 0;
  try {
    const value = (JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: unknown }).offsetMs;
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
  } catch {
    return 0;
  }
}

export function writeClockOffset(file: string, offsetMs: number): void {
  writeFileSync(file, `${JSON.stringify({ offsetMs })}\n`);
}

/** Node's setTimeout caps at ~24.8 days; longer waits are re-armed. */
const maxDelayMs = 2_147_483_000;

/**
 * Workflow timers on an OffsetClock: each timer fires when the clock reaches its instant, either because real
 * time got there or because the clock was advanced (`fireDue`, earliest first).
 */
export class OffsetTimers implements Timers {
  readonly #clock: { now(): Date };
  #sequence = 0;
  readonly #pending = new Map<number, { at: number; fire: () => void; handle?: NodeJS.Timeout }>();

  constructor(clock: { now(): Date }) {
    this.#clock = clock;
  }

  schedule(ms: number, fire: () => void): () => void {
    const id = this.#sequence++;
    this.#pending.set(id, { at: this.#clock.now().getTime() + ms, fire });
    this.#arm(id);
    return () => {
      clearTimeout(this.#pending.get(id)?.handle);
      this.#pending.delete(id);
    };
  }

  /** When the earliest pending timer falls due (clock time), if any. */
  nextAt(): Date | undefined {
    const earliest = Math.min(...[...this.#pending.values()].map((timer) => timer.at));
    return Number.isFinite(earliest) ? new Date(earliest) : undefined;
  }

  /** Fires every timer due by now, earliest first, letting each reaction run before the next fires. */
  async fireDue(): Promise<number> {
    let fired = 0;
    for (;;) {
      const now = this.#clock.now().getTime();
      const due = [...this.#pending].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) return fired;
      this.#pending.delete(due[0]);
      clearTimeout(due[1].handle);
      due[1].fire();
      fired += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Cancels every pending timer (shutdown). */
  clear(): void {
    for (const timer of this.#pending.values()) clearTimeout(timer.handle);
    this.#pending.clear();
  }

  #arm(id: number): void {
    const timer = this.#pending.get(id);
    if (!timer) return;
    clearTimeout(timer.handle);
    const remaining = Math.max(0, timer.at - this.#clock.now().getTime());
    timer.handle = setTimeout(
      () => {
        if (this.#pending.get(id) !== timer) return;
        if (timer.at > this.#clock.now().getTime()) {
          this.#arm(id);
          return;
        }
        this.#pending.delete(id);
        timer.fire();
      },
      Math.min(remaining, maxDelayMs),
    );
    timer.handle.unref?.();
  }
}
