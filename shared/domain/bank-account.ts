// A company's bank account at a supported bank, with the two permissions the company grants per account.
import { checkIban, estonianBankCode } from './iban.ts';

export interface AccountPermissions {
  /** Payments may be initiated from this account. */
  paymentInitiation: boolean;
  /** Daily statements are requested for this account. Never asked for when false. */
  statementRetrieval: boolean;
}

export const noPermissions: AccountPermissions = { paymentInitiation: false, statementRetrieval: false };

/** What a bank account must look like at a given bank: country and national bank codes inside the IBAN. */
export interface BankIbanRule {
  bankName: string;
  country: string;
  bankCodes: readonly string[];
}

/** The problem with using `input` as an account at the bank, or undefined when it is fine. */
export function accountIbanProblem(input: string, rule: BankIbanRule): string | undefined {
  const checked = checkIban(input);
  if (!checked.ok) return `not a valid IBAN: ${checked.reason}`;
  if (!checked.iban.startsWith(rule.country)) {
    return `${rule.bankName} accounts are ${rule.country} IBANs`;
  }
  const code = rule.country === 'EE' ? estonianBankCode(checked.iban) : undefined;
  if (rule.country === 'EE' && (!code || !rule.bankCodes.includes(code))) {
    return `not a ${rule.bankName} account (an ${rule.country} IBAN with bank code ${rule.bankCodes.join(' or ')} is expected)`;
  }
  return undefined;
}
