import type { Matrix } from '../linalg/matrix.ts';
import { zeros } from '../linalg/matrix.ts';
import { type Seed, childRng, fillGaussian } from '../random/rng.ts';
import type { ActivationRecord } from './activations/record.ts';
import { UserError } from '../errors.ts';

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
 * default, or any record that is ReLU — keeps the masked fast path above; the certified rounding analysis
 * (empiricalNtkCertified.ts) covers the records with `certifiedFiniteNetwork`.
 *
 * NTK parameterisation (`arch.parameterization: 'ntk'`, wStd = W_std, bStd = b_std; docs/conventions.md#other-parameterisations):
 * neural-tangents' `stax.Dense(W_std, b_std, parameterization='ntk')` layers (Jacot et al., arXiv 1806.07572, eq. (1)).
 * The trainable parameters are ω_l ∈ R^{n_{l−1}×n_l} (entries N(0, β_l²): β_l = 1 for init 'standard', the
 * neural-tangents network; the same stream childRng(seed, 'W', l) as the 'nmm' W_l, so ω_l is bit for bit the 'nmm'
 * W_l of the same seed and init) and biases β_l ∈ R^{n_l} (entries N(0, 1) from childRng(seed, 'b', l)); with the real
 * s_l = W_std/√n_{l−1},
 *   g_l = s_l·(F_{l−1} ω_l) + b_std·β_l,   F_l = σ(g_l) (l < L),   f_L = s_L·F_{L−1} ω_L + b_std·β_L.
 * In floating point the layer map is fl(fl(ŝ_l·fl(F ω)) + fl(b_std·β_l)) with the double ŝ_l = fl(W_std/fl(√n_{l−1}))
 * (ntkLayers); the certified analysis bounds it against the real s_l. Its infinite-width NTK is limiting.ts's 'ntk'
 * kernel (first layer W_std²XXᵀ/d + b_std², then nngp ↦ W_std²E[φφ] + b_std²).
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
  /** 'nmm' (default: W_l = ω_l, no biases) or 'ntk' (neural-tangents' NTK parameterisation with biases; module comment). */
  parameterization?: 'nmm' | 'ntk';
  /** 'ntk' only: weight standard deviation W_std (default 1; finite). */
  wStd?: number;
  /** 'ntk' only: bias standard deviation b_std (default 0; finite). */
  bStd?: number;
}

/** The constants of the 'ntk' layer maps: W_std, b_std and the doubles ŝ_l = fl(W_std/fl(√n_{l−1})), l = 1..L. */
export interface NtkLayers {
  wStd: number;
  bStd: number;
  /** ŝ_1..ŝ_L (length L). */
  scales: number[];
}

/**
 * The 'ntk' constants of an architecture, or null in 'nmm' (validated as limiting.ts resolveArchitecture does: wStd,
 * bStd apply to 'ntk' only and must be finite).
 */
export function ntkLayers(arch: NetworkArchitecture): NtkLayers | null {
  const p = arch.parameterization ?? 'nmm';
  if (p === 'nmm') {
    if (arch.wStd !== undefined || arch.bStd !== undefined) throw new RangeError(`network: wStd/bStd apply to parameterization 'ntk' only`);
    return null;
  }
  if (p !== 'ntk') throw new RangeError(`network: unknown parameterization ${String(p)}`);
  const wStd = arch.wStd ?? 1,
    bStd = arch.bStd ?? 0;
  if (!Number.isFinite(wStd) || !Number.isFinite(bStd)) throw new RangeError(`network: wStd, bStd must be finite, got ${wStd}, ${bStd}`);
  const dims = architectureDims(arch);
  return { wStd, bStd, scales: dims.slice(0, -1).map((n) => wStd / Math.sqrt(n)) };
}

/**
 * A consumer of Network that covers the 'nmm' network only (no scales, no biases) refuses an 'ntk' one with a
 * one-line UserError instead of silently dropping its scale and bias.
 */
export function requireNmm(net: Pick<Network, 'arch'>, what: string): void {
  if ((net.arch.parameterization ?? 'nmm') !== 'nmm') {
    throw new UserError(`${what} covers the 'nmm' network without biases only, got parameterization '${net.arch.parameterization}' (docs/conventions.md#other-parameterisations)`);
  }
}

/**
 * A consumer of Network whose formula is derived for ReLU (e.g. E[σ(g)²] = 1/2) refuses a network with another activation
 * record with a one-line UserError instead of returning the ReLU value.
 */
export function requireRelu(net: Pick<Network, 'arch'>, what: string): void {
  const act = nonReluActivation(net.arch);
  if (act) throw new UserError(`${what} is derived for ReLU networks only, got activation ${act.name}`);
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
  /** W_1..W_L, W_l of shape n_{l−1} × n_l (row-major); length L. In 'ntk' these are the ω_l. */
  readonly weights: Matrix[];
  /** 'ntk' only: β_1..β_L, β_l of length n_l (the bias of layer l is b_std·β_l). */
  readonly biases?: Float64Array[];
  /** 'ntk' only: ntkLayers(arch). */
  readonly ntk?: NtkLayers;
}

export interface ForwardResult {
  /** F_0 = X, F_1..F_{L−1}; F_l is N × n_l. Length L. */
  features: Matrix[];
  /** G_1..G_{L−1} (pre-activations of the hidden layers), G_l = F_{l−1} W_l ('ntk': s_l F_{l−1}ω_l + b_std β_l), N × n_l. Length L − 1. */
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

/**
 * Draws W_1..W_L; layer l (1-based) from childRng(seed, 'W', l), entries N(0, β_l²), row-major; in 'ntk' also
 * β_1..β_L, β_l from childRng(seed, 'b', l), entries N(0, 1).
 */
export function initNetwork(arch: NetworkArchitecture, seed: Seed): Network {
  const dims = architectureDims(arch);
  const betas = resolveBetas(arch);
  const ntk = ntkLayers(arch);
  const depth = dims.length - 1;
  const weights: Matrix[] = [];
  for (let l = 1; l <= depth; l++) {
    const w = zeros(dims[l - 1], dims[l]);
    fillGaussian(childRng(seed, 'W', l), w.data, betas[l - 1]);
    weights.push(w);
  }
  if (!ntk) return { arch, depth, dims, betas, weights };
  const biases = dims.slice(1).map((n, l) => fillGaussian(childRng(seed, 'b', l + 1), new Float64Array(n)));
  return { arch, depth, dims, betas, weights, biases, ntk };
}

/**
 * Builds a Network around given weights (shapes are checked); betas are taken from arch. In 'ntk' the biases
 * β_1..β_L are required (lengths n_1..n_L); in 'nmm' none may be given.
 */
export function networkFromWeights(arch: NetworkArchitecture, weights: Matrix[], biases?: ArrayLike<number>[]): Network {
  const dims = architectureDims(arch);
  const ntk = ntkLayers(arch);
  const depth = dims.length - 1;
  if (weights.length !== depth) throw new RangeError(`expected ${depth} weight matrices, got ${weights.length}`);
  weights.forEach((w, i) => {
    if (w.rows !== dims[i] || w.cols !== dims[i + 1] || w.data.length !== w.rows * w.cols) {
      throw new RangeError(`W_${i + 1} must be ${dims[i]}×${dims[i + 1]}, got ${w.rows}×${w.cols}`);
    }
  });
  if (!ntk) {
    if (biases !== undefined) throw new RangeError(`biases apply to parameterization 'ntk' only`);
    return { arch, depth, dims, betas: resolveBetas(arch), weights };
  }
  if (biases === undefined || biases.length !== depth) throw new RangeError(`parameterization 'ntk' needs ${depth} bias vectors β_1..β_L`);
  const bs = biases.map((b, i) => {
    if (b.length !== dims[i + 1]) throw new RangeError(`β_${i + 1} must have length ${dims[i + 1]}, got ${b.length}`);
    return Float64Array.from(b);
  });
  return { arch, depth, dims, betas: resolveBetas(arch), weights, biases: bs, ntk };
}

/**
 * 'ntk': the pre-activations of layer l (1-based) in place, t ↦ fl(fl(ŝ_l·t) + fl(b_std·β_l[j])) on the N × n_l
 * row-major products t = fl(F_{l−1}ω_l); nothing in 'nmm'.
 */
export function applyLayerAffine(net: Network, l: number, data: Float64Array): void {
  if (!net.ntk) return;
  const s = net.ntk.scales[l - 1], c = layerBiasTerms(net, l)!, n = c.length;
  for (let t = 0; t < data.length; t++) data[t] = s * data[t] + c[t % n];
}

/** 'ntk': the doubles fl(b_std·β_l[j]) (length n_l) added in layer l; null in 'nmm'. */
export function layerBiasTerms(net: Network, l: number): Float64Array | null {
  if (!net.ntk) return null;
  const b = net.biases![l - 1], bs = net.ntk.bStd;
  return b.map((v) => bs * v);
}

/**
 * C = A · B (A: m × p, B: p × n), i-k-j order: the inner loop streams a row of B into a row of C.
 * Zero entries of A are skipped (ReLU features are about half zeros).
 */
export function matmulIkj(a: Matrix, b: Matrix): Matrix {
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

/** G_l = F_{l−1} W_l ('ntk': fl(ŝ_l·F_{l−1}ω_l) + fl(b_std β_l)). */
function layerMap(net: Network, f: Matrix, l: number): Matrix {
  const g = matmulIkj(f, net.weights[l - 1]);
  applyLayerAffine(net, l, g.data);
  return g;
}

/**
 * Forward pass on X (N × d): F_0 = X, G_l = F_{l−1} W_l, F_l = σ(G_l) (l < L), f_L = F_{L−1} W_L ('ntk': the affine
 * maps of the module comment). Cost Σ_l N n_{l−1} n_l multiply-adds (fewer: zero features are skipped).
 */
export function forward(net: Network, x: Matrix): ForwardResult {
  checkInput(net, x);
  const L = net.depth;
  const features: Matrix[] = [x];
  const preActivations: Matrix[] = [];
  for (let l = 1; l < L; l++) {
    const g = layerMap(net, features[l - 1], l);
    preActivations.push(g);
    features.push(activate(net, g));
  }
  const out = layerMap(net, features[L - 1], L);
  return { features, preActivations, output: out.data };
}

/** F_k (N × n_k) for 0 ≤ k ≤ L − 1 (F_0 = X). Computes only layers 1..k. */
export function featureMatrix(net: Network, x: Matrix, k: number): Matrix {
  checkInput(net, x);
  if (!(Number.isInteger(k) && k >= 0 && k <= net.depth - 1)) {
    throw new RangeError(`featureMatrix: k must be an integer in [0, L−1] = [0, ${net.depth - 1}], got ${k}`);
  }
  let f = x;
  for (let l = 1; l <= k; l++) f = activate(net, layerMap(net, f, l));
  return f;
}

/**
 * Pre-activations g_1(z)..g_k(z) of a single input z (length d), 1 ≤ k ≤ L; g_L = f_L (length 1).
 * g_l = W_lᵀ σ(g_{l−1}) ('ntk': s_l ω_lᵀ σ(g_{l−1}) + b_std β_l, the affine step of forward), g_0 := z without activation.
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
    applyLayerAffine(net, l, g);
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
export function expectedFeatureSquaredNorm(net: Pick<Network, 'dims' | 'betas'> & { arch?: NetworkArchitecture }, xNormSq: number, k: number): number {
  if (net.arch) {
    requireNmm({ arch: net.arch }, 'expectedFeatureSquaredNorm');
    requireRelu({ arch: net.arch }, 'expectedFeatureSquaredNorm');
  }
  const L = net.dims.length - 1;
  if (!(Number.isInteger(k) && k >= 0 && k <= L - 1)) throw new RangeError(`k must be in [0, ${L - 1}], got ${k}`);
  let p = xNormSq;
  for (let l = 1; l <= k; l++) p *= (net.dims[l] * net.betas[l - 1] ** 2) / 2;
  return p;
}
