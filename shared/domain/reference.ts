// Creditor payment references: the Estonian reference number (viitenumber, 7-3-1 check digit) and the
// international RF creditor reference (ISO 11649, mod 97). Both travel in pain.001 as a structured SCOR
// reference.

export type ReferenceKind = 'estonian' | 'rf';

export type ReferenceCheck =
  | { ok: true; kind: ReferenceKind; reference: string }
  | { ok: false; reason: string };

const WEIGHTS = [7, 3, 1] as const;

/** 7-3-1 check digit for the base digits of an Estonian reference (weights applied right to left). */
export function estonianCheckDigit(base: string): number {
  if (!/^\d{1,19}$/.test(base)) {
    throw new RangeError(`Estonian reference base must be 1 to 19 digits, got "${base}"`);
  }
  let sum = 0;
  for (let i = 0; i < base.length; i++) {
    const digit = base.charCodeAt(base.length - 1 - i) - 48;
    sum += digit * (WEIGHTS[i % 3] ?? 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** Appends the 7-3-1 check digit: `createEstonianReference("123")` → "1232". */
export function createEstonianReference(base: string): string {
  return `${base}${estonianCheckDigit(base)}`;
}

export function isValidEstonianReference(reference: string): boolean {
  if (!/^\d{2,20}$/.test(reference)) return false;
  // estonianCheckDigit(reference.slice(0, -1)) without the slice and the second pattern test.
  const last = reference.length - 1;
  let sum = 0;
  for (let i = 0; i < last; i++) {
    sum += (reference.charCodeAt(last - 1 - i) - 48) * (WEIGHTS[i % 3] ?? 1);
  }
  return (10 - (sum % 10)) % 10 === reference.charCodeAt(last) - 48;
}

/** Remainder mod 97 of an alphanumeric string with letters as 10..35 (ISO 7064 style, chunked). */
function mod97(alphanumeric: string, from = 0, to = alphanumeric.length, start = 0): number {
  let remainder = start;
  for (let i = from; i < to; i++) {
    const code = alphanumeric.charCodeAt(i);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder;
}

/** Builds an RF reference from up to 21 letters/digits: `createRfReference("539007547034")` → "RF18539007547034". */
export function createRfReference(body: string): string {
  const normalized = body.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z0-9]{1,21}$/.test(normalized)) {
    throw new RangeError(`RF reference body must be 1 to 21 letters or digits, got "${body}"`);
  }
  const check = 98 - mod97(`${normalized}RF00`);
  return `RF${String(check).padStart(2, '0')}${normalized}`;
}

export function isValidRfReference(reference: string): boolean {
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(reference)) return false;
  // mod97 of the reference rotated by four characters (body first, then "RFnn").
  return mod97(reference, 0, 4, mod97(reference, 4)) === 1;
}

/** Removes spaces and upper-cases, as people type references with spaces ("RF18 5390 0754 7034"). */
export function normalizeReference(input: string): string {
  return isUpperAlphanumeric(input) ? input : input.replace(/\s+/g, '').toUpperCase();
}

/** True when the text is only A-Z and 0-9 (already normalised). */
function isUpperAlphanumeric(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 90 || (code > 57 && code < 65)) return false;
  }
  return true;
}

/** Validates a creditor reference and tells which kind it is. */
export function checkReference(input: string): ReferenceCheck {
  const reference = normalizeReference(input);
  if (reference.startsWith('RF')) {
    return isValidRfReference(reference)
      ? { ok: true, kind: 'rf', reference }
      : { ok: false, reason: 'RF creditor reference check digits do not match (ISO 11649)' };
  }
  if (/^\d+$/.test(reference)) {
    if (reference.length < 2 || reference.length > 20) {
      return { ok: false, reason: 'Estonian reference number must have 2 to 20 digits' };
    }
    return isValidEstonianReference(reference)
      ? { ok: true, kind: 'estonian', reference }
      : { ok: false, reason: 'Estonian reference number check digit (7-3-1) does not match' };
  }
  return { ok: false, reason: 'not an Estonian reference number (digits) nor an RF creditor reference' };
}
