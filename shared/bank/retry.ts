// Retry rules for bank calls, kept pure so they can be tested without a network: which failures may be
// retried for which operation, how long to wait (exponential backoff with jitter, or the bank's Retry-After).
import type { BankRetrySettings } from './config.ts';
import { type BankOperation, BankRateLimitedError, isBankError } from './errors.ts';

/**
 * Reads and acknowledgements are idempotent. Submissions and report requests carry a MsgId that the bank
 * deduplicates on, so they are retried too, but always by re-sending the very same bytes (same MsgId): the
 * adapter builds the XML once, before the first attempt.
 */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

export interface RetryInput {
  error: unknown;
  operation: BankOperation;
  /** Attempts made so far, including the one that just failed (1 after the first failure). */
  attempt: number;
  settings: BankRetrySettings;
  /** Uniform in [0, 1); injectable so tests are deterministic. */
  random: () => number;
}

export function decideRetry(input: RetryInput): RetryDecision {
  const { error, attempt, settings } = input;
  if (!isBankError(error)) return { retry: false, reason: 'not a bank error' };
  if (!error.retryable) return { retry: false, reason: `${error.name} is not retryable` };
  if (attempt >= settings.maxAttempts) return { retry: false, reason: `gave up after ${attempt} attempts` };
  const backoff = backoffDelay(attempt, settings, input.random);
  if (error instanceof BankRateLimitedError && error.retryAfterMs !== undefined) {
    if (error.retryAfterMs > settings.maxRetryAfterMs) {
      return {
        retry: false,
        reason: `Retry-After ${error.retryAfterMs} ms exceeds ${settings.maxRetryAfterMs} ms`,
      };
    }
    return { retry: true, delayMs: Math.max(error.retryAfterMs, backoff) };
  }
  return { retry: true, delayMs: backoff };
}

/**
 * "Equal jitter": half of the exponential step is fixed, half random, so waits grow but concurrent
 * collectors do not retry in lockstep. attempt 1 → [base/2, base), attempt 2 → [base, 2·base), ... capped.
 */
export function backoffDelay(attempt: number, settings: BankRetrySettings, random: () => number): number {
  const exponential = settings.baseDelayMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(settings.maxDelayMs, exponential);
  const half = capped / 2;
  return Math.round(half + random() * half);
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from `now`; undefined if absent/invalid. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}
