/**
 * The WebAssembly workspace of the engine and the SIMD versions of the dense kernels (source:
 * wasm/linalg.as.ts, AssemblyScript; binary: wasm/linalg.wasm, rebuilt by `npm run build:wasm` and
 * checked by a test): Cholesky, triangular solves, Gram X Xᵀ, Householder tridiagonalisation.
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
 *
 * Modules: the kernels are split by domain, each beside the JS code it accelerates — this module's
 * wasm/linalg.wasm, the samplers of src/random (random/wasm/sampling.wasm, random/wasmSampling.ts) and the
 * network kernels of src/ntk (ntk/wasm/network.wasm, ntk/wasmNetwork.ts). All are compiled with
 * `--importMemory` and instantiated on the workspace memory owned here (`wasmModule`), so they share
 * its leases: an array leased by one is resident for all. None has a data or start section, so
 * instantiating one writes nothing into the workspace (a test checks). Each is compiled the first time
 * one of its kernels is called, so a process compiles only the modules it uses.
 */
import { readFileSync } from 'node:fs';

/** Upper limit of the per-thread workspace (bytes). */
export const WASM_MAX_BYTES = 40 * 1024 * 1024;
const PAGE = 65536;
/** Head room of a transient workspace above its matrix, for the vectors of the solves (≥ 131072 doubles). */
const SLACK_BYTES = 1024 * 1024;

/**
 * Bytes [0, WASM_SCRATCH_BYTES) of every workspace (persistent or transient) are never leased: scratch
 * for kernels that run without a lease, whatever leases are live — the Gaussian sampler of
 * random/wasmSampling.ts keeps its generator state, tables and output buffer there. Leases start above.
 */
export const WASM_SCRATCH_BYTES = 36864;

interface Exports {
  cholesky(a: number, n: number): number;
  solveLower(l: number, n: number, b: number): void;
  solveUpper(u: number, n: number, b: number): void;
  solveLowerTranspose(l: number, n: number, b: number): void;
  mirrorLowerToUpper(a: number, n: number): void;
  gram(x: number, n: number, d: number, g: number): void;
  tridiagonalize(w: number, n: number, d: number, e: number): void;
}

/** A workspace memory and the modules instantiated on it. */
interface State {
  memory: WebAssembly.Memory;
  /** The kernels of wasm/linalg.wasm on this memory. */
  k: Exports;
  /** First free byte (leases are a stack). */
  top: number;
  leases: number;
  /** A view of the whole memory (it never grows). */
  f64: Float64Array;
  /** Instances of the other modules on this memory, by module. */
  bindings: Map<object, WasmBinding<object> | null>;
}

/** One module's kernels instantiated on a workspace, with views of that workspace's memory. */
export interface WasmBinding<E> {
  /** The module's exports. */
  readonly k: E;
  readonly memory: WebAssembly.Memory;
  /** float64 and int32 views of the whole memory (it never grows). */
  readonly f64: Float64Array;
  readonly i32: Int32Array;
}

/**
 * A WebAssembly module compiled with `--importMemory` (its only import: env.memory), loaded on first use:
 * calling it gives its kernels on the current workspace of this thread (the persistent one, or inside
 * withTransientWasm the transient one), instantiated there on first use; null without WebAssembly SIMD.
 */
export type WasmModule<E extends object> = () => WasmBinding<E> | null;

/** The workspace kernels run on: this thread's persistent one, or inside withTransientWasm a transient one. */
let state: State | null | undefined;
/** This thread's persistent workspace (null until created, or without WebAssembly). */
let persistentState: State | null = null;
let linalgModule: WebAssembly.Module | null | undefined;

/** Compiles the binary at `url` (null if it cannot be read or compiled: no WebAssembly SIMD here). */
function compile(url: URL): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(readFileSync(url));
  } catch {
    return null;
  }
}

/** A workspace of `pages` pages with the linalg kernels on it, or null. */
function createState(pages: number): State | null {
  if (linalgModule === undefined) linalgModule = compile(new URL('./wasm/linalg.wasm', import.meta.url));
  if (linalgModule === null) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(linalgModule, { env: { memory } });
    return { memory, k: instance.exports as unknown as Exports, top: WASM_SCRATCH_BYTES, leases: 0, f64: new Float64Array(memory.buffer), bindings: new Map() };
  } catch {
    return null; // out of memory (transient workspaces)
  }
}

function init(): State | null {
  if (state === undefined) state = persistentState = createState(WASM_MAX_BYTES / PAGE);
  return state;
}

/**
 * The loader of the module whose binary is at `url` (a module of a higher layer passes its own file:
 * `wasmModule(new URL('./wasm/x.wasm', import.meta.url))`). The binary is read and compiled at the first
 * call, and instantiated once per workspace; the returned function is cheap enough for every kernel call.
 */
export function wasmModule<E extends object>(url: URL): WasmModule<E> {
  let compiled: WebAssembly.Module | null | undefined;
  let cachedFor: State | null = null;
  let last: WasmBinding<E> | null = null;
  const loader = (): WasmBinding<E> | null => {
    const s = init();
    if (s === null) return null;
    if (s === cachedFor) return last; // a transient workspace is looked up instead (a reference here would keep it alive)
    let b = s.bindings.get(loader) as WasmBinding<E> | null | undefined;
    if (b === undefined) {
      if (compiled === undefined) compiled = compile(url);
      b = null;
      if (compiled !== null) {
        try {
          const instance = new WebAssembly.Instance(compiled, { env: { memory: s.memory } });
          b = { k: instance.exports as unknown as E, memory: s.memory, f64: s.f64, i32: new Int32Array(s.memory.buffer) };
        } catch {
          b = null;
        }
      }
      s.bindings.set(loader, b);
    }
    if (s === persistentState) {
      cachedFor = s;
      last = b;
    }
    return b;
  };
  return loader;
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
  const pages = Math.ceil((doubles * 8 + WASM_SCRATCH_BYTES + SLACK_BYTES) / PAGE);
  if (pages > 65536) return undefined;
  const transient = createState(pages);
  if (transient === null) return undefined;
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
