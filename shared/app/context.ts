// What every use case needs to know about the caller and its dependencies, and the audit-event helper.
import { ForbiddenError } from './errors.ts';
import type {
  AuditEvent,
  AuditLog,
  BankAccountRepository,
  BankAgreements,
  Clock,
  ConnectionRepository,
  IdempotencyStore,
  IdGenerator,
  NotificationChannels,
  NotificationSubscriptionRepository,
  PaymentBatchRepository,
  RepresentationRegistry,
  StatementRepository,
  WorkflowEngine,
} from './ports.ts';

/** The caller as the verified token describes it. The company never comes from anywhere else. */
export interface Actor {
  companyId: string;
  userId: string;
  personalCode?: string | undefined;
  roles?: readonly string[] | undefined;
}

/** Everything the API use cases depend on (the composition roots build it). */
export interface AppDependencies {
  batches: PaymentBatchRepository;
  connections: ConnectionRepository;
  accounts: BankAccountRepository;
  statements: StatementRepository;
  subscriptions: NotificationSubscriptionRepository;
  channels: NotificationChannels;
  audit: AuditLog;
  idempotency: IdempotencyStore;
  workflow: WorkflowEngine;
  registry: RepresentationRegistry;
  agreements: BankAgreements;
  clock: Clock;
  ids: IdGenerator;
}

/** Roles from the Envoice token: `admin` manages the bank connection; `payer` (or admin) pays. */
export const roles = {
  manageConnection: ['admin'],
  pay: ['admin', 'payer'],
} as const;

export function requireRole(actor: Actor, allowed: readonly string[], doing: string): void {
  if (!actor.roles?.some((role) => allowed.includes(role))) {
    throw new ForbiddenError(
      'role_missing',
      `You need the ${allowed.map((role) => `"${role}"`).join(' or ')} role to ${doing}`,
    );
  }
}

export function auditEvent(
  deps: Pick<AppDependencies, 'clock' | 'ids'>,
  actor: Actor,
  entityType: AuditEvent['entityType'],
  entityId: string,
  action: string,
  details?: Record<string, unknown>,
): AuditEvent {
  return {
    companyId: actor.companyId,
    eventId: deps.ids.next(),
    at: deps.clock.now().toISOString(),
    actor: { type: 'user', userId: actor.userId, personalCode: actor.personalCode || undefined },
    entityType,
    entityId,
    action,
    details,
  };
}
