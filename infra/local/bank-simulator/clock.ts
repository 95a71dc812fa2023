// Time for the simulator. Tests and the demo inject a manual clock so cut-offs, business days and ledger dates
// are deterministic; `npm start` uses the system clock.

import { SharedClock } from '../functions/shared-clock.ts';

export interface SimulatorClock {
  now(): Date;
}

export const systemClock: SimulatorClock = { now: () => new Date() };

/**
 * A clock that only moves when told to. It is a frozen SharedClock, so the functions the local system runs in
 * worker threads see the same instant as the simulator (infra/local/functions/shared-clock.ts).
 */
export class ManualClock extends SharedClock implements SimulatorClock {
  constructor(start: Date | string) {
    super({ frozenAt: start });
  }
}
