import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMoney,
  currencyExponent,
  decimalSum,
  formatDecimal,
  MoneyError,
  money,
  parseDecimal,
  sumMoney,
} from '#shared/domain/money.ts';

/** `parseDecimal` as it was before its plain-decimal fast path, kept verbatim as an oracle. */
function parseDecimalOracle(
  text: string,
  currency: string,
  rules: { allowZero?: boolean; allowNegative?: boolean } = {},
) {
  const exponent = currencyExponent(currency);
  const trimmed = text.trim();
  const match = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(trimmed);
  if (!match) throw new MoneyError(`"${text}" is not a decimal amount`, text);
  const sign = match[1] === '-' ? -1 : 1;
  const whole = match[2] ?? '0';
  let fraction = match[3] ?? '';
  if (fraction.length > exponent) {
    const extra = fraction.slice(exponent);
    if (/[^0]/.test(extra)) {
      throw new MoneyError(
        `"${text}" has more than ${exponent} fraction digits, which ${currency} does not allow`,
        text,
      );
    }
    fraction = fraction.slice(0, exponent);
  }
  const digits = (whole + fraction.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 15 && BigInt(digits) > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MoneyError(`"${text}" ${currency} is too large`, text);
  }
  const minor = sign * Number(digits);
  const normalised = Object.is(minor, -0) ? 0 : minor;
  return money(normalised, currency, rules);
}

describe('money', () => {
  it('knows currency exponents: EUR 2, JPY 0, BHD 3', () => {
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('BHD')).toBe(3);
    expect(() => currencyExponent('EURO')).toThrow(MoneyError);
    expect(() => currencyExponent('XYZ')).toThrow(/unknown currency/);
  });

  it('parses decimal strings exactly, without floating point', () => {
    expect(parseDecimal('0.29', 'EUR')).toEqual({ minor: 29, currency: 'EUR' });
    expect(parseDecimal('1234.5', 'EUR').minor).toBe(123450);
    expect(parseDecimal('100', 'EUR').minor).toBe(10000);
    expect(parseDecimal('12.500', 'EUR').minor).toBe(1250);
    expect(parseDecimal('1.005', 'BHD').minor).toBe(1005);
    expect(parseDecimal('1500', 'JPY').minor).toBe(1500);
    expect(parseDecimal(' 0042.10 ', 'EUR').minor).toBe(4210);
    expect(parseDecimal('90071992547409.91', 'EUR').minor).toBe(9007199254740991);
  });

  it('refuses too many fraction digits, signs, zero and garbage where not allowed', () => {
    expect(() => parseDecimal('1.005', 'EUR')).toThrow(/more than 2 fraction digits/);
    expect(() => parseDecimal('1.5', 'JPY')).toThrow(/more than 0 fraction digits/);
    expect(() => parseDecimal('-1.00', 'EUR')).toThrow(/negative/);
    expect(parseDecimal('-1.00', 'EUR', { allowNegative: true }).minor).toBe(-100);
    expect(() => parseDecimal('0.00', 'EUR', { allowZero: false })).toThrow(/greater than zero/);
    for (const bad of ['', '1,00', '1e3', 'abc', '.5', '1.2.3', '90071992547409.92']) {
      expect(() => parseDecimal(bad, 'EUR'), bad).toThrow(MoneyError);
    }
  });

  it('parses plain decimals on its fast path exactly as the general parser does (property)', () => {
    const digits = (max: number) => fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), maxLength: max });
    // Mostly well-formed decimals of every length around the limits, sometimes noise.
    const text = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('', '', '-', '+', ' '),
          digits(18),
          fc.option(digits(6)),
          fc.constantFrom('', '', ' '),
        )
        .map(
          ([sign, whole, fraction, tail]) =>
            `${sign}${whole}${fraction === null ? '' : `.${fraction}`}${tail}`,
        ),
      fc
        .array(fc.constantFrom('0', '1', '.', '-', ' ', 'e', '9007199254740993'), { maxLength: 6 })
        .map((parts) => parts.join('')),
    );
    const outcome = (run: () => unknown) => {
      try {
        return JSON.stringify(run());
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    };
    fc.assert(
      fc.property(
        text,
        fc.constantFrom('EUR', 'JPY', 'BHD', 'CLF', 'XYZ', ''),
        fc.record({ allowZero: fc.boolean(), allowNegative: fc.boolean() }, { requiredKeys: [] }),
        (value, currency, rules) => {
          expect(outcome(() => parseDecimal(value, currency, rules))).toBe(
            outcome(() => parseDecimalOracle(value, currency, rules)),
          );
        },
      ),
      { numRuns: 3000 },
    );
    for (const value of [
      '0',
      '0.00',
      '12.',
      '12.5',
      '1.234',
      '1.500',
      '999999999999999',
      '9999999999999.99',
      '0000000000000001.5',
    ]) {
      for (const currency of ['EUR', 'JPY', 'BHD']) {
        expect(outcome(() => parseDecimal(value, currency))).toBe(
          outcome(() => parseDecimalOracle(value, currency)),
        );
      }
    }
  });

  it('formats with exactly the currency exponent', () => {
    expect(formatDecimal({ minor: 29, currency: 'EUR' })).toBe('0.29');
    expect(formatDecimal({ minor: 5, currency: 'BHD' })).toBe('0.005');
    expect(formatDecimal({ minor: 1500, currency: 'JPY' })).toBe('1500');
    expect(formatDecimal({ minor: -12345, currency: 'EUR' })).toBe('-123.45');
  });

  it('round-trips every safe amount through its decimal string', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom('EUR', 'JPY', 'BHD', 'CLF', 'SEK'),
        (minor, currency) => {
          expect(parseDecimal(formatDecimal({ minor, currency }), currency).minor).toBe(minor);
        },
      ),
    );
  });

  it('sums exactly and refuses mixed currencies or overflow', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000_00 }), { minLength: 1, maxLength: 50 }),
        (cents) => {
          const total = sumMoney(
            cents.map((minor) => money(minor, 'EUR')),
            'EUR',
          );
          expect(total.minor).toBe(cents.reduce((a, b) => a + b, 0));
          expect(decimalSum(cents.map((minor) => ({ minor, currency: 'EUR' })))).toBe(formatDecimal(total));
        },
      ),
    );
    expect(() => addMoney(money(1, 'EUR'), money(1, 'SEK'))).toThrow(/cannot add EUR and SEK/);
    expect(() => addMoney(money(Number.MAX_SAFE_INTEGER, 'EUR'), money(1, 'EUR'))).toThrow(/overflows/);
    expect(() => money(1.5, 'EUR')).toThrow(/safe integer/);
  });

  it('sums mixed exponents as a decimal control sum', () => {
    expect(
      decimalSum([
        { minor: 150, currency: 'EUR' },
        { minor: 7, currency: 'JPY' },
        { minor: 1, currency: 'BHD' },
      ]),
    ).toBe('8.501');
  });
});
