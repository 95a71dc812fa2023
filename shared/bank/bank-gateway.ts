// The BankGateway port: everything the application asks of Coop Pank Gateway. The HTTP adapter implements it
// against the bank (or the local simulator); use cases depend only on this file.
import type { MessageFamily, Pain001Batch } from '#shared/iso20022/types.ts';

/** The company a call is made for (operator mode): registry code and ISO 3166 alpha-2 country. */
export interface EndUser {
  registryCode: string;
  country: string;
}

/** Message kinds the collector routes on; `unknown` when neither header nor document tells. */
export type BankMessageType =
  | Extract<MessageFamily, 'pain.002' | 'camt.052' | 'camt.053' | 'camt.054'>
  | 'unknown';

export interface BankMessage {
  /** The bank's id of this queue message; used to acknowledge it. */
  responseId: string;
  /** Echo of the request that caused it (our submission / report request), when the bank sends it. */
  requestId?: string;
  type: BankMessageType;
  /** The raw type header value as sent by the bank (e.g. `pain.002.001.03`). */
  typeHeader?: string;
  /** The end user the message belongs to, from the end-user headers. */
  endUser?: EndUser;
  /** The raw XML document. Archive before processing; never log. */
  body: string;
}

export interface SubmitPaymentsRequest {
  endUser: EndUser;
  /** The batch as one pain.001; `messageId` is deterministic per batch and is the bank's idempotency key. */
  batch: Pain001Batch;
}

export interface SubmissionReceipt {
  messageId: string;
  /** The bank's request id (echoed later in `BankMessage.requestId`), when it returns one. */
  requestId?: string;
  /**
   * `accepted`: this call delivered the message. `already-accepted`: an earlier attempt of this call (whose
   * answer was lost) delivered it, and the bank refused the re-send as a duplicate MsgId.
   */
  outcome: 'accepted' | 'already-accepted';
  attempts: number;
  /** Version and control values actually sent (for the audit trail). */
  version: string;
  numberOfTransactions: number;
  controlSum: string;
}

export interface StatementRequest {
  endUser: EndUser;
  /** Deterministic per account and period (e.g. `STM-<account>-<date>`), max 35 chars. */
  messageId: string;
  iban: string;
  currency?: string;
  /** `YYYY-MM-DD`, inclusive, business dates in Europe/Tallinn. */
  fromDate: string;
  toDate: string;
}

export interface BalanceRequest {
  endUser: EndUser;
  messageId: string;
  iban: string;
  currency?: string;
}

export interface ReportRequestReceipt {
  messageId: string;
  requestId?: string;
  outcome: 'accepted' | 'already-accepted';
  attempts: number;
}

export interface NextMessageOptions {
  /** Only messages of this type (the bank filters). */
  type?: Exclude<BankMessageType, 'unknown'>;
  /** Only this end user's messages (sends the end-user headers). Default: the whole operator queue. */
  endUser?: EndUser;
}

export interface AcknowledgeResult {
  responseId: string;
  /** `already-gone`: the bank no longer has it (acknowledged before, or expired). Acknowledging is idempotent. */
  outcome: 'acknowledged' | 'already-gone';
}

export interface HeartbeatResult {
  ok: true;
  latencyMs: number;
}

export interface BankGateway {
  /** Checks connectivity and that the bank accepts our certificate. */
  heartbeat(options?: { endUser?: EndUser }): Promise<HeartbeatResult>;
  /** Sends one pain.001 (built here in the configured version); results arrive later as pain.002 messages. */
  submitPayments(request: SubmitPaymentsRequest): Promise<SubmissionReceipt>;
  /** Asks for a camt.053 statement (camt.060 request); the statement arrives later on the queue. */
  requestStatement(request: StatementRequest): Promise<ReportRequestReceipt>;
  /** Asks for a camt.052 balance report (camt.060 request); it arrives later on the queue. */
  requestBalance(request: BalanceRequest): Promise<ReportRequestReceipt>;
  /** The oldest unacknowledged message, or undefined when the queue is empty. Returns it again until acknowledged. */
  nextMessage(options?: NextMessageOptions): Promise<BankMessage | undefined>;
  /** One message by its response id, or undefined when the bank no longer has it. */
  getMessage(responseId: string): Promise<BankMessage | undefined>;
  /** Acknowledges (deletes) one message: call only after its effect is stored. */
  acknowledge(responseId: string): Promise<AcknowledgeResult>;
  /** Acknowledges several messages in one call. */
  acknowledgeMany(responseIds: readonly string[]): Promise<AcknowledgeResult[]>;
}
