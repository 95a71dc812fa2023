import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bankRetrySchema } from '#shared/bank/config.ts';
import {
  BankAuthenticationError,
  BankDuplicateMessageError,
  BankProtocolError,
  BankRateLimitedError,
  BankTimeoutError,
  BankUnavailableError,
} from '#shared/bank/errors.ts';
import { backoffDelay, decideRetry, parseRetryAfter } from '#shared/bank/retry.ts';

const settings = bankRetrySchema.parse({
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
});
const half = () => 0.5;

describe('retry rules', () => {
  it('retries unavailable and timed-out calls, with the same rule for submissions (same MsgId re-sent)', () => {
    for (const operation of ['nextMessage', 'acknowledge', 'submitPayments'] as const) {
      expect(
        decideRetry({ error: new BankUnavailableError('x'), operation, attempt: 1, settings, random: half }),
      ).toEqual({
        retry: true,
        delayMs: 150,
      });
      expect(
        decideRetry({
          error: new BankTimeoutError('x', 'response'),
          operation,
          attempt: 2,
          settings,
          random: half,
        }),
      ).toMatchObject({ retry: true });
    }
  });

  it('never retries authentication, rejections, duplicates or protocol errors', () => {
    for (const error of [
      new BankAuthenticationError('x'),
      new BankDuplicateMessageError('x', 'M1'),
      new BankProtocolError('x'),
      new Error('not a bank error'),
    ]) {
      expect(decideRetry({ error, operation: 'heartbeat', attempt: 1, settings, random: half }).retry).toBe(
        false,
      );
    }
  });

  it('stops after maxAttempts', () => {
    expect(
      decideRetry({
        error: new BankUnavailableError('x'),
        operation: 'heartbeat',
        attempt: 4,
        settings,
        random: half,
      }),
    ).toMatchObject({
      retry: false,
    });
  });

  it('waits at least Retry-After, and not at all when it exceeds the maximum', () => {
    expect(
      decideRetry({
        error: new BankRateLimitedError('x', 3_000),
        operation: 'heartbeat',
        attempt: 1,
        settings,
        random: half,
      }),
    ).toEqual({ retry: true, delayMs: 3_000 });
    expect(
      decideRetry({
        error: new BankRateLimitedError('x', 60_000),
        operation: 'heartbeat',
        attempt: 1,
        settings,
        random: half,
      }).retry,
    ).toBe(false);
  });

  it('backoff grows exponentially, stays within [cap/2, cap] and never exceeds maxDelayMs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, r) => {
          const delay = backoffDelay(attempt, settings, () => r);
          const cap = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
          return delay >= cap / 2 - 1 && delay <= cap && delay <= settings.maxDelayMs;
        },
      ),
    );
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-03-02T10:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5_000);
    expect(parseRetryAfter('Mon, 02 Mar 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
