import { beforeAll, describe, expect, it } from 'vitest';
import { buildCamt052, type Camt052Input, Iso20022BuildError, parseCamt052 } from '#shared/iso20022/index.ts';
import { validateAgainstXsd } from '#shared/iso20022/xsd.ts';
import { corpusAvailable, noteIfCorpusMissing, xsdDir } from '../../support/corpus.ts';

beforeAll(noteIfCorpusMissing);

function balanceReport(): Camt052Input {
  return {
    messageId: 'SIM-BAL-20250314-1',
    createdAt: '2025-03-14T10:15:00+02:00',
    reports: [
      {
        id: 'SIM-BAL-20250314-1-1',
        createdAt: '2025-03-14T10:15:00+02:00',
        account: {
          iban: 'ee47 1000 0010 2014 5685',
          currency: 'EUR',
          ownerName: 'Näidis & Poeg <OÜ>',
          servicerBic: 'EKRDEE22',
        },
        balances: [
          {
            type: 'OPBD',
            amount: { minor: 1_000_000, currency: 'EUR' },
            creditDebit: 'CRDT',
            date: '2025-03-14',
          },
          {
            type: 'ITAV',
            amount: { minor: 987_650, currency: 'EUR' },
            creditDebit: 'CRDT',
            date: '2025-03-14',
          },
          { type: 'CLBD', amount: { minor: 250, currency: 'EUR' }, creditDebit: 'DBIT', date: '2025-03-14' },
        ],
      },
      {
        id: 'SIM-BAL-20250314-1-2',
        createdAt: '2025-03-14T10:15:00+02:00',
        account: { iban: 'EE382200221020145685', currency: 'EUR' },
        balances: [
          { type: 'CLAV', amount: { minor: 0, currency: 'EUR' }, creditDebit: 'CRDT', date: '2025-03-14' },
        ],
      },
    ],
  };
}

describe('camt.052 builder (bank simulator balance reports)', () => {
  it('is exported from the codec and parses back with parseCamt052', () => {
    const built = buildCamt052(balanceReport());
    expect(built.version).toBe('camt.052.001.02');
    const parsed = parseCamt052(built.xml);
    expect(parsed.type).toBe('camt.052');
    expect(parsed.version).toBe('camt.052.001.02');
    expect(parsed.messageId).toBe('SIM-BAL-20250314-1');
    expect(parsed.statements).toHaveLength(2);
    const [first, second] = parsed.statements;
    expect(first?.id).toBe('SIM-BAL-20250314-1-1');
    expect(first?.account).toMatchObject({
      iban: 'EE471000001020145685',
      currency: 'EUR',
      ownerName: 'Näidis & Poeg <OÜ>',
    });
    expect(first?.entries).toEqual([]);
    expect(
      first?.balances.map((b) => ({
        type: b.type,
        amount: b.amount,
        creditDebit: b.creditDebit,
        date: b.date,
      })),
    ).toEqual([
      {
        type: 'OPBD',
        amount: { minor: 1_000_000, currency: 'EUR' },
        creditDebit: 'CRDT',
        date: '2025-03-14',
      },
      { type: 'ITAV', amount: { minor: 987_650, currency: 'EUR' }, creditDebit: 'CRDT', date: '2025-03-14' },
      { type: 'CLBD', amount: { minor: 250, currency: 'EUR' }, creditDebit: 'DBIT', date: '2025-03-14' },
    ]);
    expect(second?.account.iban).toBe('EE382200221020145685');
    expect(second?.balances[0]?.amount).toEqual({ minor: 0, currency: 'EUR' });
  });

  it('refuses bad input with every issue', () => {
    const input = balanceReport();
    const report = input.reports[0];
    if (!report) throw new Error('fixture');
    report.account.iban = 'EE471000001020145686';
    report.balances[0] = { ...report.balances[0], type: 'NOPE' } as (typeof report.balances)[0];
    try {
      buildCamt052(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Iso20022BuildError);
      expect((error as Iso20022BuildError).issues.map((issue) => issue.path)).toEqual([
        'reports[0].account.iban',
        'reports[0].balances[0].type',
      ]);
    }
  });

  it.skipIf(!corpusAvailable)('builds XSD-valid camt.052.001.02', async () => {
    const result = await validateAgainstXsd(buildCamt052(balanceReport()).xml, xsdDir);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
