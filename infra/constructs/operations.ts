// Operations capability: CloudWatch alarms that page the operations topic when something needs a person —
// workflow failures, collector errors, anything in a dead-letter queue, the bank refusing our authentication.
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface OperationsProps {
  operationsTopic: ITopic;
  batchStateMachine: IStateMachine;
  collector: IFunction;
  collectorLogGroup: ILogGroup;
  deadLetterQueues: IQueue[];
  namespace: string;
}

export class Operations extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const action = new SnsAction(props.operationsTopic);
    const alarm = (alarmId: string, description: string, metric: IMetric, evaluationPeriods = 1) => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    alarm(
      'WorkflowFailures',
      'A batch workflow failed or timed out: the batch ended as failed; check its status reason and the bank.',
      props.batchStateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
    alarm(
      'WorkflowTimeouts',
      'A batch workflow timed out: it should have expired or finished by itself.',
      props.batchStateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
    alarm(
      'CollectorErrors',
      'The bank message collector failed for 5 minutes in a row: statuses and statements are not arriving.',
      props.collector.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      5,
    );
    props.deadLetterQueues.forEach((queue, index) => {
      alarm(
        `DeadLetters${index + 1}`,
        'A scheduled run or asynchronous invocation could not be delivered (see the dead-letter queue).',
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      );
    });
    const authenticationErrors = new MetricFilter(this, 'BankAuthenticationErrors', {
      logGroup: props.collectorLogGroup,
      filterPattern: FilterPattern.anyTerm('BankAuthenticationError'),
      metricNamespace: props.namespace,
      metricName: 'BankAuthenticationErrors',
      metricValue: '1',
      defaultValue: 0,
    });
    alarm(
      'BankAuthenticationFailing',
      'Coop Pank refuses our certificate or authentication: renew or re-upload the operator certificate.',
      authenticationErrors.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
  }
}
