// Bank accounts of a company, the supported banks, and the statement read side per account.
import { noPermissions } from '../domain/bank-account.ts';
import { normalizeIban } from '../domain/iban.ts';
import { NotFoundError } from '../errors.ts';
import { supportedBanks } from './banks.ts';
import { type Actor, type AppDependencies, auditEvent, requireRole, roles } from './context.ts';
import type { PageRequest, StoredBankAccount } from './ports.ts';
import { presentAccount, presentEntry, presentStatementDay } from './presenters.ts';

export function listBanks() {
  return {
    items: supportedBanks.map((bank) => ({
      id: bank.id,
      name: bank.bankName,
      bic: bank.bic,
      country: bank.country,
      status: bank.status,
      capabilities: bank.capabilities,
    })),
  };
}

/** Adds an account; the IBAN was already checked to be at a supported bank (schema). */
export async function addBankAccount(
  deps: AppDependencies,
  actor: Actor,
  input: { iban: string; bankId: string; name?: string | undefined; currency: string },
) {
  requireRole(actor, roles.manageConnection, 'add bank accounts');
  const iban = normalizeIban(input.iban);
  const at = deps.clock.now().toISOString();
  const account: StoredBankAccount = {
    companyId: actor.companyId,
    accountId: iban,
    iban,
    bankId: input.bankId,
    name: input.name,
    currency: input.currency,
    permissions: noPermissions,
    version: 1,
    createdAt: at,
    createdBy: actor.userId,
    updatedAt: at,
  };
  await deps.accounts.add(
    account,
    auditEvent(deps, actor, 'BankAccount', iban, 'BankAccountAdded', { iban }),
  );
  return presentAccount(account);
}

export async function listBankAccounts(deps: AppDependencies, actor: Actor, page: PageRequest) {
  const accounts = await deps.accounts.list(actor.companyId, page);
  return { items: accounts.items.map(presentAccount), nextCursor: accounts.nextCursor };
}

export async function removeBankAccount(deps: AppDependencies, actor: Actor, accountId: string) {
  requireRole(actor, roles.manageConnection, 'remove bank accounts');
  const id = normalizeIban(accountId);
  await deps.accounts.remove(
    actor.companyId,
    id,
    auditEvent(deps, actor, 'BankAccount', id, 'BankAccountRemoved'),
  );
}

async function accountOf(deps: AppDependencies, actor: Actor, accountId: string) {
  const account = await deps.accounts.get(actor.companyId, normalizeIban(accountId));
  if (!account) throw new NotFoundError('Bank account', accountId);
  return account;
}

export async function listStatementDays(
  deps: AppDependencies,
  actor: Actor,
  accountId: string,
  range: { from?: string | undefined; to?: string | undefined },
  page: PageRequest,
) {
  const account = await accountOf(deps, actor, accountId);
  const days = await deps.statements.listDays(actor.companyId, account.iban, range, page);
  return { items: days.items.map(presentStatementDay), nextCursor: days.nextCursor };
}

export async function listTransactions(
  deps: AppDependencies,
  actor: Actor,
  accountId: string,
  filter: {
    from?: string | undefined;
    to?: string | undefined;
    direction?: 'credit' | 'debit' | undefined;
    reference?: string | undefined;
  },
  page: PageRequest,
) {
  const account = await accountOf(deps, actor, accountId);
  const entries = await deps.statements.listEntries(actor.companyId, account.iban, filter, page);
  return { items: entries.items.map(presentEntry), nextCursor: entries.nextCursor };
}
