// The bank message collector: drains the bank's queue within a time budget. Each message is archived raw
// first ("become the winner" on its id), routed to its processor, and acknowledged only after the effects are
// stored. Messages that can never be processed are quarantined (kept, alerted, acknowledged so the queue
// moves on). Each run also checks for batches whose signing is overdue.
import type { BankGateway, BankMessage } from '../bank/bank-gateway.ts';
import { AppError } from '../errors.ts';
import { Iso20022Error } from '../iso20022/errors.ts';
import type { BankMessageArchive, BankMessageProcessor, CompanyDirectory } from './bank-messages.ts';
import { type NotificationLog, type Notifier, notifyOnce } from './notifications.ts';
import type { Clock } from './ports.ts';

export interface SigningWatchdog {
  /** Batches still waiting for signing whose overdue time has passed. */
  overdueBatches(
    now: Date,
  ): Promise<Array<{ companyId: string; batchId: string; paymentCount: number; submittedAt: string }>>;
}

export interface CollectorDependencies {
  bank: BankGateway;
  archive: BankMessageArchive;
  directory: CompanyDirectory;
  processors: readonly BankMessageProcessor[];
  notifier: Notifier;
  notificationLog: NotificationLog;
  watchdog: SigningWatchdog;
  clock: Clock;
  log?: (line: string, details?: Record<string, unknown>) => void;
  /** Called with the batches a processed message touched (e.g. payments booked from a statement). */
  onBatchesTouched?: (batches: Array<{ companyId: string; batchId: string }>) => Promise<void>;
}

export interface CollectorRun {
  processed: number;
  alreadyDone: number;
  quarantined: number;
  /** Why the run stopped: queue empty, time budget used, or an error that a later run retries. */
  stoppedBecause: 'queue-empty' | 'budget' | 'retry-later' | 'busy';
  overdueNotified: number;
}

const leaseMs = 5 * 60_000;

function isPermanent(error: unknown): boolean {
  return error instanceof Iso20022Error || (error as { quarantine?: boolean } | null)?.quarantine === true;
}

export async function collectBankMessages(
  deps: CollectorDependencies,
  options: { budgetMs: number; maxMessages?: number },
): Promise<CollectorRun> {
  const started = Date.now();
  const run: CollectorRun = {
    processed: 0,
    alreadyDone: 0,
    quarantined: 0,
    stoppedBecause: 'queue-empty',
    overdueNotified: 0,
  };
  const log = deps.log ?? (() => {});
  const limit = options.maxMessages ?? Number.POSITIVE_INFINITY;
  let handled = 0;
  while (handled < limit) {
    if (Date.now() - started >= options.budgetMs) {
      run.stoppedBecause = 'budget';
      break;
    }
    let message: BankMessage | undefined;
    try {
      message = await deps.bank.nextMessage();
    } catch (error) {
      await reportConnectionFailure(deps, error);
      run.stoppedBecause = 'retry-later';
      break;
    }
    if (!message) break;
    handled += 1;
    const claim = await deps.archive.claim(message, deps.clock.now(), leaseMs);
    if (claim.kind === 'busy') {
      run.stoppedBecause = 'busy';
      break;
    }
    if (claim.kind === 'done') {
      run.alreadyDone += 1;
      if (await acknowledge(deps, message.responseId)) continue;
      run.stoppedBecause = 'retry-later';
      break;
    }
    try {
      const outcome = await processOne(deps, message);
      if (outcome.touchedBatches?.length) await deps.onBatchesTouched?.(outcome.touchedBatches);
      await deps.archive.markProcessed(message.responseId, outcome, deps.clock.now());
      log('bank message processed', {
        responseId: message.responseId,
        type: message.type,
        summary: outcome.summary,
      });
      run.processed += 1;
    } catch (error) {
      if (!isPermanent(error)) {
        // Effects may be partly stored; processors are idempotent, so the redelivery finishes the job.
        await deps.archive.release(message.responseId).catch(() => {});
        log('bank message left for a later run', {
          responseId: message.responseId,
          type: message.type,
          error: error instanceof Error ? error.name : 'Error',
        });
        run.stoppedBecause = 'retry-later';
        break;
      }
      const problem = error instanceof AppError ? error.message : 'unreadable message';
      await deps.archive.markQuarantined(message.responseId, problem, deps.clock.now());
      await notifyOnce(deps, {
        type: 'message_quarantined',
        eventId: `message-quarantined:${message.responseId}`,
        occurredAt: deps.clock.now().toISOString(),
        bankMessageId: message.responseId,
        messageType: message.typeHeader ?? message.type,
        problem,
      });
      run.quarantined += 1;
    }
    // Acknowledge only now: the effects (or the quarantine record) are durable.
    if (!(await acknowledge(deps, message.responseId))) {
      run.stoppedBecause = 'retry-later';
      break;
    }
  }
  run.overdueNotified = await notifyOverdueSigning(deps);
  return run;
}

async function processOne(deps: CollectorDependencies, message: BankMessage) {
  const processor = deps.processors.find((candidate) => candidate.type === message.type);
  if (!processor) {
    throw Object.assign(
      new AppError('message_type_unsupported', `No processor for message type ${message.type}`),
      {
        quarantine: true,
      },
    );
  }
  const companyId = message.endUser ? await deps.directory.companyFor(message.endUser) : undefined;
  return processor.process(message, {
    bankMessageId: message.responseId,
    receivedAt: deps.clock.now().toISOString(),
    companyId,
    endUser: message.endUser,
  });
}

/**
 * A failed acknowledgement is harmless: the message is archived as done, so its redelivery is only
 * acknowledged again. The run stops; the next one continues.
 */
async function acknowledge(deps: CollectorDependencies, responseId: string): Promise<boolean> {
  try {
    await deps.bank.acknowledge(responseId);
    return true;
  } catch (error) {
    deps.log?.('acknowledging a bank message failed; it will be redelivered', {
      responseId,
      error: error instanceof Error ? error.name : 'Error',
    });
    return false;
  }
}

/** The bank refusing our certificate or authentication needs people at once; outages only when they persist. */
async function reportConnectionFailure(deps: CollectorDependencies, error: unknown): Promise<void> {
  const name = error instanceof Error ? error.name : '';
  if (name !== 'BankAuthenticationError') return;
  const day = deps.clock.now().toISOString().slice(0, 10);
  await notifyOnce(deps, {
    type: 'bank_connection_failing',
    eventId: `bank-authentication-failing:${day}`,
    occurredAt: deps.clock.now().toISOString(),
    failure: 'authentication',
    detail: error instanceof Error ? error.message : 'authentication refused',
  });
}

async function notifyOverdueSigning(deps: CollectorDependencies): Promise<number> {
  let sent = 0;
  for (const batch of await deps.watchdog.overdueBatches(deps.clock.now())) {
    const wasSent = await notifyOnce(deps, {
      type: 'signing_overdue',
      eventId: `signing-overdue:${batch.batchId}`,
      companyId: batch.companyId,
      occurredAt: deps.clock.now().toISOString(),
      batchId: batch.batchId,
      paymentCount: batch.paymentCount,
      submittedAt: batch.submittedAt,
    });
    if (wasSent) sent += 1;
  }
  return sent;
}
