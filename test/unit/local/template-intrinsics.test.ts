// The intrinsic resolver: each intrinsic CDK emits, and the local Ref / Fn::GetAtt values per resource type.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings use CloudFormation's ${} syntax.
import { describe, expect, it } from 'vitest';
import type { CloudFormationTemplate } from '../../../infra/local/synthesize.ts';
import { createResolver } from '../../../infra/local/template/intrinsics.ts';

const template = {
  Parameters: { BootstrapVersion: { Type: 'String', Default: '/cdk-bootstrap/version' } },
  Mappings: { Stages: { local: { Memory: '512' } } },
  Resources: {
    Table: { Type: 'AWS::DynamoDB::GlobalTable', Properties: {} },
    NamedTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'connector' } },
    Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
    FifoTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'orders', FifoTopic: true } },
    Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    MessageArchive63039CF1: { Type: 'AWS::S3::Bucket', Properties: {} },
    Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'envoice-events' } },
    Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    Key: { Type: 'AWS::KMS::Key', Properties: {} },
    Role: { Type: 'AWS::IAM::Role', Properties: { Path: '/service/' } },
    Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
    Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: {} },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/vendedlogs/states/batch' } },
    Group: { Type: 'AWS::Scheduler::ScheduleGroup', Properties: {} },
    Schedule: { Type: 'AWS::Scheduler::Schedule', Properties: { GroupName: { Ref: 'Group' } } },
    DefaultSchedule: { Type: 'AWS::Scheduler::Schedule', Properties: {} },
    Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: {} },
    Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { StageName: 'v1' } },
    Permission: { Type: 'AWS::Lambda::Permission', Properties: {} },
  },
} as unknown as CloudFormationTemplate;

const account = '000000000000';
const region = 'eu-north-1';

describe('intrinsic resolver', () => {
  const resolver = createResolver(template);

  it('resolves pseudo parameters and template parameters', () => {
    expect(resolver.resolve({ Ref: 'AWS::Partition' })).toBe('aws');
    expect(resolver.resolve({ Ref: 'AWS::Region' })).toBe(region);
    expect(resolver.resolve({ Ref: 'AWS::AccountId' })).toBe(account);
    expect(resolver.resolve({ Ref: 'AWS::URLSuffix' })).toBe('amazonaws.com');
    expect(resolver.resolve({ Ref: 'AWS::StackName' })).toBe('CoopPankConnector-local');
    expect(resolver.resolve({ Ref: 'BootstrapVersion' })).toBe('/cdk-bootstrap/version');
    expect(
      createResolver(template, { account: '123456789012', region: 'eu-west-1' }).resolve({
        Ref: 'AWS::Region',
      }),
    ).toBe('eu-west-1');
  });

  it('drops properties and list elements that are Ref AWS::NoValue', () => {
    expect(resolver.resolve({ A: { Ref: 'AWS::NoValue' }, B: ['x', { Ref: 'AWS::NoValue' }] })).toEqual({
      B: ['x'],
    });
  });

  it('joins, splits and selects like CloudFormation', () => {
    const arn = { 'Fn::GetAtt': ['Fn', 'Arn'] };
    expect(
      resolver.resolve({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']],
      }),
    ).toBe('arn:aws:iam::000000000000:root');
    expect(resolver.resolve({ 'Fn::Split': [':', arn] })).toEqual([
      'arn',
      'aws',
      'lambda',
      region,
      account,
      'function',
      'Fn',
    ]);
    expect(resolver.resolve({ 'Fn::Select': [3, { 'Fn::Split': [':', arn] }] })).toBe(region);
    expect(() => resolver.resolve({ 'Fn::Select': [9, ['a']] })).toThrow(/out of range/);
  });

  it('substitutes pseudo parameters, Refs, attributes, variables and keeps ${!literals}', () => {
    expect(resolver.resolve({ 'Fn::Sub': 'cdk-assets-${AWS::AccountId}-${AWS::Region}' })).toBe(
      `cdk-assets-${account}-${region}`,
    );
    expect(resolver.resolve({ 'Fn::Sub': '${Topic} ${Queue.QueueName} ${!Literal}' })).toBe(
      `arn:aws:sns:${region}:${account}:Topic Queue \${Literal}`,
    );
    expect(resolver.resolve({ 'Fn::Sub': ['${Name}-x', { Name: { Ref: 'Fn' } }] })).toBe('Fn-x');
    expect(() => resolver.resolve({ 'Fn::Sub': '${Nothing}' })).toThrow(/cannot resolve/);
  });

  it('supports Fn::Base64, Fn::GetAZs and Fn::FindInMap', () => {
    expect(resolver.resolve({ 'Fn::Base64': 'hi' })).toBe('aGk=');
    expect(resolver.resolve({ 'Fn::GetAZs': '' })).toEqual([`${region}a`, `${region}b`, `${region}c`]);
    expect(resolver.resolve({ 'Fn::FindInMap': ['Stages', 'local', 'Memory'] })).toBe('512');
  });

  it('gives tables, topics, secrets and buckets the Ref and attributes AWS gives them', () => {
    expect(resolver.ref('Table')).toBe('Table');
    expect(resolver.getAtt('Table', 'Arn')).toBe(`arn:aws:dynamodb:${region}:${account}:table/Table`);
    expect(resolver.getAtt('NamedTable', 'Arn')).toBe(
      `arn:aws:dynamodb:${region}:${account}:table/connector`,
    );
    expect(resolver.getAtt('Table', 'StreamArn')).toMatch(/table\/Table\/stream\//);
    // SNS topics and secrets: Ref is the ARN.
    expect(resolver.ref('Topic')).toBe(`arn:aws:sns:${region}:${account}:Topic`);
    expect(resolver.getAtt('Topic', 'TopicName')).toBe('Topic');
    expect(resolver.ref('FifoTopic')).toBe(`arn:aws:sns:${region}:${account}:orders.fifo`);
    expect(resolver.ref('Secret')).toMatch(
      new RegExp(`^arn:aws:secretsmanager:${region}:${account}:secret:Secret-[a-z0-9]{6}$`),
    );
    expect(resolver.getAtt('Secret', 'Id')).toBe(resolver.ref('Secret'));
    // Bucket names are lower case.
    expect(resolver.ref('MessageArchive63039CF1')).toBe('messagearchive63039cf1');
    expect(resolver.getAtt('MessageArchive63039CF1', 'Arn')).toBe('arn:aws:s3:::messagearchive63039cf1');
    expect(resolver.getAtt('MessageArchive63039CF1', 'RegionalDomainName')).toBe(
      `messagearchive63039cf1.s3.${region}.amazonaws.com`,
    );
  });

  it('gives buses, queues, keys, roles, functions, state machines, log groups, schedules and alarms theirs', () => {
    expect(resolver.ref('Bus')).toBe('envoice-events');
    expect(resolver.getAtt('Bus', 'Arn')).toBe(
      `arn:aws:events:${region}:${account}:event-bus/envoice-events`,
    );
    expect(resolver.ref('Queue')).toBe(`https://sqs.${region}.amazonaws.com/${account}/Queue`);
    expect(resolver.getAtt('Queue', 'Arn')).toBe(`arn:aws:sqs:${region}:${account}:Queue`);
    expect(resolver.getAtt('Queue', 'QueueName')).toBe('Queue');
    expect(resolver.ref('Key')).toBe('Key');
    expect(resolver.getAtt('Key', 'Arn')).toBe(`arn:aws:kms:${region}:${account}:key/Key`);
    expect(resolver.ref('Role')).toBe('Role');
    expect(resolver.getAtt('Role', 'Arn')).toBe(`arn:aws:iam::${account}:role/service/Role`);
    expect(resolver.getAtt('Role', 'RoleId')).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(resolver.ref('Fn')).toBe('Fn');
    expect(resolver.getAtt('Fn', 'Arn')).toBe(`arn:aws:lambda:${region}:${account}:function:Fn`);
    expect(resolver.ref('Machine')).toBe(`arn:aws:states:${region}:${account}:stateMachine:Machine`);
    expect(resolver.getAtt('Machine', 'Name')).toBe('Machine');
    expect(resolver.ref('Logs')).toBe('/aws/vendedlogs/states/batch');
    expect(resolver.getAtt('Logs', 'Arn')).toBe(
      `arn:aws:logs:${region}:${account}:log-group:/aws/vendedlogs/states/batch:*`,
    );
    expect(resolver.getAtt('Schedule', 'Arn')).toBe(
      `arn:aws:scheduler:${region}:${account}:schedule/Group/Schedule`,
    );
    expect(resolver.getAtt('DefaultSchedule', 'Arn')).toBe(
      `arn:aws:scheduler:${region}:${account}:schedule/default/DefaultSchedule`,
    );
    expect(resolver.getAtt('Group', 'Arn')).toBe(
      `arn:aws:scheduler:${region}:${account}:schedule-group/Group`,
    );
    expect(resolver.getAtt('Alarm', 'Arn')).toBe(`arn:aws:cloudwatch:${region}:${account}:alarm:Alarm`);
    expect(resolver.ref('Api')).toBe('Api');
    expect(resolver.getAtt('Api', 'RootResourceId')).toBe('ApiRoot');
    expect(resolver.ref('Stage')).toBe('v1');
    expect(resolver.ref('Permission')).toBe('Permission');
  });

  it('names resources as the override map says, and everything derived follows', () => {
    const overridden = createResolver(template, { physicalNames: { Table: 'test-table-7', Queue: 'dlq' } });
    expect(overridden.resolve({ Ref: 'Table' })).toBe('test-table-7');
    expect(overridden.resolve({ 'Fn::GetAtt': ['Table', 'Arn'] })).toBe(
      `arn:aws:dynamodb:${region}:${account}:table/test-table-7`,
    );
    expect(overridden.resolve({ Ref: 'Queue' })).toBe(`https://sqs.${region}.amazonaws.com/${account}/dlq`);
  });

  it('refuses unknown resources, attributes and intrinsics instead of guessing', () => {
    expect(() => resolver.resolve({ Ref: 'Missing' })).toThrow(/unknown resource Missing/);
    expect(() => resolver.resolve({ 'Fn::GetAtt': ['Missing', 'Arn'] })).toThrow(/unknown resource Missing/);
    expect(() => resolver.resolve({ 'Fn::GetAtt': ['Topic', 'Nope'] })).toThrow(
      /No local value for Fn::GetAtt Topic.Nope/,
    );
    expect(() => resolver.resolve({ 'Fn::If': ['C', 'a', 'b'] })).toThrow(/Unsupported intrinsic Fn::If/);
  });
});
