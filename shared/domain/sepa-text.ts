// SEPA text rules: field lengths, the identifier charset, and a configurable character policy that either
// transliterates to the EPC basic Latin set (the safe default for an unknown bank) or keeps Estonian letters.

/**
 * - `sepa-latin`: EPC basic Latin set `a-z A-Z 0-9 / - ? : ( ) . , ' +` and space; everything else is
 *   transliterated (õ→o, ä→a, š→s, ß→ss, & → +) or replaced by a space.
 * - `sepa-latin-estonian`: the same, but keeps õ ä ö ü š ž and their capitals.
 * - `unrestricted`: keeps every character XML 1.0 allows (escaping is the writer's job).
 */
export type CharacterPolicy =
  | { kind: 'sepa-latin' }
  | { kind: 'sepa-latin-estonian' }
  | { kind: 'unrestricted' };

export const DEFAULT_CHARACTER_POLICY: CharacterPolicy = { kind: 'sepa-latin' };

/** Maximum lengths (characters) from the EPC SEPA Credit Transfer implementation guidelines. */
export const SEPA_LIMITS = {
  name: 70,
  unstructuredRemittance: 140,
  identifier: 35,
  reference: 35,
} as const;

const SEPA_BASIC = /^[A-Za-z0-9/\-?:().,'+ ]*$/;
const ESTONIAN_LETTERS = 'õäöüšžÕÄÖÜŠŽ';

const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'SS',
  Æ: 'AE',
  æ: 'ae',
  Œ: 'OE',
  œ: 'oe',
  Ø: 'O',
  ø: 'o',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Þ: 'TH',
  þ: 'th',
  Ð: 'D',
  ð: 'd',
  ı: 'i',
};

const SYMBOLS: Readonly<Record<string, string>> = {
  '&': '+',
  '<': '(',
  '>': ')',
  '[': '(',
  ']': ')',
  '{': '(',
  '}': ')',
  '"': "'",
  '`': "'",
  '‘': "'",
  '’': "'",
  '“': "'",
  '”': "'",
  '„': "'",
  '«': "'",
  '»': "'",
  '–': '-',
  '—': '-',
  _: '-',
  '\\': '/',
  ';': ',',
  '!': '.',
  '*': '.',
};

/** Removes characters XML 1.0 forbids (controls, lone surrogates, U+FFFE/FFFF); tabs/newlines become spaces. */
export function stripXmlInvalid(text: string): string {
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

const NON_BASIC = /[^A-Za-z0-9/\-?:().,'+ ]/gu;
const BASIC_CACHE = new Map<string, string>();
const ESTONIAN_CACHE = new Map<string, string>();

function transliterateChar(char: string, keepEstonian: boolean): string {
  if (SEPA_BASIC.test(char)) return char;
  if (keepEstonian && ESTONIAN_LETTERS.includes(char)) return char;
  const special = SPECIAL_LETTERS[char];
  if (special !== undefined) return special;
  const symbol = SYMBOLS[char];
  if (symbol !== undefined) return symbol;
  const stripped = char.normalize('NFD').replace(/\p{M}+/gu, '');
  if (stripped.length > 0 && SEPA_BASIC.test(stripped)) return stripped;
  return ' ';
}

/**
 * Applies the policy to free text (names, remittance): strips XML-invalid characters, transliterates
 * when the policy asks for it, collapses runs of whitespace and trims (parsers trim, so this keeps
 * round trips exact).
 */
export function applyCharacterPolicy(
  text: string,
  policy: CharacterPolicy = DEFAULT_CHARACTER_POLICY,
): string {
  let out = stripXmlInvalid(text.normalize('NFC'));
  if (policy.kind !== 'unrestricted') {
    const keepEstonian = policy.kind === 'sepa-latin-estonian';
    const cache = keepEstonian ? ESTONIAN_CACHE : BASIC_CACHE;
    out = out.replace(NON_BASIC, (char) => {
      let mapped = cache.get(char);
      if (mapped === undefined) {
        mapped = transliterateChar(char, keepEstonian);
        if (cache.size < 5_000) cache.set(char, mapped);
      }
      return mapped;
    });
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** True when the text already satisfies the policy (nothing would change). */
export function conformsToPolicy(text: string, policy: CharacterPolicy): boolean {
  return applyCharacterPolicy(text, policy) === text;
}

/** Length in characters as XML Schema counts them (code points, not UTF-16 units). */
export function textLength(text: string): number {
  if (!/[\ud800-\udbff]/.test(text)) return text.length;
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Cuts to at most `max` code points (never splits a surrogate pair) and trims the end. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join('').trimEnd();
}

/**
 * Checks a SEPA identifier (MsgId, PmtInfId, EndToEndId, InstrId): 1–35 characters of the basic Latin set,
 * not starting or ending with '/' or a space, no '//'. Returns a reason or undefined when fine.
 */
export function identifierProblem(id: string): string | undefined {
  if (id.length === 0) return 'must not be empty';
  if (id.length > SEPA_LIMITS.identifier) return `must be at most ${SEPA_LIMITS.identifier} characters`;
  if (!SEPA_BASIC.test(id)) return "may contain only A-Z a-z 0-9 / - ? : ( ) . , ' + and space";
  if (id.startsWith('/') || id.endsWith('/')) return "must not start or end with '/'";
  if (id.includes('//')) return "must not contain '//'";
  if (id !== id.trim()) return 'must not start or end with a space';
  return undefined;
}

export function isSepaBasicText(text: string): boolean {
  return SEPA_BASIC.test(text);
}
