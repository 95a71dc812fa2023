// Locates the shared ISO 20022 corpus (official XSDs + third-party samples) that lives beside the checkout
// in ../shared/iso20022, overridable with ISO20022_CORPUS_DIR. Tests use `corpusAvailable` with
// describe.skipIf/it.skipIf so a checkout without the corpus still runs, and say so once on the console.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const corpusDir = resolve(
  process.env.ISO20022_CORPUS_DIR ?? join(repoRoot, '..', 'shared', 'iso20022'),
);
export const xsdDir = join(corpusDir, 'xsd');
export const samplesDir = join(corpusDir, 'samples');
export const corpusAvailable = existsSync(xsdDir) && existsSync(samplesDir);

let noted = false;
/** Prints (once per test file) why corpus tests are skipped. */
export function noteIfCorpusMissing(): void {
  if (corpusAvailable || noted) return;
  noted = true;
  console.warn(
    `[corpus] ISO 20022 corpus not found at ${corpusDir}: XSD and sample tests are skipped. ` +
      'Set ISO20022_CORPUS_DIR to the folder holding xsd/ and samples/.',
  );
}

export interface Sample {
  /** e.g. `camt053/seb-ee-camt053-001-02-eod-no-entries.xml` */
  name: string;
  xml: string;
}

/** All sample files of one folder (`pain002`, `camt053`, ...); empty when the corpus is absent. */
export function samples(folder: string): Sample[] {
  const dir = join(samplesDir, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.xml'))
    .sort()
    .map((file) => ({ name: `${folder}/${file}`, xml: readFileSync(join(dir, file), 'utf8') }));
}

export function sample(name: string): string {
  return readFileSync(join(samplesDir, name), 'utf8');
}
