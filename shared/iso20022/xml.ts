// The project's only XML plumbing: the single fast-xml-parser configuration (small messages), the
// document guards (DOCTYPE, size), root sniffing for message detection, a path-aware cursor over parsed
// trees, and the escaping used by the string builders.

import { XMLParser } from 'fast-xml-parser';
import { formatMinor } from '../domain/money.ts';
import { Iso20022ParseError, UnsafeDocumentError } from './errors.ts';

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/** A parsed element as fast-xml-parser shapes it (and as our streaming reader imitates it). */
export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [name: string]: XmlValue;
}

/**
 * Elements that repeat in some message we read. They always come back as arrays, so a document with
 * one `Ntry` and one with many look the same. (The cursor array-izes anyway; this keeps raw output stable.)
 */
export const ALWAYS_ARRAY = new Set([
  'PmtInf',
  'CdtTrfTxInf',
  'OrgnlPmtInfAndSts',
  'TxInfAndSts',
  'StsRsnInf',
  'AddtlInf',
  'NbOfTxsPerSts',
  'Stmt',
  'Rpt',
  'Ntfctn',
  'Bal',
  'Ntry',
  'NtryDtls',
  'TxDtls',
  'Ustrd',
  'Strd',
  'CdtrRefInf',
  'Rcrd',
  'Othr',
  'RptgReq',
]);

const ENTITY = /&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references (no DTD entities exist: DOCTYPE is refused). */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(
    ENTITY,
    (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (name !== undefined) return NAMED[name] ?? whole;
      const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    },
  );
}

// The one fast-xml-parser configuration of the project. Values stay strings (`0042` stays `0042`,
// `12.50` stays `12.50`); namespace prefixes are dropped because ISO documents use them inconsistently;
// entities are decoded by `decodeEntities` so numeric references work too.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  removeNSPrefix: true,
  trimValues: true,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  tagValueProcessor: (_name, value) => decodeEntities(value),
  attributeValueProcessor: (_name, value) => decodeEntities(value),
  isArray: (name, _path, _isLeaf, isAttribute) => !isAttribute && ALWAYS_ARRAY.has(name),
});

export interface GuardOptions {
  maxBytes?: number;
}

/** Refuses documents with a DOCTYPE (entity expansion, external entities) or beyond the size limit. */
export function guardDocument(xml: string, messageType: string, options: GuardOptions = {}): void {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // A UTF-8 byte is at most one UTF-16 unit, and a unit at most 3 bytes: only count when it matters.
  const bytes = xml.length * 3 <= maxBytes ? xml.length : Buffer.byteLength(xml, 'utf8');
  if (bytes > maxBytes) {
    throw new UnsafeDocumentError(`document is ${bytes} bytes, larger than the limit of ${maxBytes}`, {
      messageType,
    });
  }
  checkNoDoctype(xml, messageType);
}

const DOCTYPE = /<!DOCTYPE/i;

export function checkNoDoctype(text: string, messageType: string): void {
  const match = DOCTYPE.exec(text);
  if (match) {
    throw new UnsafeDocumentError('documents with a DOCTYPE are refused (entity expansion risk)', {
      messageType,
      value: text.slice(match.index, match.index + 60),
    });
  }
}

/** Parses a (guarded) document with the project's fast-xml-parser configuration. */
export function parseXml(xml: string, messageType: string, options: GuardOptions = {}): XmlObject {
  guardDocument(xml, messageType, options);
  try {
    return parser.parse(xml, true) as XmlObject;
  } catch (error) {
    const err = error as { message?: string; err?: { msg?: string; line?: number } };
    const detail = err.err?.msg ?? err.message ?? 'not well-formed XML';
    const line = err.err?.line;
    throw new Iso20022ParseError(`not well-formed XML: ${detail}`, {
      messageType,
      ...(line === undefined ? {} : { path: `line ${line}` }),
      cause: error,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Escaping for the string builders

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const TEXT_SPECIAL = /[&<>]/;
const TEXT_ESCAPE = /[&<>]/g;
const ATTRIBUTE_ESCAPE = /[&<>"']/g;

/** Escapes element text (`&`, `<`, `>`; quotes need no escaping outside attributes). */
export function escapeXml(text: string): string {
  return TEXT_SPECIAL.test(text) ? text.replace(TEXT_ESCAPE, (char) => ESCAPES[char] ?? char) : text;
}

/** Escapes an attribute value (double or single quoted). */
export function escapeAttribute(text: string): string {
  return text.replace(ATTRIBUTE_ESCAPE, (char) => ESCAPES[char] ?? char);
}

/** `<Tag>escaped</Tag>` */
export function el(tag: string, text: string): string {
  return `<${tag}>${escapeXml(text)}</${tag}>`;
}

/**
 * Builds a large document from many small strings by encoding each one straight into a growing UTF-8
 * buffer and decoding once at the end. Joining thousands of template-literal results instead makes V8
 * keep and later flatten one rope per piece, which costs more than the encoding. Pieces must be
 * well-formed UTF-16 (no lone surrogates): everything we write went through `stripXmlInvalid` or is ASCII.
 */
// One scratch buffer kept between builds (up to SPARE_LIMIT bytes): fresh multi-megabyte buffers cost a page
// fault per 4 KiB on first write, which for a 10,000-payment pain.001 was a noticeable part of the build. Builds
// are synchronous, so one builder at a time uses it; a nested builder simply allocates its own.
const SPARE_LIMIT = 64 * 1024 * 1024;
let spare: FastBuffer | undefined;

export class Utf8Builder {
  private buffer: FastBuffer;
  private length = 0;
  /** Every piece so far was ASCII (bytes written = UTF-16 units): the result decodes as Latin-1. */
  private ascii = true;

  constructor(expectedBytes = 64 * 1024) {
    const size = Math.max(1024, expectedBytes);
    if (spare !== undefined && spare.length >= size) {
      this.buffer = spare;
      spare = undefined;
    } else {
      this.buffer = Buffer.allocUnsafe(size) as FastBuffer;
    }
  }

  push(text: string): void {
    if (this.buffer === EMPTY_BUFFER) throw new Error('Utf8Builder used after finish() or discard()');
    // A UTF-16 unit never needs more than 3 UTF-8 bytes.
    if (this.length + text.length * 3 > this.buffer.length) this.grow(text.length * 3);
    // `utf8Write` is what `Buffer#write` calls after normalising its arguments; ours are always valid.
    const written = this.buffer.utf8Write(text, this.length, this.buffer.length - this.length);
    this.length += written;
    if (written !== text.length) this.ascii = false;
  }

  /**
   * Appends text that needs no escaping (markup, and fields validation restricts to ASCII: ids, IBANs, BICs,
   * dates), one byte per unit without a string or a native call; anything non-ASCII goes through `push`.
   */
  raw(text: string): void {
    const count = text.length;
    if (this.length + count * 3 > this.buffer.length) this.grow(count * 3);
    const buffer = this.buffer;
    let at = this.length;
    for (let k = 0; k < count; k++) {
      const c = text.charCodeAt(k);
      if (c >= 0x80) {
        this.length = at;
        this.push(text.slice(k));
        return;
      }
      buffer[at++] = c;
    }
    this.length = at;
  }

  /** Appends element text escaped exactly like `escapeXml` (`&`, `<`, `>`). */
  escaped(text: string): void {
    const count = text.length;
    // `&amp;` is the longest expansion of one unit (5 bytes); a non-ASCII unit takes at most 3.
    if (this.length + count * 5 > this.buffer.length) this.grow(count * 5);
    const buffer = this.buffer;
    let at = this.length;
    for (let k = 0; k < count; k++) {
      const c = text.charCodeAt(k);
      if (c >= 0x80) {
        this.length = at;
        this.push(escapeXml(text.slice(k)));
        return;
      }
      if (c === 0x26) {
        buffer[at++] = 0x26; // &amp;
        buffer[at++] = 0x61;
        buffer[at++] = 0x6d;
        buffer[at++] = 0x70;
        buffer[at++] = 0x3b;
      } else if (c === 0x3c || c === 0x3e) {
        buffer[at++] = 0x26; // &lt; &gt;
        buffer[at++] = c === 0x3c ? 0x6c : 0x67;
        buffer[at++] = 0x74;
        buffer[at++] = 0x3b;
      } else {
        buffer[at++] = c;
      }
    }
    this.length = at;
  }

  /**
   * Appends a non-negative safe integer of minor units as a decimal with two fraction digits, exactly as
   * `formatMinor(minor, 2)` writes it.
   */
  minor2(minor: number): void {
    if (!Number.isSafeInteger(minor) || minor < 0) {
      this.raw(formatMinor(minor, 2));
      return;
    }
    if (this.length + 20 > this.buffer.length) this.grow(20);
    const buffer = this.buffer;
    const fraction = minor % 100;
    let whole = (minor - fraction) / 100;
    let digits = 1;
    for (let rest = whole; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.length + digits;
    this.length = at + 3;
    do {
      const next = Math.floor(whole / 10);
      buffer[--at] = 0x30 + (whole - next * 10);
      whole = next;
    } while (whole > 0);
    at += digits;
    buffer[at++] = 0x2e;
    buffer[at++] = 0x30 + Math.floor(fraction / 10);
    buffer[at] = 0x30 + (fraction % 10);
  }

  private grow(needed: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + needed)) as FastBuffer;
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  /** The text built so far. The builder must not be used afterwards (its buffer goes back to the pool). */
  finish(): string {
    const text = decodeUtf8(this.buffer, this.length, this.ascii);
    this.discard();
    return text;
  }

  /** Bytes written so far (a position for `finishBytesFrom`). */
  get size(): number {
    return this.length;
  }

  /**
   * The UTF-8 bytes of the result (a copy sized to fit; `ascii` tells whether they decode as Latin-1), assembled
   * from pieces in order: each a string (encoded here) or two numbers, a `[start, end)` range of what was built.
   * A writer can so put text in front of what it built (a header that needs totals) in the one copy it needs
   * anyway. The builder must not be used afterwards.
   */
  finishBytesFrom(pieces: readonly (string | number)[]): { bytes: Buffer; ascii: boolean } {
    let total = 0;
    let ascii = this.ascii;
    for (let k = 0; k < pieces.length; k++) {
      const piece = pieces[k] as string | number;
      if (typeof piece === 'string') {
        const length = Buffer.byteLength(piece);
        if (length !== piece.length) ascii = false;
        total += length;
      } else {
        const end = pieces[++k];
        if (typeof end !== 'number' || piece < 0 || end < piece || end > this.length) {
          throw new Error(`Utf8Builder.finishBytesFrom: bad range ${piece}..${String(end)}`);
        }
        total += end - piece;
      }
    }
    const bytes = Buffer.allocUnsafe(total) as FastBuffer;
    let at = 0;
    for (let k = 0; k < pieces.length; k++) {
      const piece = pieces[k] as string | number;
      if (typeof piece === 'string') {
        at += bytes.utf8Write(piece, at, total - at);
      } else {
        const end = pieces[++k] as number;
        at += this.buffer.copy(bytes, at, piece, end);
      }
    }
    this.discard();
    return { bytes, ascii };
  }

  /** Drops what was built (the buffer goes back to the pool). The builder must not be used afterwards. */
  discard(): void {
    if (this.buffer.length <= SPARE_LIMIT && (spare === undefined || spare.length < this.buffer.length))
      spare = this.buffer;
    this.buffer = EMPTY_BUFFER;
    this.length = 0;
  }
}

const EMPTY_BUFFER = Buffer.alloc(0) as FastBuffer;

/** Decodes UTF-8 bytes; all-ASCII bytes (known from writing them) are a plain Latin-1 copy, no validation. */
export function decodeUtf8(bytes: Buffer, length: number, ascii: boolean): string {
  const buffer = bytes as FastBuffer;
  return ascii ? buffer.latin1Slice(0, length) : buffer.utf8Slice(0, length);
}

/** Node's unchecked Buffer codecs (behind `Buffer#write` / `Buffer#toString`). */
interface FastBuffer extends Buffer {
  utf8Write(text: string, offset: number, length: number): number;
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

// ---------------------------------------------------------------------------------------------
// Cursor: navigates fast-xml-parser-shaped trees and reports errors with element paths

const PATHS = new Map<string, string[]>();
function splitPath(path: string): string[] {
  let parts = PATHS.get(path);
  if (!parts) {
    parts = path.split('/');
    PATHS.set(path, parts);
  }
  return parts;
}

export class Cursor {
  readonly node: XmlValue;
  readonly messageType: string;
  private readonly parent: Cursor | undefined;
  private readonly step: string;

  constructor(node: XmlValue, messageType: string, step: string, parent?: Cursor) {
    this.node = node;
    this.messageType = messageType;
    this.step = step;
    this.parent = parent;
  }

  /** Element path for error messages, e.g. `Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts[1]/TxSts`. */
  get path(): string {
    return this.parent ? `${this.parent.path}/${this.step}` : this.step;
  }

  private raw(name: string): XmlValue[] {
    const node = this.node;
    if (typeof node !== 'object' || Array.isArray(node)) return [];
    const value = node[name];
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value];
  }

  has(name: string): boolean {
    return this.raw(name).length > 0;
  }

  /** The first child element with that name, or undefined. */
  el(name: string): Cursor | undefined {
    const values = this.raw(name);
    const first = values[0];
    if (first === undefined) return undefined;
    return new Cursor(first, this.messageType, values.length > 1 ? `${name}[0]` : name, this);
  }

  /** All child elements with that name. */
  els(name: string): Cursor[] {
    const values = this.raw(name);
    const multiple = values.length > 1;
    return values.map(
      (value, index) => new Cursor(value, this.messageType, multiple ? `${name}[${index}]` : name, this),
    );
  }

  /** A required child element. */
  req(name: string): Cursor {
    const child = this.el(name);
    if (!child) throw this.error(`required element ${name} is missing`, `${this.path}/${name}`);
    return child;
  }

  /** Follows a path of child names (`'Id/IBAN'`), undefined when any step is missing. */
  at(path: string): Cursor | undefined {
    let current: Cursor | undefined = this;
    for (const name of splitPath(path)) {
      current = current?.el(name);
      if (!current) return undefined;
    }
    return current;
  }

  /** Text of this element ('' for empty elements). */
  text(): string {
    const node = this.node;
    if (typeof node === 'string') return node;
    if (typeof node === 'object' && !Array.isArray(node)) {
      const text = node['#text'];
      return typeof text === 'string' ? text : '';
    }
    return '';
  }

  /** Text at a child path, undefined when missing or empty. Walks raw nodes: no cursor allocation. */
  str(path: string): string | undefined {
    let node: XmlValue | undefined = this.node;
    if (path.indexOf('/') < 0) {
      if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
      const value: XmlValue | undefined = node[path];
      node = Array.isArray(value) ? value[0] : value;
      if (node === undefined) return undefined;
    } else {
      for (const name of splitPath(path)) {
        if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
        const value: XmlValue | undefined = node[name];
        node = Array.isArray(value) ? value[0] : value;
        if (node === undefined) return undefined;
      }
    }
    const text =
      typeof node === 'string'
        ? node
        : typeof node === 'object' && !Array.isArray(node)
          ? node['#text']
          : undefined;
    return typeof text === 'string' && text !== '' ? text : undefined;
  }

  /** Text at a child path, required non-empty. */
  reqStr(path: string): string {
    const found = this.at(path);
    if (!found) throw this.error(`required element ${path} is missing`, `${this.path}/${path}`);
    const text = found.text();
    if (text === '') throw found.error('required element is empty');
    return text;
  }

  attr(name: string): string | undefined {
    const node = this.node;
    if (typeof node !== 'object' || Array.isArray(node)) return undefined;
    const value = node[`@_${name}`];
    return typeof value === 'string' ? value : undefined;
  }

  error(message: string, path: string = this.path, value?: string): Iso20022ParseError {
    return new Iso20022ParseError(message, {
      messageType: this.messageType,
      path,
      ...(value === undefined ? {} : { value }),
    });
  }
}
