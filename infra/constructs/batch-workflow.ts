// Batch workflow capability: the batch lifecycle state machine (standard workflow, one execution per batch,
// execution name = batch id). Waiting uses task tokens that the collector resumes, so a batch costs the same
// number of state transitions however long signing takes; the signing deadline is the wait's timeout.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  type Chain,
  DefinitionBody,
  Fail,
  IntegrationPattern,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvocationType, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ConnectorFunction } from './connector-function.ts';
import type { ConnectorResources } from './function-access.ts';
import { arnInFinding } from './nag-findings.ts';

export interface BatchWorkflowProps {
  resources: ConnectorResources;
  /** Runs right after a submission so the bank's first answers are picked up at once. */
  collector: IFunction;
  /** How long to wait for the bank's first answer before going on to wait for signing anyway. */
  acknowledgementTimeout: Duration;
  /** Unsigned batches expire after this long (the bank's unsigned payments do too). */
  signingDeadline: Duration;
}

/** Errors a retry may fix: the bank or a dependency was unavailable, or a concurrent write won. */
export const retryableErrors = [
  'BankUnavailableError',
  'BankTimeoutError',
  'BankRateLimitedError',
  'InfrastructureError',
  'ConflictError',
];

export class BatchWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly functions: ConnectorFunction[] = [];

  constructor(scope: Construct, id: string, props: BatchWorkflowProps) {
    super(scope, id);
    const step = (constructId: string, name: string, description: string) => {
      const fn = new ConnectorFunction(this, `${constructId}Function`, {
        name,
        description,
        resources: props.resources,
        // Sending a large batch writes every payment's status: give the steps room (the task timeout is longer).
        timeout: Duration.minutes(5),
        memorySize: 1024,
      });
      this.functions.push(fn);
      return fn.function;
    };
    const batchRef = { companyId: JsonPath.stringAt('$.companyId'), batchId: JsonPath.stringAt('$.batchId') };
    const task = (stateId: string, fn: IFunction, extra: Record<string, unknown> = {}) => {
      const invoke = new LambdaInvoke(this, stateId, {
        lambdaFunction: fn,
        payloadResponseOnly: true,
        payload: TaskInput.fromObject({ ...batchRef, ...extra }),
        resultPath: JsonPath.DISCARD,
        retryOnServiceExceptions: true,
        taskTimeout: Timeout.duration(Duration.minutes(6)),
      });
      invoke.addRetry({
        errors: retryableErrors,
        interval: Duration.seconds(5),
        maxAttempts: 6,
        backoffRate: 2,
      });
      return invoke;
    };
    const awaitMilestone = (stateId: string, fn: IFunction, milestone: string, timeout: Duration) =>
      new LambdaInvoke(this, stateId, {
        lambdaFunction: fn,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({ ...batchRef, milestone, taskToken: JsonPath.taskToken }),
        resultPath: JsonPath.DISCARD,
        taskTimeout: Timeout.duration(timeout),
      }).addRetry({ errors: retryableErrors, interval: Duration.seconds(5), maxAttempts: 6, backoffRate: 2 });

    const submitFn = step('SubmitBatch', 'submit-batch', 'Batch workflow: sends the pain.001');
    const awaitFn = step('AwaitBankMilestone', 'await-bank-milestone', 'Batch workflow: parks a task token');
    const finalizeFn = step('FinalizeBatch', 'finalize-batch', 'Batch workflow: final batch status');
    const notifyFn = step('NotifyBatchProblems', 'notify-batch-problems', 'Batch workflow: notifications');
    const expireFn = step('ExpireBatch', 'expire-batch', 'Batch workflow: expires unsigned batches');
    const failureFn = step('RecordBatchFailure', 'record-batch-failure', 'Batch workflow: records failures');

    const recordFailure = task('RecordFailure', failureFn, { failure: JsonPath.objectAt('$.failure') });
    const failed = recordFailure.next(new Fail(this, 'BatchFailed', { error: 'BatchFailed' }));
    const onFailure = { resultPath: '$.failure', errors: ['States.ALL'] };

    const submit = task('SubmitToBank', submitFn, { executionName: JsonPath.executionName });
    submit.addCatch(failed, onFailure);
    const collectNow = new LambdaInvoke(this, 'CollectNow', {
      lambdaFunction: props.collector,
      invocationType: LambdaInvocationType.EVENT,
      payload: TaskInput.fromObject({ reason: 'submitted', batchId: JsonPath.stringAt('$.batchId') }),
      resultPath: JsonPath.DISCARD,
    });
    const awaitAcknowledgement = awaitMilestone(
      'AwaitBankAcknowledgement',
      awaitFn,
      'acknowledged',
      props.acknowledgementTimeout,
    );
    const awaitExecution = awaitMilestone(
      'AwaitAuthorizationAndExecution',
      awaitFn,
      'final',
      props.signingDeadline,
    );
    const expire = task('ExpireBatch', expireFn);
    expire.addCatch(failed, onFailure);
    const expired: Chain = expire.next(new Succeed(this, 'BatchExpired'));
    // A failed nudge only delays collection until the next scheduled run.
    collectNow.addCatch(awaitAcknowledgement, { errors: ['States.ALL'], resultPath: JsonPath.DISCARD });
    awaitAcknowledgement.addCatch(awaitExecution, {
      errors: ['States.Timeout'],
      resultPath: JsonPath.DISCARD,
    });
    awaitAcknowledgement.addCatch(failed, onFailure);
    awaitExecution.addCatch(expired, { errors: ['States.Timeout'], resultPath: JsonPath.DISCARD });
    awaitExecution.addCatch(failed, onFailure);
    const finalize = task('Finalize', finalizeFn);
    finalize.addCatch(failed, onFailure);
    const notify = task('NotifyProblems', notifyFn);
    notify.addCatch(failed, onFailure);

    const definition = submit
      .next(collectNow)
      .next(awaitAcknowledgement)
      .next(awaitExecution)
      .next(finalize)
      .next(notify)
      .next(new Succeed(this, 'BatchDone'));

    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.SIX_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'BatchLifecycle', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      timeout: props.signingDeadline.plus(Duration.days(2)),
    });
    // Findings of the state machine's role policy, acknowledged on that role.
    const role = this.stateMachine.role;
    for (const fn of [...this.functions.map((f) => f.function), props.collector]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arnInFinding(fn)}:*]`,
        reason: 'Step Functions may invoke any published version of the task function it owns.',
      });
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by the CDK for tracing and execution logs: the X-Ray actions and the CloudWatch Logs log-delivery and resource-policy actions that Step Functions logging needs do not support resource-level permissions.',
    });
  }
}
