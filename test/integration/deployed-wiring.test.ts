// What deploys is what runs: every function of the synthesized template starts with exactly the environment
// the template gives it (only endpoints local), and its AWS calls are held to the role the template gives it.
// These are the defects the deployed stack had while every local test passed (issue 13).
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials } from '../../infra/local/functions/function-host.ts';
import { SharedClock } from '../../infra/local/functions/shared-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { isolatedTable } from '../support/dynamodb.ts';
import { sharedTemplate } from '../support/template.ts';

describe('the deployed wiring, run locally', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    const table = await isolatedTable();
    runtime = await startLocalRuntime({
      dynamoDbEndpoint: table.endpoint,
      tableName: table.tableName,
      clock: new SharedClock(),
      bank: { url: 'https://127.0.0.1:9', clientTls: { cert: 'cert', key: 'key', ca: 'ca' } },
      template: await sharedTemplate(),
      print: () => {},
    });
  });
  afterAll(() => runtime?.close());

  it('every function starts with its synthesized environment (a missing variable fails its cold start, naming it)', async () => {
    const failures: string[] = [];
    for (const fn of runtime.model.functions) {
      await runtime.functions.start(fn.logicalId).catch((error: Error) => failures.push(error.message));
    }
    expect(failures).toEqual([]);
    expect(runtime.model.functions.length).toBeGreaterThanOrEqual(32);
  });

  const clientOf = <Client>(make: (config: object) => Client, entry: string): Client => {
    const fn = runtime.functionNamed(entry);
    return make({
      region: runtime.model.region,
      endpoint: runtime.aws.endpoint,
      credentials: localCredentials(fn.logicalId),
    });
  };

  it('task tokens can be resumed: the collector and the milestone step may answer them (defect: no role had states:SendTaskSuccess)', async () => {
    for (const entry of ['collect-bank-messages', 'await-bank-milestone']) {
      const sfn = clientOf((config) => new SFNClient(config), entry);
      // Allowed by IAM: the engine answers that this token belongs to no task, not AccessDenied.
      await expect(
        sfn.send(new SendTaskSuccessCommand({ taskToken: 'no-such-task', output: '{}' })),
      ).rejects.toMatchObject({
        name: expect.stringMatching(/^(TaskDoesNotExist|TaskTimedOut|InvalidToken)$/),
      });
      sfn.destroy();
    }
    const report = await runtime.iamReport();
    const collector = report.functions.find(
      (fn) => fn.logicalId === runtime.functionNamed('collect-bank-messages').logicalId,
    );
    expect(collector?.calls).toContainEqual(
      expect.objectContaining({ action: 'states:SendTaskSuccess', verdict: 'allowed' }),
    );
  });

  it('a call the role does not allow fails as in AWS, with AccessDeniedException', async () => {
    const dynamo = clientOf((config) => new DynamoDBClient(config), 'api-list-payment-batches');
    const tableName = runtime.functionNamed('api-list-payment-batches').environment.TABLE_NAME;
    await expect(
      dynamo.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'x' }, sk: { S: 'y' } } })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    dynamo.destroy();
  });

  it('a function without a need has neither its variable nor its grant (api-list-banks: no table)', () => {
    const banks = runtime.functionNamed('api-list-banks');
    expect(banks.environment.TABLE_NAME).toBeUndefined();
    expect(
      runtime.model.identityPoliciesOf(banks.roleArn).flatMap((policy) => policy.Statement),
    ).not.toContainEqual(expect.objectContaining({ Action: expect.arrayContaining(['dynamodb:GetItem']) }));
  });
});
