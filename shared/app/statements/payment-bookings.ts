// Booking our payments from statement entries: the end-to-end id names the payment, which must be the
// company's own (tenant isolation) and of the same amount; settled → booked is a conditional status change.
import { canMovePayment, type PaymentStatus } from '../../domain/payment.ts';
import { ConflictError, InfrastructureError } from '../../errors.ts';
import type { StoredPayment } from '../ports.ts';
import type { BookingResult, PaymentBookings } from './ports.ts';

/** What booking needs of the payment batch repository (the DynamoDB repository provides these). */
export interface PaymentLookup {
  /** The payment an end-to-end id belongs to, in any company, or undefined when it is not ours. */
  findPaymentByEndToEndId(
    endToEndId: string,
  ): Promise<{ companyId: string; batchId: string; paymentId: string } | undefined>;
  getPayment(companyId: string, batchId: string, paymentId: string): Promise<StoredPayment | undefined>;
  /** Replaces the payment if it is still at `expected`; ConflictError otherwise. */
  updatePaymentStatus(
    companyId: string,
    batchId: string,
    paymentId: string,
    expected: { status: PaymentStatus; version: number },
    next: StoredPayment,
  ): Promise<void>;
}

const awaitingSettlement: readonly PaymentStatus[] = ['sent', 'accepted', 'pending_signature'];

export class RepositoryPaymentBookings implements PaymentBookings {
  readonly #payments: PaymentLookup;

  constructor(payments: PaymentLookup) {
    this.#payments = payments;
  }

  async bookByEndToEndId(input: Parameters<PaymentBookings['bookByEndToEndId']>[0]): Promise<BookingResult> {
    const location = await this.#payments.findPaymentByEndToEndId(input.endToEndId);
    // Another company's payment is never touched from this company's statement.
    if (!location || location.companyId !== input.companyId) return { kind: 'not_ours' };
    for (let attempt = 0; attempt < 3; attempt++) {
      const payment = await this.#payments.getPayment(
        location.companyId,
        location.batchId,
        location.paymentId,
      );
      if (!payment) return { kind: 'not_ours' };
      if (payment.amount.minor !== input.amount.minor || payment.amount.currency !== input.amount.currency) {
        return { kind: 'mismatch', payment, problem: 'the statement amount differs from the payment' };
      }
      if (payment.status === 'booked') return { kind: 'already_booked', payment };
      // The debit on the company's own account proves the bank executed the payment, even when its final
      // status report has not reached us (or never will): settled and booked in one conditional write.
      const settledNow = awaitingSettlement.includes(payment.status);
      if (!settledNow && !canMovePayment(payment.status, 'booked')) {
        return { kind: 'mismatch', payment, problem: `the payment is ${payment.status}` };
      }
      const next: StoredPayment = {
        ...payment,
        status: 'booked',
        version: payment.version + 1,
        statusHistory: [
          ...payment.statusHistory,
          ...(settledNow ? [{ status: 'settled' as const, at: input.at }] : []),
          { status: 'booked', at: input.at },
        ],
      };
      try {
        await this.#payments.updatePaymentStatus(
          payment.companyId,
          payment.batchId,
          payment.paymentId,
          { status: payment.status, version: payment.version },
          next,
        );
        return { kind: 'booked', payment: next };
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    throw new InfrastructureError(`Payment ${input.endToEndId} kept changing while booking it`);
  }
}
