// Application-level refusals that the error family in shared/errors.ts does not cover yet. The API edge maps
// ForbiddenError → 403, UnprocessableError → 422, RateLimitedError → 429.
import { AppError, type FieldIssue } from '../errors.ts';

/** The caller is known but may not do this (missing role, not a representative of the company). */
export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
}

/** The request is well formed but its content cannot be processed (e.g. a reused Idempotency-Key). */
export class UnprocessableError extends AppError {
  override name = 'UnprocessableError';
  readonly issues: FieldIssue[];
  constructor(code: string, message: string, issues: FieldIssue[] = []) {
    super(code, message);
    this.issues = issues;
  }
}

/** Too many requests to us or to a dependency that limits us; the caller may retry after `retryAfterSeconds`. */
export class RateLimitedError extends AppError {
  override name = 'RateLimitedError';
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 1, options: { cause?: unknown } = {}) {
    super('rate_limited', message, { retryable: true, cause: options.cause });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
