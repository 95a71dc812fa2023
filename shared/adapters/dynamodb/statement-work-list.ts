// The gsi2 work list of accounts whose daily statements are requested: an account item carries
// `gsi2pk = WORK#STATEMENT_ACCOUNTS` while statement retrieval is on and a connection selects it.
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StatementAccount, StatementAccountDirectory } from '../../app/statements/ports.ts';
import type { AccountPermissions } from '../../domain/bank-account.ts';
import { DynamoStore, type Item, type RequestCounter } from './store.ts';
import { keys } from './table-schema.ts';

/** gsi2 keys for an account item, or undefined when the account must not be on the statement work list. */
export function statementWorkListKeys(
  companyId: string,
  account: { accountId: string; permissions: AccountPermissions; connectionId?: string | undefined },
): { gsi2pk: string; gsi2sk: string } | undefined {
  if (!account.permissions.statementRetrieval || account.connectionId === undefined) return undefined;
  return {
    gsi2pk: keys.statementAccounts,
    gsi2sk: `${keys.company(companyId)}#${keys.account(account.accountId)}`,
  };
}

export class DynamoStatementAccountDirectory implements StatementAccountDirectory {
  readonly #store: DynamoStore;

  constructor(client: DynamoDBDocumentClient, tableName: string, counter?: RequestCounter) {
    this.#store = new DynamoStore(client, tableName, counter);
  }

  async *statementAccounts(): AsyncGenerator<StatementAccount> {
    let start: Item | undefined;
    do {
      const result = await this.#store.send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
        new QueryCommand({
          TableName: this.#store.tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :work',
          ExpressionAttributeValues: { ':work': keys.statementAccounts },
          ExclusiveStartKey: start,
        }),
        'Listing accounts with statement retrieval',
      );
      for (const item of result.Items ?? []) {
        const permissions = item.permissions as AccountPermissions | undefined;
        // The index is eventually consistent: re-check what the item says now.
        if (!permissions?.statementRetrieval || typeof item.connectionId !== 'string') continue;
        yield {
          companyId: String(item.companyId),
          accountId: String(item.accountId),
          iban: String(item.iban),
          currency: typeof item.currency === 'string' ? item.currency : undefined,
          connectionId: item.connectionId,
        };
      }
      start = result.LastEvaluatedKey;
    } while (start);
  }
}
