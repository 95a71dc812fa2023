// WorkflowEngine for the local runtime: executes the synthesized batch state machine in-process with
// aws-local-stepfunctions, binding each Lambda Task to the real handler. `.waitForTaskToken` tasks get a
// real token and pause until resumeTask/failTask is called, exactly as the collector does in AWS.
import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { WorkflowEngine } from '../../../shared/app/ports.ts';
import { realTimers, type Timers } from './timers.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type InvokeFunction = (functionArn: string, payload: unknown) => Promise<unknown>;

/** Node timers overflow above ~24.8 days; longer timeouts are enforced by our own chained timer. */
const maxTimerSeconds = 2_147_483;
const taskTokenPlaceholder = '__LOCAL_TASK_TOKEN__';

export interface ExecutionRecord {
  name: string;
  input: unknown;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: { name: string; message: string };
  /** The execution's event log (state entered/exited, retries, failures), as AWS's execution history. */
  events: Array<{ type: string; stateName?: string; timestamp: number }>;
  done: Promise<void>;
}

interface PendingTask {
  executionName: string;
  stateName: string;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

class TaskFailedError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

export class LocalWorkflowEngine implements WorkflowEngine {
  readonly #definition: Record<string, unknown>;
  readonly #taskTimeouts: Map<string, number>;
  readonly #invoke: InvokeFunction;
  readonly #stateMachineArn: string;
  readonly #executions = new Map<string, ExecutionRecord>();
  readonly #pendingTasks = new Map<string, PendingTask>();
  readonly #timers: Timers;
  readonly #retryIntervalMs: number | undefined;
  readonly #onAsyncError: (functionArn: string, error: unknown) => void;

  constructor(options: {
    /** The state machine's ARN as the functions know it (the template model's). */
    stateMachineArn: string;
    definition: Record<string, unknown>;
    invoke: InvokeFunction;
    timers?: Timers;
    /** Failures of asynchronously invoked functions (Lambda would retry them and then drop the event). */
    onAsyncError?: (functionArn: string, error: unknown) => void;
    /** Pause between Retry attempts in ms for every state (tests: 0); default: the definition's own. */
    retryIntervalMs?: number;
  }) {
    this.#retryIntervalMs = options.retryIntervalMs;
    this.#timers = options.timers ?? realTimers;
    this.#onAsyncError = options.onAsyncError ?? (() => {});
    this.#stateMachineArn = options.stateMachineArn;
    this.#invoke = options.invoke;
    // The execution-level timeout is enforced by AWS; locally it would overflow Node's timers (30 days).
    const { TimeoutSeconds: _timeout, ...definition } = options.definition;
    const local = withLocalTaskTimeouts(definition);
    this.#definition = local.definition;
    this.#taskTimeouts = local.timeouts;
  }

  async startBatchWorkflow(input: {
    companyId: string;
    batchId: string;
  }): Promise<{ executionName: string }> {
    return this.startExecution(input.batchId, input);
  }

  /**
   * Step Functions' StartExecution: the same name with the same input is the same execution (AWS answers
   * it idempotently); the same name with another input is ExecutionAlreadyExists.
   */
  async startExecution(name: string, input: unknown): Promise<{ executionName: string }> {
    const existing = this.#executions.get(name);
    if (existing) {
      if (JSON.stringify(existing.input) !== JSON.stringify(input)) {
        const error = new Error(`Execution Already Exists: '${this.#stateMachineArn}:${name}'`);
        error.name = 'ExecutionAlreadyExists';
        throw error;
      }
      return { executionName: name };
    }
    this.#run(name, input);
    return { executionName: name };
  }

  async resumeTask(taskToken: string, output: unknown): Promise<void> {
    const task = this.#takeTask(taskToken);
    task.resolve(JSON.parse(JSON.stringify(output ?? null)));
  }

  async failTask(taskToken: string, error: string, cause: string): Promise<void> {
    this.#takeTask(taskToken).reject(new TaskFailedError(error, cause));
  }

  execution(name: string): ExecutionRecord | undefined {
    return this.#executions.get(name);
  }

  /** Tokens of tasks currently waiting, with the execution and state they belong to. */
  pendingTasks(): Array<{ taskToken: string; executionName: string; stateName: string }> {
    return [...this.#pendingTasks].map(([taskToken, task]) => ({
      taskToken,
      executionName: task.executionName,
      stateName: task.stateName,
    }));
  }

  /** Resolves when the named execution has finished (succeeded or failed). */
  async waitForExecution(name: string): Promise<ExecutionRecord> {
    const record = this.#executions.get(name);
    if (!record) throw new Error(`No execution named ${name}`);
    await record.done;
    return record;
  }

  #takeTask(taskToken: string): PendingTask {
    const task = this.#pendingTasks.get(taskToken);
    if (!task) {
      const error = new Error('Task token is invalid or the task already completed');
      error.name = 'TaskTimedOut';
      throw error;
    }
    this.#pendingTasks.delete(taskToken);
    return task;
  }

  #run(name: string, input: unknown): void {
    const machine = new StateMachine(this.#definition as never, {
      validationOptions: { checkPaths: true, checkArn: false },
    });
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const [stateName, state] of taskStates(this.#definition)) {
      handlers[stateName] = (taskInput) => this.#runTask(name, stateName, state, taskInput);
    }
    const retryOverrides =
      this.#retryIntervalMs === undefined
        ? {}
        : {
            retryIntervalOverrides: Object.fromEntries(
              Object.keys(handlers).map((stateName) => [stateName, this.#retryIntervalMs as number]),
            ),
          };
    const execution = machine.run(input as Json, {
      overrides: { taskResourceLocalHandlers: handlers, ...retryOverrides },
      context: {
        Execution: { Id: `${this.#stateMachineArn}:${name}`, Name: name },
        StateMachine: { Id: this.#stateMachineArn, Name: this.#stateMachineArn.split(':').pop() },
        Task: { Token: taskTokenPlaceholder },
      } as never,
    });
    const record: ExecutionRecord = { name, input, status: 'RUNNING', events: [], done: Promise.resolve() };
    const collectEvents = (async () => {
      for await (const event of execution.eventLogs) {
        const stateName = 'state' in event ? event.state.name : undefined;
        record.events.push({
          type: event.type,
          timestamp: event.timestamp,
          ...(stateName ? { stateName } : {}),
        });
      }
    })();
    record.done = execution.result.then(
      async (output) => {
        await collectEvents;
        record.status = 'SUCCEEDED';
        record.output = output;
      },
      async (error: unknown) => {
        await collectEvents.catch(() => {});
        record.status = 'FAILED';
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
        record.error = {
          name: cause instanceof Error ? cause.name : 'Error',
          message: cause instanceof Error ? cause.message : String(cause),
        };
      },
    );
    this.#executions.set(name, record);
  }

  async #runTask(executionName: string, stateName: string, state: TaskState, input: Json): Promise<Json> {
    const resource = state.Resource;
    const timeoutSeconds = this.#taskTimeouts.get(stateName);
    let mintedToken: string | undefined;
    const work = async (): Promise<Json> => {
      if (resource.startsWith('arn:aws:lambda:')) {
        return toJson(await this.#invoke(resource, input));
      }
      if (resource === 'arn:aws:states:::lambda:invoke') {
        const { FunctionName, Payload, InvocationType } = input as {
          FunctionName: string;
          Payload: unknown;
          InvocationType?: string;
        };
        if (InvocationType === 'Event') {
          // Asynchronous invocation: Lambda accepts the event and the state moves on at once.
          this.#invoke(FunctionName, Payload).catch((error: unknown) =>
            this.#onAsyncError(FunctionName, error),
          );
          return { Payload: null, StatusCode: 202 };
        }
        const payload = await this.#invoke(FunctionName, Payload);
        return { Payload: toJson(payload), StatusCode: 200 };
      }
      if (resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') {
        const taskToken = `${executionName}:${stateName}:${randomUUID()}`;
        mintedToken = taskToken;
        const waiting = new Promise<unknown>((resolve, reject) => {
          this.#pendingTasks.set(taskToken, { executionName, stateName, resolve, reject });
        });
        const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
        try {
          await this.#invoke(FunctionName, replaceToken(Payload, taskToken));
        } catch (error) {
          this.#pendingTasks.delete(taskToken);
          throw error;
        }
        try {
          return toJson(await waiting);
        } finally {
          this.#pendingTasks.delete(taskToken);
        }
      }
      throw new Error(`The local runtime cannot run Task resource ${resource}`);
    };
    if (timeoutSeconds === undefined) return work();
    try {
      return await withTimeout(work(), timeoutSeconds, this.#timers);
    } finally {
      // A timed-out task's token is dead, as in AWS: resuming it later fails with TaskTimedOut.
      if (mintedToken) this.#pendingTasks.delete(mintedToken);
    }
  }
}

interface TaskState {
  Type: 'Task';
  Resource: string;
  TimeoutSeconds?: number;
}

function* taskStates(definition: Record<string, unknown>): Generator<[string, TaskState]> {
  const states = (definition.States ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') yield [name, state as unknown as TaskState];
    for (const branch of (state.Branches ?? []) as Record<string, unknown>[]) yield* taskStates(branch);
    const iterator = (state.ItemProcessor ?? state.Iterator) as Record<string, unknown> | undefined;
    if (iterator) yield* taskStates(iterator);
  }
}

/**
 * Moves Task timeouts out of the library's reach (its single timer overflows above ~24.8 days, and it
 * defaults to 60 s when none is set, unlike AWS) into our own enforcement. Returns the runnable copy and
 * the real timeout per state name.
 */
function withLocalTaskTimeouts(definition: Record<string, unknown>): {
  definition: Record<string, unknown>;
  timeouts: Map<string, number>;
} {
  const copy = structuredClone(definition);
  const timeouts = new Map<string, number>();
  for (const [name, state] of taskStates(copy)) {
    if (state.TimeoutSeconds !== undefined) timeouts.set(name, state.TimeoutSeconds);
    state.TimeoutSeconds = maxTimerSeconds;
  }
  return { definition: copy, timeouts };
}

function withTimeout<T>(work: Promise<T>, seconds: number, timers: Timers): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancel = timers.schedule(seconds * 1000, () => {
      const error = new Error(`Task did not complete within ${seconds} s`);
      error.name = 'States.Timeout';
      reject(error);
    });
    work.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (error: unknown) => {
        cancel();
        reject(error);
      },
    );
  });
}

function replaceToken(value: unknown, token: string): unknown {
  if (value === taskTokenPlaceholder) return token;
  if (Array.isArray(value)) return value.map((item) => replaceToken(item, token));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceToken(item, token)]));
  }
  return value;
}

function toJson(value: unknown): Json {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
}
