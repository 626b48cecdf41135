/**
 * The empirical NTK K̄ = J Jᵀ of a finite ReLU or (a,b)-ReLU network (network.ts conventions, σ'(0) = 0; the
 * (a,b) case at the end of this comment) with a
 * rigorous bound on ‖K̂ − K̄‖₂, where K̂ is the float matrix returned and K̄ the EXACT kernel of the
 * stored doubles (data and weights). Valid for every finite double input: it covers
 *   (1) the rounding of the forward pass F̂_l (entrywise radii r_l ≥ |F̂_l − F_l|),
 *   (2) the rounding of the backward pass B̂_k (entrywise radii s_k ≥ |B̂_k − B_k|),
 *   (3) hidden units whose pre-activation lies within rounding of the kink ("ambiguous": the exact
 *       activation pattern is not known) — both choices are enclosed, see below,
 *   (4) the final Gram / Hadamard / sum roundings of empiricalNtk, and
 *   (5) the normalisation (∏_{l=1}^{L−1} 2/n_l)·K̄ when asked,
 * with gradual underflow accounted for by absolute terms (Higham, "Accuracy and Stability of
 * Numerical Algorithms", 2nd ed., §2.2 and §3.1: fl(a·b) = ab(1 + δ) + η, |η| ≤ ETA/2; sums have no η)
 * and overflow detected (any non-finite intermediate makes the bound infinite: `certified` false).
 *
 * Derivation [DER]. Dot products: |fl(wᵀv) − wᵀv| ≤ γ_n |w|ᵀ|v| + n·ETA for any summation order.
 *   Forward (l = 1..L−1): with r_0 = 0 (the data are exact),
 *     |ĝ_l − g_l| ≤ ρ_l := γ_{n_{l−1}} |W_l|ᵀ|f̂_{l−1}| + n_{l−1}ETA + |W_l|ᵀ r_{l−1},
 *     r_l = ρ_l on units that are not certified inactive (σ is 1-Lipschitz), 0 on certified-inactive units.
 *   A unit is certified active if ĝ − ρ > 0, certified inactive if ĝ + ρ ≤ 0 (then g ≤ 0, σ'(g) = 0 —
 *   also for g = 0), ambiguous otherwise. (fl(a ∓ b) has the sign of a ∓ b, so these float tests are exact.)
 *   Backward (k = L−1..1), s_L = 0 (B_L = 1 exactly), v = W_{k+1} b_{k+1} the exact un-masked signal:
 *     e_k := γ_{n_{k+1}} |W_{k+1}||b̂_{k+1}| + n_{k+1}ETA + |W_{k+1}| s_{k+1}  ≥ |fl(W b̂) − v|,
 *     s_k = 0 (certified inactive), e_k (certified active),
 *     ambiguous: the exact b_k is v or 0; s_k = max(e_k, |b̂_k|) if the float pass took it as active,
 *     |v| ≤ |W_{k+1}|(|b̂_{k+1}| + s_{k+1}) if it took it as inactive (b̂_k = 0).
 *   Kernel: with α_i ≥ ‖f̂_k(x_i)‖, ρ_i ≥ ‖r_k(x_i)‖, β_i ≥ ‖b̂_{k+1}(x_i)‖, σ_i ≥ ‖s_{k+1}(x_i)‖
 *   (Cauchy–Schwarz), P = ⟨f_k(x_i), f_k(x_j)⟩, Q = ⟨b_{k+1}(x_i), b_{k+1}(x_j)⟩ and P̃, Q̃ the same
 *   for the float vectors, |P̃Q̃ − PQ| ≤ U_iU_j − u_iu_j with U = (α + ρ)(β + σ), u = αβ, an entrywise
 *   non-negative matrix of spectral norm ≤ ‖U − u‖(‖U‖ + ‖u‖) ≤ 2‖D‖‖U‖, D = ρβ + ασ + ρσ. When some
 *   unit is ambiguous this is loose (σ then holds |v| where b̂ = 0, and ⟨|b̂_i|, s_j⟩ ≤ β_iσ_j
 *   overcounts), so the entrywise bound ⟨|b̂_i|, s_j⟩ + ⟨s_i, |b̂_j|⟩ + ⟨s_i, s_j⟩ on |Q̃ − Q| is also
 *   formed and the layer takes the smaller of the two spectral bounds (entrywiseLayerBound).
 *   Final roundings (empiricalNtk): |K̂_ij − Σ_k P̃Q̃| ≤ Σ_k γ_{n_k+n_{k+1}+L+2} α_iα_jβ_iβ_j
 *   + 4(n_k + n_{k+1} + 1)ETA(1 + α_iα_j + β_iβ_j), of spectral norm ≤ γ‖α∘β‖² + 4(…)ETA(N + ‖α‖² + ‖β‖²).
 *   Normalisation: ŝ = fl(∏ 2/n_l) has |ŝ − s| ≤ γ_{2L}s (no underflow: checked); fl(ŝK̂_ij) adds
 *   u|ŝK̂_ij| + ETA/2 per entry; so ‖fl(ŝK̂) − sK̄‖₂ ≤ s·E + (γ_{2L}s + uŝ)‖K̂‖_F + N·ETA.
 * Every bound is evaluated with upward rounding (blas.ts `up`, `gammaUp`); norms are scaled by their
 * largest entry so that they neither underflow nor overflow before the final product.
 *
 * (a,b)-ReLU records [DER] (leaky ReLU (1, α), abs (1, −1), identity (1, 1); activation.ts: σ(t) = a·t (t > 0),
 * b·t (t < 0), σ(0) = σ'(0) = 0). σ is λ-Lipschitz, λ = max(|a|, |b|), and its float value fl(m·ĝ), m ∈ {a, b, 0},
 * is one product: |fl(mĝ) − mĝ| ≤ 2u|fl(mĝ)| + ETA (0 for m ∈ {0, ±1}). A unit is certified positive (ĝ − ρ > 0,
 * σ' = a), certified negative (ĝ + ρ < 0, σ' = b; for ReLU, b = 0, ĝ + ρ ≤ 0 is "inactive" as above), exactly 0
 * (ĝ = ρ = 0: g = 0, σ = σ' = 0) or ambiguous. Forward: r = |a|ρ, |b|ρ resp. λρ, plus the product's rounding.
 * Backward, e as above: certified side with slope m, s = |m|e + rounding of fl(m·ŝ); ambiguous, σ'(g) ∈ {a, b, 0}:
 * s = max(|d̂|e + rounding, |b̂| + |d'|·|W_{k+1}|(|b̂_{k+1}| + s_{k+1})), d̂ = σ'(ĝ) and d' the other slope
 * (|b̂ − d'v| ≤ |b̂| + |d'||v|). The kernel, final-rounding and normalisation steps are unchanged, with the
 * normalisation ∏ 1/(κ n_l), κ = (a² + b²)/2.
 *
 * Smooth records with `enclose` (erf, tanh, sigmoid, gelu, softplus) [DER]: no kinks, every unit UNIT_ACTIVE. Forward: ρ as above and
 * r = |f̂ − σ(ĝ)| + sup|σ'|·ρ, the first term measured against the record's rigorous enclosure of σ(ĝ) (so the
 * accuracy of fn, e.g. Math.tanh, is not assumed). Backward: b = σ'(g)·v, b̂ = fl(d̂·ŝ), d̂ = deriv(ĝ):
 * |b̂ − b| ≤ (2u|b̂| + ETA) + (|d̂ − σ'(ĝ)| + sup|σ''|·ρ)·|ŝ| + sup|σ'|·e with |ŝ| ≤ |W|(|b̂_{k+1}| + s_{k+1}) + e.
 * The normalisation uses the double ĉ = fl(1/κ̂) as its constant (κ̂ = secondMoment, a few ulps from E[σ(g)²]).
 *
 * NTK parameterisation with biases (network.ts 'ntk') [DER]. Exact network: g_l = s_l·t + b_std·β_l, t = F_{l−1}ω_l,
 * real s_l = W_std/√n_{l−1}; float: ĝ = fl(fl(ŝ_l t̂) + ĉ), ĉ = fl(b_std β_j), ŝ_l = fl(W_std/fl(√n_{l−1})).
 *   Scale: while ŝ is normal |ŝ − s| ≤ γ_3|ŝ| and |s| ≤ s⁺ := |ŝ|(1 + γ_6) (W_std = 0: exact; ŝ subnormal: NOT certified).
 *   Pre-activation (ntkPreRadius), ρ_t the radius of t̂ above (W read as ω):
 *     |ĝ − g| ≤ s⁺ρ_t + γ_6(|ĝ| + |ĉ|) + 2·ETA   (addition u|ĝ|, product u|fl(ŝt̂)| + ETA/2, scale γ_3|ŝt̂|, bias product
 *     u|ĉ| + ETA/2, with |fl(ŝt̂)| ≤ (1 + u)|ĝ| + |ĉ|); 0 when ρ_t = 0 (t̂ = t = 0) and b_std = 0. The activation steps
 *     then read this as ρ.
 *   Scaled vectors (scaledRadii): ŷ = fl(ŝm̂) against s·m, |m̂ − m| ≤ r: |ŷ − sm| ≤ s⁺r + γ_5|ŷ| + 2·ETA (0 if m̂ = r = 0).
 *     Backward: B_k = σ'(G_k)∘((s_{k+1}B_{k+1})ω_{k+1}ᵀ); the step above runs on ŷ = fl(ŝ_{k+1}B̂_{k+1}) with these radii.
 *     Kernel: K = Σ_l (F̃_{l−1}F̃_{l−1}ᵀ)∘(B_lB_lᵀ), F̃ = [s_lF_{l−1}, b_std·1] (kernelFeatures): the kernel and final-rounding
 *     steps above with the radii of fl(ŝ_lF̂_{l−1}) and 0 for the exact column b_std, n_k the width of F̃. No normalisation.
 * 'nmm' networks never enter these steps: their doubles and bounds are those of the analysis above.
 */
import { down, gammaUp, normUp, up } from '../linalg/blas.ts';
import { lambdaMinCertified } from '../linalg/lambdaMin.ts';
import { binaryScaleFactor, ETA, type Matrix, UNIT_ROUNDOFF, zeros } from '../linalg/matrix.ts';
import { backpropSignals, empiricalNtk, kernelFeatures, ntkNormalization, scaledSignal } from './empiricalNtk.ts';
import { type ForwardResult, type Network, forward, layerBiasTerms } from './network.ts';
import { UserError } from '../errors.ts';

/** Status codes of a hidden unit (per sample). */
export const UNIT_INACTIVE = 0;
export const UNIT_ACTIVE = 1;
export const UNIT_AMBIGUOUS = 2;
/** (a,b)-ReLU with b ≠ 0: the pre-activation is certified negative (σ' = b). */
export const UNIT_NEGATIVE = 3;

export interface ForwardEnclosure {
  fwd: ForwardResult;
  /** radius[l] (N × n_l), l = 0..L−1: |F̂_l − F_l| ≤ radius[l] entrywise (radius[0] = 0: the data are exact). */
  radius: Matrix[];
  /** status[l − 1] (N × n_l, l = 1..L−1): UNIT_INACTIVE / UNIT_ACTIVE (certified) or UNIT_AMBIGUOUS. */
  status: Uint8Array[];
  /** Number of (sample, hidden unit) pairs whose pre-activation is within its rounding bound of 0. */
  ambiguousUnits: number;
  /** Smooth records only: preRadius[l] (N × n_l, l = 1..L−1; entry 0 unused) ≥ |Ĝ_l − G_l| (ρ of the module comment). */
  preRadius?: Matrix[];
  /** Smooth records only: derivError[l] (N × n_l, l = 1..L−1) ≥ |deriv(ĝ) − σ'(ĝ)| (the float σ' against its enclosure). */
  derivError?: Matrix[];
}

const MAX = Number.MAX_VALUE;
/** NaN (e.g. 0·∞ in a bound) becomes +∞: a bound may be infinite, never NaN. */
const fin = (v: number): number => (v === v ? v : Infinity);

/** |W| (entrywise), computed once per layer. */
function absOf(w: Matrix): Float64Array {
  const d = w.data, out = new Float64Array(d.length);
  for (let t = 0; t < d.length; t++) out[t] = Math.abs(d[t]);
  return out;
}

/**
 * Upper bound on the exact Σ of n non-negative products whose float sum is s (any order, each product
 * one rounding that may underflow; Higham §3.1): s(1 + γ_{n+1}) + n·ETA. Not 0 for s = 0: products
 * of tiny positive factors may all have underflowed to 0.
 */
function sumUpper(s: number, g1: number, nEta: number): number {
  return fin(up(up(s * g1) + nEta));
}

/**
 * The slopes (a, b) of the network's activation: (1, 0) for ReLU; an (a,b)-ReLU record whose
 * `certifiedFiniteNetwork` is set otherwise (its fn is t ↦ a·t (t > 0), b·t (t < 0), 0 (t = 0), one float
 * product, and its deriv is a, b, 0 on the same three sets: activation.ts). Throws for any other record.
 */
export function certifiedSlopes(net: Pick<Network, 'arch'>): { a: number; b: number } {
  if (smoothRecord(net)) return { a: NaN, b: NaN };
  const rec = net.arch.activation;
  if (!rec) return { a: 1, b: 0 };
  const ab = rec as typeof rec & { a?: number; b?: number };
  if (rec.kind === 'ab-relu' && rec.certifiedFiniteNetwork && typeof ab.a === 'number' && typeof ab.b === 'number' && Number.isFinite(ab.a) && Number.isFinite(ab.b)) {
    return { a: ab.a, b: ab.b };
  }
  throw new UserError(`the certified empirical NTK covers the (a,b)-ReLU family (relu, leaky-relu:α, abs, identity) and smooth records with enclose (erf, tanh, sigmoid, gelu, softplus) only; with activation ${rec.name} the empirical NTK is NOT certified (empiricalNtk.ts computes it without a bound)`);
}

interface SmoothRecord {
  deriv: (t: number) => number;
  enclose: (t: number) => { f: { lo: number; hi: number }; df: { lo: number; hi: number } };
  /** sup|σ'|, sup|σ''| */
  l1: number;
  l2: number;
}

/** The smooth record of the network when the certified analysis covers it (enclose, finite sup1 and sup2), else null. */
function smoothRecord(net: Pick<Network, 'arch'>): SmoothRecord | null {
  const rec = net.arch.activation;
  if (!rec || rec.kind === 'ab-relu' || !rec.certifiedFiniteNetwork || !rec.enclose || !rec.derivativeBounds) return null;
  const { sup1, sup2 } = rec.derivativeBounds;
  if (!(Number.isFinite(sup1) && Number.isFinite(sup2))) return null;
  return { deriv: rec.deriv, enclose: rec.enclose, l1: sup1, l2: sup2 };
}

/** ≥ |y − x| for every x in [lo, hi] (y a double): the distance to the farther end, rounded up; +∞ for NaN. */
const distToEnclosure = (y: number, e: { lo: number; hi: number }): number => fin(up(Math.max(Math.abs(y - e.lo), Math.abs(e.hi - y))));

/**
 * The radii ρ ≥ |ĝ − g| of layer l's pre-activations (N × n_l, row-major), from the radii r_{l−1} of its inputs:
 * ρ = Σ_p |W_pj| v_p (+ rounding of the sum) with v_p ≥ γ_n|f̂_p| + r_p (module comment), then the 'ntk' scale and
 * bias terms (ntkPreRadius). A sample whose inputs are exactly 0 with radius 0 has ρ = 0 before those terms (g = 0
 * exactly in 'nmm').
 */
function preActivationRadii(net: Network, nb: NtkBound | null, l: number, fwd: ForwardResult, rPrev: Float64Array): Float64Array {
  const w = net.weights[l - 1], n = w.rows, m = w.cols, N = fwd.features[0].rows;
  const g1 = up(1 + gammaUp(n + 1)), nEta2 = up(2 * n * ETA), gn = gammaUp(n);
  const A = absOf(w);
  const F = fwd.features[l - 1].data, G = fwd.preActivations[l - 1].data, C = layerBiasTerms(net, l);
  const S = new Float64Array(m), rho = new Float64Array(N * m);
  for (let i = 0; i < N; i++) {
    S.fill(0);
    let exactZeroInput = true;
    for (let p = 0; p < n; p++) {
      const f = F[i * n + p], rp = rPrev[i * n + p];
      if (f === 0 && rp === 0) continue;
      exactZeroInput = false;
      const v = up(up(gn * Math.abs(f)) + rp);
      const o = p * m;
      for (let j = 0; j < m; j++) S[j] += v * A[o + j];
    }
    for (let j = 0; j < m; j++) rho[i * m + j] = ntkPreRadius(nb, l, exactZeroInput ? 0 : sumUpper(S[j], g1, nEta2), G[i * m + j], C, j);
  }
  return rho;
}

/**
 * Forward radii of a smooth record (module comment, smooth records): ρ as for ReLU, r = |f̂ − σ(ĝ)| + sup|σ'|·ρ, with
 * |f̂ − σ(ĝ)| measured against the record's enclosure of σ(ĝ). Every unit is UNIT_ACTIVE (no kinks).
 */
function forwardEnclosureSmooth(net: Network, x: Matrix, fwd: ForwardResult, sm: SmoothRecord): ForwardEnclosure {
  const L = net.depth, N = x.rows;
  const nb = ntkBound(net);
  const radius: Matrix[] = [zeros(N, net.dims[0])];
  const preRadius: Matrix[] = [zeros(0, 0)];
  const derivError: Matrix[] = [zeros(0, 0)];
  const status: Uint8Array[] = [];
  for (let l = 1; l < L; l++) {
    const m = net.weights[l - 1].cols;
    const G = fwd.preActivations[l - 1].data, Fl = fwd.features[l].data;
    const P = preActivationRadii(net, nb, l, fwd, radius[l - 1].data);
    const r = zeros(N, m), R = r.data, de = zeros(N, m), DE = de.data;
    for (let t = 0; t < N * m; t++) {
      const rho = P[t];
      const enc = sm.enclose(G[t]);
      const ev = distToEnclosure(Fl[t], enc.f);
      DE[t] = distToEnclosure(sm.deriv(G[t]), enc.df);
      R[t] = rho === 0 ? ev : fin(up(ev + up(sm.l1 * rho)));
    }
    radius.push(r);
    preRadius.push({ rows: N, cols: m, data: P });
    derivError.push(de);
    status.push(new Uint8Array(N * m).fill(UNIT_ACTIVE));
  }
  return { fwd, radius, status, ambiguousUnits: 0, preRadius, derivError };
}

/**
 * The shared set-up of one backward step k (W_{k+1}: n_k × n_{k+1}): the incoming signal b̂_{k+1} with its radii,
 * the constants of the two sums over q, and `incoming(i, v, z)`, which fills v_q ≥ γ_m|b̂_q| + s_q and
 * z_q ≥ |b̂_q| + s_q for sample i (0 where b̂_q = s_q = 0), so that Σ_q |W_aq| v_q bounds e and Σ_q |W_aq| z_q bounds |v|.
 */
function backwardStep(net: Network, fe: ForwardEnclosure, bs: Matrix[], out: Matrix[], k: number) {
  const w = net.weights[k], nk = w.rows, m = w.cols;
  const gm = gammaUp(m);
  const { b: Bn, s: Sn } = incomingSignal(net, bs[k], out[k], k + 1);
  const incoming = (i: number, v: Float64Array, z: Float64Array): void => {
    for (let q = 0; q < m; q++) {
      const b = Math.abs(Bn[i * m + q]), sq = Sn[i * m + q];
      v[q] = b === 0 && sq === 0 ? 0 : up(up(gm * b) + sq);
      z[q] = b === 0 && sq === 0 ? 0 : up(b + sq);
    }
  };
  return {
    nk,
    m,
    g1: up(1 + gammaUp(m + 1)),
    mEta: up(m * ETA),
    mEta2: up(2 * m * ETA),
    A: absOf(w),
    G: fe.fwd.preActivations[k - 1].data,
    B: bs[k - 1].data,
    incoming,
  };
}

type BackwardStep = ReturnType<typeof backwardStep>;

/**
 * The backward sweep k = L − 1, …, 1 shared by both records: s_L = 0 (N × 1, the scalar output's own signal), then
 * `fill` writes s_k (N × n_k, row-major in S) from the step's set-up; v and z are length-m scratch for `incoming`.
 */
function backwardSweep(
  net: Network,
  fe: ForwardEnclosure,
  bs: Matrix[],
  fill: (layer: BackwardStep & { k: number; N: number; S: Float64Array; v: Float64Array; z: Float64Array }) => void,
): Matrix[] {
  const L = net.depth, N = fe.fwd.features[0].rows;
  const out: Matrix[] = new Array<Matrix>(L);
  out[L - 1] = zeros(N, 1);
  for (let k = L - 1; k >= 1; k--) {
    const step = backwardStep(net, fe, bs, out, k);
    const s = zeros(N, step.nk);
    fill({ ...step, k, N, S: s.data, v: new Float64Array(step.m), z: new Float64Array(step.m) });
    out[k - 1] = s;
  }
  return out;
}

/**
 * Backward radii of a smooth record: b = σ'(g)·v, b̂ = fl(d̂·ŝ) with d̂ = deriv(ĝ), |ŝ − v| ≤ e, |ŝ| ≤ |v| + e,
 * |v| ≤ |W|(|b̂_{k+1}| + s_{k+1}):  |b̂ − b| ≤ rounding of the product + (|d̂ − σ'(ĝ)| + sup|σ''|·ρ)|ŝ| + sup|σ'|·e.
 */
function backwardRadiiSmooth(net: Network, fe: ForwardEnclosure, bs: Matrix[], sm: SmoothRecord): Matrix[] {
  return backwardSweep(net, fe, bs, ({ k, N, S, v, z, nk, m, g1, mEta, mEta2, A, G, B, incoming }) => {
    const Rho = fe.preRadius![k].data, DE = fe.derivError![k].data;
    for (let i = 0; i < N; i++) {
      incoming(i, v, z);
      for (let a = 0; a < nk; a++) {
        const t = i * nk + a, o = a * m;
        let e = 0, u = 0;
        for (let q = 0; q < m; q++) {
          e += A[o + q] * v[q];
          u += A[o + q] * z[q];
        }
        e = sumUpper(e, g1, mEta2);
        const sHat = fin(up(sumUpper(u, g1, mEta) + e)); // ≥ |ŝ|
        const dHat = sm.deriv(G[t]);
        const dErr = fin(up(DE[t] + up(sm.l2 * Rho[t])));
        S[t] = fin(up(up(productRounding(dHat, B[t]) + up(dErr * sHat)) + up(sm.l1 * e)));
      }
    }
  });
}

/** The 'ntk' constants of the analysis (module comment, NTK parameterisation); null in 'nmm'. */
interface NtkBound {
  /** sUp[l − 1] ≥ |s_l| for the real s_l = W_std/√n_{l−1}; +∞ when ŝ_l is subnormal or underflowed (not certified). */
  sUp: number[];
  bStd: number;
}

function ntkBound(net: Network): NtkBound | null {
  if (!net.ntk) return null;
  const { wStd, bStd, scales } = net.ntk;
  // |ŝ − s| ≤ γ_3|ŝ| and |s| ≤ |ŝ|(1 + γ_6) while ŝ is normal (or ŝ = s = 0 for W_std = 0)
  const sUp = scales.map((sh) => (wStd === 0 ? 0 : Math.abs(sh) >= 2 ** -1022 ? up(Math.abs(sh) * up(1 + gammaUp(6))) : Infinity));
  return { sUp, bStd };
}

/**
 * [lower, upper] ∋ |s_l| for the real 'ntk' layer scale s_l = W_std/√n_{l−1} (1 ≤ l ≤ L): |ŝ_l|(1 − γ_3) and the s⁺ of
 * ntkBound ([0, +∞] when ŝ_l is subnormal); null in 'nmm' (no scale).
 */
export function layerScaleEnclosure(net: Network, l: number): { lower: number; upper: number } | null {
  const nb = ntkBound(net);
  if (!nb) return null;
  const upper = nb.sUp[l - 1];
  const sh = Math.abs(net.ntk!.scales[l - 1]);
  return { lower: upper === Infinity ? 0 : Math.max(0, down(sh * down(1 - gammaUp(3)))), upper };
}

/**
 * ≥ |ĝ − g| for an 'ntk' pre-activation ĝ = fl(fl(ŝ_l t̂) + ĉ_j), g = s_l t + b_std β_j, given ρ_t ≥ |t̂ − t| (t̂ the
 * float product F̂ω): s⁺ρ_t + γ_6(|ĝ| + |ĉ_j|) + 2·ETA; exactly 0 when ρ_t = 0 (t̂ = t = 0) and b_std = 0. In 'nmm' ρ_t.
 */
function ntkPreRadius(nb: NtkBound | null, l: number, rhoT: number, g: number, c: Float64Array | null, j: number): number {
  if (!nb || (rhoT === 0 && nb.bStd === 0)) return rhoT;
  return fin(up(up(nb.sUp[l - 1] * rhoT) + up(up(gammaUp(6) * up(Math.abs(g) + Math.abs(c![j]))) + 2 * ETA)));
}

/**
 * Radii of fl(ŝ_l·m̂) against s_l·m given r ≥ |m̂ − m| entrywise: s⁺r + γ_5|fl(ŝm̂)| + 2·ETA (0 where m̂ = r = 0).
 * `y` holds the float products.
 */
function scaledRadii(sUp: number, y: Float64Array, mHat: Float64Array, r: Float64Array): Float64Array {
  const g5 = gammaUp(5), out = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) out[t] = mHat[t] === 0 && r[t] === 0 ? 0 : fin(up(up(sUp * r[t]) + up(up(g5 * Math.abs(y[t])) + 2 * ETA)));
  return out;
}

/**
 * The signal entering the backward step through ω_l and its radii: (B̂_l, s_l) in 'nmm'; in 'ntk' (fl(ŝ_l B̂_l), the
 * radii of scaledRadii) — the same doubles as backpropSignals's scaledSignal.
 */
function incomingSignal(net: Network, b: Matrix, s: Matrix, l: number): { b: Float64Array; s: Float64Array } {
  const nb = ntkBound(net);
  if (!nb) return { b: b.data, s: s.data };
  const y = scaledSignal(net, b, l).data;
  return { b: y, s: scaledRadii(nb.sUp[l - 1], y, b.data, s.data) };
}

/**
 * The features of the l-th kernel summand (kernelFeatures) with their radii: (F̂_{l−1}, r_{l−1}) in 'nmm'; in 'ntk'
 * [fl(ŝ_l F̂_{l−1}), b_std·1] with the radii of scaledRadii and 0 for the exact bias column.
 */
function kernelFeaturesEnclosure(net: Network, fe: ForwardEnclosure, l: number): { f: Matrix; r: Float64Array } {
  const f0 = fe.fwd.features[l - 1], r0 = fe.radius[l - 1].data;
  const nb = ntkBound(net);
  if (!nb) return { f: f0, r: r0 };
  const f = kernelFeatures(net, f0, l);
  const n = f0.cols, m = f.cols, N = f0.rows;
  const sr = scaledRadii(nb.sUp[l - 1], scaledSignal(net, f0, l).data, f0.data, r0);
  if (m === n) return { f, r: sr };
  const r = new Float64Array(N * m);
  for (let i = 0; i < N; i++) r.set(sr.subarray(i * n, (i + 1) * n), i * m);
  return { f, r };
}

/**
 * Bound on |fl(m·x) − m·x| for the float product y = fl(m·x): 0 when m ∈ {0, ±1} (exact), else
 * 2u|y| + ETA (round to nearest: |fl(z) − z| ≤ u|z| ≤ u|fl(z)|/(1 − u) in the normal range, ≤ ETA/2 below it).
 */
const productRounding = (m: number, y: number): number => (m === 0 || m === 1 || m === -1 ? 0 : fin(up(up(2 * UNIT_ROUNDOFF * Math.abs(y)) + ETA)));

/**
 * Forward pass with entrywise rounding radii and the certified activation pattern (see the module
 * comment). `fwd` must be forward(net, x) (the default). One pass per layer over |W_l|:
 * ρ = Σ_p |W_pj| v_p (+ rounding) with v_p ≥ γ_n|f̂_p| + r_p.
 */
export function forwardEnclosure(net: Network, x: Matrix, fwd: ForwardResult = forward(net, x)): ForwardEnclosure {
  const smooth = smoothRecord(net);
  if (smooth) return forwardEnclosureSmooth(net, x, fwd, smooth);
  const { a: sa, b: sb } = certifiedSlopes(net);
  const relu = sa === 1 && sb === 0;
  const lip = Math.max(Math.abs(sa), Math.abs(sb));
  const L = net.depth, N = x.rows;
  const nb = ntkBound(net);
  const radius: Matrix[] = [zeros(N, net.dims[0])];
  const status: Uint8Array[] = [];
  let ambiguousUnits = 0;
  for (let l = 1; l < L; l++) {
    const m = net.weights[l - 1].cols;
    const G = fwd.preActivations[l - 1].data, Fl = fwd.features[l].data;
    const P = preActivationRadii(net, nb, l, fwd, radius[l - 1].data);
    const r = zeros(N, m), R = r.data;
    const st = new Uint8Array(N * m);
    for (let t = 0; t < N * m; t++) {
      const rho = P[t];
      const g = G[t];
      if (relu) {
        if (g - rho > 0) {
          st[t] = UNIT_ACTIVE;
          R[t] = rho;
        } else if (g + rho <= 0) {
          st[t] = UNIT_INACTIVE;
        } else {
          st[t] = UNIT_AMBIGUOUS;
          ambiguousUnits++;
          R[t] = rho;
        }
        continue;
      }
      // (a,b)-ReLU: f = σ(g), |σ(ĝ) − σ(g)| ≤ slope·ρ on a certified side, ≤ max(|a|, |b|)·ρ across the kink,
      // plus the rounding of the float product f̂ = fl(slope·ĝ)
      const mul = g > 0 ? sa : g < 0 ? sb : 0;
      const rnd = productRounding(mul, Fl[t]);
      if (g - rho > 0) {
        st[t] = UNIT_ACTIVE;
        R[t] = fin(up(up(Math.abs(sa) * rho) + rnd));
      } else if (g + rho < 0) {
        st[t] = UNIT_NEGATIVE;
        R[t] = fin(up(up(Math.abs(sb) * rho) + rnd));
      } else if (g === 0 && rho === 0) {
        st[t] = UNIT_INACTIVE; // g = 0 exactly: σ(0) = 0, σ'(0) = 0
      } else {
        st[t] = UNIT_AMBIGUOUS;
        ambiguousUnits++;
        R[t] = fin(up(up(lip * rho) + rnd));
      }
    }
    radius.push(r);
    status.push(st);
  }
  return { fwd, radius, status, ambiguousUnits };
}

/**
 * Bound on ‖F̂_k − F_k‖₂ ≤ ‖radius_k‖_F (spectral error of the float feature matrix F̂_k = fwd.features[k]
 * against the exact one of the stored doubles); 0 for k = 0, +∞ on overflow.
 */
export function featureMatrixErrorBound(fe: ForwardEnclosure, k: number): number {
  return normUp(fe.radius[k].data);
}

/**
 * Backward radii s_1..s_L (index k − 1 holds s_k, N × n_k) for B̂ = backpropSignals(net, fe.fwd):
 * e = Σ_q |W_aq| v_q (+ rounding) with v_q ≥ γ_m|b̂_q| + s_q (module comment).
 */
function backwardRadii(net: Network, fe: ForwardEnclosure, bs: Matrix[]): Matrix[] {
  const smooth = smoothRecord(net);
  if (smooth) return backwardRadiiSmooth(net, fe, bs, smooth);
  const { a: sa, b: sb } = certifiedSlopes(net);
  const relu = sa === 1 && sb === 0;
  return backwardSweep(net, fe, bs, ({ k, N, S, v, z, nk, m, g1, mEta, mEta2, A, G, B, incoming }) => {
    const st = fe.status[k - 1];
    for (let i = 0; i < N; i++) {
      incoming(i, v, z);
      for (let a = 0; a < nk; a++) {
        const t = i * nk + a;
        if (st[t] === UNIT_INACTIVE) continue;
        const o = a * m;
        if (relu) {
          if (st[t] === UNIT_AMBIGUOUS && !(G[t] > 0)) {
            // taken as inactive (b̂ = 0); the exact b is 0 or v, |v| ≤ |W|(|b̂| + s)
            let u = 0;
            for (let q = 0; q < m; q++) u += A[o + q] * z[q];
            S[t] = sumUpper(u, g1, mEta);
            continue;
          }
          let e = 0;
          for (let q = 0; q < m; q++) e += A[o + q] * v[q];
          e = sumUpper(e, g1, mEta2);
          S[t] = st[t] === UNIT_ACTIVE ? e : Math.max(e, Math.abs(B[t]));
          continue;
        }
        // (a,b)-ReLU: exact b = σ'(g)·v with v = W b_{k+1}; the float b̂ = fl(σ'(ĝ)·fl(W b̂_{k+1})).
        const g = G[t], dHat = g > 0 ? sa : g < 0 ? sb : 0;
        const bHat = Math.abs(B[t]);
        if (st[t] !== UNIT_AMBIGUOUS) {
          // certified side: σ'(g) = σ'(ĝ) = slope, |b̂ − slope·v| ≤ |slope|·e + rounding of the product
          const slope = st[t] === UNIT_ACTIVE ? sa : sb;
          if (slope === 0) continue; // b̂ = 0 = b exactly
          let e = 0;
          for (let q = 0; q < m; q++) e += A[o + q] * v[q];
          e = sumUpper(e, g1, mEta2);
          S[t] = fin(up(up(Math.abs(slope) * e) + productRounding(slope, B[t])));
          continue;
        }
        // ambiguous: σ'(g) ∈ {a, b, 0}; for d ≠ σ'(ĝ), |b̂ − d·v| ≤ |b̂| + |d|·|v|, |v| ≤ |W|(|b̂_{k+1}| + s_{k+1});
        // for d = σ'(ĝ) ≠ 0, |b̂ − d·v| ≤ |d|·e + rounding
        let u = 0;
        for (let q = 0; q < m; q++) u += A[o + q] * z[q];
        const vMax = sumUpper(u, g1, mEta);
        const other = Math.max(dHat === sa ? 0 : Math.abs(sa), dHat === sb ? 0 : Math.abs(sb));
        let bound = other === 0 ? bHat : fin(up(bHat + up(other * vMax)));
        if (dHat !== 0) {
          let e = 0;
          for (let q = 0; q < m; q++) e += A[o + q] * v[q];
          e = sumUpper(e, g1, mEta2);
          bound = Math.max(bound, fin(up(up(Math.abs(dHat) * e) + productRounding(dHat, B[t]))));
        }
        S[t] = bound;
      }
    }
  });
}

/** Work limit (multiply-adds) of the entrywise bound used when some unit is ambiguous. */
const ENTRYWISE_MAX_WORK = 2e8;

/**
 * ‖M‖₂ ≤ max_i Σ_j M_ij for the entrywise non-negative symmetric M ≥ |P̃Q̃ − PQ| of one layer:
 *   M_ij = (α_iρ_j + ρ_iα_j + ρ_iρ_j)β_iβ_j + (α_i + ρ_i)(α_j + ρ_j)·ΔQ_ij,
 *   ΔQ_ij = ⟨|b̂_i|, s_j⟩ + ⟨s_i, |b̂_j|⟩ + ⟨s_i, s_j⟩ ≥ |Q̃_ij − Q_ij|
 * (the same decomposition as the rank-one bound, with the Q part not relaxed by Cauchy–Schwarz).
 */
function entrywiseLayerBound(N: number, n: number, al: Float64Array, rh: Float64Array, be: Float64Array, B: Float64Array, S: Float64Array): number {
  const g1 = up(1 + gammaUp(n + 1)), nEta = up(n * ETA), gN = up(1 + gammaUp(N + 1));
  const cross = new Float64Array(N * N); // cross[i·N + j] ≥ ⟨|b̂_i|, s_j⟩
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      let t = 0;
      for (let q = 0; q < n; q++) t += Math.abs(B[i * n + q]) * S[j * n + q];
      cross[i * N + j] = sumUpper(t, g1, nEta);
    }
  let best = 0;
  for (let i = 0; i < N; i++) {
    const Ai = up(al[i] + rh[i]);
    let row = 0;
    for (let j = 0; j < N; j++) {
      let ss = 0;
      for (let q = 0; q < n; q++) ss += S[i * n + q] * S[j * n + q];
      const dq = up(up(cross[i * N + j] + cross[j * N + i]) + sumUpper(ss, g1, nEta));
      const dp = up(up(up(al[i] * rh[j]) + up(rh[i] * al[j])) + up(rh[i] * rh[j]));
      const m = up(up(dp * up(be[i] * be[j])) + up(up(Ai * up(al[j] + rh[j])) * dq));
      row += fin(m);
    }
    best = Math.max(best, fin(up(up(row * gN) + N * ETA)));
  }
  return best;
}

export interface CertifiedEmpiricalNtkOptions {
  /**
   * Multiply by ∏_{l=1}^{L−1} 1/(κ n_l), κ = E[σ(g)²] = (a² + b²)/2 (ntkNormalization; for ReLU ∏ 2/n_l,
   * eq. (4) of arXiv 2012.11654).
   */
  normalize?: boolean;
}

export interface CertifiedEmpiricalNtk {
  /** K̂ (N × N, exactly symmetric), times `scale` when normalised. May hold ±∞ on overflow. */
  ntk: Matrix;
  /** The float factor applied (1, or fl(∏ 2/n_l)). */
  scale: number;
  /** ‖ntk − exact‖₂ ≤ errorBound for the exact (normalised) K̄ of the stored doubles; +∞ when not certified. */
  errorBound: number;
  /** errorBound is finite and ntk is finite. */
  certified: boolean;
  /** Why not certified (absent when certified). */
  notCertifiedReason?: string;
  /** (sample, hidden unit) pairs within rounding of the kink; both activation choices are enclosed. */
  ambiguousUnits: number;
  /** Parts of errorBound (before normalisation): forward/backward propagation, final roundings. */
  parts: { propagation: number; finalRounding: number };
  forward: ForwardEnclosure;
}

/**
 * K̄ = J Jᵀ (optionally normalised) with the rigorous bound of the module comment. Never throws on
 * finite or non-finite values: overflow shows as certified = false with a reason.
 *
 * Error bound: ‖ntk − K‖₂ ≤ errorBound, K the exact kernel of the stored doubles (data, weights, in 'ntk' also the
 * biases, W_std and b_std, with the real scales W_std/√n_{l−1}): the propagation term Σ_k 2‖D_k‖‖U_k‖ (or the
 * entrywise bound) plus Σ_k γ_{n_k+n_{k+1}+L+2}‖α∘β‖² + 4(n_k + n_{k+1} + 1)ETA(N + ‖α‖² + ‖β‖²), and the normalisation
 * term in 'nmm' (module comment).
 */
export function empiricalNtkCertified(net: Network, x: Matrix, opts: CertifiedEmpiricalNtkOptions = {}): CertifiedEmpiricalNtk {
  const L = net.depth, N = x.rows;
  const fwd = forward(net, x);
  const rec = net.arch.activation;
  if (rec && !rec.certifiedFiniteNetwork) return notCovered(net, x, fwd, rec.name, opts);
  const fe = forwardEnclosure(net, x, fwd);
  const bs = backpropSignals(net, fwd);
  const emp = empiricalNtk(net, x, { forwardResult: fwd, backSignals: bs });
  const sRad = backwardRadii(net, fe, bs);
  let propagation = 0, finalRounding = 0;
  for (let k = 0; k < L; k++) {
    const kf = kernelFeaturesEnclosure(net, fe, k + 1);
    const nk = kf.f.cols, nb = net.dims[k + 1];
    const F = kf.f.data, R = kf.r, B = bs[k].data, S = sRad[k].data;
    const al = new Float64Array(N), be = new Float64Array(N), D = new Float64Array(N), U = new Float64Array(N), ab = new Float64Array(N);
    const rh = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const a = normUp(F, i * nk, nk), r = normUp(R, i * nk, nk);
      const b = normUp(B, i * nb, nb), s = normUp(S, i * nb, nb);
      al[i] = a;
      rh[i] = r;
      be[i] = b;
      ab[i] = fin(up(a * b));
      D[i] = r === 0 && s === 0 ? 0 : fin(up(up(r * b) + up(up(a * s) + up(r * s))));
      U[i] = fin(up(up(a + r) * up(b + s)));
    }
    const dn = normUp(D);
    if (dn !== 0) {
      let layer = fin(up(2 * up(dn * normUp(U))));
      // With ambiguous units the rank-one bound is loose (Cauchy–Schwarz pairs b̂ with a radius supported
      // where b̂ = 0); the entrywise bound costs three N × N × n_{k+1} products, so only then.
      if (fe.ambiguousUnits > 0 && N * N * nb <= ENTRYWISE_MAX_WORK) layer = Math.min(layer, entrywiseLayerBound(N, nb, al, rh, be, B, S));
      propagation = fin(up(propagation + layer));
    }
    const abn = normUp(ab), an = normUp(al), bn = normUp(be);
    const c = gammaUp(nk + nb + L + 2);
    const dk = up(4 * (nk + nb + 1) * ETA);
    const fr = up(up(c * up(abn * abn)) + up(dk * up(up(N + up(an * an)) + up(bn * bn))));
    finalRounding = fin(up(finalRounding + fin(fr)));
  }
  let errorBound = fin(up(propagation + finalRounding));
  let reason: string | undefined;
  if (ntkBound(net)?.sUp.includes(Infinity)) reason = `a layer scale ŝ_l = W_std/√n_{l−1} is below the normal double range (W_std = ${net.ntk!.wStd})`;
  const ntk = emp.ntk;
  let scale = 1;
  // 'ntk': no normalisation (ntkNormalization is 1; the scales s_l are part of the network)
  if (opts.normalize && !net.ntk) {
    scale = ntkNormalization(net);
    const d = ntk.data;
    const froK = normUp(d); // ‖K̂‖_F before scaling
    for (let t = 0; t < d.length; t++) d[t] *= scale;
    if (!(scale >= 2 ** -1022)) {
      errorBound = Infinity;
      reason = `the normalisation ∏ 2/n_l = ${scale} is below the normal double range`;
    } else {
      // ŝ = fl(∏ ĉ/n_l) with ĉ = fl(1/κ̂): 2(L − 1) roundings for ReLU (ĉ = 2 exactly), and for another
      // (a,b)-ReLU up to 4 more in ĉ (a², b², their sum, the reciprocal; halving is exact) which enter each of the
      // L − 1 factors: |ŝ − s| ≤ γ_{6L}s (Higham Lemma 3.1), and s ≤ ŝ/(1 − γ) ≤ ŝ(1 + 2γ). For a smooth record
      // (certifiedSlopes NaN) κ is known only to a few ulps: s is defined as ∏ ĉ/n_l with the double ĉ = fl(1/κ̂)
      // (the c_l of limiting.ts's 'nmm' defaults), 2(L − 1) roundings, within γ_{6L}.
      const { a: sa, b: sb } = certifiedSlopes(net);
      const g = gammaUp(sa === 1 && (sb === 0 || sb === 1 || sb === -1) ? 2 * L : 6 * L);
      const sUp = up(scale * up(1 + 4 * g));
      errorBound = fin(up(up(sUp * errorBound) + up(up(up(up(g * sUp) + up(UNIT_ROUNDOFF * scale)) * froK) + up(N * ETA))));
    }
  }
  let finite = true;
  for (const v of ntk.data) if (!(Math.abs(v) <= MAX)) { finite = false; break; }
  if (!finite) reason = 'the kernel overflows the double range (an entry is ±∞ or NaN)';
  else if (reason === undefined && !(errorBound <= MAX)) reason = 'an intermediate of the rounding bound overflows the double range';
  const certified = reason === undefined;
  const out: CertifiedEmpiricalNtk = {
    ntk,
    scale,
    errorBound: certified ? errorBound : Infinity,
    certified,
    ambiguousUnits: fe.ambiguousUnits,
    parts: { propagation, finalRounding },
    forward: fe,
  };
  if (!certified) out.notCertifiedReason = reason;
  return out;
}

/**
 * An activation outside the rounding analysis (a record without `certifiedFiniteNetwork`, e.g. a user's own):
 * the float kernel (normalised by ∏ 1/(κ n_l) when asked), NOT certified, every radius +∞.
 */
function notCovered(net: Network, x: Matrix, fwd: ForwardResult, name: string, opts: CertifiedEmpiricalNtkOptions): CertifiedEmpiricalNtk {
  const ntk = empiricalNtk(net, x, { forwardResult: fwd }).ntk;
  const scale = opts.normalize ? ntkNormalization(net) : 1;
  if (opts.normalize) for (let t = 0; t < ntk.data.length; t++) ntk.data[t] *= scale;
  const radius = [zeros(x.rows, net.dims[0])];
  const status: Uint8Array[] = [];
  for (let l = 1; l < net.depth; l++) {
    const r = zeros(x.rows, net.dims[l]);
    r.data.fill(Infinity);
    radius.push(r);
    status.push(new Uint8Array(r.data.length).fill(UNIT_AMBIGUOUS));
  }
  const ambiguousUnits = status.reduce((a, st) => a + st.length, 0);
  return {
    ntk,
    scale,
    errorBound: Infinity,
    certified: false,
    notCertifiedReason: `activation ${name}: the finite network's rounding analysis covers only records with certifiedFiniteNetwork: the (a,b)-ReLU family and smooth records with enclose (docs/error-model.md)`,
    ambiguousUnits,
    parts: { propagation: Infinity, finalRounding: Infinity },
    forward: { fwd, radius, status, ambiguousUnits },
  };
}

export interface EmpiricalLambdaMin {
  lower: number;
  estimate: number;
  upper: number;
  method: string;
  /** Cholesky factorisations performed (lambdaMinCertified's count; 0 on the other paths). */
  factorizations: number;
  certified: boolean;
  notCertifiedReason?: string;
}

/**
 * Enclosure of λ_min of the exact (normalised) K̄ from an empiricalNtkCertified result:
 * lambdaMinCertified with entryError = errorBound. When not certified: [−∞, +∞] with the float
 * estimate (NaN if the kernel is not finite). When errorBound is so large against the entries that
 * lambdaMinCertified's binary prescaling would overflow it, the Weyl/Gershgorin enclosure
 * [−‖K̂‖_∞ − e, min_i K̂_ii + e] is used instead (still rigorous).
 */
export function empiricalNtkLambdaMin(r: CertifiedEmpiricalNtk): EmpiricalLambdaMin {
  const k = r.ntk, n = k.rows;
  if (!r.certified) {
    let estimate = NaN;
    let finite = true;
    for (const v of k.data) if (!(Math.abs(v) <= MAX)) finite = false;
    if (finite && n > 0) estimate = lambdaMinCertified(k).estimate;
    return { lower: -Infinity, estimate, upper: Infinity, method: 'none (not certified)', factorizations: 0, certified: false, notCertifiedReason: r.notCertifiedReason };
  }
  const e = r.errorBound;
  const p = binaryScaleFactor(k);
  if (up(up(e * p) + n * ETA) <= MAX) {
    const lm = lambdaMinCertified(k, { entryError: e });
    return { lower: lm.lower, estimate: lm.estimate, upper: lm.upper, method: lm.method, factorizations: lm.factorizations, certified: true };
  }
  let rowMax = 0, diagMin = Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(k.data[i * n + j]);
    rowMax = Math.max(rowMax, up(up(s * up(1 + gammaUp(n))) + n * ETA));
    diagMin = Math.min(diagMin, k.data[i * n + i]);
  }
  const lower = -up(rowMax + e), upper = up(diagMin + e);
  return { lower, estimate: Math.min(Math.max(lambdaMinCertified(k).estimate, lower), upper), upper, method: 'gershgorin+weyl', factorizations: 0, certified: true };
}
