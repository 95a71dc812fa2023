// BankAgreements adapter: asks the bank (through the BankGateway port, with the operator end-user headers)
// whether it has a Gateway agreement for a company.

import type { BankAgreements } from '../../app/ports.ts';
import type { BankGateway, EndUser } from '../../bank/bank-gateway.ts';
import { BankNotPermittedError, BankRequestRejectedError } from '../../bank/errors.ts';

/**
 * A heartbeat sent with the end-user headers: the bank refuses end users it has no agreement for, so a
 * refusal means "no agreement"; anything else (bank down, our certificate refused) is an error, not an answer.
 */
export class BankGatewayAgreements implements BankAgreements {
  readonly #gateway: () => BankGateway;

  constructor(gateway: () => BankGateway) {
    this.#gateway = gateway;
  }

  async hasAgreement(endUser: EndUser): Promise<boolean> {
    try {
      await this.#gateway().heartbeat({ endUser });
      return true;
    } catch (error) {
      if (error instanceof BankNotPermittedError || error instanceof BankRequestRejectedError) return false;
      throw error;
    }
  }
}
