/**
 * σ(t) = GELU(t) = tΦ(t) (Hendrycks & Gimpel, arXiv 1606.08415, the exact form, not the tanh approximation),
 * Φ the standard normal distribution function, σ'(t) = Φ(t) + tφ(t). Its dual kernels have closed forms
 * (the NNGP one is in Tsuchida et al., "Avoiding kernel fixed points: computing with ELU and GELU infinite
 * networks", arXiv 2002.08517); they are derived here and enclosed in interval arithmetic (src/linalg/interval.ts).
 *
 * Derivation, for (u, v) ∼ N(0, Σ), Σ = [[q1, c], [c, q2]], D = det(I + Σ) = (1 + q1)(1 + q2) − c²:
 *  - Gaussian integration by parts (Stein): E[u·h(u, v)] = q1E[∂_u h] + cE[∂_v h], E[v·h] = cE[∂_u h] + q2E[∂_v h];
 *  - E[Φ(u)Φ(v)] = P(X ≤ u, Y ≤ v) with X, Y ∼ N(0, 1) independent of (u, v): the orthant probability of
 *    (X − u, Y − v) ∼ N(0, I + Σ), = 1/4 + asin(ρ)/(2π), ρ = c/√((1 + q1)(1 + q2)) (Sheppard);
 *  - E[φ(u)φ(v)] = E[e^{−(u² + v²)/2}]/(2π) = 1/(2π√D); E[uvφ(u)φ(v)] = (Σ(I + Σ)^{-1})_{12}/(2π√D) = c/(2πD^{3/2});
 *  - Stein on u with h = φ(u)Φ(v): (1 + q1)E[uφ(u)Φ(v)] = cE[φφ], so E[uφ(u)Φ(v)] = c/(2π(1 + q1)√D); likewise
 *    E[Φ(u)vφ(v)] = c/(2π(1 + q2)√D), and Stein on v with h = φ(u)Φ(v): E[vφ(u)Φ(v)] = ((1 + q1)q2 − c²)/(2π(1 + q1)√D);
 *  - Stein on u with h = vΦ(u)Φ(v): E[uΦ(u)vΦ(v)] = q1E[vφ(u)Φ(v)] + cE[Φ(u)Φ(v)] + cE[Φ(u)vφ(v)], which
 *    simplifies (q1q2 − q1c²/(1 + q1) + c²/(1 + q2) = (q1q2D + c²)/((1 + q1)(1 + q2))) to
 *      E[σ(u)σ(v)]   = c·P + (q1/(1 + q1))(q2/(1 + q2))·√D/(2π) + ρ²/(2π√D),
 *      E[σ'(u)σ'(v)] = P + (c/(2π√D))·(1/(1 + q1) + 1/(1 + q2)) + c/(2πD^{3/2}),
 *    with P = E[Φ(u)Φ(v)] = 1/4 + asin(ρ)/(2π). Checks: c = 0 gives E[uΦ(u)]E[vΦ(v)] = q1q2/(2π√((1 + q1)(1 + q2)))
 *    and E[σ']² = 1/4; q = c = 1 gives κ = 1/4 + 1/12 + 1/(2π√3).
 * Evaluation without cancellation or overflow: 1 − ρ² = D/((1 + q1)(1 + q2)), so with θ = atan(√D/|c|) ∈ [0, π/2],
 * P = 1/2 − θ/(2π) for c > 0 and P = θ/(2π) for c < 0 (at c = −√(q1q2), q large, P ≈ √(2/q)/(2π) without the
 * cancellation of 1/4 − 1/4); near c = 0, P = 1/2 − acos(ρ)/(2π). √D from exact.ts: 1 + q1 + q2 + det Σ with det Σ
 * formed by exact products when max(q1, q2, |c|) < 2^500, else √det(I + 2Σ/2) (sqrtDetIPlus2Sigma, scaled by a power
 * of two). Math.atan is assumed within 2 ulps and widened by LIBM_ULPS, as Math.acos is in interval.ts.
 * The enclosures are a few ulps wide relative to the terms; the cancellation at c ≈ −√(q1q2), q ≫ 1 (terms ≈ √q,
 * value ≈ 1/√q) makes them absolutely ≈ 1e-16·√q wide there.
 *
 * Derivative bounds (for limitingSmooth.ts): σ is unbounded, |σ(t)| = |t|Φ(t) ≤ |t| (growth a = 1, b = 0);
 * σ' = Φ + tφ has extrema where σ'' = φ(t)(2 − t²) = 0: σ'(√2) = Φ(√2) + √2φ(√2) = 1.12890…, σ'(−√2) = −0.12890…;
 * |σ''| ≤ 2φ(0) = 0.79789… (at t = 0; |2 − t²|φ(t) ≤ 2φ(0) for t² ≤ 4 and ≤ t²φ(t) ≤ 2φ(√2) < 0.3 beyond);
 * σ''' = φ(t)(t³ − 4t), |σ'''| ≤ 0.77877 (maximum at t² = (7 − √33)/2 ≈ 0.628: 0.778769…; at t² = (7 + √33)/2 ≈ 6.37
 * it is 0.09874…). Integrals (record.ts `l1`): ∫|σ''| = 4Φ(√2) − 3 + 4√2φ(√2) = 1.515616… (σ'' changes sign at ±√2;
 * ∫_0^x t²φ = Φ(x) − ½ − xφ(x)), ∫|t||σ''| = 8φ(√2) = 1.174101… (∫_0^x t³φ = 2φ(0) − (x² + 2)φ(x)), and ∫|σ'''| = the total
 * variation of σ'' = 2σ''(0) + 4|σ''(2)| = 4φ(0) + 8φ(2) = 2.027697….
 */
import { type Interval, LIBM_ULPS, interval } from '../../linalg/interval.ts';
import { nextUp, stepsDown, stepsUp } from '../../linalg/ulp.ts';
import { erf, erfEnclose } from './erf.ts';
import { PI_I, clippedCovariance, determinantEnclosure, sqrtDetIPlus2Sigma } from './exact.ts';
import { geluHermite, geluHermiteEnclosure } from './hermiteCoefficients.ts';
import type { ActivationRecord, DerivativeBounds, DualEnclosure } from './record.ts';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Φ(t) in float64: ½(1 + erf(t/√2)) for t ≥ −2 (absolute error a few u), and for t < −2 the complement
 * erfc(x)/2, x = −t/√2 > √2, from the continued fraction erfc(x) = e^{−x²}/(√π(x + (1/2)/(x + 1/(x + (3/2)/(x + ⋯)))))
 * (Abramowitz & Stegun 7.1.14) evaluated backwards from depth 100 (converged to the last bits for x ≥ √2, where it
 * is relatively accurate; underflowing to 0 beyond x ≈ 27). Relative error ≤ 1e-13 (measured against a decimal
 * series on [−12, 6]; the rounding of x² in e^{−x²} dominates in the tail).
 */
export function normalCdf(t: number): number {
  if (t !== t) return NaN;
  if (t >= -2) return 0.5 * (1 + erf(t / Math.SQRT2));
  const x = -t / Math.SQRT2;
  if (x > 40) return 0;
  let r = x;
  for (let k = 100; k >= 1; k--) r = x + k / 2 / r;
  return Math.exp(-x * x) / (2 * Math.sqrt(Math.PI) * r);
}

/** GELU(t) = tΦ(t) in float64. */
export function gelu(t: number): number {
  return t * normalCdf(t);
}

/** GELU'(t) = Φ(t) + tφ(t) in float64. */
export function geluDeriv(t: number): number {
  return normalCdf(t) + (Math.abs(t) > 40 ? 0 : t * INV_SQRT_2PI * Math.exp(-0.5 * t * t));
}

export const GELU_BOUNDS: DerivativeBounds = {
  sup0: Infinity,
  sup1: 1.12891,
  sup2: 0.79789,
  sup3: 0.77877,
  growth: { a: 1, b: 0 },
  l1: { d2: 1.51562, d2t: 1.17411, d3: 2.0277 },
};

/** An enclosure of atan(t) for an interval t ≥ 0 (Infinity allowed). */
function atanI(t: Interval): Interval {
  const halfPiUp = nextUp(Math.PI / 2);
  const lo = t.lo <= 0 ? 0 : t.lo === Infinity ? Math.PI / 2 : Math.max(0, stepsDown(Math.atan(t.lo), LIBM_ULPS));
  const hi = t.hi === Infinity ? halfPiUp : Math.min(halfPiUp, stepsUp(Math.atan(t.hi), LIBM_ULPS));
  return interval(lo, hi);
}

/** √det(I + Σ) enclosed for every finite q1, q2 ≥ 0 and c (c clipped: det Σ is taken as max(0, q1q2 − c²)). */
function sqrtDetIPlusSigma(q1: number, q2: number, c: number): Interval {
  if (Math.max(q1, q2, Math.abs(c)) < 2 ** 500)
    return interval(1)
      .add(q1)
      .add(q2)
      .add(determinantEnclosure(q1, q2, c))
      .sqrt();
  // Σ/2 exactly unless an entry below 2^-1021 lost its last bit (|Δ| ≤ 2^-1075). D = 1 + q1 + q2 + max(0, q1q2 − c²)
  // is continuous in the entries with |∂D/∂q1| ≤ 1 + q2, |∂D/∂c| ≤ 2|c|, so such a loss moves D by at most
  // 2^-1074·D (only subnormal entries move): well inside one relative 2^-52 on √D.
  const h1 = q1 / 2,
    h2 = q2 / 2,
    hc = c / 2;
  const r = sqrtDetIPlus2Sigma(h1, h2, hc);
  if (h1 * 2 === q1 && h2 * 2 === q2 && hc * 2 === c) return r;
  return r.mul(interval(1 - 2 ** -52, 1 + 2 ** -52));
}

/** Enclosures of E[GELU(u)GELU(v)] and E[GELU'(u)GELU'(v)] from the closed forms of the module comment. */
export function geluDual(q1: number, q2: number, c: number): DualEnclosure {
  if (!(q1 >= 0) || !(q2 >= 0) || !Number.isFinite(q1) || !Number.isFinite(q2) || !Number.isFinite(c)) {
    throw new RangeError(`geluDual: need finite q1, q2 ≥ 0 and finite c, got (${q1}, ${q2}, ${c})`);
  }
  const cI = clippedCovariance(q1, q2, c);
  const sqrtD = sqrtDetIPlusSigma(q1, q2, c);
  const A1 = interval(1).add(q1),
    A2 = interval(1).add(q2);
  const twoPi = PI_I.mul(2);
  let P: Interval;
  if (cI.lo > 0 || cI.hi < 0) {
    const th = atanI(sqrtD.div(cI.abs())).div(twoPi);
    P = cI.lo > 0 ? interval(0.5).sub(th) : th;
  } else {
    P = interval(0.5).sub(cI.div(A1.sqrt()).div(A2.sqrt()).acos().div(twoPi));
  }
  P = interval(Math.max(0, P.lo), Math.min(0.5, P.hi)); // an orthant probability of a centred Gaussian: ∈ [0, 1/2]
  const t1 = interval(q1).div(A1).mul(interval(q2).div(A2)).mul(sqrtD).div(twoPi);
  const t2 = cI.div(A1).mul(cI.div(A2)).div(sqrtD).div(twoPi);
  const phiPhi = cI.mul(P).add(t1).add(t2);
  const cOverSqrtD = cI.div(sqrtD).div(twoPi);
  const dphiDphi = P.add(cOverSqrtD.mul(interval(1).div(A1).add(interval(1).div(A2)))).add(cOverSqrtD.div(sqrtD).div(sqrtD));
  const b = GELU_BOUNDS.sup1 ** 2 * (1 + 1e-15);
  return { phiPhi, dphiDphi: interval(Math.max(-b, dphiDphi.lo), Math.min(b, dphiDphi.hi)) };
}

/**
 * GELU(t) = tΦ(t) and GELU'(t) = Φ(t) + tφ(t) at a double t, rigorously: Φ(t) = (1 + erf(t/√2))/2 with erf's
 * enclosure (erf.ts erfEnclose, monotone, taken at both ends of the interval t/√2), φ(t) = e^{−t²/2}/√(2π) in interval
 * arithmetic. Absolute accuracy ≈ u·max(1, |t|) (1 + erf cancels for t ≪ 0). Non-finite t: the whole line.
 */
export function geluEnclose(t: number): { f: Interval; df: Interval } {
  if (!Number.isFinite(t)) return { f: interval(-Infinity, Infinity), df: interval(-GELU_BOUNDS.sup1, GELU_BOUNDS.sup1) };
  const u = interval(t).div(interval(2).sqrt());
  const phiCdf = interval(erfEnclose(u.lo).f.lo, erfEnclose(u.hi).f.hi).add(1).div(2);
  const Phi = interval(Math.max(0, phiCdf.lo), Math.min(1, phiCdf.hi));
  const phi = interval(t).mul(t).div(-2).exp().div(interval(2).mul(PI_I).sqrt());
  return { f: Phi.mul(t), df: Phi.add(phi.mul(t)) };
}

export function geluRecord(): ActivationRecord {
  return {
    name: 'gelu',
    kind: 'smooth',
    fn: gelu,
    deriv: geluDeriv,
    derivativeConvention: "σ'(t) = Φ(t) + tφ(t) (smooth, no kinks)",
    dual: geluDual,
    dualMethod: 'closed form in interval arithmetic (activations/gelu.ts)',
    secondMoment: geluDual(1, 1, 1).phiPhi.mid, // κ = 1/4 + 1/12 + 1/(2π√3)
    derivativeBounds: GELU_BOUNDS,
    hermite: geluHermite,
    hermiteEnclosure: geluHermiteEnclosure,
    hermiteMethod:
      'closed form (−1)^{m−1}(2m + 1)(2m − 3)!!/(2^{m+1}√π√((2m)!)) for r = 2m ≥ 2, μ_0 = 1/(2√π), μ_1 = 1/2, 0 for odd r ≥ 3; relative rounding ≤ (2.5r + 8)u',
    kinks: [],
    enclose: geluEnclose,
    certifiedFiniteNetwork: true,
  };
}
