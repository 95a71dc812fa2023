// Template assertions on the synthesized connector stack, and the cdk-nag AwsSolutions gate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.ts';
import type { CloudFormationTemplate } from '../../infra/local/synthesize.ts';
import { createLocalModel } from '../../infra/local/template/model.ts';
import { MALLOC_TUNABLES } from '../../infra/runtime-env.ts';

describe('connector stack', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  let template: Template;
  let app: App;

  beforeAll(() => {
    app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const created = createApp(app);
    template = Template.fromStack(created.stack);
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('synthesizes with cdk-nag AwsSolutions checks and no unacknowledged finding', () => {
    expect(() => app.synth()).not.toThrow();
  });

  it('runs every function on Node 24, arm64, with tracing and a handler file bound for the local runtime', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const own = Object.values(functions).filter((fn) => fn.Metadata?.LocalEntry);
    expect(own.length).toBeGreaterThanOrEqual(4);
    for (const fn of own) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Metadata.LocalEntry).toMatch(/^functions\/[a-z-]+\/handler\.ts$/);
      // Large buffers reuse the process's memory (infra/runtime-env.ts).
      expect(fn.Properties.Environment.Variables.GLIBC_TUNABLES).toBe(MALLOC_TUNABLES);
    }
  });

  it('keeps the single table encrypted with a customer-managed key and point-in-time recovery on', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { KMSMasterKeyId: Match.anyValue() },
        }),
      ],
    });
  });

  it('runs the batch lifecycle as a standard workflow with full logging and tracing', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
  });

  it('protects every API method with the Envoice JWT authorizer and validates requests', () => {
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
    });
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter(
      (method) => method.Properties.HttpMethod !== 'OPTIONS',
    );
    const protectedMethods = methods.filter((method) => method.Properties.AuthorizationType === 'CUSTOM');
    // Only the public API description may be served without a token.
    expect(methods.length - protectedMethods.length).toBeLessThanOrEqual(1);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('encrypts notification topics and the mTLS certificate secret with KMS', () => {
    const topics = Object.values(template.findResources('AWS::SNS::Topic'));
    expect(topics.length).toBeGreaterThanOrEqual(2);
    for (const topic of topics) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: Match.anyValue() });
  });

  it('alarms the operations topic on workflow failures, collector errors, dead letters and bank authentication errors', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const byMetric = (name: string) => alarms.filter((alarm) => alarm.Properties.MetricName === name);
    expect(byMetric('ExecutionsFailed')).toHaveLength(1);
    expect(byMetric('ExecutionsTimedOut')).toHaveLength(1);
    expect(byMetric('Errors')).toHaveLength(1);
    expect(byMetric('ApproximateNumberOfMessagesVisible').length).toBeGreaterThanOrEqual(1);
    expect(byMetric('BankAuthenticationErrors')).toHaveLength(1);
    const operationsTopic = Object.entries(template.findResources('AWS::SNS::Topic')).find(
      ([, topic]) => topic.Properties.DisplayName === 'Coop Pank connector operations',
    )?.[0];
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: operationsTopic }]);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: Match.stringLikeRegexp('BankAuthenticationError'),
    });
  });

  it('schedules the daily statements at 06:00 Europe/Tallinn and the collector every minute, both with a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Tallinn',
      Target: Match.objectLike({ DeadLetterConfig: { Arn: Match.anyValue() } }),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      Target: Match.objectLike({ DeadLetterConfig: { Arn: Match.anyValue() } }),
    });
  });

  it('waits for the bank with task tokens, the signing deadline as timeout, and retries only named errors', () => {
    const [machine] = createLocalModel(template.toJSON() as CloudFormationTemplate).stateMachines;
    const states = (machine?.definition.States ?? {}) as Record<string, Record<string, unknown>>;
    const awaitExecution = states.AwaitAuthorizationAndExecution;
    expect(awaitExecution?.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(awaitExecution?.TimeoutSeconds).toBe(5 * 24 * 3600);
    expect(states.AwaitBankAcknowledgement?.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    for (const [name, state] of Object.entries(states)) {
      for (const retry of (state.Retry ?? []) as Array<{ ErrorEquals: string[] }>) {
        expect(retry.ErrorEquals, `${name} retries`).not.toContain('States.ALL');
      }
    }
    // Every failure path records the outcome: each task that can fail is caught into RecordFailure.
    for (const name of [
      'SubmitToBank',
      'AwaitBankAcknowledgement',
      'AwaitAuthorizationAndExecution',
      'Finalize',
    ]) {
      const catches = (states[name]?.Catch ?? []) as Array<{ ErrorEquals: string[]; Next: string }>;
      expect(catches.find((c) => c.ErrorEquals.includes('States.ALL'))?.Next, name).toBe('RecordFailure');
    }
  });

  it('archives raw bank messages in an encrypted, versioned, private bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicAcls: true,
        RestrictPublicBuckets: true,
      }),
    });
    template.resourceCountIs('AWS::Events::EventBus', 1);
  });
});
