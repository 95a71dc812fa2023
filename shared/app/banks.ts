// The banks the connector supports, as configuration. Adding a gateway (e.g. LHV Connect) means adding an
// entry here and a BankGateway adapter, not changing the use cases.
import type { BankIbanRule } from '../domain/bank-account.ts';

export interface SupportedBank extends BankIbanRule {
  id: string;
  bic: string;
  gateway: string;
  status: 'available' | 'planned';
  capabilities: {
    paymentInitiation: boolean;
    instantPayments: boolean;
    /** Payments are approved by the company's signers in the bank's internet bank. */
    signing: 'internet_bank';
    statements: { previousDay: boolean; intraday: boolean; format: string };
    transactionNotifications: boolean;
    maxPaymentsPerBatch: number;
  };
}

export const supportedBanks: readonly SupportedBank[] = [
  {
    id: 'coop-pank',
    bankName: 'Coop Pank',
    bic: 'EKRDEE22',
    country: 'EE',
    bankCodes: ['42'],
    gateway: 'coop-pank-gateway',
    status: 'available',
    capabilities: {
      paymentInitiation: true,
      instantPayments: true,
      signing: 'internet_bank',
      statements: { previousDay: true, intraday: false, format: 'camt.053.001.02' },
      transactionNotifications: true,
      maxPaymentsPerBatch: 5000,
    },
  },
];

export function findBank(bankId: string): SupportedBank | undefined {
  return supportedBanks.find((bank) => bank.id === bankId && bank.status === 'available');
}
