import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyCharacterPolicy,
  applyCharacterPolicyGeneral,
  type CharacterPolicy,
  identifierProblem,
  isSepaBasicText,
  stripXmlInvalid,
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

describe('SEPA text fast paths agree with the general algorithm', () => {
  /** The original `stripXmlInvalid` (before its fast path), kept verbatim as an oracle. */
  function stripXmlInvalidOriginal(text: string): string {
    let out = '';
    for (const char of text) {
      const code = char.codePointAt(0) ?? 0;
      if (code === 0x9 || code === 0xa || code === 0xd) out += ' ';
      else if (
        (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0xfffd) ||
        (code >= 0x10000 && code <= 0x10ffff)
      ) {
        out += char;
      }
    }
    return out;
  }

  // Units that exercise every branch: the basic set, Latin-1/Latin Extended letters, symbols with their own
  // mapping, every kind of whitespace, controls, combining marks (NFC), surrogates (paired and lone),
  // U+FFFE/FFFF and a few letters without any Latin form.
  const interesting = [
    ...'aZ09/-?:().,\'+ &<>"[]{}`_\\;!*#$%@^|~=',
    ...'õäöüšžÕÄÖÜŠŽßẞÆæŒœØøŁłĐđÞþÐðıéÉñçÅåĳſǅ',
    '\t',
    '\n',
    '\r',
    '\u000b',
    '\u000c',
    '\u00a0',
    '\u0085',
    '\u1680',
    '\u2003',
    '\u2028',
    '\u202f',
    '\u3000',
    '\ufeff',
    '\u0000',
    '\u0007',
    '\u001f',
    '\u007f',
    '\u0300',
    '\u0303',
    '\u0308',
    '\u030c',
    '\u0340',
    '\u212b',
    '\u2126',
    '‘',
    '’',
    '“',
    '„',
    '«',
    '–',
    '—',
    'Ω',
    'Ж',
    '中',
    '😀',
    '\ud83d',
    '\ude00',
    '\ufffe',
    '\uffff',
  ];
  const awkwardText = fc.oneof(
    fc.array(fc.constantFrom(...interesting), { maxLength: 40 }).map((units) => units.join('')),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.string({ unit: fc.integer({ min: 0, max: 0x2ff }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  );
  const policies: CharacterPolicy[] = [
    { kind: 'sepa-latin' },
    { kind: 'sepa-latin-estonian' },
    { kind: 'unrestricted' },
  ];

  it('every UTF-16 unit below U+0300 is already NFC (the fast path skips normalisation)', () => {
    for (let code = 0; code < 0x300; code++) {
      const char = String.fromCharCode(code);
      expect(char.normalize('NFC')).toBe(char);
    }
  });

  it('applyCharacterPolicy equals the general algorithm for every policy', () => {
    fc.assert(
      fc.property(awkwardText, fc.constantFrom(...policies), (text, policy) => {
        expect(applyCharacterPolicy(text, policy)).toBe(applyCharacterPolicyGeneral(text, policy));
      }),
      { numRuns: 3000 },
    );
  });

  it('stripXmlInvalid equals the original implementation', () => {
    fc.assert(
      fc.property(awkwardText, (text) => {
        expect(stripXmlInvalid(text)).toBe(stripXmlInvalidOriginal(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('identifierProblem and isSepaBasicText equal their regex definitions', () => {
    const basic = /^[A-Za-z0-9/\-?:().,'+ ]*$/;
    const original = (id: string): string | undefined => {
      if (id.length === 0) return 'must not be empty';
      if (id.length > 35) return 'must be at most 35 characters';
      if (!basic.test(id)) return "may contain only A-Z a-z 0-9 / - ? : ( ) . , ' + and space";
      if (id.startsWith('/') || id.endsWith('/')) return "must not start or end with '/'";
      if (id.includes('//')) return "must not contain '//'";
      if (id !== id.trim()) return 'must not start or end with a space';
      return undefined;
    };
    const idText = fc.oneof(
      fc.array(fc.constantFrom(...'ab09/ -?:+_Õ\t'), { maxLength: 38 }).map((units) => units.join('')),
      awkwardText,
    );
    fc.assert(
      fc.property(idText, (id) => {
        expect(identifierProblem(id)).toBe(original(id));
        expect(isSepaBasicText(id)).toBe(basic.test(id));
      }),
      { numRuns: 3000 },
    );
  });
});
