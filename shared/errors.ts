// The project's error family. Every error carries a stable `code`, whether a retry may help, and its cause.
// Only the edges (API handlers, Step Functions tasks, retry loops) translate these into HTTP problems,
// Step Functions error names or retries.

export interface FieldIssue {
  /** Path of the offending field, e.g. `payments.3.amount`. */
  path: string;
  message: string;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Bad input from a caller: nothing was stored. */
export class ValidationError extends AppError {
  override name = 'ValidationError';
  readonly issues: FieldIssue[];

  constructor(message: string, issues: FieldIssue[] = [], options: { cause?: unknown } = {}) {
    super('validation_failed', message, options);
    this.issues = issues;
  }
}

/** The resource does not exist for this tenant (also used when it belongs to another tenant). */
export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} was not found`);
  }
}

/** The request conflicts with the current state (illegal transition, concurrent change, duplicate). */
export class ConflictError extends AppError {
  override name = 'ConflictError';
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}

/** A domain rule forbids the operation (e.g. a status transition that is not allowed). */
export class DomainError extends AppError {
  override name = 'DomainError';
}

/** Configuration is missing or invalid: raised at cold start, never later. */
export class ConfigError extends AppError {
  override name = 'ConfigError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('config_invalid', message, options);
  }
}

/** A dependency (database, workflow engine) failed in a way a retry may fix. */
export class InfrastructureError extends AppError {
  override name = 'InfrastructureError';
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super('infrastructure_failure', message, { retryable: options.retryable ?? true, cause: options.cause });
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
