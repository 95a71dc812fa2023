// The local function host: handlers run in their own worker with Lambda's environment, context, JSON
// boundary, errors, timeouts and crash handling.
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type FunctionError,
  FunctionHost,
  type FunctionSpec,
  SharedClock,
} from '#infra/local/functions/function-host.ts';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const fixture = (file: string) => `test/unit/local/fixtures/${file}`;

function spec(name: string, file: string, more: Partial<FunctionSpec> = {}): FunctionSpec {
  return { name, entry: fixture(file), environment: {}, timeoutSeconds: 5, memoryMb: 256, ...more };
}

const logs: Array<[string, string]> = [];
const asyncErrors: FunctionError[] = [];
const host = new FunctionHost({
  repositoryRoot,
  clock: new SharedClock({ frozenAt: '2026-03-02T10:00:00.000Z' }),
  onLog: (name, line) => logs.push([name, line]),
  onAsyncError: (_name, error) => asyncErrors.push(error),
  functions: [
    spec('Echo', 'echo-handler.ts', {
      environment: {
        TABLE_NAME: 'connector',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      },
      memoryMb: 512,
    }),
    spec('InitFails', 'init-error-handler.ts'),
    spec('InitWorks', 'init-error-handler.ts', { environment: { TABLE_NAME: 't' } }),
    spec('Named', 'named-error-handler.ts'),
    spec('Slow', 'slow-handler.ts', { timeoutSeconds: 1 }),
    spec('Crash', 'crash-handler.ts'),
    spec('ExitAtInit', 'exit-at-init-handler.ts'),
    spec('Missing', 'no-such-handler.ts'),
    spec('WrongExport', 'echo-handler.ts', { handlerExport: 'main' }),
  ],
});

afterAll(() => host.close());

interface Echoed {
  processVersion: string;
  event: unknown;
  context: Record<string, unknown> & { awsRequestId: string; logStreamName: string; remainingMs: number };
  env: Record<string, string | null>;
  envKeys: string[];
}

async function failure(promise: Promise<unknown>): Promise<FunctionError> {
  try {
    await promise;
  } catch (error) {
    return error as FunctionError;
  }
  throw new Error('expected the invocation to fail');
}

describe('FunctionHost', () => {
  it('runs the handler in a Node 24 worker with the event after a JSON round trip and a Lambda context', async () => {
    const result = (await host.invoke('Echo', {
      when: new Date('2026-01-01T00:00:00Z'),
      skipped: undefined,
      envKeys: ['TABLE_NAME', 'AWS_REGION', 'AWS_ENDPOINT_URL', 'HOME'],
    })) as Echoed;
    expect(result.processVersion).toMatch(/^v24\./);
    expect(result.event).toEqual({
      when: '2026-01-01T00:00:00.000Z',
      envKeys: ['TABLE_NAME', 'AWS_REGION', 'AWS_ENDPOINT_URL', 'HOME'],
    });
    expect(result.context).toMatchObject({
      functionName: 'Echo',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-north-1:000000000000:function:Echo',
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/Echo',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(result.context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.context.logStreamName).toMatch(/^2026\/03\/02\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(result.context.remainingMs).toBeGreaterThan(4000);
    expect(result.context.remainingMs).toBeLessThanOrEqual(5000);
    // The function's own variables, Lambda's reserved ones winning, nothing from the parent's environment.
    expect(result.env).toEqual({
      TABLE_NAME: 'connector',
      AWS_REGION: 'eu-north-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      HOME: null,
    });
    expect(result.envKeys).toEqual(
      expect.arrayContaining([
        'AWS_EXECUTION_ENV',
        'AWS_LAMBDA_FUNCTION_NAME',
        'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
        'AWS_LAMBDA_FUNCTION_VERSION',
        'AWS_LAMBDA_LOG_GROUP_NAME',
        'AWS_LAMBDA_LOG_STREAM_NAME',
        'AWS_ACCESS_KEY_ID',
        'LAMBDA_TASK_ROOT',
        '_X_AMZN_TRACE_ID',
      ]),
    );
    expect(process.env.AWS_LAMBDA_FUNCTION_NAME).toBeUndefined();
    expect(logs).toContainEqual(['Echo', expect.stringContaining('reserved AWS_REGION')]);
  });

  it('sets the reserved variables as the Lambda runtime does, with per-function credentials', async () => {
    const keys = [
      'AWS_EXECUTION_ENV',
      'AWS_LAMBDA_FUNCTION_NAME',
      'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
      'AWS_LAMBDA_FUNCTION_VERSION',
      'AWS_LAMBDA_LOG_GROUP_NAME',
      'AWS_DEFAULT_REGION',
      'AWS_ACCESS_KEY_ID',
      'LAMBDA_TASK_ROOT',
      '_HANDLER',
    ];
    const result = (await host.invoke('Echo', { envKeys: keys })) as { env: Record<string, string> };
    expect(result.env).toEqual({
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: 'Echo',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/Echo',
      AWS_DEFAULT_REGION: 'eu-north-1',
      AWS_ACCESS_KEY_ID: 'LOCALEcho',
      LAMBDA_TASK_ROOT: repositoryRoot.replace(/\/$/, ''),
      _HANDLER: 'test/unit/local/fixtures/echo-handler.handler',
    });
    expect(host.environmentOf('Echo').conflicts).toEqual(['AWS_REGION']);
  });

  it('keeps the worker warm between invocations and serves concurrent ones from it', async () => {
    const [first, second] = (await Promise.all([host.invoke('Echo', {}), host.invoke('Echo', {})])) as Array<{
      loadedAt: string;
      context: { awsRequestId: string; logStreamName: string };
    }>;
    expect(first?.context.logStreamName).toBe(second?.context.logStreamName);
    expect(first?.context.awsRequestId).not.toBe(second?.context.awsRequestId);
    expect(host.isWarm('Echo')).toBe(true);
  });

  it('delivers worker output line by line to onLog', async () => {
    await host.invoke('Echo', { log: 'first line\nsecond line' });
    expect(logs).toContainEqual(['Echo', 'first line']);
    expect(logs).toContainEqual(['Echo', 'second line']);
  });

  it('rejects start and every invoke with an init error naming the function, the entry and the cause', async () => {
    const started = await failure(host.start('InitFails'));
    expect(started).toMatchObject({
      name: 'ConfigError',
      errorType: 'ConfigError',
      phase: 'init',
      functionName: 'InitFails',
    });
    expect(started.message).toContain('InitFails');
    expect(started.message).toContain('test/unit/local/fixtures/init-error-handler.ts');
    expect(started.message).toContain('TABLE_NAME is not set');
    const invoked = await failure(host.invoke('InitFails', {}));
    expect(invoked).toMatchObject({ errorType: 'ConfigError', phase: 'init' });
    // The same module with the variable set starts.
    await expect(host.invoke('InitWorks', {})).resolves.toBe('never');
  });

  it('reports a missing module, a missing export and an exit during import as init errors', async () => {
    expect(await failure(host.invoke('Missing', {}))).toMatchObject({
      errorType: 'Runtime.ImportModuleError',
      phase: 'init',
    });
    expect(await failure(host.start('WrongExport'))).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      phase: 'init',
      message: expect.stringContaining('echo-handler.main is undefined or not exported'),
    });
    expect(await failure(host.start('ExitAtInit'))).toMatchObject({
      errorType: 'Runtime.ExitError',
      phase: 'init',
      message: expect.stringContaining('exit status 4'),
    });
  });

  it("rejects with the thrown error's name and message, as Lambda reports them", async () => {
    const error = await failure(host.invoke('Named', {}));
    expect(error).toMatchObject({
      name: 'BankUnavailableError',
      errorType: 'BankUnavailableError',
      message: 'the bank did not answer',
      phase: 'invoke',
      functionName: 'Named',
    });
    expect(error.trace[0]).toContain('BankUnavailableError: the bank did not answer');
    expect(await failure(host.invoke('Named', { throwString: true }))).toMatchObject({
      errorType: 'string',
      message: 'plain string',
    });
  });

  it("times out a handler that runs too long with Lambda's wording and replaces its worker", async () => {
    const started = performance.now();
    const error = await failure(host.invoke('Slow', { sleepMs: 3000 }));
    expect(performance.now() - started).toBeLessThan(2500);
    expect(error).toMatchObject({ errorType: 'Sandbox.Timedout', phase: 'timeout', functionName: 'Slow' });
    expect(error.message).toMatch(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/);
    // A fresh sandbox: its module state starts over.
    await expect(host.invoke('Slow', { sleepMs: 10 })).resolves.toEqual({ invocations: 1 });
    expect(logs.filter(([name]) => name === 'Slow').map(([, line]) => line)).toEqual([
      'sleeping 3000 ms (invocation 1 of this sandbox)',
      'sleeping 10 ms (invocation 1 of this sandbox)',
    ]);
  });

  it('rejects in-flight invocations when the worker exits or throws uncaught, then cold starts again', async () => {
    await expect(host.invoke('Crash', { mode: 'ok' })).resolves.toEqual({ invocations: 1 });
    const exited = await failure(host.invoke('Crash', { mode: 'exit' }));
    expect(exited).toMatchObject({ errorType: 'Runtime.ExitError', phase: 'invoke', functionName: 'Crash' });
    expect(exited.message).toMatch(
      /^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3$/,
    );
    expect(logs).toContainEqual(['Crash', 'exiting now']);
    await expect(host.invoke('Crash', { mode: 'ok' })).resolves.toEqual({ invocations: 1 });

    const [uncaught, bystander] = await Promise.allSettled([
      host.invoke('Crash', { mode: 'uncaught' }),
      host.invoke('Crash', { mode: 'uncaught' }),
    ]);
    expect(uncaught).toMatchObject({
      status: 'rejected',
      reason: { errorType: 'TypeError', message: 'nobody catches this' },
    });
    expect(bystander.status).toBe('rejected');
    await expect(host.invoke('Crash', { mode: 'ok' })).resolves.toEqual({ invocations: 1 });
  });

  it('runs Event invocations in the background and reports their failures', async () => {
    expect(host.invokeAsync('Named', {})).toBeUndefined();
    host.invokeAsync('Echo', {});
    await host.settled();
    expect(asyncErrors).toEqual([expect.objectContaining({ errorType: 'BankUnavailableError' })]);
  });

  it('refuses unknown functions and events that are not JSON', async () => {
    await expect(host.invoke('Nope', {})).rejects.toThrow(/no local function named Nope/);
    await expect(host.invoke('Echo', { big: 1n })).rejects.toThrow(TypeError);
  });
});

describe('FunctionHost.close', () => {
  it('delivers every line written before close and fails what is still in flight', async () => {
    const lines: string[] = [];
    const closing = new FunctionHost({
      repositoryRoot,
      clock: new SharedClock(),
      onLog: (_name, line) => lines.push(line),
      functions: [spec('Slow', 'slow-handler.ts', { timeoutSeconds: 30 })],
    });
    await closing.invoke('Slow', { sleepMs: 1 });
    const inFlight = failure(closing.invoke('Slow', { sleepMs: 20_000 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await closing.close();
    expect(await inFlight).toMatchObject({
      errorType: 'Runtime.ExitError',
      message: expect.stringContaining('closed'),
    });
    expect(lines).toEqual([
      'sleeping 1 ms (invocation 1 of this sandbox)',
      'sleeping 20000 ms (invocation 2 of this sandbox)',
    ]);
    await expect(closing.invoke('Slow', { sleepMs: 1 })).rejects.toThrow(/closed/);
  });
});
