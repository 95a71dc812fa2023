// Payment batches, their payments, source-document claims and duplicate fingerprints in the single table.
// Every batch write is conditional: creation on absence, updates on the version read.
//
// Layout (all under `pk = COMPANY#<companyId>`; see docs/api.md, "Data model"):
// - `BATCH#<batchId>`                          the batch (status, version, totals, ...)
// - `BATCHCREATED#<createdAt>#<batchId>`       listing pointer: batches newest first
// - `E2EBATCH#<batchId>`                       end-to-end id → batch pointer (gsi1 `E2EBATCH#<e2e prefix>`)
// - `PAYMENTCHUNK#<batchId>#<first position>`  up to 100 payments as written at creation (immutable)
// - `PAYMENTSTATUS#<batchId>#<paymentId>`      the payment's current version once its status changed
// - `FINGERPRINTS#<createdAt>#<batchId>#<part>` the batch's duplicate fingerprints (TTL 60 days)
// - `SOURCEDOCS#<bucket>`                      open claims on bills / expense reports, one attribute per document
// A batch of 5,000 payments is ~60 items instead of ~15,000, which is what makes creating it fast.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type {
  AuditEvent,
  FingerprintMatch,
  Page,
  PageRequest,
  PaymentBatchRepository,
  StoredPayment,
  StoredPaymentBatch,
} from '../../app/ports.ts';
import { endToEndIdFor, type PaymentStatus, type SourceDocument } from '../../domain/payment.ts';
import { ConflictError, InfrastructureError, ValidationError } from '../../errors.ts';
import {
  auditItem,
  DynamoStore,
  decodeCursor,
  encodeCursor,
  entityOf,
  type Item,
  type RequestCounter,
  type TransactItem,
  TransactionConditionFailed,
} from './store.ts';
import { keys } from './table-schema.ts';

/** Fingerprints older than this are not looked at and expire from the table. */
const fingerprintLifetimeDays = 60;
/** Payments per chunk item at most; fewer when the payments are large (items stay far below 400 KB). */
export const paymentsPerChunk = 250;
const chunkBudgetBytes = 280_000;
const fingerprintPartBudgetBytes = 300_000;
/** Claims on source documents are spread over this many items per company: one transaction claims them all. */
export const sourceDocumentBuckets = 16;
/** A claim bucket item stays below DynamoDB's 400 KB item limit (gzipped: tens of thousands of documents). */
const claimBucketLimitBytes = 350_000;

const pad = (position: number) => String(position).padStart(5, '0');

/** Sort keys of the batch's items (see the header comment). */
export const batchKeys = {
  created: (createdAt: string, batchId: string) => `BATCHCREATED#${createdAt}#${batchId}`,
  createdPrefix: 'BATCHCREATED#',
  endToEndPointer: (batchId: string) => `E2EBATCH#${batchId}`,
  /** gsi1pk of the pointer: the end-to-end id without its `-<position>` suffix. */
  endToEndPrefix: (prefix: string) => `E2EBATCH#${prefix}`,
  chunk: (batchId: string, firstPosition: number) => `PAYMENTCHUNK#${batchId}#${pad(firstPosition)}`,
  chunksOf: (batchId: string) => `PAYMENTCHUNK#${batchId}#`,
  status: (batchId: string, paymentId: string) => `PAYMENTSTATUS#${batchId}#${paymentId}`,
  statusesOf: (batchId: string) => `PAYMENTSTATUS#${batchId}#`,
  fingerprints: (createdAt: string, batchId: string, part: number) =>
    `FINGERPRINTS#${createdAt}#${batchId}#${String(part).padStart(3, '0')}`,
  sourceDocumentBucket: (bucket: number) => `SOURCEDOCS#${String(bucket).padStart(3, '0')}`,
};

/** Where a payment lives: what the collector gets from an end-to-end id. */
export interface PaymentLocation {
  companyId: string;
  batchId: string;
  paymentId: string;
}

/** A payment as kept inside a chunk item (the company and batch are the item's). */
type ChunkedPayment = Omit<StoredPayment, 'companyId' | 'batchId'>;

const documentKey = (document: SourceDocument) => `${document.type}#${document.id}`;

/** The claims of one bucket item: `{ [batchId]: ["bill#123", ...] }` as one gzipped JSON attribute. */
class ClaimBucket {
  readonly #byBatch: Map<string, Set<string>>;
  readonly #holder = new Map<string, string>();

  constructor(serialized: unknown) {
    const parsed = (unpackJson(serialized) as Record<string, string[]> | undefined) ?? {};
    this.#byBatch = new Map(Object.entries(parsed).map(([batchId, list]) => [batchId, new Set(list)]));
    for (const [batchId, list] of this.#byBatch) for (const key of list) this.#holder.set(key, batchId);
  }

  holderOf(document: SourceDocument): string | undefined {
    return this.#holder.get(documentKey(document));
  }

  /** Adds the claims; false when nothing changed. */
  add(batchId: string, documents: readonly SourceDocument[]): boolean {
    const own = this.#byBatch.get(batchId) ?? new Set<string>();
    const before = own.size;
    for (const document of documents) own.add(documentKey(document));
    this.#byBatch.set(batchId, own);
    return own.size !== before;
  }

  /** Removes the batch's own claims on the documents; false when nothing changed. */
  remove(batchId: string, documents: readonly SourceDocument[]): boolean {
    const own = this.#byBatch.get(batchId);
    if (!own) return false;
    const before = own.size;
    for (const document of documents) own.delete(documentKey(document));
    if (own.size === 0) this.#byBatch.delete(batchId);
    return own.size !== before;
  }

  serialize(): Uint8Array {
    return packJson(Object.fromEntries([...this.#byBatch].map(([batchId, list]) => [batchId, [...list]])));
  }
}

export function sourceDocumentBucket(document: SourceDocument): number {
  return createHash('sha256').update(documentKey(document)).digest().readUInt32BE(0) % sourceDocumentBuckets;
}

/** `<prefix>-<position>` as made by endToEndIdFor; undefined for ids that are not ours. */
function parseEndToEndId(endToEndId: string): { prefix: string; position: number } | undefined {
  const match = /^([A-Za-z0-9]{1,30})-(\d{5})$/.exec(endToEndId);
  if (!match?.[1] || !match[2]) return undefined;
  const position = Number(match[2]);
  return position >= 1 ? { prefix: match[1], position } : undefined;
}

export class DynamoPaymentBatchRepository implements PaymentBatchRepository {
  readonly #store: DynamoStore;

  constructor(client: DynamoDBDocumentClient, tableName: string, counter?: RequestCounter) {
    this.#store = new DynamoStore(client, tableName, counter);
  }

  /** Stores a new batch item (with its listing and end-to-end pointers) alone. */
  async create(batch: StoredPaymentBatch): Promise<void> {
    try {
      await this.#store.transact(this.#batchCreationItems(batch), 'Writing a payment batch');
    } catch (error) {
      if (error instanceof TransactionConditionFailed) {
        throw new ConflictError('batch_exists', `Payment batch ${batch.batchId} already exists`);
      }
      throw error;
    }
  }

  #batchCreationItems(batch: StoredPaymentBatch, audit?: AuditEvent): TransactItem[] {
    const pk = keys.company(batch.companyId);
    const tableName = this.#store.tableName;
    const prefix = parseEndToEndId(endToEndIdFor(batch.batchId, 1))?.prefix;
    return [
      {
        Put: {
          TableName: tableName,
          Item: batchItem(batch),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: tableName,
          Item: {
            pk,
            sk: batchKeys.created(batch.createdAt, batch.batchId),
            type: 'PaymentBatchListing',
            batchId: batch.batchId,
            createdAt: batch.createdAt,
          },
        },
      },
      ...(prefix
        ? [
            {
              Put: {
                TableName: tableName,
                Item: {
                  pk,
                  sk: batchKeys.endToEndPointer(batch.batchId),
                  type: 'EndToEndPointer',
                  gsi1pk: batchKeys.endToEndPrefix(prefix),
                  gsi1sk: pk,
                  companyId: batch.companyId,
                  batchId: batch.batchId,
                  paymentCount: batch.paymentCount ?? 0,
                },
              },
            },
          ]
        : []),
      ...(audit ? [auditItem(tableName, audit)] : []),
    ];
  }

  async createDraft(batch: StoredPaymentBatch, payments: StoredPayment[], audit: AuditEvent): Promise<void> {
    const store = this.#store;
    const documents = payments.map((payment) => payment.sourceDocument);
    // 1. Claim every source document, all or nothing (normally one transaction over the claim buckets).
    await this.#claimSourceDocuments(batch.companyId, batch.batchId, documents);
    // 2. Payment chunks and fingerprint parts (new keys: plain batch writes, in parallel), 3. the batch, its
    // pointers and its audit event in one transaction. Readers find the batch only once everything is there.
    try {
      const pk = keys.company(batch.companyId);
      const items: Item[] = [];
      for (const part of packBySize(payments, paymentsPerChunk, chunkBudgetBytes, (p) => JSON.stringify(p))) {
        const first = part[0] as StoredPayment;
        items.push({
          pk,
          sk: batchKeys.chunk(batch.batchId, first.position),
          type: 'PaymentChunk',
          batchId: batch.batchId,
          firstPosition: first.position,
          // One binary attribute (gzipped JSON): far cheaper to write and read than a list of maps.
          payments: packJson(part.map(chunkedPayment)),
        });
      }
      const expiresAt = Math.floor(Date.parse(batch.createdAt) / 1000) + fingerprintLifetimeDays * 86_400;
      const pairs = payments.map((payment) => [payment.paymentId, payment.fingerprint] as const);
      packBySize(pairs, 20_000, fingerprintPartBudgetBytes, (pair) => pair[1]).forEach((part, index) => {
        items.push({
          pk,
          sk: batchKeys.fingerprints(batch.createdAt, batch.batchId, index),
          type: 'PaymentFingerprints',
          batchId: batch.batchId,
          // One binary attribute, gzipped JSON [[paymentId, fingerprint], ...] (cheaper than a list of maps).
          fingerprints: packJson(part),
          expiresAt,
        });
      });
      await store.putMany(items, 'Writing payments', 8);
      await store.transact(this.#batchCreationItems(batch, audit), 'Writing a payment batch');
    } catch (error) {
      await this.releaseSourceDocuments(batch.companyId, batch.batchId, documents);
      if (error instanceof TransactionConditionFailed) {
        throw new ConflictError('batch_exists', `Payment batch ${batch.batchId} already exists`);
      }
      throw error;
    }
  }

  /**
   * Claims the documents for the batch, all or nothing: reads their claim buckets, refuses a document another
   * batch holds (ConflictError naming it and that batch), and writes the changed buckets in one transaction
   * conditional on each bucket's version; a lost race (another batch claimed at the same time) reads again.
   */
  async #claimSourceDocuments(
    companyId: string,
    batchId: string,
    documents: readonly SourceDocument[],
  ): Promise<void> {
    await this.#changeClaims(companyId, documents, 'Claiming source documents', (claims, list) => {
      for (const document of list) {
        const holder = claims.holderOf(document);
        if (holder !== undefined && holder !== batchId) {
          const words = document.type === 'bill' ? 'Bill' : 'Expense report';
          throw new ConflictError(
            'source_document_in_open_batch',
            `${words} ${document.id} is already in open payment batch ${holder}`,
          );
        }
      }
      return claims.add(batchId, list);
    });
  }

  /** Frees the batch's own claims (a document claimed by another batch since is left alone). */
  async releaseSourceDocuments(
    companyId: string,
    batchId: string,
    documents: readonly SourceDocument[],
  ): Promise<void> {
    await this.#changeClaims(companyId, documents, 'Releasing source documents', (claims, list) =>
      claims.remove(batchId, list),
    );
  }

  /** Read-modify-write of the documents' claim buckets, conditional on their versions, retried on races. */
  async #changeClaims(
    companyId: string,
    documents: readonly SourceDocument[],
    what: string,
    change: (claims: ClaimBucket, documents: readonly SourceDocument[]) => boolean,
  ): Promise<void> {
    const byBucket = new Map<number, SourceDocument[]>();
    const unique = new Map(documents.map((document) => [documentKey(document), document]));
    for (const document of unique.values()) {
      const bucket = sourceDocumentBucket(document);
      const list = byBucket.get(bucket) ?? [];
      list.push(document);
      byBucket.set(bucket, list);
    }
    if (byBucket.size === 0) return;
    const pk = keys.company(companyId);
    for (let attempt = 0; ; attempt++) {
      const stored = await this.#store.getMany(
        [...byBucket.keys()].map((bucket) => ({ pk, sk: batchKeys.sourceDocumentBucket(bucket) })),
        what,
      );
      const bySk = new Map(stored.map((item) => [String(item.sk), item]));
      const items: TransactItem[] = [];
      for (const [bucket, list] of byBucket) {
        const sk = batchKeys.sourceDocumentBucket(bucket);
        const item = bySk.get(sk);
        const claims = new ClaimBucket(item?.claims);
        if (!change(claims, list)) continue;
        const packed = claims.serialize();
        if (packed.byteLength > claimBucketLimitBytes) {
          throw new InfrastructureError(`${what}: claim bucket ${sk} is full`, { retryable: false });
        }
        const version = Number(item?.version ?? 0);
        items.push({
          Put: {
            TableName: this.#store.tableName,
            Item: { pk, sk, type: 'SourceDocumentClaims', version: version + 1, claims: packed },
            ...(item
              ? {
                  ConditionExpression: 'version = :version',
                  ExpressionAttributeValues: { ':version': version },
                }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          },
        });
      }
      if (items.length === 0) return;
      try {
        // At most 100 buckets (sourceDocumentBuckets), so one transaction: all or nothing.
        await this.#store.transact(items, what);
        return;
      } catch (error) {
        const race =
          error instanceof TransactionConditionFailed ||
          (error instanceof InfrastructureError && error.retryable);
        if (!race || attempt >= 8) throw error;
        await new Promise((resolve) =>
          setTimeout(resolve, (20 + Math.random() * 40) * 2 ** Math.min(attempt, 5)),
        );
      }
    }
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

  /** Newest first (by creation time); the cursor is the last listing pointer's sort key. */
  async list(companyId: string, page: PageRequest): Promise<Page<StoredPaymentBatch>> {
    const pointers = await this.#store.queryPage(
      companyId,
      { prefix: batchKeys.createdPrefix },
      page,
      'Listing payment batches',
      { ScanIndexForward: false },
    );
    const batches = await this.getMany(
      companyId,
      pointers.items.map((item) => String(item.batchId)),
    );
    const byId = new Map(batches.map((batch) => [batch.batchId, batch]));
    const items = pointers.items.flatMap((item) => byId.get(String(item.batchId)) ?? []);
    return { items, nextCursor: pointers.nextCursor };
  }

  /** Payments in position order; the cursor carries the last payment id of the page. */
  async listPayments(companyId: string, batchId: string, page: PageRequest): Promise<Page<StoredPayment>> {
    const after = page.cursor ? paymentCursorPosition(page.cursor, batchId) : 0;
    const from = after + 1;
    const to = after + page.limit + 1; // one more than the page: is there a next page?
    const [chunks, statuses] = await Promise.all([
      this.#store.queryAll(
        companyId,
        {
          between: [
            batchKeys.chunk(batchId, Math.max(1, from - paymentsPerChunk + 1)),
            batchKeys.chunk(batchId, to),
          ],
        },
        'Listing payments',
      ),
      this.#statusesBetween(companyId, batchId, from, to),
    ]);
    const payments = mergePayments(companyId, batchId, chunks, statuses).filter(
      (payment) => payment.position >= from && payment.position <= to,
    );
    const items = payments.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: payments.length > page.limit && last ? paymentCursor(batchId, last.position) : undefined,
    };
  }

  async allPayments(companyId: string, batchId: string): Promise<StoredPayment[]> {
    const [chunks, statuses] = await Promise.all([
      this.#allChunks(companyId, batchId),
      this.#store.queryAll(companyId, { prefix: batchKeys.statusesOf(batchId) }, 'Reading payment statuses'),
    ]);
    return mergePayments(companyId, batchId, chunks, statuses);
  }

  /** All chunk items (gzipped, a 5,000-payment batch is ~0.3 MB: normally one query page). */
  async #allChunks(companyId: string, batchId: string): Promise<Item[]> {
    return this.#store.queryAll(companyId, { prefix: batchKeys.chunksOf(batchId) }, 'Reading payments');
  }

  async #statusesBetween(companyId: string, batchId: string, from: number, to: number): Promise<Item[]> {
    return this.#store.queryAll(
      companyId,
      { between: [batchKeys.status(batchId, pad(from)), batchKeys.status(batchId, pad(to))] },
      'Reading payment statuses',
    );
  }

  /** One payment in its current version. */
  async getPayment(
    companyId: string,
    batchId: string,
    paymentId: string,
  ): Promise<StoredPayment | undefined> {
    const [status, initial] = await Promise.all([
      this.#store.get(keys.company(companyId), batchKeys.status(batchId, paymentId), 'Reading a payment'),
      this.#initialPayment(companyId, batchId, paymentId),
    ]);
    return status ? entityOf<StoredPayment>(status) : initial;
  }

  /** The payment as written at creation (from its chunk). */
  async #initialPayment(
    companyId: string,
    batchId: string,
    paymentId: string,
  ): Promise<StoredPayment | undefined> {
    const position = Number(paymentId);
    if (!Number.isInteger(position) || position < 1) return undefined;
    const result = await this.#store.send<{ Items?: Item[] }>(
      new QueryCommand({
        TableName: this.#store.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': keys.company(companyId),
          ':from': batchKeys.chunk(batchId, Math.max(1, position - paymentsPerChunk + 1)),
          ':to': batchKeys.chunk(batchId, position),
        },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
      'Reading a payment',
    );
    const found = chunkPayments(result.Items?.[0]).find((payment) => payment.paymentId === paymentId);
    return found ? { companyId, batchId, ...found } : undefined;
  }

  /**
   * Replaces the payment with `next` if it is still at `expected` (status and version): of concurrent
   * updates exactly one wins, the others get ConflictError `payment_changed`. `next.version` must be higher.
   * With `audit` the event is written in the same transaction.
   */
  async updatePaymentStatus(
    companyId: string,
    batchId: string,
    paymentId: string,
    expected: { status: PaymentStatus; version: number },
    next: StoredPayment,
    audit?: AuditEvent,
  ): Promise<void> {
    if (next.companyId !== companyId || next.batchId !== batchId || next.paymentId !== paymentId) {
      throw new InfrastructureError('updatePaymentStatus: next is another payment', { retryable: false });
    }
    if (next.version <= expected.version) {
      throw new InfrastructureError('updatePaymentStatus: the version must grow', { retryable: false });
    }
    const conflict = () =>
      new ConflictError(
        'payment_changed',
        `Payment ${paymentId} of batch ${batchId} is no longer ${expected.status} (version ${expected.version})`,
      );
    const item: Item = {
      pk: keys.company(companyId),
      sk: batchKeys.status(batchId, paymentId),
      type: 'PaymentStatus',
      ...next,
    };
    const write = async (condition: string, values?: Record<string, unknown>) => {
      const put = {
        TableName: this.#store.tableName,
        Item: item,
        ConditionExpression: condition,
        ...(values
          ? {
              ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
              ExpressionAttributeValues: values,
            }
          : {}),
      };
      try {
        if (audit)
          await this.#store.transact(
            [{ Put: put }, auditItem(this.#store.tableName, audit)],
            'Writing a payment status',
          );
        else await this.#store.send(new PutCommand(put), 'Writing a payment status');
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException || error instanceof TransactionConditionFailed) {
          return false;
        }
        throw error;
      }
    };
    const fromStatusItem = () =>
      write('#status = :status AND #version = :version', {
        ':status': expected.status,
        ':version': expected.version,
      });
    const fromChunk = async () => {
      const initial = await this.#initialPayment(companyId, batchId, paymentId);
      if (!initial || initial.status !== expected.status || initial.version !== expected.version)
        return false;
      // Still the chunk's version only while no status item exists.
      return write('attribute_not_exists(pk)');
    };
    if (expected.version <= 1) {
      if (await fromChunk()) return;
    } else if (await fromStatusItem()) return;
    else if (
      !(await this.#store.get(
        keys.company(companyId),
        batchKeys.status(batchId, paymentId),
        'Reading a payment',
      )) &&
      (await fromChunk())
    ) {
      return;
    }
    throw conflict();
  }

  /**
   * The payment an end-to-end id (`<batch id prefix>-<position>`, see endToEndIdFor) belongs to, in any
   * company (via gsi1, eventually consistent), or undefined when it is not one of ours.
   */
  async findPaymentByEndToEndId(endToEndId: string): Promise<PaymentLocation | undefined> {
    const parsed = parseEndToEndId(endToEndId);
    if (!parsed) return undefined;
    const result = await this.#store.send<{ Items?: Item[] }>(
      new QueryCommand({
        TableName: this.#store.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': batchKeys.endToEndPrefix(parsed.prefix) },
      }),
      'Finding a payment by end-to-end id',
    );
    const matches = (result.Items ?? []).filter((item) => Number(item.paymentCount) >= parsed.position);
    if (matches.length > 1) {
      throw new InfrastructureError(`End-to-end id ${endToEndId} matches ${matches.length} batches`, {
        retryable: false,
      });
    }
    const match = matches[0];
    return match
      ? {
          companyId: String(match.companyId),
          batchId: String(match.batchId),
          paymentId: pad(parsed.position),
        }
      : undefined;
  }

  async fingerprintsSince(companyId: string, since: string): Promise<FingerprintMatch[]> {
    const items = await this.#store.queryAll(
      companyId,
      { between: [`FINGERPRINTS#${since}`, 'FINGERPRINTS#~'] },
      'Reading payment fingerprints',
      { ProjectionExpression: 'batchId, fingerprints' },
    );
    const matches: FingerprintMatch[] = [];
    for (const item of items) {
      const batchId = String(item.batchId);
      for (const [paymentId, fingerprint] of (unpackJson(item.fingerprints) ?? []) as [string, string][]) {
        matches.push({ fingerprint, batchId, paymentId });
      }
    }
    return matches;
  }
}

function batchItem(batch: StoredPaymentBatch): Item {
  return {
    pk: keys.company(batch.companyId),
    sk: keys.batch(batch.batchId),
    type: 'PaymentBatch',
    ...batch,
    // The signing watchdog's work list: sent batches not final yet, by the time signing becomes overdue.
    ...(batch.signingOverdueAt && waitingForSigning.has(batch.status)
      ? {
          gsi2pk: keys.awaitingSignature,
          gsi2sk: `${batch.signingOverdueAt}#${batch.companyId}#${batch.batchId}`,
        }
      : {}),
  };
}

const waitingForSigning = new Set<StoredPaymentBatch['status']>([
  'submitted',
  'acknowledged',
  'awaiting_signature',
]);

function chunkedPayment(payment: StoredPayment): ChunkedPayment {
  const { companyId: _company, batchId: _batch, ...rest } = payment;
  return rest;
}

function chunkPayments(chunkItem: Item | undefined): ChunkedPayment[] {
  return (unpackJson(chunkItem?.payments) as ChunkedPayment[] | undefined) ?? [];
}

/** JSON, gzipped: chunk and claim items are written and read whole, never looked into by DynamoDB. */
function packJson(value: unknown): Uint8Array {
  return gzipSync(JSON.stringify(value), { level: 1 });
}

function unpackJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return JSON.parse(gunzipSync(value).toString('utf8'));
  return undefined;
}

/** Chunk payments overlaid with their status items, in position order. */
function mergePayments(
  companyId: string,
  batchId: string,
  chunks: readonly Item[],
  statuses: readonly Item[],
): StoredPayment[] {
  const current = new Map(
    statuses.map((item) => {
      const payment = entityOf<StoredPayment>(item);
      return [payment.paymentId, payment] as const;
    }),
  );
  const payments: StoredPayment[] = [];
  for (const item of chunks) {
    for (const payment of chunkPayments(item)) {
      payments.push(current.get(payment.paymentId) ?? { companyId, batchId, ...payment });
    }
  }
  return payments.sort((a, b) => a.position - b.position);
}

/** Greedy packing in order: at most `count` per part and about `budget` bytes (measured by `size`). */
function packBySize<T>(items: readonly T[], count: number, budget: number, size: (item: T) => string): T[][] {
  const parts: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const itemBytes = Buffer.byteLength(size(item)) + 64;
    if (current.length > 0 && (current.length >= count || bytes + itemBytes > budget)) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += itemBytes;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

function paymentCursor(batchId: string, position: number): string {
  return encodeCursor(batchKeys.status(batchId, pad(position)));
}

function paymentCursorPosition(cursor: string, batchId: string): number {
  const sk = decodeCursor(cursor);
  const prefix = batchKeys.statusesOf(batchId);
  const position = sk.startsWith(prefix) ? Number(sk.slice(prefix.length)) : Number.NaN;
  if (!Number.isInteger(position) || position < 0) {
    throw new ValidationError('The cursor belongs to another listing', [
      { path: 'cursor', message: 'invalid cursor' },
    ]);
  }
  return position;
}
