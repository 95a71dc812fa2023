// DynamoDB adapters of the statements capability: the request log per account and day, the "effects done"
// marker on stored entries, and booking our payments by end-to-end id (settled → booked, conditional).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredPayment } from '../../app/ports.ts';
import type {
  BookingResult,
  PaymentBookings,
  StatementEntryEffects,
  StatementRequestLog,
  StatementRequestRecord,
} from '../../app/statements/ports.ts';
import type { PaymentStatus } from '../../domain/payment.ts';
import type { StatementEntry } from '../../domain/statement.ts';
import { InfrastructureError } from '../../errors.ts';
import { DynamoStatementAccountDirectory } from './statement-work-list.ts';
import { DynamoStore, entityOf, type Item, type RequestCounter } from './store.ts';
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

const awaitingSettlement: readonly PaymentStatus[] = ['sent', 'accepted', 'pending_signature'];

export class DynamoPaymentBookings implements PaymentBookings {
  readonly #store: DynamoStore;

  constructor(client: DynamoDBDocumentClient, tableName: string, counter?: RequestCounter) {
    this.#store = new DynamoStore(client, tableName, counter);
  }

  async bookByEndToEndId(input: Parameters<PaymentBookings['bookByEndToEndId']>[0]): Promise<BookingResult> {
    // gsi1: end-to-end id → the payment item, only within the company (tenant isolation).
    const found = await this.#store.send<{ Items?: Item[] }>(
      new QueryCommand({
        TableName: this.#store.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :e2e AND gsi1sk = :company',
        ExpressionAttributeValues: {
          ':e2e': keys.endToEnd(input.endToEndId),
          ':company': keys.company(input.companyId),
        },
      }),
      'Finding a payment by end-to-end id',
    );
    const indexed = (found.Items ?? []).find((item) => item.type === 'Payment');
    if (!indexed) return { kind: 'not_ours' };
    const booking = {
      iban: input.iban,
      bookingDate: input.bookingDate,
      bankReference: input.bankReference,
      at: input.at,
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      // The index is eventually consistent: decide on the item itself.
      const item = await this.#store.get(String(indexed.pk), String(indexed.sk), 'Reading a payment');
      if (!item) return { kind: 'not_ours' };
      const payment = entityOf<StoredPayment>(item);
      if (payment.amount.minor !== input.amount.minor || payment.amount.currency !== input.amount.currency) {
        return { kind: 'mismatch', payment, problem: 'the statement amount differs from the payment' };
      }
      if (payment.status === 'booked') return { kind: 'already_booked', payment };
      const settled = payment.status === 'settled';
      if (!settled && !awaitingSettlement.includes(payment.status)) {
        return { kind: 'mismatch', payment, problem: `the payment is ${payment.status}` };
      }
      const change = { status: 'booked' as const, at: input.at };
      try {
        await this.#store.send(
          new UpdateCommand({
            TableName: this.#store.tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: settled
              ? 'SET #status = :booked, statusHistory = list_append(if_not_exists(statusHistory, :none), :change), ' +
                'version = version + :one, statementBooking = :booking'
              : 'SET statementBooking = :booking',
            ConditionExpression: '#status = :current AND version = :version',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':current': payment.status,
              ':version': payment.version,
              ':booking': booking,
              ...(settled ? { ':booked': 'booked', ':none': [], ':change': [change], ':one': 1 } : {}),
            },
          }),
          'Booking a payment',
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) continue;
        throw error;
      }
      return settled
        ? {
            kind: 'booked',
            payment: {
              ...payment,
              status: 'booked',
              version: payment.version + 1,
              statusHistory: [...payment.statusHistory, change],
            },
          }
        : { kind: 'not_settled', payment };
    }
    throw new InfrastructureError(`Payment ${input.endToEndId} kept changing while booking it`);
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
    paymentBookings: new DynamoPaymentBookings(client, tableName, counter),
  };
}
