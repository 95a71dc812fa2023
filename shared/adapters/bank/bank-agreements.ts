// BankAgreements adapters: asks the bank (through the BankGateway port, with the operator end-user headers)
// whether it has a Gateway agreement for a company, or answers from a fixed list locally.

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

export class FixtureBankAgreements implements BankAgreements {
  readonly #known: Set<string>;

  constructor(endUsers: readonly EndUser[] = localAgreementFixtures) {
    this.#known = new Set(
      endUsers.map((endUser) => `${endUser.country.toUpperCase()}:${endUser.registryCode}`),
    );
  }

  async hasAgreement(endUser: EndUser): Promise<boolean> {
    return this.#known.has(`${endUser.country.toUpperCase()}:${endUser.registryCode}`);
  }
}

/** End users the local bank has agreements with (see the local register fixtures). */
export const localAgreementFixtures: readonly EndUser[] = [
  { registryCode: '10000001', country: 'EE' },
  { registryCode: '10000002', country: 'EE' },
];
