// XSD validation with libxml2 compiled to WebAssembly (xmllint-wasm). Used by tests and the CLI; loaded
// lazily so production bundles never pull it in. The XSDs live outside the project (../shared/iso20022/xsd).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectMessageType } from './detect.ts';

export interface XsdResult {
  valid: boolean;
  /** Schema file used, e.g. `pain.001.001.09.xsd`. */
  schema: string;
  errors: string[];
}

/** Path of the XSD for a message version in `xsdDir`, or undefined when the directory has none. */
export function schemaFileFor(version: string, xsdDir: string): string | undefined {
  const file = join(xsdDir, `${version}.xsd`);
  return existsSync(file) ? file : undefined;
}

/** Validates a document against the official schema of its own namespace. */
export async function validateAgainstXsd(xml: string, xsdDir: string): Promise<XsdResult> {
  const { version } = detectMessageType(xml);
  const schemaFile = schemaFileFor(version, xsdDir);
  if (!schemaFile) {
    return { valid: false, schema: `${version}.xsd`, errors: [`no schema ${version}.xsd in ${xsdDir}`] };
  }
  const { validateXML, memoryPages } = await import('xmllint-wasm');
  const bytes = Buffer.byteLength(xml);
  const result = await validateXML({
    xml: [{ fileName: 'message.xml', contents: xml }],
    schema: [{ fileName: `${version}.xsd`, contents: readFileSync(schemaFile, 'utf8') }],
    initialMemoryPages: Math.max(256, Math.ceil((bytes * 12) / 65_536)),
    maxMemoryPages: memoryPages.GiB * 2,
  });
  return {
    valid: result.valid,
    schema: `${version}.xsd`,
    errors: result.errors.map((error) => error.rawMessage.trim()),
  };
}

/**
 * Validates many documents of one version in a single xmllint run (instantiating libxml2 is the slow part).
 * Returns the errors, each prefixed with the index of its document; empty when all are valid.
 */
export async function validateManyAgainstXsd(
  documents: readonly string[],
  version: string,
  xsdDir: string,
): Promise<string[]> {
  const schemaFile = schemaFileFor(version, xsdDir);
  if (!schemaFile) return [`no schema ${version}.xsd in ${xsdDir}`];
  const { validateXML, memoryPages } = await import('xmllint-wasm');
  const result = await validateXML({
    xml: documents.map((contents, index) => ({ fileName: `document-${index}.xml`, contents })),
    schema: [{ fileName: `${version}.xsd`, contents: readFileSync(schemaFile, 'utf8') }],
    maxMemoryPages: memoryPages.GiB,
  });
  return result.valid ? [] : result.errors.map((error) => error.rawMessage.trim());
}
