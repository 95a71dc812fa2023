// Message detection from the root element: namespace first (ISO urn, Swiss SIX dialect), then the message
// element name, which also rescues documents that carry no usable namespace.

import { UnknownMessageTypeError } from './errors.ts';
import type { DetectedMessageType, MessageFamily } from './types.ts';
import { checkNoDoctype } from './xml.ts';

const MESSAGE_ELEMENTS: Readonly<Record<string, MessageFamily>> = {
  CstmrCdtTrfInitn: 'pain.001',
  CstmrPmtStsRpt: 'pain.002',
  BkToCstmrAcctRpt: 'camt.052',
  BkToCstmrStmt: 'camt.053',
  BkToCstmrDbtCdtNtfctn: 'camt.054',
  AcctRptgReq: 'camt.060',
};

const ISO_NS = /^urn:iso:std:iso:20022:tech:xsd:(([a-z]{4})\.\d{3})\.\d{3}\.(\d{2})$/;
const SIX_NS =
  /^http:\/\/www\.six-interbank-clearing\.com\/de\/((pain|camt)\.\d{3})\.001\.(\d{2})\.ch\.\d{2}\.xsd$/;
const FAMILIES = new Set<string>(Object.values(MESSAGE_ELEMENTS));

interface RootInfo {
  namespace: string;
  /** A misspelt namespace attribute (e.g. `Xmlns`) some producers write; used only as a version hint. */
  namespaceHint: string | undefined;
  rootName: string;
  messageElement: string | undefined;
}

const START_TAG =
  /<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/y;
const ATTRIBUTE = /([^\s=>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Reads the first two start tags of a document without parsing it all (works on a stream's first chunk). */
export function sniffRoot(head: string): RootInfo | undefined {
  let index = 0;
  const tags: { prefix: string; name: string; attributes: Map<string, string> }[] = [];
  while (tags.length < 2) {
    const open = head.indexOf('<', index);
    if (open < 0) return tags.length ? finish(tags) : undefined;
    if (head.startsWith('<?', open)) {
      index = head.indexOf('?>', open) + 2;
    } else if (head.startsWith('<!--', open)) {
      index = head.indexOf('-->', open) + 3;
    } else if (head.startsWith('<!', open)) {
      index = head.indexOf('>', open) + 1;
    } else {
      START_TAG.lastIndex = open;
      const match = START_TAG.exec(head);
      if (!match) return tags.length ? finish(tags) : undefined;
      const attributes = new Map<string, string>();
      for (const attr of (match[3] ?? '').matchAll(ATTRIBUTE)) {
        attributes.set(attr[1] ?? '', attr[2] ?? attr[3] ?? '');
      }
      tags.push({ prefix: (match[1] ?? '').replace(/:$/, ''), name: match[2] ?? '', attributes });
      index = START_TAG.lastIndex;
    }
    if (index <= open) return tags.length ? finish(tags) : undefined;
  }
  return finish(tags);
}

function finish(
  tags: { prefix: string; name: string; attributes: Map<string, string> }[],
): RootInfo | undefined {
  const root = tags[0];
  if (!root) return undefined;
  const namespaceAttribute = root.prefix ? `xmlns:${root.prefix}` : 'xmlns';
  let namespaceHint: string | undefined;
  for (const [name, value] of root.attributes) {
    if (name.toLowerCase() === namespaceAttribute.toLowerCase() && name !== namespaceAttribute)
      namespaceHint = value;
  }
  return {
    namespace: root.attributes.get(namespaceAttribute) ?? '',
    namespaceHint,
    rootName: root.name,
    messageElement: tags[1]?.name,
  };
}

/**
 * Tells which ISO 20022 message a document is. Throws `UnknownMessageTypeError` for an unknown namespace
 * or message element; a namespace that contradicts the message element is also refused.
 */
export function detectMessageType(xml: string): DetectedMessageType {
  const head = xml.length > 65_536 ? xml.slice(0, 65_536) : xml;
  checkNoDoctype(head, 'unknown');
  const root = sniffRoot(head);
  if (!root) {
    throw new UnknownMessageTypeError('no root element found', {
      messageType: 'unknown',
      value: head.slice(0, 80),
    });
  }
  const byElement = root.messageElement ? MESSAGE_ELEMENTS[root.messageElement] : undefined;
  const iso = ISO_NS.exec(root.namespace);
  const six = iso ? null : SIX_NS.exec(root.namespace);
  const found = iso ?? six;
  if (found) {
    const family = found[1] ?? '';
    if (!FAMILIES.has(family)) {
      throw new UnknownMessageTypeError(`unsupported message ${family}`, {
        messageType: family,
        path: root.rootName,
        value: root.namespace,
      });
    }
    if (byElement && byElement !== family) {
      throw new UnknownMessageTypeError(
        `namespace says ${family} but the message element is ${root.messageElement}`,
        {
          messageType: family,
          path: `${root.rootName}/${root.messageElement}`,
          value: root.namespace,
        },
      );
    }
    return {
      type: family as MessageFamily,
      version: `${family}.001.${found[3]}`,
      namespace: root.namespace,
      dialect: iso ? 'iso' : 'swiss-six',
    };
  }
  if (root.namespace === '' && byElement) {
    const hint = root.namespaceHint ? ISO_NS.exec(root.namespaceHint) : null;
    const version =
      hint && hint[1] === byElement ? `${byElement}.001.${hint[3]}` : `${byElement}.001.unknown`;
    return { type: byElement, version, namespace: '', dialect: 'no-namespace' };
  }
  throw new UnknownMessageTypeError(
    root.namespace === ''
      ? `unknown message element ${root.messageElement ?? '(none)'}`
      : 'unknown namespace',
    {
      messageType: 'unknown',
      path: root.messageElement ? `${root.rootName}/${root.messageElement}` : root.rootName,
      value: root.namespace || root.messageElement || root.rootName,
    },
  );
}

/** Detects and insists on one message family. */
export function expectMessageType(xml: string, family: MessageFamily): DetectedMessageType {
  const detected = detectMessageType(xml);
  if (detected.type !== family) {
    throw new UnknownMessageTypeError(`expected a ${family} message but got ${detected.type}`, {
      messageType: detected.version,
      value: detected.namespace || detected.type,
    });
  }
  return detected;
}
