// The simulator's only door to XML: every document it reads or writes goes through the project's ISO 20022
// codec (shared/iso20022), so the simulator speaks exactly what the connector parses.

import { buildCamt052, type Camt052Input } from '#shared/iso20022/camt052-build.ts';
import {
  buildCamt053,
  buildCamt054,
  buildPain002,
  detectMessageType,
  parseCamt060,
  parsePain001,
} from '#shared/iso20022/index.ts';
import type {
  Camt053Input,
  Pain002Report,
  Pain002Version,
  ParsedCamt060,
  ParsedPain001,
} from '#shared/iso20022/types.ts';

export type { Camt053Input, Pain002Report, Pain002Version, ParsedCamt060, ParsedPain001 };

function xmlOf(result: string | { xml: string }): string {
  return typeof result === 'string' ? result : result.xml;
}

export const documents = {
  detect: (xml: string) => detectMessageType(xml),
  parsePain001: (xml: string, maxBytes: number): ParsedPain001 => parsePain001(xml, { maxBytes }),
  parseCamt060: (xml: string, maxBytes: number): ParsedCamt060 => parseCamt060(xml, { maxBytes }),
  pain002: (report: Pain002Report, version: Pain002Version): string => xmlOf(buildPain002(report, version)),
  camt053: (input: Camt053Input): string => xmlOf(buildCamt053(input, 'camt.053.001.02')),
  camt054: (input: Camt053Input): string => xmlOf(buildCamt054(input, 'camt.054.001.02')),
  camt052: (input: Camt052Input): string => buildCamt052(input).xml,
};

let xsdDirectory: string | undefined | null = null;

/** Where the official XSDs are (`ISO20022_CORPUS_DIR` or `<repo>/../shared/iso20022`), if present. */
export async function findXsdDirectory(): Promise<string | undefined> {
  if (xsdDirectory !== null) return xsdDirectory;
  const { existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const { join, resolve } = await import('node:path');
  const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
  const candidates = [
    process.env.ISO20022_CORPUS_DIR ? join(process.env.ISO20022_CORPUS_DIR, 'xsd') : undefined,
    process.env.ISO20022_CORPUS_DIR,
    join(repoRoot, '..', 'shared', 'iso20022', 'xsd'),
  ].filter((candidate): candidate is string => candidate !== undefined);
  xsdDirectory = candidates.find((candidate) => existsSync(join(candidate, 'pain.001.001.03.xsd')));
  return xsdDirectory;
}

/** XSD-validates a received document when the corpus is available; `undefined` = not checked. */
export async function validateReceived(
  xml: string,
): Promise<{ valid: boolean; errors: string[] } | undefined> {
  const directory = await findXsdDirectory();
  if (!directory) return undefined;
  const { validateAgainstXsd, schemaFileFor } = await import('#shared/iso20022/xsd.ts');
  const version = detectMessageType(xml).version;
  if (!schemaFileFor(version, directory)) return undefined;
  const result = await validateAgainstXsd(xml, directory);
  return { valid: result.valid, errors: result.errors };
}
