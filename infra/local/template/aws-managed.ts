// The AWS-owned policies the template refers to but does not contain: AWS managed IAM policies attached to its
// roles, and the key policy of AWS managed KMS keys (alias/aws/<service>), as AWS publishes them.
import type { PolicyDocument } from './model.ts';

const logsWrite = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

/** AWS managed policy ARN suffix (after `:iam::aws:policy/`) → document. */
const managedPolicies: Record<string, PolicyDocument> = {
  'service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: logsWrite, Resource: '*' }],
  },
  'service-role/AmazonAPIGatewayPushToCloudWatchLogs': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          ...logsWrite,
          'logs:DescribeLogGroups',
          'logs:DescribeLogStreams',
          'logs:GetLogEvents',
          'logs:FilterLogEvents',
        ],
        Resource: '*',
      },
    ],
  },
};

/** The document of an AWS managed policy, or undefined for one this module does not know. */
export function awsManagedPolicy(policyArn: string): PolicyDocument | undefined {
  const name = /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(policyArn)?.[1];
  return name ? managedPolicies[name] : undefined;
}

/** Key policy of the AWS managed key of a service: usable by the account's principals through that service only. */
export function awsManagedKeyPolicy(service: string, account: string, region: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: `Allow access through ${service} for all principals in the account that are authorized to use it`,
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:CreateGrant',
          'kms:DescribeKey',
        ],
        Resource: '*',
        Condition: {
          StringEquals: {
            'kms:CallerAccount': account,
            'kms:ViaService': `${service}.${region}.amazonaws.com`,
          },
        },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'],
        Resource: '*',
      },
    ],
  };
}
