// The entry capture (camt-entry.ts) must give exactly what the tree mapping (`mapEntry` over the entry's tree)
// gives: same entries with the same key order, same errors with the same element paths. The reader can be told
// to use the tree mapping for every entry; these tests read the same documents both ways.

import { Readable } from 'node:stream';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildCamt053,
  buildCamt054,
  type CamtEvent,
  CamtReader,
  streamCamt053Entries,
} from '#shared/iso20022/index.ts';
import { corpusAvailable, noteIfCorpusMissing, samples } from '../../support/corpus.ts';
import { sampleStatementInput } from './camt-fixtures.ts';

beforeAll(noteIfCorpusMissing);

type Outcome = { events: CamtEvent[] } | { error: string };

/** Reads a document in chunks of `chunkSize` bytes; events, or the error's name, message, path and value. */
function read(xml: string, treeMappingOnly: boolean, chunkSize = 1 << 20): Outcome {
  const events: CamtEvent[] = [];
  try {
    const reader = new CamtReader((event) => events.push(event), { treeMappingOnly });
    const bytes = Buffer.from(xml);
    for (let at = 0; at < bytes.length; at += chunkSize) reader.write(bytes.subarray(at, at + chunkSize));
    reader.close();
    return { events };
  } catch (error) {
    const e = error as Error & { path?: string; value?: string; messageType?: string };
    return { error: JSON.stringify([e.name, e.message, e.messageType, e.path, e.value]) };
  }
}

/** Same outcome both ways, down to the key order (compared as JSON). */
function expectSameBothWays(xml: string, chunkSize?: number): Outcome {
  const captured = read(xml, false, chunkSize);
  const tree = read(xml, true, chunkSize);
  expect(JSON.stringify(captured)).toBe(JSON.stringify(tree));
  return captured;
}

function entriesOf(outcome: Outcome) {
  return 'events' in outcome
    ? outcome.events.flatMap((event) => (event.kind === 'entry' ? [event.entry] : []))
    : [];
}

const STATEMENT_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08" ' +
  'xmlns:x="urn:example"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-03-15T06:00:00</CreDtTm></GrpHdr>' +
  '<Stmt><Id>S1</Id><Acct><Id><IBAN>EE471000001020145685</IBAN></Id><Ccy>EUR</Ccy></Acct>';
const STATEMENT_TAIL = '</Stmt></BkToCstmrStmt></Document>';
const statementWith = (entries: string) => `${STATEMENT_HEAD}${entries}${STATEMENT_TAIL}`;

const PLAIN_ENTRY =
  '<Ntry><NtryRef>7</NtryRef><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>' +
  '<BookgDt><Dt>2025-03-14</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>E1</EndToEndId></Refs>' +
  '<RmtInf><Ustrd>Arve 1</Ustrd><Ustrd> </Ustrd><Strd><CdtrRefInf><Ref>1234561</Ref></CdtrRefInf></Strd></RmtInf>' +
  '</TxDtls></NtryDtls></Ntry>';

describe('camt entry capture agrees with the tree mapping', () => {
  it('on our own generated statements and notifications', () => {
    const statement = expectSameBothWays(buildCamt053(sampleStatementInput()).xml);
    expect(entriesOf(statement)).toHaveLength(2);
    const notification = buildCamt054({
      ...sampleStatementInput(),
      statements: sampleStatementInput().statements.map((s) => ({ ...s, balances: [] })),
    }).xml;
    expect(entriesOf(expectSameBothWays(notification)).length).toBeGreaterThan(0);
  });

  it('on a plain entry, in one piece and in 3-byte chunks', () => {
    const xml = statementWith(PLAIN_ENTRY + PLAIN_ENTRY);
    const whole = expectSameBothWays(xml);
    expect(entriesOf(whole)[0]).toMatchObject({
      entryReference: '7',
      amount: { minor: 1250, currency: 'EUR' },
      status: 'BOOK',
      transactions: [{ endToEndId: 'E1', remittance: { structured: ['1234561'], unstructured: ['Arve 1'] } }],
    });
    expect(JSON.stringify(expectSameBothWays(xml, 3))).toBe(JSON.stringify(whole));
  });

  it('where the capture hands over to the tree: repeated single elements, split across chunks', () => {
    // Two `Amt` and two `Refs`: the tree mapping takes the first of each, and so must the result.
    const odd = PLAIN_ENTRY.replace('<NtryRef>7</NtryRef>', '<NtryRef>7</NtryRef><NtryRef>8</NtryRef>')
      .replace('<CdtDbtInd>', '<Amt Ccy="EUR">99.00</Amt><CdtDbtInd>')
      .replace('</Refs>', '</Refs><Refs><EndToEndId>E2</EndToEndId></Refs>');
    for (const chunkSize of [1, 5, 64, 1 << 20]) {
      const outcome = expectSameBothWays(statementWith(PLAIN_ENTRY + odd + PLAIN_ENTRY), chunkSize);
      const entries = entriesOf(outcome);
      expect(entries).toHaveLength(3);
      expect(entries[1]).toMatchObject({
        entryReference: '7',
        amount: { minor: 1250 },
        transactions: [{ endToEndId: 'E1' }],
      });
    }
  });

  it('reports an unreadable amount with the same path and value both ways', () => {
    const bad = PLAIN_ENTRY.replace('12.50', '12,50');
    const outcome = expectSameBothWays(statementWith(PLAIN_ENTRY + bad), 7);
    expect('error' in outcome && outcome.error).toContain('Document/BkToCstmrStmt/Stmt[0]/Ntry[1]/Amt');
    expect('error' in outcome && outcome.error).toContain('12,50 EUR');
  });

  it('names the element open inside an entry when the document is not well-formed', () => {
    const broken = statementWith(PLAIN_ENTRY.replace('</Refs>', '</Ref>'));
    const outcome = read(broken, false);
    expect('error' in outcome && outcome.error).toContain('Stmt/Ntry/NtryDtls/TxDtls/Refs');
  });

  it.skipIf(!corpusAvailable)('on every camt sample of the corpus', () => {
    const all = [...samples('camt052'), ...samples('camt053'), ...samples('camt054')];
    expect(all.length).toBeGreaterThan(0);
    for (const sample of all) {
      const outcome = expectSameBothWays(sample.xml);
      expect('events' in outcome, sample.name).toBe(true);
    }
  });

  it('on random entries with awkward shapes (property)', () => {
    let readable = 0;
    fc.assert(
      fc.property(
        fc.array(entryArbitrary, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 40 }),
        (entries, chunk) => {
          const outcome = expectSameBothWays(statementWith(entries.join('')), chunk);
          if ('events' in outcome) readable++;
        },
      ),
      { numRuns: 500 },
    );
    // The generator is meant to produce both: documents that read and documents that fail alike.
    expect(readable).toBeGreaterThan(100);
    expect(readable).toBeLessThan(450);
  });

  it('streams through the capture with the same entries as the tree mapping', async () => {
    const xml = statementWith(PLAIN_ENTRY.repeat(20));
    const streamed = [];
    for await (const { entry } of streamCamt053Entries(Readable.from([Buffer.from(xml)])))
      streamed.push(entry);
    expect(streamed).toEqual(entriesOf(read(xml, true)));
  });
});

// ---------------------------------------------------------------------------------------------
// Random entries: the schema's elements (and strangers), repeated, missing, empty, prefixed, with attributes,
// mixed content, CDATA, entities and padding.

const leafText = fc.constantFrom(
  '',
  ' ',
  'BOOK',
  'CRDT',
  'DBIT',
  'crdt',
  'true',
  '1',
  '0',
  '12.50',
  ' 7.1 ',
  '1000000',
  '-3.00',
  '1.234',
  'abc',
  '2025-03-14',
  '2025-03-14T10:15:00+02:00',
  'NOTPROVIDED',
  'Õun &amp; Pirn &lt;OÜ&gt;',
  '<![CDATA[a < b]]>',
  '&#x20;x&#x20;',
  '\u00a0nbsp\u00a0',
  'RF18539007547034',
);

type Shape = { [name: string]: Shape | 'leaf' | 'money' };
const PARTY: Shape = { Nm: 'leaf', Pty: { Nm: 'leaf' }, Agt: { FinInstnId: { Nm: 'leaf' } } };
const ACCOUNT: Shape = { Id: { IBAN: 'leaf', Othr: { Id: 'leaf' } } };
const AGENT: Shape = { FinInstnId: { BICFI: 'leaf', BIC: 'leaf' } };
const CODE: Shape = {
  Domn: { Cd: 'leaf', Fmly: { Cd: 'leaf', SubFmlyCd: 'leaf' } },
  Prtry: { Cd: 'leaf', Issr: 'leaf' },
};
const CHARGE: Shape = {
  Amt: 'money',
  CdtDbtInd: 'leaf',
  Tp: { Cd: 'leaf', Prtry: { Id: 'leaf' } },
  ChrgInclInd: 'leaf',
};
const TX: Shape = {
  Refs: {
    EndToEndId: 'leaf',
    InstrId: 'leaf',
    MsgId: 'leaf',
    AcctSvcrRef: 'leaf',
    TxId: 'leaf',
    UETR: 'leaf',
  },
  Amt: 'money',
  AmtDtls: { TxAmt: { Amt: 'money' }, InstdAmt: { Amt: 'money' } },
  CdtDbtInd: 'leaf',
  RltdPties: { Dbtr: PARTY, DbtrAcct: ACCOUNT, Cdtr: PARTY, CdtrAcct: ACCOUNT, UltmtDbtr: PARTY },
  RltdAgts: { DbtrAgt: AGENT, CdtrAgt: AGENT },
  BkTxCd: CODE,
  RtrInf: { Rsn: { Cd: 'leaf', Prtry: 'leaf' } },
  AddtlTxInf: 'leaf',
  RmtInf: { Strd: { CdtrRefInf: { Ref: 'leaf' } }, Ustrd: 'leaf' },
};
const ENTRY: Shape = {
  NtryRef: 'leaf',
  Amt: 'money',
  CdtDbtInd: 'leaf',
  RvslInd: 'leaf',
  Sts: { Cd: 'leaf', Prtry: 'leaf' },
  BookgDt: { Dt: 'leaf', DtTm: 'leaf' },
  ValDt: { Dt: 'leaf', DtTm: 'leaf' },
  AcctSvcrRef: 'leaf',
  BkTxCd: CODE,
  Chrgs: { ...CHARGE, Rcrd: CHARGE },
  AddtlNtryInf: 'leaf',
  NtryDtls: { Btch: { NbOfTxs: 'leaf' }, TxDtls: TX },
};

/** A small deterministic generator driven by fast-check's random numbers. */
const entryArbitrary = fc
  .tuple(
    fc.array(fc.nat(), { minLength: 256, maxLength: 256 }),
    fc.array(leafText, { minLength: 32, maxLength: 32 }),
  )
  .map(([numbers, texts]) => {
    let n = 0;
    let t = 0;
    const next = (range: number) => (numbers[n++ % numbers.length] as number) % range;
    const text = () => texts[t++ % texts.length] as string;
    // Half the entries are well-formed for the mapping (only the capture path is exercised), half are wild.
    const calm = next(2) === 0;
    const element = (name: string, shape: Shape | 'leaf' | 'money', depth: number): string => {
      const tag = next(12) === 0 ? `x:${name}` : name;
      let attributes = '';
      if (shape === 'money') {
        attributes = calm
          ? ([' Ccy="EUR"', ' x:Ccy="EUR"', ' Ccy="EUR" Other="1"'][next(3)] ?? '')
          : next(4) !== 0
            ? ' Ccy="EUR"'
            : ([' Ccy="JPY"', ' x:Ccy="EUR"', ' xsi:Ccy="EUR"', '', ' Ccy="EUR" Other="1"'][next(5)] ?? '');
      } else if (next(15) === 0) attributes = ' Other="v"';
      let body = '';
      if (shape === 'money') {
        // Mostly readable amounts, sometimes not (then both ways must fail alike).
        body =
          !calm && next(10) === 0 ? text() : (['12.50', '1', ' 0.07 ', '1000000.00', '3.1'][next(5)] ?? '');
      } else if (shape === 'leaf') {
        body = name === 'CdtDbtInd' && (calm || next(8) !== 0) ? (next(2) === 0 ? 'CRDT' : 'DBIT') : text();
        if (next(25) === 0 && !(calm && name === 'CdtDbtInd')) body += '<Stranger/>';
      } else {
        const names = Object.keys(shape);
        for (const child of names) {
          const roll = next(40);
          // Mostly present once; now and then missing or twice (the tree mapping takes the first).
          const required = calm && depth === 0 && (child === 'Amt' || child === 'CdtDbtInd');
          const copies = roll < 12 && !required ? 0 : roll < 39 || calm ? 1 : 2;
          for (let k = 0; k < copies && depth < 8; k++)
            body += element(child, shape[child] as Shape, depth + 1);
        }
        if (next(12) === 0) body = `<Unknown>${text()}</Unknown>${body}`;
        if (next(15) === 0) body = `${text()}${body}`;
        if (next(6) === 0) body = ` \n ${body} `;
      }
      return body === '' && next(3) === 0
        ? `<${tag}${attributes}/>`
        : `<${tag}${attributes}>${body}</${tag}>`;
    };
    return element('Ntry', ENTRY, 0);
  });
