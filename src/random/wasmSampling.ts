/**
 * The Gaussian and sphere fills of rng.ts in WebAssembly SIMD (source: wasm/sampling.as.ts,
 * AssemblyScript; binary: wasm/sampling.wasm, rebuilt by `npm run build:wasm` and checked by a test),
 * bit-identical to the JS loops. The module imports the engine's workspace memory
 * (linalg/wasmKernels.ts `wasmModule`) and works in its scratch area, bytes [0, WASM_SCRATCH_BYTES),
 * which no lease covers: the generator state (bytes 0–31), the tables (X at 64, 129 doubles; ratio at
 * 1152, 128 doubles) and the output buffer (GAUSSIAN_CHUNK doubles at 4096). Without WebAssembly SIMD
 * the JS loops run.
 */
import { WASM_SCRATCH_BYTES, type WasmBinding, wasmModule } from '../linalg/wasmKernels.ts';

interface Exports {
  gaussianFill(st: number, tx: number, tr: number, out: number, start: number, end: number, scale: number): number;
  sumSquares(p: number, len: number): number;
  scaleInPlace(p: number, len: number, s: number): void;
}

const sampling = wasmModule<Exports>(new URL('./wasm/sampling.wasm', import.meta.url));

const ZIG_STATE = 0,
  ZIG_X = 64,
  ZIG_RATIO = 1152,
  ZIG_OUT = 4096;
/** Normals per kernel call (copied out after each call). */
const GAUSSIAN_CHUNK = 4096;
if (ZIG_OUT + 8 * GAUSSIAN_CHUNK > WASM_SCRATCH_BYTES) throw new Error('random/wasmSampling.ts: the sampler does not fit in the workspace scratch area');

/** The ziggurat tables currently in the scratch area of each workspace (by its memory's buffer). */
const tablesIn = new WeakMap<ArrayBuffer, ZigguratTables>();

type Binding = WasmBinding<Exports>;

/** The ziggurat's layer abscissae X[0..128] and ratios X[i+1]/X[i] (defined in rng.ts). */
export interface ZigguratTables {
  x: Float64Array;
  ratio: Float64Array;
}

/** The xoshiro128** words of a stream (int32), read and written back. */
export interface XoshiroState {
  g0: number;
  g1: number;
  g2: number;
  g3: number;
}

/** Below this many normals per call the JS loop is as fast (the call and copy overheads). */
const GAUSSIAN_MIN = 48;

/**
 * out[start..end) ← scale·N(0, 1) by the ziggurat's fast path in WebAssembly (wasm/sampling.as.ts
 * `gaussianFill`), bit-identical to rng.ts `fillGaussianRange`: `slow(u, i)` is called for the
 * 1.2 % of candidates outside their rectangle and returns the normal or null (rejected: the kernel then
 * draws a new candidate for the same entry) — exactly the JS loop's control flow. False when not used
 * (no WebAssembly, or fewer than GAUSSIAN_MIN entries). Works in the scratch area, so live leases do not
 * matter (`slow` must not sample normals itself).
 * Measured (reference machine, 38,000 normals): 3.4 ns per normal against 5–7 ns for the JS loop
 * (V8 keeps bounds checks and int32 → double conversions in the xoshiro/table loop).
 */
export function wasmGaussianFill(
  tables: ZigguratTables,
  g: XoshiroState,
  out: Float64Array,
  start: number,
  end: number,
  scale: number,
  slow: (u: number, i: number) => number | null,
): boolean {
  if (end - start < GAUSSIAN_MIN) return false;
  const s = sampling();
  if (s === null) return false;
  const o = ZIG_OUT >> 3;
  loadZiggurat(s, tables, g);
  for (let c0 = start; c0 < end; c0 += GAUSSIAN_CHUNK) {
    const len = Math.min(GAUSSIAN_CHUNK, end - c0);
    fillChunk(s, len, scale, slow);
    out.set(s.f64.subarray(o, o + len), c0);
  }
  storeZiggurat(s, g);
  return true;
}

/**
 * out[start..end) ← radius·z/‖z‖ for z the next end − start standard normals of the stream (redrawn
 * while ‖z‖ = 0), all in the workspace: the fill as wasmGaussianFill, ‖z‖² by wasm/sampling.as.ts
 * `sumSquares` (four interleaved partial sums, the order of rng.ts `sumSquaresInterleaved`), the scaling
 * by `scaleInPlace` (one rounded product per entry) — bit-identical to rng.ts `fillSphereRange` in JS.
 * False when not used (no WebAssembly, fewer than GAUSSIAN_MIN or more than GAUSSIAN_CHUNK entries).
 * Measured (97 × 394 unit-sphere sample): 4.8 against 6.1–7 ns per entry with the JS passes.
 */
export function wasmSphereFill(
  tables: ZigguratTables,
  g: XoshiroState,
  out: Float64Array,
  start: number,
  end: number,
  radius: number,
  slow: (u: number, i: number) => number | null,
): boolean {
  const len = end - start;
  if (len < GAUSSIAN_MIN || len > GAUSSIAN_CHUNK) return false;
  const s = sampling();
  if (s === null) return false;
  loadZiggurat(s, tables, g);
  let nrm2 = 0;
  do {
    fillChunk(s, len, 1, slow);
    nrm2 = s.k.sumSquares(ZIG_OUT, len);
  } while (nrm2 === 0);
  s.k.scaleInPlace(ZIG_OUT, len, radius / Math.sqrt(nrm2));
  const o = ZIG_OUT >> 3;
  out.set(s.f64.subarray(o, o + len), start);
  storeZiggurat(s, g);
  return true;
}

function loadZiggurat(s: Binding, tables: ZigguratTables, g: XoshiroState): void {
  if (tablesIn.get(s.memory.buffer) !== tables) {
    s.f64.set(tables.x, ZIG_X >> 3);
    s.f64.set(tables.ratio, ZIG_RATIO >> 3);
    tablesIn.set(s.memory.buffer, tables);
  }
  const w = ZIG_STATE >> 2;
  s.i32[w] = g.g0;
  s.i32[w + 1] = g.g1;
  s.i32[w + 2] = g.g2;
  s.i32[w + 3] = g.g3;
}

function storeZiggurat(s: Binding, g: XoshiroState): void {
  const w = ZIG_STATE >> 2;
  g.g0 = s.i32[w];
  g.g1 = s.i32[w + 1];
  g.g2 = s.i32[w + 2];
  g.g3 = s.i32[w + 3];
}

/** Fills the output buffer's first len entries (state loaded), running the slow path through `slow`. */
function fillChunk(s: Binding, len: number, scale: number, slow: (u: number, i: number) => number | null): void {
  const m = s.f64,
    o = ZIG_OUT >> 3;
  let k = 0;
  while ((k = s.k.gaussianFill(ZIG_STATE, ZIG_X, ZIG_RATIO, ZIG_OUT, k, len, scale)) >= 0) {
    const z = slow(m[(ZIG_STATE + 16) >> 3], s.i32[(ZIG_STATE >> 2) + 6]);
    if (z !== null) m[o + k++] = scale * z;
  }
}
