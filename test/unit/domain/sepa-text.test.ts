import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyCharacterPolicy,
  identifierProblem,
  isSepaBasicText,
  textLength,
  truncateText,
} from '#shared/domain/sepa-text.ts';

describe('SEPA text rules', () => {
  it('transliterates Estonian and other letters to the basic Latin set', () => {
    expect(applyCharacterPolicy('Õun Äär Öö Üks Šokk Žürii', { kind: 'sepa-latin' })).toBe(
      'Oun Aar Oo Uks Sokk Zurii',
    );
    expect(applyCharacterPolicy('Straße Ærø Łódź', { kind: 'sepa-latin' })).toBe('Strasse AEro Lodz');
    expect(applyCharacterPolicy('A & B <C> "D"', { kind: 'sepa-latin' })).toBe("A + B (C) 'D'");
  });

  it('keeps Estonian letters when the policy allows them', () => {
    expect(applyCharacterPolicy('Õun & Šokk ß', { kind: 'sepa-latin-estonian' })).toBe('Õun + Šokk ss');
    expect(applyCharacterPolicy('Õun & <Šokk>', { kind: 'unrestricted' })).toBe('Õun & <Šokk>');
  });

  it('removes characters XML cannot carry and collapses whitespace', () => {
    expect(applyCharacterPolicy('a\u0000b\u0007\tc\n\n d  ', { kind: 'unrestricted' })).toBe('ab c d');
  });

  it('strict policy output is always in the SEPA basic set', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        expect(isSepaBasicText(applyCharacterPolicy(text, { kind: 'sepa-latin' }))).toBe(true);
      }),
    );
  });

  it('checks identifiers', () => {
    expect(identifierProblem('ENV-B0001-P1')).toBeUndefined();
    expect(identifierProblem('')).toMatch(/empty/);
    expect(identifierProblem('x'.repeat(36))).toMatch(/35/);
    expect(identifierProblem('/abc')).toMatch(/start or end/);
    expect(identifierProblem('a//b')).toMatch(/'\/\/'/);
    expect(identifierProblem('a_b')).toMatch(/may contain only/);
    expect(identifierProblem('Õ1')).toMatch(/may contain only/);
  });

  it('counts and truncates by code points', () => {
    expect(textLength('😀a')).toBe(2);
    expect(truncateText('😀😀😀', 2)).toBe('😀😀');
  });
});
