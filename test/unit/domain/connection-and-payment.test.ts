// Status machines of connections, batches and payments, representation rules and payment line checks.
import { describe, expect, it } from 'vitest';
import { accountIbanProblem } from '../../../shared/domain/bank-account.ts';
import {
  addRepresentationConfirmation,
  assertConnectionTransition,
} from '../../../shared/domain/connection.ts';
import {
  assertPaymentTransition,
  duplicateFingerprint,
  endToEndIdFor,
  type PaymentLine,
  paymentChannel,
  paymentLineIssues,
} from '../../../shared/domain/payment.ts';
import { assertTransition, isCancellable } from '../../../shared/domain/payment-batch.ts';
import { DomainError } from '../../../shared/errors.ts';

const line = (overrides: Partial<PaymentLine> = {}): PaymentLine => ({
  creditorName: 'Tarnija OU',
  creditorIban: 'EE382200221020145685',
  amount: { minor: 12_550, currency: 'EUR' },
  reference: '1234561',
  sourceDocument: { type: 'bill', id: 'b-1' },
  ...overrides,
});

describe('connection transitions', () => {
  it('follows contract → representation → accounts → active and refuses skipping steps', () => {
    expect(() => assertConnectionTransition('contract_pending', 'representation_confirmed')).not.toThrow();
    expect(() => assertConnectionTransition('contract_pending', 'active')).toThrow(DomainError);
    expect(() => assertConnectionTransition('representation_confirmed', 'active')).toThrow(
      /representation confirmed to active/,
    );
    expect(() => assertConnectionTransition('revoked', 'active')).toThrow(DomainError);
    expect(() => assertConnectionTransition('suspended', 'active')).not.toThrow();
  });

  it('a sole representative completes representation alone; joint ones need two different people', () => {
    const at = '2025-01-01T00:00:00Z';
    const sole = addRepresentationConfirmation([], {
      personalCode: '1',
      name: 'A',
      representation: 'sole',
      userId: 'u',
      at,
    });
    expect(sole.kind).toBe('confirmed');
    const first = addRepresentationConfirmation([], {
      personalCode: '2',
      name: 'B',
      representation: 'joint',
      userId: 'u',
      at,
    });
    expect(first.kind).toBe('awaiting_other_representative');
    expect(() =>
      addRepresentationConfirmation(first.confirmations, {
        personalCode: '2',
        name: 'B',
        representation: 'joint',
        userId: 'u',
        at,
      }),
    ).toThrow(/already confirmed/);
    const second = addRepresentationConfirmation(first.confirmations, {
      personalCode: '3',
      name: 'C',
      representation: 'joint',
      userId: 'v',
      at,
    });
    expect(second.kind).toBe('confirmed');
  });
});

describe('batch and payment transitions', () => {
  it('allows draft → confirmed → submitting and refuses going back or leaving a final status', () => {
    expect(() => assertTransition('draft', 'confirmed')).not.toThrow();
    expect(() => assertTransition('confirmed', 'draft')).toThrow(DomainError);
    expect(() => assertTransition('completed', 'failed')).toThrow(DomainError);
    expect(isCancellable('draft')).toBe(true);
    expect(isCancellable('submitted')).toBe(false);
  });

  it('moves a payment sent → pending signature → settled → booked, never from rejected', () => {
    expect(() => assertPaymentTransition('sent', 'pending_signature')).not.toThrow();
    expect(() => assertPaymentTransition('settled', 'booked')).not.toThrow();
    expect(() => assertPaymentTransition('rejected', 'settled')).toThrow(DomainError);
    expect(() => assertPaymentTransition('pending', 'settled')).toThrow(/pending to settled/);
  });
});

describe('payment lines', () => {
  it('finds no issue in a valid line and names the field of each problem', () => {
    expect(paymentLineIssues(line(), '2025-01-01')).toEqual([]);
    const issues = paymentLineIssues(
      line({
        creditorIban: 'EE382200221020145686',
        reference: '1234562',
        requestedExecutionDate: '2024-12-31',
      }),
      '2025-01-01',
    );
    expect(issues.map((i) => `${i.field}:${i.code}`)).toEqual([
      'creditorIban:invalid_iban',
      'reference:invalid_reference',
      'requestedExecutionDate:in_the_past',
    ]);
  });

  it('needs a reference or a description, and warns about characters outside the SEPA set', () => {
    const codes = paymentLineIssues(line({ reference: undefined, creditorName: 'Õun OÜ' }), '2025-01-01').map(
      (i) => i.code,
    );
    expect(codes).toEqual(['missing', 'characters_replaced']);
  });

  it('sends EUR up to 100 000 instantly, above that or for a future date as SEPA', () => {
    expect(paymentChannel(line({ amount: { minor: 100_000_00, currency: 'EUR' } }), '2025-01-01')).toBe(
      'instant',
    );
    expect(paymentChannel(line({ amount: { minor: 100_000_01, currency: 'EUR' } }), '2025-01-01')).toBe(
      'sepa',
    );
    expect(paymentChannel(line({ requestedExecutionDate: '2025-01-02' }), '2025-01-01')).toBe('sepa');
  });

  it('treats lines with the same account, amount and reference as the same, ignoring spacing and case', () => {
    expect(duplicateFingerprint(line({ creditorIban: 'ee38 2200 2210 2014 5685' }))).toBe(
      duplicateFingerprint(line()),
    );
    expect(duplicateFingerprint(line({ amount: { minor: 12_551, currency: 'EUR' } }))).not.toBe(
      duplicateFingerprint(line()),
    );
  });

  it('derives end-to-end ids within 35 characters, the same every time', () => {
    const id = endToEndIdFor('0f8fad5b-d9cb-469f-a165-70867728950e', 5000);
    expect(id).toBe('0f8fad5bd9cb469fa1657086-05000');
    expect(id.length).toBeLessThanOrEqual(35);
  });
});

describe('bank accounts', () => {
  const coop = { bankName: 'Coop Pank', country: 'EE', bankCodes: ['42'] };
  it('accepts Coop Pank IBANs only', () => {
    expect(accountIbanProblem('EE65 4200 0000 0010 0007', coop)).toBeUndefined();
    expect(accountIbanProblem('EE382200221020145685', coop)).toMatch(/bank code 42/);
    expect(accountIbanProblem('EE654200000000100008', coop)).toMatch(/not a valid IBAN/);
  });
});
