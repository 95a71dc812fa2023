// DynamoDB through the local AWS endpoint: allowed calls reach DynamoDB Local unchanged (the document
// client works as against DynamoDB itself), each request is counted, and denied ones never arrive.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedTable } from '../support/dynamodb.ts';
import { type Harness, startHarness } from '../support/local-aws-harness.ts';

describe('DynamoDB through the local AWS endpoint', () => {
  let harness: Harness;
  let tableName: string;
  const counted: string[] = [];
  const client = (accessKeyId: string) =>
    DynamoDBDocumentClient.from(new DynamoDBClient(harness.client(accessKeyId)));

  beforeAll(async () => {
    const table = await isolatedTable();
    tableName = table.tableName;
    // The reader may only read; the writer may do anything on the table.
    harness = await startHarness(
      { reader: ['dynamodb:GetItem *', 'dynamodb:Query *'], writer: ['* *'] },
      { dynamoDbEndpoint: table.endpoint, onDynamoDbRequest: (operation) => counted.push(operation) },
    );
  });
  afterAll(() => harness.close());

  it('forwards allowed calls to DynamoDB Local and counts every request', async () => {
    const writer = client('writer');
    await writer.send(new PutCommand({ TableName: tableName, Item: { pk: 'C#1', sk: 'A', n: 1 } }));
    await writer.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { pk: 'C#1', sk: 'B', n: 2 } } },
          {
            ConditionCheck: {
              TableName: tableName,
              Key: { pk: 'C#1', sk: 'A' },
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
        ],
      }),
    );
    const reader = client('reader');
    expect(
      (await reader.send(new GetCommand({ TableName: tableName, Key: { pk: 'C#1', sk: 'A' } }))).Item,
    ).toEqual({ pk: 'C#1', sk: 'A', n: 1 });
    const query = await reader.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'C#1' },
      }),
    );
    expect(query.Items?.map((i) => i.sk)).toEqual(['A', 'B']);
    expect(counted).toEqual(['PutItem', 'TransactWriteItems', 'GetItem', 'Query']);
    expect(harness.calls.filter((c) => c.operation === 'TransactWriteItems').map((c) => c.action)).toEqual([
      'dynamodb:PutItem',
      'dynamodb:ConditionCheckItem',
    ]);
  });

  it('denies before DynamoDB Local sees the call, with AccessDeniedException', async () => {
    const reader = client('reader');
    const error = await reader
      .send(new PutCommand({ TableName: tableName, Item: { pk: 'C#2', sk: 'A' } }))
      .catch((e: Error) => e);
    expect((error as Error).name).toBe('AccessDeniedException');
    expect((error as Error).message).toContain(
      `dynamodb:PutItem on resource: arn:aws:dynamodb:eu-north-1:000000000000:table/${tableName}`,
    );
    const writer = client('writer');
    expect(
      (await writer.send(new GetCommand({ TableName: tableName, Key: { pk: 'C#2', sk: 'A' } }))).Item,
    ).toBeUndefined();
  });
});
