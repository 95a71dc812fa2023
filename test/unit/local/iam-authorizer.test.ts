// The IAM evaluator over a template's roles and resource policies: verdicts and AWS's wording for denials,
// resource and key policies, service principals, and the report of calls and unused grants.
import { describe, expect, it } from 'vitest';
import type { CloudFormationTemplate } from '../../../infra/local/synthesize.ts';
import { createIamAuthorizer, impliedKmsActions } from '../../../infra/local/template/iam.ts';
import { createLocalModel } from '../../../infra/local/template/model.ts';

const account = '000000000000';
const region = 'eu-north-1';
const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const root = `arn:aws:iam::${account}:root`;
const secureOnly = (action: string, resource: unknown) => ({
  Sid: 'AllowPublishThroughSSLOnly',
  Effect: 'Deny',
  Principal: '*',
  Action: action,
  Resource: resource,
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

const template = {
  Resources: {
    // Delegates to IAM: the role's policies decide.
    DataKey: {
      Type: 'AWS::KMS::Key',
      Properties: {
        KeyPolicy: {
          Statement: [{ Effect: 'Allow', Principal: { AWS: root }, Action: 'kms:*', Resource: '*' }],
        },
      },
    },
    // Does not delegate to the account: IAM alone is not enough.
    ClosedKey: {
      Type: 'AWS::KMS::Key',
      Properties: {
        KeyPolicy: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${account}:role/Admin` },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceAccount': account } },
            },
          ],
        },
      },
    },
    Table: {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: {
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [{ Region: region, SSESpecification: { KMSMasterKeyId: arnOf('DataKey') } }],
      },
    },
    Topic: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: arnOf('ClosedKey') } },
    TopicPolicy: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [{ Ref: 'Topic' }],
        PolicyDocument: {
          Statement: [
            secureOnly('sns:Publish', { Ref: 'Topic' }),
            {
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: { Ref: 'Topic' },
              Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${region}:${account}:alarm:*` } },
            },
          ],
        },
      },
    },
    Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
    BucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: 'Bucket' },
        PolicyDocument: {
          Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:DeleteObject', Resource: '*' }],
        },
      },
    },
    FnRole: { Type: 'AWS::IAM::Role', Properties: {} },
    FnRolePolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'FnRoleDefaultPolicy',
        Roles: [{ Ref: 'FnRole' }],
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: ['xray:PutTraceSegments'], Resource: '*' },
            {
              Effect: 'Allow',
              Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
              Resource: [arnOf('Table'), { 'Fn::Join': ['', [arnOf('Table'), '/index/*']] }],
            },
            {
              Sid: 'DataKeyUse',
              Effect: 'Allow',
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: arnOf('DataKey'),
            },
            { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: 'Topic' } },
            { Effect: 'Allow', Action: 'kms:Decrypt', Resource: arnOf('ClosedKey') },
            {
              Effect: 'Allow',
              Action: 's3:*Object',
              Resource: { 'Fn::Join': ['', [arnOf('Bucket'), '/*']] },
            },
            { Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: arnOf('Table') },
          ],
        },
      },
    },
    Fn: {
      Type: 'AWS::Lambda::Function',
      Metadata: { LocalEntry: 'functions/finalize-batch/handler.ts' },
      Properties: { Role: arnOf('FnRole'), Handler: 'index.handler' },
    },
  },
} as unknown as CloudFormationTemplate;

const model = createLocalModel(template);
const tableArn = model.arnOf('Table');
const topicArn = model.arnOf('Topic');
const session = `arn:aws:sts::${account}:assumed-role/FnRole/Fn`;

describe('IAM authorizer', () => {
  it('allows what an identity policy allows, for the function by logical id, name or ARN', async () => {
    const iam = createIamAuthorizer(model);
    for (const principal of ['Fn', model.arnOf('Fn')]) {
      expect(await iam.authorize({ principal, action: 'dynamodb:GetItem', resource: tableArn })).toEqual({
        allowed: true,
      });
    }
    expect(
      await iam.authorize({
        principal: 'Fn',
        action: 'dynamodb:GetItem',
        resource: `${tableArn}/index/gsi1`,
      }),
    ).toEqual({
      allowed: true,
    });
  });

  it('denies what no statement allows, in the words AWS uses', async () => {
    const iam = createIamAuthorizer(model);
    expect(
      await iam.authorize({ principal: 'Fn', action: 'dynamodb:DeleteItem', resource: tableArn }),
    ).toEqual({
      allowed: false,
      reason: 'no-identity-allow',
      errorCode: 'AccessDeniedException',
      httpStatus: 400,
      action: 'dynamodb:DeleteItem',
      resource: tableArn,
      message: `User: ${session} is not authorized to perform: dynamodb:DeleteItem on resource: ${tableArn} because no identity-based policy allows the dynamodb:DeleteItem action`,
    });
  });

  it('denies what an identity policy explicitly denies, even when another statement allows it', async () => {
    const verdict = await createIamAuthorizer(model).authorize({
      principal: 'Fn',
      action: 'dynamodb:PutItem',
      resource: tableArn,
    });
    expect(verdict).toMatchObject({
      allowed: false,
      reason: 'explicit-deny-identity',
      message: `User: ${session} is not authorized to perform: dynamodb:PutItem on resource: ${tableArn} with an explicit deny in an identity-based policy`,
    });
  });

  it("applies the resource's policy: SNS's secure-transport Deny and an S3 bucket policy Deny", async () => {
    const iam = createIamAuthorizer(model);
    expect(await iam.authorize({ principal: 'Fn', action: 'sns:Publish', resource: topicArn })).toEqual({
      allowed: true,
    });
    const insecure = await iam.authorize({
      principal: 'Fn',
      action: 'sns:Publish',
      resource: topicArn,
      context: { 'aws:SecureTransport': 'false' },
    });
    expect(insecure).toMatchObject({
      allowed: false,
      reason: 'explicit-deny-resource',
      errorCode: 'AuthorizationError',
      httpStatus: 403,
    });
    const objectArn = `${model.arnOf('Bucket')}/bank-messages/1.xml`;
    expect(await iam.authorize({ principal: 'Fn', action: 's3:PutObject', resource: objectArn })).toEqual({
      allowed: true,
    });
    expect(
      await iam.authorize({ principal: 'Fn', action: 's3:DeleteObject', resource: objectArn }),
    ).toMatchObject({
      allowed: false,
      reason: 'explicit-deny-resource',
      errorCode: 'AccessDenied',
      message: expect.stringContaining('with an explicit deny in a resource-based policy'),
    });
  });

  it('requires the key policy too: a key that does not delegate to the account refuses IAM-only grants', async () => {
    const iam = createIamAuthorizer(model);
    const dataKey = model.arnOf('DataKey');
    const closedKey = model.arnOf('ClosedKey');
    expect(await iam.authorize({ principal: 'Fn', action: 'kms:Decrypt', resource: dataKey })).toEqual({
      allowed: true,
    });
    expect(await iam.authorize({ principal: 'Fn', action: 'kms:Encrypt', resource: dataKey })).toMatchObject({
      allowed: false,
      reason: 'no-identity-allow',
    });
    expect(
      await iam.authorize({ principal: 'Fn', action: 'kms:Decrypt', resource: closedKey }),
    ).toMatchObject({
      allowed: false,
      reason: 'no-resource-allow',
      message: `User: ${session} is not authorized to perform: kms:Decrypt on resource: ${closedKey} because no resource-based policy allows the kms:Decrypt action`,
    });
  });

  it("checks the KMS use behind a call on an encrypted resource, reported as the service's KMS error", async () => {
    const iam = createIamAuthorizer(model);
    expect(
      await iam.authorizeWithKey({ principal: 'Fn', action: 'dynamodb:GetItem', resource: tableArn }),
    ).toEqual({
      allowed: true,
    });
    expect(
      await iam.authorizeWithKey({ principal: 'Fn', action: 'sns:Publish', resource: topicArn }),
    ).toMatchObject({
      allowed: false,
      action: 'kms:GenerateDataKey',
      resource: model.arnOf('ClosedKey'),
      errorCode: 'KMSAccessDenied',
    });
    expect(impliedKmsActions('sqs:SendMessage')).toEqual(['kms:GenerateDataKey', 'kms:Decrypt']);
    expect(impliedKmsActions('dynamodb:DescribeTable')).toEqual([]);
  });

  it('lets a service principal in only through resource policies, with its source conditions', async () => {
    const iam = createIamAuthorizer(model);
    const alarm = { service: 'cloudwatch.amazonaws.com', sourceAccount: account };
    const own = { ...alarm, sourceArn: `arn:aws:cloudwatch:${region}:${account}:alarm:Failures` };
    expect(
      await iam.authorizeServicePrincipal({ ...own, action: 'sns:Publish', resource: topicArn }),
    ).toEqual({ allowed: true });
    expect(
      await iam.authorizeServicePrincipal({
        ...own,
        action: 'kms:GenerateDataKey',
        resource: model.arnOf('ClosedKey'),
      }),
    ).toEqual({ allowed: true });
    const foreign = await iam.authorizeServicePrincipal({
      ...alarm,
      sourceArn: `arn:aws:cloudwatch:${region}:111111111111:alarm:Other`,
      action: 'sns:Publish',
      resource: topicArn,
    });
    expect(foreign).toMatchObject({
      allowed: false,
      reason: 'no-resource-allow',
      message: `Service: cloudwatch.amazonaws.com is not authorized to perform: sns:Publish on resource: ${topicArn} because no resource-based policy allows the sns:Publish action`,
    });
    expect(
      await iam.authorizeServicePrincipal({
        ...own,
        action: 'kms:GenerateDataKey',
        resource: model.arnOf('DataKey'),
      }),
    ).toMatchObject({ allowed: false });
  });

  it('reports every call per function and the grants no allowed call used, wildcards expanded', async () => {
    const iam = createIamAuthorizer(model);
    await iam.authorize({ principal: 'Fn', action: 'dynamodb:GetItem', resource: tableArn });
    await iam.authorize({ principal: 'Fn', action: 'dynamodb:GetItem', resource: tableArn });
    await iam.authorize({ principal: 'Fn', action: 'dynamodb:DeleteItem', resource: tableArn });
    await iam.authorize({ principal: 'Fn', action: 'kms:GenerateDataKey', resource: model.arnOf('DataKey') });
    await iam.authorizeServicePrincipal({
      service: 'cloudwatch.amazonaws.com',
      action: 'sns:Publish',
      resource: topicArn,
      sourceArn: `arn:aws:cloudwatch:${region}:${account}:alarm:A`,
    });
    const report = await iam.report();
    const [fn] = report.functions;
    expect(fn).toMatchObject({
      logicalId: 'Fn',
      entry: 'functions/finalize-batch/handler.ts',
      roleArn: model.arnOf('FnRole'),
    });
    expect(fn?.calls).toEqual([
      { action: 'dynamodb:GetItem', resource: tableArn, verdict: 'allowed', count: 2 },
      { action: 'dynamodb:DeleteItem', resource: tableArn, verdict: 'denied', count: 1 },
      { action: 'kms:GenerateDataKey', resource: model.arnOf('DataKey'), verdict: 'allowed', count: 1 },
    ]);
    const unused = fn?.unusedGrants.map((grant) => `${grant.action} ${grant.resource}`) ?? [];
    expect(unused).toContain(`dynamodb:PutItem ${tableArn}`);
    expect(unused).toContain(`dynamodb:GetItem ${tableArn}/index/*`);
    expect(unused).not.toContain(`dynamodb:GetItem ${tableArn}`);
    // kms:GenerateDataKey* is listed action by action; the one called is not.
    expect(unused).toEqual(
      expect.arrayContaining([
        `kms:GenerateDataKeyPair ${model.arnOf('DataKey')}`,
        `kms:GenerateDataKeyWithoutPlaintext ${model.arnOf('DataKey')}`,
      ]),
    );
    expect(unused).not.toContain(`kms:GenerateDataKey ${model.arnOf('DataKey')}`);
    expect(unused).not.toContain(`kms:GenerateDataKey* ${model.arnOf('DataKey')}`);
    expect(unused).toContain(`s3:GetObject ${model.arnOf('Bucket')}/*`);
    expect(
      fn?.unusedGrants.find(
        (grant) => grant.action === 'kms:Decrypt' && grant.resource === model.arnOf('DataKey'),
      ),
    ).toMatchObject({
      statementSid: 'DataKeyUse',
      policyName: 'FnRoleDefaultPolicy',
    });
    expect(fn?.unusedGrants.find((grant) => grant.action === 'xray:PutTraceSegments')).toMatchObject({
      reason: 'not called through the AWS SDK (X-Ray daemon / Lambda service)',
    });
    expect(report.servicePrincipals).toEqual([
      {
        service: 'cloudwatch.amazonaws.com',
        calls: [{ action: 'sns:Publish', resource: topicArn, verdict: 'allowed', count: 1 }],
      },
    ]);
  });

  it('authorizes actions that have no resource types on "*", as AWS does', async () => {
    const verdict = await createIamAuthorizer(model).authorize({
      principal: 'Fn',
      action: 'states:SendTaskSuccess',
      resource: `arn:aws:states:${region}:${account}:stateMachine:Batch`,
    });
    expect(verdict).toMatchObject({ allowed: false, reason: 'no-identity-allow' });
    expect(
      await createIamAuthorizer(model).authorize({
        principal: 'Fn',
        action: 'xray:PutTraceSegments',
        resource: '*',
      }),
    ).toEqual({ allowed: true });
  });

  it('refuses principals outside the template', async () => {
    await expect(
      createIamAuthorizer(model).authorize({
        principal: 'Nobody',
        action: 'sns:Publish',
        resource: topicArn,
      }),
    ).rejects.toThrow(/No function or role Nobody/);
  });
});
