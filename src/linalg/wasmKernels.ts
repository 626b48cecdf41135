/**
 * WebAssembly SIMD versions of the dense kernels (source: wasm/kernels.as.ts, AssemblyScript; binary:
 * wasm/kernels.wasm, rebuilt by `npm run build:wasm` and checked by a test): Cholesky, triangular
 * solves, Gram X Xᵀ, Householder tridiagonalisation, masked Jacobian products.
 *
 * Why: the plain-JS register-blocked Cholesky (cholesky.ts) reaches 2.9–4.6 GFLOP/s; the same algorithm
 * with f64x2 lanes runs at 9 (N = 100), 13 (200) and 21–23 (400–1000) GFLOP/s on the reference machine
 * (2-vCPU Zen 3, Node 20.20) — on par with OpenBLAS's dpotrf on one core (numpy/OpenBLAS, same machine: 0.23 ms at N = 200,
 * 8 ms at N = 800). Same storage conventions, same error bounds (the kernels only change the order of
 * summation inside inner products, which Higham's Thm 8.5 / 10.3 bounds allow; no fused multiply-add).
 *
 * Workspace: WebAssembly code can only address its own linear memory, so each thread (main or worker)
 * holds ONE module-level WebAssembly.Memory used as scratch, like LAPACK's WORK arrays. Callers that
 * factorise the same n × n array many times (lambdaMinCertified) lease a resident array with
 * `leaseWasm` and release it when done; leases are LIFO. The memory is created at its full size
 * (WASM_MAX_BYTES, ≈ one 2200 × 2200 matrix; pages the kernels never touch cost address space, not
 * RAM) and never grows, so whether a kernel runs in WebAssembly or in JS depends only on the sizes
 * involved and on the leases live at the call — never on what ran earlier in the process (with a
 * memory grown on demand, a nested lease could be refused on a fresh thread and granted later, so the
 * kernel chosen — and possibly the last bits of a result — depended on history). Larger
 * problems use the JS kernels or a transient workspace (withTransientWasm). Without WebAssembly SIMD
 * everything runs in JS.
 */
import { readFileSync } from 'node:fs';

/** Upper limit of the per-thread workspace (bytes). */
export const WASM_MAX_BYTES = 40 * 1024 * 1024;
const PAGE = 65536;
/** Head room of a transient workspace above its matrix, for the vectors of the solves (≥ 131072 doubles). */
const SLACK_BYTES = 1024 * 1024;

interface Exports {
  cholesky(a: number, n: number): number;
  solveLower(l: number, n: number, b: number): void;
  solveUpper(u: number, n: number, b: number): void;
  solveLowerTranspose(l: number, n: number, b: number): void;
  mirrorLowerToUpper(a: number, n: number): void;
  gram(x: number, n: number, d: number, g: number): void;
  tridiagonalize(w: number, n: number, d: number, e: number): void;
  maskedAccumulate(J: number, P: number, g: number, W: number, Wabs: number, d: number, nIn: number, nOut: number, O: number, Q: number): void;
  gaussianFill(st: number, tx: number, tr: number, out: number, start: number, end: number, scale: number): number;
  sumSquares(p: number, len: number): number;
  scaleInPlace(p: number, len: number, s: number): void;
  gdForward(wT: number, w0T: number, x: number, zT: number, sign0: number, xn: number, a: number, u: number, act: number, out: number, m: number, n: number, d: number, first: number, certified: number, E: number, gd: number, wc: number, wc1: number): void;
  preActivations(w: number, xT: number, m: number, n: number, d: number, z: number): void;
  gdBackward(wT: number, x: number, zT: number, a: number, e: number, c: number, out: number, m: number, n: number, d: number, invSqrtM: number, eta: number): void;
}

interface State {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  k: Exports;
  /** First free byte (leases are a stack). */
  top: number;
  leases: number;
  /** A view of the whole memory (it never grows). */
  f64: Float64Array;
  /** An int32 view of the whole memory. */
  i32: Int32Array;
  /** The ziggurat tables currently in the reserved area (see wasmGaussianFill). */
  zigTables: ZigguratTables | null;
}

/**
 * Bytes [0, RESERVED_BYTES) of every workspace are not leased: the ziggurat's generator state (bytes
 * 0–31), tables (X at 64, 129 doubles; ratio at 1152, 128 doubles) and output buffer (GAUSSIAN_CHUNK
 * doubles at 4096). Leases start above.
 */
const ZIG_STATE = 0, ZIG_X = 64, ZIG_RATIO = 1152, ZIG_OUT = 4096;
/** Normals per kernel call (copied out after each call). */
const GAUSSIAN_CHUNK = 4096;
const RESERVED_BYTES = ZIG_OUT + 8 * GAUSSIAN_CHUNK;

let state: State | null | undefined;

function init(): State | null {
  if (state !== undefined) return state;
  try {
    const bytes = readFileSync(new URL('./wasm/kernels.wasm', import.meta.url));
    const module = new WebAssembly.Module(bytes);
    const memory = new WebAssembly.Memory({ initial: WASM_MAX_BYTES / PAGE, maximum: WASM_MAX_BYTES / PAGE });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    state = { module, memory, k: instance.exports as unknown as Exports, top: RESERVED_BYTES, leases: 0, f64: new Float64Array(memory.buffer), i32: new Int32Array(memory.buffer), zigTables: null };
  } catch {
    state = null; // no WebAssembly SIMD here: the JS kernels are used
  }
  return state;
}

/** Current size in bytes of this thread's persistent workspace (0 without WebAssembly). */
export function wasmWorkspaceBytes(): number {
  return init()?.memory.buffer.byteLength ?? 0;
}

/** True if the WebAssembly kernels are in use on this thread. */
export function wasmKernelsAvailable(): boolean {
  return init() !== null;
}

export interface WasmLease {
  /** The leased doubles (a view of the workspace; do not keep it after release). */
  readonly f64: Float64Array;
  release(): void;
}

/**
 * Leases `doubles` contiguous float64 entries of the workspace (8-byte aligned), or returns null when
 * WebAssembly is unavailable or they do not fit above the live leases. Release in LIFO order.
 */
export function leaseWasm(doubles: number): WasmLease | null {
  const s = init();
  if (s === null || !(doubles >= 0)) return null;
  const start = s.top;
  const end = start + doubles * 8;
  if (end > s.memory.buffer.byteLength) return null;
  s.top = end;
  s.leases++;
  const f64 = new Float64Array(s.memory.buffer, start, doubles);
  let released = false;
  return {
    f64,
    release() {
      if (released) return;
      if (s.top !== end) throw new Error('leaseWasm: leases must be released in LIFO order');
      released = true;
      s.top = start;
      s.leases--;
    },
  };
}

/** Byte address of `a` in the workspace, or −1 if `a` is not a view of it. */
function residentAddress(s: State, a: Float64Array): number {
  return a.buffer === s.memory.buffer ? a.byteOffset : -1;
}

/** Below this order the copy into the workspace costs more than the JS kernel saves. */
const COPY_MIN_N = 24;

/**
 * Cholesky by the WebAssembly kernel: −1 on success, else the failing row; `undefined` if the kernel
 * cannot be used for this array (caller falls back to JS). Arrays outside the workspace are copied in and out.
 */
export function wasmCholesky(a: Float64Array, n: number): number | undefined {
  const s = init();
  if (s === null) return undefined;
  const addr = residentAddress(s, a);
  if (addr >= 0) return s.k.cholesky(addr, n);
  if (n < COPY_MIN_N) return undefined;
  const lease = leaseWasm(n * n);
  if (lease === null) return undefined;
  try {
    lease.f64.set(a.subarray(0, n * n));
    const r = s.k.cholesky(lease.f64.byteOffset, n);
    a.set(lease.f64);
    return r;
  } finally {
    lease.release();
  }
}

type SolveKernel = 'solveLower' | 'solveUpper' | 'solveLowerTranspose';

/**
 * Triangular solve b ← T⁻¹ b by the WebAssembly kernel when the triangle's matrix is resident (copying
 * an n × n factor for one O(n²) solve would not pay); `false` if not used. b is copied in and out.
 */
export function wasmSolve(kernel: SolveKernel, t: Float64Array, n: number, b: Float64Array): boolean {
  const s = init();
  if (s === null) return false;
  const addr = residentAddress(s, t);
  if (addr < 0) return false;
  const bAddr = residentAddress(s, b);
  if (bAddr >= 0) {
    s.k[kernel](addr, n, bAddr);
    return true;
  }
  // b goes just above the live leases, without a lease object: this runs twice per Lanczos step, where the
  // lease's allocations cost ≈ 10 % of the whole enclosure at n = 64. If there is no room (an n × n lease
  // filling the workspace), fall back to JS.
  const off = s.top >> 3;
  if (s.top + n * 8 > s.memory.buffer.byteLength) return false;
  const m = s.f64;
  for (let i = 0; i < n; i++) m[off + i] = b[i];
  s.k[kernel](addr, n, s.top);
  for (let i = 0; i < n; i++) b[i] = m[off + i];
  return true;
}

/** Copies the strict lower triangle into the strict upper one (resident arrays only); `false` if not used. */
export function wasmMirrorLowerToUpper(a: Float64Array, n: number): boolean {
  const s = init();
  if (s === null) return false;
  const addr = residentAddress(s, a);
  if (addr < 0) return false;
  s.k.mirrorLowerToUpper(addr, n);
  return true;
}

/**
 * G = X Xᵀ (n × n, exactly symmetric) by the WebAssembly kernel, for X (n × d, row-major) copied into the
 * workspace; `undefined` when not used (no WebAssembly, too large, or d < 16, where the copies cost more
 * than the kernel saves: N = 48, d = 10 took 9 µs in JS, 11 µs here). Measured (reference machine, JS →
 * WebAssembly): N = 48, d = 100: 51 → 12 µs; N = 2000, d = 100: 107 → 33 ms; N = 1000, d = 1000: 197 → 42 ms.
 */
export function wasmGram(x: Float64Array, n: number, d: number): Float64Array | undefined {
  if (n < 4 || d < 16) return undefined;
  const s = init();
  if (s === null) return undefined;
  const lease = leaseWasm(n * d + n * n);
  if (lease === null) return undefined;
  try {
    const xs = lease.f64.subarray(0, n * d);
    xs.set(x.subarray(0, n * d));
    const gs = lease.f64.subarray(n * d);
    s.k.gram(xs.byteOffset, n, d, gs.byteOffset);
    return Float64Array.from(gs);
  } finally {
    lease.release();
  }
}

/**
 * Householder tridiagonalisation (eigenvalues only) of the symmetric n × n matrix `a` (times p, a power
 * of two) by the WebAssembly kernel: fills d (diagonal) and e (e[1..n−1] subdiagonal, e[0] = 0) like
 * eigh.ts householderTridiagonalize(…, false); false when not used (n < 8: the JS loops are as fast).
 * Measured (whole eigvalshMin, JS → WebAssembly): n = 32 25 → 17 µs, n = 48 67 → 36 µs.
 */
export function wasmTridiagonalize(a: Float64Array, n: number, p: number, d: Float64Array, e: Float64Array): boolean {
  if (n < 8) return false;
  const s = init();
  if (s === null) return false;
  const lease = leaseWasm(n * n + 2 * n);
  if (lease === null) return false;
  try {
    const w = lease.f64;
    if (p === 1) w.set(a.subarray(0, n * n));
    else for (let i = 0; i < n * n; i++) w[i] = a[i] * p;
    const dAddr = w.byteOffset + n * n * 8;
    s.k.tridiagonalize(w.byteOffset, n, dAddr, dAddr + n * 8);
    d.set(w.subarray(n * n, n * n + n));
    e.set(w.subarray(n * n + n, n * n + 2 * n));
    return true;
  } finally {
    lease.release();
  }
}

/**
 * Runs fn with `doubles` entries of a TRANSIENT WebAssembly workspace: a separate memory of exactly
 * the size needed, which is the workspace for every kernel called inside fn (so a view of it counts as
 * resident) and is dropped afterwards (garbage-collected with its instance). For problems above
 * WASM_MAX_BYTES, whose memory a thread should not keep: e.g. the certified λ_min at N = 4000 (a 128 MB
 * factor) runs the SIMD kernels instead of the JS ones. Returns undefined (fn not called) when
 * WebAssembly is unavailable or the memory cannot be allocated (> 4 GiB, or out of memory).
 */
export function withTransientWasm<T>(doubles: number, fn: (view: Float64Array) => T): T | undefined {
  const base = init();
  if (base === null || !(doubles >= 0)) return undefined;
  const pages = Math.ceil((doubles * 8 + RESERVED_BYTES + SLACK_BYTES) / PAGE);
  if (pages > 65536) return undefined;
  let transient: State;
  try {
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(base.module, { env: { memory } });
    transient = { module: base.module, memory, k: instance.exports as unknown as Exports, top: RESERVED_BYTES, leases: 0, f64: new Float64Array(memory.buffer), i32: new Int32Array(memory.buffer), zigTables: null };
  } catch {
    return undefined;
  }
  const saved = state;
  state = transient;
  try {
    const lease = leaseWasm(doubles)!;
    try {
      return fn(lease.f64);
    } finally {
      lease.release();
    }
  } finally {
    state = saved;
  }
}

/**
 * O = Σ_{a: g[a] > 0} J[:, a] ⊗ W[a, :] and Q = Σ_{a: g[a] > 0} P[:, a] ⊗ |W[a, :]| (J, P: d × nIn;
 * W: nIn × nOut; O, Q: d × nOut, zero on entry and overwritten) by the WebAssembly kernel — bit-identical
 * to the JS loops of lipschitzEstimate.ts (same products, same order per entry); false when not used
 * (no WebAssembly, too large, or nOut < 8 where the copies do not pay).
 */
export function wasmMaskedAccumulate(J: Float64Array, P: Float64Array, g: ArrayLike<number>, W: Float64Array, d: number, nIn: number, nOut: number, O: Float64Array, Q: Float64Array): boolean {
  if (nOut < 8) return false;
  const s = init();
  if (s === null) return false;
  const sizes = [d * nIn, d * nIn, nIn, nIn * nOut, nIn * nOut, d * nOut, d * nOut];
  const lease = leaseWasm(sizes.reduce((x, y) => x + y, 0));
  if (lease === null) return false;
  try {
    const m = lease.f64;
    const at: number[] = [];
    let off = 0;
    for (const z of sizes) { at.push(off); off += z; }
    m.set(J.subarray(0, d * nIn), at[0]);
    m.set(P.subarray(0, d * nIn), at[1]);
    for (let a = 0; a < nIn; a++) m[at[2] + a] = g[a];
    m.set(W.subarray(0, nIn * nOut), at[3]);
    for (let i = 0; i < nIn * nOut; i++) m[at[4] + i] = Math.abs(W[i]);
    m.fill(0, at[5], at[5] + 2 * d * nOut);
    const addr = (i: number) => m.byteOffset + at[i] * 8;
    s.k.maskedAccumulate(addr(0), addr(1), addr(2), addr(3), addr(4), d, nIn, nOut, addr(5), addr(6));
    O.set(m.subarray(at[5], at[5] + d * nOut));
    Q.set(m.subarray(at[6], at[6] + d * nOut));
    return true;
  } finally {
    lease.release();
  }
}

/**
 * Runs fn on one array of `doubles` entries chosen as the engine's routines want it: a lease of the
 * workspace when it fits (the SIMD kernels then work in place), else — unless the caller lent `lent`
 * to save that much memory — a transient workspace (same peak memory as a fresh array), else `lent`
 * or a fresh array with the JS kernels. `inWasm` tells fn which of these it got.
 */
export function withWorkArray<T>(doubles: number, lent: Float64Array | undefined, fn: (w: Float64Array, inWasm: boolean) => T): T {
  const lease = leaseWasm(doubles);
  if (lease) {
    try {
      return fn(lease.f64, true);
    } finally {
      lease.release();
    }
  }
  if (!lent) {
    const r = withTransientWasm(doubles, (w) => ({ value: fn(w, true) }));
    if (r) return r.value;
  }
  return fn(lent ?? new Float64Array(doubles), false);
}

/** The ziggurat's layer abscissae X[0..128] and ratios X[i+1]/X[i] (defined in random/rng.ts). */
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
 * out[start..end) ← scale·N(0, 1) by the ziggurat's fast path in WebAssembly (kernels.as.ts
 * `gaussianFill`), bit-identical to random/rng.ts `fillGaussianRange`: `slow(u, i)` is called for the
 * 1.2 % of candidates outside their rectangle and returns the normal or null (rejected: the kernel then
 * draws a new candidate for the same entry) — exactly the JS loop's control flow. False when not used
 * (no WebAssembly, or fewer than GAUSSIAN_MIN entries). Works in the reserved area, so live leases do not
 * matter (`slow` must not sample normals itself).
 * Measured (reference machine, 38,000 normals): 3.4 ns per normal against 5–7 ns for the JS loop
 * (V8 keeps bounds checks and int32 → double conversions in the xoshiro/table loop).
 */
export function wasmGaussianFill(tables: ZigguratTables, g: XoshiroState, out: Float64Array, start: number, end: number, scale: number, slow: (u: number, i: number) => number | null): boolean {
  if (end - start < GAUSSIAN_MIN) return false;
  const s = init();
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
 * while ‖z‖ = 0), all in the workspace: the fill as wasmGaussianFill, ‖z‖² by kernels.as.ts
 * `sumSquares` (four interleaved partial sums, the order of rng.ts `sumSquaresInterleaved`), the scaling
 * by `scaleInPlace` (one rounded product per entry) — bit-identical to rng.ts `fillSphereRange` in JS.
 * False when not used (no WebAssembly, fewer than GAUSSIAN_MIN or more than GAUSSIAN_CHUNK entries).
 * Measured (97 × 394 unit-sphere sample): 4.8 against 6.1–7 ns per entry with the JS passes.
 */
export function wasmSphereFill(tables: ZigguratTables, g: XoshiroState, out: Float64Array, start: number, end: number, radius: number, slow: (u: number, i: number) => number | null): boolean {
  const len = end - start;
  if (len < GAUSSIAN_MIN || len > GAUSSIAN_CHUNK) return false;
  const s = init();
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

function loadZiggurat(s: State, tables: ZigguratTables, g: XoshiroState): void {
  if (s.zigTables !== tables) {
    s.f64.set(tables.x, ZIG_X >> 3);
    s.f64.set(tables.ratio, ZIG_RATIO >> 3);
    s.zigTables = tables;
  }
  const w = ZIG_STATE >> 2;
  s.i32[w] = g.g0; s.i32[w + 1] = g.g1; s.i32[w + 2] = g.g2; s.i32[w + 3] = g.g3;
}

function storeZiggurat(s: State, g: XoshiroState): void {
  const w = ZIG_STATE >> 2;
  g.g0 = s.i32[w]; g.g1 = s.i32[w + 1]; g.g2 = s.i32[w + 2]; g.g3 = s.i32[w + 3];
}

/** Fills the output buffer's first len entries (state loaded), running the slow path through `slow`. */
function fillChunk(s: State, len: number, scale: number, slow: (u: number, i: number) => number | null): void {
  const m = s.f64, o = ZIG_OUT >> 3;
  let k = 0;
  while ((k = s.k.gaussianFill(ZIG_STATE, ZIG_X, ZIG_RATIO, ZIG_OUT, k, len, scale)) >= 0) {
    const z = slow(m[(ZIG_STATE + 16) >> 3], s.i32[(ZIG_STATE >> 2) + 6]);
    if (z !== null) m[o + k++] = scale * z;
  }
}

/**
 * Workspace of one `trainGd` run (ntk/twoLayer.ts) for the WebAssembly kernels gdForward / gdBackward
 * (kernels.as.ts; bit-identical to the JS loops: the same operations in the same order, one neuron
 * per SIMD lane, four per iteration). u, act and e are views of the lease that the caller reads and writes between
 * steps; the weights are held transposed (readW copies them out row-major). Call release() when done.
 */
export interface GdWorkspace {
  u: Float64Array;
  act: Float64Array;
  e: Float64Array;
  /** Forward pass (u and act are zeroed first); returns [Σ wn_r, max movement², sign changes, all certified ? 1 : 0]. */
  forward(first: boolean, certified: boolean, E: number, gd: number, wc: number, wc1: number): Float64Array;
  /** Gradient step w ← w − η g; returns [Σ g², Σ w²]. */
  backward(invSqrtM: number, eta: number): Float64Array;
  /** The current weights, m × d row-major, into out. */
  readW(out: Float64Array): void;
  release(): void;
}

/**
 * A GdWorkspace holding w (transposed copy), w0, X, ‖x_i‖ and a, or null (no WebAssembly, or no room).
 * Measured: du2019.train.gd-rate searches (m = 250–2000, N = 3–6, d = 4–8, 100 steps) 9.4 s in the
 * JS loops; 3.2 s with two samples per register, 2.5 s with two neurons, 1.8 s with their per-sample work
 * without branches; trainGd at m = 1000 / 2000 (N = 5, d = 6, 100 steps) 3.2 / 6.2 → 2.3 / 4.6 ms with
 * four neurons per iteration (this layout; the NumPy notebook: 3.0 / 5.2 ms).
 */
export function wasmGdWorkspace(m: number, n: number, d: number, w: Float64Array, w0: Float64Array, x: Float64Array, xn: Float64Array, a: Float64Array): GdWorkspace | null {
  const s = init();
  if (s === null) return null;
  const mp = (m + 3) & ~3; // columns: m rounded up to a multiple of 4 (four neurons per kernel iteration)
  const sizes = { wT: d * mp, w0T: d * mp, x: n * d, zT: n * mp, xn: n, a: mp, u: n, act: n, e: n, c: 4 * n, out: 4, sign0: n * mp };
  const total = Object.values(sizes).reduce((p, q) => p + q, 0);
  const lease = leaseWasm(total);
  if (lease === null) return null;
  const at = {} as Record<keyof typeof sizes, number>;
  let off = 0;
  for (const k of Object.keys(sizes) as (keyof typeof sizes)[]) { at[k] = off; off += sizes[k]; }
  const f = lease.f64, base = f.byteOffset;
  f.fill(0); // padding columns start finite
  const view = (k: keyof typeof sizes) => f.subarray(at[k], at[k] + sizes[k]);
  const A = {} as Record<keyof typeof sizes, number>;
  for (const k of Object.keys(sizes) as (keyof typeof sizes)[]) A[k] = base + at[k] * 8;
  const wT = view('wT'), w0T = view('w0T');
  for (let r = 0; r < m; r++) for (let q = 0; q < d; q++) { wT[q * mp + r] = w[r * d + q]; w0T[q * mp + r] = w0[r * d + q]; }
  view('x').set(x.subarray(0, n * d));
  view('xn').set(xn.subarray(0, n));
  view('a').set(a.subarray(0, m));
  const u = view('u'), act = view('act'), out = view('out');
  return {
    u,
    act,
    e: view('e'),
    forward(first, certified, E, gd, wc, wc1) {
      u.fill(0);
      act.fill(0);
      s.k.gdForward(A.wT, A.w0T, A.x, A.zT, A.sign0, A.xn, A.a, A.u, A.act, A.out, m, n, d, first ? 1 : 0, certified ? 1 : 0, E, gd, wc, wc1);
      return out;
    },
    backward(invSqrtM, eta) {
      s.k.gdBackward(A.wT, A.x, A.zT, A.a, A.e, A.c, A.out, m, n, d, invSqrtM, eta);
      return out;
    },
    readW(o) {
      for (let r = 0; r < m; r++) for (let q = 0; q < d; q++) o[r * d + q] = wT[q * mp + r];
    },
    release: () => lease.release(),
  };
}

/** Below this many multiply-adds the copies in and out cost more than the kernel saves. */
const PREACT_MIN_WORK = 4096;

/**
 * z = W Xᵀ (m × n; W m × d, X n × d, both row-major) by the WebAssembly kernel `preActivations`,
 * bit-identical to ntk/twoLayer.ts's JS loop (each z_ri summed in order q); false when not used.
 * Measured (the test-set predictions of arora2019.thm5.1: m = 200, 1000 samples): d = 10 2.4 → 0.64 ms,
 * d = 20 4.4 → 1.2 ms.
 */
export function wasmPreActivations(w: Float64Array, m: number, x: Float64Array, n: number, d: number, out: Float64Array): boolean {
  if (m * n * d < PREACT_MIN_WORK) return false;
  const s = init();
  if (s === null) return false;
  const lease = leaseWasm(m * d + d * n + m * n);
  if (lease === null) return false;
  try {
    const f = lease.f64;
    f.set(w.subarray(0, m * d), 0);
    const o = m * d;
    for (let i = 0; i < n; i++) for (let q = 0; q < d; q++) f[o + q * n + i] = x[i * d + q];
    const zo = o + d * n;
    s.k.preActivations(f.byteOffset, f.byteOffset + o * 8, m, n, d, f.byteOffset + zo * 8);
    out.set(f.subarray(zo, zo + m * n));
    return true;
  } finally {
    lease.release();
  }
}
