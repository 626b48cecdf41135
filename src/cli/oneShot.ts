/**
 * V8 settings for a short-lived process that the CLI owns (the one-shot `kernel` command): code that runs
 * once, on large arrays, should reach optimised machine code at once rather than after warming up.
 *
 * - `--no-liftoff`: V8 compiles each WebAssembly function lazily, at its first call, with its baseline
 *   compiler Liftoff, and tiers up to TurboFan for LATER calls only (there is no on-stack replacement into
 *   WebAssembly code), so the first call of each kernel (src/linalg/wasmKernels.ts and the modules on its
 *   workspace) ran baseline code.
 *   Measured (fresh process, N = 1000 Cholesky, CPU time, loaded 2-vCPU machine): first call 98–115 ms on
 *   Liftoff against 30–37 ms on TurboFan (its compile time included); later calls 26–37 ms either way.
 * - `--no-concurrent-osr`: a hot JavaScript loop that runs once (a pass over an N × N matrix) is replaced
 *   by optimised code by on-stack replacement; concurrently, the loop keeps running unoptimised code (and
 *   allocating a heap number per floating-point temporary) until a background thread has compiled it,
 *   which on a busy machine takes a large part of the loop. Synchronously, the main thread compiles at
 *   once. Measured (N = 1000 limiting NTK, one-shot): young-generation collections during λ_min 23–28 → 15,
 *   process CPU time median of 8 runs 0.655 → 0.615 s, minimum 0.56 → 0.46 s (load ≈ 10).
 *
 * Results are bit-identical (the tiers implement the same IEEE 754 arithmetic; WebAssembly has no fused
 * multiply-add here and JavaScript none at all). The flags are process-wide (node:v8 setFlagsFromString),
 * so the library never sets them: only the CLI's `kernel` action calls this.
 */
import { setFlagsFromString } from 'node:v8';

export function tuneV8ForOneShot(): void {
  for (const flag of ['--no-liftoff', '--no-concurrent-osr']) {
    try {
      setFlagsFromString(flag);
    } catch {
      // a runtime without these V8 flags: everything still runs, only on its default tiers
    }
  }
}
