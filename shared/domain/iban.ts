// IBAN and BIC validation. The checksum and per-country length rules come from ibantools (well kept,
// dependency free); we add normalisation, the ISO 20022 BIC patterns and error messages with the value.

import {
  electronicFormatIBAN,
  isSEPACountry,
  isValidBIC,
  ValidationErrorsIBAN,
  validateIBAN,
} from 'ibantools';

export type IbanCheck = { ok: true; iban: string } | { ok: false; reason: string };

/** Removes spaces and upper-cases ("ee38 2200 ..." → "EE382200..."). Does not validate. */
export function normalizeIban(input: string): string {
  return (electronicFormatIBAN(input) ?? '').toUpperCase();
}

const IBAN_REASONS: Partial<Record<number, string>> = {
  [ValidationErrorsIBAN.NoIBANProvided]: 'no IBAN given',
  [ValidationErrorsIBAN.NoIBANCountry]: 'unknown IBAN country',
  [ValidationErrorsIBAN.WrongBBANLength]: 'wrong length for the country',
  [ValidationErrorsIBAN.WrongBBANFormat]: 'wrong account format for the country',
  [ValidationErrorsIBAN.ChecksumNotNumber]: 'check digits are not numeric',
  [ValidationErrorsIBAN.WrongIBANChecksum]: 'check digits do not match (mistyped IBAN?)',
  [ValidationErrorsIBAN.WrongAccountBankBranchChecksum]: 'national check digit does not match',
  [ValidationErrorsIBAN.QRIBANNotAllowed]: 'QR-IBAN not allowed',
};

// Batches repeat the same accounts; validation is pure, so a small cache saves most of the work.
const ibanCache = new Map<string, IbanCheck>();

/** Validates an IBAN (normalising spaces and case first) and returns the electronic form or a reason. */
export function checkIban(input: string): IbanCheck {
  const cached = ibanCache.get(input);
  if (cached) return cached;
  const result = checkIbanUncached(input);
  if (ibanCache.size >= 10_000) ibanCache.clear();
  ibanCache.set(input, result);
  return result;
}

function checkIbanUncached(input: string): IbanCheck {
  const iban = normalizeIban(input);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/.test(iban)) {
    return { ok: false, reason: 'not an IBAN (2 letters, 2 check digits, up to 30 letters or digits)' };
  }
  const result = validateIBAN(iban);
  if (result.valid) return { ok: true, iban };
  const first = result.errorCodes[0];
  return { ok: false, reason: (first === undefined ? undefined : IBAN_REASONS[first]) ?? 'invalid IBAN' };
}

export function isValidIban(input: string): boolean {
  return checkIban(input).ok;
}

/** True when the IBAN's country belongs to the SEPA scheme. */
export function isSepaIban(iban: string): boolean {
  return isSEPACountry(normalizeIban(iban).slice(0, 2));
}

/** Estonian bank code (digits 5–6 of an EE IBAN), e.g. "42" for Coop Pank; undefined for other countries. */
export function estonianBankCode(iban: string): string | undefined {
  const normalized = normalizeIban(iban);
  return normalized.startsWith('EE') && normalized.length === 20 ? normalized.slice(4, 6) : undefined;
}

// BIC patterns of both pain.001 versions: .03 BICIdentifier and .09 BICFIDec2014Identifier. A BIC we
// emit must satisfy both, so either version of the message is valid.
const BIC_2009 = /^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$/;
const BIC_2014 = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;

export type BicCheck = { ok: true; bic: string } | { ok: false; reason: string };

const bicCache = new Map<string, BicCheck>();

export function checkBic(input: string): BicCheck {
  const cached = bicCache.get(input);
  if (cached) return cached;
  const result = checkBicUncached(input);
  if (bicCache.size >= 10_000) bicCache.clear();
  bicCache.set(input, result);
  return result;
}

function checkBicUncached(input: string): BicCheck {
  const bic = input.replace(/\s+/g, '').toUpperCase();
  if (!BIC_2009.test(bic) || !BIC_2014.test(bic)) {
    return { ok: false, reason: 'not a BIC (8 or 11 characters: bank, country, location, branch)' };
  }
  if (!isValidBIC(bic)) return { ok: false, reason: 'unknown country code in BIC' };
  return { ok: true, bic };
}

export function isValidBic(input: string): boolean {
  return checkBic(input).ok;
}

/** Masks an IBAN for logs: country, check digits and the last four characters ("EE38************1234"). */
export function maskIban(iban: string): string {
  const normalized = normalizeIban(iban);
  if (normalized.length <= 8) return '*'.repeat(normalized.length);
  return `${normalized.slice(0, 4)}${'*'.repeat(normalized.length - 8)}${normalized.slice(-4)}`;
}
