// A streaming pull tokenizer for XML bytes, written for the camt reader (statements of 100+ MB).
//
// Feed UTF-8 chunks with `push`, mark the end with `end`, and pull tokens with `next` until it returns
// `TOKEN_NONE` (needs more input) or `TOKEN_EOF`. It scans bytes with table-driven char-code loops and only
// decodes what a consumer asks for: element and attribute names are interned (no string per tag), text is
// decoded lazily (`text()`), ASCII runs with `latin1Slice`, the rest with `utf8Slice`. A token split over
// chunks (a tag, a multi-byte character, an entity) is simply completed when the next chunk arrives: the
// unconsumed tail is copied in front of it into one reused buffer, so no chunk is retained.
//
// Checks (XmlSyntaxError): tag nesting and end-tag names, one root element and nothing but whitespace
// outside it, attribute syntax (quoted values, no `<`, no duplicates, whitespace between them), the five
// predefined entities and numeric character references (must name an XML Char), `]]>` in text, `--` in
// comments, control characters, an XML declaration anywhere but at the start, and any construct left
// unterminated at the end of input. `<!DOCTYPE` (and every other `<!` declaration) is refused: there is no
// DTD support, so no entity expansion. Not checked: the full Unicode NameChar classes (non-ASCII name bytes
// are accepted), namespace bindings (names are returned with their prefix, like saxes with `xmlns: false`),
// and the declared encoding (always read as UTF-8, invalid sequences become U+FFFD).

export const TOKEN_NONE = 0;
export const TOKEN_OPEN = 1;
export const TOKEN_CLOSE = 2;
export const TOKEN_TEXT = 3;
export const TOKEN_CDATA = 4;
export const TOKEN_EOF = 5;
export type XmlToken = 0 | 1 | 2 | 3 | 4 | 5;

export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError';
  /** True when the document was refused for a DOCTYPE (callers report it as unsafe, not malformed). */
  readonly doctype: boolean;
  constructor(message: string, doctype = false) {
    super(message);
    this.doctype = doctype;
  }
}

interface FastBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

// Text byte classes (OR-ed together while scanning a text run).
const T_LT = 1;
const T_AMP = 2;
const T_CR = 4;
const T_GT = 8;
const T_NONWS = 16;
const T_HIGH = 32;
const T_CTRL = 64;
const TEXT_CLASS = new Uint8Array(256);
// Attribute value byte classes.
const A_LT = 1;
const A_AMP = 2;
const A_WS = 4;
const A_HIGH = 8;
const A_CTRL = 16;
const ATTR_CLASS = new Uint8Array(256);
// Name bytes: 1 = may continue a name, 2 = may start one. Non-ASCII bytes are accepted in names.
const NAME_CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  let t = T_NONWS;
  let a = 0;
  if (b === 0x3c) {
    t = T_LT;
    a = A_LT;
  } else if (b === 0x26) {
    t |= T_AMP;
    a = A_AMP;
  } else if (b === 0x3e) t |= T_GT;
  else if (b === 0x0d) {
    t = T_CR;
    a = A_WS;
  } else if (b === 0x09 || b === 0x0a || b === 0x20) {
    t = 0;
    a = b === 0x20 ? 0 : A_WS;
  } else if (b < 0x20) {
    t |= T_CTRL;
    a = A_CTRL;
  } else if (b >= 0x80) {
    t |= T_HIGH;
    a = A_HIGH;
  }
  TEXT_CLASS[b] = t;
  ATTR_CLASS[b] = a;
  const letter = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
  if (letter || b === 0x5f || b === 0x3a || b >= 0x80) NAME_CLASS[b] = 3;
  else if ((b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2e) NAME_CLASS[b] = 1;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const DASH = 0x2d;
const LBRACKET = 0x5b;

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x09 || b === 0x0d;
}

const CDATA_OPEN = Buffer.from('<![CDATA[', 'latin1');
const CDATA_CLOSE = Buffer.from(']]>', 'latin1');
const DOUBLE_DASH = Buffer.from('--', 'latin1');
const PI_CLOSE = Buffer.from('?>', 'latin1');
const DOCTYPE = 'DOCTYPE';
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

const DECIMAL = /^#[0-9]{1,10}$/;
const HEX = /^#x[0-9a-fA-F]{1,8}$/;

/** Decodes the predefined entities and character references; anything else is a syntax error. */
export function decodeEntitiesStrict(text: string): string {
  let amp = text.indexOf('&');
  if (amp < 0) return text;
  let out = '';
  let last = 0;
  while (amp >= 0) {
    const semi = text.indexOf(';', amp + 1);
    if (semi < 0) throw new XmlSyntaxError(`unterminated entity reference "${text.slice(amp, amp + 12)}"`);
    const name = text.slice(amp + 1, semi);
    let replacement = NAMED_ENTITIES[name];
    if (replacement === undefined) {
      let code = Number.NaN;
      if (HEX.test(name)) code = Number.parseInt(name.slice(2), 16);
      else if (DECIMAL.test(name)) code = Number.parseInt(name.slice(1), 10);
      else if (name.charCodeAt(0) === 0x23)
        throw new XmlSyntaxError(`malformed character reference "&${name.slice(0, 20)};"`);
      else throw new XmlSyntaxError(`undefined entity "&${name.slice(0, 20)};"`);
      if (!isXmlChar(code))
        throw new XmlSyntaxError(`character reference "&${name};" is not an XML character`);
      replacement = String.fromCodePoint(code);
    }
    out += text.slice(last, amp) + replacement;
    last = semi + 1;
    amp = text.indexOf('&', last);
  }
  return out + text.slice(last);
}

function stripPrefix(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** The internalised copy of a string (what V8 uses for property keys), via an object key round trip. */
function internalised(text: string): string {
  return Object.keys({ [text]: 0 })[0] ?? text;
}

const CRLF = /\r\n?/g;
const ATTR_WS = /\r\n|[\r\n\t]/g;
const INTERN_SIZE = 2048;
const INTERN_PROBES = 4;
const SKIPPED = -1;
const EMPTY = Buffer.alloc(0) as FastBuffer;

// Small integer ids for local element names, shared by every tokenizer of the process: a consumer that knows
// its names up front (the camt entry capture) looks children up by id in an array instead of a Map. Bounded, so
// documents full of invented names cannot grow it without limit; past the bound new names get -1.
const NAME_IDS = new Map<string, number>();
const MAX_NAME_IDS = 65_536;

/** The id of a local element name (assigned on first use), or -1 once the registry is full. */
export function nameId(local: string): number {
  let id = NAME_IDS.get(local);
  if (id === undefined) {
    if (NAME_IDS.size >= MAX_NAME_IDS) return -1;
    id = NAME_IDS.size;
    NAME_IDS.set(local, id);
  }
  return id;
}

export class XmlTokenizer {
  /** Name of the element of the last OPEN or CLOSE token (prefix included). */
  name = '';
  /** OPEN: `name` without its namespace prefix. */
  localName = '';
  /** OPEN: `nameId(localName)`. */
  localId = -1;
  /** OPEN: the element was written `<a/>`; its CLOSE token follows. */
  selfClosing = false;
  /** OPEN: attribute names and values, `attributeCount` of them are valid (arrays are reused). */
  readonly attributeNames: string[] = [];
  readonly attributeValues: string[] = [];
  attributeCount = 0;
  /** TEXT: the run contains only XML whitespace. */
  blank = false;

  private buf: FastBuffer = EMPTY;
  private pos = 0;
  private end = 0;
  /** Our own buffer for a tail carried over to the next chunk (reused, grows to the largest need). */
  private own: FastBuffer = EMPTY;
  private ended = false;
  private readonly stack: string[] = [];
  private depth = 0;
  private rootSeen = false;
  /** Something (other than a BOM) has been consumed: a later `<?xml` is misplaced. */
  private started = false;
  private bomChecked = false;
  private pendingClose = false;
  // TEXT / CDATA range in `buf`, valid until the next `next()`.
  private textStart = 0;
  private textEnd = 0;
  private textFlags = 0;
  private textValue: string | undefined;
  // Resume point of an unfinished text scan (relative to `pos`), so long runs are not rescanned per chunk.
  private scanned = 0;
  private scanFlags = 0;
  private readonly internKeys: (string | undefined)[] = new Array(INTERN_SIZE).fill(undefined);
  private readonly internLocal: string[] = new Array(INTERN_SIZE).fill('');
  private readonly internIds = new Int32Array(INTERN_SIZE);
  /** Local name of the last `intern` result. */
  private lastLocal = '';
  /** `nameId` of `lastLocal`. */
  private lastId = -1;
  /** Offset in `buf` of the last start tag (for `record`). */
  private tagStart = 0;
  // Recording (`record` / `recorded`): bytes from `recordStart` in `buf`, plus copies of earlier buffers.
  private recording = false;
  private recordStart = 0;
  private readonly recordedChunks: Buffer[] = [];

  /** Element names currently open, outermost first. */
  get openElements(): readonly string[] {
    return this.stack.slice(0, this.depth);
  }

  /** Adds the next chunk of the document. The tokenizer does not keep a reference to it after the next `push`. */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('push after end');
    if (chunk.length === 0) return;
    if (this.recording) {
      // The bytes before `pos` are about to go: keep a copy of the recorded part.
      if (this.pos > this.recordStart)
        this.recordedChunks.push(Buffer.from(this.buf.subarray(this.recordStart, this.pos)));
      this.recordStart = 0;
    }
    const view = (
      Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    ) as FastBuffer;
    const rest = this.end - this.pos;
    if (rest === 0) {
      this.buf = view;
      this.pos = 0;
      this.end = view.length;
      return;
    }
    const need = rest + view.length;
    if (this.own.length < need) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.own.length * 2, 64 * 1024)) as FastBuffer;
      this.buf.copy(grown, 0, this.pos, this.end);
      this.own = grown;
    } else if (this.buf === this.own) {
      this.own.copyWithin(0, this.pos, this.end);
    } else {
      this.buf.copy(this.own, 0, this.pos, this.end);
    }
    view.copy(this.own, rest);
    this.buf = this.own;
    this.pos = 0;
    this.end = need;
  }

  /**
   * Starts keeping the document's bytes from the start tag of the last OPEN token on, until `recorded` or
   * `stopRecording`. Costs nothing unless a chunk boundary falls inside (then that part is copied once).
   */
  record(): void {
    this.recording = true;
    this.recordStart = this.tagStart;
    this.recordedChunks.length = 0;
  }

  /** The bytes since `record` up to the end of the last token, and stops recording. */
  recorded(): Buffer {
    const tail = this.buf.subarray(this.recordStart, this.pos);
    const bytes =
      this.recordedChunks.length === 0 ? Buffer.from(tail) : Buffer.concat([...this.recordedChunks, tail]);
    this.stopRecording();
    return bytes;
  }

  stopRecording(): void {
    this.recording = false;
    this.recordedChunks.length = 0;
  }

  /** No more input: `next` now reports anything unterminated or unclosed, then returns TOKEN_EOF. */
  finish(): void {
    this.ended = true;
  }

  /** Decoded text of the last TEXT or CDATA token (line ends normalised, entities decoded). */
  text(): string {
    if (this.textValue === undefined) this.textValue = this.decodeText();
    return this.textValue;
  }

  next(): XmlToken {
    if (this.pendingClose) {
      this.pendingClose = false;
      this.depth--;
      return TOKEN_CLOSE;
    }
    for (;;) {
      const token = this.step();
      if (token !== SKIPPED) return token as XmlToken;
    }
  }

  /** One construct: a token, or SKIPPED for comments, instructions and whitespace outside the root. */
  private step(): number {
    const buf = this.buf;
    const i = this.pos;
    const end = this.end;
    if (i >= end) return this.ended ? this.eof() : TOKEN_NONE;
    if (!this.bomChecked) {
      // A UTF-8 byte order mark is not part of the document.
      if (buf[i] === 0xef) {
        if (end - i < 3 && !this.ended) return TOKEN_NONE;
        if (buf[i + 1] === 0xbb && buf[i + 2] === 0xbf) this.pos = i + 3;
      }
      this.bomChecked = true;
      return SKIPPED;
    }
    if (buf[i] !== LT) return this.scanText(buf, i, end);
    if (i + 1 >= end) return this.incomplete('markup');
    const b = buf[i + 1] as number;
    if (b === SLASH) return this.endTag(buf, i, end);
    if (b === BANG) return this.declaration(buf, i, end);
    if (b === QUESTION) return this.instruction(buf, i, end);
    return this.startTag(buf, i, end);
  }

  // -------------------------------------------------------------------------------------------

  private incomplete(what: string): number {
    if (!this.ended) return TOKEN_NONE;
    throw new XmlSyntaxError(`document ended inside ${what}`);
  }

  private eof(): number {
    if (this.depth > 0) {
      throw new XmlSyntaxError(`document ended early: <${this.stack[this.depth - 1]}> is not closed`);
    }
    if (!this.rootSeen) throw new XmlSyntaxError('document has no root element');
    return TOKEN_EOF;
  }

  private scanText(buf: FastBuffer, i: number, end: number): number {
    let j = i + this.scanned;
    let flags = this.scanFlags;
    while (j < end) {
      const c = TEXT_CLASS[buf[j] as number] as number;
      if (c === T_LT) break;
      flags |= c;
      j++;
    }
    if (j >= end && !this.ended) {
      this.scanned = j - i;
      this.scanFlags = flags;
      return TOKEN_NONE;
    }
    this.scanned = 0;
    this.scanFlags = 0;
    this.pos = j;
    this.started = true;
    if (flags & T_CTRL) throw new XmlSyntaxError('disallowed control character in text');
    if (this.depth === 0) {
      if (flags & T_NONWS) {
        throw new XmlSyntaxError(
          this.rootSeen ? 'text after the root element' : 'text before the root element',
        );
      }
      return SKIPPED;
    }
    this.textStart = i;
    this.textEnd = j;
    this.textFlags = flags;
    this.textValue = undefined;
    this.blank = (flags & T_NONWS) === 0;
    if (flags & (T_AMP | T_GT)) {
      // Validate now, whether or not the consumer reads this text.
      const bad = flags & T_GT ? buf.indexOf(CDATA_CLOSE, i) : -1;
      if (bad >= 0 && bad < j) throw new XmlSyntaxError('"]]>" is not allowed in text');
      this.textValue = this.decodeText();
    }
    return TOKEN_TEXT;
  }

  private decodeText(): string {
    const flags = this.textFlags;
    let text =
      flags & T_HIGH
        ? this.buf.utf8Slice(this.textStart, this.textEnd)
        : this.buf.latin1Slice(this.textStart, this.textEnd);
    if (flags & T_CR) text = text.replace(CRLF, '\n');
    if (flags & T_AMP) text = decodeEntitiesStrict(text);
    return text;
  }

  /** Scans a name from `j`; returns its end (or -1 when the buffer ends first). */
  private nameEnd(buf: FastBuffer, j: number, end: number): number {
    while (j < end && (NAME_CLASS[buf[j] as number] as number) !== 0) j++;
    return j < end ? j : -1;
  }

  /**
   * The interned string for the name bytes [start, stop); sets `lastLocal` to the name without prefix.
   * Names repeat (a statement has a few dozen distinct ones), so a small direct-mapped cache keyed by a
   * hash of the bytes returns the same internalised string every time: no allocation per tag, and fast
   * property access when the name becomes an object key.
   */
  private intern(buf: FastBuffer, start: number, stop: number): string {
    let hash = 0;
    let high = 0;
    for (let k = start; k < stop; k++) {
      const b = buf[k] as number;
      hash = (Math.imul(hash, 31) + b) | 0;
      high |= b;
    }
    return this.internHashed(buf, start, stop, hash, high);
  }

  /** `intern` when the caller has computed the hash (and the OR of all bytes) while scanning the name. */
  private internHashed(buf: FastBuffer, start: number, stop: number, hash: number, high: number): string {
    if (high >= 0x80) {
      const name = buf.utf8Slice(start, stop);
      this.lastLocal = stripPrefix(name);
      this.lastId = nameId(this.lastLocal);
      return name;
    }
    // Open addressing over a few neighbouring slots: two names that hash alike (in the bench file `Amt`
    // and `Domn` did) must not evict each other on every tag.
    const home = (hash ^ (hash >>> 11)) & (INTERN_SIZE - 1);
    const length = stop - start;
    let free = -1;
    for (let probe = 0; probe < INTERN_PROBES; probe++) {
      const slot = (home + probe) & (INTERN_SIZE - 1);
      const cached = this.internKeys[slot];
      if (cached === undefined) {
        free = slot;
        break;
      }
      if (cached.length !== length) continue;
      let k = 0;
      while (k < length && cached.charCodeAt(k) === buf[start + k]) k++;
      if (k === length) {
        this.lastLocal = this.internLocal[slot] as string;
        this.lastId = this.internIds[slot] as number;
        return cached;
      }
    }
    const name = internalised(buf.latin1Slice(start, stop));
    const local = internalised(stripPrefix(name));
    // A full neighbourhood (only with thousands of distinct names) overwrites the home slot.
    const slot = free < 0 ? home : free;
    this.internKeys[slot] = name;
    this.internLocal[slot] = local;
    this.lastLocal = local;
    this.lastId = nameId(local);
    this.internIds[slot] = this.lastId;
    return name;
  }

  private startTag(buf: FastBuffer, i: number, end: number): number {
    if (((NAME_CLASS[buf[i + 1] as number] as number) & 2) === 0)
      throw new XmlSyntaxError('disallowed character after "<"');
    // Scan the name and hash it in one pass.
    let j = i + 1;
    let hash = 0;
    let high = 0;
    while (j < end) {
      const b = buf[j] as number;
      if ((NAME_CLASS[b] as number) === 0) break;
      hash = (Math.imul(hash, 31) + b) | 0;
      high |= b;
      j++;
    }
    if (j >= end) return this.incomplete('a start tag');
    const name = this.internHashed(buf, i + 1, j, hash, high);
    this.localName = this.lastLocal;
    this.localId = this.lastId;
    this.tagStart = i;
    if (this.depth === 0 && this.rootSeen)
      throw new XmlSyntaxError(`a second root element <${name}> after the first one`);
    let count = 0;
    const names = this.attributeNames;
    const values = this.attributeValues;
    for (;;) {
      let ws = false;
      while (j < end && isWs(buf[j] as number)) {
        j++;
        ws = true;
      }
      if (j >= end) return this.incomplete('a start tag');
      const c = buf[j] as number;
      if (c === GT) {
        j++;
        this.selfClosing = false;
        break;
      }
      if (c === SLASH) {
        if (j + 1 >= end) return this.incomplete('a start tag');
        if (buf[j + 1] !== GT) throw new XmlSyntaxError(`expected ">" after "/" in <${name}>`);
        j += 2;
        this.selfClosing = true;
        break;
      }
      if (!ws || ((NAME_CLASS[c] as number) & 2) === 0)
        throw new XmlSyntaxError(`disallowed character in the attributes of <${name}>`);
      const nameStart = j;
      j = this.nameEnd(buf, j + 1, end);
      if (j < 0) return this.incomplete('a start tag');
      const attribute = this.intern(buf, nameStart, j);
      while (j < end && isWs(buf[j] as number)) j++;
      if (j >= end) return this.incomplete('a start tag');
      if (buf[j] !== EQUALS) throw new XmlSyntaxError(`attribute ${attribute} of <${name}> has no value`);
      j++;
      while (j < end && isWs(buf[j] as number)) j++;
      if (j >= end) return this.incomplete('a start tag');
      const quote = buf[j];
      if (quote !== DQUOTE && quote !== SQUOTE)
        throw new XmlSyntaxError(`attribute ${attribute} of <${name}> is not quoted`);
      const valueStart = ++j;
      let flags = 0;
      while (j < end) {
        const b = buf[j] as number;
        if (b === quote) break;
        flags |= ATTR_CLASS[b] as number;
        j++;
      }
      if (j >= end) return this.incomplete('a start tag');
      if (flags & (A_LT | A_CTRL))
        throw new XmlSyntaxError(`disallowed character in attribute ${attribute} of <${name}>`);
      let value = flags & A_HIGH ? buf.utf8Slice(valueStart, j) : buf.latin1Slice(valueStart, j);
      j++;
      if (flags & A_WS) value = value.replace(ATTR_WS, ' ');
      if (flags & A_AMP) value = decodeEntitiesStrict(value);
      for (let k = 0; k < count; k++) {
        if (names[k] === attribute)
          throw new XmlSyntaxError(`attribute ${attribute} appears twice in <${name}>`);
      }
      names[count] = attribute;
      values[count] = value;
      count++;
    }
    this.attributeCount = count;
    this.pos = j;
    this.name = name;
    this.rootSeen = true;
    this.started = true;
    if (this.selfClosing) this.pendingClose = true;
    this.stack[this.depth++] = name;
    return TOKEN_OPEN;
  }

  private endTag(buf: FastBuffer, i: number, end: number): number {
    // Common case first: `</` + the name of the open element + `>`. A name char cannot be `>`, so the match is
    // exact; anything else (blanks before `>`, a mismatch, the buffer ending) takes the general path.
    const open = this.depth > 0 ? (this.stack[this.depth - 1] as string) : undefined;
    if (open !== undefined) {
      const length = open.length;
      const stop = i + 2 + length;
      if (stop < end && buf[stop] === GT) {
        let k = 0;
        // ASCII only: a non-ASCII name is compared decoded, on the general path.
        for (; k < length; k++) {
          const c = open.charCodeAt(k);
          if (c >= 0x80 || c !== buf[i + 2 + k]) break;
        }
        if (k === length) {
          this.pos = stop + 1;
          this.name = open;
          this.depth--;
          return TOKEN_CLOSE;
        }
      }
    }
    if (i + 2 >= end) return this.incomplete('an end tag');
    let j = this.nameEnd(buf, i + 2, end);
    if (j < 0) return this.incomplete('an end tag');
    const nameStop = j;
    while (j < end && isWs(buf[j] as number)) j++;
    if (j >= end) return this.incomplete('an end tag');
    if (buf[j] !== GT || nameStop === i + 2) throw new XmlSyntaxError('malformed end tag');
    const expected = this.depth > 0 ? (this.stack[this.depth - 1] as string) : undefined;
    let same = expected !== undefined && expected.length === nameStop - i - 2;
    if (same) {
      const e = expected as string;
      for (let k = 0; k < e.length; k++) {
        // Byte-for-character holds for ASCII only; other names are compared decoded.
        const c = e.charCodeAt(k);
        if (c >= 0x80 || c !== buf[i + 2 + k]) {
          same = false;
          break;
        }
      }
      if (!same) same = e === buf.utf8Slice(i + 2, nameStop);
    } else if (expected !== undefined) {
      same = expected === buf.utf8Slice(i + 2, nameStop);
    }
    if (!same) {
      const got = buf.utf8Slice(i + 2, nameStop);
      throw new XmlSyntaxError(
        expected === undefined
          ? `end tag </${got}> without a start tag`
          : `end tag </${got}> does not match <${expected}>`,
      );
    }
    this.pos = j + 1;
    this.name = expected as string;
    this.depth--;
    return TOKEN_CLOSE;
  }

  private declaration(buf: FastBuffer, i: number, end: number): number {
    if (end - i < 4) return this.incomplete('markup');
    if (buf[i + 2] === DASH) {
      if (buf[i + 3] !== DASH) throw new XmlSyntaxError('malformed comment');
      // `--` may only appear as the end of a comment.
      const dashes = buf.indexOf(DOUBLE_DASH, i + 4);
      if (dashes < 0 || dashes + 2 >= end) return this.incomplete('a comment');
      if (buf[dashes + 2] !== GT) throw new XmlSyntaxError('"--" is not allowed inside a comment');
      this.pos = dashes + 3;
      this.started = true;
      return SKIPPED;
    }
    if (buf[i + 2] === LBRACKET) {
      if (end - i < CDATA_OPEN.length) return this.incomplete('markup');
      if (buf.compare(CDATA_OPEN, 0, CDATA_OPEN.length, i, i + CDATA_OPEN.length) !== 0)
        throw new XmlSyntaxError('malformed CDATA section');
      if (this.depth === 0) throw new XmlSyntaxError('CDATA section outside the root element');
      const start = i + CDATA_OPEN.length;
      const close = buf.indexOf(CDATA_CLOSE, start);
      if (close < 0 || close + 3 > end) return this.incomplete('a CDATA section');
      this.pos = close + 3;
      let flags = 0;
      for (let k = start; k < close; k++) flags |= TEXT_CLASS[buf[k] as number] as number;
      if (flags & T_CTRL) throw new XmlSyntaxError('disallowed control character in CDATA section');
      this.textStart = start;
      this.textEnd = close;
      this.textFlags = flags & (T_HIGH | T_CR);
      this.textValue = undefined;
      this.blank = (flags & T_NONWS) === 0;
      return TOKEN_CDATA;
    }
    // `<!DOCTYPE`, `<!ENTITY`, ...: no DTDs, so no entity expansion.
    if (end - i < 2 + DOCTYPE.length) {
      if (!this.ended) return TOKEN_NONE;
    }
    const word = buf.latin1Slice(i + 2, Math.min(end, i + 2 + DOCTYPE.length));
    if (word.toUpperCase() === DOCTYPE)
      throw new XmlSyntaxError('documents with a DOCTYPE are refused (entity expansion risk)', true);
    throw new XmlSyntaxError(`markup declaration "<!${word}" is not allowed`);
  }

  private instruction(buf: FastBuffer, i: number, end: number): number {
    const close = buf.indexOf(PI_CLOSE, i + 2);
    if (close < 0 || close + 2 > end) return this.incomplete('a processing instruction');
    const targetEnd = this.nameEnd(buf, i + 2, close + 1);
    const target = buf.latin1Slice(i + 2, targetEnd < 0 ? close : targetEnd);
    if (target === '') throw new XmlSyntaxError('processing instruction without a target');
    if (target.toLowerCase() === 'xml' && this.started)
      throw new XmlSyntaxError('XML declaration is only allowed at the start of the document');
    this.started = true;
    this.pos = close + 2;
    return SKIPPED;
  }
}
