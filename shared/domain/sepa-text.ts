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
/** 1 for the ASCII units of the EPC basic Latin set (same set as SEPA_BASIC). */
const BASIC_UNITS = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  if (SEPA_BASIC.test(String.fromCharCode(code))) BASIC_UNITS[code] = 1;
}

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
  // Fast path: nothing below U+0020, no surrogate (paired or not) and nothing at U+FFFE/FFFF → unchanged.
  let clean = true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0xd800 && code <= 0xdfff) || code >= 0xfffe) {
      clean = false;
      break;
    }
  }
  if (clean) return text;
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
const WHITESPACE = /\s/;
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
 * The general algorithm behind `applyCharacterPolicy`: NFC, strip, transliterate per code point, collapse
 * whitespace, trim. Exported as the reference the fast path is tested against; use `applyCharacterPolicy`.
 */
export function applyCharacterPolicyGeneral(text: string, policy: CharacterPolicy): string {
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

// Fast path for text whose UTF-16 units are all below U+0300 (Latin-1 + Latin Extended A/B + IPA: every name
// and remittance line we actually see). Such text is already in NFC (the first character NFC changes or
// composes is U+0300) and has no surrogates, so the general algorithm reduces to a per-unit mapping followed
// by whitespace collapsing; the mapping is precomputed per policy from the general algorithm itself, so the
// two cannot disagree (a property test checks it anyway).
const FAST_LIMIT = 0x300;
const UNKNOWN = 0;
/** Unit kept as it is (not whitespace). */
const KEEP = 1;
/** Unit becomes whitespace (collapsed with its neighbours, trimmed at the ends). */
const SPACE = 2;
/** Unit removed (XML-invalid control). */
const DROP = 3;
/** Unit replaced by a non-empty string without whitespace (õ → o, ß → ss). */
const REPLACE = 4;
/** Anything else: use the general algorithm. */
const COMPLEX = 5;

interface UnitTable {
  kinds: Uint8Array;
  pieces: string[];
  policy: CharacterPolicy;
}

function unitTable(policy: CharacterPolicy): UnitTable {
  return { kinds: new Uint8Array(FAST_LIMIT), pieces: new Array<string>(FAST_LIMIT).fill(''), policy };
}

const TABLES = {
  'sepa-latin': unitTable({ kind: 'sepa-latin' }),
  'sepa-latin-estonian': unitTable({ kind: 'sepa-latin-estonian' }),
  unrestricted: unitTable({ kind: 'unrestricted' }),
} as const;

function classify(table: UnitTable, code: number): number {
  const char = String.fromCharCode(code);
  // Run the general algorithm without its final trim on the single unit.
  let piece = stripXmlInvalid(char);
  if (table.policy.kind !== 'unrestricted' && piece !== '') {
    piece = piece.replace(NON_BASIC, (c) =>
      transliterateChar(c, table.policy.kind === 'sepa-latin-estonian'),
    );
  }
  let kind: number;
  if (piece === char && !WHITESPACE.test(char)) kind = KEEP;
  else if (piece === '') kind = DROP;
  else if (/^\s+$/.test(piece)) kind = SPACE;
  else if (!WHITESPACE.test(piece)) kind = REPLACE;
  else kind = COMPLEX;
  table.kinds[code] = kind;
  table.pieces[code] = piece;
  return kind;
}

/** The fast path; undefined when the text needs the general algorithm. */
function applyCharacterPolicyFast(text: string, table: UnitTable): string | undefined {
  const kinds = table.kinds;
  const n = text.length;
  let out = '';
  let runStart = -1; // start of a run of kept units (single inner spaces included) not yet copied to `out`
  let pendingSpace = false;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code >= FAST_LIMIT) return undefined;
    let kind = kinds[code] ?? UNKNOWN;
    if (kind === UNKNOWN) kind = classify(table, code);
    if (kind === KEEP) {
      if (runStart < 0) {
        if (pendingSpace) {
          if (out !== '') out += ' ';
          pendingSpace = false;
        }
        runStart = i;
      }
      continue;
    }
    if (code === 0x20 && runStart >= 0 && i + 1 < n) {
      // A single plain space between kept units stays inside the run.
      const next = text.charCodeAt(i + 1);
      if (next < FAST_LIMIT) {
        let nextKind = kinds[next] ?? UNKNOWN;
        if (nextKind === UNKNOWN) nextKind = classify(table, next);
        if (nextKind === KEEP) {
          i++;
          continue;
        }
      }
    }
    if (runStart >= 0) {
      out += text.slice(runStart, i);
      runStart = -1;
    }
    if (kind === SPACE) {
      pendingSpace = true;
    } else if (kind === REPLACE) {
      if (pendingSpace) {
        if (out !== '') out += ' ';
        pendingSpace = false;
      }
      out += table.pieces[code] ?? '';
    } else if (kind !== DROP) {
      return undefined;
    }
  }
  if (runStart === 0) return text;
  if (runStart > 0) out += text.slice(runStart);
  return out;
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
  const table = TABLES[policy.kind];
  if (table !== undefined) {
    const fast = applyCharacterPolicyFast(text, table);
    if (fast !== undefined) return fast;
  }
  return applyCharacterPolicyGeneral(text, policy);
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
  let doubleSlash = false;
  let previous = 0;
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (code >= 128 || BASIC_UNITS[code] !== 1) {
      return "may contain only A-Z a-z 0-9 / - ? : ( ) . , ' + and space";
    }
    if (code === 0x2f && previous === 0x2f) doubleSlash = true;
    previous = code;
  }
  const first = id.charCodeAt(0);
  const last = id.charCodeAt(id.length - 1);
  if (first === 0x2f || last === 0x2f) return "must not start or end with '/'";
  if (doubleSlash) return "must not contain '//'";
  // Only the space can be trimmed from text in the basic set.
  if (first === 0x20 || last === 0x20) return 'must not start or end with a space';
  return undefined;
}

export function isSepaBasicText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || BASIC_UNITS[code] !== 1) return false;
  }
  return true;
}
