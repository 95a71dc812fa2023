// The authorizer's deployed bundle (shared esbuild options) holds no AWS SDK and fails its cold start naming a
// missing JWT_* variable; the cold-init benchmark's template reading (groups, placeholder environment).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BuiltBundle,
  bundleFunction,
  coldInitSubjects,
  placeholderValue,
} from '../../../bench/cases/cold-init.ts';
import type { CloudFormationTemplate } from '../../../infra/local/synthesize.ts';

describe('authorizer bundle', () => {
  const directory = mkdtempSync(join(tmpdir(), 'authorizer-bundle-'));
  let bundle: BuiltBundle;

  beforeAll(async () => {
    bundle = await bundleFunction('functions/authorize-request/handler.ts', directory);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('contains no @aws-sdk module', () => {
    expect(bundle.inputs.some((input) => input.includes('functions/authorize-request/handler.ts'))).toBe(
      true,
    );
    expect(bundle.inputs.filter((input) => input.includes('@aws-sdk/'))).toEqual([]);
  });

  it('fails at init naming a missing JWT_* variable, and loads with them set', () => {
    const load = (env: Record<string, string>) =>
      spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `await import(${JSON.stringify(bundle.file)})`],
        {
          env,
          encoding: 'utf8',
        },
      );
    const missing = load({ JWT_AUDIENCE: 'coop-pank-connector', JWT_PUBLIC_KEYS: '{}' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('JWT_ISSUER');
    const complete = load({
      JWT_ISSUER: 'https://auth.envoice.example',
      JWT_AUDIENCE: 'a',
      JWT_PUBLIC_KEYS: '{}',
    });
    expect(complete.stderr).toBe('');
    expect(complete.status).toBe(0);
  });
});

describe('cold-init subjects', () => {
  const template: CloudFormationTemplate = {
    Resources: {
      Table: { Type: 'AWS::DynamoDB::GlobalTable' },
      Topic: { Type: 'AWS::SNS::Topic' },
      Machine: { Type: 'AWS::StepFunctions::StateMachine' },
      Authorizer: {
        Type: 'AWS::Lambda::Function',
        Metadata: { LocalEntry: 'functions/authorize-request/handler.ts' },
        Properties: { Environment: { Variables: { JWT_ISSUER: 'https://auth.envoice.example' } } },
      },
      Worker: {
        Type: 'AWS::Lambda::Function',
        Metadata: { LocalEntry: 'functions/submit-batch/handler.ts' },
        Properties: {
          Environment: {
            Variables: {
              TABLE_NAME: { Ref: 'Table' },
              TOPIC: { Ref: 'Topic' },
              MACHINE: { Ref: 'Machine' },
              ROLE: { 'Fn::GetAtt': ['Table', 'Arn'] },
              JOINED: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x']] },
            },
          },
        },
      },
      Api: { Type: 'AWS::Lambda::Function', Metadata: { LocalEntry: 'functions/api-list-banks/handler.ts' } },
      Provider: { Type: 'AWS::Lambda::Function' },
    },
  };

  it('lists the functions with a handler file, authorizer first, then API functions, then workers', () => {
    expect(coldInitSubjects(template).map((s) => [s.name, s.group])).toEqual([
      ['authorize-request', 'authorizer'],
      ['api-list-banks', 'api'],
      ['submit-batch', 'worker'],
    ]);
  });

  it('replaces unresolved references with plausible placeholders', () => {
    const worker = coldInitSubjects(template).find((s) => s.name === 'submit-batch');
    expect(worker?.environment).toEqual({
      TABLE_NAME: 'table',
      TOPIC: 'arn:aws:sns:eu-north-1:123456789012:topic',
      MACHINE: 'arn:aws:states:eu-north-1:123456789012:stateMachine:machine',
      ROLE: 'arn:aws:dynamodb:eu-north-1:123456789012:table',
      JOINED: 'arn:aws:x',
    });
    expect(placeholderValue('plain', template)).toBe('plain');
  });
});
