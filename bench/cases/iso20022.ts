// ISO 20022 benchmark cases: building pain.001 (10k / 100k payments) and parsing camt.053 (10k / 100k
// entries) with our codec, the npm packages `sepa` and `iso20022.js`, a raw fast-xml-parser DOM parse
// (our single configuration) and `xmllint --stream` when it is installed.

import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEstonianReference, createRfReference } from '../../shared/domain/reference.ts';
import {
  type BuiltPain001,
  buildCamt053,
  buildPain001,
  type Camt053Input,
  type Pain001Batch,
  parseCamt053,
  streamCamt053Entries,
} from '../../shared/iso20022/index.ts';
import { parseXml } from '../../shared/iso20022/xml.ts';
import type { BenchCase } from '../types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, '..', '.data');
const corpusXsd = process.env.ISO20022_CORPUS_DIR
  ? join(process.env.ISO20022_CORPUS_DIR, 'xsd')
  : join(here, '..', '..', '..', 'shared', 'iso20022', 'xsd');

const IBANS = ['EE382200221020145685', 'DE89370400440532013000', 'FI2112345600000785', 'NL91ABNA0417164300'];

// ---------------------------------------------------------------------------------------------
// Inputs (deterministic)

interface PaymentSpec {
  endToEndId: string;
  cents: number;
  name: string;
  iban: string;
  reference?: string;
  text?: string;
}

function paymentSpecs(count: number): PaymentSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    endToEndId: `E2E-${String(i).padStart(7, '0')}`,
    cents: 1 + ((i * 7919) % 2_000_000),
    name: `Creditor ${i} Õun & Pirn OÜ`,
    iban: IBANS[i % IBANS.length] ?? 'EE382200221020145685',
    ...(i % 3 === 0
      ? { reference: i % 2 === 0 ? createRfReference(String(i)) : createEstonianReference(String(1000 + i)) }
      : { text: `Invoice ${i} / arve ${i}` }),
  }));
}

function ourBatch(specs: PaymentSpec[]): Pain001Batch {
  return {
    messageId: 'BENCH-MSG-1',
    createdAt: '2025-03-14T09:30:00Z',
    initiatingPartyName: 'Envoice Bench OÜ',
    paymentGroups: [
      {
        paymentInformationId: 'BENCH-MSG-1-1',
        debtor: { name: 'Payer AS', iban: 'EE471000001020145685', bic: 'EKRDEE22' },
        requestedExecutionDate: '2025-03-14',
        serviceLevel: 'SEPA',
        payments: specs.map((s, i) => ({
          endToEndId: s.endToEndId,
          instructionId: `I-${i}`,
          amount: { minor: s.cents, currency: 'EUR' },
          creditor: { name: s.name, iban: s.iban },
          remittance: s.reference
            ? { kind: 'structured', reference: s.reference }
            : { kind: 'unstructured', text: s.text ?? '' },
        })),
      },
    ],
  };
}

function statementInput(entries: number): Camt053Input {
  let total = 0;
  const list = Array.from({ length: entries }, (_, i) => {
    const credit = i % 4 !== 0;
    const minor = 100 + ((i * 104_729) % 5_000_000);
    total += credit ? minor : -minor;
    const party = { name: `Counterparty ${i} Äri OÜ`, iban: IBANS[i % IBANS.length] ?? '', bic: 'HABAEE2X' };
    return {
      entryReference: String(i + 1),
      amount: { minor, currency: 'EUR' },
      creditDebit: credit ? ('CRDT' as const) : ('DBIT' as const),
      bookingDate: '2025-03-14',
      valueDate: '2025-03-14',
      accountServicerReference: `ASR${String(i).padStart(12, '0')}`,
      additionalInfo: `Entry ${i} booked by the bench generator with some descriptive text`,
      transactions: [
        {
          endToEndId: `E2E-${String(i).padStart(7, '0')}`,
          instructionId: `INSTR-${i}`,
          accountServicerReference: `TX${String(i).padStart(12, '0')}`,
          ...(credit ? { debtor: party } : { creditor: party }),
          remittance:
            i % 2 === 0
              ? { kind: 'structured' as const, reference: createEstonianReference(String(10_000 + i)) }
              : {
                  kind: 'unstructured' as const,
                  text: `Invoice ${i} payment for services rendered in March, thank you`,
                },
          additionalInfo: `Transaction ${i} additional information`,
        },
      ],
    };
  });
  const opening = 1_000_000_00;
  return {
    messageId: `BENCH-STMT-${entries}`,
    createdAt: '2025-03-15T06:00:00+02:00',
    statements: [
      {
        id: `BENCH-${entries}`,
        createdAt: '2025-03-15T06:00:00+02:00',
        from: '2025-03-14T00:00:00+02:00',
        to: '2025-03-14T23:59:59+02:00',
        account: {
          iban: 'EE471000001020145685',
          currency: 'EUR',
          ownerName: 'Bench OÜ',
          servicerBic: 'EKRDEE22',
        },
        balances: [
          {
            type: 'OPBD',
            amount: { minor: opening, currency: 'EUR' },
            creditDebit: 'CRDT',
            date: '2025-03-14',
          },
          {
            type: 'CLBD',
            amount: { minor: Math.abs(opening + total), currency: 'EUR' },
            creditDebit: opening + total >= 0 ? 'CRDT' : 'DBIT',
            date: '2025-03-14',
          },
        ],
        entries: list,
      },
    ],
  };
}

/** Writes the camt.053 inputs once (bench/.data); reused by every case process. */
export function prepareData(): void {
  mkdirSync(dataDir, { recursive: true });
  for (const entries of [10_000, 100_000]) {
    const file = camtFile(entries);
    if (existsSync(file)) continue;
    writeFileSync(file, buildCamt053(statementInput(entries)).xml);
  }
}

function camtFile(entries: number): string {
  return join(dataDir, `camt053-${entries / 1000}k.xml`);
}

// ---------------------------------------------------------------------------------------------
// pain.001 tools

async function xsdNote(xml: string): Promise<string> {
  if (!existsSync(corpusXsd)) return 'XSD not checked (corpus absent)';
  const { validateAgainstXsd } = await import('../../shared/iso20022/xsd.ts');
  const result = await validateAgainstXsd(xml, corpusXsd);
  return result.valid
    ? 'XSD-valid'
    : `XSD-INVALID: ${(result.errors[0] ?? '').replace(/^.*Schemas validity error : /, '').slice(0, 90)}`;
}

function painCases(count: number, label: string): BenchCase<unknown>[] {
  // Cheap cases are timed more often: on the shared, loaded box a median of 5 short runs is mostly noise.
  const runsFast = count > 50_000 ? 5 : 11;
  const ours: BenchCase<{ batch: Pain001Batch; built: BuiltPain001 | undefined }> = {
    case: `pain.001 build ${label}`,
    tool: 'ours',
    runs: runsFast,
    prepare: () => ({ batch: ourBatch(paymentSpecs(count)), built: undefined }),
    // Ours ends with the UTF-8 body the bank receives (the others end with a JS string, still to be encoded for
    // sending); the text is decoded after timing, for the XSD check.
    run(state) {
      state.built = buildPain001(state.batch, { version: 'pain.001.001.09' });
      return state.built.bytes.length;
    },
    check: (state) => (state.built ? xsdNote(state.built.xml) : 'not built'),
  };
  const sepa: BenchCase<{ specs: PaymentSpec[]; xml: string }> = {
    case: `pain.001 build ${label}`,
    tool: 'sepa',
    runs: count > 50_000 ? 1 : 5,
    prepare: () => ({ specs: paymentSpecs(count), xml: '' }),
    async run(state) {
      const SEPA = (await import('sepa')).default as unknown as SepaModule;
      const doc = new SEPA.Document('pain.001.001.09');
      doc.grpHdr.id = 'BENCH-MSG-1';
      doc.grpHdr.created = new Date('2025-03-14T09:30:00Z');
      doc.grpHdr.initiatorName = 'Envoice Bench OU';
      const info = doc.createPaymentInfo();
      info.requestedExecutionDate = new Date('2025-03-14T00:00:00Z');
      info.debtorIBAN = 'EE471000001020145685';
      info.debtorBIC = 'EKRDEE22';
      info.debtorName = 'Payer AS';
      doc.addPaymentInfo(info);
      for (const s of state.specs) {
        const tx = info.createTransaction();
        tx.creditorName = s.name;
        tx.creditorIBAN = s.iban;
        tx.amount = s.cents / 100;
        tx.end2endId = s.endToEndId;
        if (s.reference)
          tx.structuredRemittanceInfo = { typeCode: 'SCOR', issuer: 'ISO', reference: s.reference };
        else tx.remittanceInfo = s.text ?? '';
        info.addTransaction(tx);
      }
      state.xml = doc.toString();
      return Buffer.byteLength(state.xml);
    },
    check: (state) => xsdNote(state.xml),
  };
  const iso: BenchCase<{ specs: PaymentSpec[]; xml: string }> = {
    case: `pain.001 build ${label}`,
    tool: 'iso20022.js',
    runs: count > 50_000 ? 1 : 2,
    prepare: () => ({ specs: paymentSpecs(count), xml: '' }),
    async run(state) {
      const { ISO20022 } = (await import('iso20022.js')) as unknown as IsoModule;
      const iso20022 = new ISO20022({
        initiatingParty: {
          name: 'Envoice Bench OU',
          id: 'BENCH',
          account: { iban: 'EE471000001020145685' },
          agent: { bic: 'EKRDEE22' },
          address: {
            streetName: 'Maakri',
            buildingNumber: '30',
            postalCode: '15014',
            townName: 'Tallinn',
            country: 'EE',
          },
        },
      });
      const payment = iso20022.createSWIFTCreditPaymentInitiation(
        state.specs.map((s) => ({
          type: 'swift',
          direction: 'credit',
          // iso20022.js 0.0.15 takes integer minor units here.
          amount: s.cents,
          currency: 'EUR',
          id: s.endToEndId,
          creditor: {
            name: s.name,
            account: { iban: s.iban },
            agent: { bic: 'HABAEE2X' },
            address: {
              streetName: 'Maakri',
              buildingNumber: '30',
              postalCode: '15014',
              townName: 'Tallinn',
              country: 'EE',
            },
          },
          remittanceInformation: s.reference ?? s.text ?? '',
        })),
      );
      state.xml = payment.serialize();
      return Buffer.byteLength(state.xml);
    },
    check: (state) => xsdNote(state.xml),
  };
  return [ours, sepa, iso] as BenchCase<unknown>[];
}

interface SepaModule {
  Document: new (
    type: string,
  ) => {
    grpHdr: { id: string; created: Date; initiatorName: string };
    createPaymentInfo(): SepaInfo;
    addPaymentInfo(info: SepaInfo): void;
    toString(): string;
  };
}
interface SepaInfo {
  requestedExecutionDate: Date;
  debtorIBAN: string;
  debtorBIC: string;
  debtorName: string;
  createTransaction(): SepaTx;
  addTransaction(tx: SepaTx): void;
}
interface SepaTx {
  creditorName: string;
  creditorIBAN: string;
  amount: number;
  end2endId: string;
  remittanceInfo: string;
  structuredRemittanceInfo: { typeCode: string; issuer: string; reference: string };
}
interface IsoModule {
  ISO20022: new (
    config: unknown,
  ) => { createSWIFTCreditPaymentInitiation(instructions: unknown[]): { serialize(): string } };
  CashManagementEndOfDayReport: { fromXML(xml: string): { statements: { entries: unknown[] }[] } };
}

// ---------------------------------------------------------------------------------------------
// camt.053 tools

function camtCases(entries: number, label: string): BenchCase<unknown>[] {
  const file = camtFile(entries);
  const big = entries > 50_000;
  const size = () => statSync(file).size;
  const stream: BenchCase<null> = {
    case: `camt.053 parse ${label}`,
    tool: 'ours (stream)',
    runs: big ? 3 : 5,
    prepare: () => null,
    async run() {
      let count = 0;
      for await (const _ of streamCamt053Entries(createReadStream(file, { highWaterMark: 256 * 1024 })))
        count++;
      if (count !== entries) throw new Error(`expected ${entries} entries, read ${count}`);
      return size();
    },
  };
  const whole: BenchCase<string> = {
    case: `camt.053 parse ${label}`,
    tool: 'ours (whole document)',
    runs: big ? 2 : 5,
    prepare: () => readFileSync(file, 'utf8'),
    run(xml) {
      const parsed = parseCamt053(xml, { maxBytes: 1024 * 1024 * 1024 });
      if (parsed.statements[0]?.entries.length !== entries || parsed.findings.length > 0)
        throw new Error('wrong parse');
      return Buffer.byteLength(xml);
    },
  };
  const iso: BenchCase<string> = {
    case: `camt.053 parse ${label}`,
    tool: 'iso20022.js',
    runs: big ? 1 : 3,
    prepare: () => readFileSync(file, 'utf8'),
    async run(xml) {
      const { CashManagementEndOfDayReport } = (await import('iso20022.js')) as unknown as IsoModule;
      const report = CashManagementEndOfDayReport.fromXML(xml);
      if (report.statements[0]?.entries.length !== entries) throw new Error('wrong parse');
      return Buffer.byteLength(xml);
    },
  };
  const raw: BenchCase<string> = {
    case: `camt.053 parse ${label}`,
    tool: 'fast-xml-parser (DOM)',
    runs: big ? 1 : 3,
    prepare: () => readFileSync(file, 'utf8'),
    run(xml) {
      parseXml(xml, 'camt.053', { maxBytes: 1024 * 1024 * 1024 });
      return Buffer.byteLength(xml);
    },
  };
  const xmllint: BenchCase<null> = {
    case: `camt.053 parse ${label}`,
    tool: 'xmllint --stream',
    runs: 3,
    externalProcess: true,
    skip: () =>
      spawnSync('xmllint', ['--version']).status === null || spawnSync('xmllint', ['--version']).error
        ? 'xmllint not installed'
        : undefined,
    prepare: () => null,
    run() {
      const result = spawnSync('xmllint', ['--stream', '--noout', file]);
      if (result.status !== 0) throw new Error(String(result.stderr));
      return size();
    },
  };
  return [stream, whole, iso, raw, xmllint] as BenchCase<unknown>[];
}

// Warm-up is the same for every case (bench/worker.ts): untimed runs for BENCH_WARMUP_MS after a separately
// reported first run.
export const cases: BenchCase<unknown>[] = [
  ...painCases(10_000, '10k'),
  ...painCases(100_000, '100k'),
  ...camtCases(10_000, '10k'),
  ...camtCases(100_000, '100k'),
];
