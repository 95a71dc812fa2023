// Connections and bank accounts. A connection's changes and the account permissions they imply are
// written in one transaction with the audit event; one open connection per company and bank is guarded
// by a slot item.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  AccountPermissionChange,
  AuditEvent,
  BankAccountRepository,
  ConnectionRepository,
  Page,
  PageRequest,
  StoredBankAccount,
  StoredConnection,
} from '../../app/ports.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { statementWorkListKeys } from './statement-work-list.ts';
import {
  auditItem,
  DynamoStore,
  entityOf,
  type Item,
  type RequestCounter,
  type TransactItem,
  TransactionConditionFailed,
} from './store.ts';
import { keys } from './table-schema.ts';

export class DynamoConnectionRepository implements ConnectionRepository {
  readonly #store: DynamoStore;

  constructor(client: DynamoDBDocumentClient, tableName: string, counter?: RequestCounter) {
    this.#store = new DynamoStore(client, tableName, counter);
  }

  async create(connection: StoredConnection, audit: AuditEvent): Promise<void> {
    const table = this.#store.tableName;
    try {
      await this.#store.transact(
        [
          {
            Put: {
              TableName: table,
              Item: {
                pk: keys.company(connection.companyId),
                sk: keys.connectionSlot(connection.bankId),
                type: 'ConnectionSlot',
                connectionId: connection.connectionId,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table,
              Item: connectionItem(connection),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          auditItem(table, audit),
        ],
        'Creating a connection',
      );
    } catch (error) {
      if (error instanceof TransactionConditionFailed) {
        throw new ConflictError(
          'connection_exists',
          'The company already has an open connection to this bank; revoke it before creating another',
        );
      }
      throw error;
    }
  }

  async get(companyId: string, connectionId: string): Promise<StoredConnection | undefined> {
    const item = await this.#store.get(
      keys.company(companyId),
      keys.connection(connectionId),
      'Reading a connection',
    );
    return item ? entityOf<StoredConnection>(item) : undefined;
  }

  async openConnectionFor(companyId: string, bankId: string): Promise<StoredConnection | undefined> {
    const slot = await this.#store.get(
      keys.company(companyId),
      keys.connectionSlot(bankId),
      'Reading a connection',
    );
    return typeof slot?.connectionId === 'string' ? this.get(companyId, slot.connectionId) : undefined;
  }

  async save(
    connection: StoredConnection,
    expectedVersion: number,
    audit: AuditEvent,
    options: { accountChanges?: AccountPermissionChange[]; releaseBankSlot?: boolean } = {},
  ): Promise<void> {
    const table = this.#store.tableName;
    const pk = keys.company(connection.companyId);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: table,
          Item: connectionItem(connection),
          ConditionExpression: 'attribute_exists(pk) AND version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
      },
    ];
    for (const change of options.accountChanges ?? []) {
      // gsi2 work list: accounts whose statements the daily run asks for (statement retrieval on, selected).
      const listed = statementWorkListKeys(connection.companyId, change);
      items.push({
        Update: {
          TableName: table,
          Key: { pk, sk: keys.account(change.accountId) },
          UpdateExpression:
            (change.connectionId === undefined
              ? 'SET #permissions = :permissions, updatedAt = :at, version = version + :one REMOVE connectionId'
              : 'SET #permissions = :permissions, connectionId = :connection, updatedAt = :at, version = version + :one') +
            (listed
              ? ', gsi2pk = :gsi2pk, gsi2sk = :gsi2sk'
              : change.connectionId === undefined
                ? ', gsi2pk, gsi2sk'
                : ' REMOVE gsi2pk, gsi2sk'),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#permissions': 'permissions' },
          ExpressionAttributeValues: {
            ':permissions': change.permissions,
            ':at': connection.updatedAt,
            ':one': 1,
            ...(change.connectionId === undefined ? {} : { ':connection': change.connectionId }),
            ...(listed ? { ':gsi2pk': listed.gsi2pk, ':gsi2sk': listed.gsi2sk } : {}),
          },
        },
      });
    }
    if (options.releaseBankSlot) {
      items.push({
        Delete: {
          TableName: table,
          Key: { pk, sk: keys.connectionSlot(connection.bankId) },
          ConditionExpression: 'connectionId = :connection',
          ExpressionAttributeValues: { ':connection': connection.connectionId },
        },
      });
    }
    items.push(auditItem(table, audit));
    try {
      await this.#store.transact(items, 'Saving a connection');
    } catch (error) {
      if (!(error instanceof TransactionConditionFailed)) throw error;
      if (error.index === 0) {
        throw new ConflictError(
          'connection_changed',
          `Connection ${connection.connectionId} was changed by someone else; reload it and try again`,
        );
      }
      const change = options.accountChanges?.[error.index - 1];
      if (change) throw new NotFoundError('Bank account', change.accountId);
      throw new ConflictError(
        'connection_changed',
        `Connection ${connection.connectionId} changed meanwhile`,
      );
    }
  }
}

export class DynamoBankAccountRepository implements BankAccountRepository {
  readonly #store: DynamoStore;

  constructor(client: DynamoDBDocumentClient, tableName: string, counter?: RequestCounter) {
    this.#store = new DynamoStore(client, tableName, counter);
  }

  async add(account: StoredBankAccount, audit: AuditEvent): Promise<void> {
    const table = this.#store.tableName;
    try {
      await this.#store.transact(
        [
          {
            Put: {
              TableName: table,
              Item: {
                pk: keys.company(account.companyId),
                sk: keys.account(account.accountId),
                type: 'BankAccount',
                ...account,
                ...statementWorkListKeys(account.companyId, account),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          auditItem(table, audit),
        ],
        'Adding a bank account',
      );
    } catch (error) {
      if (error instanceof TransactionConditionFailed) {
        throw new ConflictError('account_exists', `Account ${account.iban} has already been added`);
      }
      throw error;
    }
  }

  async get(companyId: string, accountId: string): Promise<StoredBankAccount | undefined> {
    const item = await this.#store.get(
      keys.company(companyId),
      keys.account(accountId),
      'Reading a bank account',
    );
    return item ? entityOf<StoredBankAccount>(item) : undefined;
  }

  async list(companyId: string, page: PageRequest): Promise<Page<StoredBankAccount>> {
    const result = await this.#store.queryPage(
      companyId,
      { prefix: 'ACCOUNT#' },
      page,
      'Listing bank accounts',
    );
    return { ...result, items: result.items.map((item) => entityOf<StoredBankAccount>(item)) };
  }

  async remove(companyId: string, accountId: string, audit: AuditEvent): Promise<void> {
    const table = this.#store.tableName;
    try {
      await this.#store.transact(
        [
          {
            Delete: {
              TableName: table,
              Key: { pk: keys.company(companyId), sk: keys.account(accountId) },
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(connectionId)',
            },
          },
          auditItem(table, audit),
        ],
        'Removing a bank account',
      );
    } catch (error) {
      if (!(error instanceof TransactionConditionFailed)) throw error;
      const existing = await this.get(companyId, accountId);
      if (!existing) throw new NotFoundError('Bank account', accountId);
      throw new ConflictError(
        'account_in_use',
        `Account ${accountId} is selected on connection ${existing.connectionId}; deselect it or revoke the connection first`,
      );
    }
  }
}

function connectionItem(connection: StoredConnection): Item {
  return {
    pk: keys.company(connection.companyId),
    sk: keys.connection(connection.connectionId),
    type: 'Connection',
    ...connection,
    // An active (or suspended: payments may be in flight) connection routes the bank's messages for its
    // end user to this company; other states route nothing.
    ...(connection.status === 'active' || connection.status === 'suspended'
      ? {
          gsi1pk: keys.endUser(connection.country, connection.registryCode),
          gsi1sk: keys.company(connection.companyId),
        }
      : {}),
  };
}
