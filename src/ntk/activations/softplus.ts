/**
 * σ(t) = softplus(t) = log(1 + e^t), σ' = the logistic sigmoid. E[σ'(u)σ'(v)] is the sigmoid dual kernel
 * (smooth.ts, certified). E[σ(u)σ(v)] comes from a CERTIFIED two-dimensional trapezoidal rule, in the manner of
 * tanhDual (smooth.ts), with a growth-aware strip bound; at large variances from the ReLU kernel.
 *
 * Reduction: u = s z1, v = β z1 + γ z2 (z1, z2 i.i.d. N(0, 1), s = √q1, β = c/s, γ = √(q2 − β²)), so
 * E = ∫ f(s z1) m(z1) φ(z1) dz1, m(z1) = ∫ f(β z1 + γ z2) φ(z2) dz2, f = softplus; the realised covariance
 * (s², sβ, β² + γ²) is moved to the requested one by Price's theorem (record.ts): |∂E/∂c| ≤ sup|σ'|² = 1 and
 * |∂E/∂q1| = ½|E[σ''(u)σ(v)]| ≤ ½·(1/4)·E|σ(v)| ≤ ⅛(√q2 + ln 2), using σ(t) ≤ max(t, 0) + ln 2 ≤ |t| + ln 2.
 *
 * Strip bound. softplus is analytic on |Im z| < π (1 + e^z ∈ (−∞, 0] only at Im z = ±π, ±3π, …). On |Im z| ≤ π/2:
 *  - x = Re z ≤ 0: w = e^z has |w| ≤ 1 and Re w ≥ 0, so 1 ≤ |1 + w| ≤ 2 and |arg(1 + w)| ≤ π/4:
 *    |log(1 + w)| ≤ √(ln²2 + π²/16) = 1.0476… ≤ C0 = 1.05;
 *  - x > 0: log(1 + e^z) = z + log(1 + e^{−z}) (arg e^z = Im z and |arg(1 + e^{−z})| ≤ π/4 add up inside (−π, π)),
 *    and the previous case for e^{−z}: |softplus(z)| ≤ |z| + C0.
 *  So |softplus(x + iy)| ≤ |x| + |y| + C0 on |y| ≤ π/2. The rule uses Y = 3/2 < π/2 for the imaginary parts of the
 *  arguments: strips a2 = min(Y/γ, 3) (inner) and a1 = min(Y/max(s, |β|), 3) (outer).
 * Quadrature error (Trefethen & Weideman, SIAM Review 56 (2014), Thm 5.1: |hΣw(kh) − ∫w| ≤ 2M/(e^{2πa/h} − 1) for w
 * analytic on |Im| < a with ∫|w(x + ib)|dx ≤ M), with |φ(x + ib)| = φ(x)e^{b²/2}, E|g| = √(2/π) ≤ 0.8, E g² = 1:
 *  - inner, z1 real, |z1| ≤ T: |f(βz1 + γ(x + ib))| ≤ |β|T + γ|x| + γa2 + C0, so
 *    M2 = e^{a2²/2}(|β|T + 0.8γ + γa2 + C0);
 *  - outer: |f(s(x + ib))| ≤ s|x| + A1, A1 = s·a1 + C0; |m(x + ib)| ≤ E|f(β(x + ib) + γg)| ≤ |β||x| + B1,
 *    B1 = 0.8γ + |β|a1 + C0 (m is analytic there: dominated convergence); M1 = e^{a1²/2}(s|β| + 0.8(sB1 + |β|A1) + A1B1);
 *  - the steps h have at most 8 significant bits (every node kh exact) and e^{2πa/h} ≥ 2^58: the discretisation
 *    errors are ≤ 2^-57·M.
 * Truncation to |kh| ≤ T = 9 (Kh ≥ T): for g ≥ 0 decreasing on [T, ∞), hΣ_{k>K}g(kh) ≤ ∫_T^∞ g; φ, zφ, z²φ decrease
 * there, ∫_T^∞ φ ≤ φ(T)/T, ∫_T^∞ zφ = φ(T), ∫_T^∞ z²φ ≤ (T + 1/T)φ(T). On the real line 0 < f(t) ≤ |t| + ln 2 and
 * 0 < m(z) ≤ |β||z| + B0, B0 = 0.8γ + ln 2:
 *  - inner tail ≤ 2φ(T)((|β|T + ln 2)/T + γ);
 *  - outer tail ≤ 2φ(T)(s|β|(T + 1/T) + sB0 + |β| ln 2 + B0 ln 2/T).
 * The inner error (discretisation + tail, at |z1| = T) enters the outer sum times h1Σφ(z_i)f(s z_i) ≤ F̂ =
 * s(0.8 + 0.5h1) + ln 2(1 + 0.4h1) (for unimodal g ≥ 0, hΣg(kh) ≤ ∫g + h·max g: hΣφ(kh) ≤ 1 + hφ(0) ≤ 1 + 0.4h and
 * hΣ|kh|φ(kh) ≤ 2(φ(0) + hφ(1)) ≤ 0.8 + 0.5h).
 * Float64 rounding (all terms positive): weights hφ(kh) within 50u relative (as tanhDual); softplus evaluated as
 * log1p(exp(−|t|)) + max(t, 0) within 16u relative (exp and log1p within 2 ulps, log1p's condition number ≤ 1);
 * arguments fl(βz1 + γz2) within 3uT(|β| + γ) and fl(s z1) within usT, softplus being 1-Lipschitz; recursive sums
 * of n positive terms within γ_n. So the computed inner sums m̃_i satisfy |m̃_i − m̂_i| ≤ γ2·m̂_i + (1 + γ2)δm with
 * γ2 = γ_{n2+67}, δm = 3uT(|β| + γ)(1 + 0.4h2), and the computed total S̃ satisfies |S̃ − Ŝ| ≤ εŜ + R with
 * ε = γ1 + γ2 + γ1γ2 (γ1 = γ_{n1+68}), R = (1 + γ1)(1 + γ2)(usT(M̂ + δm)(1 + 0.4h1) + δm·F̂), M̂ = (|β|T + ln 2)(1 + 0.4h2)
 * + γ(0.8 + 0.5h2) ≥ m̂_i; hence Ŝ ≤ (S̃ + R)/(1 − ε).
 *
 * Large variances (more than 2^22 nodes, q of order 10³): with r = relu and e = softplus − r = log(1 + e^{−|t|}) ∈ (0, ln 2],
 * E[σ(u)σ(v)] = E[r(u)r(v)] + E[e(u)r(v)] + E[r(u)e(v)] + E[e(u)e(v)], all terms ≥ 0. E[r r] is the arc-cosine
 * kernel (abRelu.ts). ∫e = π²/6 and ∫|t|e(t)dt = 2η(3) = (3/2)ζ(3), so E[e(u)] ≤ (π²/6)/√(2πq1),
 * E[e(u)|u|] ≤ (3/2)ζ(3)/√(2πq1); E[r(v) | u] ≤ E[|v| | u] ≤ √(q2/q1)|u| + √q2, hence
 * E[e(u)r(v)] ≤ min(√q2((3/2)ζ(3)/q1 + (π²/6)/√q1)/√(2π), ln 2·√q2/√(2π)), and E[e(u)e(v)] ≤ ln 2·(π²/6)/√(2π·max q).
 * The enclosure [E[rr], E[rr] + those bounds] is ≈ 1.3 wide against values ≈ q/2 (relative ≈ 2.6/q). When one variance
 * is small (e(u) ≈ ln 2), e(t) ≥ ln 2 − |t|/2 (|e'| ≤ 1/2) and Cauchy–Schwarz (E[|u|r(v)] ≤ √q1·√(q2/2)) give the lower bound
 * E[e(u)r(v)] ≥ ln 2·√q2/√(2π) − ½√q1·√(q2/2), which keeps the enclosure narrow (≈ √(q1q2)) there.
 */
import { type Interval, interval } from '../../linalg/interval.ts';
import { UNIT_ROUNDOFF } from '../../linalg/matrix.ts';
import { gammaUp, up } from '../../linalg/blas.ts';
import { reluRecord } from './abRelu.ts';
import type { ActivationRecord, DerivativeBounds, DualEnclosure } from './record.ts';
import {
  HERMITE_QUADRATURE_METHOD,
  covarianceDistance,
  covarianceFactors,
  sigmoid,
  sigmoidDual,
  sigmoidEnclose,
  trapezoidStep,
  trapezoidWeights,
} from './smooth.ts';
import { SOFTPLUS_HERMITE_SPEC, quadratureHermiteEnclosure } from './hermiteCoefficients.ts';

const U = UNIT_ROUNDOFF;
const T = 9;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const PHI_T = Math.exp((-T * T) / 2) * INV_SQRT_2PI * 1.001; // ≥ φ(9)
const LN2 = 0.6931471805599454; // > ln 2
const C0 = 1.05;
const STRIP_Y = 1.5;
const LOG_TARGET = 58 * Math.LN2; // e^{2πa/h} ≥ 2^58
const MAX_NODES = 2 ** 22;
const ZETA3 = 1.2020569031595943; // > ζ(3) = 1.20205690315959428…
const PI2_6 = 1.6449340668482266; // > π²/6 = 1.64493406684822643…

/**
 * σ'' = σ_sig(1 − σ_sig) ≤ 1/4, σ''' = σ_sig(1 − σ_sig)(1 − 2σ_sig), |σ'''| ≤ 1/(6√3) = 0.0962250…; σ ≤ |t| + ln 2.
 * ∫|σ''| = ∫σ_sig' = 1, ∫|t|σ''(t)dt = 2∫_0^∞(1 − σ_sig) = 2 ln 2 = 1.3862943…, ∫|σ'''| = 2σ''(0) = 1/2.
 */
export const SOFTPLUS_BOUNDS: DerivativeBounds = {
  sup0: Infinity,
  sup1: 1,
  sup2: 0.25,
  sup3: 0.096226,
  growth: { a: 1, b: LN2 },
  l1: { d2: 1.0000001, d2t: 1.3862944, d3: 0.5000001 },
};

/** softplus(t) = max(t, 0) + log1p(e^{−|t|}) in float64 (within 16u relative; no overflow). */
export function softplus(t: number): number {
  return Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
}

/** h ≤ 2πa/ln(2^58 + 1) with at most 8 significant bits, and the bound 2M/(e^{2πa/h} − 1) at that h (rounded up). */
function step(a: number, M: number): { h: number; disc: number } {
  return trapezoidStep(a, M, LOG_TARGET);
}

/** Enclosure of E[softplus(u)softplus(v)] (module comment). */
export function softplusPhiPhi(q1: number, q2: number, c: number): Interval {
  const { cT, s, beta, gam } = covarianceFactors(q1, q2, c);
  const ab = Math.abs(beta);
  const a2 = gam > 0 ? Math.min(STRIP_Y / gam, 3) * (1 - 1e-12) : 3;
  const a1 = Math.max(s, ab) > 0 ? Math.min(STRIP_Y / Math.max(s, ab), 3) * (1 - 1e-12) : 3;
  const M2 = Math.exp(0.5 * a2 * a2) * (ab * T + 0.8 * gam + gam * a2 + C0) * 1.01;
  const A1 = s * a1 + C0,
    B1 = 0.8 * gam + ab * a1 + C0;
  const M1 = Math.exp(0.5 * a1 * a1) * (s * ab + 0.8 * (s * B1 + ab * A1) + A1 * B1) * 1.01;
  const st2 = step(a2, M2),
    st1 = step(a1, M1);
  const n1 = 2 * Math.ceil(T / st1.h) + 1,
    n2 = 2 * Math.ceil(T / st2.h) + 1;
  if (n1 * n2 > MAX_NODES) return softplusPhiPhiWide(q1, q2, c);
  const o = trapezoidWeights(st1.h),
    inn = trapezoidWeights(st2.h);
  let sum = 0;
  for (let i = 0; i < n1; i++) {
    const base = beta * o.z[i];
    let acc = 0;
    for (let k = 0; k < n2; k++) {
      const t = base + gam * inn.z[k];
      acc += inn.w[k] * (Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t))));
    }
    const tf = s * o.z[i];
    sum += o.w[i] * (Math.max(tf, 0) + Math.log1p(Math.exp(-Math.abs(tf)))) * acc;
  }
  // the realised covariance and its distance to the requested one (Lipschitz constants of the module comment)
  const { q1r, q2r, dq1, dq2, dc } = covarianceDistance(q1, q2, { cT, s, beta, gam });
  const qMax = Math.max(q1, q2, q1r.hi, q2r.hi);
  const lip = 0.125 * (Math.sqrt(qMax) + LN2) * (dq1 + dq2) * 1.01 + dc;
  // quadrature and truncation (module comment)
  const h1 = st1.h,
    h2 = st2.h;
  const tail2 = 2 * PHI_T * ((ab * T + LN2) / T + gam);
  const B0 = 0.8 * gam + LN2;
  const tail1 = 2 * PHI_T * (s * ab * (T + 1 / T) + s * B0 + ab * LN2 + (B0 * LN2) / T);
  const Fhat = s * (0.8 + 0.5 * h1) + LN2 * (1 + 0.4 * h1);
  const quad = st1.disc + tail1 + Fhat * (st2.disc + tail2);
  // rounding
  const g1 = gammaUp(n1 + 68),
    g2 = gammaUp(n2 + 67);
  const eps = g1 + g2 + g1 * g2;
  const dm = 3 * U * T * (ab + gam) * (1 + 0.4 * h2);
  const Mhat = (ab * T + LN2) * (1 + 0.4 * h2) + gam * (0.8 + 0.5 * h2);
  const R = (1 + g1) * (1 + g2) * (U * s * T * (Mhat + dm) * (1 + 0.4 * h1) + dm * Fhat);
  const sHat = (sum + R) / (1 - eps);
  const err = up(up(eps * sHat + R) * 1.01 + quad * 1.01 + lip * 1.01);
  return interval(Math.max(0, sum - err), sum + err);
}

/** The large-variance enclosure from the ReLU kernel (module comment). */
function softplusPhiPhiWide(q1: number, q2: number, c: number): Interval {
  const rr = reluRecord().dual(q1, q2, c).phiPhi;
  const r2pi = Math.sqrt(2 * Math.PI) * (1 - 1e-15);
  // E[e(u)r(v)] for the variance pair (qa of u, qb of v)
  const er = (qa: number, qb: number): number => {
    const viaTrivial = (LN2 * Math.sqrt(qb)) / r2pi;
    if (!(qa > 0)) return viaTrivial;
    const viaCond = (Math.sqrt(qb) * ((1.5 * ZETA3) / qa + PI2_6 / Math.sqrt(qa))) / r2pi;
    return Math.min(viaTrivial, viaCond);
  };
  const qm = Math.max(q1, q2);
  const ee = qm > 0 ? Math.min(LN2 * LN2, (LN2 * PI2_6) / (r2pi * Math.sqrt(qm))) : LN2 * LN2;
  const extra = up(up(er(q1, q2) + er(q2, q1) + ee) * (1 + 1e-12));
  // lower bounds of E[e(u)r(v)] (module comment), rounded down
  const LN2_LO = 0.6931471805599452; // < ln 2
  const erLo = (qa: number, qb: number): number => {
    const v = ((LN2_LO * Math.sqrt(qb)) / Math.sqrt(2 * Math.PI)) * (1 - 1e-12) - 0.5 * Math.sqrt(qa) * Math.sqrt(qb / 2) * (1 + 1e-12);
    return v > 0 && Number.isFinite(v) ? v : 0;
  };
  const lo = rr.lo + (erLo(q1, q2) + erLo(q2, q1)) * (1 - 1e-12);
  return interval(Math.max(0, lo), rr.hi + extra);
}

/** Enclosures of E[softplus(u)softplus(v)] and E[sigmoid(u)sigmoid(v)] = E[softplus'(u)softplus'(v)]. */
export function softplusDual(q1: number, q2: number, c: number): DualEnclosure {
  if (!(q1 >= 0) || !(q2 >= 0) || !Number.isFinite(q1) || !Number.isFinite(q2) || !Number.isFinite(c)) {
    throw new RangeError(`softplusDual: need finite q1, q2 ≥ 0 and finite c, got (${q1}, ${q2}, ${c})`);
  }
  return { phiPhi: softplusPhiPhi(q1, q2, c), dphiDphi: sigmoidDual(q1, q2, c).phiPhi };
}

/**
 * softplus(t) = max(t, 0) + log(1 + y), y = e^{−|t|}, and softplus' = sigmoid at a double t, rigorously: interval exp
 * and log (interval.ts), met with y − y²/2 ≤ log(1 + y) ≤ min(y, y − y²/2 + y³/3) for y ≥ 0 (so a tiny y keeps
 * relative accuracy). [DER] With h(0) = 0: (y − log(1 + y))' = y/(1 + y) ≥ 0; (log(1 + y) − y + y²/2)' = y²/(1 + y)
 * ≥ 0; (y − y²/2 + y³/3 − log(1 + y))' = y³/(1 + y) ≥ 0; and log(1 + y) increases with y, so the bounds at the ends
 * of the y-interval enclose it.
 */
export function softplusEnclose(t: number): { f: Interval; df: Interval } {
  if (!Number.isFinite(t)) return { f: interval(0, Infinity), df: interval(0, 1) };
  const y = interval(-Math.abs(t)).exp();
  const l = interval(1).add(y).log();
  const yl = interval(y.lo);
  const lo = Math.max(l.lo, yl.sub(yl.mul(y.lo).div(2)).lo, 0);
  const yh = interval(y.hi),
    sq = yh.mul(y.hi);
  const hi = Math.min(l.hi, y.hi, yh.sub(sq.div(2)).add(sq.mul(y.hi).div(3)).hi);
  const f = interval(Math.max(t, 0)).add(interval(lo, hi));
  return { f, df: sigmoidEnclose(t).f };
}

const SOFTPLUS_HERMITE = quadratureHermiteEnclosure(SOFTPLUS_HERMITE_SPEC, () => softplusPhiPhi(1, 1, 1).hi);

export function softplusRecord(): ActivationRecord {
  return {
    name: 'softplus',
    kind: 'smooth',
    fn: softplus,
    deriv: sigmoid,
    derivativeConvention: "σ'(t) = 1/(1 + e^{−t}) (smooth, no kinks)",
    dual: softplusDual,
    dualMethod: 'certified 2-D trapezoidal rule (activations/softplus.ts) and the sigmoid kernel (activations/smooth.ts)',
    secondMoment: softplusPhiPhi(1, 1, 1).mid, // κ = E[softplus(g)²]
    derivativeBounds: SOFTPLUS_BOUNDS,
    hermiteEnclosure: SOFTPLUS_HERMITE,
    hermiteMethod: HERMITE_QUADRATURE_METHOD,
    kinks: [],
    enclose: softplusEnclose,
    certifiedFiniteNetwork: true,
  };
}
