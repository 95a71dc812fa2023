// Seed data for the simulator: a small demo world (companies with Coop Pank accounts, creditors) and a
// generator for load tests (thousands of end users and accounts with valid Estonian IBANs).
import { composeIBAN } from 'ibantools';
import { estonianCheckDigit } from '#shared/domain/reference.ts';
import type { SimulatedBank } from './bank.ts';

/** A valid Estonian IBAN at the given bank (default Coop Pank, 42) for an account serial number. */
export function estonianIban(serial: number, bankCode = '42'): string {
  const account = String(serial).padStart(13, '0');
  const bban = `${bankCode}${account}${estonianCheckDigit(account)}`;
  const iban = composeIBAN({ countryCode: 'EE', bban });
  if (!iban) throw new RangeError(`cannot build an IBAN for serial ${serial}`);
  return iban;
}

export interface SeedAccount {
  iban: string;
  currency?: string;
  balanceMinor?: number;
  creditLimitMinor?: number;
  payments?: boolean;
  statements?: boolean;
  openedOn?: string;
}

export interface SeedEndUser {
  registryCode: string;
  country?: string;
  name: string;
  active?: boolean;
  accounts: SeedAccount[];
}

export interface SeedData {
  endUsers: SeedEndUser[];
  /** Accounts at Coop that belong to nobody the operator serves (payment creditors). */
  otherAccounts?: { iban: string; ownerName: string; balanceMinor?: number }[];
}

/** The demo world used by `npm start` and the demo script. */
export const DEMO_SEED: SeedData = {
  endUsers: [
    {
      registryCode: '12345678',
      name: 'Envoice Demo OÜ',
      accounts: [
        { iban: estonianIban(1000001), balanceMinor: 25_000_00 },
        { iban: estonianIban(1000002), balanceMinor: 1_500_00, payments: true, statements: false },
      ],
    },
    {
      registryCode: '87654321',
      name: 'Põhjala Puit AS',
      accounts: [{ iban: estonianIban(1000101), balanceMinor: 120_000_00 }],
    },
    {
      registryCode: '11223344',
      name: 'Väike Pood OÜ',
      accounts: [{ iban: estonianIban(1000201), balanceMinor: 50_00, payments: false, statements: true }],
    },
  ],
  otherAccounts: [
    { iban: estonianIban(2000001), ownerName: 'Kontoritarbed OÜ' },
    { iban: estonianIban(2000002), ownerName: 'Tallinna Vesi AS' },
  ],
};

export function applySeed(bank: SimulatedBank, seed: SeedData): void {
  for (const endUser of seed.endUsers) bank.addEndUser(endUser);
  for (const other of seed.otherAccounts ?? [])
    bank.openForeignAccount(other.iban, other.ownerName, other.balanceMinor);
}

/** `accounts` accounts spread over end users (4 per company), registry codes from 70000000 upwards. */
export function generateSeed(
  accounts: number,
  options: { accountsPerEndUser?: number; balanceMinor?: number } = {},
): SeedData {
  const perEndUser = options.accountsPerEndUser ?? 4;
  const endUsers: SeedEndUser[] = [];
  for (let index = 0; index < accounts; index += perEndUser) {
    const company = endUsers.length;
    endUsers.push({
      registryCode: String(70_000_000 + company),
      name: `Load Test Company ${company}`,
      accounts: Array.from({ length: Math.min(perEndUser, accounts - index) }, (_, offset) => ({
        iban: estonianIban(5_000_000 + index + offset),
        balanceMinor: options.balanceMinor ?? 1_000_000_00,
      })),
    });
  }
  return { endUsers };
}
