// Stage settings: dev needs none, any other stage is refused until configured (naming everything missing),
// retainData defaults, and the documented prod example in cdk.json synthesizes with its data protected.
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.ts';
import {
  readStageConfig,
  UNCONFIGURED_BANK_URL,
  UNCONFIGURED_REGISTRY_URL,
} from '../../infra/stage-config.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: { stages: Record<string, unknown>; stageExamples: { prod: Record<string, unknown> } };
};
const example = cdkJson.context.stageExamples.prod;

describe('stage configuration', () => {
  it('gives dev defaults without any configuration', () => {
    const config = readStageConfig('dev', undefined);
    expect(config.stage).toBe('dev');
    expect(config.retainData).toBe(false);
    expect(config.auth.publicKeys).toEqual({});
    expect(config.bank).toEqual({ baseUrl: UNCONFIGURED_BANK_URL });
    expect(config.registry).toEqual({ baseUrl: UNCONFIGURED_REGISTRY_URL });
    expect(config.operations).toEqual({ emails: [], phoneNumbers: [] });
    expect(config.region).toBe('eu-north-1');
  });

  it('refuses any other unconfigured stage with one message naming every missing setting', () => {
    let message = '';
    try {
      readStageConfig('prod', cdkJson.context.stages);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('Stage "prod" is not configured');
    for (const item of [
      'auth.publicKeys',
      'bank.baseUrl',
      'registry.baseUrl',
      'operations.emails or operations.phoneNumbers',
    ]) {
      expect(message).toContain(item);
    }
  });

  it('names only what is still missing', () => {
    const partial = { ...example, operations: { emails: [], phoneNumbers: [] }, bank: undefined };
    expect(() => readStageConfig('staging', { staging: partial })).toThrow(
      /bank\.baseUrl[\s\S]*operations\.emails or operations\.phoneNumbers/,
    );
    expect(() => readStageConfig('staging', { staging: partial })).not.toThrow(/auth\.publicKeys/);
    // One phone number is enough of an operations contact.
    const phoneOnly = { ...example, operations: { phoneNumbers: ['+3725550100'] } };
    expect(readStageConfig('staging', { staging: phoneOnly }).operations.emails).toEqual([]);
  });

  it('retains data outside dev unless told otherwise, and not in dev unless told', () => {
    expect(readStageConfig('prod', { prod: example }).retainData).toBe(true);
    expect(readStageConfig('test', { test: { ...example, retainData: false } }).retainData).toBe(false);
    expect(readStageConfig('dev', { dev: { retainData: true } }).retainData).toBe(true);
  });

  it('refuses malformed settings: unknown keys, bad bank config, keys that are not PEM public keys', () => {
    expect(() => readStageConfig('dev', { dev: { retaindata: true } })).toThrow(/retaindata/);
    expect(() =>
      readStageConfig('prod', { prod: { ...example, bank: { baseUrl: 'http://x.invalid/' } } }),
    ).toThrow(/bank/);
    expect(() =>
      readStageConfig('prod', { prod: { ...example, auth: { publicKeys: { k1: 'not a key' } } } }),
    ).toThrow(/PEM public key/);
  });

  it('keeps the registry API key out of the configuration: only a secret name', () => {
    const config = readStageConfig('prod', { prod: example });
    expect(config.registry.apiKeySecretName).toBe('coop-pank-connector/prod/registry-api-key');
    expect(() =>
      readStageConfig('prod', {
        prod: { ...example, registry: { baseUrl: 'https://r.invalid/', apiKey: 'x' } },
      }),
    ).toThrow(/apiKey/);
  });

  it('synthesizes the cdk.json prod example with deletion protection and retained table, key and archive', () => {
    const app = new App({
      context: {
        'aws:cdk:bundling-stacks': [],
        stage: 'prod',
        useExample: 'true',
        stageExamples: cdkJson.context.stageExamples,
      },
    });
    const { stack } = createApp(app);
    expect(stack.stackName).toBe('CoopPankConnector-prod');
    const template = Template.fromStack(stack).toJSON() as {
      Resources: Record<
        string,
        { Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown> }
      >;
    };
    const ofType = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type);
    const [table] = ofType('AWS::DynamoDB::GlobalTable');
    expect(table?.DeletionPolicy).toBe('Retain');
    const replicas = table?.Properties?.Replicas as { DeletionProtectionEnabled?: boolean }[];
    expect(replicas.length).toBeGreaterThan(0);
    for (const replica of replicas) expect(replica.DeletionProtectionEnabled).toBe(true);
    expect(ofType('AWS::KMS::Key').every((key) => key.DeletionPolicy === 'Retain')).toBe(true);
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThan(0);
    for (const bucket of buckets) expect(bucket.DeletionPolicy).toBe('Retain');
  });
});
