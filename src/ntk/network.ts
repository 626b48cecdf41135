import type { Matrix } from '../linalg/matrix.ts';
import { zeros } from '../linalg/matrix.ts';
import { type Seed, childRng, fillGaussian } from '../random/rng.ts';
import type { ActivationRecord } from './activations/record.ts';

/**
 * Finite-width deep ReLU network in the convention of Nguyen–Mondelli–Montúfar 2021
 * (arXiv 2012.11654, Section 2; docs/conventions.md#network):
 *
 *   depth L = number of weight matrices; widths n_0 = d, n_1..n_{L−1}, n_L = 1;
 *   W_l ∈ R^{n_{l−1}×n_l} with i.i.d. N(0, β_l²) entries; no biases;
 *   f_0 = x, g_l = W_lᵀ f_{l−1}, f_l = σ(g_l) = max(0, g_l) for l < L, f_L = W_Lᵀ f_{L−1} ∈ R;
 *   σ'(0) = 0 (a zero pre-activation counts as inactive).
 *
 * On a data matrix X (N × d, one sample per row) the layer map is F_l = σ(F_{l−1} W_l).
 * Weights of layer l are drawn from the stream childRng(seed, 'W', l), row-major, so a network
 * depends only on (seed, architecture) — never on the order in which networks are built.
 *
 * Other activations: `arch.activation` (an activation record, activations/registry.ts) replaces σ by
 * record.fn and σ' by record.deriv in every layer map and in back-propagation (empiricalNtk.ts). ReLU — the
 * default, or any record that is ReLU — keeps the masked fast path above (and its certified rounding
 * analysis, empiricalNtkCertified.ts); for the others the finite network is not certified.
 */

export type Initialization =
  | 'standard' // β_l = 1 (the paper's limiting-NTK setting)
  | 'he' // β_l² = 2 / n_{l−1}
  | 'lecun' // β_l² = 1 / n_{l−1}
  | { beta: number[] }; // explicit β_1..β_L (standard deviations, not variances)

export interface NetworkArchitecture {
  /** n_0 = d. */
  inputDim: number;
  /** Hidden widths n_1..n_{L−1}; the depth is L = widths.length + 1 (the output width n_L = 1). */
  widths: number[];
  init: Initialization;
  /** σ (default ReLU). */
  activation?: ActivationRecord;
}

/** The record of a non-ReLU activation, or null for ReLU (the default and the masked fast path). */
export function nonReluActivation(arch: Pick<NetworkArchitecture, 'activation'>): ActivationRecord | null {
  const a = arch.activation;
  if (!a) return null;
  const ab = a as ActivationRecord & { a?: number; b?: number };
  return a.kind === 'ab-relu' && ab.a === 1 && ab.b === 0 ? null : a;
}

export interface Network {
  readonly arch: NetworkArchitecture;
  /** L = number of weight matrices. */
  readonly depth: number;
  /** n_0..n_L (n_0 = d, n_L = 1); length L + 1. */
  readonly dims: number[];
  /** β_1..β_L (entry standard deviations); length L. */
  readonly betas: number[];
  /** W_1..W_L, W_l of shape n_{l−1} × n_l (row-major); length L. */
  readonly weights: Matrix[];
}

export interface ForwardResult {
  /** F_0 = X, F_1..F_{L−1}; F_l is N × n_l. Length L. */
  features: Matrix[];
  /** G_1..G_{L−1} (pre-activations of the hidden layers), G_l = F_{l−1} W_l, N × n_l. Length L − 1. */
  preActivations: Matrix[];
  /** f_L(x_i), i = 1..N. */
  output: Float64Array;
}

function assertPositiveInt(v: number, what: string): void {
  if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`${what} must be a positive integer, got ${v}`);
}

/** n_0..n_L of an architecture (validates it). */
export function architectureDims(arch: NetworkArchitecture): number[] {
  assertPositiveInt(arch.inputDim, 'inputDim');
  arch.widths.forEach((w, i) => assertPositiveInt(w, `widths[${i}] (n_${i + 1})`));
  return [arch.inputDim, ...arch.widths, 1];
}

/** β_1..β_L resolved from the architecture's initialisation scheme. */
export function resolveBetas(arch: NetworkArchitecture): number[] {
  const dims = architectureDims(arch);
  const L = dims.length - 1;
  const init = arch.init;
  if (init === 'standard') return new Array<number>(L).fill(1);
  if (init === 'he') return Array.from({ length: L }, (_, l) => Math.sqrt(2 / dims[l]));
  if (init === 'lecun') return Array.from({ length: L }, (_, l) => Math.sqrt(1 / dims[l]));
  if (typeof init === 'object' && Array.isArray(init.beta)) {
    if (init.beta.length !== L) throw new RangeError(`init.beta must have L = ${L} entries (β_1..β_L), got ${init.beta.length}`);
    init.beta.forEach((b, i) => {
      if (!(Number.isFinite(b) && b >= 0)) throw new RangeError(`init.beta[${i}] must be finite and ≥ 0, got ${b}`);
    });
    return init.beta.slice();
  }
  throw new RangeError(`unknown initialisation ${JSON.stringify(init)}`);
}

/** Draws W_1..W_L; layer l (1-based) from childRng(seed, 'W', l), entries N(0, β_l²), row-major. */
export function initNetwork(arch: NetworkArchitecture, seed: Seed): Network {
  const dims = architectureDims(arch);
  const betas = resolveBetas(arch);
  const depth = dims.length - 1;
  const weights: Matrix[] = [];
  for (let l = 1; l <= depth; l++) {
    const w = zeros(dims[l - 1], dims[l]);
    fillGaussian(childRng(seed, 'W', l), w.data, betas[l - 1]);
    weights.push(w);
  }
  return { arch, depth, dims, betas, weights };
}

/** Builds a Network around given weights (shapes are checked); betas are taken from arch. */
export function networkFromWeights(arch: NetworkArchitecture, weights: Matrix[]): Network {
  const dims = architectureDims(arch);
  const depth = dims.length - 1;
  if (weights.length !== depth) throw new RangeError(`expected ${depth} weight matrices, got ${weights.length}`);
  weights.forEach((w, i) => {
    if (w.rows !== dims[i] || w.cols !== dims[i + 1] || w.data.length !== w.rows * w.cols) {
      throw new RangeError(`W_${i + 1} must be ${dims[i]}×${dims[i + 1]}, got ${w.rows}×${w.cols}`);
    }
  });
  return { arch, depth, dims, betas: resolveBetas(arch), weights };
}

/**
 * C = A · B (A: m × p, B: p × n), i-k-j order: the inner loop streams a row of B into a row of C.
 * Zero entries of A are skipped (ReLU features are about half zeros).
 */
function matmulIkj(a: Matrix, b: Matrix): Matrix {
  const m = a.rows, p = a.cols, n = b.cols;
  if (b.rows !== p) throw new RangeError(`matmul: ${m}×${p} times ${b.rows}×${n}`);
  const c = zeros(m, n);
  const A = a.data, B = b.data, C = c.data;
  const nz = new Int32Array(p);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    const ai = i * p;
    // Gather the non-zero entries of row i, then update row i of C four rows of B at a time
    // (one load/store of C per four multiply-adds).
    let cnt = 0;
    for (let k = 0; k < p; k++) if (A[ai + k] !== 0) nz[cnt++] = k;
    let t = 0;
    for (; t + 3 < cnt; t += 4) {
      const k0 = nz[t], k1 = nz[t + 1], k2 = nz[t + 2], k3 = nz[t + 3];
      const a0 = A[ai + k0], a1 = A[ai + k1], a2 = A[ai + k2], a3 = A[ai + k3];
      const b0 = k0 * n, b1 = k1 * n, b2 = k2 * n, b3 = k3 * n;
      for (let j = 0; j < n; j++) C[ci + j] += a0 * B[b0 + j] + a1 * B[b1 + j] + a2 * B[b2 + j] + a3 * B[b3 + j];
    }
    for (; t < cnt; t++) {
      const k = nz[t];
      const aik = A[ai + k];
      const bk = k * n;
      for (let j = 0; j < n; j++) C[ci + j] += aik * B[bk + j];
    }
  }
  return c;
}

function relu(m: Matrix): Matrix {
  const out = zeros(m.rows, m.cols);
  const s = m.data, d = out.data;
  for (let i = 0; i < s.length; i++) d[i] = s[i] > 0 ? s[i] : 0;
  return out;
}

/** σ applied elementwise: ReLU's fast path, or record.fn. */
function activate(net: Network, m: Matrix): Matrix {
  const act = nonReluActivation(net.arch);
  if (!act) return relu(m);
  const out = zeros(m.rows, m.cols);
  const s = m.data, d = out.data;
  for (let i = 0; i < s.length; i++) d[i] = act.fn(s[i]);
  return out;
}

function checkInput(net: Network, x: Matrix): void {
  if (x.cols !== net.dims[0]) throw new RangeError(`input has ${x.cols} columns, the network expects d = ${net.dims[0]}`);
  if (x.data.length !== x.rows * x.cols) throw new RangeError('input data length does not match its shape');
}

/**
 * Forward pass on X (N × d): F_0 = X, G_l = F_{l−1} W_l, F_l = σ(G_l) (l < L), f_L = F_{L−1} W_L.
 * Cost Σ_l N n_{l−1} n_l multiply-adds (fewer: zero features are skipped).
 */
export function forward(net: Network, x: Matrix): ForwardResult {
  checkInput(net, x);
  const L = net.depth;
  const features: Matrix[] = [x];
  const preActivations: Matrix[] = [];
  for (let l = 1; l < L; l++) {
    const g = matmulIkj(features[l - 1], net.weights[l - 1]);
    preActivations.push(g);
    features.push(activate(net, g));
  }
  const out = matmulIkj(features[L - 1], net.weights[L - 1]);
  return { features, preActivations, output: out.data };
}

/** F_k (N × n_k) for 0 ≤ k ≤ L − 1 (F_0 = X). Computes only layers 1..k. */
export function featureMatrix(net: Network, x: Matrix, k: number): Matrix {
  checkInput(net, x);
  if (!(Number.isInteger(k) && k >= 0 && k <= net.depth - 1)) {
    throw new RangeError(`featureMatrix: k must be an integer in [0, L−1] = [0, ${net.depth - 1}], got ${k}`);
  }
  let f = x;
  for (let l = 1; l <= k; l++) f = activate(net, matmulIkj(f, net.weights[l - 1]));
  return f;
}

/**
 * Pre-activations g_1(z)..g_k(z) of a single input z (length d), 1 ≤ k ≤ L; g_L = f_L (length 1).
 * g_l = W_lᵀ σ(g_{l−1}), g_0 := z without activation.
 */
export function preActivationsAt(net: Network, z: ArrayLike<number>, k: number = net.depth): Float64Array[] {
  if (z.length !== net.dims[0]) throw new RangeError(`input has length ${z.length}, expected d = ${net.dims[0]}`);
  if (!(Number.isInteger(k) && k >= 1 && k <= net.depth)) {
    throw new RangeError(`preActivationsAt: k must be an integer in [1, L] = [1, ${net.depth}], got ${k}`);
  }
  const gs: Float64Array[] = [];
  const act = nonReluActivation(net.arch);
  let f = Float64Array.from(z);
  for (let l = 1; l <= k; l++) {
    const w = net.weights[l - 1];
    const nIn = w.rows, nOut = w.cols, W = w.data;
    const g = new Float64Array(nOut);
    for (let a = 0; a < nIn; a++) {
      const fa = f[a];
      if (fa === 0) continue;
      const off = a * nOut;
      for (let j = 0; j < nOut; j++) g[j] += fa * W[off + j];
    }
    gs.push(g);
    const next = new Float64Array(nOut);
    if (act) for (let j = 0; j < nOut; j++) next[j] = act.fn(g[j]);
    else for (let j = 0; j < nOut; j++) next[j] = g[j] > 0 ? g[j] : 0;
    f = next;
  }
  return gs;
}

/** f_k(z) for one input, 0 ≤ k ≤ L (f_L is the scalar output, returned as length-1 array). */
export function featureAt(net: Network, z: ArrayLike<number>, k: number): Float64Array {
  if (k === 0) return Float64Array.from(z);
  const gs = preActivationsAt(net, z, k);
  const g = gs[k - 1];
  if (k === net.depth) return g;
  const act = nonReluActivation(net.arch);
  return act ? g.map((v) => act.fn(v)) : g.map((v) => (v > 0 ? v : 0));
}

/**
 * Exact expectation over W_1..W_k of ‖f_k(x)‖² for fixed x (derived;
 * docs/theorems.md#exact-finite-width-expectation-of-the-diagonal):
 *   E‖f_k(x)‖² = ‖x‖² ∏_{l=1}^{k} (n_l β_l² / 2),   0 ≤ k ≤ L − 1.
 */
export function expectedFeatureSquaredNorm(net: Pick<Network, 'dims' | 'betas'>, xNormSq: number, k: number): number {
  const L = net.dims.length - 1;
  if (!(Number.isInteger(k) && k >= 0 && k <= L - 1)) throw new RangeError(`k must be in [0, ${L - 1}], got ${k}`);
  let p = xNormSq;
  for (let l = 1; l <= k; l++) p *= (net.dims[l] * net.betas[l - 1] ** 2) / 2;
  return p;
}
