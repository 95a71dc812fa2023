// The local model of a synthesized template: functions with resolved environment and roles, policies, keys
// and the service wiring, on a small template shaped like CDK's output.
import { describe, expect, it } from 'vitest';
import type { CloudFormationTemplate } from '../../../infra/local/synthesize.ts';
import { createLocalModel, ownerArnOf } from '../../../infra/local/template/model.ts';

const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const root = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']],
};
const lambdaTrust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

const template = {
  Resources: {
    Key: {
      Type: 'AWS::KMS::Key',
      Properties: {
        KeyPolicy: {
          Statement: [{ Effect: 'Allow', Principal: { AWS: root }, Action: 'kms:*', Resource: '*' }],
        },
      },
    },
    Table: {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: {
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [{ Region: 'eu-north-1', SSESpecification: { KMSMasterKeyId: arnOf('Key') } }],
      },
    },
    Topic: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: arnOf('Key') } },
    TopicPolicy: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [{ Ref: 'Topic' }],
        PolicyDocument: {
          Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: { Ref: 'Topic' } }],
        },
      },
    },
    Archive: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arnOf('Key') } },
          ],
        },
      },
    },
    ArchivePolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: 'Archive' },
        PolicyDocument: {
          Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: '*' }],
        },
      },
    },
    Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { KmsKeyId: arnOf('Key') } },
    PlainSecret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    DeadLetters: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: 'alias/aws/sqs' } },
    DeadLettersPolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: 'DeadLetters' }],
        PolicyDocument: {
          Statement: [
            { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sqs:*', Resource: arnOf('DeadLetters') },
          ],
        },
      },
    },
    Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'envoice' } },
    FnRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: lambdaTrust,
        ManagedPolicyArns: [
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
              ],
            ],
          },
        ],
        Policies: [
          {
            PolicyName: 'own',
            PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] },
          },
        ],
      },
    },
    FnRoleDefaultPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'FnRoleDefaultPolicy',
        Roles: [{ Ref: 'FnRole' }],
        PolicyDocument: {
          Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: arnOf('Table') }],
        },
      },
    },
    Fn: {
      Type: 'AWS::Lambda::Function',
      Metadata: { LocalEntry: 'functions/submit-batch/handler.ts' },
      Properties: {
        Handler: 'index.handler',
        Role: arnOf('FnRole'),
        Timeout: 30,
        MemorySize: 512,
        LoggingConfig: { LogGroup: { Ref: 'FnLogs' } },
        Environment: {
          Variables: {
            TABLE_NAME: { Ref: 'Table' },
            TOPIC_ARN: { Ref: 'Topic' },
            SECRET_ARN: { Ref: 'Secret' },
            BUCKET: { Ref: 'Archive' },
            BUS: { Ref: 'Bus' },
            RETRIES: 3,
          },
        },
      },
    },
    FnLogs: { Type: 'AWS::Logs::LogGroup', Properties: {} },
    Helper: {
      Type: 'AWS::Lambda::Function',
      Properties: { Handler: 'index.handler', Role: arnOf('FnRole') },
    },
    FnPermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf('Fn'),
        Principal: 'apigateway.amazonaws.com',
        SourceArn: 'arn:aws:execute-api:eu-north-1:000000000000:api/*',
      },
    },
    FnInvokeConfig: {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: { Ref: 'Fn' },
        DestinationConfig: { OnFailure: { Destination: arnOf('DeadLetters') } },
      },
    },
    SchedulerRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: lambdaTrust } },
    Group: { Type: 'AWS::Scheduler::ScheduleGroup' },
    Schedule: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        GroupName: { Ref: 'Group' },
        Target: {
          Arn: arnOf('Fn'),
          RoleArn: arnOf('SchedulerRole'),
          DeadLetterConfig: { Arn: arnOf('DeadLetters') },
        },
      },
    },
    Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'Topic' }] } },
    MachineRole: { Type: 'AWS::IAM::Role', Properties: {} },
    Machine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        RoleArn: arnOf('MachineRole'),
        DefinitionString: {
          'Fn::Join': [
            '',
            [
              '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"',
              arnOf('Fn'),
              '","Next":"B"},"B":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"C","States":{"C":{"Type":"Task","Resource":"arn:',
              { Ref: 'AWS::Partition' },
              ':states:::lambda:invoke","Parameters":{"FunctionName":"',
              arnOf('Helper'),
              '"},"End":true}}}]}}}',
            ],
          ],
        },
      },
    },
  },
} as unknown as CloudFormationTemplate;

const account = '000000000000';
const region = 'eu-north-1';

describe('local template model', () => {
  const model = createLocalModel(template, { physicalNames: { Table: 'test-table-3' } });

  it('lists functions bound to a handler file with their resolved environment, role and limits', () => {
    expect(model.functions.map((fn) => fn.logicalId)).toEqual(['Fn']);
    const fn = model.functionByEntry('functions/submit-batch/handler.ts');
    expect(fn).toMatchObject({
      functionName: 'Fn',
      arn: `arn:aws:lambda:${region}:${account}:function:Fn`,
      handler: 'index.handler',
      roleLogicalId: 'FnRole',
      roleArn: `arn:aws:iam::${account}:role/FnRole`,
      sessionArn: `arn:aws:sts::${account}:assumed-role/FnRole/Fn`,
      timeoutSeconds: 30,
      memoryMb: 512,
      logGroupName: 'FnLogs',
    });
    expect(fn?.environment).toMatchObject({
      TABLE_NAME: 'test-table-3',
      TOPIC_ARN: `arn:aws:sns:${region}:${account}:Topic`,
      BUCKET: 'archive',
      BUS: 'envoice',
      RETRIES: '3',
    });
    expect(fn?.environment.SECRET_ARN).toMatch(/:secret:Secret-[a-z0-9]{6}$/);
    expect(model.functionOf('Fn')).toBe(fn);
    expect(model.functionOf(`${fn?.arn}:$LATEST`)).toBe(fn);
    expect(model.functionByEntry('functions/nothing/handler.ts')).toBeUndefined();
  });

  it("collects a role's inline policies (Policy resources and its own), and lists managed ARNs apart", () => {
    const roleArn = `arn:aws:iam::${account}:role/FnRole`;
    expect(model.identityPoliciesOf(roleArn)).toEqual([
      { Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] },
      {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'dynamodb:GetItem',
            Resource: `arn:aws:dynamodb:${region}:${account}:table/test-table-3`,
          },
        ],
      },
    ]);
    expect(model.managedPolicyArnsOf(roleArn)).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
    expect(model.roleOf('FnRole')?.trustPolicy).toEqual(lambdaTrust);
  });

  it('finds the resource policy that governs an ARN, including objects, qualified functions and roles', () => {
    const topicArn = `arn:aws:sns:${region}:${account}:Topic`;
    expect(model.resourcePolicyOf(topicArn)?.Statement[0]?.Effect).toBe('Deny');
    expect(model.resourcePolicyOf('arn:aws:s3:::archive/bank-messages/1.xml')?.Statement[0]?.Action).toBe(
      's3:*',
    );
    expect(model.resourcePolicyOf(`arn:aws:sqs:${region}:${account}:DeadLetters`)?.Statement).toHaveLength(1);
    expect(
      model.resourcePolicyOf(`arn:aws:kms:${region}:${account}:key/Key`)?.Statement[0]?.Principal,
    ).toEqual({
      AWS: `arn:aws:iam::${account}:root`,
    });
    expect(model.resourcePolicyOf(`arn:aws:lambda:${region}:${account}:function:Fn:live`)?.Statement).toEqual(
      [
        {
          Effect: 'Allow',
          Principal: { Service: 'apigateway.amazonaws.com' },
          Action: 'lambda:InvokeFunction',
          Resource: `arn:aws:lambda:${region}:${account}:function:Fn`,
          Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:execute-api:eu-north-1:000000000000:api/*' } },
        },
      ],
    );
    expect(model.resourcePolicyOf(`arn:aws:iam::${account}:role/FnRole`)).toEqual(lambdaTrust);
    expect(model.resourcePolicyOf(`arn:aws:events:${region}:${account}:event-bus/envoice`)).toBeUndefined();
  });

  it('knows the KMS key of each encrypted resource, AWS managed keys included', () => {
    const key = `arn:aws:kms:${region}:${account}:key/Key`;
    expect(model.kmsKeyOf(`arn:aws:sns:${region}:${account}:Topic`)).toBe(key);
    expect(model.kmsKeyOf('arn:aws:s3:::archive/x')).toBe(key);
    expect(model.kmsKeyOf(model.arnOf('Secret'))).toBe(key);
    expect(model.kmsKeyOf(`arn:aws:dynamodb:${region}:${account}:table/test-table-3/index/gsi1`)).toBe(key);
    expect(model.kmsKeyOf(model.arnOf('PlainSecret'))).toBe(
      `arn:aws:kms:${region}:${account}:key/aws-managed-secretsmanager`,
    );
    const queueKey = model.kmsKeyOf(model.arnOf('DeadLetters'));
    expect(queueKey).toBe(`arn:aws:kms:${region}:${account}:key/aws-managed-sqs`);
    expect(model.resourcePolicyOf(String(queueKey))?.Statement[0]?.Condition).toEqual({
      StringEquals: { 'kms:CallerAccount': account, 'kms:ViaService': `sqs.${region}.amazonaws.com` },
    });
    expect(model.kmsKeyOf(`arn:aws:events:${region}:${account}:event-bus/envoice`)).toBeUndefined();
  });

  it('describes schedules, alarms, async destinations and the functions a state machine runs', () => {
    expect(model.schedules).toMatchObject([
      {
        arn: `arn:aws:scheduler:${region}:${account}:schedule/Group/Schedule`,
        groupName: 'Group',
        targetArn: model.arnOf('Fn'),
        roleArn: model.arnOf('SchedulerRole'),
        deadLetterArn: model.arnOf('DeadLetters'),
      },
    ]);
    expect(model.alarms.map((alarm) => alarm.alarmActions)).toEqual([[model.arnOf('Topic')]]);
    expect(model.eventInvokeConfigs).toEqual([
      {
        logicalId: 'FnInvokeConfig',
        functionArn: model.arnOf('Fn'),
        onFailure: model.arnOf('DeadLetters'),
        onSuccess: undefined,
      },
    ]);
    const [machine] = model.stateMachines;
    expect(machine?.roleArn).toBe(model.arnOf('MachineRole'));
    expect(machine?.invokedFunctionArns).toEqual([model.arnOf('Fn'), model.arnOf('Helper')]);
    expect(machine?.functionEntries.get(model.arnOf('Fn'))).toBe('functions/submit-batch/handler.ts');
  });

  it('lists resources by kind and maps names, URLs and ARNs back to logical ids', () => {
    expect(model.tables.map((table) => table.name)).toEqual(['test-table-3']);
    expect(model.topics.map((topic) => topic.ref)).toEqual([`arn:aws:sns:${region}:${account}:Topic`]);
    expect(model.buckets.map((bucket) => bucket.name)).toEqual(['archive']);
    expect(model.eventBuses.map((bus) => bus.arn)).toEqual([
      `arn:aws:events:${region}:${account}:event-bus/envoice`,
    ]);
    expect(model.secrets).toHaveLength(2);
    expect(model.logicalIdOf(`https://sqs.${region}.amazonaws.com/${account}/DeadLetters`)).toBe(
      'DeadLetters',
    );
    expect(model.logicalIdOf('test-table-3')).toBe('Table');
    expect(model.physicalNameOf('Table')).toBe('test-table-3');
    expect(() => model.arnOf('TopicPolicy')).toThrow(/has no ARN/);
  });

  it('attributes S3 objects to their bucket, DynamoDB indexes to their table and qualified ARNs to the function', () => {
    expect(ownerArnOf('arn:aws:s3:::b/k/x')).toBe('arn:aws:s3:::b');
    expect(ownerArnOf('arn:aws:dynamodb:r:1:table/t/index/i')).toBe('arn:aws:dynamodb:r:1:table/t');
    expect(ownerArnOf('arn:aws:lambda:r:1:function:f:3')).toBe('arn:aws:lambda:r:1:function:f');
    expect(ownerArnOf('arn:aws:sns:r:1:t')).toBe('arn:aws:sns:r:1:t');
  });
});
