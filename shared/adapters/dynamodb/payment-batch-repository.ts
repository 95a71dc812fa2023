// Payment batches, their payments, source-document claims and duplicate fingerprints in the single table.
// Every batch write is conditional: creation on absence, updates on the version read.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type {
  AuditEvent,
  FingerprintMatch,
  Page,
  PageRequest,
  PaymentBatchRepository,
  StoredPayment,
  StoredPaymentBatch,
} from '../../app/ports.ts';
import type { SourceDocument } from '../../domain/payment.ts';
import { ConflictError } from '../../errors.ts';
import {
  auditItem,
  chunk,
  DynamoStore,
  entityOf,
  type Item,
  inParallel,
  type RequestCounter,
  type TransactItem,
  TransactionConditionFailed,
} from './store.ts';
import { keys } from './table-schema.ts';

/** Fingerprints older than this are not looked at and expire from the table. */
const fingerprintLifetimeDays = 60;

export class DynamoPaymentBatchRepository implements PaymentBatchRepository {
  readonly #store: DynamoStore;

  constructor(client: DynamoDBDocumentClient, tableName: string, counter?: RequestCounter) {
    this.#store = new DynamoStore(client, tableName, counter);
  }

  async create(batch: StoredPaymentBatch): Promise<void> {
    await this.#store.conditional(
      () =>
        this.#store.send(
          new PutCommand({
            TableName: this.#store.tableName,
            Item: batchItem(batch),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
          'Writing a payment batch',
        ),
      () => new ConflictError('batch_exists', `Payment batch ${batch.batchId} already exists`),
    );
  }

  async createDraft(batch: StoredPaymentBatch, payments: StoredPayment[], audit: AuditEvent): Promise<void> {
    const store = this.#store;
    const documents = payments.map((payment) => ({ payment, document: payment.sourceDocument }));
    const claimed: SourceDocument[][] = [];
    // 1. Claim the source documents, 100 per transaction; on any refusal undo the claims made.
    try {
      await inParallel(chunk(documents, 100), 8, async (part) => {
        const items: TransactItem[] = part.map(({ payment, document }) => ({
          Put: {
            TableName: store.tableName,
            Item: {
              pk: keys.company(batch.companyId),
              sk: keys.sourceDocument(document.type, document.id),
              type: 'SourceDocumentClaim',
              batchId: batch.batchId,
              paymentId: payment.paymentId,
              document,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        }));
        try {
          await store.transact(items, 'Claiming source documents');
          claimed.push(part.map(({ document }) => document));
        } catch (error) {
          if (error instanceof TransactionConditionFailed) {
            const document = part[error.index]?.document;
            throw await this.#documentTaken(batch.companyId, document);
          }
          throw error;
        }
      });
    } catch (error) {
      await this.releaseSourceDocuments(batch.companyId, batch.batchId, claimed.flat());
      throw error;
    }
    // 2. Payments and fingerprints (plain batch writes: their keys are new), 3. the batch with its audit event.
    try {
      const expiresAt = Math.floor(Date.parse(batch.createdAt) / 1000) + fingerprintLifetimeDays * 86_400;
      const items: Item[] = [];
      for (const payment of payments) {
        items.push(paymentItem(payment));
        items.push({
          pk: keys.company(batch.companyId),
          sk: keys.fingerprint(batch.createdAt, batch.batchId, payment.paymentId),
          type: 'PaymentFingerprint',
          fingerprint: payment.fingerprint,
          batchId: batch.batchId,
          paymentId: payment.paymentId,
          expiresAt,
        });
      }
      await store.putMany(items, 'Writing payments');
      await store.transact(
        [
          {
            Put: {
              TableName: store.tableName,
              Item: batchItem(batch),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          auditItem(store.tableName, audit),
        ],
        'Writing a payment batch',
      );
    } catch (error) {
      await this.releaseSourceDocuments(batch.companyId, batch.batchId, claimed.flat());
      if (error instanceof TransactionConditionFailed) {
        throw new ConflictError('batch_exists', `Payment batch ${batch.batchId} already exists`);
      }
      throw error;
    }
  }

  async #documentTaken(companyId: string, document: SourceDocument | undefined): Promise<Error> {
    if (!document) return new ConflictError('source_document_in_open_batch', 'A source document is taken');
    const holder = await this.#store.get(
      keys.company(companyId),
      keys.sourceDocument(document.type, document.id),
      'Reading a source document claim',
    );
    const words = document.type === 'bill' ? 'Bill' : 'Expense report';
    return new ConflictError(
      'source_document_in_open_batch',
      `${words} ${document.id} is already in open payment batch ${String(holder?.batchId ?? '(being created)')}`,
    );
  }

  async get(companyId: string, batchId: string): Promise<StoredPaymentBatch | undefined> {
    const item = await this.#store.get(
      keys.company(companyId),
      keys.batch(batchId),
      'Reading a payment batch',
    );
    return item ? entityOf<StoredPaymentBatch>(item) : undefined;
  }

  async getMany(companyId: string, batchIds: readonly string[]): Promise<StoredPaymentBatch[]> {
    const unique = [...new Set(batchIds)];
    const items = await this.#store.getMany(
      unique.map((batchId) => ({ pk: keys.company(companyId), sk: keys.batch(batchId) })),
      'Reading payment batches',
    );
    return items.map((item) => entityOf<StoredPaymentBatch>(item));
  }

  async update(batch: StoredPaymentBatch, expectedVersion: number, audit?: AuditEvent): Promise<void> {
    const conflict = () =>
      new ConflictError(
        'batch_changed',
        `Payment batch ${batch.batchId} was changed by someone else (expected version ${expectedVersion})`,
      );
    const put = {
      TableName: this.#store.tableName,
      Item: batchItem(batch),
      ConditionExpression: 'attribute_exists(pk) AND version = :expected',
      ExpressionAttributeValues: { ':expected': expectedVersion },
    };
    if (!audit) {
      await this.#store.conditional(
        () => this.#store.send(new PutCommand(put), 'Writing a payment batch'),
        conflict,
      );
      return;
    }
    try {
      await this.#store.transact(
        [{ Put: put }, auditItem(this.#store.tableName, audit)],
        'Writing a payment batch',
      );
    } catch (error) {
      if (error instanceof TransactionConditionFailed) throw conflict();
      throw error;
    }
  }

  async list(companyId: string, page: PageRequest): Promise<Page<StoredPaymentBatch>> {
    const result = await this.#store.queryPage(
      companyId,
      { prefix: 'BATCH#' },
      page,
      'Listing payment batches',
      {
        ScanIndexForward: false,
      },
    );
    return { ...result, items: result.items.map((item) => entityOf<StoredPaymentBatch>(item)) };
  }

  async listPayments(companyId: string, batchId: string, page: PageRequest): Promise<Page<StoredPayment>> {
    const result = await this.#store.queryPage(
      companyId,
      { prefix: keys.paymentsOf(batchId) },
      page,
      'Listing payments',
    );
    return { ...result, items: result.items.map((item) => entityOf<StoredPayment>(item)) };
  }

  async allPayments(companyId: string, batchId: string): Promise<StoredPayment[]> {
    const items = await this.#store.queryAll(
      companyId,
      { prefix: keys.paymentsOf(batchId) },
      'Reading payments',
    );
    return items.map((item) => entityOf<StoredPayment>(item));
  }

  async fingerprintsSince(companyId: string, since: string): Promise<FingerprintMatch[]> {
    const items = await this.#store.queryAll(
      companyId,
      { between: [`FINGERPRINT#${since}`, 'FINGERPRINT#~'] },
      'Reading payment fingerprints',
      { ProjectionExpression: 'fingerprint, batchId, paymentId' },
    );
    return items.map((item) => ({
      fingerprint: String(item.fingerprint),
      batchId: String(item.batchId),
      paymentId: String(item.paymentId),
    }));
  }

  async releaseSourceDocuments(
    companyId: string,
    batchId: string,
    documents: readonly SourceDocument[],
  ): Promise<void> {
    await inParallel(documents, 16, async (document) => {
      try {
        await this.#store.send(
          new DeleteCommand({
            TableName: this.#store.tableName,
            Key: { pk: keys.company(companyId), sk: keys.sourceDocument(document.type, document.id) },
            // Only our own claim: another batch may hold the document by now.
            ConditionExpression: 'batchId = :batchId',
            ExpressionAttributeValues: { ':batchId': batchId },
          }),
          'Releasing a source document',
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    });
  }
}

function batchItem(batch: StoredPaymentBatch): Item {
  return { pk: keys.company(batch.companyId), sk: keys.batch(batch.batchId), type: 'PaymentBatch', ...batch };
}

function paymentItem(payment: StoredPayment): Item {
  return {
    pk: keys.company(payment.companyId),
    sk: keys.payment(payment.batchId, payment.paymentId),
    type: 'Payment',
    gsi1pk: keys.endToEnd(payment.endToEndId),
    gsi1sk: keys.company(payment.companyId),
    ...payment,
  };
}
