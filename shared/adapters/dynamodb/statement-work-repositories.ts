// DynamoDB adapters of the statements capability: the request log per account and day and the "effects done"
// marker on stored entries; payments are booked through the payment batch repository (payment-bookings.ts).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RepositoryPaymentBookings } from '../../app/statements/payment-bookings.ts';
import type {
  StatementEntryEffects,
  StatementRequestLog,
  StatementRequestRecord,
} from '../../app/statements/ports.ts';
import type { StatementEntry } from '../../domain/statement.ts';
import { DynamoPaymentBatchRepository } from './payment-batch-repository.ts';
import { DynamoStatementAccountDirectory } from './statement-work-list.ts';
import { DynamoStore, entityOf, type RequestCounter } from './store.ts';
import { keys } from './table-schema.ts';

/** `STATEMENTREQ#<iban>#<date>` under the company: how often the day was asked for. */
const requestKey = (iban: string, date: string) => `STATEMENTREQ#${iban}#${date}`;

/** Request records are kept a while after the day left the backfill window. */
const requestRetentionSeconds = 120 * 24 * 3600;

export class DynamoStatementRequestLog implements StatementRequestLog {
  readonly #store: DynamoStore;

  constructor(client: DynamoDBDocumentClient, tableName: string, counter?: RequestCounter) {
    this.#store = new DynamoStore(client, tableName, counter);
  }

  async records(
    companyId: string,
    iban: string,
    from: string,
    to: string,
  ): Promise<Map<string, StatementRequestRecord>> {
    const items = await this.#store.queryAll(
      companyId,
      { between: [requestKey(iban, from), requestKey(iban, to)] },
      'Reading statement request records',
    );
    const records = new Map<string, StatementRequestRecord>();
    for (const item of items) {
      const record = entityOf<StatementRequestRecord & { companyId?: string }>(item);
      records.set(record.date, {
        iban: record.iban,
        date: record.date,
        attempts: record.attempts,
        lastRequestedOn: record.lastRequestedOn,
        lastMessageId: record.lastMessageId,
      });
    }
    return records;
  }

  async recordAttempt(
    companyId: string,
    iban: string,
    date: string,
    runDate: string,
    messageId: string,
  ): Promise<void> {
    try {
      await this.#store.send(
        new UpdateCommand({
          TableName: this.#store.tableName,
          Key: { pk: keys.company(companyId), sk: requestKey(iban, date) },
          UpdateExpression:
            'SET #type = :type, iban = :iban, #date = :date, attempts = if_not_exists(attempts, :zero) + :one, ' +
            'lastRequestedOn = :run, lastMessageId = :messageId, expiresAt = :expires',
          // Counted once per run date: a retried run (same day) does not count again.
          ConditionExpression: 'attribute_not_exists(lastRequestedOn) OR lastRequestedOn <> :run',
          ExpressionAttributeNames: { '#type': 'type', '#date': 'date' },
          ExpressionAttributeValues: {
            ':type': 'StatementRequest',
            ':iban': iban,
            ':date': date,
            ':zero': 0,
            ':one': 1,
            ':run': runDate,
            ':messageId': messageId,
            ':expires': Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000) + requestRetentionSeconds,
          },
        }),
        'Recording a statement request',
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

const entryKey = (companyId: string, entry: StatementEntry) => ({
  pk: keys.company(companyId),
  sk: keys.entry(entry.iban, entry.bookingDate, entry.bankReference, entry.occurrence),
});

export class DynamoStatementEntryEffects implements StatementEntryEffects {
  readonly #store: DynamoStore;

  constructor(client: DynamoDBDocumentClient, tableName: string, counter?: RequestCounter) {
    this.#store = new DynamoStore(client, tableName, counter);
  }

  async effectsDone(companyId: string, entry: StatementEntry): Promise<boolean> {
    const key = entryKey(companyId, entry);
    const item = await this.#store.get(key.pk, key.sk, 'Reading a statement entry');
    return typeof item?.effectsDoneAt === 'string';
  }

  async markEffectsDone(
    companyId: string,
    entry: StatementEntry,
    done: { at: string; payment?: StatementEntry['payment'] },
  ): Promise<void> {
    await this.#store.send(
      new UpdateCommand({
        TableName: this.#store.tableName,
        Key: entryKey(companyId, entry),
        UpdateExpression: done.payment
          ? 'SET effectsDoneAt = :at, payment = :payment'
          : 'SET effectsDoneAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': done.at, ...(done.payment ? { ':payment': done.payment } : {}) },
      }),
      'Marking a statement entry done',
    );
  }
}

/** Every DynamoDB adapter the statements capability adds (the shared repositories come from the caller). */
export function dynamoStatementAdapters(
  client: DynamoDBDocumentClient,
  tableName: string,
  counter?: RequestCounter,
) {
  return {
    statementAccounts: new DynamoStatementAccountDirectory(client, tableName, counter),
    statementRequests: new DynamoStatementRequestLog(client, tableName, counter),
    statementEntryEffects: new DynamoStatementEntryEffects(client, tableName, counter),
    paymentBookings: new RepositoryPaymentBookings(
      new DynamoPaymentBatchRepository(client, tableName, counter),
    ),
  };
}
