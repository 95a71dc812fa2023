// Fixtures written for these tests (never copied from the corpus).
import type { Pain001Batch } from '#shared/iso20022/index.ts';

/** Valid IBANs from several SEPA countries (checksums and national check digits correct). */
export const IBANS = [
  'EE382200221020145685',
  'EE471000001020145685',
  'DE89370400440532013000',
  'FI2112345600000785',
  'NL91ABNA0417164300',
  'BE68539007547034',
  'AT611904300234573201',
  'FR1420041010050500013M02606',
] as const;

export function sampleBatch(): Pain001Batch {
  return {
    messageId: 'ENV-B0001-M1',
    createdAt: '2025-03-14T09:30:00+02:00',
    initiatingPartyName: 'Envoice OÜ',
    paymentGroups: [
      {
        paymentInformationId: 'ENV-B0001-M1-1',
        debtor: { name: 'Näidis Ettevõte AS', iban: 'EE471000001020145685', bic: 'EKRDEE22' },
        requestedExecutionDate: '2025-03-14',
        serviceLevel: 'SEPA',
        payments: [
          {
            endToEndId: 'ENV-B0001-P1',
            instructionId: 'I-1',
            amount: { minor: 29, currency: 'EUR' },
            creditor: { name: 'Õun & Pirn <Ltd> "quoted"', iban: 'EE382200221020145685', bic: 'HABAEE2X' },
            remittance: { kind: 'structured', reference: '1234561' },
          },
          {
            endToEndId: 'ENV-B0001-P2',
            instructionId: 'I-2',
            amount: { minor: 123_456_78, currency: 'EUR' },
            creditor: { name: 'Müller GmbH', iban: 'DE89370400440532013000' },
            remittance: { kind: 'structured', reference: 'RF18539007547034' },
          },
        ],
      },
      {
        paymentInformationId: 'ENV-B0001-M1-2',
        debtor: { name: 'Näidis Ettevõte AS', iban: 'EE471000001020145685' },
        requestedExecutionDate: '2025-03-14',
        serviceLevel: 'INST',
        payments: [
          {
            endToEndId: 'ENV-B0001-P3',
            amount: { minor: 100_00, currency: 'EUR' },
            creditor: { name: 'Šokolaadi Žürii OÜ', iban: 'FI2112345600000785' },
            remittance: { kind: 'unstructured', text: 'Arve nr 42 / invoice 0042' },
          },
        ],
      },
    ],
  };
}
