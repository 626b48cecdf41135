import { down, gammaUp, nonNegativeSumUpper, up } from '../linalg/blas.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { ETA, UNIT_ROUNDOFF, zeros } from '../linalg/matrix.ts';
import { norm2LowerBound, norm2UpperBound } from '../linalg/norm.ts';
import { exponentOf, ldexp, ldexpDown, ldexpUp } from '../linalg/pow2.ts';
import { activationLipschitz } from './activations/record.ts';
import { layerScaleEnclosure } from './empiricalNtkCertified.ts';
import { wasmMaskedAccumulate } from './wasmNetwork.ts';
import { type Seed, childRng, fillGaussian } from '../random/rng.ts';
import type { Network } from './network.ts';
import { layerBiasTerms, nonReluActivation, preActivationsAt, requireNmm } from './network.ts';
import { UserError } from '../errors.ts';

/**
 * Certified quantities for Lemma 6.1 / Theorem 6.2 of Nguyen–Mondelli–Montúfar 2021 (arXiv 2012.11654v5;
 * docs/theorems.md#lemma-61-and-theorem-62):
 * rounding envelopes of single-input forward passes, of the Jacobian J(g_k)(z), certified lower
 * estimates of ‖g_k‖_Lip, and a certified product-of-norms upper bound. Covered: the (a,b)-ReLU family (ReLU,
 * leaky ReLU, abs, identity: piecewise linear, so Lemma 6.1's linear regions exist) in both parameterisations
 * of network.ts ('ntk' with biases); linearRegionIdentity 'nmm' only; productOfNormsCertified every record.
 * ReLU 'nmm' uses (1)–(2) below, the rest (1')–(2') (next to pointEnvelopeRadii, certifiedJacobianSlopes).
 *
 * Rounding model (Higham §2.2, §3.1; blas.ts): |fl(wᵀv) − wᵀv| ≤ γ_n|w|ᵀ|v| + n·ETA for any summation order
 * (ETA = 2^-1074: each product may underflow by ETA/2; sums are exact there), σ is 1-Lipschitz and exact. Every
 * bound below holds for every double network and input: an overflow (±∞ or NaN anywhere) makes the bound +∞ and
 * the pattern uncertified. Derivations [DER]:
 *
 * (1) Single-input forward envelope (the same induction as roundingEnvelope.ts, for one z and up to
 *     layer k): A_0 = |z|, A_l = |W_l|ᵀ(m_{l−1} ∘ A_{l−1}) with m the float activation mask (m_0 = 1),
 *     η_0 = 0, 1 + η_l = (1 + η_{l−1})(1 + γ_{n_{l−1}+2}). While the pattern of layers < l is certified,
 *     |ĝ_l − g_l| ≤ η'_l A_l + T_l componentwise, for ANY float evaluation of the dot products, with η' the same
 *     product over γ_{n_{l−1}} ≤ η and T_0 = 0, T_l = (1 + γ_n)|W_l|ᵀ(m ∘ T_{l−1}) + n·ETA (n = n_{l−1}; induction:
 *     |ĝ_l − g_l| ≤ γ_n|W_l|ᵀ|f̂_{l−1}| + n·ETA + |W_l|ᵀ|f̂_{l−1} − f_{l−1}| with |f̂_{l−1}| ≤ m((1 + η')A + T)).
 *     The float Â_l (non-negative sums) satisfies A_l ≤ w_lÂ_l + E_l, w_l = Π(1 + γ_{n+2}) (1/(1 − γ_n) ≤
 *     1 + γ_{n+2}), E_l = w_l·n·ETA/2 + |W_l|ᵀ(m ∘ E_{l−1}). While η_l ≤ 1 and w_l ≤ 2 the absolute parts
 *     sum to at most the scalar V_l = (1 + γ_n)·n·max|W_l|·V_{l−1} + 2n·ETA (V_0 = 0; +∞ otherwise), so
 *       |ĝ_{l,j} − g_{l,j}| ≤ η_l w_l Â_{l,j} + V_l  (stored as `bound`, rounded upwards; `upPlus`).
 *     A unit is certified when |ĝ_{l,j}| > bound: then g_{l,j} ≠ 0 and has the sign of ĝ_{l,j}.
 *
 * (2) Jacobian envelope: with the (certified, hence exact) pattern D_l, Jᵀ = W_1D_1W_2⋯D_{k−1}W_k and the
 *     float product Ĵᵀ computed left to right satisfies |Ĵᵀ − Jᵀ| ≤ ε_J P + V_J, P = |W_1|D_1|W_2|⋯D_{k−1}|W_k|,
 *     1 + ε_J = Π_{l=2}^{k}(1 + γ_{n_{l−1}+2}) (induction: |Ĵᵀ_l − Ĵᵀ_{l−1}D W_l| ≤ γ|Ĵᵀ_{l−1}|D|W_l| + n·ETA and
 *     |Ĵᵀ_{l−1}| ≤ (1 + ε_{l−1})P_{l−1} + V_{l−1}), V_J the scalar recursion of (1) over layers 2..k (V_1 = 0:
 *     Ĵᵀ_1 = W_1 exactly), which also covers P ≤ w P̂ + E for the float P̂. Hence
 *     ‖Ĵ − J‖₂ ≤ ‖Ĵ − J‖_F ≤ ε_J w‖P̂‖_F + V_J·√(d n_k), ‖P̂‖_F² ≤ (Σ P̂²)(1 + γ_{dn_k+2}) + dn_k·ETA.
 *
 * (3) Lemma 6.1: on the open set where no pre-activation of layers < k vanishes, g_k is linear with
 *     derivative J(g_k)(z); so ‖g_k‖_Lip ≥ ‖J(g_k)(z)‖₂ ≥ norm2LowerBound(Ĵ) − ‖Ĵ − J‖₂ at any z whose
 *     pattern is certified.
 *
 * On inputs far from underflow the absolute terms are below the 6u|t| slack of `up` (upPlus), and every bound is
 * the double the relative terms alone give.
 */

const U = UNIT_ROUNDOFF;

/**
 * A float ≥ τ + a, where t = fl(τ) is one rounded operation (or a sum of at most four rounded non-negative terms)
 * and a ≥ 0: up(t) when a ≤ 2^-54|t| and t is normal (up leaves t + 6u|t|, of which at most 4u|t| pays for the
 * roundings of t: the rest covers a), else up(up(t) + a). NaN (an overflow met 0·∞) → +∞.
 */
function upPlus(t: number, a: number): number {
  const at = Math.abs(t);
  const r = a === 0 || (a <= at * 2 ** -54 && at >= 2 ** -1021) ? up(t) : up(up(t) + a);
  return r === r ? r : Infinity;
}

/** max_i |v_i| (+∞ if some entry is ±∞ or NaN). */
function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (!(a <= m)) m = a === a ? a : Infinity;
  }
  return m;
}

/**
 * The absolute term V_l of (1)/(2) from V_{l−1}: (1 + γ_n)·n·max|W_l|·V_{l−1} + 2n·ETA, +∞ unless η ≤ 1 and
 * w ≤ 2 (the conditions under which V absorbs the underflow of the float Â, P̂).
 */
function nextAbsTerm(v: number, nIn: number, maxW: number, gm: number, eta: number, widen: number): number {
  if (!(eta <= 1 && widen <= 2)) return Infinity;
  const prop = v === 0 ? 0 : up(up(up(nIn * maxW) * v) * up(1 + gm));
  const r = up(prop + up(2 * nIn * ETA));
  return r === r ? r : Infinity;
}

function checkK(net: Network, k: number, what: string): void {
  if (!(Number.isInteger(k) && k >= 1 && k <= net.depth)) throw new RangeError(`${what}: k must be an integer in [1, ${net.depth}], got ${k}`);
}

export interface PointEnvelope {
  /** Float pre-activations ĝ_1(z)..ĝ_k(z) (preActivationsAt). */
  g: Float64Array[];
  /** bound[l−1][j] ≥ |ĝ_{l,j} − g_{l,j}| (valid while the pattern of layers < l is certified; +∞ on overflow). */
  bound: Float64Array[];
  /** Every pre-activation of layers 1..k−1 is certified non-zero with the float sign. */
  patternCertified: boolean;
  /** min over layers < k of |ĝ|/bound (Infinity for k = 1; > 1 ⇔ certified). */
  margin: number;
}

/** Forward envelope (1) of the module comment for one input z, layers 1..k. */
export function pointEnvelope(net: Network, k: number, z: ArrayLike<number>): PointEnvelope {
  checkK(net, k, 'pointEnvelope');
  const sl = slopes(net);
  if (sl.a !== 1 || sl.b !== 0 || net.ntk) return pointEnvelopeRadii(net, k, z, sl);
  const g = preActivationsAt(net, z, k);
  let a = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) a[i] = Math.abs(z[i]); // not Float64Array.from(z, Math.abs): see certifiedJacobian
  let eta = 0, widen = 1, vAbs = 0;
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
    vAbs = nextAbsTerm(vAbs, nIn, maxAbs(W), gm, eta, widen);
    const c = up(eta * widen);
    const b = new Float64Array(nOut);
    const gl = g[l - 1];
    for (let j = 0; j < nOut; j++) {
      b[j] = upPlus(c * next[j], vAbs);
      if (l < k) {
        // An overflow (ĝ or the bound ±∞ or NaN) certifies nothing.
        const r = !(Math.abs(gl[j]) < Infinity && b[j] < Infinity) ? 0 : Math.abs(gl[j]) / b[j];
        if (!(r >= margin)) margin = r;
        if (!(gl[j] > 0)) next[j] = 0;
      }
    }
    bound.push(b);
    a = next;
  }
  return { g, bound, patternCertified: margin > 1, margin };
}

/**
 * The slopes (a, b) of the network's piecewise-linear activation, σ(t) = a·t (t > 0), b·t (t < 0) ((1, 0) for ReLU);
 * any other record has no linear regions (Lemma 6.1): a UserError.
 */
function slopes(net: Network): { a: number; b: number } {
  const act = nonReluActivation(net.arch);
  if (!act) return { a: 1, b: 0 };
  if (act.kind !== 'ab-relu')
    throw new UserError(`the certified Lipschitz estimates cover the (a,b)-ReLU family only (linear regions, Lemma 6.1); activation ${act.name} is not covered`);
  const ab = act as unknown as { a: number; b: number };
  return { a: ab.a, b: ab.b };
}

/** ≥ |fl(m·ĝ) − m·ĝ| given f̂ = fl(m·ĝ): 0 for m ∈ {0, ±1}, else 2u|f̂| + ETA (empiricalNtkCertified.ts [DER]). */
const slopeRounding = (m: number, f: number): number => (m === 0 || m === 1 || m === -1 ? 0 : up(up(2 * U * Math.abs(f)) + ETA));

/**
 * (1') The forward envelope of the (a,b)-ReLU family and of 'ntk' networks, as per-unit radii (the recursion of
 * empiricalNtkCertified.ts [DER] for one input): with r_{l−1} ≥ |f̂_{l−1} − f_{l−1}| (r_0 = 0, z exact),
 *   |t̂ − ω_lᵀf_{l−1}| ≤ ρ_t = γ_n|ω_l|ᵀ|f̂_{l−1}| + n·ETA + |ω_l|ᵀr_{l−1}  (t̂ = fl(ω_lᵀf̂_{l−1}), any order),
 * the two sums bounded above from their float values by nonNegativeSumUpper; 'ntk' adds the affine step,
 * |ĝ − g| ≤ s⁺ρ_t + γ_6(|ĝ| + |ĉ_j|) + 2·ETA (ntkPreRadius there; s⁺ = layerScaleEnclosure's upper end). A unit with
 * |ĝ| > bound has the sign of ĝ, so σ is the linear map of slope m ∈ {a, b} there and f̂ = fl(mĝ) is within
 * r = |m|·bound + slopeRounding(m, f̂) of f.
 */
function pointEnvelopeRadii(net: Network, k: number, z: ArrayLike<number>, sl: { a: number; b: number }): PointEnvelope {
  const g = preActivationsAt(net, z, k);
  let fh = Float64Array.from(z as ArrayLike<number>);
  let r = new Float64Array(fh.length);
  const bound: Float64Array[] = [];
  let margin = Infinity;
  for (let l = 1; l <= k; l++) {
    const w = net.weights[l - 1], nIn = w.rows, nOut = w.cols, W = w.data;
    const s1 = new Float64Array(nOut), s2 = new Float64Array(nOut);
    for (let p = 0; p < nIn; p++) {
      const v = Math.abs(fh[p]), e = r[p], off = p * nOut;
      if (v !== 0) for (let j = 0; j < nOut; j++) s1[j] += v * Math.abs(W[off + j]);
      if (e !== 0) for (let j = 0; j < nOut; j++) s2[j] += e * Math.abs(W[off + j]);
    }
    const gn = gammaUp(nIn), nEta = up(nIn * ETA);
    const sc = layerScaleEnclosure(net, l), c = layerBiasTerms(net, l);
    const gl = g[l - 1];
    const b = new Float64Array(nOut), fNext = new Float64Array(nOut), rNext = new Float64Array(nOut);
    for (let j = 0; j < nOut; j++) {
      let rho = up(up(up(gn * nonNegativeSumUpper(s1[j], nIn, 1)) + nEta) + (l === 1 ? 0 : nonNegativeSumUpper(s2[j], nIn, 1)));
      if (sc) rho = up(up(up(sc.upper * rho) + up(gammaUp(6) * up(Math.abs(gl[j]) + Math.abs(c![j])))) + 2 * ETA);
      b[j] = rho === rho ? rho : Infinity;
      if (l < k) {
        const gj = gl[j];
        const ratio = !(Math.abs(gj) < Infinity && b[j] < Infinity) ? 0 : Math.abs(gj) / b[j];
        if (!(ratio >= margin)) margin = ratio;
        const m = gj > 0 ? sl.a : gj < 0 ? sl.b : 0;
        fNext[j] = m * gj; // = preActivationsAt's σ(ĝ) (activation.ts apply)
        rNext[j] = up(up(Math.abs(m) * b[j]) + slopeRounding(m, fNext[j]));
      }
    }
    bound.push(b);
    fh = fNext;
    r = rNext;
  }
  return { g, bound, patternCertified: margin > 1, margin };
}

export interface CertifiedJacobian {
  /** Ĵ = J(g_k)(z) computed in float, n_k × d (same loop order as lipschitz.ts featureJacobian). */
  jacobian: Matrix;
  /** P̂ (d × n_k, float, not widened; 'ntk': without the scales) with |Ĵᵀ − Jᵀ| ≤ relError·P̂ + absError entrywise. */
  absProduct: Matrix;
  /** ε_J·w ((2'): with the scale terms in 'ntk'): |Ĵᵀ − Jᵀ| ≤ relError · P̂ + absError entrywise. */
  relError: number;
  /** V_J of (2) ((2'): with the scale terms in 'ntk'): the absolute (underflow) part of the entrywise bound. */
  absError: number;
  /** Bound on ‖Ĵ − J‖₂ (Infinity when the pattern is not certified). */
  spectralError: number;
  /** w ≥ 1 with exact P ≤ w·P̂ + V_J entrywise ('ntk': P and P̂ without the scales). */
  widen: number;
  envelope: PointEnvelope;
}

/**
 * O += Σ_a d_a·J[:, a] ⊗ W[a, :] and Q += Σ_a |d_a|·P[:, a] ⊗ |W[a, :]| (J, P: d × nIn; W: nIn × nOut; O, Q: d × nOut;
 * the arguments of wasmMaskedAccumulate) with d_a = σ'(g_a) ∈ {sa (g_a > 0), sb (g_a < 0), 0 (g_a = 0 or NaN)}; units
 * with d_a = 0 are skipped. For ReLU (sa = 1, sb = 0) the products by d_a are exact, so these are the loops that
 * wasmMaskedAccumulate reproduces.
 */
function slopeAccumulate(sa: number, sb: number, ...[J, P, g, W, d, nIn, nOut, O, Q]: Parameters<typeof wasmMaskedAccumulate>): void {
  for (let c = 0; c < d; c++) {
    const jc = c * nIn, oc = c * nOut;
    for (let a = 0; a < nIn; a++) {
      const dg = g[a] > 0 ? sa : g[a] < 0 ? sb : 0;
      if (dg === 0) continue;
      const v = dg * J[jc + a], pv = Math.abs(dg) * P[jc + a];
      const wa = a * nOut;
      if (v !== 0) for (let j = 0; j < nOut; j++) O[oc + j] += v * W[wa + j];
      if (pv !== 0) for (let j = 0; j < nOut; j++) Q[oc + j] += pv * Math.abs(W[wa + j]);
    }
  }
}

/** Ĵ(g_k)(z) with the rounding bound (2); spectralError = Infinity unless the pattern of layers < k is certified. */
export function certifiedJacobian(net: Network, k: number, z: ArrayLike<number>): CertifiedJacobian {
  checkK(net, k, 'certifiedJacobian');
  const env = pointEnvelope(net, k, z);
  const sl = slopes(net);
  if (sl.a !== 1 || sl.b !== 0 || net.ntk) return certifiedJacobianSlopes(net, k, env, sl);
  const d = net.dims[0];
  let jt: Matrix = { rows: d, cols: net.dims[1], data: Float64Array.from(net.weights[0].data) };
  // |W₁| by an index loop: Float64Array.from(data, Math.abs) goes through the iterator protocol with a
  // call per entry, and was most of this function's time once the products below ran in WebAssembly.
  const w1 = net.weights[0].data;
  const p1 = new Float64Array(w1.length);
  for (let i = 0; i < w1.length; i++) p1[i] = Math.abs(w1[i]);
  let pt: Matrix = { rows: d, cols: net.dims[1], data: p1 };
  let eps = 0, widen = 1, vAbs = 0;
  for (let l = 2; l <= k; l++) {
    const w = net.weights[l - 1];
    const g = env.g[l - 2];
    const nIn = w.rows, nOut = w.cols, W = w.data;
    const next = zeros(d, nOut), pnext = zeros(d, nOut);
    const J = jt.data, P = pt.data, O = next.data, Q = pnext.data;
    // Same loops in WebAssembly SIMD when available (bit-identical: lanes run over output entries).
    if (!wasmMaskedAccumulate(J, P, g, W, d, nIn, nOut, O, Q)) slopeAccumulate(1, 0, J, P, g, W, d, nIn, nOut, O, Q);
    const gm = gammaUp(nIn + 2);
    eps = up(up((1 + eps) * (1 + gm)) - 1);
    widen = up(widen * (1 + gm));
    vAbs = nextAbsTerm(vAbs, nIn, maxAbs(W), gm, eps, widen);
    jt = next;
    pt = pnext;
  }
  const relError = up(eps * widen);
  const np = pt.data.length;
  const fro = frobeniusUpper(pt.data);
  const spectralError = env.patternCertified ? upPlus(relError * fro, vAbs === 0 ? 0 : up(vAbs * up(Math.sqrt(np)))) : Infinity;
  // transpose Ĵᵀ (d × n_k) to Ĵ (n_k × d): exact
  const jac = zeros(jt.cols, d);
  for (let c = 0; c < d; c++) for (let j = 0; j < jt.cols; j++) jac.data[j * d + c] = jt.data[c * jt.cols + j];
  return { jacobian: jac, absProduct: pt, relError, absError: vAbs, spectralError, widen, envelope: env };
}

/**
 * Frobenius norm of a float matrix bounded above (NaN or ±∞ → +∞). Entries are first scaled by 2^-p (p = ⌊log₂ max|v|⌋
 * when max|v| leaves [2^-400, 2^400], else p = 0) so that the squares neither overflow nor underflow to nothing:
 * exact when scaling up; scaling down, each entry is one rounding that may underflow (‖2^-pv − v'‖_F ≤ √n·ETA/2,
 * added); the squares of v' may still underflow, + n·ETA inside the root (nonNegativeSumUpper).
 */
function frobeniusUpper(v: Float64Array): number {
  const m = maxAbs(v);
  if (!(m < Infinity)) return Infinity;
  if (m === 0) return 0;
  const p = m >= 2 ** -400 && m <= 2 ** 400 ? 0 : exponentOf(m);
  let s = 0;
  if (p === 0) for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  else
    for (let i = 0; i < v.length; i++) {
      const x = ldexp(v[i], -p);
      s += x * x;
    }
  let r = up(Math.sqrt(nonNegativeSumUpper(s, v.length, 1)));
  if (p > 0) r = up(r + up(up(Math.sqrt(v.length)) * ETA));
  r = ldexpUp(r, p);
  return r === r ? r : Infinity;
}

/**
 * (2') The Jacobian of the (a,b)-ReLU family and of 'ntk' networks, in the float order of lipschitz.ts
 * featureJacobian: Ĵ⁰ᵀ_l = fl(Σ_a fl(d_a Ĵ⁰ᵀ_{l−1,a})·W_a) with d_a = σ'(ĝ_{l−1,a}) ∈ {a, b}, then Ĵ = fl(ŝ_Π·Ĵ⁰),
 * ŝ_Π = fl(Π ŝ_l) (1 in 'nmm'). Per layer |Ĵ⁰ᵀ_l − Ĵ⁰ᵀ_{l−1}DW_l| ≤ γ_{n+1}|Ĵ⁰ᵀ_{l−1}||D||W_l| + n(1 + max|W_l|)ETA
 * (the rounding of d·Ĵ is u|dĴ| + ETA/2), so (2) holds for Ĵ⁰ against J⁰ = W_1D_1⋯W_k with P = |W_1||D_1|⋯|W_k| and
 * V_l = (1 + γ)·n·max|W_l|·max(|a|, |b|)·V_{l−1} + 2n(1 + max|W_l|)ETA. With J = s_ΠJ⁰, s_Π = Π s_l ∈ [s⁻, s⁺]
 * (layerScaleEnclosure), δ_s ≥ |ŝ_Π − s_Π| and |Ĵ⁰| ≤ (1 + ε)wP̂ + 3V:
 *   |Ĵ − J| ≤ (u|ŝ_Π| + δ_s)|Ĵ⁰| + ETA/2 + s⁺(εwP̂ + V)
 *           ≤ [(u|ŝ_Π| + δ_s)(1 + ε)w + s⁺εw]·P̂ + [3(u|ŝ_Π| + δ_s) + s⁺]V + ETA  (relError, absError),
 * and ‖Ĵ − J‖_F ≤ relError‖P̂‖_F + absError·√(dn_k).
 */
function certifiedJacobianSlopes(net: Network, k: number, env: PointEnvelope, sl: { a: number; b: number }): CertifiedJacobian {
  const d = net.dims[0];
  let jt = Float64Array.from(net.weights[0].data);
  let pt = new Float64Array(jt.length);
  for (let i = 0; i < jt.length; i++) pt[i] = Math.abs(jt[i]);
  const mSlope = Math.max(Math.abs(sl.a), Math.abs(sl.b));
  let eps = 0, widen = 1, vAbs = 0;
  for (let l = 2; l <= k; l++) {
    const w = net.weights[l - 1], g = env.g[l - 2];
    const nIn = w.rows, nOut = w.cols, W = w.data;
    const O = new Float64Array(d * nOut), Q = new Float64Array(d * nOut);
    slopeAccumulate(sl.a, sl.b, jt, pt, g, W, d, nIn, nOut, O, Q);
    const gm = gammaUp(nIn + 2), maxW = maxAbs(W);
    eps = up(up((1 + eps) * (1 + gm)) - 1);
    widen = up(widen * (1 + gm));
    if (eps <= 1 && widen <= 2) {
      const prop = vAbs === 0 ? 0 : up(up(up(up(nIn * maxW) * mSlope) * vAbs) * up(1 + gm));
      vAbs = up(prop + up(up(2 * nIn * up(1 + maxW)) * ETA));
      if (!(vAbs < Infinity)) vAbs = Infinity;
    } else vAbs = Infinity;
    jt = O;
    pt = Q;
  }
  let sHat = 1, sLo = 1, sHi = 1;
  if (net.ntk) {
    for (let l = 1; l <= k; l++) {
      const e = layerScaleEnclosure(net, l)!;
      sHat *= net.ntk.scales[l - 1];
      sLo = Math.max(0, down(sLo * e.lower));
      sHi = up(sHi * e.upper);
    }
    for (let t = 0; t < jt.length; t++) jt[t] *= sHat;
  }
  const as = Math.abs(sHat);
  const deltaS = net.ntk ? up(Math.max(up(as - sLo), up(sHi - as))) : 0;
  const cs = net.ntk ? up(up(U * as) + deltaS) : 0;
  const ew = up(eps * widen);
  let relError = net.ntk ? up(up(cs * up((1 + eps) * widen)) + up(sHi * ew)) : ew;
  let absError = net.ntk ? up(up(up(up(3 * cs) + sHi) * vAbs) + ETA) : vAbs;
  if (!(relError < Infinity)) relError = Infinity;
  if (!(absError < Infinity)) absError = Infinity;
  const nk = net.dims[k];
  const spectralError = env.patternCertified ? upPlus(relError * frobeniusUpper(pt), absError === 0 ? 0 : up(absError * up(Math.sqrt(d * nk)))) : Infinity;
  const jac = zeros(nk, d);
  for (let c = 0; c < d; c++) for (let j = 0; j < nk; j++) jac.data[j * d + c] = jt[c * nk + j];
  return { jacobian: jac, absProduct: { rows: d, cols: nk, data: pt }, relError, absError, spectralError, widen, envelope: env };
}

export interface LipschitzLowerAt {
  /** Certified: ‖g_k‖_Lip ≥ lower (0 when the pattern at z is not certified). */
  lower: number;
  /** ‖Ĵ‖₂ estimate (Rayleigh lower bound of the float Jacobian, not certified against J; NaN if Ĵ overflowed). */
  estimate: number;
  certified: boolean;
}

/** Lemma 6.1 at one input: ‖g_k‖_Lip ≥ ‖J(g_k)(z)‖₂ ≥ ‖Ĵ‖₂'s lower bound (scaledNorm2) − ‖Ĵ − J‖₂ (certified pattern only). */
export function lipschitzLowerAt(net: Network, k: number, z: ArrayLike<number>): LipschitzLowerAt {
  const cj = certifiedJacobian(net, k, z);
  // An overflowed Ĵ (±∞ or NaN) has no norm bound: no estimate, not certified.
  if (!(maxAbs(cj.jacobian.data) < Infinity)) return { lower: 0, estimate: NaN, certified: false };
  // scaledNorm2: a finite Ĵ whose Gram matrix ĴĴᵀ would overflow (entries ≳ 2^512) or underflow is scaled by a power of two first.
  const sn = scaledNorm2(cj.jacobian);
  const nl = Math.max(0, ldexpDown(sn.lower, sn.p));
  if (!(cj.envelope.patternCertified && cj.spectralError < Infinity)) return { lower: 0, estimate: nl, certified: false };
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
 * max over inputs z of lipschitzLowerAt: `randomStarts` Gaussian inputs (without biases g_k is positively
 * homogeneous, J(tz) = J(z), so only directions matter; with biases this is a search heuristic, every value
 * found is still a certified lower bound), then `climbSteps` steps of
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
 * ‖W‖₂ ∈ 2^p·[lower, upper] for every finite W. p = 0 when max|W| ∈ [2^-200, 2^200] (norm2LowerBound /
 * norm2UpperBound of W itself); otherwise W' = fl(2^-p W) with max|W'| ∈ [1, 2) (p = ⌊log₂ max|W|⌋): exact when
 * scaling up, and when scaling down each entry is one rounding that may underflow, so ‖2^-pW − W'‖₂ ≤ ‖·‖_F ≤
 * √(rc)·ETA/2 is added to both ends.
 */
function scaledNorm2(w: Matrix): { lower: number; upper: number; p: number } {
  const m = maxAbs(w.data);
  if (!(m < Infinity)) return { lower: 0, upper: Infinity, p: 0 };
  if (m === 0 || (m >= 2 ** -200 && m <= 2 ** 200)) return { lower: norm2LowerBound(w), upper: norm2UpperBound(w), p: 0 };
  const p = exponentOf(m);
  const data = new Float64Array(w.data.length);
  for (let i = 0; i < data.length; i++) data[i] = ldexp(w.data[i], -p);
  const ws: Matrix = { rows: w.rows, cols: w.cols, data };
  const delta = p > 0 ? up(up(Math.sqrt(data.length)) * ETA) : 0;
  return { lower: Math.max(0, down(norm2LowerBound(ws) - delta)), upper: up(norm2UpperBound(ws) + delta), p };
}

/** x·2^e with x moved into [1, 2) (exactly) when it leaves [2^-500, 2^500], so that running products never overflow. */
function renormalised(x: number, e: number): [number, number] {
  if (!(x > 0 && x < Infinity) || (x >= 2 ** -500 && x <= 2 ** 500)) return [x, e];
  const q = exponentOf(x);
  return [ldexp(x, -q), e + q];
}

const mulDown = (a: number, b: number): number => {
  const t = a * b;
  return t === Infinity ? Number.MAX_VALUE : Math.max(0, down(t));
};
const mulUp = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : up(a * b));

/**
 * Certified enclosure of Lip(σ)^{k−1}·Π_{l=1}^{k}‖s_lω_l‖₂ (Lip(σ) = activationLipschitz of the network's record,
 * 1 for ReLU; s_l = W_std/√n_{l−1} in 'ntk', enclosed by layerScaleEnclosure, 1 in 'nmm'; the biases do not
 * change a Lipschitz constant): `upper` is the naive bound ‖g_k‖_Lip ≤ Lip(σ)^{k−1}Π‖s_lω_l‖₂ (g_k is a composition
 * of the affine maps and k − 1 applications of σ). Per factor norm2LowerBound / norm2UpperBound (scaledNorm2), products
 * rounded outwards with a separate binary exponent: `upper` is +∞ only when the bound exceeds the largest double,
 * `lower` is then at most that double. `lower` encloses the product itself, not ‖g_k‖_Lip (which can be smaller);
 * it is 0 for a record other than the (a,b)-ReLU family, whose activationLipschitz is only an upper bound of
 * sup|σ'| (derivativeBounds.sup1), so the product with it has no certified lower end.
 */
export function productOfNormsCertified(net: Network, k: number): { lower: number; upper: number } {
  checkK(net, k, 'productOfNormsCertified');
  const act = nonReluActivation(net.arch);
  const lip = act ? activationLipschitz(act) : 1;
  return normProduct(net, k, !act || act.kind === 'ab-relu' ? lip : 0, lip);
}

/**
 * Certified enclosure of Π_{l=1}^{k}‖s_lω_l‖₂ alone (the weights' norms, whatever σ; s_l as in productOfNormsCertified),
 * with the same outward rounding and binary exponent.
 */
export function weightNormProductCertified(net: Network, k: number): { lower: number; upper: number } {
  checkK(net, k, 'weightNormProductCertified');
  return normProduct(net, k, 1, 1);
}

/** [lipLo^{k−1}, lip^{k−1}]·Π‖s_lω_l‖₂, rounded outwards (productOfNormsCertified). */
function normProduct(net: Network, k: number, lipLo: number, lip: number): { lower: number; upper: number } {
  let lo = 1, hi = 1, eLo = 0, eHi = 0;
  for (let l = 1; l <= k; l++) {
    const n = scaledNorm2(net.weights[l - 1]);
    const s = layerScaleEnclosure(net, l);
    let fLo = n.lower, fHi = n.upper;
    if (s) {
      fLo = mulDown(fLo, s.lower);
      fHi = mulUp(fHi, s.upper);
    }
    if (l > 1 && !(lip === 1 && lipLo === 1)) {
      fLo = mulDown(fLo, lipLo);
      fHi = mulUp(fHi, lip);
    }
    [fLo, eLo] = renormalised(fLo, eLo + n.p);
    [fHi, eHi] = renormalised(fHi, eHi + n.p);
    [lo, eLo] = renormalised(mulDown(lo, fLo), eLo);
    [hi, eHi] = renormalised(mulUp(hi, fHi), eHi);
  }
  return { lower: Math.max(0, ldexpDown(lo, eLo)), upper: ldexpUp(hi, eHi) };
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
  requireNmm(net, 'linearRegionIdentity');
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
  // Absolute terms: 2·V_J·Σ|δ̂| (V_J in |Ĵ − J| and in P ≤ wP̂ + V_J, through (1 + 2γ_d + u) ≤ 2) and 2d·ETA (the
  // underflow of the products of lhs and of Σ P̂|δ̂|).
  let sd = 0;
  for (let c = 0; c < d; c++) sd += Math.abs(delta[c]);
  const absTerm = up(up(2 * up(cj.absError * nonNegativeSumUpper(sd, d))) + up(2 * d * ETA));
  for (let j = 0; j < nk; j++) {
    let s = 0, ps = 0;
    for (let c = 0; c < d; c++) { s += J[j * d + c] * delta[c]; ps += P[c * nk + j] * Math.abs(delta[c]); }
    lhs[j] = s;
    rhs[j] = e2.g[k - 1][j] - e1.g[k - 1][j];
    rb[j] = bothCertified ? upPlus(up(coef * ps) + e1.bound[k - 1][j] + e2.bound[k - 1][j] + 2 * U * Math.abs(rhs[j]), absTerm) : Infinity;
    tol[j] = noFlip ? rb[j] : Infinity;
  }
  return { lhs, rhs, tolerance: tol, roundingBound: rb, noFlip };
}
