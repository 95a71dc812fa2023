// The collector's processors for statements (camt.053) and transaction notifications (camt.054): entries are
// stored once by bank reference + occurrence, debits are linked to our payments (settled → booked), incoming
// payments with a reference number are published for Envoice, and statement days are stored with their
// continuity checked. Everything is idempotent: a re-delivered message stores nothing new and publishes
// nothing twice in the normal course (events carry stable ids for the rare crash in between).
import { normalizeIban } from '../../domain/iban.ts';
import { checkReference } from '../../domain/reference.ts';
import { assessCompleteness, type StatementDay, type StatementEntry } from '../../domain/statement.ts';
import { AppError } from '../../errors.ts';
import {
  type AccountStatement,
  type Entry,
  type Finding,
  parseCamt053,
  parseCamt054,
  streamCamt,
} from '../../iso20022/index.ts';
import type { BankMessageProcessor, ProcessingContext, ProcessingOutcome } from '../bank-messages.ts';
import type { DomainEvent } from '../events.ts';
import {
  closingBalanceOf,
  entryId,
  isBooked,
  OccurrenceCounter,
  openingBalanceOf,
  signedMinorOf,
  signedMoney,
  statementDateOf,
  tallinnDayOf,
  toStatementEntry,
} from './camt-entries.ts';
import { requestMissingStatements } from './daily-statement-requests.ts';
import { type BookingResult, type StatementDependencies, statementSettingsOf } from './ports.ts';

/** A message that can never be stored as it is (another company's account, no account, no balances). */
export class StatementRefusedError extends AppError {
  override name = 'StatementRefusedError';
  /** The collector quarantines the message (and alerts) instead of retrying it. */
  readonly quarantine = true;
  constructor(message: string) {
    super('statement_refused', message);
  }
}

type CamtKind = 'camt.053' | 'camt.054';

type Event =
  | { kind: 'statement'; statement: AccountStatement }
  | { kind: 'entry'; entry: Entry }
  | { kind: 'statement-end'; findings: Finding[] };

/** The statements of a message, as events; streamed (bounded memory) above the size threshold. */
async function* eventsOf(body: string, kind: CamtKind, streaming: boolean): AsyncGenerator<Event> {
  if (streaming) {
    for await (const event of streamCamt(body, { expect: kind })) {
      if (event.kind === 'statement') yield { kind: 'statement', statement: event.statement };
      else if (event.kind === 'entry') yield { kind: 'entry', entry: event.entry };
      else if (event.kind === 'statement-end') yield { kind: 'statement-end', findings: event.findings };
    }
    return;
  }
  const parsed = kind === 'camt.053' ? parseCamt053(body) : parseCamt054(body);
  for (const statement of parsed.statements) {
    yield { kind: 'statement', statement: { ...statement, entries: [] } };
    for (const entry of statement.entries) yield { kind: 'entry', entry };
    yield {
      kind: 'statement-end',
      findings: parsed.findings.filter((finding) => finding.statementId === statement.id),
    };
  }
}

/** Statement headers only (account, balances), to check the whole message before storing anything. */
async function headersOf(body: string, kind: CamtKind, streaming: boolean): Promise<AccountStatement[]> {
  const headers: AccountStatement[] = [];
  for await (const event of eventsOf(body, kind, streaming)) {
    if (event.kind === 'statement') headers.push(event.statement);
  }
  return headers;
}

const chunkSize = 25;

class Ingestion {
  readonly #deps: StatementDependencies;
  readonly #kind: CamtKind;
  readonly #companyId: string;
  readonly #context: ProcessingContext;
  readonly occurrences = new OccurrenceCounter();
  readonly counts = { entries: 0, stored: 0, booked: 0, published: 0, days: 0, gaps: 0 };
  /** Batches with a payment booked here: their workflow may be waiting for exactly this. */
  readonly touchedBatches = new Map<string, { companyId: string; batchId: string }>();
  readonly ibansWithGaps = new Set<string>();

  constructor(deps: StatementDependencies, kind: CamtKind, companyId: string, context: ProcessingContext) {
    this.#deps = deps;
    this.#kind = kind;
    this.#companyId = companyId;
    this.#context = context;
  }

  /** Refuses the message unless every statement names an account of this company (tenant isolation). */
  async check(headers: AccountStatement[]): Promise<void> {
    for (const header of headers) {
      const raw = header.account.iban ?? header.account.otherId;
      if (!header.account.iban) {
        throw new StatementRefusedError(
          `${this.#kind} statement ${header.id} names no IBAN (${raw ?? 'none'})`,
        );
      }
      const iban = normalizeIban(header.account.iban);
      const account = await this.#deps.accounts.get(this.#companyId, iban);
      if (!account) {
        throw new StatementRefusedError(
          `${this.#kind} statement ${header.id} is for an account that is not one of the end user's company accounts`,
        );
      }
      if (this.#kind === 'camt.053') {
        if (!openingBalanceOf(header) || !closingBalanceOf(header)) {
          throw new StatementRefusedError(
            `camt.053 statement ${header.id} lacks its opening or closing balance`,
          );
        }
        if (!statementDateOf(header)) {
          throw new StatementRefusedError(`camt.053 statement ${header.id} has no period or balance date`);
        }
      }
    }
  }

  /** Stores a chunk of entries of one account and carries out their effects. */
  async storeEntries(entries: StatementEntry[]): Promise<void> {
    await Promise.all(entries.map((entry) => this.#storeEntry(entry)));
  }

  async #storeEntry(entry: StatementEntry): Promise<void> {
    this.counts.entries += 1;
    const isNew = await this.#deps.statements.saveEntry(this.#companyId, entry);
    if (isNew) this.counts.stored += 1;
    const linkable = entry.direction === 'debit' && entry.endToEndId !== undefined;
    const incoming =
      entry.direction === 'credit' && entry.reference !== undefined && checkReference(entry.reference).ok;
    if (!linkable && !incoming) return;
    if (!isNew && (await this.#deps.statementEntryEffects.effectsDone(this.#companyId, entry))) return;

    const at = this.#deps.clock.now().toISOString();
    const events: DomainEvent[] = [];
    let booking: BookingResult | undefined;
    if (linkable && entry.endToEndId) {
      booking = await this.#deps.paymentBookings.bookByEndToEndId({
        companyId: this.#companyId,
        endToEndId: entry.endToEndId,
        iban: entry.iban,
        amount: entry.amount,
        bankReference: entry.bankReference,
        bookingDate: entry.bookingDate,
        at,
      });
      if (booking.kind === 'booked' || booking.kind === 'already_booked') {
        const payment = booking.payment;
        if (booking.kind === 'booked') {
          this.counts.booked += 1;
          this.touchedBatches.set(payment.batchId, {
            companyId: payment.companyId,
            batchId: payment.batchId,
          });
        }
        events.push({
          type: 'PaymentStatusChanged',
          eventId: `payment-status:${payment.batchId}:${payment.paymentId}:booked`,
          companyId: this.#companyId,
          occurredAt: payment.statusHistory.find((change) => change.status === 'booked')?.at ?? at,
          detail: {
            batchId: payment.batchId,
            paymentId: payment.paymentId,
            endToEndId: payment.endToEndId,
            from: 'settled',
            to: 'booked',
            sourceDocument: payment.sourceDocument,
          },
        });
      }
    }
    if (incoming) {
      events.push({
        type: 'IncomingPaymentReceived',
        eventId: `incoming-payment:${entryId(entry)}`,
        companyId: this.#companyId,
        occurredAt: this.#context.receivedAt,
        detail: {
          iban: entry.iban,
          bookingDate: entry.bookingDate,
          amount: entry.amount,
          reference: entry.reference,
          remittanceInformation: entry.remittanceInformation,
          debtorName: entry.counterpartyName,
          debtorIban: entry.counterpartyIban,
          bankReference: entry.bankReference,
        },
      });
      this.counts.published += 1;
    }
    if (events.length > 0) await this.#deps.events.publish(events);
    // A payment whose settlement has not reached us yet is tried again with the next delivery (the statement).
    if (booking?.kind === 'not_settled') return;
    const payment =
      booking && 'payment' in booking && booking.kind !== 'mismatch'
        ? { batchId: booking.payment.batchId, paymentId: booking.payment.paymentId }
        : undefined;
    await this.#deps.statementEntryEffects.markEffectsDone(this.#companyId, entry, {
      at,
      ...(payment ? { payment } : {}),
    });
  }

  /** Stores a statement day after its entries, checking continuity with the neighbouring days. */
  async storeDay(
    day: Omit<StatementDay, 'completeness'>,
    entriesNetMinor: number | undefined,
  ): Promise<void> {
    const { statements } = this.#deps;
    const previousDate = addDaysTo(day.date, -1);
    const nextDate = addDaysTo(day.date, 1);
    const neighbours = await statements.listDays(
      this.#companyId,
      day.iban,
      { from: previousDate, to: nextDate },
      { limit: 3 },
    );
    const byDate = new Map(neighbours.items.map((each) => [each.date, each]));
    const previous = byDate.get(previousDate);
    const existing = byDate.get(day.date);
    const next = byDate.get(nextDate);
    const hasEarlierDay =
      previous !== undefined ||
      (await statements.listDays(this.#companyId, day.iban, { to: previousDate }, { limit: 1 })).items
        .length > 0;
    const completeness = assessCompleteness({
      opening: day.openingBalance,
      closing: day.closingBalance,
      entriesNetMinor,
      previous,
      hasEarlierDay,
    });
    const stored: StatementDay = { ...day, completeness };
    const unchanged =
      existing !== undefined &&
      existing.completeness === completeness &&
      existing.entryCount === day.entryCount &&
      existing.openingBalance.minor === day.openingBalance.minor &&
      existing.closingBalance.minor === day.closingBalance.minor;
    if (!unchanged) await statements.saveDay(this.#companyId, stored);
    this.counts.days += 1;
    if (completeness === 'gap_before') {
      this.counts.gaps += 1;
      this.ibansWithGaps.add(day.iban);
    }
    // The day that follows may have been waiting for this one (a backfilled gap) or may no longer continue it.
    if (next && next.completeness !== 'incomplete') {
      const continues =
        next.openingBalance.minor === day.closingBalance.minor &&
        next.openingBalance.currency === day.closingBalance.currency;
      const nextCompleteness = continues ? 'complete' : 'gap_before';
      if (nextCompleteness !== next.completeness) {
        await statements.saveDay(this.#companyId, { ...next, completeness: nextCompleteness });
      }
      if (nextCompleteness === 'gap_before') this.ibansWithGaps.add(day.iban);
    }
  }

  /** Asks again for the days around the gaps found (best effort: the daily run asks anyway). */
  async requestGaps(): Promise<string[]> {
    const problems: string[] = [];
    for (const iban of this.ibansWithGaps) {
      try {
        const account = await this.#deps.accounts.get(this.#companyId, iban);
        if (!account?.connectionId || !account.permissions.statementRetrieval) continue;
        await requestMissingStatements(
          this.#deps,
          {
            companyId: this.#companyId,
            accountId: account.accountId,
            iban,
            connectionId: account.connectionId,
          },
          this.#deps.clock.now(),
        );
      } catch (error) {
        problems.push(`gap request failed: ${error instanceof Error ? error.name : 'error'}`);
      }
    }
    return problems;
  }
}

function addDaysTo(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

function companyOf(kind: CamtKind, context: ProcessingContext): string {
  if (!context.companyId) {
    throw new StatementRefusedError(
      `${kind} message ${context.bankMessageId} names no end user with an active connection`,
    );
  }
  return context.companyId;
}

async function ingest(
  deps: StatementDependencies,
  kind: CamtKind,
  body: string,
  context: ProcessingContext,
): Promise<ProcessingOutcome> {
  const companyId = companyOf(kind, context);
  const streaming = body.length > statementSettingsOf(deps).streamingThresholdBytes;
  const ingestion = new Ingestion(deps, kind, companyId, context);
  await ingestion.check(await headersOf(body, kind, streaming));

  let header: AccountStatement | undefined;
  let iban = '';
  let chunk: StatementEntry[] = [];
  let count = 0;
  let net: number | undefined = 0;
  let firstEntry: Entry | undefined;
  const fallbackDate = (statement: AccountStatement) =>
    statementDateOf(statement) ?? tallinnDayOf(statement.createdAt) ?? context.receivedAt.slice(0, 10);

  for await (const event of eventsOf(body, kind, streaming)) {
    if (event.kind === 'statement') {
      header = event.statement;
      iban = normalizeIban(header.account.iban ?? '');
      chunk = [];
      count = 0;
      net = 0;
      firstEntry = undefined;
    } else if (event.kind === 'entry' && header) {
      if (!isBooked(event.entry)) continue;
      firstEntry ??= event.entry;
      const entry = toStatementEntry(iban, fallbackDate(header), event.entry, ingestion.occurrences);
      count += 1;
      if (net !== undefined) {
        net =
          entry.amount.currency === header.account.currency || !header.account.currency
            ? net + signedMinorOf(entry)
            : undefined;
      }
      chunk.push(entry);
      if (chunk.length >= chunkSize) {
        await ingestion.storeEntries(chunk);
        chunk = [];
      }
    } else if (event.kind === 'statement-end' && header) {
      await ingestion.storeEntries(chunk);
      chunk = [];
      if (kind === 'camt.053') {
        const opening = openingBalanceOf(header);
        const closing = closingBalanceOf(header);
        const date = statementDateOf(header, firstEntry);
        if (opening && closing && date) {
          await ingestion.storeDay(
            {
              iban,
              date,
              openingBalance: signedMoney(opening),
              closingBalance: signedMoney(closing),
              entryCount: count,
              bankMessageId: context.bankMessageId,
              receivedAt: context.receivedAt,
            },
            net,
          );
        }
      }
      header = undefined;
    }
  }
  const problems = kind === 'camt.053' ? await ingestion.requestGaps() : [];
  const c = ingestion.counts;
  return {
    summary:
      `${kind}: ${c.entries} entries (${c.stored} new), ${c.booked} payments booked, ${c.published} incoming payments published` +
      (kind === 'camt.053' ? `, ${c.days} statement days (${c.gaps} with a gap before)` : '') +
      (problems.length > 0 ? `; ${problems.join('; ')}` : ''),
    touchedBatches: [...ingestion.touchedBatches.values()],
  };
}

/** camt.053: statement days and their entries. */
export function camt053Processor(deps: StatementDependencies): BankMessageProcessor {
  return {
    type: 'camt.053',
    process: (message, context) => ingest(deps, 'camt.053', message.body, context),
  };
}

/** camt.054: single transactions, stored under the keys the statement will give them later. */
export function camt054Processor(deps: StatementDependencies): BankMessageProcessor {
  return {
    type: 'camt.054',
    process: (message, context) => ingest(deps, 'camt.054', message.body, context),
  };
}

/** The processors the collector routes statement messages to. */
export function statementProcessors(deps: StatementDependencies): BankMessageProcessor[] {
  return [camt053Processor(deps), camt054Processor(deps)];
}
