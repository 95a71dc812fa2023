// Command line for support people: `npm run iso20022 -- parse <file>` prints any supported message as
// normalised JSON; `validate <file> [--xsd <dir>]` checks a pain.001 against our rules and the schema.
// Exit 0 when fine, 1 with a clear message otherwise.

import { readFileSync } from 'node:fs';
import { parseCamt052, parseCamt053, parseCamt054 } from './camt.ts';
import { parseCamt060 } from './camt060.ts';
import { detectMessageType } from './detect.ts';
import { Iso20022BuildError, Iso20022Error } from './errors.ts';
import { normalizePain001Batch, parsePain001 } from './pain001.ts';
import { parsePain002 } from './pain002.ts';
import { describeReason } from './reason-codes.ts';
import { validateAgainstXsd } from './xsd.ts';

const USAGE = `usage:
  npm run iso20022 -- parse <file>                 print the message as normalised JSON
  npm run iso20022 -- validate <file> [--xsd <dir>] check a pain.001 (our rules; the XSD when --xsd is given)`;

function parseAny(xml: string): unknown {
  const detected = detectMessageType(xml);
  switch (detected.type) {
    case 'pain.001':
      return parsePain001(xml);
    case 'pain.002': {
      const report = parsePain002(xml);
      // Support people want to know what a code means without looking it up.
      const explain = (reasons: { code?: string }[]) =>
        reasons.map((reason) =>
          reason.code ? { ...reason, explanation: describeReason(reason.code) } : reason,
        );
      return {
        ...report,
        groupReasons: explain(report.groupReasons),
        paymentInformation: report.paymentInformation.map((p) => ({ ...p, reasons: explain(p.reasons) })),
        transactions: report.transactions.map((t) => ({ ...t, reasons: explain(t.reasons) })),
      };
    }
    case 'camt.052':
      return parseCamt052(xml);
    case 'camt.053':
      return parseCamt053(xml);
    case 'camt.054':
      return parseCamt054(xml);
    case 'camt.060':
      return parseCamt060(xml);
  }
}

async function validate(xml: string, xsdDir: string | undefined): Promise<string[]> {
  const problems: string[] = [];
  const detected = detectMessageType(xml);
  if (detected.type !== 'pain.001') {
    problems.push(`validate checks pain.001 messages; this is ${detected.version}`);
    return problems;
  }
  const parsed = parsePain001(xml);
  const { version, numberOfTransactions, controlSum, ...batch } = parsed;
  try {
    // Our rules: SEPA lengths, identifiers, IBAN/BIC, references, amounts, duplicates.
    normalizePain001Batch(batch, { kind: 'unrestricted' }, version);
  } catch (error) {
    if (!(error instanceof Iso20022BuildError)) throw error;
    for (const issue of error.issues) problems.push(`${issue.path}: ${issue.message}`);
  }
  const count = batch.paymentGroups.reduce((total, group) => total + group.payments.length, 0);
  if (count !== numberOfTransactions)
    problems.push(`GrpHdr/NbOfTxs says ${numberOfTransactions}, the message has ${count}`);
  const cents = batch.paymentGroups
    .flatMap((g) => g.payments)
    .reduce((total, p) => total + BigInt(p.amount.minor), 0n);
  const expected = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
  if (controlSum !== undefined && canonicalDecimal(controlSum) !== canonicalDecimal(expected)) {
    problems.push(`GrpHdr/CtrlSum says ${controlSum}, the amounts add up to ${expected}`);
  }
  if (xsdDir !== undefined) {
    const result = await validateAgainstXsd(xml, xsdDir);
    for (const error of result.errors) problems.push(`XSD ${result.schema}: ${error}`);
  }
  return problems;
}

/** "0100.500" → "100.5", "12.00" → "12": compares decimals written differently. */
function canonicalDecimal(text: string): string {
  const [whole = '', fraction = ''] = text.trim().split('.');
  const cleanWhole = whole.replace(/^0+(?=\d)/, '');
  const cleanFraction = fraction.replace(/0+$/, '');
  return cleanFraction ? `${cleanWhole}.${cleanFraction}` : cleanWhole;
}

export async function main(argv: string[]): Promise<number> {
  const [command, file, ...rest] = argv;
  if ((command !== 'parse' && command !== 'validate') || file === undefined) {
    console.error(USAGE);
    return 1;
  }
  let xml: string;
  try {
    xml = readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`cannot read ${file}: ${(error as Error).message}`);
    return 1;
  }
  try {
    if (command === 'parse') {
      console.log(JSON.stringify(parseAny(xml), null, 2));
      return 0;
    }
    const xsdIndex = rest.indexOf('--xsd');
    const xsdDir = xsdIndex >= 0 ? rest[xsdIndex + 1] : undefined;
    if (xsdIndex >= 0 && xsdDir === undefined) {
      console.error('--xsd needs a directory');
      return 1;
    }
    const problems = await validate(xml, xsdDir);
    if (problems.length === 0) {
      console.log(
        `${file}: valid${xsdDir ? ' (rules and XSD)' : ' (rules; pass --xsd <dir> to check the schema too)'}`,
      );
      return 0;
    }
    console.error(`${file}: ${problems.length} problem(s)`);
    for (const problem of problems) console.error(`  - ${problem}`);
    return 1;
  } catch (error) {
    if (error instanceof Iso20022Error) {
      console.error(`${error.name} [${error.code}]: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
