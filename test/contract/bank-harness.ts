// Shared setup for the bank contract tests: the real simulator (HTTPS + mTLS on a free port, manual clock)
// and the real HTTP adapter, with a sleep that records retry delays instead of waiting.

import { ManualClock } from '#infra/local/bank-simulator/clock.ts';
import { estonianIban } from '#infra/local/bank-simulator/seed.ts';
import {
  type BankSimulator,
  type BankSimulatorOptions,
  startBankSimulator,
} from '#infra/local/bank-simulator/simulator.ts';
import {
  type BankClientCredentials,
  type BankGatewayConfigInput,
  parseBankGatewayConfig,
} from '#shared/bank/config.ts';
import { HttpBankGateway } from '#shared/bank/http-bank-gateway.ts';
import type { Pain001Batch } from '#shared/iso20022/types.ts';

/** Monday 2026-03-02 10:00 Tallinn (08:00 UTC): a business day before the SEPA cut-off. */
export const MONDAY_MORNING = '2026-03-02T08:00:00Z';

export const DEMO_END_USER = { registryCode: '12345678', country: 'EE' } as const;
export const DEMO_ACCOUNT = estonianIban(1000001); // 25,000.00 EUR, payments + statements
export const NO_STATEMENTS_ACCOUNT = estonianIban(1000002); // payments only
export const COOP_CREDITOR = estonianIban(2000001);
export const EXTERNAL_CREDITOR = 'EE382200221020145685'; // Swedbank

export interface Harness {
  simulator: BankSimulator;
  gateway: HttpBankGateway;
  clock: ManualClock;
  delays: number[];
  makeGateway(config?: Partial<BankGatewayConfigInput>, credentials?: BankClientCredentials): HttpBankGateway;
  close(): Promise<void>;
}

export async function startHarness(
  options: BankSimulatorOptions = {},
  config: Partial<BankGatewayConfigInput> = {},
): Promise<Harness> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock(MONDAY_MORNING);
  // XSD validation (xmllint-wasm, ~0.5 s per message) is covered by its own test; off elsewhere for speed.
  const simulator = await startBankSimulator({
    controlPort: false,
    randomSeed: 7,
    ...options,
    settings: { validateXsd: false, ...options.settings },
    clock,
  });
  const delays: number[] = [];
  const gateways: HttpBankGateway[] = [];
  const makeGateway = (
    override: Partial<BankGatewayConfigInput> = {},
    credentials: BankClientCredentials = {
      certPem: simulator.clientTls.cert,
      keyPem: simulator.clientTls.key,
      caPem: simulator.clientTls.ca,
    },
  ) => {
    const gateway = new HttpBankGateway(
      parseBankGatewayConfig({
        baseUrl: simulator.url,
        connectTimeoutMs: 2_000,
        responseTimeoutMs: 1_000,
        ...config,
        ...override,
        retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, ...config.retry, ...override.retry },
      }),
      {
        credentials,
        sleep: async (ms) => {
          delays.push(ms);
        },
        random: () => 0.5,
        now: () => clock.now(),
      },
    );
    gateways.push(gateway);
    return gateway;
  };
  const gateway = makeGateway();
  return {
    simulator,
    gateway,
    clock,
    delays,
    makeGateway,
    async close() {
      for (const each of gateways) each.close();
      await simulator.stop();
    },
  };
}

let counter = 0;

/** A batch from the demo account; `payments` are (creditor IBAN, minor units, name). */
export function batch(
  payments: { iban: string; minor: number; name?: string; reference?: string }[],
  overrides: { messageId?: string; debtorIban?: string; date?: string; serviceLevel?: 'SEPA' | 'INST' } = {},
): Pain001Batch {
  counter += 1;
  const messageId = overrides.messageId ?? `MSG-${Date.now().toString(36)}-${counter}`;
  return {
    messageId,
    createdAt: '2026-03-02T10:00:00+02:00',
    initiatingPartyName: 'Envoice Demo OU',
    paymentGroups: [
      {
        paymentInformationId: `${messageId}-1`,
        debtor: { name: 'Envoice Demo OU', iban: overrides.debtorIban ?? DEMO_ACCOUNT },
        requestedExecutionDate: overrides.date ?? '2026-03-02',
        serviceLevel: overrides.serviceLevel ?? 'SEPA',
        payments: payments.map((payment, index) => ({
          endToEndId: `${messageId}-E${index + 1}`,
          instructionId: `${messageId}-I${index + 1}`,
          amount: { minor: payment.minor, currency: 'EUR' },
          creditor: { name: payment.name ?? 'Kontoritarbed OU', iban: payment.iban },
          ...(payment.reference
            ? { remittance: { kind: 'structured' as const, reference: payment.reference } }
            : {}),
        })),
      },
    ],
  };
}

/** Reads (and acknowledges) every message currently on the queue. */
export async function drain(
  gateway: HttpBankGateway,
  options: Parameters<HttpBankGateway['nextMessage']>[0] = {},
) {
  const messages = [];
  for (let i = 0; i < 500; i++) {
    const message = await gateway.nextMessage(options);
    if (!message) break;
    messages.push(message);
    await gateway.acknowledge(message.responseId);
  }
  return messages;
}
