// Bank simulator load case: 10,000 accounts seeded, then 1,000 single-payment pain.001 messages submitted
// through the real mTLS adapter (20 in flight), auto-signed and executed; reports payments per second.
// Goal from issue 4: 10,000 accounts and 100 submitted payments per second. XSD validation is off here
// (xmllint-wasm costs ~0.5 s per message; it is a correctness check, not a throughput path).
import { ManualClock } from '../../infra/local/bank-simulator/clock.ts';
import { estonianIban, generateSeed } from '../../infra/local/bank-simulator/seed.ts';
import { type BankSimulator, startBankSimulator } from '../../infra/local/bank-simulator/simulator.ts';
import { parseBankGatewayConfig } from '../../shared/bank/config.ts';
import { HttpBankGateway } from '../../shared/bank/http-bank-gateway.ts';
import type { BenchCase } from '../types.ts';

const ACCOUNTS = 10_000;
const PAYMENTS = 1_000;
const IN_FLIGHT = 20;

interface State {
  simulator: BankSimulator;
  gateway: HttpBankGateway;
  round: number;
  lastRate?: number;
}

const submit: BenchCase<State> = {
  case: `simulator: ${PAYMENTS} payments over mTLS, ${ACCOUNTS} accounts`,
  tool: 'bank-simulator + HttpBankGateway',
  runs: 3,
  async prepare() {
    const simulator = await startBankSimulator({
      clock: new ManualClock('2026-03-02T08:00:00Z'),
      controlPort: false,
      seed: generateSeed(ACCOUNTS),
      settings: { signing: 'auto', validateXsd: false, notifications: true },
    });
    const gateway = new HttpBankGateway(parseBankGatewayConfig({ baseUrl: simulator.url }), {
      credentials: {
        certPem: simulator.clientTls.cert,
        keyPem: simulator.clientTls.key,
        caPem: simulator.clientTls.ca,
      },
    });
    return { simulator, gateway, round: 0 };
  },
  async run(state) {
    state.round += 1;
    const started = performance.now();
    let next = 0;
    let bytes = 0;
    const worker = async () => {
      while (next < PAYMENTS) {
        const index = next++;
        const company = index % (ACCOUNTS / 4);
        const messageId = `BENCH-${state.round}-${index}`;
        const receipt = await state.gateway.submitPayments({
          endUser: { registryCode: String(70_000_000 + company), country: 'EE' },
          batch: {
            messageId,
            createdAt: '2026-03-02T10:00:00+02:00',
            initiatingPartyName: 'Load Test',
            paymentGroups: [
              {
                paymentInformationId: `${messageId}-1`,
                debtor: { name: `Load Test Company ${company}`, iban: estonianIban(5_000_000 + company * 4) },
                requestedExecutionDate: '2026-03-02',
                serviceLevel: 'SEPA',
                payments: [
                  {
                    endToEndId: `${messageId}-E1`,
                    instructionId: `${messageId}-I1`,
                    amount: { minor: 100 + index, currency: 'EUR' },
                    creditor: { name: 'Creditor OU', iban: 'EE382200221020145685' },
                  },
                ],
              },
            ],
          },
        });
        bytes += receipt.controlSum.length;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    state.lastRate = PAYMENTS / ((performance.now() - started) / 1000);
    return bytes;
  },
  async check(state) {
    const executed = state.simulator.bank.batches().filter((batch) => batch.status === 'completed').length;
    const note = `${Math.round(state.lastRate ?? 0)} payments/s (goal 100); ${executed} batches executed; ${state.simulator.bank.queue.size} queued messages`;
    state.gateway.close();
    await state.simulator.stop();
    return note;
  },
};

export const cases: BenchCase<unknown>[] = [submit as BenchCase<unknown>];
