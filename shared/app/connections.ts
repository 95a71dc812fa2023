// Connecting a company to its bank: create, confirm representation (e-Business Register + bank agreement),
// choose accounts and permissions, activate, revoke. Every change is audited in the same transaction.

import { type AccountPermissions, noPermissions } from '../domain/bank-account.ts';
import {
  accountsCanBeSelected,
  addRepresentationConfirmation,
  assertConnectionTransition,
} from '../domain/connection.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { findBank } from './banks.ts';
import { type Actor, type AppDependencies, auditEvent, requireRole, roles } from './context.ts';
import { ForbiddenError, UnprocessableError } from './errors.ts';
import type { AccountPermissionChange, StoredConnection } from './ports.ts';
import { presentConnection } from './presenters.ts';

async function connectionOf(deps: AppDependencies, actor: Actor, connectionId: string) {
  const connection = await deps.connections.get(actor.companyId, connectionId);
  if (!connection) throw new NotFoundError('Connection', connectionId);
  return connection;
}

export async function createConnection(
  deps: AppDependencies,
  actor: Actor,
  input: { bankId: string; registryCode: string; country: string },
) {
  requireRole(actor, roles.manageConnection, 'connect the company to a bank');
  const bank = findBank(input.bankId);
  if (!bank) {
    throw new UnprocessableError('bank_not_supported', `Bank ${input.bankId} is not supported`, [
      { path: 'bankId', message: 'not a supported bank' },
    ]);
  }
  const at = deps.clock.now().toISOString();
  const connection: StoredConnection = {
    companyId: actor.companyId,
    connectionId: deps.ids.next(),
    bankId: bank.id,
    registryCode: input.registryCode,
    country: input.country,
    status: 'contract_pending',
    version: 1,
    representationConfirmations: [],
    accountIds: [],
    createdAt: at,
    createdBy: actor.userId,
    updatedAt: at,
  };
  await deps.connections.create(
    connection,
    auditEvent(deps, actor, 'Connection', connection.connectionId, 'ConnectionCreated', {
      bankId: bank.id,
      registryCode: input.registryCode,
    }),
  );
  return presentConnection(connection);
}

export async function getConnection(deps: AppDependencies, actor: Actor, connectionId: string) {
  return presentConnection(await connectionOf(deps, actor, connectionId));
}

/**
 * The signed-in person confirms they may represent the company: the register must list them (joint
 * representatives need a second one), and the bank must know a Gateway agreement for the registry code.
 */
export async function confirmRepresentation(deps: AppDependencies, actor: Actor, connectionId: string) {
  if (!actor.personalCode) {
    throw new ForbiddenError(
      'personal_code_missing',
      'Your sign-in does not carry a personal code; sign in with an eID to confirm representation',
    );
  }
  const connection = await connectionOf(deps, actor, connectionId);
  assertConnectionTransition(connection.status, 'representation_confirmed');
  const company = { registryCode: connection.registryCode, country: connection.country };
  const registered = await deps.registry.representativesOf(company);
  if (!registered) {
    throw new UnprocessableError(
      'company_not_in_register',
      `The e-Business Register has no company with registry code ${connection.registryCode}`,
    );
  }
  const representative = registered.representatives.find((r) => r.personalCode === actor.personalCode);
  if (!representative) {
    throw new ForbiddenError(
      'not_a_representative',
      `According to the e-Business Register you may not represent ${registered.companyName}; a board member must confirm`,
    );
  }
  if (!(await deps.agreements.hasAgreement(company))) {
    throw new ConflictError(
      'bank_agreement_missing',
      `Coop Pank has no Gateway agreement for registry code ${connection.registryCode}; sign the Gateway contract in the bank first`,
    );
  }
  const at = deps.clock.now().toISOString();
  const outcome = addRepresentationConfirmation(connection.representationConfirmations, {
    personalCode: representative.personalCode,
    name: representative.name,
    representation: representative.representation,
    userId: actor.userId,
    at,
  });
  const updated: StoredConnection = {
    ...connection,
    companyName: registered.companyName,
    status: outcome.kind === 'confirmed' ? 'representation_confirmed' : connection.status,
    representationConfirmations: outcome.confirmations,
    version: connection.version + 1,
    updatedAt: at,
  };
  await deps.connections.save(
    updated,
    connection.version,
    auditEvent(
      deps,
      actor,
      'Connection',
      connectionId,
      outcome.kind === 'confirmed' ? 'RepresentationConfirmed' : 'RepresentationPartlyConfirmed',
      { representative: representative.name, representation: representative.representation },
    ),
  );
  return { ...presentConnection(updated), representationOutcome: outcome.kind };
}

export interface AccountSelection extends AccountPermissions {
  accountId: string;
}

export async function setConnectionAccounts(
  deps: AppDependencies,
  actor: Actor,
  connectionId: string,
  selection: AccountSelection[],
) {
  requireRole(actor, roles.manageConnection, 'choose accounts and permissions');
  const connection = await connectionOf(deps, actor, connectionId);
  if (!accountsCanBeSelected(connection.status)) {
    throw new ConflictError(
      'accounts_not_selectable',
      `Accounts can be chosen after representation is confirmed; the connection is ${connection.status.replaceAll('_', ' ')}`,
    );
  }
  const bank = findBank(connection.bankId);
  const accounts = await Promise.all(selection.map((s) => deps.accounts.get(actor.companyId, s.accountId)));
  const problems = accounts.flatMap((account, index) => {
    if (!account)
      return [{ path: `accounts.${index}.accountId`, message: 'no such bank account; add it first' }];
    if (account.bankId !== bank?.id)
      return [{ path: `accounts.${index}.accountId`, message: 'not an account at this bank' }];
    if (account.connectionId && account.connectionId !== connectionId) {
      return [{ path: `accounts.${index}.accountId`, message: 'selected on another connection' }];
    }
    return [];
  });
  if (problems.length > 0)
    throw new UnprocessableError('accounts_invalid', 'Some accounts cannot be selected', problems);
  const chosen = new Set(selection.map((s) => s.accountId));
  const changes: AccountPermissionChange[] = [
    ...selection.map((s) => ({
      accountId: s.accountId,
      permissions: { paymentInitiation: s.paymentInitiation, statementRetrieval: s.statementRetrieval },
      connectionId,
    })),
    ...connection.accountIds
      .filter((id) => !chosen.has(id))
      .map((accountId) => ({ accountId, permissions: noPermissions, connectionId: undefined })),
  ];
  const next = connection.status === 'active' ? 'active' : 'accounts_selected';
  assertConnectionTransition(connection.status, next);
  const updated: StoredConnection = {
    ...connection,
    status: next,
    accountIds: [...chosen],
    version: connection.version + 1,
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.connections.save(
    updated,
    connection.version,
    auditEvent(deps, actor, 'Connection', connectionId, 'ConnectionAccountsSelected', {
      accounts: selection,
    }),
    { accountChanges: changes },
  );
  return presentConnection(updated);
}

export async function activateConnection(deps: AppDependencies, actor: Actor, connectionId: string) {
  requireRole(actor, roles.manageConnection, 'activate the connection');
  const connection = await connectionOf(deps, actor, connectionId);
  assertConnectionTransition(connection.status, 'active');
  const accounts = await Promise.all(
    connection.accountIds.map((id) => deps.accounts.get(actor.companyId, id)),
  );
  const granted = accounts.some(
    (a) => a && (a.permissions.paymentInitiation || a.permissions.statementRetrieval),
  );
  if (!granted) {
    throw new ConflictError(
      'no_permissions_granted',
      'Turn on payment initiation or statement retrieval for at least one account before activating',
    );
  }
  const updated: StoredConnection = {
    ...connection,
    status: 'active',
    version: connection.version + 1,
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.connections.save(
    updated,
    connection.version,
    auditEvent(deps, actor, 'Connection', connectionId, 'ConnectionActivated'),
  );
  return presentConnection(updated);
}

export async function revokeConnection(deps: AppDependencies, actor: Actor, connectionId: string) {
  requireRole(actor, roles.manageConnection, 'revoke the connection');
  const connection = await connectionOf(deps, actor, connectionId);
  assertConnectionTransition(connection.status, 'revoked');
  const updated: StoredConnection = {
    ...connection,
    status: 'revoked',
    accountIds: [],
    version: connection.version + 1,
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.connections.save(
    updated,
    connection.version,
    auditEvent(deps, actor, 'Connection', connectionId, 'ConnectionRevoked'),
    {
      accountChanges: connection.accountIds.map((accountId) => ({
        accountId,
        permissions: noPermissions,
        connectionId: undefined,
      })),
      releaseBankSlot: true,
    },
  );
  return presentConnection(updated);
}
