// A benchmark case: one tool doing one job. `prepare` runs once outside the timing (inputs), `run` is timed.
export interface BenchCase<State = unknown> {
  /** Row label, e.g. `pain.001 build 10k`. */
  case: string;
  tool: string;
  /** Timed repetitions (the median is reported). */
  runs: number;
  /** At least this many untimed runs (first run included) before timing; warm-up also lasts BENCH_WARMUP_MS. */
  warmupRuns?: number;
  prepare(): Promise<State> | State;
  /** Returns the number of bytes produced or consumed (for MB/s). */
  run(state: State): Promise<number> | number;
  /** Optional correctness note computed once after timing (e.g. XSD validity). */
  check?(state: State): Promise<string> | string;
  /** The work happens in a child process: this process's CPU time says nothing (cpu ms reported as null). */
  externalProcess?: boolean;
  /** Skip with this reason (e.g. tool not installed). */
  skip?: () => string | undefined;
}

export interface BenchRow {
  case: string;
  tool: string;
  medianMs: number | null;
  /** The first run of the process, before any warm-up (cold code). */
  firstMs?: number | null;
  /**
   * Median CPU time (user + system, all threads of the process) of the timed runs. On a shared, loaded
   * box wall time mostly measures waiting for a core; CPU time is the steadier comparison.
   */
  cpuMs?: number | null;
  mbPerS: number | null;
  peakRssMb: number | null;
  note?: string;
}
