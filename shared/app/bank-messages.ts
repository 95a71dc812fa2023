// Contracts of the bank message collector: the archive every message goes into before anything else, one
// processor per message type, and the directory that maps the bank's end user to our company.
import type { BankMessage, BankMessageType, EndUser } from '../bank/bank-gateway.ts';

export interface ProcessingContext {
  /** The bank's id of the message (`Message-Response-Id`). */
  bankMessageId: string;
  receivedAt: string;
  /** The company the end-user headers name, when the message carried them and a connection matches. */
  companyId?: string | undefined;
  endUser?: EndUser | undefined;
}

/** What a processor did, for the archive record and the logs (never message bodies). */
export interface ProcessingOutcome {
  summary: string;
  /** Batches whose milestone may have been reached: the collector resumes their waiting workflow tasks. */
  touchedBatches?: Array<{ companyId: string; batchId: string }>;
}

/**
 * Stores the effects of one message type. Must be idempotent: a message may be processed again after a crash
 * between storing its effects and acknowledging it. Throws an `Iso20022Error` (or another error with
 * `quarantine: true`) when the message can never be processed (→ quarantined and alerted); any other error
 * means "try again later" (the message stays on the bank's queue).
 */
export interface BankMessageProcessor {
  readonly type: Exclude<BankMessageType, 'unknown'>;
  process(message: BankMessage, context: ProcessingContext): Promise<ProcessingOutcome>;
}

export type ArchiveClaim =
  /** First time seen (or an earlier attempt crashed before finishing): process it. */
  | { kind: 'process' }
  /** Processed (or quarantined) before: only acknowledge it again. */
  | { kind: 'done'; outcome: 'processed' | 'quarantined' }
  /** Another collector is processing it right now. */
  | { kind: 'busy' };

/** Every bank message, stored raw before processing (no silent loss), with its processing state. */
export interface BankMessageArchive {
  /** Stores the raw message (once) and claims it for processing for `leaseMs`. */
  claim(message: BankMessage, at: Date, leaseMs: number): Promise<ArchiveClaim>;
  markProcessed(responseId: string, outcome: ProcessingOutcome, at: Date): Promise<void>;
  markQuarantined(responseId: string, problem: string, at: Date): Promise<void>;
  /** Gives up a claim without an outcome (a transient failure), so the next run may process it at once. */
  release(responseId: string): Promise<void>;
}

/** Maps the bank's end user (operator headers) to the company whose active connection it is. */
export interface CompanyDirectory {
  companyFor(endUser: EndUser): Promise<string | undefined>;
}
