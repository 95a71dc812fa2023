// Batch workflow capability: the batch lifecycle state machine (standard workflow, execution name = batch id).
import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ConnectorFunction } from './connector-function.ts';

export interface BatchWorkflowProps {
  table: ITableV2;
  environment: Record<string, string>;
}

export class BatchWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: BatchWorkflowProps) {
    super(scope, id);
    const acceptBatch = new ConnectorFunction(this, 'AcceptBatch', {
      name: 'accept-batch',
      description: 'Batch workflow: takes ownership of a confirmed batch',
      environment: props.environment,
    });
    props.table.grantReadWriteData(acceptBatch.function);

    const accept = new LambdaInvoke(this, 'AcceptBatchForProcessing', {
      lambdaFunction: acceptBatch.function,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({
        companyId: JsonPath.stringAt('$.companyId'),
        batchId: JsonPath.stringAt('$.batchId'),
        executionName: JsonPath.executionName,
      }),
      retryOnServiceExceptions: true,
      taskTimeout: Timeout.duration(Duration.seconds(60)),
    });
    accept.addRetry({
      errors: ['InfrastructureError'],
      interval: Duration.seconds(2),
      maxAttempts: 5,
      backoffRate: 2,
    });

    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.SIX_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'BatchLifecycle', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(accept.next(new Succeed(this, 'BatchProcessed'))),
      tracingEnabled: true,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.days(30),
    });
    for (const fn of [acceptBatch.function]) {
      const functionId = Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement);
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
        reason: 'Step Functions may invoke any published version of the task function it owns.',
      });
    }
  }
}
