import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import {
  buildCamt053,
  Iso20022ParseError,
  parseCamt053,
  streamCamt,
  UnsafeDocumentError,
} from '#shared/iso20022/index.ts';
import {
  TOKEN_CDATA,
  TOKEN_CLOSE,
  TOKEN_EOF,
  TOKEN_NONE,
  TOKEN_OPEN,
  TOKEN_TEXT,
  XmlSyntaxError,
  XmlTokenizer,
} from '#shared/iso20022/xml-tokenizer.ts';
import { sampleStatementInput } from './camt-fixtures.ts';

type Event = ['open', string, Record<string, string>] | ['close', string] | ['text', string];

/** Adjacent text and CDATA merged into one text event; text outside the root dropped (it is whitespace). */
function pushText(events: Event[], text: string, depth: number): void {
  if (depth === 0 || text === '') return;
  const last = events[events.length - 1];
  if (last?.[0] === 'text') last[1] += text;
  else events.push(['text', text]);
}

function tokenize(chunks: Uint8Array[]): Event[] {
  const tokenizer = new XmlTokenizer();
  const events: Event[] = [];
  let depth = 0;
  const drain = () => {
    for (;;) {
      const token = tokenizer.next();
      if (token === TOKEN_NONE || token === TOKEN_EOF) return;
      if (token === TOKEN_OPEN) {
        const attributes: Record<string, string> = {};
        for (let k = 0; k < tokenizer.attributeCount; k++)
          attributes[tokenizer.attributeNames[k] as string] = tokenizer.attributeValues[k] as string;
        events.push(['open', tokenizer.name, attributes]);
        depth++;
      } else if (token === TOKEN_CLOSE) {
        events.push(['close', tokenizer.name]);
        depth--;
      } else if (token === TOKEN_TEXT || token === TOKEN_CDATA) {
        pushText(events, tokenizer.text(), depth);
      }
    }
  };
  for (const chunk of chunks) {
    tokenizer.push(chunk);
    drain();
  }
  tokenizer.finish();
  drain();
  return events;
}

function saxesEvents(xml: string): Event[] {
  const parser = new SaxesParser({ xmlns: false });
  const events: Event[] = [];
  let depth = 0;
  parser.on('opentag', (tag) => {
    events.push(['open', tag.name, { ...(tag.attributes as Record<string, string>) }]);
    depth++;
  });
  parser.on('closetag', (tag) => {
    events.push(['close', tag.name]);
    depth--;
  });
  parser.on('text', (text) => pushText(events, text, depth));
  parser.on('cdata', (text) => pushText(events, text, depth));
  parser.on('error', (error) => {
    throw error;
  });
  parser.write(xml).close();
  return events;
}

function split(buffer: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (buffer.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let last = 0;
  for (const point of points) {
    chunks.push(buffer.subarray(last, point));
    last = point;
  }
  chunks.push(buffer.subarray(last));
  return chunks;
}

// ---------------------------------------------------------------------------------------------
// Random XML-ish documents

const awkward = fc.constantFrom(
  'a',
  'Z',
  ' ',
  '\n',
  '\t',
  '\r\n',
  '\r',
  '&',
  '<',
  '>',
  '"',
  "'",
  ']',
  'õ',
  'ä',
  'Š',
  '€',
  '😀',
  '中',
  ';',
  '#',
);
const rawText = fc.array(awkward, { maxLength: 12 }).map((parts) => parts.join(''));

function escapeText(text: string, style: number): string {
  return text.replace(/[&<>]|]]>/g, (char) => {
    if (char === ']]>') return ']]&gt;';
    if (style === 1) return `&#${char.codePointAt(0)};`;
    if (style === 2) return `&#x${(char.codePointAt(0) ?? 0).toString(16)};`;
    return char === '&' ? '&amp;' : char === '<' ? '&lt;' : '&gt;';
  });
}

function escapeAttribute(text: string, quote: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(quote === '"' ? /"/g : /'/g, quote === '"' ? '&quot;' : '&apos;')
    .replace(/\u00e4/g, '&#228;');
}

const elementName = fc.constantFrom('a', 'Ntry', 'b:c', 'Amt', 'x-y.z', '_q', 'Ä', 'ns:Stmt');
const attributeName = fc.constantFrom('id', 'Ccy', 'xmlns:b', 'p:q', 'x.y');
const attributes = fc
  .uniqueArray(fc.tuple(attributeName, rawText, fc.constantFrom('"', "'"), fc.constantFrom('', ' ', '\n')), {
    maxLength: 3,
    selector: ([name]) => name,
  })
  .map((list) =>
    list
      .map(
        ([name, value, quote, space]) =>
          ` ${name}${space}=${space}${quote}${escapeAttribute(value, quote)}${quote}`,
      )
      .join(''),
  );

const { node } = fc.letrec<{ node: string; element: string }>((tie) => ({
  node: fc.oneof(
    {
      weight: 4,
      arbitrary: fc.tuple(rawText, fc.integer({ min: 0, max: 2 })).map(([t, s]) => escapeText(t, s)),
    },
    {
      weight: 1,
      arbitrary: rawText.map((t) => `<![CDATA[${t.replace(/]]>/g, '')}]]>`),
    },
    {
      weight: 1,
      arbitrary: rawText.map((t) => `<!--${t.replace(/-/g, '')} -->`),
    },
    { weight: 1, arbitrary: rawText.map((t) => `<?pi ${t.replace(/\?>/g, '')}?>`) },
    { weight: 3, arbitrary: tie('element') },
  ),
  element: fc
    .tuple(elementName, attributes, fc.array(tie('node'), { maxLength: 5 }), fc.boolean())
    .map(([name, attrs, children, selfClose]) =>
      children.length === 0 && selfClose
        ? `<${name}${attrs}/>`
        : `<${name}${attrs}>${children.join('')}</${name}  >`,
    ),
}));

const document = fc
  .tuple(fc.boolean(), fc.boolean(), node, fc.constantFrom('', '\n', ' <!-- end -->\n'))
  .map(
    ([declaration, bom, root, tail]) =>
      `${bom ? '\ufeff' : ''}${declaration ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ''}<root>${root}</root>${tail}`,
  );

describe('XmlTokenizer', () => {
  it('gives the same events whole and split at random chunk boundaries, equal to saxes', () => {
    fc.assert(
      fc.property(document, fc.array(fc.nat(), { maxLength: 12 }), (xml, cuts) => {
        const buffer = Buffer.from(xml);
        const whole = tokenize([buffer]);
        expect(tokenize(split(buffer, cuts))).toEqual(whole);
        expect(whole).toEqual(saxesEvents(xml.replace(/^\ufeff/, '')));
      }),
      { numRuns: 400 },
    );
  });

  it('survives one-byte chunks (tags, entities and multi-byte characters split everywhere)', () => {
    const xml =
      '<?xml version="1.0"?><a:Doc xmlns:a="urn:x" id=\'1&amp;2\'><B>õ&#xe4;&#246;ü 😀 &lt;&gt;</B><![CDATA[x<y]]><!-- c --><C/></a:Doc>';
    const buffer = Buffer.from(xml);
    const bytes = Array.from(buffer, (_, i) => buffer.subarray(i, i + 1));
    expect(tokenize(bytes)).toEqual(tokenize([buffer]));
    expect(tokenize([buffer])).toEqual(saxesEvents(xml));
  });

  it('accepts end tags with blanks before ">", prefixes and non-ASCII names', () => {
    const xml = '<p:Doc xmlns:p="urn:x"><é>1</é ><Ab>2</Ab\n><x:Ab>3</x:Ab></p:Doc>';
    expect(tokenize([Buffer.from(xml)])).toEqual(saxesEvents(xml));
  });

  it('does not take a Latin-1 byte for the same character in an end tag', () => {
    // <é> is C3 A9 in UTF-8; a lone E9 byte (é in Latin-1) in the end tag is not the same name.
    const bytes = Buffer.concat([Buffer.from('<é></'), Buffer.from([0xe9]), Buffer.from('>')]);
    expect(() => tokenize([bytes])).toThrow(/does not match <é>/);
  });

  it('normalises line ends in text and whitespace in attribute values like saxes', () => {
    const xml = '<a x="1\r\n2\t3\n4&#10;5">l1\r\nl2\rl3&#13;</a>';
    expect(tokenize([Buffer.from(xml)])).toEqual(saxesEvents(xml));
    expect(tokenize([Buffer.from(xml)])[0]).toEqual(['open', 'a', { x: '1 2 3 4\n5' }]);
  });

  const malformed: [string, string, RegExp][] = [
    ['mismatched end tag', '<a><b></a></b>', /end tag <\/a> does not match <b>/],
    ['end tag without start', '<a></a></b>', /without a start tag|after the root/],
    ['end tag longer than the open name', '<ab></abc>', /end tag <\/abc> does not match <ab>/],
    ['end tag shorter than the open name', '<abc></ab>', /end tag <\/ab> does not match <abc>/],
    ['end tag with the same length', '<abc></abd>', /end tag <\/abd> does not match <abc>/],
    ['non-ASCII end tag differing in bytes', '<é></è>', /end tag <\/è> does not match <é>/],
    ['unclosed element', '<a><b></b>', /<a> is not closed/],
    ['truncated start tag', '<a><b x="1"', /ended inside a start tag/],
    ['truncated end tag', '<a></a', /ended inside an end tag/],
    ['truncated comment', '<a><!-- x', /ended inside a comment/],
    ['truncated CDATA', '<a><![CDATA[x', /ended inside a CDATA section/],
    ['truncated instruction', '<a><?pi x', /ended inside a processing instruction/],
    ['undefined entity', '<a>&nbsp;</a>', /undefined entity/],
    ['unterminated entity', '<a>&amp</a>', /unterminated entity/],
    ['NUL character reference', '<a>&#0;</a>', /not an XML character/],
    ['malformed character reference', '<a>&#xZZ;</a>', /malformed character reference/],
    ['entity in attribute', '<a x="&bogus;"/>', /undefined entity/],
    ['second root', '<a/><b/>', /second root element/],
    ['text outside root', '<a/>x', /text after the root/],
    ['text before root', 'x<a/>', /text before the root/],
    ['no root', '<!-- only -->', /no root element/],
    ['duplicate attribute', '<a x="1" x="2"/>', /appears twice/],
    ['unquoted attribute', '<a x=1/>', /not quoted/],
    ['attribute without value', '<a x/>', /has no value/],
    ['no space between attributes', '<a x="1"y="2"/>', /disallowed character/],
    ['< in attribute value', '<a x="<"/>', /disallowed character in attribute/],
    [']]> in text', '<a>x]]>y</a>', /"]]>" is not allowed/],
    ['-- in comment', '<a><!-- a -- b --></a>', /"--" is not allowed/],
    ['late XML declaration', '<a><?xml version="1.0"?></a>', /only allowed at the start/],
    ['control character', '<a>\u0001</a>', /control character/],
    ['bad name start', '<1a/>', /disallowed character after "<"/],
    ['ENTITY declaration', '<!ENTITY x "y"><a/>', /markup declaration/],
  ];
  it.each(malformed)('refuses %s', (_label, xml, message) => {
    const buffer = Buffer.from(xml);
    expect(() => tokenize([buffer])).toThrow(XmlSyntaxError);
    expect(() => tokenize([buffer])).toThrow(message);
    // Split into single bytes: the same verdict.
    expect(() => tokenize(Array.from(buffer, (_, i) => buffer.subarray(i, i + 1)))).toThrow(message);
  });

  it('refuses a DOCTYPE anywhere, flagged as such', () => {
    for (const xml of ['<!DOCTYPE a><a/>', '<a><!DOCTYPE a></a>', '<a><!doctype a></a>']) {
      try {
        tokenize([Buffer.from(xml)]);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(XmlSyntaxError);
        expect((error as XmlSyntaxError).doctype).toBe(true);
      }
    }
  });
});

describe('camt reader on malformed input', () => {
  const xml = buildCamt053(sampleStatementInput()).xml;

  it('names the element path of a mismatched end tag', () => {
    const broken = xml.replace('</CdtDbtInd>', '</CdtDbtIndX>');
    try {
      parseCamt053(broken);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Iso20022ParseError);
      const e = error as Iso20022ParseError;
      expect(e.message).toMatch(/not well-formed XML: end tag <\/CdtDbtIndX> does not match <CdtDbtInd>/);
      expect(e.path).toMatch(/^Document\/BkToCstmrStmt\/Stmt\/.*CdtDbtInd$/);
    }
  });

  it('refuses an invalid entity with its path', () => {
    expect(() => parseCamt053(xml.replace('<Ustrd>', '<Ustrd>&euro;'))).toThrow(
      /camt\.053\.001\.02 at Document\/BkToCstmrStmt\/Stmt\/.*Ustrd: not well-formed XML: undefined entity/,
    );
  });

  it('refuses a DOCTYPE that arrives after detection, mid-stream', async () => {
    const at = xml.indexOf('<Stmt>');
    const chunks = [xml.slice(0, at), '<!DOCTYPE x [<!ENTITY a "b">]>', xml.slice(at)];
    await expect(async () => {
      for await (const _ of streamCamt(chunks.map((chunk) => Buffer.from(chunk)))) {
        // drain
      }
    }).rejects.toThrow(UnsafeDocumentError);
  });

  it('reads string sources whose chunks split a surrogate pair', async () => {
    const emoji = xml.replace('<Ustrd>', '<Ustrd>😀');
    const at = emoji.indexOf('😀') + 1;
    const events = [];
    for await (const event of streamCamt([emoji.slice(0, at), emoji.slice(at)])) events.push(event);
    const entries = events.flatMap((event) => (event.kind === 'entry' ? [event.entry] : []));
    expect(entries).toEqual(parseCamt053(emoji).statements[0]?.entries);
    expect(JSON.stringify(entries)).toContain('😀');
  });
});
