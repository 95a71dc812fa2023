import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildCamt053,
  buildCamt054,
  type Camt053Input,
  Iso20022ParseError,
  parseCamt052,
  parseCamt053,
  parseCamt054,
  parseCamtAny,
  streamCamt,
  streamCamt053Entries,
  UnknownMessageTypeError,
} from '#shared/iso20022/index.ts';
import { validateAgainstXsd } from '#shared/iso20022/xsd.ts';
import { corpusAvailable, noteIfCorpusMissing, samples, xsdDir } from '../../support/corpus.ts';
import { sampleStatementInput } from './camt-fixtures.ts';

beforeAll(noteIfCorpusMissing);

describe('camt.053 builder and parser', () => {
  it('round-trips statement, balances, entries and batch transactions', () => {
    const parsed = parseCamt053(buildCamt053(sampleStatementInput()).xml);
    expect(parsed.findings).toEqual([]);
    const statement = parsed.statements[0];
    expect(statement?.account).toEqual({
      iban: 'EE471000001020145685',
      currency: 'EUR',
      ownerName: 'Näidis & Poeg <OÜ>',
      servicerBic: 'EKRDEE22',
    });
    expect(statement?.electronicSequenceNumber).toBe('73');
    expect(statement?.balances.map((b) => [b.type, b.signedMinor, b.date])).toEqual([
      ['OPBD', 100000, '2025-03-14'],
      ['CLBD', 107071, '2025-03-14'],
    ]);
    const [credit, debit] = statement?.entries ?? [];
    expect(credit).toMatchObject({
      amount: { minor: 12000, currency: 'EUR' },
      creditDebit: 'CRDT',
      status: 'BOOK',
      bookingDate: '2025-03-14',
      accountServicerReference: 'ASR-0001',
      entryReference: '1',
      bankTransactionCode: { domain: 'PMNT', family: 'RCDT', subFamily: 'ESCT' },
    });
    expect(credit?.transactions[0]).toMatchObject({
      endToEndId: 'INV-0042',
      remittance: { structured: ['1234561'], unstructured: [] },
      debtor: { name: 'Ostja "Kõik" AS', iban: 'EE382200221020145685', bic: 'HABAEE2X' },
    });
    expect(debit?.bookingDate).toBe('2025-03-14T10:15:00+02:00');
    expect(debit?.batchTransactionCount).toBe(2);
    expect(debit?.transactions.map((t) => t.endToEndId)).toEqual(['ENV-B0001-P1', 'ENV-B0001-P2']);
    expect(debit?.transactions[0]?.remittance.unstructured).toEqual(['Arve 7 & 8']);
    expect(statement?.summary).toEqual({
      count: 2,
      sumMinor: 16929,
      netMinor: 7071,
      creditCount: 1,
      creditSumMinor: 12000,
      debitCount: 1,
      debitSumMinor: 4929,
    });
  });

  it('reports a balance that does not add up as a finding, not an exception', () => {
    const input = sampleStatementInput();
    const closing = input.statements[0]?.balances[1];
    if (!closing) throw new Error('fixture');
    closing.amount = { minor: 1_070_70, currency: 'EUR' };
    const parsed = parseCamt053(buildCamt053(input).xml);
    expect(parsed.findings).toEqual([
      expect.objectContaining({
        code: 'balance_mismatch',
        statementId: 'EE471000001020145685-2025-03-14',
        message: expect.stringContaining('= 1070.71 EUR, but closing balance is 1070.70 EUR'),
      }),
    ]);
  });

  it('reports TxsSummry that disagrees with the entries', () => {
    const xml = buildCamt053(sampleStatementInput()).xml.replace(
      '<NbOfNtries>2</NbOfNtries>',
      '<NbOfNtries>3</NbOfNtries>',
    );
    const codes = parseCamt053(xml).findings.map((f) => f.code);
    expect(codes).toEqual(['summary_count_mismatch']);
  });

  it('ignores pending entries in the balance check', () => {
    const input = sampleStatementInput();
    input.statements[0]?.entries.push({
      amount: { minor: 5_00, currency: 'EUR' },
      creditDebit: 'DBIT',
      status: 'PDNG',
      bookingDate: '2025-03-14',
      accountServicerReference: 'ASR-PDNG',
      transactions: [],
    });
    expect(parseCamt053(buildCamt053(input).xml).findings.map((f) => f.code)).not.toContain(
      'balance_mismatch',
    );
  });

  it('names message type, element path and value when an amount is unreadable', () => {
    const xml = buildCamt053(sampleStatementInput()).xml.replace(
      '<Amt Ccy="EUR">49.29<',
      '<Amt Ccy="EUR">49.2.9<',
    );
    try {
      parseCamt053(xml);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Iso20022ParseError);
      const e = error as Iso20022ParseError;
      expect(e.messageType).toBe('camt.053.001.02');
      expect(e.path).toBe('Document/BkToCstmrStmt/Stmt[0]/Ntry[1]/Amt');
      expect(e.value).toBe('49.2.9 EUR');
    }
  });

  it('refuses truncated documents and the wrong message family', () => {
    const xml = buildCamt053(sampleStatementInput()).xml;
    expect(() => parseCamt053(xml.slice(0, xml.length - 40))).toThrow(Iso20022ParseError);
    expect(() => parseCamt054(xml)).toThrow(UnknownMessageTypeError);
  });

  it('builds camt.054 notifications that parse back', () => {
    const parsed = parseCamt054(buildCamt054(sampleStatementInput()).xml);
    expect(parsed.type).toBe('camt.054');
    expect(parsed.statements[0]?.balances).toEqual([]);
    expect(parsed.statements[0]?.entries).toHaveLength(2);
  });

  it.skipIf(!corpusAvailable)('builds XSD-valid camt.053.001.02 and camt.054.001.02', async () => {
    expect((await validateAgainstXsd(buildCamt053(sampleStatementInput()).xml, xsdDir)).errors).toEqual([]);
    expect((await validateAgainstXsd(buildCamt054(sampleStatementInput()).xml, xsdDir)).errors).toEqual([]);
  });
});

function bigStatement(entries: number): Camt053Input {
  const input = sampleStatementInput();
  const statement = input.statements[0];
  if (!statement) throw new Error('fixture');
  statement.entries = Array.from({ length: entries }, (_, i) => ({
    amount: { minor: 100 + i, currency: 'EUR' },
    creditDebit: 'CRDT' as const,
    bookingDate: '2025-03-14',
    accountServicerReference: `ASR-${i}`,
    transactions: [
      { endToEndId: `E2E-${i}`, remittance: { kind: 'unstructured' as const, text: `payment ${i}` } },
    ],
  }));
  const total = statement.entries.reduce((sum, entry) => sum + entry.amount.minor, 0);
  statement.balances = [
    { type: 'OPBD', amount: { minor: 0, currency: 'EUR' }, creditDebit: 'CRDT', date: '2025-03-14' },
    { type: 'CLBD', amount: { minor: total, currency: 'EUR' }, creditDebit: 'CRDT', date: '2025-03-14' },
  ];
  return input;
}

describe('camt streaming', () => {
  it('streams entries from a Readable in small chunks, with the statement header first', async () => {
    const xml = buildCamt053(bigStatement(500)).xml;
    const buffer = Buffer.from(xml);
    // 7-byte chunks split multi-byte characters and tags: the reader must not care.
    const chunks = Array.from({ length: Math.ceil(buffer.length / 7) }, (_, i) =>
      buffer.subarray(i * 7, i * 7 + 7),
    );
    const seen: string[] = [];
    let statementBalance: number | undefined;
    for await (const { statement, entry, index } of streamCamt053Entries(Readable.from(chunks))) {
      statementBalance = statement.balances[1]?.signedMinor;
      expect(index).toBe(seen.length);
      seen.push(entry.transactions[0]?.endToEndId ?? '');
    }
    expect(seen).toHaveLength(500);
    expect(seen[499]).toBe('E2E-499');
    expect(statementBalance).toBe(parseCamt053(xml).statements[0]?.balances[1]?.signedMinor);
  });

  it('gives the same result streamed as parsed whole, with findings at statement end', async () => {
    const xml = buildCamt053(bigStatement(50)).xml.replace(
      '<NbOfNtries>50</NbOfNtries>',
      '<NbOfNtries>51</NbOfNtries>',
    );
    const kinds: string[] = [];
    const entries = [];
    let findings: string[] = [];
    for await (const event of streamCamt(xml)) {
      kinds.push(event.kind);
      if (event.kind === 'entry') entries.push(event.entry);
      if (event.kind === 'statement-end') findings = event.findings.map((f) => f.code);
    }
    expect(kinds[0]).toBe('header');
    expect(kinds[1]).toBe('statement');
    expect(kinds.at(-1)).toBe('statement-end');
    expect(entries).toEqual(parseCamt053(xml).statements[0]?.entries);
    expect(findings).toEqual(['summary_count_mismatch']);
  });

  it('closes the source when the consumer stops early or the document is bad', async () => {
    const xml = Buffer.from(buildCamt053(bigStatement(50)).xml);
    const chunks = Array.from({ length: Math.ceil(xml.length / 1000) }, (_, i) =>
      xml.subarray(i * 1000, i * 1000 + 1000),
    );
    const early = Readable.from(chunks);
    for await (const { index } of streamCamt053Entries(early)) if (index === 2) break;
    expect(early.destroyed).toBe(true);

    const bad = Readable.from([...chunks.slice(0, 3), Buffer.from('<broken')]);
    await expect(async () => {
      for await (const _ of streamCamt(bad)) {
        // drain
      }
    }).rejects.toThrow(/well-formed|ended/);
    expect(bad.destroyed).toBe(true);
  });

  it('refuses a DOCTYPE even when it arrives in a later chunk position', async () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>${buildCamt053(sampleStatementInput()).xml.replace(/^<\?xml[^>]*>\n/, '')}`;
    await expect(async () => {
      for await (const _ of streamCamt(xml)) {
        // drain
      }
    }).rejects.toThrow(/DOCTYPE/);
  });
});

describe.skipIf(!corpusAvailable)('camt samples from the corpus', () => {
  const all = [...samples('camt052'), ...samples('camt053'), ...samples('camt054')];
  it.each(all.map((s) => [s.name, s.xml]))('%s parses', (name, xml) => {
    const parse = name.startsWith('camt052')
      ? parseCamt052
      : name.startsWith('camt053')
        ? parseCamt053
        : parseCamt054;
    const parsed = parse(xml);
    expect(parsed.statements.length).toBeGreaterThan(0);
    for (const statement of parsed.statements) {
      for (const balance of statement.balances) expect(Number.isSafeInteger(balance.amount.minor)).toBe(true);
      for (const entry of statement.entries) {
        expect(['CRDT', 'DBIT']).toContain(entry.creditDebit);
        expect(Number.isSafeInteger(entry.amount.minor)).toBe(true);
      }
    }
    expect(parseCamtAny(xml)).toEqual(parsed);
  });

  it('reads the SEB Estonia empty end-of-day statement with consistent balances', () => {
    const sample = samples('camt053').find((s) => s.name.includes('seb-ee-camt053-001-02-eod'));
    if (!sample) return;
    const parsed = parseCamt053(sample.xml);
    expect(parsed.findings).toEqual([]);
    expect(parsed.statements[0]?.entries).toEqual([]);
    expect(parsed.statements[0]?.balances.map((b) => b.type)).toEqual(
      expect.arrayContaining(['OPBD', 'CLBD']),
    );
  });

  it('reads the 268-entry Deutsche Bank statement, balanced and summarised', () => {
    const sample = samples('camt053').find((s) => s.name.includes('268-entries'));
    if (!sample) return;
    const parsed = parseCamt053(sample.xml);
    expect(parsed.statements[0]?.entries).toHaveLength(268);
    expect(parsed.findings).toEqual([]);
  });

  it('reads 43 transactions of one batch entry (camt.054.001.10)', () => {
    const sample = samples('camt054').find((s) => s.name.includes('43tx'));
    if (!sample) return;
    const entry = parseCamt054(sample.xml).statements[0]?.entries[0];
    expect(entry?.transactions).toHaveLength(43);
  });

  it('reads Estonian incoming payments with reference numbers and payer accounts', () => {
    const sample = samples('camt053').find((s) => s.name.includes('swedbank-ee'));
    if (!sample) return;
    const entries = parseCamt053(sample.xml).statements[0]?.entries ?? [];
    expect(entries).toHaveLength(4);
    for (const entry of entries) {
      expect(entry.creditDebit).toBe('CRDT');
      expect(entry.transactions[0]?.debtor?.name ?? entry.transactions[0]?.debtor?.iban).toBeDefined();
    }
  });

  it('tolerates balances without a credit/debit indicator and says so', () => {
    const sample = samples('camt053').find((s) => s.name.includes('lt-emi-camt053'));
    if (!sample) return;
    const parsed = parseCamt053(sample.xml);
    expect(parsed.statements).toHaveLength(2);
    expect(parsed.findings.map((f) => f.code)).toContain('balance_direction_missing');
  });
});
