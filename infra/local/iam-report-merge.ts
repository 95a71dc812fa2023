// Merges IAM reports (the demo's --iam-report and the test tiers' LOCAL_IAM_REPORT_DIR) into one view: per
// function, every call made in any run and the grants that no run used. `tsx infra/local/iam-report-merge.ts
// <report or folder>...` prints the grants unused everywhere, those without a known reason first.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { IamReport, RecordedCall, UnusedGrant } from './template/iam.ts';

export interface MergedFunction {
  entry: string;
  calls: RecordedCall[];
  /** Granted (action, resource) pairs unused in every report that had this function. */
  unusedGrants: UnusedGrant[];
}

export function mergeIamReports(reports: readonly IamReport[]): MergedFunction[] {
  type Merged = { calls: Map<string, RecordedCall>; unused?: Map<string, UnusedGrant> };
  const byEntry = new Map<string, Merged>();
  for (const report of reports) {
    for (const fn of report.functions) {
      const merged: Merged = byEntry.get(fn.entry) ?? { calls: new Map() };
      for (const call of fn.calls) {
        const key = `${call.action} ${call.resource} ${call.verdict}`;
        const seen = merged.calls.get(key);
        merged.calls.set(key, seen ? { ...seen, count: seen.count + call.count } : { ...call });
      }
      const unused = new Map(fn.unusedGrants.map((grant) => [`${grant.action} ${grant.resource}`, grant]));
      // A grant counts as used if any run used it: keep only what every run left unused.
      merged.unused = merged.unused ? new Map([...merged.unused].filter(([key]) => unused.has(key))) : unused;
      byEntry.set(fn.entry, merged);
    }
  }
  return [...byEntry]
    .map(([entry, merged]) => ({
      entry,
      calls: [...merged.calls.values()],
      unusedGrants: [...(merged.unused?.values() ?? [])],
    }))
    .sort((a, b) => a.entry.localeCompare(b.entry));
}

function reportFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) =>
    statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((name) => name.endsWith('.json'))
          .map((name) => join(path, name))
      : [path],
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = reportFiles(process.argv.slice(2));
  const merged = mergeIamReports(files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as IamReport));
  const denied = merged.flatMap((fn) =>
    fn.calls
      .filter((call) => call.verdict === 'denied')
      .map((call) => `${fn.entry}: ${call.action} on ${call.resource}`),
  );
  const unexplained = merged.flatMap((fn) =>
    fn.unusedGrants
      .filter((grant) => !grant.reason)
      .map((grant) => `${fn.entry}: ${grant.action} on ${grant.resource}`),
  );
  const explained = merged.reduce(
    (sum, fn) => sum + fn.unusedGrants.filter((grant) => grant.reason).length,
    0,
  );
  console.log(
    `IAM across ${files.length} report(s): ${merged.filter((fn) => fn.calls.length > 0).length} functions made calls, ${denied.length} denied calls, ${unexplained.length} grants unused in every run without a recorded reason, ${explained} with one (X-Ray, table key, on-failure destination).`,
  );
  for (const line of [...denied.map((d) => `denied: ${d}`), ...unexplained.map((u) => `unused: ${u}`)])
    console.log(`  ${line}`);
}
