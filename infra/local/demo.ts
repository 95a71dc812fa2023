// `npm run demo`: the whole flow, scripted (demo-flow.ts), through the public HTTP API of the local system.
// Uses the system that answers at --url (default http://127.0.0.1:3000, i.e. a running `npm start`); if none
// answers, starts one in-process on free ports with fresh temporary data and a fixed clock (Monday
// 2026-03-02 10:00 Tallinn), so the run is deterministic. Exits 1 if any expected outcome did not happen.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_START, runDemo } from './demo-flow.ts';
import { JavaMissingError } from './dynamodb-local.ts';
import { defaultDataDir, type LocalSystem, startLocalSystem } from './system.ts';
import type { IamReport } from './template/iam.ts';

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/local/info`, { signal: AbortSignal.timeout(1_500) });
    return response.ok;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.DEMO_API_URL ?? 'http://127.0.0.1:3000' },
      'in-process': { type: 'boolean', default: false },
      /** Writes every AWS call of every function with its IAM verdict, and the grants never used. */
      'iam-report': { type: 'string' },
    },
  });
  const started = Date.now();
  let system: LocalSystem | undefined;
  let dataDir: string | undefined;
  let url = values.url.replace(/\/$/, '');
  if (!values['in-process'] && (await answers(url))) {
    console.log(`Using the local system at ${url} (npm start).\n`);
  } else {
    console.log(
      values['in-process']
        ? 'Starting a local system in-process (--in-process)…'
        : `No local system answers at ${url}; starting one in-process with fresh temporary data…`,
    );
    dataDir = mkdtempSync(join(tmpdir(), 'connector-demo-'));
    system = await startLocalSystem({
      dataDir,
      // Certificates are generated once under .local/bank-simulator and reused (also by `npm start`).
      certificateDir: resolve(defaultDataDir, 'bank-simulator'),
      port: 0,
      persistData: false,
      startAt: DEMO_START,
      collectorIntervalMs: 1_000,
      // The demo shows notifications itself, in its timeline.
      print: (line) => {
        if (!line.startsWith('[notification')) console.log(`           ${line}`);
      },
    });
    url = system.apiUrl;
    console.log(`Local system ready in ${(system.startupMs / 1000).toFixed(1)} s at ${url}\n`);
  }

  try {
    const result = await runDemo({ apiUrl: url });
    const failed = result.checks.filter((c) => !c.ok);
    // Every AWS call the functions made was evaluated against their synthesized roles: none may be denied.
    const iam = (await (await fetch(`${url}/local/iam-report`)).json()) as IamReport;
    const denied = iam.functions.flatMap((fn) =>
      fn.calls
        .filter((call) => call.verdict === 'denied')
        .map((call) => `${fn.entry}: ${call.action} on ${call.resource}`),
    );
    failed.push(...denied.map((what) => ({ name: 'IAM', ok: false, detail: `denied: ${what}` })));
    if (values['iam-report']) {
      writeFileSync(values['iam-report'], `${JSON.stringify(iam, null, 2)}\n`);
      const used = iam.functions.filter((fn) => fn.calls.length > 0).length;
      console.log(
        `IAM report: ${values['iam-report']} (${used} functions made AWS calls, ${denied.length} denied, ${iam.functions.reduce((sum, fn) => sum + fn.unusedGrants.length, 0)} unused grants)`,
      );
    }
    console.log('');
    if (failed.length === 0) {
      console.log(
        `Demo passed: ${result.checks.length} of ${result.checks.length} checks in ${(result.elapsedMs / 1000).toFixed(1)} s (${((Date.now() - started) / 1000).toFixed(1)} s in all).`,
      );
      return 0;
    }
    console.log(`Demo FAILED: ${failed.length} check(s) did not pass:`);
    for (const each of failed) console.log(`  ✘ ${each.name} — ${each.detail}`);
    return 1;
  } finally {
    await system?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(
      error instanceof JavaMissingError
        ? `\n${error.message}\n`
        : `\nThe demo could not run: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  });
