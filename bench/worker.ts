// Runs one benchmark case in its own process, so peak RSS belongs to that case alone. Prints one JSON row.
// With `--serve` (paired scaling, see run.ts), it prepares and warms up the same way, then runs on request: each
// stdin line `run <n>` gets `n` timed runs and one `@@TIMES [ms, ...]` line back; any other line or EOF ends it.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { median } from './median.ts';
import type { BenchCase, BenchRow } from './types.ts';

const [file, indexText, mode] = process.argv.slice(2);
const mod = (await import(pathToFileURL(file ?? '').href)) as { cases: BenchCase[] };
const benchCase = mod.cases[Number(indexText)];
if (!benchCase) throw new Error(`no case ${indexText} in ${file}`);

const state = await benchCase.prepare();
// The prepared input (for the 100k cases, tens of MB built just now) is still in the young generation: left
// there, the first runs pay for promoting it to the old one, and a 100k case that has only a few warm-up runs
// in its budget would be timed while the heap is still settling. A full collection here (run.ts starts workers
// with --expose-gc) settles it before anything is timed, for every tool alike.
const collect = (globalThis as { gc?: () => void }).gc;
collect?.();
collect?.();
const times: number[] = [];
const cpuTimes: number[] = [];
let bytes = 0;
/** One timed run: wall time in ms. */
const timedRun = async (): Promise<number> => {
  const start = process.hrtime.bigint();
  bytes = await benchCase.run(state);
  return Number(process.hrtime.bigint() - start) / 1e6;
};

// The first run is reported on its own ("first ms": cold code, as in a process that builds one message). Then
// every case warms up the same way: untimed runs until WARMUP_MS have passed since the start (at least
// `warmupRuns`), so the timed runs measure every tool at its steady speed. A first run that alone took longer
// than the warm-up budget is also the first timed run (a 50 s run has nothing left to warm up).
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1500);
const began = process.hrtime.bigint();
const firstCpu = process.cpuUsage();
const firstMs = await timedRun();
if (firstMs >= WARMUP_MS) {
  times.push(firstMs);
  const cpu = process.cpuUsage(firstCpu);
  cpuTimes.push((cpu.user + cpu.system) / 1000);
} else {
  let warmups = 1;
  while (warmups < (benchCase.warmupRuns ?? 0) || Number(process.hrtime.bigint() - began) / 1e6 < WARMUP_MS) {
    await benchCase.run(state);
    warmups++;
  }
}
if (mode === '--serve') {
  process.stdout.write('\n@@READY\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const request = /^run (\d+)$/.exec(line.trim());
    if (!request) break;
    const served: number[] = [];
    for (let k = 0; k < Number(request[1]); k++) served.push(await timedRun());
    process.stdout.write(`\n@@TIMES ${JSON.stringify(served)}\n`);
  }
  process.exit(0);
}
while (times.length < benchCase.runs) {
  const cpuStart = process.cpuUsage();
  times.push(await timedRun());
  const cpu = process.cpuUsage(cpuStart);
  cpuTimes.push((cpu.user + cpu.system) / 1000);
}
const medianMs = median(times);
const cpuMs = median(cpuTimes);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const note = benchCase.check ? await benchCase.check(state) : undefined;
const row: BenchRow = {
  case: benchCase.case,
  tool: benchCase.tool,
  medianMs: Math.round(medianMs * 10) / 10,
  firstMs: Math.round(firstMs * 10) / 10,
  cpuMs: benchCase.externalProcess ? null : Math.round(cpuMs * 10) / 10,
  mbPerS: Math.round((bytes / 1024 / 1024 / (medianMs / 1000)) * 10) / 10,
  peakRssMb: Math.round(peakRssMb),
  ...(note === undefined ? {} : { note }),
};
process.stdout.write(`\n@@ROW ${JSON.stringify(row)}\n`);
