// Gateway agreements: which end users (companies) an operator may act for, and per end user which accounts
// and services (payments, statements) the company allowed. Every refusal has its own code and message.

export type Service = 'payments' | 'statements';

export interface AccountPermission {
  iban: string;
  payments: boolean;
  statements: boolean;
}

export interface Agreement {
  registryCode: string;
  country: string;
  name: string;
  active: boolean;
  accounts: AccountPermission[];
}

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

export function endUserKey(endUser: { registryCode: string; country: string }): string {
  return `${endUser.country.toUpperCase()}:${endUser.registryCode}`;
}

export class AgreementRegistry {
  readonly #agreements = new Map<string, Agreement>();
  /** iban → owner key, for incoming payments and camt.054 routing. */
  readonly #owners = new Map<string, string>();

  upsert(agreement: Agreement): Agreement {
    const key = endUserKey(agreement);
    const previous = this.#agreements.get(key);
    for (const account of previous?.accounts ?? []) this.#owners.delete(account.iban);
    this.#agreements.set(key, agreement);
    for (const account of agreement.accounts) this.#owners.set(account.iban, key);
    return agreement;
  }

  get(endUser: { registryCode: string; country: string }): Agreement | undefined {
    return this.#agreements.get(endUserKey(endUser));
  }

  ownerOf(iban: string): Agreement | undefined {
    const key = this.#owners.get(iban);
    return key ? this.#agreements.get(key) : undefined;
  }

  list(): Agreement[] {
    return [...this.#agreements.values()];
  }

  get size(): number {
    return this.#agreements.size;
  }

  /** Undefined when allowed; otherwise why not. */
  check(
    endUser: { registryCode: string; country: string },
    service: Service,
    iban?: string,
  ): Refusal | undefined {
    const agreement = this.get(endUser);
    if (!agreement) {
      return {
        status: 403,
        code: 'END_USER_NOT_AUTHORIZED',
        message: `operator has no gateway agreement for end user ${endUserKey(endUser)}`,
      };
    }
    if (!agreement.active) {
      return {
        status: 403,
        code: 'AGREEMENT_INACTIVE',
        message: `gateway agreement of ${endUserKey(endUser)} is not active`,
      };
    }
    if (iban === undefined) return undefined;
    const account = agreement.accounts.find((candidate) => candidate.iban === iban);
    if (!account) {
      return {
        status: 403,
        code: 'ACCOUNT_NOT_PERMITTED',
        message: `account is not part of the gateway agreement of ${endUserKey(endUser)}`,
      };
    }
    if (!account[service]) {
      return {
        status: 403,
        code: 'SERVICE_NOT_PERMITTED',
        message: `service "${service}" is not enabled for this account in the gateway agreement`,
      };
    }
    return undefined;
  }
}
