/**
 * Power-series coefficients of the limiting NTK (Murray, Jin, Bowman, Montúfar, arXiv 2211.07844;
 * docs/theorems.md#power-series-and-two-layer-coefficients) for ReLU with σ_w² = 2, σ_b² = 0, γ_w = 1, γ_b = 0 and unit-norm data, where
 * n K_L(ρ) = Σ_p κ_{p,L} ρ^p equals Nguyen et al.'s K^{(L)} (limiting.ts, 'nmm') at ρ = x_iᵀx_j:
 *
 *   κ_{p,1} = δ_{p1};  κ_{p,l} = α_{p,l} + Σ_{q≤p} κ_{q,l−1} υ_{p−q,l}  (l ≥ 2);
 *   α_{p,2} = 2μ_p(σ)²,  υ_{p,2} = 2μ_p(σ')² = 2(p+1)μ_{p+1}(σ)²;
 *   α_{p,l} = Σ_k α_{k,2} F(p, k, ᾱ_{l−1}),  υ_{p,l} = Σ_k υ_{k,2} F(p, k, ᾱ_{l−1})  (l ≥ 3),
 *   F(p, k, ā) = coefficient of ρ^p in (Σ_m ā_m ρ^m)^k,  ᾱ_l = α_{·,l} (the NNGP G_l(ρ) = Σ α_{p,l}ρ^p).
 *
 * In function form [DER]: G_l = g(G_{l−1}), Ġ_l = ġ(G_{l−1}), K_l = G_l + K_{l−1}·Ġ_l with
 * g(t) = (√(1−t²) + (π − arccos t)t)/π, ġ(t) = (π − arccos t)/π, G_1 = K_1 = ρ. Since ᾱ_{0,l} > 0 for
 * l ≥ 2, the sum over k is infinite; it is truncated at k < P, as are all series (degree < P).
 *
 * Error bounds (all coefficients are ≥ 0, so coefficientwise bounds become value bounds at |ρ| ≤ s):
 *  - rounding, coefficientwise relative (murrayCoefficientRelativeError): μ_p² has relative error
 *    ≤ (5p+8)u (hermite.ts), so α, υ ≤ e_α = (5P+12)u; a power T_k = T_{k−1}∗G has relative error
 *    ≤ k(ε_G + γ_{P+1}); sums of non-negative terms add γ_{P+1}:
 *      ε_{G,l} = ε_{Ġ,l} ≤ P(ε_{G,l−1} + γ_{P+1}) + e_α + γ_{P+1},  ε_{K,l} ≤ max(ε_{G,l}, ε_{K,l−1} + ε_{Ġ,l} + γ_{P+1}) + γ_{P+2};
 *  - value level at |ρ| ≤ s < 1 (murraySeriesErrorBound), tighter: with r ≥ G_{l−1}(s) and
 *    Σ_k k α_k r^{k−1} = ġ(r) ≤ 1, Σ_k k υ_k r^{k−1} = ġ'(r) = 1/(π√(1−r²)):
 *      B_{G,l} ≤ (B_{G,l−1} + γ r)ġ(r) + (e_α + γ),   B_{Ġ,l} ≤ (B_{G,l−1} + γ r)ġ'(r) + (e_α + γ),
 *      B_{K,l} ≤ B_{G,l} + B_{K,l−1} + (l−1)B_{Ġ,l} + γ_{P+2}·l   (G, Ġ ≤ 1, K_{l−1} ≤ l−1 on [−1, 1]);
 *    truncation (terms of degree ≥ P and powers k ≥ P; all dropped terms are ≥ 0 and bounded by
 *    r_max^P times the value of the full series at 1, propagated through ≤ L layers):
 *      T ≤ 4L³(1 + ġ'(r_max)) r_max^P,  r_max = max(s, G_1(s), …, G_{L−1}(s));
 *    Horner evaluation adds γ_{2P}·L. The total is doubled to cover second-order terms.
 */
import { gammaUp, up } from '../linalg/blas.ts';
import type { Interval } from '../linalg/interval.ts';
import { ETA, UNIT_ROUNDOFF, gamma } from '../linalg/matrix.ts';
import type { ActivationRecord } from './activations/record.ts';
import { reluHermiteCoefficient } from './hermite.ts';
import { reluHermiteSquareEnclosures } from './reluCoefficients.ts';

export interface MurraySeries {
  depth: number;
  /** Number of coefficients kept per series (degrees 0..P−1). */
  terms: number;
  /** kappa[l−1][p] = κ_{p,l}, l = 1..L. */
  kappa: Float64Array[];
  /** alpha[l−1][p] = α_{p,l} (NNGP coefficients; alpha[0] = κ_{·,1}). */
  alpha: Float64Array[];
  /** upsilon[l−1][p] = υ_{p,l} (derivative-kernel coefficients; upsilon[0] unused, zeros). */
  upsilon: Float64Array[];
}

const cache = new Map<string, MurraySeries>();

/** Coefficients κ_{p,l}, α_{p,l}, υ_{p,l} for l = 1..L, p < P (memoised; cost ≈ (L−2)·P³/2 flops). */
export function murrayReluCoefficients(depth: number, terms = 600): MurraySeries {
  if (!(Number.isInteger(depth) && depth >= 1)) throw new RangeError(`murrayReluCoefficients: depth must be an integer ≥ 1, got ${depth}`);
  if (!(Number.isInteger(terms) && terms >= 2)) throw new RangeError(`murrayReluCoefficients: terms must be an integer ≥ 2, got ${terms}`);
  const key = `${depth}/${terms}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const P = terms;
  const a2 = new Float64Array(P),
    v2 = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    a2[p] = 2 * reluHermiteCoefficient(p) ** 2;
    v2[p] = 2 * (p + 1) * reluHermiteCoefficient(p + 1) ** 2;
  }
  const k1 = new Float64Array(P);
  k1[1] = 1;
  const kappa: Float64Array[] = [k1],
    alpha: Float64Array[] = [Float64Array.from(k1)],
    upsilon: Float64Array[] = [new Float64Array(P)];
  for (let l = 2; l <= depth; l++) {
    let al: Float64Array, ul: Float64Array;
    if (l === 2) {
      al = Float64Array.from(a2);
      ul = Float64Array.from(v2);
    } else {
      const G = alpha[l - 2];
      al = new Float64Array(P);
      ul = new Float64Array(P);
      let T: Float64Array = new Float64Array(P);
      T[0] = 1;
      let next: Float64Array = new Float64Array(P);
      for (let k = 0; k < P; k++) {
        const ak = a2[k],
          vk = v2[k];
        for (let p = 0; p < P; p++) {
          const t = T[p];
          al[p] += ak * t;
          ul[p] += vk * t;
        }
        if (k === P - 1) break;
        // next = T ∗ G truncated to degree < P
        next.fill(0);
        for (let i = 0; i < P; i++) {
          const ti = T[i];
          if (ti === 0) continue;
          const lim = P - i;
          for (let j = 0; j < lim; j++) next[i + j] += ti * G[j];
        }
        const tmp = T;
        T = next;
        next = tmp;
      }
    }
    const kPrev = kappa[l - 2];
    const kl = Float64Array.from(al);
    for (let p = 0; p < P; p++) {
      let s = 0;
      for (let q = 0; q <= p; q++) s += kPrev[q] * ul[p - q];
      kl[p] += s;
    }
    kappa.push(kl);
    alpha.push(al);
    upsilon.push(ul);
  }
  for (let l = 1; l <= depth; l++)
    cache.set(`${l}/${P}`, { depth: l, terms: P, kappa: kappa.slice(0, l), alpha: alpha.slice(0, l), upsilon: upsilon.slice(0, l) });
  return cache.get(key)!;
}

/** Σ_p c_p ρ^p by Horner's rule. */
export function evaluatePowerSeries(c: ArrayLike<number>, rho: number): number {
  let s = 0;
  for (let p = c.length - 1; p >= 0; p--) s = s * rho + c[p];
  return s;
}

/** g(t) = E[2σ(u)σ(v)] for unit-variance pairs of correlation t (normalised ReLU NNGP map). */
export function reluNngpMap(t: number): number {
  const c = Math.min(1, Math.max(-1, t));
  return (Math.sqrt(Math.max(0, 1 - c * c)) + (Math.PI - Math.acos(c)) * c) / Math.PI;
}

/** ġ(t) = E[2σ'(u)σ'(v)] = (π − arccos t)/π. */
export function reluNngpDotMap(t: number): number {
  const c = Math.min(1, Math.max(-1, t));
  return (Math.PI - Math.acos(c)) / Math.PI;
}

/** Coefficientwise relative rounding bound ε with |κ̃_{p,L} − κ^{trunc}_{p,L}| ≤ ε κ̃_{p,L} (see module comment). */
export function murrayCoefficientRelativeError(series: MurraySeries): number {
  const P = series.terms,
    L = series.depth;
  const g = gamma(P + 1),
    eA = (5 * P + 12) * UNIT_ROUNDOFF;
  let eG = 0,
    eK = 0;
  for (let l = 2; l <= L; l++) {
    const eGl = l === 2 ? eA : P * (eG + g) + eA + g;
    eK = Math.max(eGl, eK + eGl + g) + gamma(P + 2);
    eG = eGl;
  }
  return eK * 1.01;
}

/**
 * Bound on |Σ_{p<P} κ̃_{p,L} ρ^p (computed, Horner) − K^{(L)}(ρ)| valid for all |ρ| ≤ s, s < 1:
 * rounding of the coefficients (value level), truncation in degree and in the powers k, and the
 * evaluation. +∞ when s ≥ 1 or a layer's correlation bound reaches 1.
 */
export function murraySeriesErrorBound(series: MurraySeries, s: number): number {
  if (!(s >= 0 && s < 1)) return Infinity;
  const P = series.terms,
    L = series.depth;
  const g = gamma(P + 1),
    eA = (5 * P + 12) * UNIT_ROUNDOFF;
  const widen = (t: number) => Math.min(1, t * (1 + 1e-9) + 1e-15);
  let r = widen(s),
    rMax = r;
  let BG = 0,
    BK = 0;
  for (let l = 2; l <= L; l++) {
    let BGl: number, BDl: number;
    if (l === 2) {
      BGl = eA;
      BDl = eA;
    } else {
      if (r >= 1) return Infinity;
      const gd = reluNngpDotMap(r) * (1 + 1e-12),
        gdd = (1 / (Math.PI * Math.sqrt(1 - r * r))) * (1 + 1e-12);
      BGl = (BG + g * r) * gd + eA + g;
      BDl = (BG + g * r) * gdd + eA + g;
    }
    BK = BGl + BK + (l - 1) * BDl + gamma(P + 2) * l;
    BG = BGl;
    r = widen(reluNngpMap(r));
    if (l < L) rMax = Math.max(rMax, r);
  }
  if (rMax >= 1) return Infinity;
  const trunc = 4 * L ** 3 * (1 + 1 / (Math.PI * Math.sqrt(1 - rMax * rMax))) * rMax ** P;
  return 2 * (BK + trunc + gamma(2 * P) * L) * (1 + 1e-10);
}

/**
 * The first layer map of the recursion above for any activation record, as enclosures: for unit-variance pairs of
 * correlation ρ, c_σ·E[σ(u)σ(v)] = Σ_p α_p ρ^p and c_σ·E[σ'(u)σ'(v)] = Σ_p υ_p ρ^p (Mehler's formula) with
 *   α_p = c_σ·μ_p(σ)²,  υ_p = c_σ·μ_p(σ')² = c_σ·(p + 1)·μ_{p+1}(σ)²
 * (μ_p(σ') = √(p+1)·μ_{p+1}(σ): h'_{p+1} = √(p+1)h_p and Gaussian integration by parts), p < terms, from the record's
 * hermiteEnclosure (docs/activations.md#hermite-coefficients). For ReLU with c_σ = 2 these are α_{·,2}, υ_{·,2} of
 * murrayReluCoefficients. The remainders are bounded by Parseval: Σ_{p ≥ P} α_p|ρ|^p ≤ |ρ|^P·(c_σκ − Σ_{p<P} α_p) and
 * Σ_{p ≥ P} υ_p|ρ|^p ≤ |ρ|^P·(c_σE[σ'(g)²] − Σ_{p<P} υ_p), with κ, E[σ'(g)²] from the record's dual(1, 1, 1).
 */
export function layerTwoSeries(record: ActivationRecord, terms: number, cSigma = 1): { alpha: Interval[]; upsilon: Interval[] } {
  if (!(Number.isInteger(terms) && terms >= 1)) throw new RangeError(`layerTwoSeries: terms must be an integer ≥ 1, got ${terms}`);
  const alpha: Interval[] = [],
    upsilon: Interval[] = [];
  let m = record.hermiteEnclosure(0).abs();
  for (let p = 0; p < terms; p++) {
    const next = record.hermiteEnclosure(p + 1).abs();
    alpha.push(m.mul(m).mul(cSigma));
    upsilon.push(
      next
        .mul(next)
        .mul(p + 1)
        .mul(cSigma),
    );
    m = next;
  }
  return { alpha, upsilon };
}

/**
 * Upper bounds on Σ_p c_p s^p and Σ_p p·c_p s^{p−1} for coefficients c_p ≥ 0 and s ≥ 0 (e.g. the truncated
 * series K̂(s) and K̂'(s) with κ_{p,L} ≥ 0). Horner's rule on non-negative data: every computed partial value is at
 * least the exact one times (1 − u)^k after k roundings (Higham §5.1), so the exact sums are ≤ the computed ones
 * times 1 + γ_{2P+1} (2P roundings, one more for the products p·c_p), plus P·ETA for products that underflow.
 */
export function nonNegativeSeriesUpper(c: ArrayLike<number>, s: number): { value: number; derivative: number } {
  if (!(s >= 0)) throw new RangeError(`nonNegativeSeriesUpper: s must be ≥ 0, got ${s}`);
  const P = c.length;
  let v = 0,
    dv = 0;
  for (let p = P - 1; p >= 0; p--) {
    v = v * s + c[p];
    if (p >= 1) dv = dv * s + p * c[p];
  }
  const g = up(1 + gammaUp(2 * P + 1));
  return { value: up(up(v * g) + P * ETA), derivative: up(up(dv * g) + P * ETA) };
}

/**
 * κ_{p,2} = 2(1 + p)μ_p(ReLU)² in closed form (σ_w² = 2, γ_w = 1, γ_b = σ_b = 0), enclosed: μ_p² from
 * reluHermiteSquareEnclosures (reluCoefficients.ts).
 */
export function twoLayerCoefficientEnclosure(p: number): Interval {
  if (!Number.isInteger(p) || p < 0) throw new RangeError(`twoLayerCoefficientEnclosure: p must be an integer ≥ 0, got ${p}`);
  return reluHermiteSquareEnclosures(p)[p].mul(2 * (1 + p));
}
