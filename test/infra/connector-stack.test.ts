// Template assertions on the synthesized connector stack, and the cdk-nag AwsSolutions gate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.ts';

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
});
