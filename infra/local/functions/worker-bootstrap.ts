// The runtime inside one function's worker thread (the local Lambda sandbox): installs the shared clock,
// imports the handler module (init phase) and runs invocations the host sends, returning JSON like Lambda.
import { parentPort, workerData } from 'node:worker_threads';
import { installDateShim } from './date-shim.ts';
import { toErrorPayload } from './function-error.ts';
import { readSharedClock } from './shared-clock.ts';
import type { BootstrapData, HostMessage, InvokeMessage, WorkerMessage } from './worker-protocol.ts';

type Handler = (event: unknown, context: unknown) => unknown;

const data = workerData as BootstrapData;
const port = parentPort;
if (!port) throw new Error('worker-bootstrap.ts runs only as a function worker');
const post = (message: WorkerMessage) => port.postMessage(message);

// Keep real time for deadlines before the shim replaces Date.
const realNow = Date.now;
const clockView = new BigInt64Array(data.clockBuffer);
installDateShim(() => readSharedClock(clockView, realNow));
captureOutput();

const handler = await initialize();
if (handler) {
  port.on('message', (message: HostMessage) => {
    if (message.type === 'invoke') void invoke(handler, message);
  });
}

/**
 * Sends what the function writes to stdout/stderr (console, loggers holding these streams) over the same
 * port as the results, so the host has an invocation's lines before its result.
 */
function captureOutput(): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    const target = process[stream];
    target.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      post({ type: 'log', stream, text });
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => done());
      return true;
    }) as typeof target.write;
  }
}

async function initialize(): Promise<Handler | undefined> {
  const started = performance.now();
  try {
    const module = (await import(data.entryUrl)) as Record<string, unknown>;
    const handler = module[data.handlerExport];
    if (typeof handler !== 'function') {
      post({
        type: 'init-error',
        error: {
          errorType: 'Runtime.HandlerNotFound',
          errorMessage: `${data.entry.replace(/\.[cm]?[jt]s$/, '')}.${data.handlerExport} is undefined or not exported`,
          trace: [],
        },
      });
      return undefined;
    }
    post({ type: 'ready', initMs: performance.now() - started });
    return handler as Handler;
  } catch (error) {
    const payload = toErrorPayload(error);
    // Lambda's Node.js runtime reports a module that cannot be loaded as Runtime.ImportModuleError.
    if ((error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND')
      payload.errorType = 'Runtime.ImportModuleError';
    post({ type: 'init-error', error: payload });
    return undefined;
  }
}

async function invoke(handler: Handler, message: InvokeMessage): Promise<void> {
  const { identity } = data;
  // Set per invocation as Lambda does; with concurrent invocations in one worker the last one wins.
  process.env._X_AMZN_TRACE_ID = message.traceId;
  const context = {
    functionName: identity.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${data.region}:000000000000:function:${identity.functionName}`,
    memoryLimitInMB: String(identity.memoryMb),
    awsRequestId: message.requestId,
    logGroupName: identity.logGroupName,
    logStreamName: identity.logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - realNow()),
  };
  let result: unknown;
  try {
    result = await handler(JSON.parse(message.event), context);
  } catch (error) {
    post({ type: 'error', id: message.id, error: toErrorPayload(error) });
    return;
  }
  let payload: string;
  try {
    // Lambda returns null for a handler that returns nothing.
    payload = JSON.stringify(result) ?? 'null';
  } catch (error) {
    post({
      type: 'error',
      id: message.id,
      error: {
        errorType: 'Runtime.MarshalError',
        errorMessage: `Unable to stringify response body: ${(error as Error).message}`,
        trace: [],
      },
    });
    return;
  }
  post({ type: 'result', id: message.id, payload });
}
