// Statements (read side for the API, write side for the collector), notification subscriptions, the audit
// log and the Idempotency-Key store: all under the company's partition.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  AuditEvent,
  AuditLog,
  Clock,
  IdempotencyClaim,
  IdempotencyStore,
  IdempotentResponse,
  NotificationSubscriptionRepository,
  Page,
  PageRequest,
  StatementRepository,
  StoredNotificationSubscription,
} from '../../app/ports.ts';
import type { StatementDay, StatementEntry } from '../../domain/statement.ts';
import { NotFoundError } from '../../errors.ts';
import {
  auditItem,
  DynamoStore,
  entityOf,
  type RequestCounter,
  TransactionConditionFailed,
} from './store.ts';
import { keys } from './table-schema.ts';

export class DynamoStatementRepository implements StatementRepository {
  readonly #store: DynamoStore;

  constructor(client: DynamoDBDocumentClient, tableName: string, counter?: RequestCounter) {
    this.#store = new DynamoStore(client, tableName, counter);
  }

  async saveDay(companyId: string, day: StatementDay): Promise<void> {
    await this.#store.send(
      new PutCommand({
        TableName: this.#store.tableName,
        Item: {
          pk: keys.company(companyId),
          sk: keys.statementDay(day.iban, day.date),
          type: 'StatementDay',
          ...day,
        },
      }),
      'Writing a statement day',
    );
  }

  async saveEntry(companyId: string, entry: StatementEntry): Promise<boolean> {
    try {
      await this.#store.send(
        new PutCommand({
          TableName: this.#store.tableName,
          Item: {
            pk: keys.company(companyId),
            sk: keys.entry(entry.iban, entry.bookingDate, entry.bankReference, entry.occurrence),
            type: 'StatementEntry',
            ...entry,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
        'Writing a statement entry',
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listDays(
    companyId: string,
    iban: string,
    range: { from?: string | undefined; to?: string | undefined },
    page: PageRequest,
  ): Promise<Page<StatementDay>> {
    const result = await this.#store.queryPage(
      companyId,
      {
        between: [keys.statementDay(iban, range.from ?? '0000'), keys.statementDay(iban, range.to ?? '9999')],
      },
      page,
      'Listing statement days',
    );
    return { ...result, items: result.items.map((item) => entityOf<StatementDay>(item)) };
  }

  async listEntries(
    companyId: string,
    iban: string,
    filter: { from?: string; to?: string; direction?: 'credit' | 'debit'; reference?: string },
    page: PageRequest,
  ): Promise<Page<StatementEntry>> {
    const conditions: string[] = [];
    const values: Record<string, unknown> = {};
    const names: Record<string, string> = {};
    if (filter.direction) {
      conditions.push('#direction = :direction');
      names['#direction'] = 'direction';
      values[':direction'] = filter.direction;
    }
    if (filter.reference) {
      conditions.push('#reference = :reference');
      names['#reference'] = 'reference';
      values[':reference'] = filter.reference;
    }
    const result = await this.#store.queryPage(
      companyId,
      { between: [`ENTRY#${iban}#${filter.from ?? '0000'}`, `ENTRY#${iban}#${filter.to ?? '9999'}#~`] },
      page,
      'Listing statement entries',
      conditions.length > 0
        ? {
            FilterExpression: conditions.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }
        : {},
    );
    return { ...result, items: result.items.map((item) => entityOf<StatementEntry>(item)) };
  }
}

export class DynamoNotificationSubscriptionRepository implements NotificationSubscriptionRepository {
  readonly #store: DynamoStore;

  constructor(client: DynamoDBDocumentClient, tableName: string, counter?: RequestCounter) {
    this.#store = new DynamoStore(client, tableName, counter);
  }

  async create(subscription: StoredNotificationSubscription, audit: AuditEvent): Promise<void> {
    const table = this.#store.tableName;
    await this.#store.transact(
      [
        {
          Put: {
            TableName: table,
            Item: {
              pk: keys.company(subscription.companyId),
              sk: keys.subscription(subscription.subscriptionId),
              type: 'NotificationSubscription',
              ...subscription,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        auditItem(table, audit),
      ],
      'Creating a notification subscription',
    );
  }

  async list(companyId: string): Promise<StoredNotificationSubscription[]> {
    const items = await this.#store.queryAll(companyId, { prefix: 'SUBSCRIPTION#' }, 'Listing subscriptions');
    return items.map((item) => entityOf<StoredNotificationSubscription>(item));
  }

  async remove(companyId: string, subscriptionId: string, audit: AuditEvent): Promise<void> {
    const table = this.#store.tableName;
    try {
      await this.#store.transact(
        [
          {
            Delete: {
              TableName: table,
              Key: { pk: keys.company(companyId), sk: keys.subscription(subscriptionId) },
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          auditItem(table, audit),
        ],
        'Removing a notification subscription',
      );
    } catch (error) {
      if (error instanceof TransactionConditionFailed)
        throw new NotFoundError('Notification subscription', subscriptionId);
      throw error;
    }
  }
}

export class DynamoAuditLog implements AuditLog {
  readonly #store: DynamoStore;

  constructor(client: DynamoDBDocumentClient, tableName: string, counter?: RequestCounter) {
    this.#store = new DynamoStore(client, tableName, counter);
  }

  async forEntity(
    companyId: string,
    entityType: AuditEvent['entityType'],
    entityId: string,
  ): Promise<AuditEvent[]> {
    const items = await this.#store.queryAll(
      companyId,
      { prefix: keys.auditOf(entityType, entityId) },
      'Reading audit events',
    );
    return items.map((item) => entityOf<AuditEvent>(item));
  }

  async record(event: AuditEvent): Promise<void> {
    const put = auditItem(this.#store.tableName, event).Put;
    await this.#store.send(new PutCommand(put as NonNullable<typeof put>), 'Writing an audit event');
  }
}

/** How long a claim blocks the same key before a crashed request's claim may be taken over. */
const claimLockSeconds = 30;
/** Keys are remembered for a day, as most payment APIs do. */
const keyLifetimeSeconds = 24 * 3600;

export class DynamoIdempotencyStore implements IdempotencyStore {
  readonly #store: DynamoStore;
  readonly #clock: Clock;

  constructor(client: DynamoDBDocumentClient, tableName: string, clock: Clock, counter?: RequestCounter) {
    this.#store = new DynamoStore(client, tableName, counter);
    this.#clock = clock;
  }

  async claim(companyId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const now = Math.floor(this.#clock.now().getTime() / 1000);
    try {
      await this.#store.send(
        new PutCommand({
          TableName: this.#store.tableName,
          Item: {
            pk: keys.company(companyId),
            sk: keys.idempotency(key),
            type: 'IdempotencyRecord',
            status: 'in_progress',
            requestHash,
            lockedUntil: now + claimLockSeconds,
            expiresAt: now + keyLifetimeSeconds,
          },
          // New key, or an abandoned claim of the same request (its holder crashed).
          ConditionExpression:
            'attribute_not_exists(pk) OR (#status = :inProgress AND requestHash = :hash AND lockedUntil < :now) OR expiresAt < :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'in_progress', ':hash': requestHash, ':now': now },
        }),
        'Claiming an idempotency key',
      );
      return { kind: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const existing = await this.#store.get(
      keys.company(companyId),
      keys.idempotency(key),
      'Reading an idempotency key',
    );
    if (!existing) return this.claim(companyId, key, requestHash);
    if (existing.requestHash !== requestHash) return { kind: 'mismatch' };
    if (existing.status === 'completed')
      return { kind: 'replay', response: existing.response as IdempotentResponse };
    return { kind: 'in_progress' };
  }

  async complete(companyId: string, key: string, response: IdempotentResponse): Promise<void> {
    await this.#store.send(
      new UpdateCommand({
        TableName: this.#store.tableName,
        Key: { pk: keys.company(companyId), sk: keys.idempotency(key) },
        UpdateExpression: 'SET #status = :completed, #response = :response',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
        ExpressionAttributeValues: { ':completed': 'completed', ':response': response },
      }),
      'Completing an idempotency key',
    );
  }

  async release(companyId: string, key: string): Promise<void> {
    try {
      await this.#store.send(
        new DeleteCommand({
          TableName: this.#store.tableName,
          Key: { pk: keys.company(companyId), sk: keys.idempotency(key) },
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'in_progress' },
        }),
        'Releasing an idempotency key',
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
