// Bank errors by failure kind. The adapter turns every HTTP, TLS and socket failure into exactly one of these;
// retry rules, Step Functions error names and notifications key off the class (and `retryable`), never off text.
import { AppError } from '#shared/errors.ts';

export type BankOperation =
  | 'heartbeat'
  | 'submitPayments'
  | 'requestStatement'
  | 'requestBalance'
  | 'nextMessage'
  | 'getMessage'
  | 'acknowledge'
  | 'acknowledgeBatch';

interface BankErrorOptions {
  cause?: unknown;
  operation?: BankOperation;
  /** HTTP status when the bank answered. */
  status?: number;
  /** The bank's own error code from the response body, when it sent one. */
  bankErrorCode?: string;
  retryable?: boolean;
}

/** Base of the family: any failure talking to the bank. */
export class BankError extends AppError {
  override name = 'BankError';
  readonly operation: BankOperation | undefined;
  readonly status: number | undefined;
  readonly bankErrorCode: string | undefined;

  constructor(code: string, message: string, options: BankErrorOptions = {}) {
    super(code, message, { retryable: options.retryable ?? false, cause: options.cause });
    this.operation = options.operation;
    this.status = options.status;
    this.bankErrorCode = options.bankErrorCode;
  }
}

/** The bank could not be reached or failed on its side (connection refused/reset, 5xx). A retry may help. */
export class BankUnavailableError extends BankError {
  override name = 'BankUnavailableError';
  constructor(message: string, options: BankErrorOptions = {}) {
    super('bank_unavailable', message, { ...options, retryable: options.retryable ?? true });
  }
}

/** No complete answer in time. The request may or may not have reached the bank (outcome unknown). */
export class BankTimeoutError extends BankUnavailableError {
  override name = 'BankTimeoutError';
  readonly phase: 'connect' | 'response';
  constructor(message: string, phase: 'connect' | 'response', options: BankErrorOptions = {}) {
    super(message, options);
    this.phase = phase;
  }
}

/** mTLS failed or the bank does not accept our certificate (wrong CA, expired, test certificate on live). */
export class BankAuthenticationError extends BankError {
  override name = 'BankAuthenticationError';
  constructor(message: string, options: BankErrorOptions = {}) {
    super('bank_authentication_failed', message, { ...options, retryable: false });
  }
}

/** The bank understood the request and refused it (bad message, missing headers, not permitted). */
export class BankRequestRejectedError extends BankError {
  override name = 'BankRequestRejectedError';
  constructor(message: string, options: BankErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'bank_request_rejected', message, { ...options, retryable: false });
  }
}

/** The end user has no agreement with the operator, or the account/service is not in it. */
export class BankNotPermittedError extends BankRequestRejectedError {
  override name = 'BankNotPermittedError';
  constructor(message: string, options: BankErrorOptions = {}) {
    super(message, { ...options, code: 'bank_not_permitted' });
  }
}

/** The bank already holds a message with this MsgId (its only idempotency key). */
export class BankDuplicateMessageError extends BankRequestRejectedError {
  override name = 'BankDuplicateMessageError';
  readonly messageId: string;
  constructor(message: string, messageId: string, options: BankErrorOptions = {}) {
    super(message, { ...options, code: 'bank_duplicate_message' });
    this.messageId = messageId;
  }
}

/** HTTP 429. `retryAfterMs` is the bank's `Retry-After`, when given. */
export class BankRateLimitedError extends BankError {
  override name = 'BankRateLimitedError';
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs: number | undefined, options: BankErrorOptions = {}) {
    super('bank_rate_limited', message, { ...options, retryable: options.retryable ?? true });
    this.retryAfterMs = retryAfterMs;
  }
}

/** The answer broke the protocol: truncated, unexpected status, missing headers, not XML, too large. */
export class BankProtocolError extends BankError {
  override name = 'BankProtocolError';
  constructor(message: string, options: BankErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'bank_protocol_error', message, {
      ...options,
      retryable: options.retryable ?? false,
    });
  }
}

/** The response exceeded the configured size limit; it was not read further. */
export class BankResponseTooLargeError extends BankProtocolError {
  override name = 'BankResponseTooLargeError';
  readonly limitBytes: number;
  constructor(message: string, limitBytes: number, options: BankErrorOptions = {}) {
    super(message, { ...options, code: 'bank_response_too_large' });
    this.limitBytes = limitBytes;
  }
}

export function isBankError(error: unknown): error is BankError {
  return error instanceof BankError;
}
