// Pure rules of statement ingestion and daily requests: Tallinn dates (DST), entry identity, continuity,
// which days are asked for again, and deterministic request ids.
import { describe, expect, it } from 'vitest';
import {
  bankReferenceOf,
  OccurrenceCounter,
  statementDateOf,
  statementRequestMessageId,
  statementWindow,
  tallinnDayOf,
  toStatementEntry,
} from '#shared/app/statements/index.ts';
import { assessCompleteness, contiguousRanges, daysToRequest } from '#shared/domain/statement.ts';
import type { AccountStatement, Entry } from '#shared/iso20022/index.ts';

const IBAN = 'EE824200000010000013';
const eur = (minor: number) => ({ minor, currency: 'EUR' });

function entry(overrides: Partial<Entry> = {}): Entry {
  return {
    amount: eur(10_00),
    creditDebit: 'CRDT',
    signedMinor: 10_00,
    reversal: false,
    status: 'BOOK',
    bookingDate: '2026-03-02',
    charges: [],
    transactions: [
      {
        remittance: { structured: ['1232'], unstructured: ['Invoice 1'] },
        debtor: { name: 'Mari Kask', iban: 'EE382200221020145685' },
      },
    ],
    ...overrides,
  };
}

describe('Tallinn business dates', () => {
  it('takes a date as is and a date-time as the Tallinn date of its instant', () => {
    expect(tallinnDayOf('2026-03-02')).toBe('2026-03-02');
    expect(tallinnDayOf('2026-03-01T22:30:00Z')).toBe('2026-03-02'); // 00:30 in Tallinn
    expect(tallinnDayOf('2026-03-02T23:30:00')).toBe('2026-03-02'); // wall-clock time, no offset
  });

  it('is right on the days the clocks change (last Sunday of March and October)', () => {
    expect(tallinnDayOf('2026-03-28T22:00:00Z')).toBe('2026-03-29'); // 00:00 +02:00
    expect(tallinnDayOf('2026-03-29T20:59:59Z')).toBe('2026-03-29'); // 23:59:59 +03:00
    expect(tallinnDayOf('2026-03-29T21:00:00Z')).toBe('2026-03-30');
    expect(tallinnDayOf('2026-10-24T21:00:00Z')).toBe('2026-10-25'); // 00:00 +03:00
    expect(tallinnDayOf('2026-10-25T21:59:59Z')).toBe('2026-10-25'); // 23:59:59 +02:00
    expect(tallinnDayOf('2026-10-25T22:00:00Z')).toBe('2026-10-26');
  });

  it('dates a statement by the start of its period in Tallinn, else by its closing balance', () => {
    const statement = {
      id: 'S',
      from: '2026-10-24T21:00:00Z',
      to: '2026-10-25T21:59:59Z',
      account: { iban: IBAN },
      balances: [{ type: 'CLBD', amount: eur(0), creditDebit: 'CRDT', signedMinor: 0, date: '2026-10-25' }],
      entries: [],
    } as AccountStatement;
    expect(statementDateOf(statement)).toBe('2026-10-25');
    expect(statementDateOf({ ...statement, from: undefined, to: undefined } as never)).toBe('2026-10-25');
  });

  it('asks on a run for the previous Tallinn day, also when the UTC date is still the day before', () => {
    // 01:30 on Monday 2026-03-30 in Tallinn is Sunday 22:30 UTC.
    expect(statementWindow(new Date('2026-03-29T22:30:00Z'), { backfillDays: 31 })).toEqual({
      runDate: '2026-03-30',
      from: '2026-02-27',
      to: '2026-03-29',
    });
  });
});

describe('entry identity', () => {
  it("uses the bank's reference, else the entry reference, else a content hash", () => {
    expect(bankReferenceOf(IBAN, '2026-03-02', entry({ accountServicerReference: 'ABC#1' }))).toBe('ABC%231');
    expect(bankReferenceOf(IBAN, '2026-03-02', entry({ entryReference: 'NTRY-7' }))).toBe('NTRY-7');
    const hashed = bankReferenceOf(IBAN, '2026-03-02', entry());
    expect(hashed).toMatch(/^H[0-9a-f]{32}$/);
    expect(bankReferenceOf(IBAN, '2026-03-02', entry())).toBe(hashed);
    expect(bankReferenceOf(IBAN, '2026-03-02', entry({ amount: eur(10_01) }))).not.toBe(hashed);
  });

  it('numbers identical entries by occurrence, so both are kept, and the same statement numbers them the same', () => {
    const map = () => {
      const counter = new OccurrenceCounter();
      return [entry(), entry(), entry({ amount: eur(5_00) })].map((each) =>
        toStatementEntry(IBAN, '2026-03-02', each, counter),
      );
    };
    const first = map();
    expect(first.map((each) => each.occurrence)).toEqual([1, 2, 1]);
    expect(first[0]?.bankReference).toBe(first[1]?.bankReference);
    expect(map()).toEqual(first);
  });

  it('maps direction, counterparty, a valid Estonian reference and the end-to-end id', () => {
    const counter = new OccurrenceCounter();
    expect(toStatementEntry(IBAN, '2026-03-02', entry(), counter)).toMatchObject({
      direction: 'credit',
      amount: eur(10_00),
      counterpartyName: 'Mari Kask',
      reference: '1232',
      remittanceInformation: 'Invoice 1',
    });
    const debit = entry({
      creditDebit: 'DBIT',
      transactions: [
        {
          endToEndId: 'batch1-00001',
          remittance: { structured: [], unstructured: [] },
          creditor: { name: 'Kontoritarbed OU', iban: 'EE38 2200 2210 2014 5685' },
        },
      ],
    });
    expect(toStatementEntry(IBAN, '2026-03-02', debit, counter)).toMatchObject({
      direction: 'debit',
      endToEndId: 'batch1-00001',
      counterpartyIban: 'EE382200221020145685',
    });
    const notProvided = entry({
      transactions: [{ endToEndId: 'NOTPROVIDED', remittance: { structured: [], unstructured: [] } }],
    });
    expect(toStatementEntry(IBAN, '2026-03-02', notProvided, counter).endToEndId).toBeUndefined();
  });
});

describe('continuity', () => {
  const day = { closingBalance: eur(100_00) };
  it('is complete when the opening continues the previous closing and the entries add up', () => {
    expect(
      assessCompleteness({
        opening: eur(100_00),
        closing: eur(90_00),
        entriesNetMinor: -10_00,
        previous: day,
        hasEarlierDay: true,
      }),
    ).toBe('complete');
  });
  it('is a gap when the opening differs from the previous closing, or the previous day is missing after earlier days', () => {
    expect(
      assessCompleteness({
        opening: eur(99_00),
        closing: eur(99_00),
        entriesNetMinor: 0,
        previous: day,
        hasEarlierDay: true,
      }),
    ).toBe('gap_before');
    expect(
      assessCompleteness({
        opening: eur(99_00),
        closing: eur(99_00),
        entriesNetMinor: 0,
        hasEarlierDay: true,
      }),
    ).toBe('gap_before');
    expect(
      assessCompleteness({
        opening: eur(99_00),
        closing: eur(99_00),
        entriesNetMinor: 0,
        hasEarlierDay: false,
      }),
    ).toBe('complete');
  });
  it('is incomplete when the entries do not add up to the closing balance', () => {
    expect(
      assessCompleteness({
        opening: eur(100_00),
        closing: eur(95_00),
        entriesNetMinor: -10_00,
        previous: day,
        hasEarlierDay: true,
      }),
    ).toBe('incomplete');
  });
});

describe('days asked for again', () => {
  const window = { from: '2026-03-01', to: '2026-03-07' };
  it('asks for missing and incomplete days, and for both days around a break in continuity', () => {
    expect(
      daysToRequest(window, [
        { date: '2026-03-01', completeness: 'complete' },
        { date: '2026-03-02', completeness: 'complete' },
        { date: '2026-03-04', completeness: 'gap_before' },
        { date: '2026-03-05', completeness: 'incomplete' },
        { date: '2026-03-06', completeness: 'complete' },
      ]),
    ).toEqual(['2026-03-03', '2026-03-04', '2026-03-05', '2026-03-07']);
  });
  it('asks for every day of the window when none is stored', () => {
    expect(daysToRequest(window, [])).toHaveLength(7);
  });
  it('groups contiguous days into one request, split at the longest allowed period', () => {
    expect(
      contiguousRanges(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-05'], 2).map((r) => [
        r.from,
        r.to,
      ]),
    ).toEqual([
      ['2026-03-01', '2026-03-02'],
      ['2026-03-03', '2026-03-03'],
      ['2026-03-05', '2026-03-05'],
    ]);
    expect(contiguousRanges(['2026-02-27', '2026-02-28', '2026-03-01'], 31)).toHaveLength(1);
  });
});

describe('statement request message ids', () => {
  it('are at most 35 characters, the same for the same run, and new for another run or period', () => {
    const id = statementRequestMessageId(IBAN, '2026-02-01', '2026-03-03', '2026-03-04');
    expect(id.length).toBeLessThanOrEqual(35);
    expect(id).toMatch(/^STM-260201-260303-[0-9A-F]{12}$/);
    expect(statementRequestMessageId(IBAN, '2026-02-01', '2026-03-03', '2026-03-04')).toBe(id);
    expect(statementRequestMessageId(IBAN, '2026-02-01', '2026-03-03', '2026-03-05')).not.toBe(id);
    expect(
      statementRequestMessageId('EE382200221020145685', '2026-02-01', '2026-03-03', '2026-03-04'),
    ).not.toBe(id);
  });
});
