// The rules the local AWS endpoint applies without any I/O: which IAM checks a DynamoDB call needs, SNS
// filter policy semantics, and aws-chunked upload bodies.
import { describe, expect, it } from 'vitest';
import { dynamoDbPermissions } from '../../../infra/local/aws/dynamodb.ts';
import { decodeAwsChunked } from '../../../infra/local/aws/s3.ts';
import { matchesFilterPolicy, parseFilterPolicy } from '../../../infra/local/aws/sns-filter-policy.ts';

const t = (name: string) => `arn:aws:dynamodb:eu-north-1:000000000000:table/${name}`;
const permissions = (operation: string, body: Record<string, unknown>) =>
  dynamoDbPermissions(operation, body, 'eu-north-1', '000000000000').map((p) => `${p.action} ${p.resource}`);

describe('DynamoDB permissions', () => {
  it('checks item and table operations on the table, and Query/Scan with IndexName on the index', () => {
    expect(permissions('PutItem', { TableName: 'main' })).toEqual([`dynamodb:PutItem ${t('main')}`]);
    expect(permissions('Query', { TableName: 'main', IndexName: 'gsi1' })).toEqual([
      `dynamodb:Query ${t('main')}/index/gsi1`,
    ]);
    expect(permissions('Scan', { TableName: t('main') })).toEqual([`dynamodb:Scan ${t('main')}`]);
    expect(permissions('ListTables', {})).toEqual(['dynamodb:ListTables *']);
  });

  it('checks each transaction item with its own item action, and batch actions per table', () => {
    expect(
      permissions('TransactWriteItems', {
        TransactItems: [
          { ConditionCheck: { TableName: 'a' } },
          { Put: { TableName: 'a' } },
          { Update: { TableName: 'b' } },
          { Delete: { TableName: 'b' } },
          { Put: { TableName: 'a' } },
        ],
      }),
    ).toEqual([
      `dynamodb:ConditionCheckItem ${t('a')}`,
      `dynamodb:PutItem ${t('a')}`,
      `dynamodb:UpdateItem ${t('b')}`,
      `dynamodb:DeleteItem ${t('b')}`,
    ]);
    expect(permissions('TransactGetItems', { TransactItems: [{ Get: { TableName: 'a' } }] })).toEqual([
      `dynamodb:GetItem ${t('a')}`,
    ]);
    expect(permissions('BatchWriteItem', { RequestItems: { a: [], b: [] } })).toEqual([
      `dynamodb:BatchWriteItem ${t('a')}`,
      `dynamodb:BatchWriteItem ${t('b')}`,
    ]);
    expect(permissions('BatchGetItem', { RequestItems: { a: {} } })).toEqual([
      `dynamodb:BatchGetItem ${t('a')}`,
    ]);
  });
});

describe('SNS filter policies', () => {
  const attrs = (values: Record<string, string | number | string[]>) =>
    Object.fromEntries(
      Object.entries(values).map(([k, v]) => [
        k,
        typeof v === 'number'
          ? { DataType: 'Number', StringValue: String(v) }
          : Array.isArray(v)
            ? { DataType: 'String.Array', StringValue: JSON.stringify(v) }
            : { DataType: 'String', StringValue: v },
      ]),
    );
  const matches = (
    policy: unknown,
    values: Record<string, string | number | string[]>,
    scope?: string,
    body = '',
  ) =>
    matchesFilterPolicy(parseFilterPolicy(JSON.stringify(policy)), scope, {
      attributes: attrs(values),
      body,
    });

  it('ANDs keys and ORs the values of a key, exact strings and numbers', () => {
    const policy = { company: ['a'], severity: ['warning', 'critical'] };
    expect(matches(policy, { company: 'a', severity: 'critical' })).toBe(true);
    expect(matches(policy, { company: 'a', severity: 'info' })).toBe(false);
    expect(matches(policy, { company: 'a' })).toBe(false);
    expect(matches({ n: [5] }, { n: 5 })).toBe(true);
    expect(matches({ n: [5] }, { n: '5' })).toBe(false);
    expect(matches({ tags: ['x'] }, { tags: ['y', 'x'] })).toBe(true);
  });

  it('supports prefix, suffix, equals-ignore-case, anything-but, exists, numeric and $or', () => {
    expect(matches({ t: [{ prefix: 'pay' }] }, { t: 'payment' })).toBe(true);
    expect(matches({ t: [{ suffix: 'ent' }] }, { t: 'payment' })).toBe(true);
    expect(matches({ t: [{ 'equals-ignore-case': 'PAYMENT' }] }, { t: 'payment' })).toBe(true);
    expect(matches({ t: [{ 'anything-but': ['a', 'b'] }] }, { t: 'c' })).toBe(true);
    expect(matches({ t: [{ 'anything-but': 'c' }] }, { t: 'c' })).toBe(false);
    expect(matches({ t: [{ 'anything-but': { prefix: 'pa' } }] }, { t: 'payment' })).toBe(false);
    expect(matches({ t: [{ 'anything-but': 'c' }] }, {})).toBe(false);
    expect(matches({ t: [{ exists: false }] }, {})).toBe(true);
    expect(matches({ t: [{ exists: true }] }, {})).toBe(false);
    expect(matches({ n: [{ numeric: ['>', 0, '<=', 10] }] }, { n: 10 })).toBe(true);
    expect(matches({ n: [{ numeric: ['>', 0, '<=', 10] }] }, { n: 11 })).toBe(false);
    expect(matches({ $or: [{ a: ['1'] }, { b: ['2'] }] }, { b: '2' })).toBe(true);
  });

  it('matches nested keys of a JSON body in the MessageBody scope', () => {
    const body = JSON.stringify({ payment: { status: 'rejected', amount: 12 } });
    expect(matches({ payment: { status: ['rejected'] } }, {}, 'MessageBody', body)).toBe(true);
    expect(matches({ payment: { amount: [{ numeric: ['>', 20] }] } }, {}, 'MessageBody', body)).toBe(false);
  });

  it('rejects policies SNS would reject', () => {
    expect(() => parseFilterPolicy('{"a":')).toThrow(/FilterPolicy/);
    expect(() => parseFilterPolicy('{"a":"x"}')).toThrow(/FilterPolicy/);
    expect(() => parseFilterPolicy('{"a":[{"wildcard":"x"}]}')).toThrow(/Unrecognized match type/);
  });
});

describe('aws-chunked bodies', () => {
  it('joins the chunks and drops signatures and trailers', () => {
    const body = Buffer.from(
      '5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAA\r\n\r\n',
    );
    expect(decodeAwsChunked(body).toString()).toBe('hello world');
  });
});
