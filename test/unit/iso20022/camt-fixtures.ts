// Statement fixtures written for these tests.
import type { Camt053Input } from '#shared/iso20022/index.ts';

export function sampleStatementInput(): Camt053Input {
  return {
    messageId: 'STMT-2025-03-14-1',
    createdAt: '2025-03-15T06:00:00+02:00',
    statements: [
      {
        id: 'EE471000001020145685-2025-03-14',
        electronicSequenceNumber: '73',
        createdAt: '2025-03-15T06:00:00+02:00',
        from: '2025-03-14T00:00:00+02:00',
        to: '2025-03-14T23:59:59+02:00',
        account: {
          iban: 'EE471000001020145685',
          currency: 'EUR',
          ownerName: 'Näidis & Poeg <OÜ>',
          servicerBic: 'EKRDEE22',
        },
        balances: [
          {
            type: 'OPBD',
            amount: { minor: 1_000_00, currency: 'EUR' },
            creditDebit: 'CRDT',
            date: '2025-03-14',
          },
          {
            type: 'CLBD',
            amount: { minor: 1_070_71, currency: 'EUR' },
            creditDebit: 'CRDT',
            date: '2025-03-14',
          },
        ],
        entries: [
          {
            entryReference: '1',
            amount: { minor: 120_00, currency: 'EUR' },
            creditDebit: 'CRDT',
            bookingDate: '2025-03-14',
            valueDate: '2025-03-14',
            accountServicerReference: 'ASR-0001',
            transactions: [
              {
                endToEndId: 'INV-0042',
                remittance: { kind: 'structured', reference: '1234561' },
                debtor: { name: 'Ostja "Kõik" AS', iban: 'EE382200221020145685', bic: 'HABAEE2X' },
              },
            ],
          },
          {
            amount: { minor: 49_29, currency: 'EUR' },
            creditDebit: 'DBIT',
            bookingDate: '2025-03-14T10:15:00+02:00',
            accountServicerReference: 'ASR-0002',
            transactions: [
              {
                endToEndId: 'ENV-B0001-P1',
                instructionId: 'I-1',
                remittance: { kind: 'unstructured', text: 'Arve 7 & 8' },
                creditor: { name: 'Müller GmbH', iban: 'DE89370400440532013000' },
              },
              { endToEndId: 'ENV-B0001-P2', creditor: { name: 'Second', iban: 'FI2112345600000785' } },
            ],
          },
        ],
      },
    ],
  };
}
