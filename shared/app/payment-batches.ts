// Payment batch use cases: draft from payment lines, summary, confirm (idempotent, exactly one workflow
// start), cancel, status with timeline, listing. The handlers in functions/ call exactly one of these each.
import { createHash } from 'node:crypto';
import { tallinnDate } from '../domain/calendar.ts';
import { addMoney, type Money, parseDecimal } from '../domain/money.ts';
import {
  duplicateFingerprint,
  endToEndIdFor,
  type PaymentChannel,
  type PaymentLine,
  paymentChannel,
  paymentLineIssues,
  type SourceDocument,
} from '../domain/payment.ts';
import { assertTransition, countsForDuplicates, isCancellable } from '../domain/payment-batch.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { type Actor, type AppDependencies, auditEvent, requireRole, roles } from './context.ts';
import { UnprocessableError } from './errors.ts';
import { runIdempotently } from './idempotency.ts';
import type {
  Clock,
  IdempotentResponse,
  IdGenerator,
  Page,
  PageRequest,
  PaymentBatchRepository,
  StoredPayment,
  StoredPaymentBatch,
  WorkflowEngine,
} from './ports.ts';
import { presentBatch, presentMoney, presentPayment, presentTimeline } from './presenters.ts';

export type { Actor } from './context.ts';

/** What the workflow's own steps need (kept small so task handlers do not need the whole API wiring). */
export interface PaymentBatchDependencies {
  batches: PaymentBatchRepository;
  workflow: WorkflowEngine;
  clock: Clock;
  ids: IdGenerator;
}

/** Payments newer than this count as "recently sent" for the duplicate guard. */
export const duplicateWindowDays = 45;

export interface PaymentLineInput {
  creditorName: string;
  creditorIban: string;
  creditorBic?: string | undefined;
  amount: string;
  currency: string;
  remittanceInformation?: string | undefined;
  reference?: string | undefined;
  requestedExecutionDate?: string | undefined;
  sourceDocument: SourceDocument;
}

export interface CreateBatchInput {
  name?: string | undefined;
  debtorAccountId: string;
  payments: PaymentLineInput[];
}

/** Stores a draft batch with its payments. Nothing is sent; the summary shows what would be. */
export async function createDraftBatch(
  deps: AppDependencies,
  actor: Actor,
  input: CreateBatchInput,
): Promise<StoredPaymentBatch> {
  requireRole(actor, roles.pay, 'create payment batches');
  const seen = new Map<string, number>();
  input.payments.forEach((line, index) => {
    const key = `${line.sourceDocument.type}#${line.sourceDocument.id}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new ValidationError('A source document appears twice in the batch', [
        { path: `payments.${index}.sourceDocument.id`, message: `same document as payments.${first}` },
      ]);
    }
    seen.set(key, index);
  });
  const account = await deps.accounts.get(
    actor.companyId,
    input.debtorAccountId.replace(/\s+/g, '').toUpperCase(),
  );
  if (!account) {
    throw new UnprocessableError('debtor_account_unknown', 'The account to pay from has not been added', [
      { path: 'debtorAccountId', message: 'no such bank account; add it first' },
    ]);
  }

  const now = deps.clock.now();
  const createdAt = now.toISOString();
  const today = tallinnDate(now);
  const batchId = deps.ids.next();
  const totals = new Map<string, Money>();
  const channelCounts: Record<PaymentChannel, number> = { instant: 0, sepa: 0 };
  let errorCount = 0;
  let warningCount = 0;
  const payments: StoredPayment[] = input.payments.map((raw, index) => {
    const line: PaymentLine = {
      creditorName: raw.creditorName,
      creditorIban: raw.creditorIban.replace(/\s+/g, '').toUpperCase(),
      creditorBic: raw.creditorBic,
      amount: parseDecimal(raw.amount, raw.currency),
      remittanceInformation: raw.remittanceInformation,
      reference: raw.reference?.replace(/\s+/g, ''),
      requestedExecutionDate: raw.requestedExecutionDate,
      sourceDocument: raw.sourceDocument,
    };
    const issues = paymentLineIssues(line, today);
    errorCount += issues.filter((issue) => issue.severity === 'error').length;
    warningCount += issues.filter((issue) => issue.severity === 'warning').length;
    const channel = paymentChannel(line, today);
    channelCounts[channel] += 1;
    const previous = totals.get(line.amount.currency);
    totals.set(line.amount.currency, previous ? addMoney(previous, line.amount) : line.amount);
    const position = index + 1;
    return {
      companyId: actor.companyId,
      batchId,
      paymentId: String(position).padStart(5, '0'),
      position,
      endToEndId: endToEndIdFor(batchId, position),
      ...line,
      channel,
      issues,
      fingerprint: duplicateFingerprint(line),
      status: 'pending',
      statusHistory: [{ status: 'pending', at: createdAt }],
      version: 1,
    };
  });
  const batch: StoredPaymentBatch = {
    companyId: actor.companyId,
    batchId,
    status: 'draft',
    version: 1,
    name: input.name,
    debtorAccountId: account.accountId,
    paymentCount: payments.length,
    totals: [...totals.values()],
    channelCounts,
    errorCount,
    warningCount,
    createdAt,
    createdBy: actor.userId,
    updatedAt: createdAt,
  };
  await deps.batches.createDraft(
    batch,
    payments,
    auditEvent(deps, actor, 'PaymentBatch', batchId, 'PaymentBatchDrafted', {
      paymentCount: payments.length,
      totals: batch.totals?.map(presentMoney),
    }),
  );
  return batch;
}

async function batchOf(deps: Pick<AppDependencies, 'batches'>, actor: Actor, batchId: string) {
  const batch = await deps.batches.get(actor.companyId, batchId);
  if (!batch) throw new NotFoundError('Payment batch', batchId);
  return batch;
}

export async function getPaymentBatch(
  deps: Pick<AppDependencies, 'batches'>,
  actor: Actor,
  batchId: string,
): Promise<StoredPaymentBatch> {
  return batchOf(deps, actor, batchId);
}

/** The batch with its status in words, the first payments and the timeline of what happened. */
export async function getBatchStatus(
  deps: AppDependencies,
  actor: Actor,
  batchId: string,
  page: PageRequest,
) {
  const batch = await batchOf(deps, actor, batchId);
  const [payments, events] = await Promise.all([
    deps.batches.listPayments(actor.companyId, batchId, page),
    deps.audit.forEntity(actor.companyId, 'PaymentBatch', batchId),
  ]);
  return {
    ...presentBatch(batch),
    payments: { items: payments.items.map((p) => presentPayment(p, batch)), nextCursor: payments.nextCursor },
    timeline: presentTimeline(events),
  };
}

export async function listBatchPayments(
  deps: AppDependencies,
  actor: Actor,
  batchId: string,
  page: PageRequest,
) {
  const batch = await batchOf(deps, actor, batchId);
  const payments = await deps.batches.listPayments(actor.companyId, batchId, page);
  return { items: payments.items.map((p) => presentPayment(p, batch)), nextCursor: payments.nextCursor };
}

export async function listBatches(deps: AppDependencies, actor: Actor, page: PageRequest) {
  const batches: Page<StoredPaymentBatch> = await deps.batches.list(actor.companyId, page);
  return { items: batches.items.map(presentBatch), nextCursor: batches.nextCursor };
}

interface DuplicateMatch {
  batchId: string;
  paymentId: string;
  batchStatus: string;
}

/** Per payment of the batch: other payments (this batch, open or recently sent batches) that look the same. */
async function possibleDuplicates(
  deps: AppDependencies,
  batch: StoredPaymentBatch,
  payments: readonly StoredPayment[],
): Promise<Map<string, DuplicateMatch[]>> {
  const since = new Date(deps.clock.now().getTime() - duplicateWindowDays * 86_400_000).toISOString();
  const recorded = await deps.batches.fingerprintsSince(batch.companyId, since);
  const byFingerprint = new Map<string, { batchId: string; paymentId: string }[]>();
  for (const match of recorded) {
    const list = byFingerprint.get(match.fingerprint) ?? [];
    list.push(match);
    byFingerprint.set(match.fingerprint, list);
  }
  const candidates = new Map<string, { batchId: string; paymentId: string }[]>();
  const otherBatchIds = new Set<string>();
  for (const payment of payments) {
    const matches = (byFingerprint.get(payment.fingerprint) ?? []).filter(
      (m) => !(m.batchId === batch.batchId && m.paymentId === payment.paymentId),
    );
    if (matches.length === 0) continue;
    candidates.set(payment.paymentId, matches);
    for (const match of matches) if (match.batchId !== batch.batchId) otherBatchIds.add(match.batchId);
  }
  const statuses = new Map<string, string>([[batch.batchId, batch.status]]);
  if (otherBatchIds.size > 0) {
    for (const other of await deps.batches.getMany(batch.companyId, [...otherBatchIds])) {
      if (countsForDuplicates(other.status)) statuses.set(other.batchId, other.status);
    }
  }
  const result = new Map<string, DuplicateMatch[]>();
  for (const [paymentId, matches] of candidates) {
    const kept = matches
      .filter((m) => statuses.has(m.batchId))
      .map((m) => ({ ...m, batchStatus: statuses.get(m.batchId) ?? '' }));
    if (kept.length > 0) result.set(paymentId, kept);
  }
  return result;
}

/** Why the batch cannot be confirmed right now (empty when it can), each in words. */
async function accountBlockers(deps: AppDependencies, actor: Actor, batch: StoredPaymentBatch) {
  const account = batch.debtorAccountId
    ? await deps.accounts.get(actor.companyId, batch.debtorAccountId)
    : undefined;
  if (!account) {
    return [{ code: 'debtor_account_missing', message: 'The account to pay from is no longer added' }];
  }
  const blockers: { code: string; message: string }[] = [];
  if (!account.permissions.paymentInitiation) {
    blockers.push({
      code: 'payment_initiation_not_permitted',
      message: `Payment initiation is not turned on for account ${account.iban}`,
    });
  }
  const connection = account.connectionId
    ? await deps.connections.get(actor.companyId, account.connectionId)
    : undefined;
  if (connection?.status !== 'active') {
    blockers.push({
      code: 'connection_not_active',
      message: 'The Coop Pank connection is not active; finish connecting and activate it first',
    });
  }
  return blockers;
}

/** The on-screen preview: counts, totals, instant vs SEPA, validation issues per line and possible duplicates. */
export async function summarizeBatch(deps: AppDependencies, actor: Actor, batchId: string) {
  const batch = await batchOf(deps, actor, batchId);
  const payments = await deps.batches.allPayments(actor.companyId, batchId);
  const [duplicates, blockers] = await Promise.all([
    possibleDuplicates(deps, batch, payments),
    accountBlockers(deps, actor, batch),
  ]);
  const acknowledged = new Set(batch.confirmation?.acknowledgedDuplicates ?? []);
  const channels = {
    instant: { count: 0, totals: new Map<string, Money>() },
    sepa: { count: 0, totals: new Map<string, Money>() },
  };
  const lines: { paymentId: string; position: number; issues: unknown[] }[] = [];
  let errorCount = 0;
  let warningCount = 0;
  for (const payment of payments) {
    const channel = channels[payment.channel];
    channel.count += 1;
    const previous = channel.totals.get(payment.amount.currency);
    channel.totals.set(
      payment.amount.currency,
      previous ? addMoney(previous, payment.amount) : payment.amount,
    );
    if (payment.issues.length > 0) {
      lines.push({
        paymentId: payment.paymentId,
        position: payment.position,
        issues: payment.issues.map((issue) => ({
          ...issue,
          path: `payments.${payment.position - 1}.${issue.field}`,
        })),
      });
      errorCount += payment.issues.filter((issue) => issue.severity === 'error').length;
      warningCount += payment.issues.filter((issue) => issue.severity === 'warning').length;
    }
  }
  const byId = new Map(payments.map((payment) => [payment.paymentId, payment]));
  const duplicateList = [...duplicates].map(([paymentId, matches]) => {
    const payment = byId.get(paymentId) as StoredPayment;
    return {
      paymentId,
      position: payment.position,
      creditorName: payment.creditorName,
      creditorIban: payment.creditorIban,
      ...presentMoney(payment.amount),
      matches,
      acknowledged: acknowledged.has(paymentId),
    };
  });
  if (errorCount > 0) {
    blockers.push({ code: 'invalid_payments', message: `${lines.length} payment(s) have errors to fix` });
  }
  if (duplicateList.length > 0 && batch.status === 'draft') {
    blockers.push({
      code: 'duplicates_need_acknowledgement',
      message: `${duplicateList.length} payment(s) look like duplicates; acknowledge them when confirming`,
    });
  }
  const totalsOf = (totals: Map<string, Money>) => [...totals.values()].map(presentMoney);
  return {
    batchId: batch.batchId,
    status: batch.status,
    paymentCount: payments.length,
    totals: (batch.totals ?? []).map(presentMoney),
    channels: {
      instant: { count: channels.instant.count, totals: totalsOf(channels.instant.totals) },
      sepa: { count: channels.sepa.count, totals: totalsOf(channels.sepa.totals) },
    },
    validation: { errorCount, warningCount, lines },
    possibleDuplicates: duplicateList,
    readyToConfirm: batch.status === 'draft' && blockers.length === 0,
    blockers: batch.status === 'draft' ? blockers : [],
  };
}

export interface ConfirmInput {
  idempotencyKey: string;
  acknowledgedDuplicates: string[];
}

/**
 * "Pay with Coop Pank": draft → confirmed (conditional on the version read, so of two concurrent confirms
 * exactly one wins) and the batch workflow is started. With the same Idempotency-Key a repeat returns the
 * first answer; the same key with another body is refused.
 */
export async function confirmBatch(
  deps: AppDependencies,
  actor: Actor,
  batchId: string,
  input: ConfirmInput,
): Promise<IdempotentResponse & { replayed: boolean }> {
  requireRole(actor, roles.pay, 'confirm payment batches');
  const acknowledged = [...new Set(input.acknowledgedDuplicates)].sort();
  const requestHash = createHash('sha256')
    .update(JSON.stringify({ operation: 'confirm', batchId, acknowledged }))
    .digest('base64url');
  return runIdempotently(deps, actor, input.idempotencyKey, requestHash, async () => {
    const batch = await batchOf(deps, actor, batchId);
    if (batch.status !== 'draft' && batch.confirmation?.idempotencyKey === input.idempotencyKey) {
      // Our own earlier confirmation whose answer was lost (or whose workflow start failed): finish it.
      await deps.workflow.startBatchWorkflow({ companyId: batch.companyId, batchId });
      return { statusCode: 202, body: presentBatch(batch) };
    }
    if (batch.status !== 'draft') {
      throw new ConflictError(
        'batch_not_draft',
        `Payment batch ${batchId} is ${batch.status.replaceAll('_', ' ')}; only a draft can be confirmed`,
      );
    }
    const blockers = await accountBlockers(deps, actor, batch);
    const first = blockers[0];
    if (first) throw new ConflictError(first.code, first.message);
    const payments = await deps.batches.allPayments(actor.companyId, batchId);
    const invalid = payments.flatMap((payment) =>
      payment.issues
        .filter((issue) => issue.severity === 'error')
        .map((issue) => ({
          path: `payments.${payment.position - 1}.${issue.field}`,
          message: issue.message,
        })),
    );
    if (invalid.length > 0) {
      throw new UnprocessableError(
        'batch_has_invalid_payments',
        'Some payments have errors; fix them in a new batch before paying',
        invalid,
      );
    }
    const duplicates = await possibleDuplicates(deps, batch, payments);
    const unacknowledged = [...duplicates.keys()].filter((id) => !acknowledged.includes(id));
    if (unacknowledged.length > 0) {
      throw new ConflictError(
        'duplicates_not_acknowledged',
        `Payments ${unacknowledged.slice(0, 10).join(', ')}${unacknowledged.length > 10 ? ' and others' : ''} look like duplicates; confirm again listing them in acknowledgedDuplicates if they are intended`,
      );
    }
    assertTransition(batch.status, 'confirmed');
    const at = deps.clock.now().toISOString();
    const confirmed: StoredPaymentBatch = {
      ...batch,
      status: 'confirmed',
      version: batch.version + 1,
      updatedAt: at,
      confirmation: {
        idempotencyKey: input.idempotencyKey,
        at,
        by: actor.userId,
        acknowledgedDuplicates: acknowledged,
      },
    };
    await deps.batches.update(
      confirmed,
      batch.version,
      auditEvent(deps, actor, 'PaymentBatch', batchId, 'PaymentBatchConfirmed', {
        acknowledgedDuplicates: acknowledged,
      }),
    );
    await deps.workflow.startBatchWorkflow({ companyId: batch.companyId, batchId });
    return { statusCode: 202, body: presentBatch(confirmed) };
  });
}

/** Cancels a batch before it is sent and frees its bills and expense reports for another batch. */
export async function cancelBatch(deps: AppDependencies, actor: Actor, batchId: string) {
  requireRole(actor, roles.pay, 'cancel payment batches');
  const batch = await batchOf(deps, actor, batchId);
  if (!isCancellable(batch.status)) {
    throw new ConflictError(
      'batch_not_cancellable',
      `Payment batch ${batchId} is ${batch.status.replaceAll('_', ' ')}; only a batch not yet sent to the bank can be cancelled`,
    );
  }
  assertTransition(batch.status, 'cancelled');
  const at = deps.clock.now().toISOString();
  const cancelled: StoredPaymentBatch = {
    ...batch,
    status: 'cancelled',
    version: batch.version + 1,
    updatedAt: at,
    cancelledAt: at,
  };
  await deps.batches.update(
    cancelled,
    batch.version,
    auditEvent(deps, actor, 'PaymentBatch', batchId, 'PaymentBatchCancelled'),
  );
  const payments = await deps.batches.allPayments(actor.companyId, batchId);
  await deps.batches.releaseSourceDocuments(
    actor.companyId,
    batchId,
    payments.map((payment) => payment.sourceDocument),
  );
  return presentBatch(cancelled);
}
