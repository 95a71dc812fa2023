import { beforeAll, describe, expect, it } from 'vitest';
import { buildPain002, type Pain002Report, parsePain002 } from '#shared/iso20022/index.ts';
import { validateAgainstXsd } from '#shared/iso20022/xsd.ts';
import { corpusAvailable, noteIfCorpusMissing, samples, xsdDir } from '../../support/corpus.ts';

beforeAll(noteIfCorpusMissing);

function report(): Pain002Report {
  return {
    messageId: 'STS-0001',
    createdAt: '2025-03-14T10:00:00+02:00',
    originalMessageId: 'ENV-B0001-M1',
    originalMessageType: 'pain.001.001.09',
    groupStatus: 'PART',
    groupReasons: [],
    paymentInformation: [{ originalPaymentInformationId: 'ENV-B0001-M1-1', status: 'PART', reasons: [] }],
    transactions: [
      {
        originalPaymentInformationId: 'ENV-B0001-M1-1',
        originalEndToEndId: '0042',
        originalInstructionId: 'I-1',
        status: 'RJCT',
        reasons: [{ code: 'AC01', additionalInfo: ['Konto & number <vale>', 'x'.repeat(150)] }],
        originalAmount: { minor: 29, currency: 'EUR' },
      },
      {
        originalPaymentInformationId: 'ENV-B0001-M1-1',
        originalEndToEndId: 'ENV-B0001-P2',
        status: 'ACSC',
        reasons: [],
      },
      {
        originalPaymentInformationId: 'ENV-B0001-M1-2',
        originalEndToEndId: 'ENV-B0001-P3',
        status: 'PDNG',
        reasons: [{ proprietary: 'WAITING_SIGNATURE', additionalInfo: [] }],
      },
    ],
  };
}

describe('pain.002 builder and parser', () => {
  it('round-trips a status report in domain terms, keeping ids like 0042 as strings', () => {
    for (const version of ['pain.002.001.03', 'pain.002.001.10'] as const) {
      const parsed = parsePain002(buildPain002(report(), version).xml);
      expect(parsed.version).toBe(version);
      expect(parsed.groupStatus).toBe('PART');
      expect(parsed.paymentInformation.map((p) => p.originalPaymentInformationId)).toEqual([
        'ENV-B0001-M1-1',
        'ENV-B0001-M1-2',
      ]);
      const [rejected, settled, pending] = parsed.transactions;
      expect(rejected).toMatchObject({
        originalEndToEndId: '0042',
        originalInstructionId: 'I-1',
        status: 'RJCT',
        originalAmount: { minor: 29, currency: 'EUR' },
      });
      expect(rejected?.reasons[0]?.code).toBe('AC01');
      expect(rejected?.reasons[0]?.additionalInfo[0]).toBe('Konto & number <vale>');
      expect(rejected?.reasons[0]?.additionalInfo[1]).toHaveLength(105);
      expect(settled).toMatchObject({ status: 'ACSC', reasons: [] });
      expect(pending?.reasons[0]).toEqual({ proprietary: 'WAITING_SIGNATURE', additionalInfo: [] });
    }
  });

  it('refuses reports it cannot write validly', () => {
    const bad = report();
    bad.transactions[0] = {
      ...bad.transactions[0],
      status: 'REJECTED',
    } as Pain002Report['transactions'][number];
    expect(() => buildPain002(bad, 'pain.002.001.10')).toThrow(/transactions\[0\]\.status/);
  });

  it.skipIf(!corpusAvailable)('builds XSD-valid pain.002.001.10', async () => {
    const result = await validateAgainstXsd(buildPain002(report(), 'pain.002.001.10').xml, xsdDir);
    expect(result.errors).toEqual([]);
  });
});

describe.skipIf(!corpusAvailable)('pain.002 samples from the corpus', () => {
  it.each(samples('pain002').map((s) => [s.name, s.xml]))('%s parses', (_name, xml) => {
    const parsed = parsePain002(xml);
    expect(parsed.messageId).not.toBe('');
    expect(parsed.version).toMatch(/^pain\.002\.001\./);
    const statuses = [
      parsed.groupStatus,
      ...parsed.paymentInformation.map((p) => p.status),
      ...parsed.transactions.map((t) => t.status),
    ];
    expect(statuses.some((status) => status !== undefined && status !== '')).toBe(true);
  });

  it('reads transaction rejects with reason codes (Bank of Ireland style)', () => {
    const sample = samples('pain002').find((s) => s.name.includes('bankofireland'));
    if (!sample) return;
    const parsed = parsePain002(sample.xml);
    expect(parsed.transactions.map((t) => [t.status, t.reasons[0]?.code])).toEqual([
      ['RJCT', 'AC01'],
      ['RJCT', 'MS02'],
      ['RJCT', 'MD06'],
      ['RJCT', 'AM04'],
    ]);
  });

  it('reads the Swiss SIX dialect and documents without a usable namespace', () => {
    const swiss = samples('pain002').find((s) => s.name.includes('03ch02-b-level-rjct'));
    const noNamespace = samples('pain002').find((s) => s.name.includes('crossriver-pain002-001-03-credit'));
    if (!swiss || !noNamespace) return;
    const parsedSwiss = parsePain002(swiss.xml);
    expect(parsedSwiss.paymentInformation[0]?.status).toBe('RJCT');
    expect(parsedSwiss.transactions.some((t) => t.reasons.some((r) => r.code === 'AC01'))).toBe(true);
    const parsed = parsePain002(noNamespace.xml);
    expect(parsed.version).toBe('pain.002.001.03');
    expect(parsed.groupStatus).toBe('ACTC');
    expect(parsed.transactions[0]).toMatchObject({ originalEndToEndId: '0000000000000108', status: 'ACSP' });
  });
});
