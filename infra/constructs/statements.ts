// Statements capability: the daily statement request function and its EventBridge Scheduler schedule
// (Europe/Tallinn, so 06:00 stays 06:00 across DST), with retries and a dead-letter queue for failed deliveries.
import { Duration, TimeZone, Validations } from 'aws-cdk-lib';
import {
  CfnScheduleGroup,
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleGroup,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConnectorFunction } from './connector-function.ts';
import type { ConnectorResources } from './function-access.ts';
import { arnInFinding, scheduleTargetRole } from './nag-findings.ts';

export interface StatementsProps {
  /** What the function may be given (table, bank, customer topic, statement rules): see function-needs.ts. */
  resources: ConnectorResources;
  /** Tallinn wall-clock time of the daily statement requests, `HH:MM` (stage config). Default 06:00. */
  dailyRequestTime?: string;
  /** Where undeliverable schedule invocations go (e.g. the stack's schedule dead-letter queue); default: own queue. */
  deadLetterQueue?: IQueue;
}

export class Statements extends Construct {
  readonly scheduleGroup: CfnScheduleGroup;
  readonly requestDailyStatements: ConnectorFunction;
  readonly dailySchedule: Schedule;

  constructor(scope: Construct, id: string, props: StatementsProps) {
    super(scope, id);
    this.scheduleGroup = new CfnScheduleGroup(this, 'Schedules', {});
    const [hour, minute] = parseTime(props.dailyRequestTime ?? '06:00');
    const fn = new ConnectorFunction(this, 'RequestDailyStatements', {
      name: 'request-daily-statements',
      description: 'Asks Coop Pank for the previous day statements and missing days (daily, Europe/Tallinn)',
      timeout: Duration.minutes(5),
      resources: props.resources,
    });

    const deadLetterQueue = props.deadLetterQueue ?? this.#ownDeadLetterQueue();
    this.dailySchedule = new Schedule(this, 'DailyStatementRequests', {
      description: 'Daily statement requests (previous Tallinn day and missing days)',
      scheduleGroup: ScheduleGroup.fromScheduleGroupName(this, 'Group', this.scheduleGroup.ref),
      // cron(0 6 * * ? *) in Europe/Tallinn by default.
      schedule: ScheduleExpression.cron({
        minute: String(minute),
        hour: String(hour),
        timeZone: TimeZone.EUROPE_TALLINN,
      }),
      target: new LambdaInvoke(fn.function, {
        // The scheduled time fixes the run date: a retried invocation asks with the same message ids.
        input: ScheduleTargetInput.fromObject({ scheduledTime: ContextAttribute.scheduledTime }),
        retryAttempts: 5,
        maxEventAge: Duration.hours(2),
        deadLetterQueue,
      }),
    });
    // The target's role (one per stack, shared by schedules invoking this function) allows its versions too.
    Validations.of(scheduleTargetRole(this.dailySchedule)).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arnInFinding(fn.function)}:*]`,
      reason:
        'EventBridge Scheduler may invoke any published version of the daily statement function it targets.',
    });
    this.requestDailyStatements = fn;
  }

  #ownDeadLetterQueue(): Queue {
    const queue = new Queue(this, 'DailyScheduleDeadLetters', {
      encryption: QueueEncryption.KMS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the daily statement schedule.',
    });
    return queue;
  }
}

function parseTime(time: string): [number, number] {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (!match || hour > 23 || minute > 59) {
    throw new Error(`dailyRequestTime must be HH:MM (Tallinn time), got "${time}"`);
  }
  return [hour, minute];
}
