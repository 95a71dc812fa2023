// The ISO 20022 error family: every error names the message type, the element path and the offending
// value, so a support person can find the problem in the file without a debugger.

import { AppError, type FieldIssue } from '../errors.ts';

export interface Iso20022ErrorDetails {
  /** e.g. `pain.002.001.10`, `camt.053`, or `unknown` before detection. */
  messageType: string;
  /** Element path, e.g. `Document/BkToCstmrStmt/Stmt[0]/Ntry[3]/Amt`. */
  path?: string;
  /** The offending value (shortened to 200 characters). */
  value?: string;
  cause?: unknown;
}

function shorten(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}

export class Iso20022Error extends AppError {
  override name = 'Iso20022Error';
  readonly messageType: string;
  readonly path: string | undefined;
  readonly value: string | undefined;

  constructor(code: string, message: string, details: Iso20022ErrorDetails) {
    const where = details.path ? ` at ${details.path}` : '';
    const value = shorten(details.value);
    const what = value === undefined ? '' : ` (value: "${value}")`;
    super(code, `${details.messageType}${where}: ${message}${what}`, { cause: details.cause });
    this.messageType = details.messageType;
    this.path = details.path;
    this.value = value;
  }
}

/** Not well-formed XML, or a structure we cannot read (missing required element, bad amount). */
export class Iso20022ParseError extends Iso20022Error {
  override name = 'Iso20022ParseError';
  constructor(message: string, details: Iso20022ErrorDetails) {
    super('iso20022_parse_failed', message, details);
  }
}

/** The root namespace/element names a message we do not support. */
export class UnknownMessageTypeError extends Iso20022Error {
  override name = 'UnknownMessageTypeError';
  constructor(message: string, details: Iso20022ErrorDetails) {
    super('iso20022_unknown_message_type', message, details);
  }
}

/** The document was refused before parsing: DOCTYPE present or larger than the size limit. */
export class UnsafeDocumentError extends Iso20022Error {
  override name = 'UnsafeDocumentError';
  constructor(message: string, details: Iso20022ErrorDetails) {
    super('iso20022_unsafe_document', message, details);
  }
}

/** Builder input breaks SEPA/XSD rules. `issues` lists every problem with its input path. */
export class Iso20022BuildError extends Iso20022Error {
  override name = 'Iso20022BuildError';
  readonly issues: FieldIssue[];
  constructor(messageType: string, issues: FieldIssue[]) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super('iso20022_build_invalid', `${first?.message ?? 'invalid input'}${more}`, {
      messageType,
      ...(first ? { path: first.path } : {}),
    });
    this.issues = issues;
  }
}
