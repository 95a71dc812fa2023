// Small helpers over the document client shared by the repositories: conditional writes and transactions
// whose failures become the project's errors, cursor pagination, and chunked batch reads and writes.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEvent, Page, PageRequest } from '../../app/ports.ts';
import { InfrastructureError, ValidationError } from '../../errors.ts';
import { keys } from './table-schema.ts';

export type Item = Record<string, unknown>;
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Counts requests per command name, so the benchmark can report DynamoDB requests per batch. */
export class RequestCounter {
  readonly counts = new Map<string, number>();
  add(command: string): void {
    this.counts.set(command, (this.counts.get(command) ?? 0) + 1);
  }
  get total(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }
  reset(): void {
    this.counts.clear();
  }
}

/** Thrown from a transaction when a condition failed; `index` is the failing item, `item` its old value. */
export class TransactionConditionFailed extends Error {
  override name = 'TransactionConditionFailed';
  readonly index: number;
  constructor(index: number) {
    super(`Condition of transaction item ${index} failed`);
    this.index = index;
  }
}

const internalAttributes = new Set(['pk', 'sk', 'type', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'expiresAt']);

/** Removes key and bookkeeping attributes: what remains is the stored entity. */
export function entityOf<T>(item: Item): T {
  const entity: Item = {};
  for (const [name, value] of Object.entries(item)) if (!internalAttributes.has(name)) entity[name] = value;
  return entity as T;
}

export function auditItem(tableName: string, event: AuditEvent): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: {
        pk: keys.company(event.companyId),
        sk: keys.audit(event.entityType, event.entityId, event.at, event.eventId),
        type: 'AuditEvent',
        ...event,
      },
    },
  };
}

export class DynamoStore {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly counter: RequestCounter | undefined;

  constructor(client: DynamoDBDocumentClient, tableName: string, counter?: RequestCounter) {
    this.client = client;
    this.tableName = tableName;
    this.counter = counter;
  }

  /** Any document-client command; the caller names the output shape it reads. */
  async send<Output>(command: object, what: string): Promise<Output> {
    this.counter?.add(command.constructor.name);
    try {
      // The client's send is overloaded per command type; one generic entry point needs one cast.
      return (await this.client.send(command as Parameters<DynamoDBDocumentClient['send']>[0])) as Output;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || error instanceof TransactionCanceledException) {
        throw error;
      }
      throw new InfrastructureError(`${what} failed`, { cause: error });
    }
  }

  async get(pk: string, sk: string, what: string): Promise<Item | undefined> {
    const result = await this.send<{ Item?: Item }>(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
      what,
    );
    return result.Item;
  }

  /** Runs a conditional write; a failed condition becomes `onConditionFailed()`. */
  async conditional<T>(write: () => Promise<T>, onConditionFailed: () => Error): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw onConditionFailed();
      throw error;
    }
  }

  /** One transaction; a failed condition throws TransactionConditionFailed with the item's index. */
  async transact(items: TransactItem[], what: string): Promise<void> {
    try {
      await this.send(new TransactWriteCommand({ TransactItems: items }), what);
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        const index = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
        if (index >= 0) throw new TransactionConditionFailed(index);
        throw new InfrastructureError(`${what} failed (transaction cancelled)`, {
          cause: error,
          retryable: true,
        });
      }
      throw error;
    }
  }

  /** One page of a query in the company's partition; the cursor carries only the sort key. */
  async queryPage(
    companyId: string,
    condition: { prefix: string } | { between: [string, string] },
    page: PageRequest,
    what: string,
    extra: Partial<QueryCommandInput> = {},
  ): Promise<Page<Item>> {
    const pk = keys.company(companyId);
    const items: Item[] = [];
    let start: Item | undefined = page.cursor
      ? { pk, sk: cursorWithin(decodeCursor(page.cursor), condition) }
      : undefined;
    // With a filter a page can come back short; keep reading until it is full or the range ends.
    do {
      const result = await this.send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
        new QueryCommand({
          TableName: this.tableName,
          ...keyCondition(pk, condition),
          ...extra,
          ExpressionAttributeValues: {
            ...keyConditionValues(pk, condition),
            ...(extra.ExpressionAttributeValues ?? {}),
          },
          Limit: page.limit - items.length,
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
        what,
      );
      items.push(...(result.Items ?? []));
      start = result.LastEvaluatedKey;
    } while (start && items.length < page.limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: start && last ? encodeCursor(String(last.sk)) : undefined,
    };
  }

  /** Every item of a query (all pages). */
  async queryAll(
    companyId: string,
    condition: { prefix: string } | { between: [string, string] },
    what: string,
    extra: Partial<QueryCommandInput> = {},
  ): Promise<Item[]> {
    const pk = keys.company(companyId);
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const result = await this.send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
        new QueryCommand({
          TableName: this.tableName,
          ...keyCondition(pk, condition),
          ...extra,
          ExpressionAttributeValues: {
            ...keyConditionValues(pk, condition),
            ...(extra.ExpressionAttributeValues ?? {}),
          },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
        what,
      );
      items.push(...(result.Items ?? []));
      start = result.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Unconditional puts in chunks of 25, `concurrency` chunks at a time, retrying unprocessed items. */
  async putMany(items: readonly Item[], what: string, concurrency = 16): Promise<void> {
    const chunks = chunk(items, 25);
    await inParallel(chunks, concurrency, async (part) => {
      let pending: Item[] = part.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 8) throw new InfrastructureError(`${what}: items stayed unprocessed`);
        if (attempt > 0) await delay(20 * 2 ** attempt);
        const result = await this.send<{ UnprocessedItems?: Record<string, Item[]> }>(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
          what,
        );
        pending = result.UnprocessedItems?.[this.tableName] ?? [];
      }
    });
  }

  /** Items by key in chunks of 100 (missing ones are simply absent). */
  async getMany(itemKeys: readonly { pk: string; sk: string }[], what: string): Promise<Item[]> {
    const found: Item[] = [];
    await inParallel(chunk(itemKeys, 100), 8, async (part) => {
      let pending: Item[] = [...part];
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 8) throw new InfrastructureError(`${what}: keys stayed unprocessed`);
        if (attempt > 0) await delay(20 * 2 ** attempt);
        const result = await this.send<{
          Responses?: Record<string, Item[]>;
          UnprocessedKeys?: Record<string, { Keys?: Item[] }>;
        }>(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
          what,
        );
        found.push(...(result.Responses?.[this.tableName] ?? []));
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    });
    return found;
  }
}

function keyCondition(pk: string, condition: { prefix: string } | { between: [string, string] }) {
  void pk;
  return 'prefix' in condition
    ? { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)' }
    : { KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to' };
}

function keyConditionValues(pk: string, condition: { prefix: string } | { between: [string, string] }) {
  return 'prefix' in condition
    ? { ':pk': pk, ':prefix': condition.prefix }
    : { ':pk': pk, ':from': condition.between[0], ':to': condition.between[1] };
}

/** Cursors carry only a sort key: the partition always comes from the caller's company. */
export function encodeCursor(sk: string): string {
  return Buffer.from(JSON.stringify({ sk }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && typeof (value as { sk?: unknown }).sk === 'string') {
      return (value as { sk: string }).sk;
    }
  } catch {
    // fall through
  }
  throw new ValidationError('The cursor is not one this API returned', [
    { path: 'cursor', message: 'invalid cursor' },
  ]);
}

function cursorWithin(sk: string, condition: { prefix: string } | { between: [string, string] }): string {
  const inside =
    'prefix' in condition
      ? sk.startsWith(condition.prefix)
      : sk >= condition.between[0] && sk <= condition.between[1];
  if (!inside) {
    throw new ValidationError('The cursor belongs to another listing', [
      { path: 'cursor', message: 'invalid cursor' },
    ]);
  }
  return sk;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length && errors.length === 0) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
