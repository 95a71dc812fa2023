// The single table's key schema, shared by the CDK stack and the local harnesses so both create the same table.
// Every key starts with the company id: tenant isolation is part of the key, not a filter.

export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    /** Lookups by a global identifier (end-to-end id, bank message request id) → owning item. */
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  ],
} as const;

export const keys = {
  company: (companyId: string) => `COMPANY#${companyId}`,
  batch: (batchId: string) => `BATCH#${batchId}`,
};
