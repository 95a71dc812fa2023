// Runs one benchmark case in its own process, so peak RSS belongs to that case alone. Prints one JSON row.
import { pathToFileURL } from 'node:url';
import { median } from './median.ts';
import type { BenchCase, BenchRow } from './types.ts';

const [file, indexText] = process.argv.slice(2);
const mod = (await import(pathToFileURL(file ?? '').href)) as { cases: BenchCase[] };
const benchCase = mod.cases[Number(indexText)];
if (!benchCase) throw new Error(`no case ${indexText} in ${file}`);

const state = await benchCase.prepare();
const warmupRuns = benchCase.warmupRuns ?? 0;
for (let i = 0; i < warmupRuns; i++) await benchCase.run(state);
const times: number[] = [];
const cpuTimes: number[] = [];
let bytes = 0;
for (let i = 0; i < benchCase.runs; i++) {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  bytes = await benchCase.run(state);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  const cpu = process.cpuUsage(cpuStart);
  cpuTimes.push((cpu.user + cpu.system) / 1000);
}
times.sort((a, b) => a - b);
cpuTimes.sort((a, b) => a - b);
const medianMs = median(times);
const cpuMs = median(cpuTimes);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const note = benchCase.check ? await benchCase.check(state) : undefined;
const row: BenchRow = {
  case: benchCase.case,
  tool: benchCase.tool,
  medianMs: Math.round(medianMs * 10) / 10,
  cpuMs: benchCase.externalProcess ? null : Math.round(cpuMs * 10) / 10,
  mbPerS: Math.round((bytes / 1024 / 1024 / (medianMs / 1000)) * 10) / 10,
  peakRssMb: Math.round(peakRssMb),
  ...(note === undefined ? {} : { note }),
};
process.stdout.write(`\n@@ROW ${JSON.stringify(row)}\n`);
