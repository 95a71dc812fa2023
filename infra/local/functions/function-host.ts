// Runs each Lambda's exported handler in its own worker thread (the local sandbox), with exactly the
// environment Lambda would give it, the shared clock, Lambda's timeout and Lambda-shaped errors.
import { randomBytes, randomUUID } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type ErrorPayload, FunctionError } from './function-error.ts';
import {
  type LocalCredentials,
  lambdaEnvironment,
  localCredentials,
  sandboxIdentity,
} from './lambda-environment.ts';
import type { SharedClock } from './shared-clock.ts';
import type { BootstrapData, InvokeMessage, WorkerMessage } from './worker-protocol.ts';

export type { FunctionErrorPhase } from './function-error.ts';
export { FunctionError } from './function-error.ts';
export { type LocalCredentials, localCredentials, reservedVariables } from './lambda-environment.ts';
export { SharedClock } from './shared-clock.ts';

export interface FunctionSpec {
  /** The Lambda's local name (the logical id). */
  name: string;
  /** Repository-relative handler file, e.g. functions/submit-batch/handler.ts. */
  entry: string;
  /** Default 'handler'. */
  handlerExport?: string;
  /** The function's environment from the synthesized template (plus local endpoint settings). */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  /** The credentials the function's SDK clients sign with; default {@link localCredentials}. */
  credentials?: LocalCredentials;
}

export interface FunctionHostOptions {
  repositoryRoot: string;
  functions: FunctionSpec[];
  clock: SharedClock;
  /** Each line a function writes to stdout or stderr; default: the parent's stderr, prefixed with the name. */
  onLog?: (functionName: string, line: string) => void;
  /** An Event invocation that failed; default: reported through onLog. */
  onAsyncError?: (functionName: string, error: FunctionError) => void;
  /** Default eu-north-1. */
  region?: string;
  /** Lambda's init phase limit; default 10 s. */
  initTimeoutMs?: number;
}

const bootstrapFile = fileURLToPath(new URL('./worker-bootstrap.ts', import.meta.url));

interface Pending {
  requestId: string;
  resolve: (value: unknown) => void;
  reject: (error: FunctionError) => void;
  timer: NodeJS.Timeout;
}

/** One worker = one warm sandbox of a function. */
interface Sandbox {
  worker: Worker;
  ready: Promise<void>;
  pending: Map<number, Pending>;
  /** Set once the sandbox must not take new invocations (crashed, timed out, failed init, closing). */
  retired: boolean;
  exited: Promise<void>;
  logsDrained: Promise<void>;
}

/**
 * Lambda-like hosting of the project's handlers. Each function gets one worker, started on its first
 * invocation (or `start`) and kept warm. Concurrent invocations of one function run in that one worker,
 * where Lambda would use several sandboxes: module-level state is shared between them, and a timeout or
 * crash ends all invocations in flight in that worker. Event invocations are not retried (Lambda retries
 * twice).
 */
export class FunctionHost {
  readonly #repositoryRoot: string;
  readonly #specs = new Map<string, FunctionSpec>();
  readonly #clock: SharedClock;
  readonly #onLog: (functionName: string, line: string) => void;
  readonly #onAsyncError: (functionName: string, error: FunctionError) => void;
  readonly #region: string;
  readonly #initTimeoutMs: number;
  readonly #sandboxes = new Map<string, Sandbox>();
  readonly #asyncInFlight = new Set<Promise<void>>();
  #sequence = 0;
  #closed = false;

  constructor(options: FunctionHostOptions) {
    this.#repositoryRoot = resolve(options.repositoryRoot);
    for (const spec of options.functions) {
      if (this.#specs.has(spec.name)) throw new Error(`function ${spec.name} is defined twice`);
      this.#specs.set(spec.name, spec);
    }
    this.#clock = options.clock;
    this.#onLog = options.onLog ?? ((name, line) => process.stderr.write(`[${name}] ${line}\n`));
    this.#onAsyncError =
      options.onAsyncError ??
      ((name, error) =>
        this.#onLog(name, `Event invocation failed: ${error.errorType}: ${error.errorMessage}`));
    this.#region = options.region ?? 'eu-north-1';
    this.#initTimeoutMs = options.initTimeoutMs ?? 10_000;
  }

  get functionNames(): string[] {
    return [...this.#specs.keys()];
  }

  /** Whether the function has a warm (started or starting) sandbox. */
  isWarm(name: string): boolean {
    const sandbox = this.#sandboxes.get(name);
    return sandbox !== undefined && !sandbox.retired;
  }

  /** The cold start alone; rejects with the init error (phase 'init'). Resolves at once when warm. */
  async start(name: string): Promise<void> {
    await this.#sandboxFor(name).ready;
  }

  /** A RequestResponse invocation: the handler's result after a JSON round trip, or a FunctionError. */
  async invoke(name: string, event: unknown): Promise<unknown> {
    const spec = this.#spec(name);
    // Serialize before anything starts, as the Invoke API takes a JSON payload.
    const payload = event === undefined ? '{}' : JSON.stringify(event);
    let sandbox = this.#sandboxFor(name);
    await sandbox.ready;
    // The sandbox ended between its start and this invocation (another invocation crashed it): one fresh one.
    if (sandbox.retired) {
      sandbox = this.#sandboxFor(name);
      await sandbox.ready;
    }
    if (sandbox.retired) {
      throw new FunctionError({
        errorType: 'Runtime.ExitError',
        errorMessage: `the sandbox of ${name} ended right after its start, twice`,
        functionName: name,
        phase: 'invoke',
      });
    }
    const id = this.#sequence++;
    const requestId = randomUUID();
    const timeoutMs = spec.timeoutSeconds * 1000;
    const message: InvokeMessage = {
      type: 'invoke',
      id,
      requestId,
      traceId: traceHeader(this.#clock.nowMs()),
      event: payload,
      deadlineMs: Date.now() + timeoutMs,
    };
    return new Promise<unknown>((resolvePromise, rejectPromise) => {
      const timer = setTimeout(() => this.#timeOut(name, sandbox, id, spec.timeoutSeconds), timeoutMs);
      sandbox.pending.set(id, { requestId, resolve: resolvePromise, reject: rejectPromise, timer });
      sandbox.worker.postMessage(message);
    });
  }

  /** An Event invocation: returns at once; a failure goes to onAsyncError. `settled()` waits for these. */
  invokeAsync(name: string, event: unknown): void {
    this.#spec(name);
    const run = this.invoke(name, event).then(
      () => undefined,
      (error: unknown) => this.#onAsyncError(name, asFunctionError(name, error)),
    );
    this.#asyncInFlight.add(run);
    void run.finally(() => this.#asyncInFlight.delete(run));
  }

  /** Waits until every Event invocation made so far (and any they lead to here) has finished. */
  async settled(): Promise<void> {
    while (this.#asyncInFlight.size > 0) await Promise.all([...this.#asyncInFlight]);
  }

  /** The environment the function's worker gets, and the reserved keys its configuration tried to set. */
  environmentOf(name: string): { environment: Record<string, string>; conflicts: string[] } {
    const spec = this.#spec(name);
    return this.#environment(spec, sandboxIdentity(name, spec.memoryMb, this.#clock.now()));
  }

  /** Terminates every worker, rejecting what is in flight, after their output has been delivered. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      [...this.#sandboxes.entries()].map(([name, sandbox]) => this.#retire(name, sandbox, 'closed')),
    );
  }

  #spec(name: string): FunctionSpec {
    const spec = this.#specs.get(name);
    if (!spec) throw new Error(`no local function named ${name} (known: ${this.functionNames.join(', ')})`);
    return spec;
  }

  #environment(spec: FunctionSpec, identity: ReturnType<typeof sandboxIdentity>) {
    return lambdaEnvironment({
      identity,
      environment: spec.environment,
      entry: spec.entry,
      handlerExport: spec.handlerExport ?? 'handler',
      region: this.#region,
      credentials: spec.credentials ?? localCredentials(spec.name),
      repositoryRoot: this.#repositoryRoot,
      runtimeDirectory: dirname(bootstrapFile),
    });
  }

  #sandboxFor(name: string): Sandbox {
    const spec = this.#spec(name);
    if (this.#closed) throw new Error(`the function host is closed (invoking ${name})`);
    const existing = this.#sandboxes.get(name);
    if (existing && !existing.retired) return existing;
    const sandbox = this.#coldStart(spec);
    this.#sandboxes.set(name, sandbox);
    return sandbox;
  }

  #coldStart(spec: FunctionSpec): Sandbox {
    const name = spec.name;
    const handlerExport = spec.handlerExport ?? 'handler';
    const entryPath = isAbsolute(spec.entry) ? spec.entry : resolve(this.#repositoryRoot, spec.entry);
    const identity = sandboxIdentity(name, spec.memoryMb, this.#clock.now());
    const { environment, conflicts } = this.#environment(spec, identity);
    for (const key of conflicts) {
      this.#onLog(
        name,
        `function-host: the function's environment sets reserved ${key}; Lambda's value is used`,
      );
    }
    const workerData: BootstrapData = {
      entryUrl: pathToFileURL(entryPath).href,
      entry: spec.entry,
      handlerExport,
      identity,
      region: this.#region,
      clockBuffer: this.#clock.buffer,
    };
    // execArgv [] keeps the parent's loaders (tsx, vitest) out: the handler runs on Node's own type stripping.
    const worker = new Worker(bootstrapFile, {
      env: environment,
      workerData,
      execArgv: [],
      stdout: true,
      stderr: true,
      name: `lambda:${name}`,
    });
    // Output written through process.stdout/stderr arrives as 'log' messages, in order with the results, so
    // an invocation's lines are delivered before it resolves; the stdio streams catch anything else.
    const logLines = {
      stdout: lineSplitter((line) => this.#onLog(name, line)),
      stderr: lineSplitter((line) => this.#onLog(name, line)),
    };
    const logsDrained = Promise.all([
      pumpLines(worker.stdout, (line) => this.#onLog(name, line)),
      pumpLines(worker.stderr, (line) => this.#onLog(name, line)),
    ]).then(() => undefined);

    let markReady: () => void = () => {};
    let failInit: (error: FunctionError) => void = () => {};
    const ready = new Promise<void>((resolvePromise, rejectPromise) => {
      markReady = resolvePromise;
      failInit = rejectPromise;
    });
    // A failed start must not surface as an unhandled rejection when nobody awaits it.
    ready.catch(() => {});
    let initialized = false;
    const initFailure = (error: ErrorPayload) => {
      sandbox.retired = true;
      failInit(
        new FunctionError({
          errorType: error.errorType,
          errorMessage: `${name} (${spec.entry}) failed to initialize: ${error.errorMessage}`,
          functionName: name,
          phase: 'init',
          trace: error.trace,
        }),
      );
      void this.#retire(name, sandbox, 'init failed');
    };
    const initTimer = setTimeout(() => {
      initFailure({
        errorType: 'Sandbox.Timedout',
        errorMessage: `INIT timed out after ${(this.#initTimeoutMs / 1000).toFixed(2)} seconds`,
        trace: [],
      });
    }, this.#initTimeoutMs);

    let crash: ErrorPayload | undefined;
    const exited = new Promise<void>((resolvePromise) => {
      worker.once('exit', (code) => {
        clearTimeout(initTimer);
        logLines.stdout.flush();
        logLines.stderr.flush();
        const wasRetired = sandbox.retired;
        sandbox.retired = true;
        if (this.#sandboxes.get(name) === sandbox) this.#sandboxes.delete(name);
        if (!initialized && !wasRetired) {
          initFailure(
            crash ?? {
              errorType: 'Runtime.ExitError',
              errorMessage: `Runtime exited with error: exit status ${code}`,
              trace: [],
            },
          );
        }
        for (const [id, pending] of sandbox.pending) {
          sandbox.pending.delete(id);
          clearTimeout(pending.timer);
          const error = crash ?? {
            errorType: 'Runtime.ExitError',
            errorMessage: `RequestId: ${pending.requestId} Error: Runtime exited with error: exit status ${code}`,
            trace: [],
          };
          pending.reject(
            new FunctionError({
              ...error,
              functionName: name,
              phase: 'invoke',
              requestId: pending.requestId,
            }),
          );
        }
        resolvePromise();
      });
    });
    // An uncaught exception or unhandled rejection in the worker: it ends the sandbox, as in Lambda.
    worker.on('error', (error) => {
      crash = toCrashPayload(error);
    });
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'log':
          logLines[message.stream].push(message.text);
          return;
        case 'ready':
          initialized = true;
          clearTimeout(initTimer);
          markReady();
          return;
        case 'init-error':
          initialized = true;
          clearTimeout(initTimer);
          initFailure(message.error);
          return;
        case 'result':
        case 'error': {
          const pending = sandbox.pending.get(message.id);
          if (!pending) return;
          sandbox.pending.delete(message.id);
          clearTimeout(pending.timer);
          if (message.type === 'result') pending.resolve(JSON.parse(message.payload));
          else
            pending.reject(
              new FunctionError({
                ...message.error,
                functionName: name,
                phase: 'invoke',
                requestId: pending.requestId,
              }),
            );
          return;
        }
      }
    });
    const sandbox: Sandbox = { worker, ready, pending: new Map(), retired: false, exited, logsDrained };
    return sandbox;
  }

  #timeOut(name: string, sandbox: Sandbox, id: number, timeoutSeconds: number): void {
    const pending = sandbox.pending.get(id);
    if (!pending) return;
    sandbox.pending.delete(id);
    pending.reject(
      new FunctionError({
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${pending.requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
        functionName: name,
        phase: 'timeout',
        requestId: pending.requestId,
      }),
    );
    // Lambda kills the sandbox; the next invocation starts a fresh one.
    void this.#retire(name, sandbox, `invocation ${pending.requestId} timed out`);
  }

  /** Ends a sandbox: in-flight invocations fail, its output is delivered before this resolves. */
  async #retire(name: string, sandbox: Sandbox, reason: string): Promise<void> {
    sandbox.retired = true;
    if (this.#sandboxes.get(name) === sandbox) this.#sandboxes.delete(name);
    for (const [id, pending] of sandbox.pending) {
      sandbox.pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(
        new FunctionError({
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: ${pending.requestId} Error: the local sandbox of ${name} was ended (${reason}); in Lambda this invocation would have had its own sandbox`,
          functionName: name,
          phase: 'invoke',
          requestId: pending.requestId,
        }),
      );
    }
    await sandbox.worker.terminate();
    await sandbox.exited;
    await withTimeout(sandbox.logsDrained, 2000);
  }
}

/** An X-Ray trace header like Lambda's, not sampled so no tracing SDK tries to send segments. */
function traceHeader(nowMs: number): string {
  const epochHex = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${epochHex}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

function toCrashPayload(error: unknown): ErrorPayload {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: error.stack?.split('\n') ?? [] };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

function asFunctionError(name: string, error: unknown): FunctionError {
  if (error instanceof FunctionError) return error;
  const payload = toCrashPayload(error);
  return new FunctionError({ ...payload, functionName: name, phase: 'invoke' });
}

/** Cuts text arriving in pieces into lines; `flush` delivers a last unterminated line. */
function lineSplitter(onLine: (line: string) => void): { push(text: string): void; flush(): void } {
  let rest = '';
  return {
    push(text) {
      const lines = (rest + text).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    },
    flush() {
      if (rest !== '') onLine(rest);
      rest = '';
    },
  };
}

/** Feeds a stream into lines; resolves when it has ended. */
function pumpLines(stream: Readable, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolvePromise) => {
    const lines = lineSplitter(onLine);
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => lines.push(chunk));
    const finish = () => {
      lines.flush();
      resolvePromise();
    };
    stream.once('end', finish);
    stream.once('close', finish);
  });
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolvePromise) => {
    const timer = setTimeout(resolvePromise, ms);
    void promise.finally(() => {
      clearTimeout(timer);
      resolvePromise();
    });
  });
}
