// The local workflow engine runs ASL with our handlers bound to Task states and supports task tokens.
import { describe, expect, it } from 'vitest';
import { LocalWorkflowEngine } from '../../../infra/local/workflow/local-workflow-engine.ts';
import { ManualTimers } from '../../../infra/local/workflow/timers.ts';

const fnArn = (name: string) => `arn:aws:lambda:eu-north-1:000000000000:function:${name}`;

const definition = {
  StartAt: 'Prepare',
  TimeoutSeconds: 2_592_000,
  States: {
    Prepare: { Type: 'Task', Resource: fnArn('Prepare'), Next: 'AwaitSignal' },
    AwaitSignal: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: fnArn('Notify'),
        Payload: { 'taskToken.$': '$$.Task.Token', 'batchId.$': '$.batchId' },
      },
      TimeoutSeconds: 2_592_000,
      Catch: [
        { ErrorEquals: ['SigningRefused'], Next: 'Refused' },
        { ErrorEquals: ['States.Timeout'], Next: 'Expired' },
      ],
      Next: 'Done',
    },
    Refused: { Type: 'Pass', Result: { outcome: 'refused' }, End: true },
    Expired: { Type: 'Pass', Result: { outcome: 'expired' }, End: true },
    Done: { Type: 'Pass', End: true },
  },
};

function engineWith(calls: Array<{ fn: string; payload: unknown }>) {
  return new LocalWorkflowEngine({
    stateMachineArn: 'arn:aws:states:eu-north-1:000000000000:stateMachine:TestMachine',
    definition,
    invoke: async (functionArn, payload) => {
      calls.push({ fn: functionArn.split(':').pop() ?? '', payload });
      return { ...(payload as object), prepared: true };
    },
  });
}

async function waitForPendingTask(engine: LocalWorkflowEngine) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const [task] = engine.pendingTasks();
    if (task) return task;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('no task became pending');
}

describe('LocalWorkflowEngine', () => {
  it('pauses a waitForTaskToken task until resumed and passes the resume output on', async () => {
    const calls: Array<{ fn: string; payload: unknown }> = [];
    const engine = engineWith(calls);
    await engine.startBatchWorkflow({ companyId: 'c1', batchId: 'b1' });

    const task = await waitForPendingTask(engine);
    expect(task).toMatchObject({ executionName: 'b1', stateName: 'AwaitSignal' });
    expect(engine.execution('b1')?.status).toBe('RUNNING');
    // The handler received the real token, not a placeholder, so it can hand it to whoever resumes the task.
    expect(calls[1]).toEqual({ fn: 'Notify', payload: { taskToken: task.taskToken, batchId: 'b1' } });

    await engine.resumeTask(task.taskToken, { signed: true });
    const record = await engine.waitForExecution('b1');
    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toEqual({ signed: true });
    await expect(engine.resumeTask(task.taskToken, {})).rejects.toThrow(
      /invalid or the task already completed/,
    );
  });

  it('routes a failed task token through the state machine Catch by error name', async () => {
    const engine = engineWith([]);
    await engine.startBatchWorkflow({ companyId: 'c1', batchId: 'b2' });
    const task = await waitForPendingTask(engine);
    await engine.failTask(task.taskToken, 'SigningRefused', 'The signer declined');
    const record = await engine.waitForExecution('b2');
    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toEqual({ outcome: 'refused' });
    expect(record.events.map((event) => event.stateName ?? event.type)).toContain('Refused');
  });

  it('treats a second start with the same name as the same execution', async () => {
    const calls: Array<{ fn: string; payload: unknown }> = [];
    const engine = engineWith(calls);
    await engine.startBatchWorkflow({ companyId: 'c1', batchId: 'b3' });
    await engine.startBatchWorkflow({ companyId: 'c1', batchId: 'b3' });
    await waitForPendingTask(engine);
    expect(calls.filter((call) => call.fn === 'Prepare')).toHaveLength(1);
  });

  it('fails the execution with the error name the handler threw', async () => {
    const engine = new LocalWorkflowEngine({
      stateMachineArn: 'arn:aws:states:eu-north-1:000000000000:stateMachine:TestMachine',
      definition,
      invoke: async () => {
        const error = new Error('database unavailable');
        error.name = 'InfrastructureError';
        throw error;
      },
    });
    await engine.startBatchWorkflow({ companyId: 'c1', batchId: 'b4' });
    const record = await engine.waitForExecution('b4');
    expect(record.status).toBe('FAILED');
    expect(record.error?.name).toBe('InfrastructureError');
  });

  it('times a waiting task out after its TimeoutSeconds (30 days here) on a manual clock', async () => {
    const timers = new ManualTimers(new Date('2026-11-01T00:00:00Z'));
    const engine = new LocalWorkflowEngine({
      stateMachineArn: 'arn:aws:states:eu-north-1:000000000000:stateMachine:TestMachine',
      definition,
      invoke: async (_arn, payload) => payload,
      timers,
    });
    await engine.startBatchWorkflow({ companyId: 'c1', batchId: 'b5' });
    await waitForPendingTask(engine);
    await timers.advanceBy(29 * 24 * 3600 * 1000);
    expect(engine.execution('b5')?.status).toBe('RUNNING');
    await timers.advanceBy(24 * 3600 * 1000);
    const record = await engine.waitForExecution('b5');
    expect(record.output).toEqual({ outcome: 'expired' });
    expect(engine.pendingTasks()).toEqual([]);
  });
});
