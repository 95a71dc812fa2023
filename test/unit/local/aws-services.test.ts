// The local endpoint answers the real SDK clients for S3, Step Functions, EventBridge, Secrets Manager and
// DynamoDB denials the way AWS does, and names anything it does not emulate instead of hanging.
import { DynamoDBClient, DynamoDBServiceException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  EventBridgeClient,
  ResourceNotFoundException as NoBus,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEventEntry, LocalWorkflowEndpoint } from '../../../infra/local/aws/types.ts';
import { S3BlobStore } from '../../../shared/adapters/blob-store.ts';
import { account, type Harness, region, rejection, startHarness } from '../../support/local-aws-harness.ts';

const stateMachine = `arn:aws:states:${region}:${account}:stateMachine:batch`;
const secretArn = `arn:aws:secretsmanager:${region}:${account}:secret:bank-cert-AbCdEf`;
const bucketKey = `arn:aws:kms:${region}:${account}:key/archive`;
const table = `arn:aws:dynamodb:${region}:${account}:table/connector`;

function fakeWorkflow(): LocalWorkflowEndpoint & { log: string[] } {
  const started = new Set<string>();
  const log: string[] = [];
  const named = (name: string, message: string) => Object.assign(new Error(message), { name });
  return {
    log,
    async startExecution({ stateMachineArn, name, input }) {
      if (stateMachineArn !== stateMachine)
        throw named('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
      if (name && started.has(name))
        throw named('ExecutionAlreadyExists', `Execution Already Exists: '${name}'`);
      if (name) started.add(name);
      log.push(`start ${name} ${input}`);
      return {
        executionArn: `arn:aws:states:${region}:${account}:execution:batch:${name}`,
        startDate: new Date('2026-11-29T10:00:00Z'),
      };
    },
    async sendTaskSuccess(token, output) {
      if (token !== 'token-1') throw named('TaskDoesNotExist', 'Task Does Not Exist');
      log.push(`success ${token} ${output}`);
    },
    async sendTaskFailure(token, error, cause) {
      log.push(`failure ${token} ${error} ${cause}`);
    },
    async describeExecution(executionArn) {
      return {
        executionArn,
        stateMachineArn: stateMachine,
        status: 'RUNNING',
        startDate: new Date('2026-11-29T10:00:00Z'),
      };
    },
  };
}

describe('local AWS endpoint', () => {
  let h: Harness;
  const workflow = fakeWorkflow();
  const events: LocalEventEntry[] = [];

  beforeAll(async () => {
    h = await startHarness(
      {
        api: [`states:StartExecution ${stateMachine}`, 'states:DescribeExecution *'],
        collector: [
          'states:SendTask* *',
          's3:PutObject arn:aws:s3:::archive/bank-messages/*',
          's3:GetObject arn:aws:s3:::archive/bank-messages/*',
          `kms:GenerateDataKey ${bucketKey}`,
          `kms:Decrypt ${bucketKey}`,
          'events:PutEvents *',
          `secretsmanager:GetSecretValue ${secretArn}`,
          `kms:Decrypt arn:aws:kms:${region}:${account}:key/secrets`,
        ],
        lister: ['s3:* *', 'kms:* *', 'secretsmanager:* *'],
        nokms: ['s3:* *', 'secretsmanager:* *'],
      },
      {
        workflow,
        buckets: ['archive'],
        eventBuses: ['connector-events'],
        secrets: [{ arn: secretArn, name: 'bank-cert', value: '{"certificatePem":"c","privateKeyPem":"k"}' }],
        kmsKeyOf: (arn) =>
          arn === 'arn:aws:s3:::archive'
            ? bucketKey
            : arn === secretArn
              ? `arn:aws:kms:${region}:${account}:key/secrets`
              : undefined,
        onEvents: (entries) => events.push(...entries),
      },
    );
  });
  afterAll(() => h.close());

  describe('S3', () => {
    it('stores and reads objects path-style as files, with content type and user metadata', async () => {
      const s3 = new S3Client(h.client('collector'));
      const store = new S3BlobStore(s3, 'archive');
      const body = '<Document>ä</Document>'.repeat(1000);
      await expect(store.put('bank-messages/2026/m1.xml', body)).resolves.toMatchObject({
        bytes: Buffer.byteLength(body),
      });
      expect(await store.get('bank-messages/2026/m1.xml')).toBe(body);

      await s3.send(
        new PutObjectCommand({
          Bucket: 'archive',
          Key: 'bank-messages/m 2+x.txt',
          Body: 'hi',
          ContentType: 'text/plain',
          Metadata: { origin: 'bank' },
        }),
      );
      const head = await s3.send(
        new HeadObjectCommand({ Bucket: 'archive', Key: 'bank-messages/m 2+x.txt' }),
      );
      expect(head).toMatchObject({
        ContentType: 'text/plain',
        ContentLength: 2,
        Metadata: { origin: 'bank' },
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: bucketKey,
      });
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(`${h.dataDir}/s3/archive/bank-messages/m 2+x.txt`, 'utf8')).toBe('hi');
    });

    it('accepts streamed uploads (aws-chunked with a trailing checksum)', async () => {
      const { Readable } = await import('node:stream');
      const s3 = new S3Client(h.client('collector'));
      await s3.send(
        new PutObjectCommand({
          Bucket: 'archive',
          Key: 'bank-messages/streamed.txt',
          Body: Readable.from([Buffer.from('part one, '), Buffer.from('part two')]),
          ContentLength: 18,
        }),
      );
      const got = await s3.send(
        new GetObjectCommand({ Bucket: 'archive', Key: 'bank-messages/streamed.txt' }),
      );
      expect(await got.Body?.transformToString()).toBe('part one, part two');
    });

    it('answers a missing key with NoSuchKey only to callers allowed s3:ListBucket, else AccessDenied', async () => {
      const lister = new S3Client(h.client('lister'));
      expect(
        await rejection(lister.send(new GetObjectCommand({ Bucket: 'archive', Key: 'bank-messages/none' }))),
      ).toBeInstanceOf(NoSuchKey);
      const notFound = await rejection(
        lister.send(new HeadObjectCommand({ Bucket: 'archive', Key: 'bank-messages/none' })),
      );
      expect(notFound.name).toBe('NotFound');
      const collector = new S3Client(h.client('collector'));
      const hidden = await rejection(
        collector.send(new GetObjectCommand({ Bucket: 'archive', Key: 'bank-messages/none' })),
      );
      expect(hidden.name).toBe('AccessDenied');
      expect(hidden.$metadata?.httpStatusCode).toBe(403);
      expect(
        await rejection(lister.send(new GetObjectCommand({ Bucket: 'other', Key: 'k' }))),
      ).toBeInstanceOf(NoSuchBucket);
    });

    it('denies objects outside the granted prefix and objects whose KMS key the caller may not use', async () => {
      const collector = new S3Client(h.client('collector'));
      const denied = await rejection(
        collector.send(new PutObjectCommand({ Bucket: 'archive', Key: 'elsewhere/x', Body: 'x' })),
      );
      expect(denied).toBeInstanceOf(S3ServiceException);
      expect(denied.name).toBe('AccessDenied');
      expect(denied.message).toContain('s3:PutObject on resource: arn:aws:s3:::archive/elsewhere/x');
      const nokms = new S3Client(h.client('nokms'));
      const kms = await rejection(
        nokms.send(new PutObjectCommand({ Bucket: 'archive', Key: 'bank-messages/y', Body: 'y' })),
      );
      expect(kms.name).toBe('AccessDenied');
      expect(kms.message).toContain('kms:GenerateDataKey');
      const read = await rejection(
        nokms.send(new GetObjectCommand({ Bucket: 'archive', Key: 'bank-messages/2026/m1.xml' })),
      );
      expect(read.message).toContain('kms:Decrypt');
    });

    it('names S3 operations it does not emulate', async () => {
      const lister = new S3Client(h.client('lister'));
      const error = await rejection(lister.send(new ListObjectsV2Command({ Bucket: 'archive' })));
      expect(error.name).toBe('NotEmulatedLocally');
      expect(error.message).toContain('s3 ListObjectsV2 is not emulated locally');
    });
  });

  describe('Step Functions', () => {
    it('starts executions and reports ExecutionAlreadyExists and StateMachineDoesNotExist', async () => {
      const sfn = new SFNClient(h.client('api'));
      const started = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: stateMachine, name: 'b1', input: '{"batchId":"b1"}' }),
      );
      expect(started.executionArn).toContain(':execution:batch:b1');
      expect(started.startDate).toEqual(new Date('2026-11-29T10:00:00Z'));
      expect(
        await rejection(sfn.send(new StartExecutionCommand({ stateMachineArn: stateMachine, name: 'b1' }))),
      ).toBeInstanceOf(ExecutionAlreadyExists);
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      expect(described).toMatchObject({ status: 'RUNNING', startDate: new Date('2026-11-29T10:00:00Z') });
    });

    it('resumes and fails task tokens, with TaskDoesNotExist for unknown ones', async () => {
      const sfn = new SFNClient(h.client('collector'));
      await sfn.send(new SendTaskSuccessCommand({ taskToken: 'token-1', output: '{"ok":true}' }));
      await sfn.send(
        new SendTaskFailureCommand({ taskToken: 'token-2', error: 'Bank.Rejected', cause: 'AC04' }),
      );
      expect(workflow.log.slice(-2)).toEqual([
        'success token-1 {"ok":true}',
        'failure token-2 Bank.Rejected AC04',
      ]);
      expect(
        await rejection(sfn.send(new SendTaskSuccessCommand({ taskToken: 'nope', output: '{}' }))),
      ).toBeInstanceOf(TaskDoesNotExist);
      // Task-token actions take no resource: IAM evaluates them on "*".
      expect(
        h.calls.filter((c) => c.action === 'states:SendTaskSuccess').every((c) => c.resource === '*'),
      ).toBe(true);
    });

    it('denies with AccessDeniedException', async () => {
      const error = await rejection(
        new SFNClient(h.client('api')).send(
          new SendTaskSuccessCommand({ taskToken: 'token-1', output: '{}' }),
        ),
      );
      expect(error.name).toBe('AccessDeniedException');
      expect(error.message).toContain('states:SendTaskSuccess on resource: *');
    });
  });

  describe('EventBridge', () => {
    it('accepts PutEvents onto known buses and reports the entries', async () => {
      const eb = new EventBridgeClient(h.client('collector'));
      const result = await eb.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'connector-events',
              Source: 'envoice.coop-pank-connector',
              DetailType: 'PaymentStatusChanged',
              Detail: '{"eventId":"e1"}',
              Time: new Date('2026-11-29T10:00:00Z'),
            },
            { EventBusName: 'connector-events', Source: 's', DetailType: 'd', Detail: 'not json' },
          ],
        }),
      );
      expect(result.FailedEntryCount).toBe(1);
      expect(result.Entries?.[1]).toEqual({
        ErrorCode: 'MalformedDetail',
        ErrorMessage: 'Detail is malformed.',
      });
      expect(events.at(-1)).toMatchObject({
        eventBusName: 'connector-events',
        detailType: 'PaymentStatusChanged',
        detail: { eventId: 'e1' },
        time: new Date('2026-11-29T10:00:00Z'),
      });
      expect(result.Entries?.[0]?.EventId).toBe(events.at(-1)?.eventId);
      expect(h.calls.at(-1)).toMatchObject({
        action: 'events:PutEvents',
        resource: `arn:aws:events:${region}:${account}:event-bus/connector-events`,
      });
    });

    it('fails for unknown buses and denied callers', async () => {
      const entry = { EventBusName: 'missing', Source: 's', DetailType: 'd', Detail: '{}' };
      expect(
        await rejection(
          new EventBridgeClient(h.client('collector')).send(new PutEventsCommand({ Entries: [entry] })),
        ),
      ).toBeInstanceOf(NoBus);
      const denied = await rejection(
        new EventBridgeClient(h.client('api')).send(new PutEventsCommand({ Entries: [entry] })),
      );
      expect(denied.name).toBe('AccessDeniedException');
    });
  });

  describe('Secrets Manager', () => {
    it('returns a secret by ARN or name, with kms:Decrypt checked on its key', async () => {
      const sm = new SecretsManagerClient(h.client('collector'));
      const byArn = await sm.send(new GetSecretValueCommand({ SecretId: secretArn }));
      expect(byArn).toMatchObject({
        ARN: secretArn,
        Name: 'bank-cert',
        SecretString: '{"certificatePem":"c","privateKeyPem":"k"}',
      });
      const byName = await new SecretsManagerClient(h.client('lister')).send(
        new GetSecretValueCommand({ SecretId: 'bank-cert' }),
      );
      expect(byName.ARN).toBe(secretArn);
      const kms = await rejection(
        new SecretsManagerClient(h.client('nokms')).send(new GetSecretValueCommand({ SecretId: secretArn })),
      );
      expect(kms.name).toBe('AccessDeniedException');
      expect(kms.message).toBe('Access to KMS is not allowed');
    });

    it('reports unknown secrets and denied callers', async () => {
      const missing = await rejection(
        new SecretsManagerClient(h.client('lister')).send(new GetSecretValueCommand({ SecretId: 'nope' })),
      );
      expect(missing).toBeInstanceOf(ResourceNotFoundException);
      const denied = await rejection(
        new SecretsManagerClient(h.client('api')).send(new GetSecretValueCommand({ SecretId: secretArn })),
      );
      expect(denied.name).toBe('AccessDeniedException');
      expect(denied.message).toContain(`secretsmanager:GetSecretValue on resource: ${secretArn}`);
    });
  });

  it('denies a DynamoDB call before it reaches DynamoDB Local, with AccessDeniedException', async () => {
    const dynamo = new DynamoDBClient(h.client('api'));
    const error = await rejection(
      dynamo.send(new PutItemCommand({ TableName: 'connector', Item: { pk: { S: 'a' } } })),
    );
    expect(error).toBeInstanceOf(DynamoDBServiceException);
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(`dynamodb:PutItem on resource: ${table}`);
  });

  it('fails calls to services and operations it does not emulate, naming both', async () => {
    const topic = await rejection(new SNSClient(h.client('api')).send(new CreateTopicCommand({ Name: 't' })));
    expect(topic.name).toBe('NotEmulatedLocally');
    expect(topic.message).toContain('sns CreateTopic is not emulated locally');
    const response = await fetch(h.aws.endpoint, {
      method: 'POST',
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=api/20261129/${region}/kinesis/aws4_request, SignedHeaders=host, Signature=0`,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.PutRecord',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('NotEmulatedLocally');
    expect(((await response.json()) as { message: string }).message).toContain(
      'kinesis PutRecord is not emulated locally',
    );
  });

  it('is reached through the SDK standard AWS_ENDPOINT_URL setting, S3 in path style', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: h.aws.endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: 'collector',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    try {
      const s3 = new S3Client({});
      await s3.send(new PutObjectCommand({ Bucket: 'archive', Key: 'bank-messages/env.txt', Body: 'env' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'archive', Key: 'bank-messages/env.txt' }));
      expect(await got.Body?.transformToString()).toBe('env');
      expect(h.calls.at(-2)?.accessKeyId).toBe('collector');
    } finally {
      process.env = saved;
    }
  });
});
