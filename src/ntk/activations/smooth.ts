/**
 * Smooth activations without closed-form dual kernels: tanh, and sigmoid (σ(t) = (1 + tanh(t/2))/2). Their dual
 * kernels are computed by a CERTIFIED two-dimensional trapezoidal rule on R² with a proven error bound.
 *
 * Reduction. For (u, v) ∼ N(0, [[q1, c], [c, q2]]) write u = s·z1, v = β·z1 + γ·z2 with z1, z2 i.i.d. N(0, 1),
 * s = √q1, β = c/s, γ = √(q2 − β²) (s = β = 0 when q1 = 0). Then E[f(u)g(v)] = ∫ f(s z1) m(z1) φ(z1) dz1 with
 * m(z1) = ∫ g(β z1 + γ z2) φ(z2) dz2, φ the standard normal density. The covariance the computed s, β, γ
 * realise, (s², sβ, β² + γ²), is enclosed in interval arithmetic and moved back to the requested one with the
 * Lipschitz constants of record.ts (|∂/∂c| ≤ sup|f'|sup|g'|, |∂/∂q1| ≤ ½sup|f''|sup|g|, |∂/∂q2| ≤ ½sup|f|sup|g''|).
 *
 * Quadrature error (Trefethen & Weideman, "The exponentially convergent trapezoidal rule", SIAM Review 56 (2014),
 * Theorem 5.1): if w is analytic in the strip |Im z| < a, decays as |Re z| → ∞ there, and ∫|w(x + ib)|dx ≤ M for
 * |b| < a, then |h Σ_k w(kh) − ∫ w| ≤ 2M/(e^{2πa/h} − 1). Here:
 *  - tanh(x + iy) satisfies |tanh|² = (cosh 2x − cos 2y)/(cosh 2x + cos 2y); for π/4 ≤ |y| ≤ Y < π/2 (cos 2y < 0) this
 *    decreases in cosh 2x ≥ 1, so |tanh| ≤ tan Y on |Im| ≤ Y, and |sech²| = |1 − tanh²| ≤ 1 + tan²Y = sec²Y. With
 *    Y = 3π/8: B = sec²Y = 4 + 2√2 bounds both tanh and sech² on the strip;
 *  - |φ(x + iy)| = φ(x)e^{y²/2}, so ∫|φ(x + ib)|dx = e^{b²/2};
 *  - inner rule (z1 real): strip a2 = min(Y/γ, 3), M2 = B e^{a2²/2};
 *    outer rule: m(z1) is analytic with |m| ≤ B while |Im(β z1)| ≤ Y, so a1 = min(Y/max(s, |β|), 3),
 *    M1 = B² e^{a1²/2}; the outer rule applied to the computed m̃ adds B_f·sup|m̃ − m|·h1Σφ(kh1), and
 *    hΣ_k φ(kh) ≤ 1 + h φ(0) ≤ 1 + h;
 *  - truncation of each sum to |kh| ≤ T = 9: the omitted terms are ≤ 2B·hΣ_{k>K}φ(kh) ≤ 2B·φ(T)/T (Mills);
 *  - the step h has at most 8 significant bits (nodes kh exact) and 2M/(e^{2πa/h} − 1) ≤ 2^-52;
 *  - float64 rounding: weights hφ(kh) within 50u relative (exp within 2 ulps as assumed in interval.ts, the
 *    argument kh·kh/2 ≤ 41 rounded once), f, g within 10u·B absolute at a given argument, arguments βz1 + γz2
 *    within 3u·T(|β| + γ) (so g within sup|g'|·3uT(|β|+γ)), recursive sums within γ_N Σ|terms|.
 * When the rule would need more than 2^22 nodes (q ≳ 10³: tanh's transition is then narrower than the Gaussian
 * scale by √q), the enclosure comes from the sign function instead (tanhDualWide), O(1/√q) wide.
 */
import { type Interval, interval } from '../../linalg/interval.ts';
import { UNIT_ROUNDOFF } from '../../linalg/matrix.ts';
import { gammaUp } from '../../linalg/blas.ts';
import { clippedCovariance } from './exact.ts';
import { SIGMOID_HERMITE_SPEC, TANH_HERMITE_SPEC, quadratureHermiteEnclosure } from './hermiteCoefficients.ts';
import type { ActivationRecord, DerivativeBounds, DualEnclosure } from './record.ts';

const U = UNIT_ROUNDOFF;
const T = 9;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const PHI_TAIL = (Math.exp((-T * T) / 2) * INV_SQRT_2PI) / T; // ≥ hΣ_{k>K}φ(kh) for Kh ≥ T (rounded: ×1.01 below)
const DISC_TARGET = 2 ** -52;
/** Half-width Y of the strip |Im w| ≤ Y around the real axis used for tanh and sech², and B = sec²Y ≥ tan Y. */
const STRIP_Y = (3 * Math.PI) / 8;
const STRIP_B = 4 + 2 * Math.SQRT2 + 1e-12; // sec²(3π/8) = 4 + 2√2 (rounded up)
const MAX_NODES = 2 ** 22;

/** tanh derivative bounds: |tanh| ≤ 1, |sech²| ≤ 1, |tanh''| = 2|tanh|sech² ≤ 4/(3√3), |tanh'''| ≤ 2. */
export const TANH_BOUNDS: DerivativeBounds = { sup0: 1, sup1: 1, sup2: 0.76981, sup3: 2 };
/** sech² = tanh': |sech²| ≤ 1, |(sech²)'| ≤ 4/(3√3), |(sech²)''| ≤ 2. */
const SECH2_BOUNDS = { sup0: 1, sup1: 0.76981, sup2: 2 };

/**
 * A step h ≤ 0.999·2πa/logTarget with at most 8 significant bits (h = j·2^-e, j ≤ 128), so that every node kh
 * (|k| < 2^45) is exact, and the discretisation bound 2M/(e^{2πa/h} − 1) at that h (×1.01 for its rounding).
 */
export function trapezoidStep(a: number, M: number, logTarget: number): { h: number; disc: number } {
  const hMax = ((2 * Math.PI * a) / logTarget) * 0.999;
  const e = Math.ceil(Math.log2(64 / hMax));
  const h = Math.floor(hMax * 2 ** e) / 2 ** e;
  const disc = (2 * M) / Math.expm1((2 * Math.PI * a) / h);
  return { h, disc: disc * 1.01 };
}

/**
 * A step h ≤ the largest with 2M/(e^{2πa/h} − 1) ≤ DISC_TARGET, within 2% of it, with at most 8 significant bits
 * (trapezoidStep), and the bound at that h.
 */
function step(a: number, M: number): { h: number; disc: number } {
  return trapezoidStep(a, M, Math.log((2 * M) / DISC_TARGET + 1));
}

/** The nodes z_k = kh, |kh| ≤ T (K = ⌈T/h⌉ each side), and the weights hφ(z_k) of the trapezoidal rule against φ. */
export function trapezoidWeights(h: number): { z: Float64Array; w: Float64Array } {
  const K = Math.ceil(T / h);
  const z = new Float64Array(2 * K + 1),
    w = new Float64Array(2 * K + 1);
  for (let k = -K; k <= K; k++) {
    const zk = k * h; // exact: h has ≤ 8 significant bits, |k| < 2^30
    z[k + K] = zk;
    w[k + K] = h * INV_SQRT_2PI * Math.exp(-0.5 * zk * zk);
  }
  return { z, w };
}

/**
 * Enclosures of E[tanh(u)tanh(v)] and E[sech²(u)sech²(v)] for (u, v) ∼ N(0, [[q1, c], [c, q2]]) (c clipped to
 * the positive semi-definite range), with the error bound of the module comment.
 */
/**
 * The requested (clipped) covariance cT and the float factors of its realisation u = s z1, v = β z1 + γ z2
 * (s = √q1, β = c/s with c clipped to ±√(q1q2), γ = √(q2 − β²)); callers bound the distance between the
 * covariance the factors realise and cT.
 */
export function covarianceFactors(q1: number, q2: number, c: number): { cT: Interval; s: number; beta: number; gam: number } {
  const wI = interval(q1).sqrt().mul(interval(q2).sqrt());
  const cT = clippedCovariance(q1, q2, c);
  const cc = Math.max(-wI.lo, Math.min(wI.lo, c));
  const s = Math.sqrt(q1);
  const beta = q1 > 0 ? cc / s : 0;
  const gam = Math.sqrt(Math.max(0, q2 - beta * beta));
  return { cT, s, beta, gam };
}

/**
 * The covariance realised by the float factors (s, β, γ) of covarianceFactors, as intervals (q1r = s², c_r = sβ,
 * q2r = β² + γ²), and its distance to the requested (q1, q2, c_T): dq1, dq2, dc bound |q1r − q1|, |q2r − q2|,
 * |c_r − c_T| over the enclosures.
 */
export function covarianceDistance(
  q1: number,
  q2: number,
  f: { cT: Interval; s: number; beta: number; gam: number },
): { q1r: Interval; q2r: Interval; dq1: number; dq2: number; dc: number } {
  const { cT, s, beta, gam } = f;
  const sI = interval(s),
    bI = interval(beta),
    gI = interval(gam);
  const q1r = sI.mul(sI),
    cr = sI.mul(bI),
    q2r = bI.mul(bI).add(gI.mul(gI));
  const dist = (x: Interval, y: Interval) => Math.max(0, x.hi - y.lo, y.hi - x.lo);
  const dq1 = dist(q1r, interval(q1)),
    dq2 = dist(q2r, interval(q2)),
    dc = dist(cr, cT);
  return { q1r, q2r, dq1, dq2, dc };
}

export function tanhDual(q1: number, q2: number, c: number): DualEnclosure {
  if (!(q1 >= 0) || !(q2 >= 0) || !Number.isFinite(q1) || !Number.isFinite(q2) || !Number.isFinite(c)) {
    throw new RangeError(`tanhDual: need finite q1, q2 ≥ 0 and finite c, got (${q1}, ${q2}, ${c})`);
  }
  if (Math.max(q1, q2) <= SMALL_Q) return tanhDualSmall(q1, q2, c);
  // the requested (clipped) covariance and its float factors
  const { cT, s, beta, gam } = covarianceFactors(q1, q2, c);
  // the realised covariance and its distance to the requested one
  const { dq1, dq2, dc } = covarianceDistance(q1, q2, { cT, s, beta, gam });
  const lipPP = 0.5 * TANH_BOUNDS.sup2 * TANH_BOUNDS.sup0 * (dq1 + dq2) + TANH_BOUNDS.sup1 ** 2 * dc;
  const lipDD = 0.5 * SECH2_BOUNDS.sup2 * SECH2_BOUNDS.sup0 * (dq1 + dq2) + SECH2_BOUNDS.sup1 ** 2 * dc;

  const BS = STRIP_B; // bound of tanh and sech² on the strip |Im| ≤ Y
  const a2 = gam > 0 ? Math.min(STRIP_Y / gam, 3) * (1 - 1e-12) : 3;
  const a1 = Math.max(s, Math.abs(beta)) > 0 ? Math.min(STRIP_Y / Math.max(s, Math.abs(beta)), 3) * (1 - 1e-12) : 3;
  const st2 = step(a2, BS * Math.exp(0.5 * a2 * a2));
  const st1 = step(a1, BS * BS * Math.exp(0.5 * a1 * a1));
  const n1 = 2 * Math.ceil(T / st1.h) + 1,
    n2 = 2 * Math.ceil(T / st2.h) + 1;
  if (n1 * n2 > MAX_NODES) return tanhDualWide(q1, q2, c);
  const o = trapezoidWeights(st1.h),
    inn = trapezoidWeights(st2.h);
  let sumPP = 0,
    sumDD = 0;
  for (let i = 0; i < n1; i++) {
    const z1 = o.z[i];
    const base = beta * z1;
    let accT = 0,
      accS = 0;
    for (let k = 0; k < n2; k++) {
      const t = Math.tanh(base + gam * inn.z[k]);
      const wk = inn.w[k];
      accT += wk * t;
      accS += wk * (1 - t * t);
    }
    const tf = Math.tanh(s * z1);
    sumPP += o.w[i] * tf * accT;
    sumDD += o.w[i] * (1 - tf * tf) * accS;
  }
  // Error of the realised-covariance integral (module comment). The steps were chosen with the strip bound B of
  // tanh and sech², so st1.disc, st2.disc bound both kernels; on R both |tanh| and |sech²| are ≤ 1.
  const err = (sup1: number) => {
    const eIn = st2.disc + 2 * PHI_TAIL * 1.01 + (1 + st2.h) * (gammaUp(n2) + 60 * U + sup1 * 3 * U * T * (Math.abs(beta) + gam));
    const mBound = 1 + eIn;
    const eOut = st1.disc + eIn * (1 + st1.h) + 2 * mBound * PHI_TAIL * 1.01 + mBound * (1 + st1.h) * (gammaUp(n1) + 60 * U + sup1 * 3 * U * T * s);
    return eOut * 1.01;
  };
  const ePP = err(TANH_BOUNDS.sup1) + lipPP * 1.01;
  const eDD = err(SECH2_BOUNDS.sup1) + lipDD * 1.01;
  const pp = interval(sumPP - ePP, sumPP + ePP);
  const dd = interval(sumDD - eDD, sumDD + eDD);
  return {
    phiPhi: interval(Math.max(-1, pp.lo), Math.min(1, pp.hi)),
    dphiDphi: interval(Math.max(0, dd.lo), Math.min(1, dd.hi)),
  };
}

/**
 * Small variances (q1, q2 ≤ 2^-36), where the quadrature's absolute error 2^-52 would exceed the values (≈ q): from
 * |tanh t − t| ≤ |t|³/3, |tanh t| ≤ |t| and tanh u tanh v − uv = (tanh u − u)tanh v + u(tanh v − v),
 *   |E[tanh(u)tanh(v)] − c| ≤ (E[|u|³|v|] + E[|u||v|³])/3 ≤ (√15/3)·√(q1q2)·(q1 + q2)   (Cauchy–Schwarz, E u⁶ = 15q1³),
 * and from max(0, 1 − t²) ≤ sech² t ≤ 1:  1 − q1 − q2 ≤ E[sech²(u)sech²(v)] ≤ 1.
 */
const SMALL_Q = 2 ** -36;
function tanhDualSmall(q1: number, q2: number, c: number): DualEnclosure {
  const cI = clippedCovariance(q1, q2, c);
  const w = interval(q1).sqrt().mul(interval(q2).sqrt());
  const err = w.mul(interval(q1).add(q2)).mul(interval(15).sqrt().div(3)).hi;
  return {
    phiPhi: cI.add(interval(-err, err)),
    dphiDphi: interval(Math.max(0, interval(1).sub(interval(q1).add(q2)).lo), 1),
  };
}

/**
 * The dual kernels of tanh at large variances (where the trapezoidal rule would need more than MAX_NODES nodes),
 * from the sign function [DER]: with ρ = c/√(q1q2) (c clipped), Sheppard's formula E[sgn(u)sgn(v)] = 1 − (2/π)·acos ρ,
 * and E|tanh(u) − sgn(u)| ≤ sup(density of u)·∫|tanh − sgn| = 2 ln 2/√(2πq1) (|tanh| ≤ 1, |sgn| ≤ 1):
 *   |E[tanh(u)tanh(v)] − E[sgn(u)sgn(v)]| ≤ E|tanh u − sgn u| + E|tanh v − sgn v| ≤ 2 ln 2·(1/√(2πq1) + 1/√(2πq2)),
 *   0 ≤ E[sech²(u)sech²(v)] ≤ min(E[sech² u], E[sech² v]) ≤ 2/√(2π·max(q1, q2))   (∫sech² = 2, sech² ≤ 1).
 * A zero variance gives u ≡ 0: E[tanh(u)tanh(v)] = 0. At q ≈ 1e6 the enclosures are ≈ 1e-3 wide, at 1e200 ≈ 1e-100.
 */
function tanhDualWide(q1: number, q2: number, c: number): DualEnclosure {
  return tanhDualBox(interval(q1), interval(q2), interval(c));
}

/**
 * tanhDualWide for every positive semi-definite covariance in a box q1 ∈ Q1, q2 ∈ Q2, c ∈ C (the bounds above are
 * monotone in q1, q2 and ρ): ρ enclosed over the box, the error terms at the smallest variances.
 */
function tanhDualBox(Q1: Interval, Q2: Interval, C: Interval): DualEnclosure {
  const q1 = Math.max(0, Q1.lo),
    q2 = Math.max(0, Q2.lo);
  const qMax = Math.max(q1, q2);
  const ddHi = qMax > 0 ? Math.min(1, (2 / (Math.sqrt(2 * Math.PI) * Math.sqrt(qMax))) * (1 + 1e-12) + Number.MIN_VALUE) : 1;
  const dphiDphi = interval(0, ddHi);
  if (!(q1 > 0) || !(q2 > 0)) return { phiPhi: Q1.hi === 0 || Q2.hi === 0 ? interval(0) : interval(-1, 1), dphiDphi };
  const w = interval(q1, Math.max(q1, Q1.hi))
    .sqrt()
    .mul(interval(q2, Math.max(q2, Q2.hi)).sqrt());
  // ⊇ {c/√(q1q2)} over the box, clamped into [−1, 1]: a c beyond ±√(q1q2) is clipped to it (ρ = ±1), also when the
  // whole interval lies outside (Interval.acos of such an interval is empty)
  const r0 = C.div(w);
  const rho = interval(Math.min(1, Math.max(-1, r0.lo)), Math.max(-1, Math.min(1, r0.hi)));
  const sgn = interval(1).sub(
    rho
      .acos()
      .mul(2)
      .div(interval(Math.PI, Math.PI + 2 * Number.EPSILON * Math.PI)),
  );
  const ln2Up = 0.6931471805599454; // > ln 2 = 0.693147180559945309…
  const inv = (q: number) => 1 / (Math.sqrt(2 * Math.PI) * Math.sqrt(q));
  const err = 2 * ln2Up * (inv(q1) + inv(q2)) * (1 + 1e-12) + Number.MIN_VALUE;
  const pp = sgn.add(interval(-err, err));
  return { phiPhi: interval(Math.max(-1, pp.lo), Math.min(1, pp.hi)), dphiDphi };
}

/** Box enclosures for limitingSmooth.ts at variances ≥ 2^20 (below, the quadrature with Lipschitz widening is tighter). */
const BOX_MIN_Q = 2 ** 20;
function tanhDualBoxOrNull(Q1: Interval, Q2: Interval, C: Interval): DualEnclosure | null {
  return Q1.lo >= BOX_MIN_Q && Q2.lo >= BOX_MIN_Q ? tanhDualBox(Q1, Q2, C) : null;
}

/** σ(t) = 1/(1 + e^{−t}) = (1 + tanh(t/2))/2 in float64. */
export function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/**
 * Sigmoid dual kernels from tanh's: σ(t) = (1 + tanh(t/2))/2 and tanh is odd, so
 * E[σ(u)σ(v)] = (1 + E[tanh(u/2)tanh(v/2)])/4 and E[σ'(u)σ'(v)] = E[sech²(u/2)sech²(v/2)]/16, with
 * (u/2, v/2) ∼ N(0, [[q1/4, c/4], [c/4, q2/4]]) (divisions by 4 exact barring underflow; an underflowed
 * q/4 or c/4 is moved back by the Lipschitz constants: ≤ 2^-1075 each).
 */
export function sigmoidDual(q1: number, q2: number, c: number): DualEnclosure {
  const t = tanhDual(q1 / 4, q2 / 4, c / 4);
  const slack = 3 * 2 ** -1074;
  return {
    phiPhi: t.phiPhi.add(1).div(4).add(interval(-slack, slack)),
    dphiDphi: t.dphiDphi.div(16).add(interval(-slack, slack)),
  };
}

/**
 * Enclosure of [lo, hi] ∩ [a, b] (a ≤ b doubles that also contain the exact value): the tighter of two valid
 * enclosures.
 */
const meet = (x: Interval, a: number, b: number): Interval => interval(Math.max(x.lo, a), Math.min(x.hi, b));

/**
 * tanh(t) and sech²(t) at a double t, rigorously: for t ≥ 0, tanh t = 1 − 2/(e^{2t} + 1) in interval arithmetic
 * (2t exact; beyond 500 the enclosure of tanh 500, whose upper end is 1), met with [0, 1] and, for 0 ≤ t < 1,
 * t − t³/3 ≤ tanh t ≤ min(t, t − t³/3 + 2t⁵/15), so tiny t keep relative accuracy; tanh is odd. [DER] With h(0) = 0
 * each time: (t − tanh t)' = tanh² ≥ 0; (tanh t − t + t³/3)' = t² − tanh² ≥ 0 by the first; (t − t³/3 + 2t⁵/15 −
 * tanh t)' = tanh² − t² + 2t⁴/3 ≥ (t − t³/3)² − t² + 2t⁴/3 = t⁶/9 ≥ 0 by the second (t − t³/3 ≥ 0 for t ≤ √3).
 * sech² = 1 − tanh² ∈ [0, 1].
 */
export function tanhEnclose(t: number): { f: Interval; df: Interval } {
  if (t !== t) return { f: interval(-1, 1), df: interval(0, 1) };
  const a = Math.abs(t);
  // tanh is increasing and < 1: for a > 500 the enclosure at 500 (whose upper end is 1) also holds
  const e = interval(Math.min(2 * a, 1000)).exp();
  let th = interval(1).sub(interval(2).div(e.add(1)));
  if (a < 1) {
    const cube = interval(a).mul(a).mul(a).div(3);
    const lower = interval(a).sub(cube);
    const upper = lower.add(cube.mul(a).mul(a).mul(0.4)); // + 2a⁵/15 = (a³/3)·a²·(2/5); 0.4 ≥ 2/5 rounds up
    th = meet(th, lower.lo, Math.min(a, upper.hi));
  }
  th = meet(th, 0, 1);
  const df = meet(interval(1).sub(th.mul(th)), 0, 1);
  return { f: t < 0 ? th.neg() : th, df };
}

/** sigmoid(t) = 1/(1 + e^{−t}) and σ' = σ(1 − σ) at a double t, in interval arithmetic, met with [0, 1] resp. [0, 1/4]. */
export function sigmoidEnclose(t: number): { f: Interval; df: Interval } {
  if (!Number.isFinite(t)) return { f: interval(0, 1), df: interval(0, 0.25) };
  const p = meet(interval(1).div(interval(-t).exp().add(1)), 0, 1);
  const q = meet(interval(1).div(interval(t).exp().add(1)), 0, 1); // 1 − σ(t) = σ(−t), without cancellation
  return { f: p, df: meet(p.mul(q), 0, 0.25) };
}

/** The `hermiteMethod` of the records whose Hermite coefficients come from hermiteCoefficients.ts' quadrature. */
export const HERMITE_QUADRATURE_METHOD =
  'certified trapezoidal rule (step 1/16, |x| ≤ 13, Trefethen–Weideman strip bound, exact BigInt Hermite values) for r ≤ 64; Parseval bound √(κ − Σ_{k≤64} μ_k²) beyond';
const TANH_HERMITE = quadratureHermiteEnclosure(TANH_HERMITE_SPEC, () => tanhDual(1, 1, 1).phiPhi.hi);
const SIGMOID_HERMITE = quadratureHermiteEnclosure(SIGMOID_HERMITE_SPEC, () => sigmoidDual(1, 1, 1).phiPhi.hi);

export function tanhRecord(): ActivationRecord {
  return {
    name: 'tanh',
    kind: 'smooth',
    fn: Math.tanh,
    deriv: (t: number) => {
      const e = Math.exp(-2 * Math.abs(t));
      return (4 * e) / ((1 + e) * (1 + e));
    },
    derivativeConvention: "σ'(t) = sech²(t) (smooth, no kinks)",
    dual: tanhDual,
    dualBox: tanhDualBoxOrNull,
    secondMoment: tanhDual(1, 1, 1).phiPhi.mid, // E[tanh(g)²]
    derivativeBounds: TANH_BOUNDS,
    hermiteEnclosure: TANH_HERMITE,
    hermiteMethod: HERMITE_QUADRATURE_METHOD,
    kinks: [],
    enclose: tanhEnclose,
    certifiedFiniteNetwork: true,
  };
}

export function sigmoidRecord(): ActivationRecord {
  return {
    name: 'sigmoid',
    kind: 'smooth',
    fn: sigmoid,
    deriv: (t: number) => {
      const p = sigmoid(t);
      return p * (1 - p);
    },
    derivativeConvention: "σ'(t) = σ(t)(1 − σ(t)) (smooth, no kinks)",
    dual: sigmoidDual,
    // σ = (1 + tanh(t/2))/2: the tanh box at a quarter of the covariances (outward: the division by 4 is exact or
    // underflows only for entries ≤ 2^-1072, far below BOX_MIN_Q)
    dualBox: (Q1: Interval, Q2: Interval, C: Interval) => {
      const t = tanhDualBoxOrNull(Q1.div(4), Q2.div(4), C.div(4));
      return t && { phiPhi: t.phiPhi.add(1).div(4), dphiDphi: t.dphiDphi.div(16) };
    },
    secondMoment: sigmoidDual(1, 1, 1).phiPhi.mid, // E[σ(g)²]
    // σ = (1 + tanh(t/2))/2: sup|σ| = 1, sup|σ^{(k)}| = 2^{-k-1} sup|tanh^{(k)}|
    derivativeBounds: { sup0: 1, sup1: 0.25, sup2: 0.76981 / 8, sup3: 2 / 16 },
    hermiteEnclosure: SIGMOID_HERMITE,
    hermiteMethod: HERMITE_QUADRATURE_METHOD,
    kinks: [],
    enclose: sigmoidEnclose,
    certifiedFiniteNetwork: true,
  };
}
