// `npm run bench [-- --json <file>] [--filter <text>] [--quick]`: runs every case of bench/cases/*.ts, each in a
// child process (fair peak RSS), and prints a table. Adding a benchmark = adding a case file exporting `cases`.

import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
      ['--max-old-space-size=8192', '--import', 'tsx', join(here, 'worker.ts'), file, String(index)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
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

const rows: BenchRow[] = [];
for (const name of readdirSync(join(here, 'cases'))
  .filter((f) => f.endsWith('.ts'))
  .sort()) {
  const file = join(here, 'cases', name);
  const mod = (await import(pathToFileURL(file).href)) as {
    cases: BenchCase[];
    prepareData?: () => void | Promise<void>;
  };
  await mod.prepareData?.();
  for (const [index, benchCase] of mod.cases.entries()) {
    const label = `${benchCase.case} / ${benchCase.tool}`;
    if (filter && !label.includes(filter)) continue;
    if (quick && /100k/.test(benchCase.case)) continue;
    const skip = benchCase.skip?.();
    if (skip) {
      rows.push({
        case: benchCase.case,
        tool: benchCase.tool,
        medianMs: null,
        mbPerS: null,
        peakRssMb: null,
        note: `skipped: ${skip}`,
      });
      continue;
    }
    process.stderr.write(`running ${label} ...\n`);
    const result = await runChild(file, index);
    rows.push(
      'error' in result
        ? {
            case: benchCase.case,
            tool: benchCase.tool,
            medianMs: null,
            mbPerS: null,
            peakRssMb: null,
            note: result.error,
          }
        : result,
    );
  }
}

const fmt = (value: number | null) => (value === null ? '-' : String(value));
const header = ['case', 'tool', 'median ms', 'MB/s', 'peak RSS MB', 'note'];
const table = rows.map((r) => [
  r.case,
  r.tool,
  fmt(r.medianMs),
  fmt(r.mbPerS),
  fmt(r.peakRssMb),
  r.note ?? '',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of table) console.log(line(row));

// Ratios the issue sets as targets.
const find = (c: string, tool: string) => rows.find((r) => r.case === c && r.tool === tool)?.medianMs ?? null;
const ratio = (a: number | null, b: number | null) => (a && b ? `${(b / a).toFixed(1)}×` : 'n/a');
console.log('');
for (const size of ['10k', '100k']) {
  console.log(
    `pain.001 ${size}: ours vs sepa ${ratio(find(`pain.001 build ${size}`, 'ours'), find(`pain.001 build ${size}`, 'sepa'))} faster`,
  );
}
console.log(
  `camt.053 100k: stream vs iso20022.js ${ratio(find('camt.053 parse 100k', 'ours (stream)'), find('camt.053 parse 100k', 'iso20022.js'))} faster`,
);
const scale = (tool: string, c: string) => {
  const small = find(`${c} 10k`, tool);
  const large = find(`${c} 100k`, tool);
  return small && large ? `${(large / small).toFixed(1)}×` : 'n/a';
};
console.log(
  `scaling 10k→100k: pain.001 ours ${scale('ours', 'pain.001 build')}, camt.053 stream ${scale('ours (stream)', 'camt.053 parse')}`,
);

if (jsonFile) {
  writeFileSync(
    jsonFile,
    `${JSON.stringify(
      rows.map(({ case: c, tool, medianMs, mbPerS, peakRssMb }) => ({
        case: c,
        tool,
        medianMs,
        mbPerS,
        peakRssMb,
      })),
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${jsonFile}`);
}
