import { describe, expect, it } from 'vitest';
import {
  buildCamt060,
  buildPain001,
  type Camt060Request,
  describeReason,
  detectMessageType,
  Iso20022BuildError,
  parseCamt060,
  parsePain001,
  parsePain002,
  reasonCodes,
  UnknownMessageTypeError,
  UnsafeDocumentError,
} from '#shared/iso20022/index.ts';
import { parseXml } from '#shared/iso20022/xml.ts';
import { sampleBatch } from './fixtures.ts';

describe('message detection', () => {
  it('detects family and version from the namespace, with or without a prefix', () => {
    const xml = buildPain001(sampleBatch(), { version: 'pain.001.001.09' }).xml;
    expect(detectMessageType(xml)).toEqual({
      type: 'pain.001',
      version: 'pain.001.001.09',
      namespace: 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09',
      dialect: 'iso',
    });
    const prefixed =
      '<?xml version="1.0"?><!-- note --><ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><ns2:BkToCstmrStmt/></ns2:Document>';
    expect(detectMessageType(prefixed)).toMatchObject({ type: 'camt.053', version: 'camt.053.001.08' });
  });

  it('recognises the Swiss SIX dialect and namespace-less documents by their message element', () => {
    expect(
      detectMessageType(
        '<Document xmlns="http://www.six-interbank-clearing.com/de/pain.002.001.03.ch.02.xsd"><CstmrPmtStsRpt/></Document>',
      ),
    ).toMatchObject({ type: 'pain.002', version: 'pain.002.001.03', dialect: 'swiss-six' });
    expect(detectMessageType('<Document><BkToCstmrDbtCdtNtfctn/></Document>')).toMatchObject({
      type: 'camt.054',
      version: 'camt.054.001.unknown',
      dialect: 'no-namespace',
    });
  });

  it('names unknown namespaces and contradictions', () => {
    expect(() => detectMessageType('<Document xmlns="urn:example:other"><Foo/></Document>')).toThrow(
      UnknownMessageTypeError,
    );
    expect(() =>
      detectMessageType(
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf/></Document>',
      ),
    ).toThrow(/unsupported message pacs\.008/);
    expect(() =>
      detectMessageType(
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><BkToCstmrStmt/></Document>',
      ),
    ).toThrow(/namespace says pain\.002 but the message element is BkToCstmrStmt/);
    expect(() => parsePain002(buildPain001(sampleBatch(), { version: 'pain.001.001.03' }).xml)).toThrow(
      /expected a pain\.002 message but got pain\.001/,
    );
  });
});

describe('document safety', () => {
  it('refuses any DOCTYPE', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt/></Document>`;
    expect(() => parsePain002(bomb)).toThrow(UnsafeDocumentError);
    expect(() => detectMessageType(bomb)).toThrow(/DOCTYPE/);
  });

  it('refuses documents above the size limit (default 50 MB, configurable)', () => {
    const xml = buildPain001(sampleBatch(), { version: 'pain.001.001.09' }).xml;
    expect(() => parsePain001(xml, { maxBytes: 1000 })).toThrow(/larger than the limit of 1000/);
    expect(parsePain001(xml).messageId).toBe('ENV-B0001-M1');
  });

  it('keeps values as strings: no number coercion of ids or amounts', () => {
    const tree = parseXml('<A><Id>000123</Id><Amt Ccy="EUR">12.50</Amt><Flag>true</Flag></A>', 'test');
    expect(tree).toEqual({ A: { Id: '000123', Amt: { '#text': '12.50', '@_Ccy': 'EUR' }, Flag: 'true' } });
  });

  it('decodes numeric character references and names the line of malformed XML', () => {
    expect(parseXml('<A><B>&#245;&#x161;&amp;lt;</B></A>', 'test')).toEqual({ A: { B: 'õš&lt;' } });
    expect(() => parseXml('<A>\n<B></A>', 'pain.002.001.10')).toThrow(
      /pain\.002\.001\.10.*not well-formed XML/,
    );
  });
});

describe('camt.060 request', () => {
  const request: Camt060Request = {
    messageId: 'REQ-20250315-1',
    createdAt: '2025-03-15T06:00:00+02:00',
    requestedMessageType: 'camt.053.001.02',
    account: { iban: 'ee47 1000 0010 2014 5685', currency: 'EUR' },
    accountOwnerName: 'Näidis & Poeg OÜ',
    accountServicerBic: 'EKRDEE22',
    fromDate: '2025-03-14',
    toDate: '2025-03-14',
  };

  it('builds the AcctRptgReq structure in schema order and parses back', () => {
    const { xml } = buildCamt060(request);
    expect(xml).toContain(
      '<RptgReq><Id>REQ-20250315-1</Id><ReqdMsgNmId>camt.053.001.02</ReqdMsgNmId><Acct><Id><IBAN>EE471000001020145685</IBAN></Id><Ccy>EUR</Ccy></Acct><AcctOwnr><Pty><Nm>Näidis &amp; Poeg OÜ</Nm></Pty></AcctOwnr><AcctSvcr><FinInstnId><BICFI>EKRDEE22</BICFI></FinInstnId></AcctSvcr><RptgPrd><FrToDt><FrDt>2025-03-14</FrDt><ToDt>2025-03-14</ToDt></FrToDt><FrToTm><FrTm>00:00:00</FrTm><ToTm>23:59:59</ToTm></FrToTm><Tp>ALLL</Tp></RptgPrd></RptgReq>',
    );
    expect(parseCamt060(xml)).toMatchObject({
      version: 'camt.060.001.03',
      requestedMessageType: 'camt.053.001.02',
      account: { iban: 'EE471000001020145685', currency: 'EUR' },
      accountOwnerName: 'Näidis & Poeg OÜ',
      fromDate: '2025-03-14',
      toDate: '2025-03-14',
    });
  });

  it('refuses a backwards period, a bad IBAN and unsupported report types', () => {
    try {
      buildCamt060({
        ...request,
        fromDate: '2025-03-15',
        toDate: '2025-03-14',
        account: { iban: 'EE00' },
        requestedMessageType: 'camt.054.001.02' as never,
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Iso20022BuildError);
      expect((error as Iso20022BuildError).issues.map((i) => i.path).sort()).toEqual([
        'account.iban',
        'requestedMessageType',
        'toDate',
      ]);
    }
  });
});

describe('reason codes', () => {
  it('covers the codes credit transfers use, in English and Estonian', () => {
    const required =
      'AC01 AC04 AC06 AC13 AG01 AG02 AM01 AM02 AM03 AM04 AM05 AM09 AM10 BE04 BE05 CUST DUPL DT01 FF01 MD07 MS02 MS03 NARR RC01 RR01 RR02 RR03 RR04 TM01'.split(
        ' ',
      );
    for (const code of required) {
      expect(reasonCodes, code).toContain(code);
      const described = describeReason(code);
      expect(described.known).toBe(true);
      expect(described.en.length).toBeGreaterThan(5);
      expect(described.et.length).toBeGreaterThan(5);
    }
    expect(describeReason('AC01').class).toBe('fix-and-resubmit');
    expect(describeReason('AM04').class).toBe('retry-later');
    expect(describeReason('DUPL').class).toBe('final');
  });

  it('degrades gracefully for unknown codes', () => {
    expect(describeReason(' zz99 ')).toEqual({
      code: 'ZZ99',
      class: 'final',
      en: 'The bank refused the payment with code ZZ99.',
      et: 'Pank lükkas makse tagasi koodiga ZZ99.',
      known: false,
    });
  });
});
