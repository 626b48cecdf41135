/**
 * Rigorous bounds on the rounding of the forward and backward passes of a finite network
 * (network.ts conventions: f_0 = x, g_l = W_lᵀf_{l−1}, f_l = σ(g_l), b_L = 1, b_k = Σ_k W_{k+1} b_{k+1}).
 * empiricalNtk's errorBound covers only the final Gram/Hadamard/sum roundings, for the float F̂_k, B̂_k
 * it computed; this module bounds |F̂_k − F_k| and |B̂_k − B_k| themselves, for ANY float evaluation of
 * the dot products (any summation order — so the bound covers forward(), preActivationsAt(),
 * explicitJacobian() and backpropSignals() alike).
 *
 * Derivation [DER] (Higham §3.1: |fl(wᵀv) − wᵀv| ≤ γ_n|w|ᵀ|v|; σ is 1-Lipschitz and evaluated exactly):
 *   with the masked absolute network a_0 = |x|, a_l = m_l ∘ |W_l|ᵀa_{l−1} (l < L; m_l = 1 on the units
 *   active in the float pass — valid inductively while the pattern is certified, since a certified-
 *   inactive unit is exactly 0 in every evaluation), and η_0 = 0,
 *   1 + η_l = (1 + η_{l−1})(1 + γ_{n_{l−1}}):      |f̂_l − f_l| ≤ |ĝ_l − g_l| ≤ η_l a_l,  |f̂_l| ≤ (1 + η_l) a_l
 *   (induction: |ĝ_l − g_l| ≤ γ|W_l|ᵀ|f̂_{l−1}| + |W_l|ᵀ|f̂_{l−1} − f_{l−1}| ≤ (γ(1 + η_{l−1}) + η_{l−1}) a_l).
 *   If every hidden |ĝ_{l,j}| exceeds η_l (a_l)_j, the activation pattern of every such float evaluation
 *   equals the exact one (`patternCertified`). Then, with c_L = 1, c_k = Σ_k|W_{k+1}|c_{k+1},
 *   ζ_L = 0, 1 + ζ_k = (1 + ζ_{k+1})(1 + γ_{n_{k+1}}):   |b̂_k − b_k| ≤ ζ_k c_k, |b̂_k| ≤ (1 + ζ_k)c_k.
 *   The norms A_{k,i} ≥ ‖a_k(x_i)‖ and C_{k,i} ≥ ‖c_k(x_i)‖ are computed in floats and widened by
 *   (1 + γ_{n+2}) per layer (non-negative sums of n products, each term rounded at most n times in ANY
 *   summation order: the float value is ≥ (1 − γ_n) times the exact one, and 1/(1 − γ_n) ≤ 1 + γ_{n+2}).
 *   So the float passes over |W_l| may use any summation order.
 * Range guard (gradual underflow and overflow). The γ_n bounds above hold without underflow; with it,
 *   each product adds up to ETA/2 absolutely (Higham §2.2). If every product of non-zero factors
 *   |W|·a and |W|·c is ≥ 2^-1000 and every non-zero entry of a_l and c_k lies in [2^-500, 2^500], then
 *   (i) no product of the absolute networks underflows and no square in the norms under- or overflows,
 *   and (ii) the absolute ETA/2 of a product in a float pass that does underflow is below the 2u·a
 *   slack of the γ_{n+2} used for γ_n (n ≤ 2^22). Otherwise — or when a weight or datum is ±∞ or NaN,
 *   not a real number — `rangeSafe` is false, the pattern is not certified and every bound below is
 *   infinite (empiricalNtkCertified.ts covers all double inputs).
 * Consequence for the layer-wise NTK (used by layerwiseKernelPerturbation): for P = ⟨f_k(x_i), f_k(x_j)⟩,
 * Q = ⟨b_{k+1}(x_i), b_{k+1}(x_j)⟩ and any float f̂, b̂ within the bounds,
 *   |P̂Q̂ − PQ| ≤ ε_k A_{k,i}A_{k,j}C_{k+1,i}C_{k+1,j},   ε_k = (1 + η_k)²(1 + ζ_{k+1})² − 1.
 */
import { gammaUp, up } from '../linalg/blas.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { zeros } from '../linalg/matrix.ts';
import { type ForwardResult, type Network, forward, matmulIkj, nonReluActivation, requireNmm } from './network.ts';

export interface RoundingEnvelope {
  /** featureNorm[k][i] ≥ ‖a_k(x_i)‖ ≥ ‖f_k(x_i)‖, k = 0..L−1. */
  featureNorm: Float64Array[];
  /** eta[k]: ‖f̂_k(x_i) − f_k(x_i)‖ ≤ eta[k]·featureNorm[k][i] (k ≥ 1: valid only when patternCertified). */
  eta: number[];
  /** backNorm[k][i] ≥ ‖c_k(x_i)‖ ≥ ‖b_k(x_i)‖, k = 1..L (index k; entry 0 unused). Valid only when patternCertified. */
  backNorm: Float64Array[];
  /** zeta[k]: ‖b̂_k(x_i) − b_k(x_i)‖ ≤ zeta[k]·backNorm[k][i], k = 1..L. */
  zeta: number[];
  /** Every hidden pre-activation is farther from 0 than its rounding bound (patterns are exact). */
  patternCertified: boolean;
  /** min over hidden units of |ĝ| / (η a) (> 1 ⇔ patternCertified). */
  patternMargin: number;
  /** The range guard of the module comment holds (no under/overflow can invalidate the bounds). */
  rangeSafe: boolean;
}

const LO_PRODUCT = 2 ** -1000, LO_ENTRY = 2 ** -500, HI_ENTRY = 2 ** 500;

/** Every non-zero entry in [LO_ENTRY, HI_ENTRY] (false for ±∞ and NaN). */
function entriesInRange(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (a !== 0 && !(a >= LO_ENTRY && a <= HI_ENTRY)) return false;
  }
  return true;
}

/**
 * Smallest non-zero |v_i| (+∞ if none; NaN counts as 0) and whether every entry is finite. Read-only: |W|
 * is never stored, the products below take Math.abs of each weight as they read it.
 */
function absStats(v: Float64Array): { min: number; finite: boolean } {
  let m = Infinity, z = 0; // z = Σ 0·|v_i| stays 0 unless some |v_i| is ∞ or NaN
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (a < m && a !== 0) m = a;
    z += a * 0;
  }
  return { min: m, finite: z === 0 };
}

/** Smallest non-zero entry of a non-negative vector, or +∞. */
function minNonZero(v: Float64Array): number {
  let m = Infinity;
  for (let i = 0; i < v.length; i++) {
    const a = v[i];
    if (a !== 0 && a < m) m = a;
  }
  return m;
}

/**
 * a·|W| (a: N × nIn, a ≥ 0; W: nIn × nOut row-major) by network.ts matmulIkj (the order of the forward pass: the
 * non-zero entries of row i of a are gathered and row i of the result is updated four rows of |W| at a time). Each
 * entry is a sum of non-negative products, which is all the widening of the module comment assumes (any summation
 * order).
 */
function absForward(a: Float64Array, N: number, nIn: number, W: Float64Array, nOut: number): Float64Array {
  const absW = new Float64Array(W.length);
  for (let t = 0; t < W.length; t++) absW[t] = Math.abs(W[t]);
  return matmulIkj({ rows: N, cols: nIn, data: a }, { rows: nIn, cols: nOut, data: absW }).data;
}

/**
 * c_k = (c_{k+1}·|W|ᵀ) masked by the float pattern: entry (i, p) = Σ_j |W_pj| c_{i,j} where G_ip > 0, else 0
 * (c: N × nOut, c ≥ 0; W: nIn × nOut; G: N × nIn). Each entry is a sum of non-negative products in four
 * partial sums (any order is covered by the module comment).
 */
function absBackward(c: Float64Array, N: number, nOut: number, W: Float64Array, nIn: number, G: Float64Array): Float64Array {
  const next = new Float64Array(N * nIn);
  for (let i = 0; i < N; i++) {
    const ci = i * nOut;
    for (let p = 0; p < nIn; p++) {
      if (!(G[i * nIn + p] > 0)) continue;
      const o = p * nOut;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let j = 0;
      for (; j + 3 < nOut; j += 4) {
        s0 += Math.abs(W[o + j]) * c[ci + j];
        s1 += Math.abs(W[o + j + 1]) * c[ci + j + 1];
        s2 += Math.abs(W[o + j + 2]) * c[ci + j + 2];
        s3 += Math.abs(W[o + j + 3]) * c[ci + j + 3];
      }
      for (; j < nOut; j++) s0 += Math.abs(W[o + j]) * c[ci + j];
      next[i * nIn + p] = s0 + s1 + (s2 + s3);
    }
  }
  return next;
}

/**
 * The envelope of the module comment. ReLU only (σ 1-Lipschitz, evaluated exactly, the mask 1[ĝ > 0]): for any
 * other activation record nothing is certified (rangeSafe and patternCertified false, every bound infinite);
 * empiricalNtkCertified.ts covers the (a,b)-ReLU family.
 */
export function roundingEnvelope(net: Network, x: Matrix, fwd: ForwardResult = forward(net, x)): RoundingEnvelope {
  requireNmm(net, 'roundingEnvelope (empiricalNtkCertified.ts covers the NTK parameterisation)');
  const L = net.depth, N = x.rows;
  if (nonReluActivation(net.arch)) {
    const inf = (n: number) => new Float64Array(n).fill(Infinity);
    const backNorm = Array.from({ length: L + 1 }, () => inf(N));
    return { featureNorm: Array.from({ length: L }, () => inf(N)), eta: new Array<number>(L).fill(Infinity), backNorm, zeta: new Array<number>(L + 1).fill(Infinity), patternCertified: false, patternMargin: 0, rangeSafe: false };
  }
  // min |W_l| ≠ 0 for the range guard (a weight or datum that is ±∞ or NaN is not a real number: nothing is
  // certified then)
  const wMin: number[] = [];
  let finiteInputs = true;
  for (const w of net.weights) {
    const st = absStats(w.data);
    wMin.push(st.min);
    if (!st.finite) finiteInputs = false;
  }
  // absolute network, per sample (row-major N × n_l)
  let a: Float64Array = new Float64Array(x.data.length);
  for (let t = 0; t < a.length; t++) a[t] = Math.abs(x.data[t]);
  if (!absStats(x.data).finite) finiteInputs = false;
  const featureNorm: Float64Array[] = [];
  const eta: number[] = [0];
  const widen: number[] = [1];
  const norms = (v: Float64Array, n: number, w: number) => {
    const out = new Float64Array(N);
    const g = 1 + gammaUp(n + 2);
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let j = i * n, e = j + n; j < e; j++) s += v[j] * v[j];
      out[i] = up(up(Math.sqrt(up(s * g))) * w);
    }
    return out;
  };
  featureNorm.push(norms(a, net.dims[0], 1));
  let patternMargin = Infinity;
  let rangeSafe = finiteInputs && entriesInRange(a);
  for (let l = 1; l < L; l++) {
    const w = net.weights[l - 1], nIn = w.rows, nOut = w.cols;
    if (!(minNonZero(a) * wMin[l - 1] >= LO_PRODUCT)) rangeSafe = false;
    const next = absForward(a, N, nIn, w.data, nOut);
    const g = gammaUp(nIn + 2);
    eta.push(up(up((1 + eta[l - 1]) * (1 + g)) - 1));
    widen.push(up(widen[l - 1] * (1 + g))); // exact a_l ≤ widen_l · float a_l
    const el = eta[l], wl = widen[l];
    const G = fwd.preActivations[l - 1].data;
    for (let t = 0; t < G.length; t++) {
      const nt = next[t];
      // bound = 0 happens only when the unit's inputs are all certified inactive: then g is exactly 0
      // in every evaluation (σ'(0) = 0 treats it as inactive in all of them).
      if (nt !== 0) {
        const r = Math.abs(G[t]) / up(el * nt * wl);
        if (r < patternMargin) patternMargin = r;
      }
      // certified-inactive units contribute exactly 0 to f_l in every evaluation: mask them out
      if (!(G[t] > 0)) next[t] = 0;
    }
    a = next;
    if (!entriesInRange(a)) rangeSafe = false;
    featureNorm.push(norms(a, nOut, wl));
  }
  // backward envelope c_k, k = L..1 (masked by the float pattern; valid when patternCertified)
  const backNorm: Float64Array[] = new Array<Float64Array>(L + 1);
  const zeta: number[] = new Array<number>(L + 1).fill(0);
  const wid: number[] = new Array<number>(L + 1).fill(1);
  let c: Float64Array = new Float64Array(N).fill(1);
  backNorm[L] = norms(c, 1, 1);
  backNorm[0] = new Float64Array(N);
  for (let k = L - 1; k >= 1; k--) {
    const w = net.weights[k], nIn = w.rows, nOut = w.cols; // W_{k+1}: n_k × n_{k+1}
    const G = fwd.preActivations[k - 1].data;
    if (!(minNonZero(c) * wMin[k] >= LO_PRODUCT)) rangeSafe = false;
    const next = absBackward(c, N, nOut, w.data, nIn, G);
    const g = gammaUp(nOut + 2);
    zeta[k] = up(up((1 + zeta[k + 1]) * (1 + g)) - 1);
    wid[k] = up(wid[k + 1] * (1 + g));
    c = next;
    if (!entriesInRange(c)) rangeSafe = false;
    backNorm[k] = norms(c, nIn, wid[k]);
  }
  return { featureNorm, eta, backNorm, zeta, patternCertified: rangeSafe && patternMargin > 1, patternMargin, rangeSafe };
}

/**
 * T with T_ij ≥ |Σ_k (P̂Q̂ − PQ)_k,ij| (see the module comment): the entrywise bound on how far any float
 * evaluation of the layer-wise NTK sum Σ_k (F_kF_kᵀ)∘(B_{k+1}B_{k+1}ᵀ) — before its own Gram/sum
 * roundings — can be from the exact one. Also ‖·‖₂ bound: spectral = Σ_k ε_k Σ_i (A_{k,i}C_{k+1,i})²
 * (each layer's bound is the rank-one matrix ε_k u uᵀ). Infinite when the pattern is not certified.
 */
export function layerwiseKernelPerturbation(env: RoundingEnvelope): { entrywise: Matrix; spectral: number } {
  const N = env.featureNorm[0].length, L = env.featureNorm.length;
  const T = zeros(N, N);
  if (!env.patternCertified) {
    T.data.fill(Infinity);
    return { entrywise: T, spectral: Infinity };
  }
  let spectral = 0;
  for (let k = 0; k < L; k++) {
    const eps = up(up(up((1 + env.eta[k]) ** 2 * (1 + 1e-15)) * up((1 + env.zeta[k + 1]) ** 2 * (1 + 1e-15))) - 1);
    const u = new Float64Array(N);
    for (let i = 0; i < N; i++) u[i] = up(env.featureNorm[k][i] * env.backNorm[k + 1][i]);
    let s = 0;
    for (let i = 0; i < N; i++) {
      s += u[i] * u[i];
      for (let j = 0; j < N; j++) T.data[i * N + j] = up(T.data[i * N + j] + up(eps * up(u[i] * u[j])));
    }
    spectral = up(spectral + up(eps * up(s * (1 + gammaUp(N + 2)))));
  }
  return { entrywise: T, spectral };
}

/**
 * Bound on ‖F̂_k − F_k‖₂ ≤ ‖·‖_F ≤ η_k (Σ_i A_{k,i}²)^{1/2} (spectral error of the float feature matrix). Infinite for
 * k ≥ 1 unless the pattern is certified: A_k is the norm of the absolute network masked by the float pattern
 * ([DER] of the module comment), and a unit with ĝ ≤ 0 < g contributes |f̂ − f| = g to the error but 0 to A_k.
 */
export function featureMatrixError(env: RoundingEnvelope, k: number): number {
  if (k > 0 && !env.patternCertified) return Infinity;
  let s = 0;
  for (const v of env.featureNorm[k]) s += v * v;
  return up(env.eta[k] * up(Math.sqrt(up(s * (1 + gammaUp(env.featureNorm[k].length + 2))))));
}
