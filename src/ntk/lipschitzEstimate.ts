import { down, gammaUp, up } from '../linalg/blas.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { UNIT_ROUNDOFF, zeros } from '../linalg/matrix.ts';
import { norm2LowerBound, norm2UpperBound } from '../linalg/norm.ts';
import { wasmMaskedAccumulate } from './wasmNetwork.ts';
import { type Seed, childRng, fillGaussian } from '../random/rng.ts';
import type { Network } from './network.ts';
import { nonReluActivation, preActivationsAt, requireNmm } from './network.ts';
import { UserError } from '../errors.ts';

/**
 * Certified quantities for Lemma 6.1 / Theorem 6.2 of Nguyen–Mondelli–Montúfar 2021 (arXiv 2012.11654v5;
 * docs/theorems.md#lemma-61-and-theorem-62):
 * rounding envelopes of single-input forward passes, of the Jacobian J(g_k)(z), certified lower
 * estimates of ‖g_k‖_Lip, and a certified product-of-norms upper bound.
 *
 * Rounding model (Higham §3.1; blas.ts): |fl(wᵀv) − wᵀv| ≤ γ_n|w|ᵀ|v| for any summation order, σ is
 * 1-Lipschitz and exact. Derivations [DER]:
 *
 * (1) Single-input forward envelope (the same induction as roundingEnvelope.ts, for one z and up to
 *     layer k): A_0 = |z|, A_l = |W_l|ᵀ(m_{l−1} ∘ A_{l−1}) with m the float activation mask (m_0 = 1),
 *     η_0 = 0, 1 + η_l = (1 + η_{l−1})(1 + γ_{n_{l−1}+2}). While the pattern of layers < l is certified,
 *     |ĝ_l − g_l| ≤ η_l A_l componentwise, for ANY float evaluation of the dot products. A unit is
 *     certified when |ĝ_{l,j}| > η_l A_{l,j}: then g_{l,j} ≠ 0 and has the sign of ĝ_{l,j}. The float
 *     A_l is widened by w_l = Π(1 + γ_{n+2}) (non-negative sums), so the stored bound is an upper bound.
 *
 * (2) Jacobian envelope: with the (certified, hence exact) pattern D_l, Jᵀ = W_1D_1W_2⋯D_{k−1}W_k and the
 *     float product Ĵᵀ computed left to right satisfies |Ĵᵀ − Jᵀ| ≤ ε_J P, P = |W_1|D_1|W_2|⋯D_{k−1}|W_k|,
 *     1 + ε_J = Π_{l=2}^{k}(1 + γ_{n_{l−1}+2}) (induction: |Ĵᵀ_l − Ĵᵀ_{l−1}D W_l| ≤ γ|Ĵᵀ_{l−1}|D|W_l| and
 *     |Ĵᵀ_{l−1}| ≤ (1 + ε_{l−1})P_{l−1}). P is computed in float and widened like A. Hence
 *     ‖Ĵ − J‖₂ ≤ ‖Ĵ − J‖_F ≤ ε_J‖P‖_F.
 *
 * (3) Lemma 6.1: on the open set where no pre-activation of layers < k vanishes, g_k is linear with
 *     derivative J(g_k)(z); so ‖g_k‖_Lip ≥ ‖J(g_k)(z)‖₂ ≥ norm2LowerBound(Ĵ) − ε_J‖P‖_F at any z whose
 *     pattern is certified.
 *
 * Gradual underflow is ignored in (1)–(2) (weights and inputs are O(1) Gaussians; products never come
 * near 2^-1022); every bound is rounded upwards with `up`.
 */

const U = UNIT_ROUNDOFF;

function checkK(net: Network, k: number, what: string): void {
  if (!(Number.isInteger(k) && k >= 1 && k <= net.depth)) throw new RangeError(`${what}: k must be an integer in [1, ${net.depth}], got ${k}`);
}

export interface PointEnvelope {
  /** Float pre-activations ĝ_1(z)..ĝ_k(z) (preActivationsAt). */
  g: Float64Array[];
  /** bound[l−1][j] ≥ |ĝ_{l,j} − g_{l,j}| (valid while the pattern of layers < l is certified). */
  bound: Float64Array[];
  /** Every pre-activation of layers 1..k−1 is certified non-zero with the float sign. */
  patternCertified: boolean;
  /** min over layers < k of |ĝ|/bound (Infinity for k = 1; > 1 ⇔ certified). */
  margin: number;
}

/** Forward envelope (1) of the module comment for one input z, layers 1..k. */
export function pointEnvelope(net: Network, k: number, z: ArrayLike<number>): PointEnvelope {
  checkK(net, k, 'pointEnvelope');
  requireNmm(net, 'the certified Lipschitz estimates (lipschitzEstimate.ts)');
  const act = nonReluActivation(net.arch);
  if (act) throw new UserError(`the certified Lipschitz estimates cover ReLU networks only (linear regions, Lemma 6.1); activation ${act.name} is not covered`);
  const g = preActivationsAt(net, z, k);
  let a = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) a[i] = Math.abs(z[i]); // not Float64Array.from(z, Math.abs): see certifiedJacobian
  let eta = 0, widen = 1;
  const bound: Float64Array[] = [];
  let margin = Infinity;
  for (let l = 1; l <= k; l++) {
    const w = net.weights[l - 1], nIn = w.rows, nOut = w.cols, W = w.data;
    const next = new Float64Array(nOut);
    for (let p = 0; p < nIn; p++) {
      const v = a[p];
      if (v === 0) continue;
      const off = p * nOut;
      for (let j = 0; j < nOut; j++) next[j] += v * Math.abs(W[off + j]);
    }
    const gm = gammaUp(nIn + 2);
    eta = up(up((1 + eta) * (1 + gm)) - 1);
    widen = up(widen * (1 + gm));
    const c = up(eta * widen);
    const b = new Float64Array(nOut);
    const gl = g[l - 1];
    for (let j = 0; j < nOut; j++) {
      b[j] = next[j] === 0 ? 0 : up(c * next[j]);
      if (l < k) {
        const r = b[j] > 0 ? Math.abs(gl[j]) / b[j] : gl[j] === 0 && next[j] === 0 ? 0 : Infinity;
        // next[j] = 0: all inputs certified inactive (or z = 0 there), so g is exactly 0: a zero pre-activation.
        if (r < margin) margin = r;
        if (!(gl[j] > 0)) next[j] = 0;
      }
    }
    bound.push(b);
    a = next;
  }
  return { g, bound, patternCertified: margin > 1, margin };
}

export interface CertifiedJacobian {
  /** Ĵ = J(g_k)(z) computed in float, n_k × d (same loop order as lipschitz.ts featureJacobian). */
  jacobian: Matrix;
  /** P (d × n_k, float, not widened) with |Ĵᵀ − Jᵀ| ≤ relError·P entrywise. */
  absProduct: Matrix;
  /** ε_J·w: |Ĵᵀ − Jᵀ| ≤ relError · P̂ entrywise (P̂ the float P). */
  relError: number;
  /** Bound on ‖Ĵ − J‖₂ (Infinity when the pattern is not certified). */
  spectralError: number;
  /** w ≥ 1 with exact P ≤ w·P̂ entrywise. */
  widen: number;
  envelope: PointEnvelope;
}

/** Ĵ(g_k)(z) with the rounding bound (2); spectralError = Infinity unless the pattern of layers < k is certified. */
export function certifiedJacobian(net: Network, k: number, z: ArrayLike<number>): CertifiedJacobian {
  checkK(net, k, 'certifiedJacobian');
  const env = pointEnvelope(net, k, z);
  const d = net.dims[0];
  let jt: Matrix = { rows: d, cols: net.dims[1], data: Float64Array.from(net.weights[0].data) };
  // |W₁| by an index loop: Float64Array.from(data, Math.abs) goes through the iterator protocol with a
  // call per entry, and was most of this function's time once the products below ran in WebAssembly.
  const w1 = net.weights[0].data;
  const p1 = new Float64Array(w1.length);
  for (let i = 0; i < w1.length; i++) p1[i] = Math.abs(w1[i]);
  let pt: Matrix = { rows: d, cols: net.dims[1], data: p1 };
  let eps = 0, widen = 1;
  for (let l = 2; l <= k; l++) {
    const w = net.weights[l - 1];
    const g = env.g[l - 2];
    const nIn = w.rows, nOut = w.cols, W = w.data;
    const next = zeros(d, nOut), pnext = zeros(d, nOut);
    const J = jt.data, P = pt.data, O = next.data, Q = pnext.data;
    // Same loops in WebAssembly SIMD when available (bit-identical: lanes run over output entries).
    if (!wasmMaskedAccumulate(J, P, g, W, d, nIn, nOut, O, Q)) for (let c = 0; c < d; c++) {
      const jc = c * nIn, oc = c * nOut;
      for (let a = 0; a < nIn; a++) {
        if (!(g[a] > 0)) continue;
        const v = J[jc + a], pv = P[jc + a];
        const wa = a * nOut;
        if (v !== 0) for (let j = 0; j < nOut; j++) O[oc + j] += v * W[wa + j];
        if (pv !== 0) for (let j = 0; j < nOut; j++) Q[oc + j] += pv * Math.abs(W[wa + j]);
      }
    }
    const gm = gammaUp(nIn + 2);
    eps = up(up((1 + eps) * (1 + gm)) - 1);
    widen = up(widen * (1 + gm));
    jt = next;
    pt = pnext;
  }
  const relError = up(eps * widen);
  let s = 0;
  for (let i = 0; i < pt.data.length; i++) s += pt.data[i] * pt.data[i];
  const fro = up(Math.sqrt(up(s * (1 + gammaUp(pt.data.length + 2)))));
  const spectralError = env.patternCertified ? up(relError * fro) : Infinity;
  // transpose Ĵᵀ (d × n_k) to Ĵ (n_k × d): exact
  const jac = zeros(jt.cols, d);
  for (let c = 0; c < d; c++) for (let j = 0; j < jt.cols; j++) jac.data[j * d + c] = jt.data[c * jt.cols + j];
  return { jacobian: jac, absProduct: pt, relError, spectralError, widen, envelope: env };
}

export interface LipschitzLowerAt {
  /** Certified: ‖g_k‖_Lip ≥ lower (0 when the pattern at z is not certified). */
  lower: number;
  /** ‖Ĵ‖₂ estimate (Rayleigh lower bound of the float Jacobian, not certified against J). */
  estimate: number;
  certified: boolean;
}

/** Lemma 6.1 at one input: ‖g_k‖_Lip ≥ ‖J(g_k)(z)‖₂ ≥ norm2LowerBound(Ĵ) − ‖Ĵ − J‖₂ (certified pattern only). */
export function lipschitzLowerAt(net: Network, k: number, z: ArrayLike<number>): LipschitzLowerAt {
  const cj = certifiedJacobian(net, k, z);
  const nl = norm2LowerBound(cj.jacobian);
  if (!cj.envelope.patternCertified) return { lower: 0, estimate: nl, certified: false };
  return { lower: Math.max(0, down(nl - cj.spectralError)), estimate: nl, certified: true };
}

export interface LipschitzLowerEstimate {
  /** Certified lower bound on ‖g_k‖_Lip: the max over all evaluated inputs. */
  lower: number;
  /** The input achieving it. */
  z: Float64Array;
  /** Inputs evaluated and how many had a certified pattern. */
  evaluated: number;
  certifiedCount: number;
}

/**
 * max over inputs z of lipschitzLowerAt: `randomStarts` directions uniform on the sphere (g_k is
 * positively homogeneous, J(tz) = J(z), so only directions matter), then `climbSteps` steps of
 * hill climbing from the best one: z' = z + s‖z‖ξ/‖ξ‖ (ξ Gaussian, s cycling 0.5, 0.2, 0.1, 0.05),
 * kept when the certified lower bound increases. Deterministic given `seed`.
 */
export function estimateLipschitzLower(net: Network, k: number, o: { seed: Seed; randomStarts: number; climbSteps: number }): LipschitzLowerEstimate {
  checkK(net, k, 'estimateLipschitzLower');
  const d = net.dims[0];
  const rng = childRng(o.seed, 'lipschitz-z');
  let best = -1, bestZ = new Float64Array(d), evaluated = 0, certifiedCount = 0;
  const tryZ = (z: Float64Array): number => {
    const r = lipschitzLowerAt(net, k, z);
    evaluated++;
    if (r.certified) certifiedCount++;
    if (r.lower > best) { best = r.lower; bestZ = Float64Array.from(z); }
    return r.lower;
  };
  for (let t = 0; t < o.randomStarts; t++) tryZ(fillGaussian(rng, new Float64Array(d)));
  const steps = [0.5, 0.2, 0.1, 0.05];
  let cur = Float64Array.from(bestZ), curVal = best;
  for (let t = 0; t < o.climbSteps; t++) {
    const xi = fillGaussian(rng, new Float64Array(d));
    let nz = 0, nx = 0;
    for (let c = 0; c < d; c++) { nz += cur[c] * cur[c]; nx += xi[c] * xi[c]; }
    const s = (steps[t % steps.length] * Math.sqrt(nz)) / Math.sqrt(nx);
    const cand = new Float64Array(d);
    for (let c = 0; c < d; c++) cand[c] = cur[c] + s * xi[c];
    const v = tryZ(cand);
    if (v > curVal) { cur = cand; curVal = v; }
  }
  return { lower: Math.max(0, best), z: bestZ, evaluated, certifiedCount };
}

/**
 * Certified enclosure of Π_{l=1}^{k} ‖W_l‖₂ (norm2LowerBound / norm2UpperBound per factor, products
 * rounded outwards): the naive bound ‖g_k‖_Lip ≤ Π‖W_l‖₂ (ReLU is 1-Lipschitz).
 */
export function productOfNormsCertified(net: Network, k: number): { lower: number; upper: number } {
  requireNmm(net, 'productOfNormsCertified');
  checkK(net, k, 'productOfNormsCertified');
  let lo = 1, hi = 1;
  for (let l = 1; l <= k; l++) {
    lo = Math.max(0, down(lo * norm2LowerBound(net.weights[l - 1])));
    hi = up(hi * norm2UpperBound(net.weights[l - 1]));
  }
  return { lower: lo, upper: hi };
}

export interface RegionIdentity {
  /** fl(Ĵ(z)·fl(z' − z)) and fl(ĝ_k(z') − ĝ_k(z)), length n_k. */
  lhs: Float64Array;
  rhs: Float64Array;
  /** tolerance[j] ≥ |lhs_j − (J(z)(z' − z))_j| + |rhs_j − (g_k(z') − g_k(z))_j|; Infinity unless noFlip. */
  tolerance: Float64Array;
  /**
   * The same rounding bound whenever both endpoints have certified patterns, flips or not (the bound on
   * each side needs only its own endpoint's envelope; noFlip is what makes the two sides equal).
   */
  roundingBound: Float64Array;
  /** Both endpoints have certified, equal patterns on layers < k: no activation flips on the segment. */
  noFlip: boolean;
}

/**
 * Lemma 6.1's identity J(g_k)(z)(z' − z) = g_k(z') − g_k(z) on a linear region. "No flip" is certified
 * by certified, equal patterns (layers < k) at both endpoints: by induction on l, g_l is affine along the
 * segment while the patterns below are constant, so a sign equal at both ends never changes in between.
 * Tolerance (from (1), (2)): |fl(Ĵδ̂) − Jδ| ≤ [γ_{d+2}(1 + ε) + ε + 2u]·(P̂ᵀ-widened|δ̂|)_j with δ̂ = fl(z' − z)
 * (|δ̂ − δ| ≤ u|δ̂|), plus the forward bounds of g_k at both endpoints and u|rhs_j| for the subtraction.
 */
export function linearRegionIdentity(net: Network, k: number, z: ArrayLike<number>, z2: ArrayLike<number>): RegionIdentity {
  checkK(net, k, 'linearRegionIdentity');
  const d = net.dims[0], nk = net.dims[k];
  const cj = certifiedJacobian(net, k, z);
  const e2 = pointEnvelope(net, k, z2);
  const e1 = cj.envelope;
  let noFlip = e1.patternCertified && e2.patternCertified;
  for (let l = 0; l < k - 1 && noFlip; l++) for (let j = 0; j < e1.g[l].length; j++) if (e1.g[l][j] > 0 !== e2.g[l][j] > 0) { noFlip = false; break; }
  const delta = new Float64Array(d);
  for (let c = 0; c < d; c++) delta[c] = z2[c] - z[c];
  const lhs = new Float64Array(nk), rhs = new Float64Array(nk), tol = new Float64Array(nk), rb = new Float64Array(nk);
  const bothCertified = e1.patternCertified && e2.patternCertified;
  const J = cj.jacobian.data, P = cj.absProduct.data;
  const eps = cj.relError;
  const coef = up(up(up(gammaUp(d + 2) * (1 + eps) + eps + 2 * U) * cj.widen) * (1 + gammaUp(d + 2)) * (1 + 1e-12));
  for (let j = 0; j < nk; j++) {
    let s = 0, ps = 0;
    for (let c = 0; c < d; c++) { s += J[j * d + c] * delta[c]; ps += P[c * nk + j] * Math.abs(delta[c]); }
    lhs[j] = s;
    rhs[j] = e2.g[k - 1][j] - e1.g[k - 1][j];
    rb[j] = bothCertified ? up(up(coef * ps) + e1.bound[k - 1][j] + e2.bound[k - 1][j] + 2 * U * Math.abs(rhs[j])) : Infinity;
    tol[j] = noFlip ? rb[j] : Infinity;
  }
  return { lhs, rhs, tolerance: tol, roundingBound: rb, noFlip };
}
