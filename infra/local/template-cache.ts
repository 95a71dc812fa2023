// The synthesized connector template, cached on disk by a hash of everything that can change it: every source
// file the CDK app imports (found by esbuild in ~0.2 s; if that fails, all of infra/, shared/ and functions/),
// cdk.json and the lock file. Synthesizing takes 5-20 s; a cache hit takes milliseconds, and any change to those
// sources makes a new synthesis, so the local system never runs a stale definition.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { CloudFormationTemplate } from './synthesize.ts';

const repositoryRoot = resolve(import.meta.dirname, '../..');
const cacheDir = resolve(repositoryRoot, 'node_modules/.cache/local-runtime');

function* sourceFiles(directory: string): Generator<string> {
  if (!existsSync(directory)) return;
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || path === resolve(repositoryRoot, 'infra/local')) continue;
      yield* sourceFiles(path);
    } else if (/\.(ts|json|mjs|js)$/.test(entry.name)) {
      yield path;
    }
  }
}

/** The CDK app's own source files (its import graph), or undefined when esbuild cannot tell. */
async function appSourceFiles(): Promise<string[] | undefined> {
  try {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [resolve(repositoryRoot, 'infra/app.ts')],
      absWorkingDir: repositoryRoot,
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    return Object.keys(result.metafile.inputs)
      .sort()
      .map((file) => resolve(repositoryRoot, file));
  } catch {
    return undefined;
  }
}

/** A hash over the sources the synthesized template depends on. */
export async function templateSourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const sources = (await appSourceFiles()) ?? [
    ...sourceFiles(resolve(repositoryRoot, 'infra')),
    ...sourceFiles(resolve(repositoryRoot, 'shared')),
    ...sourceFiles(resolve(repositoryRoot, 'functions')),
  ];
  const files = [
    ...sources,
    ...['cdk.json', 'package.json', 'package-lock.json'].map((name) => resolve(repositoryRoot, name)),
  ];
  for (const file of files) {
    if (!existsSync(file)) continue;
    hash.update(relative(repositoryRoot, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 24);
}

/** The template from the cache, or synthesized (importing the CDK app only then) and cached. */
export async function loadConnectorTemplate(
  onSynthesize: () => void = () => {},
): Promise<{ template: CloudFormationTemplate; cached: boolean }> {
  const file = join(cacheDir, `template-${await templateSourceHash()}.json`);
  if (existsSync(file)) {
    try {
      return { template: JSON.parse(readFileSync(file, 'utf8')) as CloudFormationTemplate, cached: true };
    } catch {
      // unreadable cache: synthesize again
    }
  }
  onSynthesize();
  const { synthesizeConnectorTemplate } = await import('./synthesize.ts');
  const template = synthesizeConnectorTemplate();
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(file, JSON.stringify(template));
  } catch {
    // a read-only checkout still works, just without the cache
  }
  return { template, cached: false };
}
