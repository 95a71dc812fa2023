// Payment batches in the single table. Every write is conditional: creation on absence, updates on version.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PaymentBatchRepository, StoredPaymentBatch } from '../../app/ports.ts';
import { ConflictError, InfrastructureError } from '../../errors.ts';
import { keys } from './table-schema.ts';

const itemType = 'PaymentBatch';

export class DynamoPaymentBatchRepository implements PaymentBatchRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async create(batch: StoredPaymentBatch): Promise<void> {
    await this.#write(
      new PutCommand({
        TableName: this.#tableName,
        Item: toItem(batch),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
      () => new ConflictError('batch_exists', `Payment batch ${batch.batchId} already exists`),
    );
  }

  async get(companyId: string, batchId: string): Promise<StoredPaymentBatch | undefined> {
    try {
      const result = await this.#client.send(
        new GetCommand({
          TableName: this.#tableName,
          Key: { pk: keys.company(companyId), sk: keys.batch(batchId) },
          ConsistentRead: true,
        }),
      );
      return result.Item ? fromItem(result.Item) : undefined;
    } catch (error) {
      throw new InfrastructureError('Reading a payment batch failed', { cause: error });
    }
  }

  async update(batch: StoredPaymentBatch, expectedVersion: number): Promise<void> {
    await this.#write(
      new PutCommand({
        TableName: this.#tableName,
        Item: toItem(batch),
        ConditionExpression: 'attribute_exists(pk) AND version = :expected',
        ExpressionAttributeValues: { ':expected': expectedVersion },
      }),
      () =>
        new ConflictError(
          'batch_changed',
          `Payment batch ${batch.batchId} was changed by someone else (expected version ${expectedVersion})`,
        ),
    );
  }

  async #write(command: PutCommand, onConditionFailed: () => Error): Promise<void> {
    try {
      await this.#client.send(command);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw onConditionFailed();
      throw new InfrastructureError('Writing a payment batch failed', { cause: error });
    }
  }
}

function toItem(batch: StoredPaymentBatch): Record<string, unknown> {
  return { pk: keys.company(batch.companyId), sk: keys.batch(batch.batchId), type: itemType, ...batch };
}

function fromItem(item: Record<string, unknown>): StoredPaymentBatch {
  const { pk: _pk, sk: _sk, type: _type, ...batch } = item;
  return batch as unknown as StoredPaymentBatch;
}
