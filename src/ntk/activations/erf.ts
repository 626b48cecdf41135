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
import { type Interval, LIBM_ULPS, interval } from '../../linalg/interval.ts';
import { UNIT_ROUNDOFF } from '../../linalg/matrix.ts';
import { nextUp, stepsDown, stepsUp } from '../../linalg/ulp.ts';
import { PI_I, SQRT_PI_I, clippedCovariance, sqrtDetIPlus2Sigma } from './exact.ts';
import { decayingEnclosure } from './hermiteCoefficients.ts';
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
    let term = ax,
      sum = ax;
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

/**
 * (2/π)·asin(r) for r in an interval within [−2^-26, 2^-26], without the cancellation of 1 − (2/π)acos(r) (which is
 * only absolutely accurate, ≈ 1e-16, against values ≈ r): asin is increasing and x ≤ asin x ≤ x(1 + x²) for
 * 0 ≤ x ≤ 1/√2 (asin x − x = ∫₀ˣ (1/√(1−t²) − 1)dt ≤ x(1/√(1−x²) − 1) ≤ x·x²), odd. null outside that range.
 */
function asinSmall(r: Interval): Interval | null {
  const t = 2 ** -26;
  if (!(r.lo >= -t && r.hi <= t)) return null;
  const lo = r.lo >= 0 ? r.lo : interval(r.lo).mul(interval(1).add(interval(r.lo).mul(r.lo))).lo;
  const hi = r.hi <= 0 ? r.hi : interval(r.hi).mul(interval(1).add(interval(r.hi).mul(r.hi))).hi;
  return interval(lo, hi).mul(2).div(PI_I);
}

function erfDual(q1: number, q2: number, c: number): DualEnclosure {
  const cI = clippedCovariance(q1, q2, c);
  const sqrtD = sqrtDetIPlus2Sigma(q1, q2, c);
  const small = asinSmall(cI.div(interval(q1).mul(2).add(1).sqrt()).div(interval(q2).mul(2).add(1).sqrt()).mul(2));
  if (small) return { phiPhi: small, dphiDphi: clip(interval(4).div(PI_I).div(sqrtD), 0, 4 / Math.PI + 1e-15) };
  // acos(r) with r = 2c/√((1+2q1)(1+2q2)) and 1 − r² = D/((1+2q1)(1+2q2)): acos(r) = atan(√D/(2|c|)) for
  // c > 0, π − that for c < 0 (no cancellation as r → ±1)
  let acosR: Interval;
  if (cI.lo <= 0 && cI.hi >= 0) {
    const s1 = interval(q1).mul(2).add(1),
      s2 = interval(q2).mul(2).add(1);
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

/**
 * The erf dual kernels for every positive semi-definite covariance in the box q1 ∈ Q1, q2 ∈ Q2, c ∈ C (used by
 * limitingSmooth.ts next to the Lipschitz-widened point enclosure; at q ≈ 1e44 the radius of q is ≈ 1e28 and the
 * Lipschitz widening of E[erf'erf'] would reach its trivial bound 4/π, while the value is ≈ 1e-22):
 *   E[erf erf] = 1 − (2/π)acos(r), r = 2c/(√(1+2q1)√(1+2q2)) enclosed over the box (acos is decreasing);
 *   E[erf'erf'] = (4/π)/√D with (1 + 2q1)(1 + 2q2) ≥ D = 1 + 2q1 + 2q2 + 4(q1q2 − c²) ≥ 1 + 2q1 + 2q2 + 4·max(0, q1q2 − c²).
 */
function erfDualBox(Q1: Interval, Q2: Interval, C: Interval): DualEnclosure {
  const q1 = interval(Math.max(0, Q1.lo), Math.max(0, Q1.hi)),
    q2 = interval(Math.max(0, Q2.lo), Math.max(0, Q2.hi));
  const s1 = q1.mul(2).add(1).sqrt(),
    s2 = q2.mul(2).add(1).sqrt();
  // (the order C/s1/s2·2 cannot overflow: |c| ≤ √(q1q2) < s1·s2/2 on the box's PSD covariances)
  const r = C.div(s1).div(s2).mul(2);
  const phiPhi = asinSmall(r) ?? interval(1).sub(r.acos().mul(2).div(PI_I));
  const fourOverPi = interval(4).div(PI_I);
  // D ≤ (1+2q1)(1+2q2) at the largest q: a lower bound of E[erf'erf']
  const ddLo = fourOverPi.div(s1).div(s2).lo;
  // D ≥ 1 + 2q1 + 2q2 + 4·max(0, q1q2 − c²) at the smallest q and largest c² (only where these are finite;
  // D ≥ 2·max(q1, q2) otherwise)
  const qm = Math.max(q1.lo, q2.lo);
  let ddHi = qm > 0 ? fourOverPi.div(interval(2).mul(qm).sqrt()).hi : fourOverPi.hi;
  const lin = interval(q1.lo).add(q2.lo).mul(2).add(1);
  if (Number.isFinite(lin.hi)) {
    let dLo = lin;
    const c2max = Math.max(C.lo * C.lo, C.hi * C.hi);
    const qq = q1.lo * q2.lo;
    if (Number.isFinite(c2max) && Number.isFinite(qq)) {
      const det = interval(q1.lo)
        .mul(q2.lo)
        .sub(interval(c2max).mul(1 + 2 ** -50));
      if (Number.isFinite(det.lo) && det.lo > 0) dLo = dLo.add(interval(det.lo).mul(4));
    }
    if (Number.isFinite(dLo.lo)) ddHi = Math.min(ddHi, fourOverPi.div(interval(dLo.lo).sqrt()).hi);
  }
  return { phiPhi: clip(phiPhi, -1, 1), dphiDphi: clip(interval(Math.max(0, ddLo), ddHi), 0, 4 / Math.PI + 1e-15) };
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

/**
 * erf(t) and erf'(t) = (2/√π)e^{−t²} at a double t, rigorously (interval arithmetic; exp under interval.ts' LIBM_ULPS
 * assumption). For |t| ≤ 6 the series erf(a) = (2/√π)e^{−a²} Σ_{n≥0} t_n, t_0 = a, t_{n+1} = t_n·2a²/(2n + 3)
 * (A&S 7.1.6; all terms positive), summed until the terms are below 2^-60 of the sum with ratio r = 2a²/(2n + 5) ≤ 1/2,
 * and the tail Σ_{k>n} t_k ≤ t_n·r/(1 − r) ≤ t_n added as [0, t_n]. Beyond 6: 1 − erfc(a) with 0 < erfc(a) ≤
 * e^{−a²}/(a√π) (A&S 7.1.13). erf is odd; the result is met with [−1, 1].
 */
export function erfEnclose(t: number): { f: Interval; df: Interval } {
  const two = interval(2).div(SQRT_PI_I);
  if (t !== t) return { f: interval(-1, 1), df: interval(0, two.hi) };
  const a = Math.abs(t);
  if (a === Infinity) return { f: interval(Math.sign(t)), df: interval(0) };
  const e = interval(a).mul(a).neg().exp();
  const df = two.mul(e);
  let f: Interval;
  if (a > 6) {
    f = interval(interval(1).sub(e.div(a).div(SQRT_PI_I)).lo, 1);
  } else if (a === 0) {
    f = interval(0);
  } else {
    const a2 = interval(a).mul(a).mul(2);
    let term = interval(a),
      sum = interval(a),
      done = false;
    for (let n = 0; n < 400 && !done; n++) {
      term = term.mul(a2).div(2 * n + 3);
      sum = sum.add(term);
      // any stop with r ≤ 1/2 is sound (the tail is added); the size test only sets the accuracy
      done = a2.hi / (2 * n + 5) <= 0.5 && (term.hi <= sum.lo * 2 ** -60 || term.hi <= 2 ** -1070);
    }
    f = done ? df.mul(sum.add(interval(0, term.hi))) : interval(0, 1); // (a ≤ 6 always ends by n ≈ 110)
    f = interval(Math.max(f.lo, 0), Math.min(f.hi, 1));
  }
  return { f: t < 0 ? f.neg() : f, df };
}

export function erfRecord(): ActivationRecord {
  return {
    name: 'erf',
    kind: 'erf',
    fn: erf,
    deriv: (t: number) => TWO_OVER_SQRT_PI * Math.exp(-t * t),
    derivativeConvention: "σ'(t) = (2/√π)e^{−t²} (smooth, no kinks)",
    dual: erfDual,
    dualBox: erfDualBox,
    secondMoment: (2 / Math.PI) * Math.asin(2 / 3),
    derivativeBounds: { sup0: 1, sup1: 1.1283791670955128, sup2: 0.96789, sup3: 2.2567583341910255 },
    hermite: erfHermite,
    hermiteEnclosure: (k: number) => {
      if (!(Number.isInteger(k) && k >= 0 && k <= 2 ** 24)) throw new RangeError(`erf hermiteEnclosure: r must be an integer in [0, 2^24], got ${k}`);
      if (k % 2 === 0) return interval(0);
      return decayingEnclosure(erfHermite(k), (3 * k + 10) * UNIT_ROUNDOFF);
    },
    hermiteMethod: 'closed form (2/√(3π))·(2m)!·(−1/3)^m/(m!·√((2m+1)!)) for r = 2m + 1, 0 for even r; relative rounding ≤ (3r + 10)u',
    kinks: [],
    enclose: erfEnclose,
    certifiedFiniteNetwork: true,
  };
}
