// Per-test-file isolation: every call creates a fresh, uniquely named table on the shared DynamoDB Local.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createConnectorTable, localRegion } from '../../infra/local/dynamodb-local.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';

export async function isolatedTable() {
  const endpoint = inject('dynamoDbEndpoint');
  const tableName = `test-${randomUUID()}`;
  await createConnectorTable(endpoint, tableName);
  const client = createDocumentClient({ region: localRegion, endpoint });
  return { endpoint, tableName, client };
}
