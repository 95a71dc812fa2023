// Process environment every connector process runs with: the Lambda functions (connector-function.ts) and the
// benchmark's case processes (bench/run.ts), so what is measured is what is deployed. No imports: the benchmark
// loads it without the CDK.

/**
 * glibc malloc: serve allocations up to 64 MiB from the heap (default: mmap above at most 32 MiB) and keep up to
 * 128 MiB of freed heap before returning it to the kernel. A large buffer that is built, sent and freed again
 * (a 100,000-payment pain.001 is 36 MB) then reuses memory the process already has instead of taking a page
 * fault per 4 KiB of fresh memory on every build; on the dev VM that fault cost was about 4 ms per MB, a third of
 * such a build. Memory a process may hold beyond what it uses is bounded by the trim threshold.
 */
export const MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=134217728';

export const RUNTIME_ENVIRONMENT: Readonly<Record<string, string>> = {
  GLIBC_TUNABLES: MALLOC_TUNABLES,
};
