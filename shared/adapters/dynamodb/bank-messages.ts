// DynamoDB side of the collector: the bank message archive (state per message, body in the blob store),
// our message ids → batches, end users → companies, and the list of batches whose signing is overdue.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  ArchiveClaim,
  BankMessageArchive,
  CompanyDirectory,
  ProcessingOutcome,
} from '../../app/bank-messages.ts';
import type { MessageIdRegistry } from '../../app/batch-workflow.ts';
import type { SigningWatchdog } from '../../app/collect-bank-messages.ts';
import type { BankMessage, EndUser } from '../../bank/bank-gateway.ts';
import { InfrastructureError } from '../../errors.ts';
import type { BlobStore } from '../blob-store.ts';
import { globalKeys, keys } from './table-schema.ts';

const archiveRetentionSeconds = 10 * 365 * 24 * 3600;

async function send<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw error;
    throw new InfrastructureError(`${what} failed`, { cause: error });
  }
}

export class DynamoBankMessageArchive implements BankMessageArchive {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #bodies: BlobStore;

  constructor(client: DynamoDBDocumentClient, table: string, bodies: BlobStore) {
    this.#client = client;
    this.#table = table;
    this.#bodies = bodies;
  }

  async claim(message: BankMessage, at: Date, leaseMs: number): Promise<ArchiveClaim> {
    const key = globalKeys.bankMessage(message.responseId);
    const bodyKey = `bank-messages/${at.toISOString().slice(0, 10)}/${encodeURIComponent(message.responseId)}.xml`;
    const existing = await this.#get(message.responseId);
    if (existing?.state === 'processed' || existing?.state === 'quarantined') {
      return { kind: 'done', outcome: existing.state };
    }
    // The raw body is stored before anything else happens to the message.
    const stored = existing?.bodyKey ? undefined : await this.#bodies.put(bodyKey, message.body);
    try {
      await send('Archiving a bank message', () =>
        this.#client.send(
          new PutCommand({
            TableName: this.#table,
            Item: {
              ...key,
              type: 'BankMessage',
              responseId: message.responseId,
              requestId: message.requestId,
              messageType: message.type,
              typeHeader: message.typeHeader,
              endUser: message.endUser,
              bodyKey: existing?.bodyKey ?? bodyKey,
              sha256: existing?.sha256 ?? stored?.sha256,
              bytes: existing?.bytes ?? stored?.bytes,
              firstSeenAt: existing?.firstSeenAt ?? at.toISOString(),
              deliveries: Number(existing?.deliveries ?? 0) + 1,
              state: 'received',
              leaseUntil: at.getTime() + leaseMs,
              expiresAt: Math.floor(at.getTime() / 1000) + archiveRetentionSeconds,
            },
            // Become the winner: new, or an earlier claim whose lease ran out (that run crashed).
            ConditionExpression: 'attribute_not_exists(pk) OR (#state = :received AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':received': 'received', ':now': at.getTime() },
          }),
        ),
      );
      return { kind: 'process' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const now = await this.#get(message.responseId);
      if (now?.state === 'processed' || now?.state === 'quarantined')
        return { kind: 'done', outcome: now.state };
      return { kind: 'busy' };
    }
  }

  markProcessed(responseId: string, outcome: ProcessingOutcome, at: Date): Promise<void> {
    return this.#finish(responseId, 'processed', { outcome: outcome.summary }, at);
  }

  markQuarantined(responseId: string, problem: string, at: Date): Promise<void> {
    return this.#finish(responseId, 'quarantined', { problem }, at);
  }

  async release(responseId: string): Promise<void> {
    await send('Releasing a bank message claim', () =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: globalKeys.bankMessage(responseId),
          UpdateExpression: 'SET leaseUntil = :zero',
          ConditionExpression: '#state = :received',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':zero': 0, ':received': 'received' },
        }),
      ),
    ).catch((error: unknown) => {
      // Finished by someone else meanwhile: nothing to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }

  async #finish(responseId: string, state: string, details: Record<string, string>, at: Date): Promise<void> {
    await send('Recording a bank message outcome', () =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: globalKeys.bankMessage(responseId),
          UpdateExpression: 'SET #state = :state, finishedAt = :at, details = :details REMOVE leaseUntil',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':state': state, ':at': at.toISOString(), ':details': details },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }

  async #get(responseId: string): Promise<Record<string, unknown> | undefined> {
    const result = await send('Reading the bank message archive', () =>
      this.#client.send(
        new GetCommand({
          TableName: this.#table,
          Key: globalKeys.bankMessage(responseId),
          ConsistentRead: true,
        }),
      ),
    );
    return result.Item;
  }

  /** The archived record and raw body of a message (for support and the quarantine review). */
  async read(responseId: string): Promise<{ record: Record<string, unknown>; body?: string } | undefined> {
    const record = await this.#get(responseId);
    if (!record) return undefined;
    const body = typeof record.bodyKey === 'string' ? await this.#bodies.get(record.bodyKey) : undefined;
    return { record, ...(body !== undefined ? { body } : {}) };
  }
}

export class DynamoMessageIdRegistry implements MessageIdRegistry {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBDocumentClient, table: string) {
    this.#client = client;
    this.#table = table;
  }

  async register(messageId: string, owner: { companyId: string; batchId: string }): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...globalKeys.messageId(messageId), type: 'MessageId', messageId, ...owner },
          // The same batch may register again (a re-run); another batch never takes a message id over.
          ConditionExpression: 'attribute_not_exists(pk) OR (companyId = :company AND batchId = :batch)',
          ExpressionAttributeValues: { ':company': owner.companyId, ':batch': owner.batchId },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new InfrastructureError(`Message id ${messageId} belongs to another batch`, {
          retryable: false,
        });
      }
      throw new InfrastructureError('Registering a message id failed', { cause: error });
    }
  }

  async ownerOf(messageId: string) {
    const result = await send('Reading a message id', () =>
      this.#client.send(
        new GetCommand({
          TableName: this.#table,
          Key: globalKeys.messageId(messageId),
          ConsistentRead: true,
        }),
      ),
    );
    const item = result.Item;
    if (!item) return undefined;
    return {
      companyId: String(item.companyId),
      batchId: String(item.batchId),
      ...(typeof item.reportedAt === 'string' ? { reportedAt: item.reportedAt } : {}),
    };
  }

  async markReported(messageId: string, at: string): Promise<void> {
    await send('Recording a status report', () =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: globalKeys.messageId(messageId),
          UpdateExpression: 'SET reportedAt = if_not_exists(reportedAt, :at)',
          ExpressionAttributeValues: { ':at': at },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }
}

export class DynamoCompanyDirectory implements CompanyDirectory {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBDocumentClient, table: string) {
    this.#client = client;
    this.#table = table;
  }

  async companyFor(endUser: EndUser): Promise<string | undefined> {
    const result = await send('Looking up the company of an end user', () =>
      this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.endUser(endUser.country, endUser.registryCode) },
          Limit: 2,
        }),
      ),
    );
    const companies = new Set((result.Items ?? []).map((item) => String(item.companyId)));
    // Two companies claiming one end user would be ambiguous: route to nobody (the message is quarantined).
    return companies.size === 1 ? [...companies][0] : undefined;
  }
}

export class DynamoSigningWatchdog implements SigningWatchdog {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBDocumentClient, table: string) {
    this.#client = client;
    this.#table = table;
  }

  async overdueBatches(now: Date) {
    const result = await send('Listing batches waiting for signing', () =>
      this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
          ExpressionAttributeValues: { ':pk': keys.awaitingSignature, ':now': now.toISOString() },
          Limit: 100,
        }),
      ),
    );
    return (result.Items ?? []).map((item) => ({
      companyId: String(item.companyId),
      batchId: String(item.batchId),
      paymentCount: Number(item.paymentCount ?? 0),
      submittedAt: String(
        (item.submissions as Array<{ startedAt: string }> | undefined)?.[0]?.startedAt ?? item.updatedAt,
      ),
    }));
  }
}
