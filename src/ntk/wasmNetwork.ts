/**
 * The network kernels of src/ntk in WebAssembly SIMD (source: wasm/network.as.ts, AssemblyScript;
 * binary: wasm/network.wasm, rebuilt by `npm run build:wasm` and checked by a test): masked Jacobian
 * products (lipschitzEstimate.ts), the gradient-descent workspace of a two-layer network and its
 * pre-activations (twoLayer.ts), each bit-identical to the JS loops it replaces. The module imports the
 * engine's workspace memory (linalg/wasmKernels.ts `wasmModule`) and works in leases of it
 * (`leaseWasm`). Without WebAssembly SIMD the JS loops run.
 */
import { leaseWasm, wasmModule } from '../linalg/wasmKernels.ts';

interface Exports {
  maskedAccumulate(J: number, P: number, g: number, W: number, Wabs: number, d: number, nIn: number, nOut: number, O: number, Q: number): void;
  gdForward(
    wT: number,
    w0T: number,
    x: number,
    zT: number,
    sign0: number,
    xn: number,
    a: number,
    u: number,
    act: number,
    out: number,
    m: number,
    n: number,
    d: number,
    first: number,
    certified: number,
    E: number,
    gd: number,
    wc: number,
    wc1: number,
  ): void;
  gdBackward(
    wT: number,
    x: number,
    zT: number,
    a: number,
    e: number,
    c: number,
    out: number,
    m: number,
    n: number,
    d: number,
    invSqrtM: number,
    eta: number,
  ): void;
  preActivations(w: number, xT: number, m: number, n: number, d: number, z: number): void;
}

const network = wasmModule<Exports>(new URL('./wasm/network.wasm', import.meta.url));

/**
 * O = Σ_{a: g[a] > 0} J[:, a] ⊗ W[a, :] and Q = Σ_{a: g[a] > 0} P[:, a] ⊗ |W[a, :]| (J, P: d × nIn;
 * W: nIn × nOut; O, Q: d × nOut, zero on entry and overwritten) by the WebAssembly kernel — bit-identical
 * to the JS loops of lipschitzEstimate.ts (same products, same order per entry); false when not used
 * (no WebAssembly, too large, or nOut < 8 where the copies do not pay).
 */
export function wasmMaskedAccumulate(
  J: Float64Array,
  P: Float64Array,
  g: ArrayLike<number>,
  W: Float64Array,
  d: number,
  nIn: number,
  nOut: number,
  O: Float64Array,
  Q: Float64Array,
): boolean {
  if (nOut < 8) return false;
  const s = network();
  if (s === null) return false;
  const sizes = [d * nIn, d * nIn, nIn, nIn * nOut, nIn * nOut, d * nOut, d * nOut];
  const lease = leaseWasm(sizes.reduce((x, y) => x + y, 0));
  if (lease === null) return false;
  try {
    const m = lease.f64;
    const at: number[] = [];
    let off = 0;
    for (const z of sizes) {
      at.push(off);
      off += z;
    }
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
 * Workspace of one `trainGd` run (twoLayer.ts) for the WebAssembly kernels gdForward / gdBackward
 * (wasm/network.as.ts; bit-identical to the JS loops: the same operations in the same order, one neuron
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
export function wasmGdWorkspace(
  m: number,
  n: number,
  d: number,
  w: Float64Array,
  w0: Float64Array,
  x: Float64Array,
  xn: Float64Array,
  a: Float64Array,
): GdWorkspace | null {
  const s = network();
  if (s === null) return null;
  const mp = (m + 3) & ~3; // columns: m rounded up to a multiple of 4 (four neurons per kernel iteration)
  const sizes = { wT: d * mp, w0T: d * mp, x: n * d, zT: n * mp, xn: n, a: mp, u: n, act: n, e: n, c: 4 * n, out: 4, sign0: n * mp };
  const total = Object.values(sizes).reduce((p, q) => p + q, 0);
  const lease = leaseWasm(total);
  if (lease === null) return null;
  const at = {} as Record<keyof typeof sizes, number>;
  let off = 0;
  for (const k of Object.keys(sizes) as (keyof typeof sizes)[]) {
    at[k] = off;
    off += sizes[k];
  }
  const f = lease.f64,
    base = f.byteOffset;
  f.fill(0); // padding columns start finite
  const view = (k: keyof typeof sizes) => f.subarray(at[k], at[k] + sizes[k]);
  const A = {} as Record<keyof typeof sizes, number>;
  for (const k of Object.keys(sizes) as (keyof typeof sizes)[]) A[k] = base + at[k] * 8;
  const wT = view('wT'),
    w0T = view('w0T');
  for (let r = 0; r < m; r++)
    for (let q = 0; q < d; q++) {
      wT[q * mp + r] = w[r * d + q];
      w0T[q * mp + r] = w0[r * d + q];
    }
  view('x').set(x.subarray(0, n * d));
  view('xn').set(xn.subarray(0, n));
  view('a').set(a.subarray(0, m));
  const u = view('u'),
    act = view('act'),
    out = view('out');
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
 * bit-identical to twoLayer.ts's JS loop (each z_ri summed in order q); false when not used.
 * Measured (the test-set predictions of arora2019.thm5.1: m = 200, 1000 samples): d = 10 2.4 → 0.64 ms,
 * d = 20 4.4 → 1.2 ms.
 */
export function wasmPreActivations(w: Float64Array, m: number, x: Float64Array, n: number, d: number, out: Float64Array): boolean {
  if (m * n * d < PREACT_MIN_WORK) return false;
  const s = network();
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
