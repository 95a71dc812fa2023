import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkBic,
  checkIban,
  estonianBankCode,
  isValidIban,
  maskIban,
  normalizeIban,
} from '#shared/domain/iban.ts';
import {
  checkReference,
  createEstonianReference,
  createRfReference,
  estonianCheckDigit,
  isValidEstonianReference,
  isValidRfReference,
} from '#shared/domain/reference.ts';

describe('IBAN and BIC', () => {
  it('accepts valid IBANs in any spacing and case, returning the electronic form', () => {
    expect(checkIban('ee38 2200 2210 2014 5685')).toEqual({ ok: true, iban: 'EE382200221020145685' });
    expect(isValidIban('DE89370400440532013000')).toBe(true);
    expect(normalizeIban(' fi21 1234 5600 0007 85 ')).toBe('FI2112345600000785');
  });

  it('explains why an IBAN is invalid', () => {
    expect(checkIban('EE382200221020145686')).toMatchObject({ ok: false });
    expect(checkIban('EE38220022102014568')).toEqual({ ok: false, reason: 'wrong length for the country' });
    expect(checkIban('DE89370400440532013001')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/check/),
    });
    expect(checkIban('hello')).toMatchObject({ ok: false, reason: expect.stringMatching(/not an IBAN/) });
  });

  it('detects any single-digit typo in an IBAN', () => {
    const iban = 'EE382200221020145685';
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: iban.length - 1 }),
        fc.integer({ min: 1, max: 9 }),
        (position, delta) => {
          const digit = (Number(iban[position]) + delta) % 10;
          const typo = `${iban.slice(0, position)}${digit}${iban.slice(position + 1)}`;
          expect(isValidIban(typo)).toBe(false);
        },
      ),
    );
  });

  it('reads the Estonian bank code and masks IBANs for logs', () => {
    expect(estonianBankCode('EE471000001020145685')).toBe('10');
    expect(estonianBankCode('DE89370400440532013000')).toBeUndefined();
    expect(maskIban('EE382200221020145685')).toBe('EE38************5685');
  });

  it('validates BICs against both ISO patterns', () => {
    expect(checkBic('ekrdee22')).toEqual({ ok: true, bic: 'EKRDEE22' });
    expect(checkBic('HABAEE2XXXX')).toEqual({ ok: true, bic: 'HABAEE2XXXX' });
    expect(checkBic('EKRDEE2')).toMatchObject({ ok: false });
    expect(checkBic('EKRDEE22X')).toMatchObject({ ok: false });
    expect(checkBic('EKRD1E22')).toMatchObject({ ok: false });
  });
});

describe('creditor references', () => {
  it('computes the Estonian 7-3-1 check digit', () => {
    expect(createEstonianReference('123')).toBe('1232');
    expect(createEstonianReference('12345')).toBe('123453');
    expect(estonianCheckDigit('123456')).toBe(1);
    expect(isValidEstonianReference('1234561')).toBe(true);
    expect(isValidEstonianReference('1234562')).toBe(false);
    expect(isValidEstonianReference('1')).toBe(false);
    expect(isValidEstonianReference('123456789012345678901')).toBe(false);
  });

  it('every generated Estonian reference validates, and any changed check digit fails', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,19}$/), fc.integer({ min: 1, max: 9 }), (base, delta) => {
        const reference = createEstonianReference(base);
        expect(isValidEstonianReference(reference)).toBe(true);
        const wrong = `${base}${(Number(reference.slice(-1)) + delta) % 10}`;
        expect(isValidEstonianReference(wrong)).toBe(false);
      }),
    );
  });

  it('builds and checks RF references (ISO 11649)', () => {
    expect(createRfReference('539007547034')).toBe('RF18539007547034');
    expect(isValidRfReference('RF18539007547034')).toBe(true);
    expect(isValidRfReference('RF19539007547034')).toBe(false);
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z0-9]{1,21}$/), (body) => {
        expect(isValidRfReference(createRfReference(body))).toBe(true);
      }),
    );
  });

  it('classifies references and explains failures', () => {
    expect(checkReference('RF18 5390 0754 7034')).toEqual({
      ok: true,
      kind: 'rf',
      reference: 'RF18539007547034',
    });
    expect(checkReference('1234561')).toEqual({ ok: true, kind: 'estonian', reference: '1234561' });
    expect(checkReference('1234562')).toMatchObject({ ok: false, reason: expect.stringMatching(/7-3-1/) });
    expect(checkReference('INV-1')).toMatchObject({ ok: false });
  });
});
