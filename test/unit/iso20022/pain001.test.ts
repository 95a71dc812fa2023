import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildPain001,
  groupPayments,
  Iso20022BuildError,
  type Pain001Batch,
  type Pain001Version,
  parsePain001,
} from '#shared/iso20022/index.ts';
import { normalizePain001Batch, RepeatFinder } from '#shared/iso20022/pain001.ts';
import { validateAgainstXsd, validateManyAgainstXsd } from '#shared/iso20022/xsd.ts';
import { corpusAvailable, noteIfCorpusMissing, samples, xsdDir } from '../../support/corpus.ts';
import { IBANS, sampleBatch } from './fixtures.ts';

const VERSIONS: Pain001Version[] = ['pain.001.001.03', 'pain.001.001.09'];

beforeAll(noteIfCorpusMissing);

describe('pain.001 builder', () => {
  it('writes exact amounts, counts and control sums', () => {
    const built = buildPain001(sampleBatch(), { version: 'pain.001.001.09' });
    expect(built.numberOfTransactions).toBe(3);
    expect(built.controlSum).toBe('123557.07');
    expect(built.xml).toContain('<GrpHdr><MsgId>ENV-B0001-M1</MsgId>');
    expect(built.xml).toContain('<NbOfTxs>3</NbOfTxs><CtrlSum>123557.07</CtrlSum>');
    expect(built.xml).toContain('<InstdAmt Ccy="EUR">0.29</InstdAmt>');
    expect(built.xml).toContain('<InstdAmt Ccy="EUR">100.00</InstdAmt>');
    expect(built.xml).toContain('<NbOfTxs>2</NbOfTxs><CtrlSum>123457.07</CtrlSum>');
  });

  it('writes structured references as SCOR (RF with issuer ISO) and unstructured text as Ustrd', () => {
    const { xml } = buildPain001(sampleBatch(), { version: 'pain.001.001.03' });
    expect(xml).toContain(
      '<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>1234561</Ref>',
    );
    expect(xml).toContain('<Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp><Ref>RF18539007547034</Ref>');
    expect(xml).toContain('<Ustrd>Arve nr 42 / invoice 0042</Ustrd>');
  });

  it('uses the version-specific shapes: BIC vs BICFI, plain date vs Dt', () => {
    const v03 = buildPain001(sampleBatch(), { version: 'pain.001.001.03' }).xml;
    const v09 = buildPain001(sampleBatch(), { version: 'pain.001.001.09' }).xml;
    expect(v03).toContain('<ReqdExctnDt>2025-03-14</ReqdExctnDt>');
    expect(v03).toContain('<BIC>EKRDEE22</BIC>');
    expect(v09).toContain('<ReqdExctnDt><Dt>2025-03-14</Dt></ReqdExctnDt>');
    expect(v09).toContain('<BICFI>EKRDEE22</BICFI>');
    expect(v09).toContain('<Othr><Id>NOTPROVIDED</Id></Othr>');
  });

  it('marks instant payments as configured', () => {
    const local = buildPain001(sampleBatch(), { version: 'pain.001.001.09' }).xml;
    expect(local).toContain('<SvcLvl><Cd>SEPA</Cd></SvcLvl><LclInstrm><Cd>INST</Cd></LclInstrm>');
    const service = buildPain001(sampleBatch(), {
      version: 'pain.001.001.09',
      instantEncoding: 'service-level',
    }).xml;
    expect(service).toContain('<SvcLvl><Cd>INST</Cd></SvcLvl>');
    expect(parsePain001(service).paymentGroups[1]?.serviceLevel).toBe('INST');
    expect(parsePain001(local).paymentGroups[1]?.serviceLevel).toBe('INST');
  });

  it('applies the character policy: transliterated by default, escaped when unrestricted', () => {
    const strict = buildPain001(sampleBatch(), { version: 'pain.001.001.09' });
    expect(strict.xml).toContain(`<Nm>Oun + Pirn (Ltd) 'quoted'</Nm>`);
    expect(strict.batch.paymentGroups[1]?.payments[0]?.creditor.name).toBe('Sokolaadi Zurii OU');
    const estonian = buildPain001(sampleBatch(), {
      version: 'pain.001.001.09',
      characterPolicy: { kind: 'sepa-latin-estonian' },
    });
    expect(estonian.xml).toContain('<Nm>Šokolaadi Žürii OÜ</Nm>');
    const open = buildPain001(sampleBatch(), {
      version: 'pain.001.001.09',
      characterPolicy: { kind: 'unrestricted' },
    });
    expect(open.xml).toContain('<Nm>Õun &amp; Pirn &lt;Ltd&gt; "quoted"</Nm>');
    expect(parsePain001(open.xml).paymentGroups[0]?.payments[0]?.creditor.name).toBe(
      'Õun & Pirn <Ltd> "quoted"',
    );
  });

  it('is deterministic for the same input', () => {
    const a = buildPain001(sampleBatch(), { version: 'pain.001.001.09' }).xml;
    const b = buildPain001(sampleBatch(), { version: 'pain.001.001.09' }).xml;
    expect(a).toBe(b);
  });

  it('reports every invalid field with its path', () => {
    const batch = sampleBatch();
    const group = batch.paymentGroups[0];
    if (!group?.payments[0] || !group.payments[1]) throw new Error('fixture');
    group.payments[0].amount = { minor: 10.5, currency: 'EUR' };
    group.payments[1].creditor.iban = 'EE382200221020145686';
    group.payments[1].endToEndId = 'ENV-B0001-P1';
    group.payments[1].remittance = { kind: 'structured', reference: '1234562' };
    group.requestedExecutionDate = '2025-02-30';
    group.debtor.bic = 'NOTABIC';
    batch.initiatingPartyName = 'x'.repeat(71);
    try {
      buildPain001(batch, { version: 'pain.001.001.03' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Iso20022BuildError);
      const paths = (error as Iso20022BuildError).issues.map((issue) => issue.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'initiatingPartyName',
          'paymentGroups[0].requestedExecutionDate',
          'paymentGroups[0].payments[0].amount.minor',
          'paymentGroups[0].payments[1].endToEndId',
          'paymentGroups[0].payments[1].creditor.iban',
          'paymentGroups[0].payments[1].remittance.reference',
          'paymentGroups[0].debtor.bic',
        ]),
      );
      expect((error as Iso20022BuildError).message).toMatch(/^pain\.001\.001\.03 at /);
    }
  });

  it('refuses zero, negative, non-EUR and oversized amounts', () => {
    for (const amount of [
      { minor: 0, currency: 'EUR' },
      { minor: -1, currency: 'EUR' },
      { minor: 100, currency: 'SEK' },
      { minor: 100_000_000_000, currency: 'EUR' },
    ]) {
      const batch = sampleBatch();
      const payment = batch.paymentGroups[0]?.payments[0];
      if (!payment) throw new Error('fixture');
      payment.amount = amount;
      expect(() => buildPain001(batch, { version: 'pain.001.001.09' }), JSON.stringify(amount)).toThrow(
        Iso20022BuildError,
      );
    }
  });

  it('groups flat payments by debtor account, date and service level with deterministic ids', () => {
    const debtor = { name: 'Payer', iban: IBANS[1] };
    const base = { amount: { minor: 100, currency: 'EUR' }, creditor: { name: 'C', iban: IBANS[0] } };
    const groups = groupPayments('M-1', [
      { ...base, endToEndId: 'E1', debtor, requestedExecutionDate: '2025-03-14', serviceLevel: 'SEPA' },
      { ...base, endToEndId: 'E2', debtor, requestedExecutionDate: '2025-03-14', serviceLevel: 'INST' },
      {
        ...base,
        endToEndId: 'E3',
        debtor: { ...debtor, iban: 'ee47 1000 0010 2014 5685' },
        requestedExecutionDate: '2025-03-14',
        serviceLevel: 'SEPA',
      },
      { ...base, endToEndId: 'E4', debtor, requestedExecutionDate: '2025-03-15', serviceLevel: 'SEPA' },
    ]);
    expect(groups.map((g) => [g.paymentInformationId, g.payments.map((p) => p.endToEndId)])).toEqual([
      ['M-1-1', ['E1', 'E3']],
      ['M-1-2', ['E2']],
      ['M-1-3', ['E4']],
    ]);
    expect(
      groupPayments('X'.repeat(35), [
        { ...base, endToEndId: 'E1', debtor, requestedExecutionDate: '2025-03-14', serviceLevel: 'SEPA' },
      ])[0]?.paymentInformationId,
    ).toHaveLength(35);
  });
});

describe('pain.001 duplicate ids', () => {
  /** Every duplicate issue a `Set` would report, in payment order. */
  function expectedDuplicates(batch: Pain001Batch) {
    const endToEnd = new Set<unknown>();
    const instructions = new Set<unknown>();
    const issues: { path: string; message: string }[] = [];
    batch.paymentGroups.forEach((group, g) => {
      group.payments.forEach((payment, p) => {
        const path = `paymentGroups[${g}].payments[${p}]`;
        if (endToEnd.has(payment.endToEndId))
          issues.push({
            path: `${path}.endToEndId`,
            message: `duplicate end-to-end id "${payment.endToEndId}" in the batch`,
          });
        endToEnd.add(payment.endToEndId);
        if (payment.instructionId !== undefined) {
          if (instructions.has(payment.instructionId))
            issues.push({
              path: `${path}.instructionId`,
              message: `duplicate instruction id "${payment.instructionId}" in the batch`,
            });
          instructions.add(payment.instructionId);
        }
      });
    });
    return issues;
  }

  const duplicatesIn = (batch: Pain001Batch) => {
    try {
      buildPain001(batch, { version: 'pain.001.001.09' });
      return [];
    } catch (error) {
      if (!(error instanceof Iso20022BuildError)) throw error;
      return error.issues.filter((issue) => issue.message.startsWith('duplicate'));
    }
  };

  it('reports every repeated end-to-end and instruction id, across groups (some empty), in payment order (property)', () => {
    const template = sampleBatch().paymentGroups[0]?.payments[0];
    if (!template) throw new Error('fixture has no payment');
    const id = fc.oneof(
      fc.constantFrom('A', 'B', 'AB', 'BA', 'ENV-1', 'ENV-10', 'ENV-01'),
      fc.stringMatching(/^[A-Z0-9]{1,6}$/),
      fc.constant(undefined as unknown as string),
    );
    fc.assert(
      fc.property(
        // Empty groups (an issue of their own) shift the positions of the groups after them.
        fc.array(fc.array(fc.tuple(id, fc.option(id, { nil: undefined })), { minLength: 0, maxLength: 30 }), {
          minLength: 1,
          maxLength: 4,
        }),
        (groups) => {
          const base = sampleBatch();
          const batch: Pain001Batch = {
            ...base,
            paymentGroups: groups.map((payments, g) => ({
              ...(base.paymentGroups[0] as Pain001Batch['paymentGroups'][number]),
              paymentInformationId: `G${g}`,
              payments: payments.map(([endToEndId, instructionId]) => {
                const { instructionId: _, ...rest } = template;
                return instructionId === undefined
                  ? { ...rest, endToEndId }
                  : { ...rest, endToEndId, instructionId };
              }),
            })),
          };
          expect(duplicatesIn(batch)).toEqual(expectedDuplicates(batch));
        },
      ),
      { numRuns: 300 },
    );
  });

  /** `result[i]` is 1 when `values[i]` repeats an earlier value (undefined skipped when asked). */
  const markRepeats = (values: readonly unknown[], skipUndefined = false) => {
    const finder = new RepeatFinder(values.length, (at) => values[at]);
    values.forEach((value, at) => {
      finder.set(at, value, skipUndefined);
    });
    return finder.find();
  };

  it('RepeatFinder marks exactly what a Set has seen before, over many buckets (property)', () => {
    const value = fc.oneof(
      // A pool small enough for many repeats; long arrays spread it over several hash buckets.
      fc.integer({ min: 0, max: 400 }).map((n) => `ID-${n}`),
      fc.constantFrom<unknown>('', undefined, null, 7, Number.NaN, 0, -0, '7'),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(value, { maxLength: 40 }),
          fc.array(value, { minLength: 500, maxLength: 3000, size: 'max' }),
        ),
        fc.boolean(),
        (values, skipUndefined) => {
          const reference = new Set<unknown>();
          const expected = values.map((v) => {
            if (skipUndefined && v === undefined) return 0;
            const seen = reference.has(v);
            reference.add(v);
            return seen ? 1 : 0;
          });
          expect([...markRepeats(values, skipUndefined)]).toEqual(expected);
        },
      ),
      // Shrinking a 3,000-value counterexample takes minutes; the first one found is reported as is.
      { numRuns: 200, endOnFailure: true },
    );
  });

  it('RepeatFinder keeps the first of 100,000 ids and marks every later copy', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => `E2E-${i % 60_000}`);
    const marked = markRepeats(values);
    expect(marked.subarray(0, 60_000).every((m) => m === 0)).toBe(true);
    expect(marked.subarray(60_000).every((m) => m === 1)).toBe(true);
  });

  it('finds the one repeat among 20,000 distinct ids', () => {
    const base = sampleBatch();
    const template = base.paymentGroups[0]?.payments[0];
    if (!template) throw new Error('fixture has no payment');
    const payments = Array.from({ length: 20_000 }, (_, i) => ({
      ...template,
      endToEndId: `E2E-${i}`,
      instructionId: `I-${i === 19_999 ? 7 : i}`,
    }));
    const batch = {
      ...base,
      paymentGroups: [{ ...(base.paymentGroups[0] as Pain001Batch['paymentGroups'][number]), payments }],
    };
    expect(duplicatesIn(batch)).toEqual([
      {
        path: 'paymentGroups[0].payments[19999].instructionId',
        message: 'duplicate instruction id "I-7" in the batch',
      },
    ]);
  });
});

const awkwardChar = fc.constantFrom(...'&<>\'"õäöüšžÕÄÖÜŠŽ ßæ€/-?:().,+aZ09\t😀ﬁ'.split(''), '😀');
const awkwardText = (max: number) =>
  fc
    .oneof(
      fc.array(awkwardChar, { minLength: 1, maxLength: max }).map((chars) => chars.join('')),
      fc.string({ minLength: max, maxLength: max, unit: 'grapheme-ascii' }),
      fc.constant('x'.repeat(max)),
    )
    .filter((text) => text.trim() !== '' && /[A-Za-z0-9õäöüšžÕÄÖÜŠŽ]/.test(text));
const idArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9\-?:().,'+]{0,34}$/);
const amountArb = fc.integer({ min: 1, max: 99_999_999_999 });
const paymentArb = fc.record({
  amount: amountArb,
  name: awkwardText(70),
  iban: fc.constantFrom(...IBANS),
  bic: fc.option(fc.constantFrom('EKRDEE22', 'HABAEE2X', 'DEUTDEFF500'), { nil: undefined }),
  remittance: fc.oneof(
    fc.record({ kind: fc.constant('unstructured' as const), text: awkwardText(140) }),
    fc.stringMatching(/^\d{1,19}$/).map((base) => ({ kind: 'structured' as const, reference: base })),
    fc.stringMatching(/^[A-Z0-9]{1,21}$/).map((body) => ({ kind: 'rf' as const, body })),
    fc.constant(undefined),
  ),
});
const batchArb = fc.record({
  messageId: idArb,
  initiatingPartyName: awkwardText(70),
  groups: fc.array(
    fc.record({
      debtorName: awkwardText(70),
      debtorIban: fc.constantFrom(...IBANS),
      serviceLevel: fc.constantFrom('SEPA' as const, 'INST' as const),
      date: fc.date({ min: new Date('2024-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }),
      payments: fc.array(paymentArb, { minLength: 1, maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  policy: fc.constantFrom('sepa-latin' as const, 'sepa-latin-estonian' as const, 'unrestricted' as const),
});

type BatchSpec = typeof batchArb extends fc.Arbitrary<infer T> ? T : never;

async function toBatch(spec: BatchSpec): Promise<Pain001Batch> {
  const { createEstonianReference, createRfReference } = await import('#shared/domain/reference.ts');
  let n = 0;
  return {
    messageId: spec.messageId,
    createdAt: '2025-03-14T09:30:00.123Z',
    initiatingPartyName: spec.initiatingPartyName,
    paymentGroups: spec.groups.map((group, g) => ({
      paymentInformationId: `PI-${g}`,
      debtor: { name: group.debtorName, iban: group.debtorIban },
      requestedExecutionDate: group.date.toISOString().slice(0, 10),
      serviceLevel: group.serviceLevel,
      payments: group.payments.map((payment) => {
        n++;
        const remittance =
          payment.remittance === undefined
            ? undefined
            : payment.remittance.kind === 'rf'
              ? { kind: 'structured' as const, reference: createRfReference(payment.remittance.body) }
              : payment.remittance.kind === 'structured'
                ? {
                    kind: 'structured' as const,
                    reference: createEstonianReference(payment.remittance.reference),
                  }
                : payment.remittance;
        return {
          endToEndId: `E2E-${n}`,
          instructionId: `I-${n}`,
          amount: { minor: payment.amount, currency: 'EUR' },
          creditor: {
            name: payment.name,
            iban: payment.iban,
            ...(payment.bic ? { bic: payment.bic } : {}),
          },
          ...(remittance ? { remittance } : {}),
        };
      }),
    })),
  };
}

// The writer before it encoded straight into the output buffer (template strings), kept as an oracle.
function agentOracle(bic: string | undefined, v09: boolean): string {
  if (bic === undefined) return '<FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId>';
  return v09
    ? `<FinInstnId><BICFI>${bic}</BICFI></FinInstnId>`
    : `<FinInstnId><BIC>${bic}</BIC></FinInstnId>`;
}
function transactionOracle(payment: Pain001Batch['paymentGroups'][number]['payments'][number], v09: boolean) {
  const escapeText = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const instruction =
    payment.instructionId === undefined ? '' : `<InstrId>${payment.instructionId}</InstrId>`;
  const creditor = payment.creditor;
  const creditorAgent =
    creditor.bic === undefined ? '' : `<CdtrAgt>${agentOracle(creditor.bic, v09)}</CdtrAgt>`;
  const remittance = payment.remittance;
  const remittanceXml =
    remittance === undefined
      ? ''
      : remittance.kind === 'unstructured'
        ? `<RmtInf><Ustrd>${escapeText(remittance.text)}</Ustrd></RmtInf>`
        : `<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>${remittance.reference.startsWith('RF') ? '<Issr>ISO</Issr>' : ''}</Tp><Ref>${remittance.reference}</Ref></CdtrRefInf></Strd></RmtInf>`;
  const cents = String(payment.amount.minor).padStart(3, '0');
  const amount = `${cents.slice(0, -2)}.${cents.slice(-2)}`;
  return `<CdtTrfTxInf><PmtId>${instruction}<EndToEndId>${payment.endToEndId}</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">${amount}</InstdAmt></Amt>${creditorAgent}<Cdtr><Nm>${escapeText(creditor.name)}</Nm></Cdtr><CdtrAcct><Id><IBAN>${creditor.iban}</IBAN></Id></CdtrAcct>${remittanceXml}</CdtTrfTxInf>`;
}

describe('pain.001 writer', () => {
  for (const version of VERSIONS) {
    it(`writes every transaction byte for byte like the template oracle (${version}, property)`, async () => {
      const specs = fc.sample(batchArb, { numRuns: 300, seed: 20251129 });
      for (const spec of specs) {
        const batch = await toBatch(spec);
        const built = buildPain001(batch, { version, characterPolicy: { kind: spec.policy } });
        const v09 = version === 'pain.001.001.09';
        const written = [...built.xml.matchAll(/<CdtTrfTxInf>.*?<\/CdtTrfTxInf>/gs)].map((m) => m[0]);
        const normalised = normalizePain001Batch(batch, { kind: spec.policy }, version);
        const expected = normalised.paymentGroups.flatMap((group) =>
          group.payments.map((payment) => transactionOracle(payment, v09)),
        );
        expect(written).toEqual(expected);
      }
    });
  }

  it('reports exactly the issues normalizePain001Batch reports, in the same order (property)', () => {
    // Each field is usually valid and now and then one of the ways it can be wrong.
    const mostly = <T>(valid: T, ...wrong: T[]) =>
      fc.oneof(
        { arbitrary: fc.constant(valid), weight: 12 },
        { arbitrary: fc.constantFrom(...wrong), weight: 1 },
      );
    const bad = {
      id: fc.oneof(
        { arbitrary: fc.stringMatching(/^[A-Z]{1,3}$/), weight: 12 },
        {
          arbitrary: fc.constantFrom('', 'has space', 'x'.repeat(36), 'a//b', 'Ω', 7 as unknown as string),
          weight: 1,
        },
      ),
      iban: mostly('EE382200221020145685', 'EE382200221020145686', '', 'XX00'),
      bic: mostly<string | undefined>(undefined, 'EKRDEE22', 'NOTABIC!', ''),
      name: mostly('Õun OÜ', '', '😀', 'x'.repeat(71), 42 as unknown as string),
      minor: mostly(1250, 0, -5, 1.5, 99_999_999_999, 100_000_000_000, Number.NaN, '7' as unknown as number),
      currency: mostly('EUR', 'USD'),
      remittance: mostly<unknown>(
        { kind: 'structured', reference: '1234561' },
        undefined,
        { kind: 'structured', reference: '1234562' },
        { kind: 'unstructured', text: 'Arve 1' },
        { kind: 'unstructured', text: '' },
        { kind: 'other' },
      ),
      date: mostly('2025-03-14', '2025-02-30', 'soon'),
      level: mostly('SEPA', 'INST', 'FAST'),
    };
    const paymentArb = fc.record({
      endToEndId: bad.id,
      instructionId: fc.option(bad.id, { nil: undefined }),
      amount: fc.record({ minor: bad.minor, currency: bad.currency }),
      creditor: fc.record(
        { name: bad.name, iban: bad.iban, bic: bad.bic },
        { requiredKeys: ['name', 'iban'] },
      ),
      remittance: bad.remittance,
    });
    const batchArb = fc.record({
      messageId: bad.id,
      createdAt: mostly('2025-03-14T09:30:00Z', 'yesterday'),
      initiatingPartyName: bad.name,
      paymentGroups: fc.array(
        fc.record({
          paymentInformationId: bad.id,
          debtor: fc.record(
            { name: bad.name, iban: bad.iban, bic: bad.bic },
            { requiredKeys: ['name', 'iban'] },
          ),
          requestedExecutionDate: bad.date,
          serviceLevel: bad.level,
          payments: fc.array(paymentArb, { minLength: 1, maxLength: 4 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    });
    const outcome = (run: () => unknown) => {
      try {
        run();
        return 'ok';
      } catch (error) {
        if (!(error instanceof Iso20022BuildError)) throw error;
        return JSON.stringify([error.messageType, error.issues]);
      }
    };
    let valid = 0;
    fc.assert(
      fc.property(batchArb, (spec) => {
        const batch = spec as unknown as Pain001Batch;
        const built = outcome(() => buildPain001(batch, { version: 'pain.001.001.09' }));
        expect(built).toBe(outcome(() => normalizePain001Batch(batch, undefined, 'pain.001.001.09')));
        if (built === 'ok') valid++;
      }),
      { numRuns: 600 },
    );
    // Most random batches are invalid somewhere; a few must get through to exercise the success path too.
    expect(valid).toBeGreaterThan(20);
  });

  it('returns the UTF-8 body as bytes and the same document as text', () => {
    for (const kind of ['sepa-latin', 'unrestricted'] as const) {
      const built = buildPain001(sampleBatch(), { version: 'pain.001.001.09', characterPolicy: { kind } });
      expect(built.bytes.equals(Buffer.from(built.xml, 'utf8'))).toBe(true);
      // Only the unrestricted policy keeps non-ASCII letters.
      expect(built.xml.includes('Õun')).toBe(kind === 'unrestricted');
      expect(built.xml).toBe(built.xml);
    }
  });

  it('writes amounts at the edges exactly', async () => {
    for (const minor of [1, 9, 10, 99, 100, 101, 999, 1000, 123_456_789, 99_999_999_999]) {
      const batch = sampleBatch();
      const payment = batch.paymentGroups[0]?.payments[0];
      if (!payment) throw new Error('fixture has no payment');
      payment.amount = { minor, currency: 'EUR' };
      const { xml } = buildPain001(batch, { version: 'pain.001.001.09' });
      const cents = String(minor).padStart(3, '0');
      expect(xml).toContain(`<InstdAmt Ccy="EUR">${cents.slice(0, -2)}.${cents.slice(-2)}</InstdAmt>`);
    }
  });
});

describe.skipIf(!corpusAvailable)('pain.001 against the official XSDs', () => {
  for (const version of VERSIONS) {
    it(`fixture batch is XSD-valid as ${version} under every character policy`, async () => {
      for (const kind of ['sepa-latin', 'sepa-latin-estonian', 'unrestricted'] as const) {
        const { xml } = buildPain001(sampleBatch(), { version, characterPolicy: { kind } });
        const result = await validateAgainstXsd(xml, xsdDir);
        expect(result.errors, kind).toEqual([]);
      }
    });
  }

  for (const version of VERSIONS) {
    it(`random batches with awkward text round-trip exactly through ${version}`, async () => {
      const specs = fc.sample(batchArb, { numRuns: 200, seed: 20250314 });
      for (const spec of specs) {
        const batch = await toBatch(spec);
        const built = buildPain001(batch, { version, characterPolicy: { kind: spec.policy } });
        const {
          version: parsedVersion,
          numberOfTransactions,
          controlSum,
          ...roundTrip
        } = parsePain001(built.xml);
        expect(parsedVersion).toBe(version);
        expect(numberOfTransactions).toBe(built.numberOfTransactions);
        expect(controlSum).toBe(built.controlSum);
        // What was written is what validation and the character policy made of the input.
        expect(roundTrip).toEqual(normalizePain001Batch(batch, { kind: spec.policy }, version));
        expect(built.batch).toEqual(roundTrip);
      }
    });

    it(`random batches with awkward text are XSD-valid ${version}`, async () => {
      // One xmllint run validates many documents: far cheaper than instantiating libxml2 per case.
      await fc.assert(
        fc.asyncProperty(fc.array(batchArb, { minLength: 25, maxLength: 25 }), async (specs) => {
          const documents: string[] = [];
          for (const spec of specs) {
            documents.push(
              buildPain001(await toBatch(spec), { version, characterPolicy: { kind: spec.policy } }).xml,
            );
          }
          const results = await validateManyAgainstXsd(documents, version, xsdDir);
          expect(results).toEqual([]);
        }),
        { numRuns: 4 },
      );
    }, 120_000);
  }
});

describe.skipIf(!corpusAvailable)('pain.001 samples from the corpus', () => {
  it.each(samples('pain001').map((s) => [s.name, s.xml]))('%s parses', (_name, xml) => {
    const parsed = parsePain001(xml);
    expect(parsed.paymentGroups.length).toBeGreaterThan(0);
    // (One sample states NbOfTxs 1 in GrpHdr but carries 2 transactions: we read what is there.)
    expect(parsed.paymentGroups.flatMap((group) => group.payments).length).toBeGreaterThan(0);
    for (const group of parsed.paymentGroups) {
      for (const payment of group.payments) {
        expect(Number.isSafeInteger(payment.amount.minor)).toBe(true);
        expect(payment.endToEndId).not.toBe('');
      }
    }
  });

  it('keeps leading zeros and exact amounts from the Estonian sample', () => {
    const sample = samples('pain001').find((s) => s.name.includes('tuleva-ee'));
    if (!sample) return;
    const parsed = parsePain001(sample.xml);
    const payment = parsed.paymentGroups[0]?.payments[0];
    expect(parsed.version).toBe('pain.001.001.09');
    expect(payment?.creditor.iban).toMatch(/^EE\d{18}$/);
    expect(sample.xml).toContain(
      `>${(payment?.amount.minor ?? 0) / 100}`.replace(/\.(\d)$/, '.$10').slice(0, 3),
    );
  });
});
