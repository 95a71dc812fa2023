// `npm run bench [-- --json <file>] [--filter <text>] [--quick] [--rounds <n>] [--pairs <n>]`: runs every case of
// bench/cases/*.ts, each in a child process (fair peak RSS), and prints a table. Adding a benchmark = adding a case file exporting `cases`.

import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RUNTIME_ENVIRONMENT } from '../infra/runtime-env.ts';
import { median } from './median.ts';
import type { BenchCase, BenchRow } from './types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const jsonFile = option('--json');
const filter = option('--filter');
const quick = args.includes('--quick');
const TIMEOUT_MS = Number(process.env.BENCH_CASE_TIMEOUT_MS ?? 180_000);

function runChild(file: string, index: number): Promise<BenchRow | { error: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--max-old-space-size=8192',
        '--expose-gc',
        '--import',
        'tsx',
        join(here, 'worker.ts'),
        file,
        String(index),
      ],
      // The deployed functions' process environment (infra/runtime-env.ts), unless the caller set its own.
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...RUNTIME_ENVIRONMENT, ...process.env } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('@@ROW '));
      if (line) resolve(JSON.parse(line.slice(6)) as BenchRow);
      else if (signal === 'SIGKILL') resolve({ error: `timeout after ${TIMEOUT_MS / 1000} s` });
      else
        resolve({
          error: `exit ${code ?? signal}: ${err.trim().split('\n').slice(-3).join(' ').slice(0, 160)}`,
        });
    });
  });
}

// `--rounds n`: run the selected cases n times round-robin (tool A, tool B, ..., A, B, ...) and report
// the median of each case's per-round medians, so a burst of load on the shared box hits every tool
// alike instead of one of them.
const rounds = Math.max(1, Number(option('--rounds') ?? 1));

interface Planned {
  file: string;
  index: number;
  benchCase: BenchCase;
}
const planned: Planned[] = [];
const rows: BenchRow[] = [];
for (const name of readdirSync(join(here, 'cases'))
  .filter((f) => f.endsWith('.ts'))
  .sort()) {
  const file = join(here, 'cases', name);
  const mod = (await import(pathToFileURL(file).href)) as {
    cases: BenchCase[];
    prepareData?: () => void | Promise<void>;
  };
  let prepared = false;
  for (const [index, benchCase] of mod.cases.entries()) {
    const label = `${benchCase.case} / ${benchCase.tool}`;
    // `--filter 'a|b'` keeps cases whose label contains any of the alternatives.
    if (filter && !filter.split('|').some((part) => label.includes(part))) continue;
    if (quick && /100k/.test(benchCase.case)) continue;
    if (!prepared) {
      await mod.prepareData?.();
      prepared = true;
    }
    planned.push({ file, index, benchCase });
  }
}

const results = new Map<Planned, (BenchRow | { error: string })[]>();
for (let round = 0; round < rounds; round++) {
  for (const plan of planned) {
    if (plan.benchCase.skip?.()) continue;
    const label = `${plan.benchCase.case} / ${plan.benchCase.tool}`;
    process.stderr.write(`running ${label}${rounds > 1 ? ` (round ${round + 1}/${rounds})` : ''} ...\n`);
    const list = results.get(plan) ?? [];
    list.push(await runChild(plan.file, plan.index));
    results.set(plan, list);
  }
}

// Scaling 10k→100k, paired. The table's ratio divides two medians measured a minute apart, and this shared box
// changes speed by up to 2× from one minute to the next: that ratio moves by more than any code change. Here the
// 10k and the 100k case of one tool run back to back (order alternating), n times; each pair gives a ratio of two
// measurements taken seconds apart under the same conditions, and the median of those ratios is reported.
const pairCount = Math.max(0, Number(option('--pairs') ?? 5));
const SCALING = [
  { label: 'pain.001 ours', case: 'pain.001 build', tool: 'ours' },
  { label: 'camt.053 stream', case: 'camt.053 parse', tool: 'ours (stream)' },
];
const pairedScaling: { label: string; ratios: number[] }[] = [];
for (const subject of SCALING) {
  const pick = (size: string) =>
    planned.find((p) => p.benchCase.case === `${subject.case} ${size}` && p.benchCase.tool === subject.tool);
  const small = pick('10k');
  const large = pick('100k');
  if (!small || !large || pairCount === 0 || small.benchCase.skip?.() || large.benchCase.skip?.()) continue;
  const ratios: number[] = [];
  for (let pair = 0; pair < pairCount; pair++) {
    process.stderr.write(
      `running scaling pair ${pair + 1}/${pairCount}: ${subject.label} 10k and 100k ...\n`,
    );
    const order = pair % 2 === 0 ? [small, large] : [large, small];
    const measured = new Map<Planned, number>();
    for (const plan of order) {
      const row = await runChild(plan.file, plan.index);
      if (!('error' in row) && row.medianMs) measured.set(plan, row.medianMs);
    }
    const a = measured.get(small);
    const b = measured.get(large);
    if (a && b) ratios.push(b / a);
  }
  pairedScaling.push({ label: subject.label, ratios });
}

for (const plan of planned) {
  const { case: c, tool } = plan.benchCase;
  const skip = plan.benchCase.skip?.();
  if (skip) {
    rows.push({ case: c, tool, medianMs: null, mbPerS: null, peakRssMb: null, note: `skipped: ${skip}` });
    continue;
  }
  const list = results.get(plan) ?? [];
  const ok = list.filter((r): r is BenchRow => !('error' in r) && r.medianMs !== null);
  if (ok.length === 0) {
    const error = list.find((r): r is { error: string } => 'error' in r);
    rows.push({
      case: c,
      tool,
      medianMs: null,
      mbPerS: null,
      peakRssMb: null,
      note: error?.error ?? 'no result',
    });
    continue;
  }
  const best = ok.reduce((a, b) => ((a.medianMs ?? 0) <= (b.medianMs ?? 0) ? a : b));
  const row: BenchRow = {
    case: c,
    tool,
    medianMs: Math.round(median(ok.map((r) => r.medianMs ?? 0)) * 10) / 10,
    firstMs: ok.some((r) => r.firstMs == null)
      ? null
      : Math.round(median(ok.map((r) => r.firstMs ?? 0)) * 10) / 10,
    cpuMs: ok.some((r) => r.cpuMs == null) ? null : Math.round(median(ok.map((r) => r.cpuMs ?? 0)) * 10) / 10,
    mbPerS: Math.round(median(ok.map((r) => r.mbPerS ?? 0)) * 10) / 10,
    peakRssMb: Math.max(...ok.map((r) => r.peakRssMb ?? 0)),
  };
  const notes = [best.note, ok.length > 1 ? `${ok.length} rounds, best ${best.medianMs}` : undefined].filter(
    (n): n is string => Boolean(n),
  );
  if (notes.length > 0) row.note = notes.join('; ');
  rows.push(row);
}

const fmt = (value: number | null) => (value === null ? '-' : String(value));
const header = ['case', 'tool', 'median ms', 'cpu ms', 'first ms', 'MB/s', 'peak RSS MB', 'note'];
const table = rows.map((r) => [
  r.case,
  r.tool,
  fmt(r.medianMs),
  fmt(r.cpuMs ?? null),
  fmt(r.firstMs ?? null),
  fmt(r.mbPerS),
  fmt(r.peakRssMb),
  r.note ?? '',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of table) console.log(line(row));

// Ratios the issue sets as targets, by wall time and by CPU time.
const find = (c: string, tool: string, key: 'medianMs' | 'cpuMs' = 'medianMs') =>
  rows.find((r) => r.case === c && r.tool === tool)?.[key] ?? null;
const ratio = (a: number | null, b: number | null) => (a && b ? `${(b / a).toFixed(1)}×` : 'n/a');
const both = (c: string, fast: string, slow: string) =>
  `${ratio(find(c, fast), find(c, slow))} (cpu ${ratio(find(c, fast, 'cpuMs'), find(c, slow, 'cpuMs'))})`;
console.log('');
for (const size of ['10k', '100k']) {
  console.log(`pain.001 ${size}: ours vs sepa ${both(`pain.001 build ${size}`, 'ours', 'sepa')} faster`);
}
console.log(
  `camt.053 100k: stream vs iso20022.js ${both('camt.053 parse 100k', 'ours (stream)', 'iso20022.js')} faster`,
);
console.log(
  `camt.053 100k: stream vs xmllint --stream ${ratio(find('camt.053 parse 100k', 'xmllint --stream'), find('camt.053 parse 100k', 'ours (stream)'))} slower (wall)`,
);
const scale = (tool: string, c: string) => {
  const small = find(`${c} 10k`, tool);
  const large = find(`${c} 100k`, tool);
  return small && large ? `${(large / small).toFixed(1)}×` : 'n/a';
};
console.log(
  `scaling 10k→100k (table medians): pain.001 ours ${scale('ours', 'pain.001 build')}, camt.053 stream ${scale('ours (stream)', 'camt.053 parse')}`,
);
for (const { label, ratios } of pairedScaling) {
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(
    sorted.length === 0
      ? `scaling 10k→100k (paired): ${label} n/a (no pair completed)`
      : `scaling 10k→100k (paired): ${label} ${median(sorted).toFixed(1)}× (median of ${sorted.length} back-to-back pairs; range ${(sorted[0] as number).toFixed(1)}–${(sorted[sorted.length - 1] as number).toFixed(1)}×)`,
  );
}

if (jsonFile) {
  writeFileSync(
    jsonFile,
    `${JSON.stringify(
      rows.map(({ case: c, tool, medianMs, cpuMs, firstMs, mbPerS, peakRssMb }) => ({
        case: c,
        tool,
        medianMs,
        cpuMs: cpuMs ?? null,
        firstMs: firstMs ?? null,
        mbPerS,
        peakRssMb,
      })),
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${jsonFile}`);
}
