// `npm run bench [-- --json <file>] [--filter <text>] [--quick] [--rounds <n>] [--pairs <n>] [--only cold-init]`: runs
// every case of bench/cases/*.ts, each in a child process (fair peak RSS), and prints a table, then the cold-init table
// (bench/cases/cold-init.ts). Adding a benchmark = adding a case file exporting `cases`.

import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RUNTIME_ENVIRONMENT } from '../infra/runtime-env.ts';
import { coldInitTable } from './cases/cold-init.ts';
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
const only = option('--only');
if (only !== undefined && only !== 'cold-init')
  throw new Error(`--only: unknown table "${only}" (cold-init)`);
// The cold-init table has its own rows (one per function, fresh processes of its own): alone with `--only cold-init`.
if (only === 'cold-init') {
  for (const line of await coldInitTable()) console.log(line);
  process.exit(0);
}

/** A worker process for one case; `serve` keeps it running for requests on stdin (see worker.ts). */
function spawnWorker(file: string, index: number, serve: boolean) {
  return spawn(
    process.execPath,
    [
      '--max-old-space-size=8192',
      '--expose-gc',
      '--import',
      'tsx',
      join(here, 'worker.ts'),
      file,
      String(index),
      ...(serve ? ['--serve'] : []),
    ],
    // The deployed functions' process environment (infra/runtime-env.ts), unless the caller set its own.
    { stdio: 'pipe', env: { ...RUNTIME_ENVIRONMENT, ...process.env } },
  );
}

function runChild(file: string, index: number): Promise<BenchRow | { error: string }> {
  return new Promise((resolve) => {
    const child = spawnWorker(file, index, false);
    child.stdin.end();
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
    cases?: BenchCase[];
    prepareData?: () => void | Promise<void>;
  };
  // A case file without `cases` prints its own table (cold-init.ts, below).
  if (!mod.cases) continue;
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

// Scaling 10k→100k, interleaved. The table's ratio divides two medians measured a minute apart, and this shared
// box changes speed by up to 2× from one minute to the next: that ratio moves by more than any code change, and so
// did ratios of whole 10k and 100k processes run back to back (seconds apart). Here both sizes of one tool run in
// their own worker process (each heap holds its own input only), prepared and warmed up as for the table, and take
// turns, order alternating: each round is 1 + 20 runs of the 10k case and 1 + 2 runs of the 100k case (about the
// same amount of work), so the two sizes are measured within a second of each other. The first run of each turn
// is dropped (see below); the round's ratio is the mean of its 100k runs over the mean of its 10k runs. The median
// of the rounds is reported, with the middle half, the full range and the per-size medians.
const roundCount = Math.max(0, Number(option('--pairs') ?? 20));
const SMALL_RUNS = 20;
const LARGE_RUNS = 2;
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

interface Server {
  ready: Promise<void>;
  run(count: number): Promise<number[]>;
  close(): void;
}

function serveChild(file: string, index: number): Server {
  const child = spawnWorker(file, index, true);
  const waiting: { prefix: string; resolve: (rest: string) => void; reject: (error: Error) => void }[] = [];
  let pending = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const next = waiting[0];
      if (next && line.startsWith(next.prefix)) {
        waiting.shift();
        next.resolve(line.slice(next.prefix.length));
      }
      newline = pending.indexOf('\n');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  child.on('close', (code, signal) => {
    const error = new Error(
      `exit ${code ?? signal}: ${err.trim().split('\n').slice(-3).join(' ').slice(0, 160)}`,
    );
    for (const next of waiting.splice(0)) next.reject(error);
  });
  // A worker that does not answer within the case timeout is killed (its pending request then fails).
  const expect = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
      waiting.push({
        prefix,
        resolve: (rest) => {
          clearTimeout(timer);
          resolve(rest);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  return {
    ready: expect('@@READY').then(() => undefined),
    async run(count) {
      const reply = expect('@@TIMES ');
      child.stdin.write(`run ${count}\n`);
      return JSON.parse(await reply) as number[];
    },
    close() {
      child.stdin.end();
    },
  };
}

const SCALING = [
  { label: 'pain.001 ours', case: 'pain.001 build', tool: 'ours' },
  { label: 'camt.053 stream', case: 'camt.053 parse', tool: 'ours (stream)' },
];
const pairedScaling: {
  label: string;
  ratios: number[];
  smallMs: number[];
  largeMs: number[];
  error?: string;
}[] = [];
for (const subject of SCALING) {
  const pick = (size: string) =>
    planned.find((p) => p.benchCase.case === `${subject.case} ${size}` && p.benchCase.tool === subject.tool);
  const small = pick('10k');
  const large = pick('100k');
  if (!small || !large || roundCount === 0 || small.benchCase.skip?.() || large.benchCase.skip?.()) continue;
  process.stderr.write(
    `running scaling: ${subject.label} 10k and 100k interleaved, ${roundCount} rounds ...\n`,
  );
  const ratios: number[] = [];
  const smallMs: number[] = [];
  const largeMs: number[] = [];
  // One warm-up at a time: neither process is timed while the other one starts.
  const smallServer = serveChild(small.file, small.index);
  const servers = [smallServer];
  try {
    await smallServer.ready;
    const largeServer = serveChild(large.file, large.index);
    servers.push(largeServer);
    await largeServer.ready;
    for (let round = 0; round < roundCount; round++) {
      let smallTimes: number[];
      let largeTimes: number[];
      // The first run of each turn follows an idle pause in which the worker's garbage collector caught up; a
      // build loop never gets that pause, so that run is dropped and the rest are timed back to back.
      if (round % 2 === 0) {
        smallTimes = (await smallServer.run(1 + SMALL_RUNS)).slice(1);
        largeTimes = (await largeServer.run(1 + LARGE_RUNS)).slice(1);
      } else {
        largeTimes = (await largeServer.run(1 + LARGE_RUNS)).slice(1);
        smallTimes = (await smallServer.run(1 + SMALL_RUNS)).slice(1);
      }
      ratios.push(mean(largeTimes) / mean(smallTimes));
      smallMs.push(...smallTimes);
      largeMs.push(...largeTimes);
    }
    pairedScaling.push({ label: subject.label, ratios, smallMs, largeMs });
  } catch (error) {
    pairedScaling.push({ label: subject.label, ratios, smallMs, largeMs, error: (error as Error).message });
  } finally {
    for (const server of servers) server.close();
  }
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
for (const { label, ratios, smallMs, largeMs, error } of pairedScaling) {
  const sorted = [...ratios].sort((a, b) => a - b);
  const at = (q: number) =>
    (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number).toFixed(1);
  console.log(
    sorted.length === 0
      ? `scaling 10k→100k (interleaved): ${label} n/a (${error ?? 'no round completed'})`
      : `scaling 10k→100k (interleaved): ${label} ${median(sorted).toFixed(1)}× (median of ${sorted.length} rounds; middle half ${at(0.25)}–${at(0.75)}×, range ${at(0)}–${at(1)}×; 10k ${median(smallMs).toFixed(1)} ms, 100k ${median(largeMs).toFixed(1)} ms)${error ? `; stopped: ${error}` : ''}`,
  );
}

// After the case table unless `--filter` leaves it out (`--filter 'pain.001|cold-init'` keeps it).
if (!filter || filter.split('|').some((part) => 'cold-init'.includes(part))) {
  console.log('');
  for (const line of await coldInitTable()) console.log(line);
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
