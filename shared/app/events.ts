// Facts published for Envoice on an EventBridge bus, so its UI and bookkeeping react in real time.
import type { Money } from '../domain/money.ts';
import type { PaymentStatus } from '../domain/payment.ts';

export type DomainEvent =
  | {
      type: 'PaymentStatusChanged';
      /** Stable id: the same change published twice has the same id (consumers dedupe on it). */
      eventId: string;
      companyId: string;
      occurredAt: string;
      detail: {
        batchId: string;
        paymentId: string;
        endToEndId: string;
        from: PaymentStatus;
        to: PaymentStatus;
        reasonCode?: string | undefined;
        reason?: string | undefined;
        sourceDocument: { type: string; id: string };
      };
    }
  | {
      type: 'IncomingPaymentReceived';
      eventId: string;
      companyId: string;
      occurredAt: string;
      detail: {
        iban: string;
        bookingDate: string;
        amount: Money;
        reference?: string | undefined;
        remittanceInformation?: string | undefined;
        debtorName?: string | undefined;
        debtorIban?: string | undefined;
        bankReference: string;
      };
    };

export interface EventPublisher {
  publish(events: readonly DomainEvent[]): Promise<void>;
}
