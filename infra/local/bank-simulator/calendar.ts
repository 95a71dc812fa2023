// The simulator's execution timing: the SEPA cut-off and the rule that decides when a signed payment is
// executed (instant now, SEPA today or next business day). Dates and holidays come from the domain calendar.
import {
  isBusinessDay,
  nextBusinessDay,
  onOrNextBusinessDay,
  tallinnDate,
  tallinnInstant,
  tallinnMinuteOfDay,
} from '../../../shared/domain/calendar.ts';

export interface TimingRules {
  /** `HH:MM` Tallinn; SEPA payments signed later execute on the next business day. */
  sepaCutOff: string;
  /** `HH:MM` Tallinn at which next-day SEPA payments are executed. */
  sepaExecutionTime: string;
  /** Largest instant payment in minor units (EUR 100,000). */
  instantLimitMinor: number;
  /** Estonian bank codes (IBAN digits 5–6) of banks reachable by instant payment; `*` = all. */
  instantBankCodes: string[];
  /** How long an instant payment takes, ms. */
  instantDelayMs: number;
}

export const DEFAULT_TIMING: TimingRules = {
  sepaCutOff: '15:30',
  sepaExecutionTime: '09:00',
  instantLimitMinor: 10_000_000,
  instantBankCodes: ['*'],
  instantDelayMs: 0,
};

export interface ExecutionInput {
  /** When the payment became executable (signed). */
  signedAt: Date;
  amountMinor: number;
  currency: string;
  creditorIban: string;
  /** `YYYY-MM-DD` requested execution date from pain.001. */
  requestedDate: string;
  /** The payer asked for instant (SvcLvl/LclInstrm INST) — instant is also used automatically when possible. */
  instantRequested?: boolean;
}

export interface ExecutionPlan {
  scheme: 'instant' | 'sepa';
  executeAt: Date;
  /** Booking date on the debtor's statement. */
  bookingDate: string;
}

function instantReachable(creditorIban: string, rules: TimingRules): boolean {
  if (rules.instantBankCodes.includes('*')) return true;
  const iban = creditorIban.replace(/\s+/g, '').toUpperCase();
  if (!iban.startsWith('EE')) return false;
  return rules.instantBankCodes.includes(iban.slice(4, 6));
}

/**
 * Coop Pank uses instant payments automatically (EUR, up to the limit, reachable bank) for payments due today;
 * everything else goes by SEPA: executed at signing when signed on a business day before the cut-off,
 * otherwise at `sepaExecutionTime` on the next business day. A future requested date is honoured.
 */
export function planExecution(input: ExecutionInput, rules: TimingRules = DEFAULT_TIMING): ExecutionPlan {
  const today = tallinnDate(input.signedAt);
  const dueToday = input.requestedDate <= today;
  if (
    dueToday &&
    input.currency === 'EUR' &&
    input.amountMinor <= rules.instantLimitMinor &&
    instantReachable(input.creditorIban, rules)
  ) {
    const executeAt = new Date(input.signedAt.getTime() + rules.instantDelayMs);
    return { scheme: 'instant', executeAt, bookingDate: tallinnDate(executeAt) };
  }
  if (!dueToday) {
    const day = onOrNextBusinessDay(input.requestedDate);
    return { scheme: 'sepa', executeAt: tallinnInstant(day, rules.sepaExecutionTime), bookingDate: day };
  }
  const [cutHour, cutMinute] = rules.sepaCutOff.split(':').map(Number) as [number, number];
  const beforeCutOff = tallinnMinuteOfDay(input.signedAt) < cutHour * 60 + cutMinute;
  if (isBusinessDay(today) && beforeCutOff) {
    return { scheme: 'sepa', executeAt: input.signedAt, bookingDate: today };
  }
  const day = nextBusinessDay(today);
  return { scheme: 'sepa', executeAt: tallinnInstant(day, rules.sepaExecutionTime), bookingDate: day };
}
