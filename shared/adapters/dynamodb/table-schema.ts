// The single table's key schema, shared by the CDK stack and the local harnesses so both create the same table.
// Every key starts with the company id: tenant isolation is part of the key, not a filter.

export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    /** Lookups by a global identifier (end-to-end id, bank message request id) → owning item. */
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Work lists across companies: batches awaiting signature by due time, accounts with statements on. */
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

/**
 * Sort keys of the items under a company's partition (`pk = COMPANY#<companyId>`). Prefixes never nest
 * (`BATCH#` vs `PAYMENT#`), so a `begins_with` query returns one item type only.
 */
export const keys = {
  company: (companyId: string) => `COMPANY#${companyId}`,
  batch: (batchId: string) => `BATCH#${batchId}`,
  payment: (batchId: string, paymentId: string) => `PAYMENT#${batchId}#${paymentId}`,
  paymentsOf: (batchId: string) => `PAYMENT#${batchId}#`,
  sourceDocument: (type: string, id: string) => `SOURCEDOC#${type}#${id}`,
  fingerprint: (createdAt: string, batchId: string, paymentId: string) =>
    `FINGERPRINT#${createdAt}#${batchId}#${paymentId}`,
  connection: (connectionId: string) => `CONNECTION#${connectionId}`,
  connectionSlot: (bankId: string) => `CONNECTIONSLOT#${bankId}`,
  account: (accountId: string) => `ACCOUNT#${accountId}`,
  statementDay: (iban: string, date: string) => `STATEMENTDAY#${iban}#${date}`,
  entry: (iban: string, bookingDate: string, bankReference: string, occurrence: number) =>
    `ENTRY#${iban}#${bookingDate}#${bankReference}#${String(occurrence).padStart(3, '0')}`,
  subscription: (subscriptionId: string) => `SUBSCRIPTION#${subscriptionId}`,
  idempotency: (key: string) => `IDEMPOTENCY#${key}`,
  audit: (entityType: string, entityId: string, at: string, eventId: string) =>
    `AUDIT#${entityType}#${entityId}#${at}#${eventId}`,
  auditOf: (entityType: string, entityId: string) => `AUDIT#${entityType}#${entityId}#`,
  /** gsi1: end-to-end id → payment (the collector knows only the bank's echo of it). */
  endToEnd: (endToEndId: string) => `E2E#${endToEndId}`,
  /** gsi1: the bank's end user (operator headers) → the company whose active connection it is. */
  endUser: (country: string, registryCode: string) => `ENDUSER#${country}#${registryCode}`,
  /** gsi2 work lists. */
  awaitingSignature: 'WORK#AWAITING_SIGNATURE',
  statementAccounts: 'WORK#STATEMENT_ACCOUNTS',
};

/**
 * Global items outside any company's partition, for what arrives from the bank before we know the company:
 * archived bank messages and our message ids (MsgId) → the batch that sent them.
 */
export const globalKeys = {
  bankMessage: (responseId: string) => ({ pk: `BANKMSG#${responseId}`, sk: 'BANKMSG' }),
  messageId: (messageId: string) => ({ pk: `MSGID#${messageId}`, sk: 'MSGID' }),
};
