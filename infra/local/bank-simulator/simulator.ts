// Starts the bank simulator: HTTPS + mTLS bank API, optional localhost control API, a clock-driven scheduler.
// Used in-process by tests and the local runtime (`npm start`), and standalone through main.ts.
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SharedClock } from '../functions/shared-clock.ts';
import {
  type SimulatedBank as Bank,
  type EndUserRef,
  type IncomingPaymentInput,
  SimulatedBank,
  type SimulatedBatch,
} from './bank.ts';
import {
  ensureSimulatorCertificates,
  generateSimulatorCertificates,
  type SimulatorCertificates,
} from './certificates.ts';
import { type SimulatorClock, systemClock } from './clock.ts';
import { createControlServer } from './control-server.ts';
import type { FaultInput } from './faults.ts';
import type { LedgerEntry } from './ledger.ts';
import { type ScenarioRuleInput, scenarioFileSchema } from './scenarios.ts';
import { applySeed, DEMO_SEED, type SeedData, type SeedEndUser } from './seed.ts';
import { createApiServer } from './server.ts';
import { type SimulatorSettingsInput, simulatorSettingsSchema } from './settings.ts';

export interface BankSimulatorOptions {
  /** Bank API port; 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Control API port (plain HTTP, localhost only); 0 = free port (default); false = no control server. */
  controlPort?: number | false;
  /**
   * `{ directory }` keeps certificates on disk (generated on first start, e.g. `.local/bank-simulator`);
   * a certificate set uses it as is; omitted = a fresh in-memory set (tests).
   */
  certificates?: { directory: string } | SimulatorCertificates;
  /** Extra CA certificates (PEM) whose client certificates the bank also trusts (SK ID Solutions, say). */
  extraTrustedCaPem?: string[];
  settings?: SimulatorSettingsInput;
  /** Inject a ManualClock for deterministic cut-off, business-day and ledger-date behaviour. */
  clock?: SimulatorClock;
  /** Seed data; 'demo' (default) = the demo world; false = empty. */
  seed?: SeedData | 'demo' | false;
  scenarios?: ScenarioRuleInput[];
  /** Path of a JSON file `{ "rules": [...] }` with scenario rules. */
  scenarioFile?: string;
  /** Seed for the simulator's random choices (out-of-order delivery, chaos faults, generated payments). */
  randomSeed?: number;
  /** How often scheduled work is run in real time; default 100 ms with the system clock, off with an injected clock. */
  tickIntervalMs?: number;
}

export interface ClientTls {
  cert: string;
  key: string;
  ca: string;
}

export interface BankSimulator {
  /** Base URL of the bank API, e.g. `https://localhost:53211` (plus the configured base path). */
  url: string;
  controlUrl?: string;
  port: number;
  /** The operator's client certificate, key and the CA that signed the server certificate. */
  clientTls: ClientTls;
  /** A Coop Pank CA "test" certificate (refused when `environment` is `live`). */
  testClientTls: ClientTls;
  certificates: SimulatorCertificates;
  /** Direct access to the simulated bank's state (ledger, queue, batches, scenarios, faults). */
  bank: Bank;
  sign(messageId: string): SimulatedBatch;
  decline(messageId: string, reasonCode?: string): SimulatedBatch;
  signAll(endUser?: EndUserRef): string[];
  setSigningMode(mode: 'auto' | 'manual'): void;
  addEndUser(endUser: SeedEndUser): ReturnType<Bank['addEndUser']>;
  addIncomingPayment(input: IncomingPaymentInput): LedgerEntry;
  generateIncomingPayments(count: number, ibans?: string[]): LedgerEntry[];
  addScenario(rule: ScenarioRuleInput): string;
  setScenarios(rules: ScenarioRuleInput[]): string[];
  addFault(fault: FaultInput): string;
  clearFaults(): void;
  /** Moves a ManualClock forward and runs what became due (throws with the system clock). */
  advanceTime(ms: number): void;
  /** Runs what is due now. */
  tick(): number;
  stop(): Promise<void>;
}

/** Small deterministic PRNG (mulberry32) so seeded runs repeat exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function listen(
  server: { listen: Server['listen']; once: Server['once'] },
  port: number,
  host: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

export async function startBankSimulator(options: BankSimulatorOptions = {}): Promise<BankSimulator> {
  const settings = simulatorSettingsSchema.parse(options.settings ?? {});
  const clock = options.clock ?? systemClock;
  const random = options.randomSeed === undefined ? Math.random : seededRandom(options.randomSeed);
  const certificates =
    options.certificates === undefined
      ? await generateSimulatorCertificates()
      : 'directory' in options.certificates
        ? await ensureSimulatorCertificates(options.certificates.directory)
        : options.certificates;

  const bank = new SimulatedBank(settings, clock, random);
  const seed = options.seed === undefined || options.seed === 'demo' ? DEMO_SEED : options.seed;
  if (seed) applySeed(bank, seed);
  if (options.scenarioFile) {
    const file = scenarioFileSchema.parse(JSON.parse(await readFile(options.scenarioFile, 'utf8')));
    bank.scenarios.replaceAll(file.rules);
  }
  for (const rule of options.scenarios ?? []) bank.scenarios.add(rule);

  const host = options.host ?? '127.0.0.1';
  const api = createApiServer(bank, {
    certPem: certificates.server.certPem,
    keyPem: certificates.server.keyPem,
    caPem: [certificates.ca.certPem, ...(options.extraTrustedCaPem ?? [])].join('\n'),
  });
  await listen(api.server, options.port ?? 0, host);
  const port = (api.server.address() as AddressInfo).port;

  const tickMs = options.tickIntervalMs ?? (options.clock ? 0 : 100);
  const timer = tickMs > 0 ? setInterval(() => bank.tick(), tickMs) : undefined;
  timer?.unref();

  const simulator: BankSimulator = {
    url: `https://localhost:${port}${settings.basePath}`,
    port,
    clientTls: {
      cert: certificates.client.certPem,
      key: certificates.client.keyPem,
      ca: certificates.ca.certPem,
    },
    testClientTls: {
      cert: certificates.testClient.certPem,
      key: certificates.testClient.keyPem,
      ca: certificates.ca.certPem,
    },
    certificates,
    bank,
    sign: (messageId) => bank.sign(messageId),
    decline: (messageId, reasonCode) => bank.decline(messageId, reasonCode),
    signAll: (endUser) => bank.signAll(endUser),
    setSigningMode: (mode) => bank.setSigningMode(mode),
    addEndUser: (endUser) => bank.addEndUser(endUser),
    addIncomingPayment: (input) => bank.addIncomingPayment(input),
    generateIncomingPayments: (count, ibans) => bank.generateIncomingPayments(count, ibans),
    addScenario: (rule) => bank.scenarios.add(rule),
    setScenarios: (rules) => bank.scenarios.replaceAll(rules),
    addFault: (fault) => bank.faults.add(fault),
    clearFaults: () => bank.faults.clear(),
    advanceTime(ms) {
      if (!(clock instanceof SharedClock))
        throw new Error('advanceTime needs an injected ManualClock or OffsetClock');
      // Step through due tasks one instant at a time so each runs at its own scheduled time.
      const target = clock.now().getTime() + ms;
      for (
        let next = bank.scheduler.nextAt();
        next !== undefined && next <= target;
        next = bank.scheduler.nextAt()
      ) {
        if (next > clock.now().getTime()) clock.set(new Date(next));
        bank.tick();
      }
      clock.set(new Date(target));
      bank.tick();
    },
    tick: () => bank.tick(),
    async stop() {
      if (timer) clearInterval(timer);
      api.closeAll();
      await new Promise<void>((resolve) => api.server.close(() => resolve()));
      if (control) {
        control.closeAllConnections();
        await new Promise<void>((resolve) => control?.close(() => resolve()));
      }
    },
  };

  let control: Server | undefined;
  if (options.controlPort !== false) {
    control = createControlServer(simulator);
    await listen(control, options.controlPort ?? 0, '127.0.0.1');
    simulator.controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  }
  return simulator;
}
