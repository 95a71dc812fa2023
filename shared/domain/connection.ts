// Bank connection of one company: the onboarding steps (contract, representation, accounts, activation)
// and the only moves allowed between them. Illegal moves throw a DomainError naming both statuses.
import { DomainError } from '../errors.ts';

export const connectionStatuses = [
  /** Created: the company says it signed the Gateway contract; nobody has confirmed representation yet. */
  'contract_pending',
  /** A board member who may represent the company confirmed (joint representation: both did). */
  'representation_confirmed',
  /** Accounts and their permissions are chosen; ready for review and activation. */
  'accounts_selected',
  'active',
  /** Temporarily stopped (e.g. the bank refuses our certificate for this company); can be resumed. */
  'suspended',
  'revoked',
] as const;

export type ConnectionStatus = (typeof connectionStatuses)[number];

const allowed: Record<ConnectionStatus, readonly ConnectionStatus[]> = {
  contract_pending: ['representation_confirmed', 'revoked'],
  representation_confirmed: ['accounts_selected', 'revoked'],
  accounts_selected: ['accounts_selected', 'active', 'revoked'],
  active: ['active', 'suspended', 'revoked'],
  suspended: ['active', 'revoked'],
  revoked: [],
};

export function canMoveConnection(from: ConnectionStatus, to: ConnectionStatus): boolean {
  return allowed[from].includes(to);
}

export function assertConnectionTransition(from: ConnectionStatus, to: ConnectionStatus): void {
  if (!canMoveConnection(from, to)) {
    throw new DomainError(
      'illegal_connection_transition',
      `A connection cannot move from ${from.replaceAll('_', ' ')} to ${to.replaceAll('_', ' ')}`,
    );
  }
}

/** Accounts and permissions may be (re)selected after representation is confirmed and while active. */
export function accountsCanBeSelected(status: ConnectionStatus): boolean {
  return status === 'representation_confirmed' || status === 'accounts_selected' || status === 'active';
}

export type RepresentationKind = 'sole' | 'joint';

export interface Representative {
  personalCode: string;
  name: string;
  /** Sole: may act alone. Joint: needs another representative's confirmation too. */
  representation: RepresentationKind;
}

export interface RepresentationConfirmation {
  personalCode: string;
  name: string;
  representation: RepresentationKind;
  userId: string;
  at: string;
}

export type RepresentationOutcome =
  | { kind: 'confirmed'; confirmations: RepresentationConfirmation[] }
  | { kind: 'awaiting_other_representative'; confirmations: RepresentationConfirmation[] };

/**
 * Adds one representative's confirmation. A sole representative completes it; joint representatives need
 * two different people. Throws when the same person confirms twice.
 */
export function addRepresentationConfirmation(
  existing: readonly RepresentationConfirmation[],
  confirmation: RepresentationConfirmation,
): RepresentationOutcome {
  if (existing.some((c) => c.personalCode === confirmation.personalCode)) {
    throw new DomainError(
      'representation_already_confirmed_by_you',
      'You have already confirmed representation for this connection; another representative must confirm too',
    );
  }
  const confirmations = [...existing, confirmation];
  const complete =
    confirmation.representation === 'sole' ||
    confirmations.filter((c) => c.representation === 'joint').length >= 2;
  return complete
    ? { kind: 'confirmed', confirmations }
    : { kind: 'awaiting_other_representative', confirmations };
}
