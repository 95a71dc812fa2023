// The error a local function invocation rejects with, shaped like Lambda's function error response
// (errorType, errorMessage, trace), plus where it happened: init (module import), invoke, or timeout.

export type FunctionErrorPhase = 'init' | 'invoke' | 'timeout';

/** What crosses the worker boundary for an error: Lambda's error response fields. */
export interface ErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

export class FunctionError extends Error {
  /** What Lambda reports as errorType: the thrown error's `name`, or a runtime type like `Sandbox.Timedout`. */
  readonly errorType: string;
  readonly errorMessage: string;
  readonly functionName: string;
  readonly phase: FunctionErrorPhase;
  /** The stack lines of the original error inside the function, as Lambda's `trace`. */
  readonly trace: string[];
  readonly requestId: string | undefined;

  constructor(init: {
    errorType: string;
    errorMessage: string;
    functionName: string;
    phase: FunctionErrorPhase;
    trace?: string[];
    requestId?: string;
  }) {
    super(init.errorMessage);
    this.name = init.errorType;
    this.errorType = init.errorType;
    this.errorMessage = init.errorMessage;
    this.functionName = init.functionName;
    this.phase = init.phase;
    this.trace = init.trace ?? [];
    this.requestId = init.requestId;
  }

  /** The body Lambda returns for a failed RequestResponse invocation. */
  toJSON(): ErrorPayload {
    return { errorType: this.errorType, errorMessage: this.errorMessage, trace: this.trace };
  }
}

/**
 * How Lambda's Node.js runtime reports a thrown value: an Error by its name and message, anything else by
 * its `typeof` and string form.
 */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const candidate = error as { name?: unknown; message?: unknown; stack?: unknown };
    return {
      errorType: typeof candidate.name === 'string' && candidate.name !== '' ? candidate.name : 'Error',
      errorMessage: String(candidate.message),
      trace: typeof candidate.stack === 'string' ? candidate.stack.split('\n') : [],
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}
