/**
 * σ(t) = erf(t) with its closed-form dual kernels (Williams 1997, "Computing with infinite networks", NIPS;
 * neural-tangents stax.Erf, neural_tangents/_src/stax/elementwise.py with a = b = 1, c = 0):
 *
 *   E[erf(u)erf(v)]   = (2/π)·asin( 2c / √((1 + 2q1)(1 + 2q2)) )
 *   E[erf'(u)erf'(v)] = (4/π) / √( (1 + 2q1)(1 + 2q2) − 4c² ) = (4/π) / √( 1 + 2q1 + 2q2 + 4(q1q2 − c²) )
 *
 * for (u, v) ∼ N(0, [[q1, c], [c, q2]]) (erf'(t) = (2/√π)e^{−t²}; the second form has no cancellation once
 * q1q2 − c² is formed exactly, exact.ts). Both are enclosed in interval arithmetic (src/linalg/interval.ts):
 * asin(r) = π/2 − acos(r), so E[erf erf] = 1 − (2/π)acos(r), and acos(r) = atan(√D/(2c)) (c > 0) with
 * D = 1 + 2q1 + 2q2 + 4(q1q2 − c²) = (1 + 2q1)(1 + 2q2)(1 − r²). Math.atan is assumed accurate to 2 ulps and widened by
 * LIBM_ULPS, as Math.acos is in interval.ts.
 *
 * Derivative bounds (for limitingSmooth.ts): |erf| ≤ 1, |erf'| ≤ 2/√π, |erf''| = (4|t|/√π)e^{−t²} ≤ (4/√π)(2e)^{−1/2}
 * (at t = 1/√2), |erf'''| = (4/√π)|2t² − 1|e^{−t²} ≤ 4/√π (at t = 0; elsewhere (2t² − 1)e^{−t²} ≤ 2e^{−3/2} < 1).
 * Hermite coefficients (derived): by Gaussian integration by parts E[σ(g)He_k(g)] = E[σ^{(k)}(g)], and
 * erf^{(k)}(t) = (2/√π)(−1)^{k−1}H_{k−1}(t)e^{−t²} (physicists' H). The generating function Σ_n H_n(x)tⁿ/n! = e^{2xt−t²}
 * gives ∫H_n(x)e^{−3x²/2}dx = √(2π/3)·n!(−1/3)^{n/2}/(n/2)! (n even, 0 for n odd), so for k = 2m + 1
 *   E[erf(g)He_k(g)] = (2/√(3π))·(2m)!·(−1/3)^m/m!,   and 0 for even k;
 * `hermite(k)` is the normalised coefficient E[erf(g)He_k(g)]/√(k!) (Σ_k hermite(k)²ρ^k = E[erf(u)erf(v)] at
 * q1 = q2 = 1, c = ρ: Mehler's formula, checked in activations.test.ts).
 */
import { Interval, LIBM_ULPS, interval } from '../../linalg/interval.ts';
import { nextUp, stepsDown, stepsUp } from '../../linalg/ulp.ts';
import { PI_I, clippedCovariance, sqrtDetIPlus2Sigma } from './exact.ts';
import type { ActivationRecord, DualEnclosure } from './record.ts';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf(x) in float64 (a few ulps): for |x| ≤ 3 the series erf(x) = (2/√π)e^{−x²} Σ_{n≥0} 2ⁿx^{2n+1}/(1·3⋯(2n+1))
 * (all terms positive, Abramowitz & Stegun 7.1.6), for 3 < |x| < 6 the continued fraction of erfc (A&S 7.1.14)
 * evaluated backwards from depth 60, and ±1 beyond (erfc(6) < 2.2·10⁻¹⁷ < u).
 */
export function erf(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  let r: number;
  if (ax <= 3) {
    const x2 = ax * ax;
    let term = ax, sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  } else {
    let t = ax;
    for (let k = 60; k >= 1; k--) t = ax + k / 2 / t;
    r = 1 - Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * t);
  }
  return x < 0 ? -r : r;
}

function erfDual(q1: number, q2: number, c: number): DualEnclosure {
  const cI = clippedCovariance(q1, q2, c);
  const sqrtD = sqrtDetIPlus2Sigma(q1, q2, c);
  // acos(r) with r = 2c/√((1+2q1)(1+2q2)) and 1 − r² = D/((1+2q1)(1+2q2)): acos(r) = atan(√D/(2|c|)) for
  // c > 0, π − that for c < 0 (no cancellation as r → ±1)
  let acosR: Interval;
  if (cI.lo <= 0 && cI.hi >= 0) {
    const s1 = interval(q1).mul(2).add(1), s2 = interval(q2).mul(2).add(1);
    acosR = cI.mul(2).div(s1.sqrt().mul(s2.sqrt())).acos();
  } else {
    const t = sqrtD.div(cI.abs().mul(2));
    const lo = t.lo === Infinity ? Math.PI / 2 : Math.max(0, stepsDown(Math.atan(t.lo), LIBM_ULPS));
    const hi = t.hi === Infinity ? nextUp(Math.PI / 2) : Math.min(nextUp(Math.PI / 2), stepsUp(Math.atan(t.hi), LIBM_ULPS));
    const th = interval(lo, hi);
    acosR = cI.lo > 0 ? th : PI_I.sub(th);
  }
  const phiPhi = interval(1).sub(acosR.mul(2).div(PI_I));
  const dphiDphi = interval(4).div(PI_I).div(sqrtD);
  return { phiPhi: clip(phiPhi, -1, 1), dphiDphi: clip(dphiDphi, 0, 4 / Math.PI + 1e-15) };
}

function clip(x: Interval, lo: number, hi: number): Interval {
  return interval(Math.max(lo, Math.min(hi, x.lo)), Math.min(hi, Math.max(lo, x.hi)));
}

/** E[erf(g)He_k(g)]/√(k!) (module comment); relative error ≤ (3k + 10)u. */
export function erfHermite(k: number): number {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`erfHermite: k must be an integer ≥ 0, got ${k}`);
  if (k % 2 === 0) return 0;
  const m = (k - 1) / 2;
  // (2m)!/(m!·√((2m+1)!))·3^{−m} = (1/√(2m+1))·Π_{j=1}^{m} √((2j−1)(2j))/(3j), a running product (no overflow)
  let r = 1 / Math.sqrt(k);
  for (let j = 1; j <= m; j++) r *= Math.sqrt((2 * j - 1) * (2 * j)) / (3 * j);
  return (m % 2 === 0 ? 1 : -1) * (2 / Math.sqrt(3 * Math.PI)) * r;
}

export function erfRecord(): ActivationRecord {
  return {
    name: 'erf',
    kind: 'erf',
    fn: erf,
    deriv: (t: number) => TWO_OVER_SQRT_PI * Math.exp(-t * t),
    derivativeConvention: "σ'(t) = (2/√π)e^{−t²} (smooth, no kinks)",
    dual: erfDual,
    secondMoment: (2 / Math.PI) * Math.asin(2 / 3),
    derivativeBounds: { sup0: 1, sup1: 1.1283791670955128, sup2: 0.96789, sup3: 2.2567583341910255 },
    hermite: erfHermite,
    kinks: [],
    certifiedFiniteNetwork: false,
  };
}
