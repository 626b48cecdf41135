import { ETA, UNIT_ROUNDOFF, zeros } from '../linalg/matrix.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { gammaUp, up } from '../linalg/blas.ts';
import { type Seed, childRng, fillGaussianRange, gaussian } from '../random/rng.ts';
import { dualKernel, dualKernelDerivative, relu } from './activation.ts';
import { empiricalNtk } from './empiricalNtk.ts';
import { type NetworkArchitecture, forward, initNetwork } from './network.ts';
import { layerwiseKernelPerturbation, roundingEnvelope } from './roundingEnvelope.ts';
import { type ActivationRecord, activationLipschitz } from './activations/record.ts';

/**
 * Monte Carlo estimates with rigorous rounding bounds and distribution-free confidence radii, for the
 * arc-cosine closed forms (docs/conventions.md#relu-closed-forms) and E K̄_ii
 * (docs/theorems.md#exact-finite-width-expectation-of-the-diagonal).
 *
 * Bivariate Gaussians are parameterised by a float Cholesky factor L = [[l11, 0], [l21, l22]]
 * (l11 ≥ 0, l22 ≥ 0), taken as exact: (u, v) = (l11 g1, l21 g1 + l22 g2), g1, g2 i.i.d. N(0,1) (the
 * float draws of rng.ts, taken as the exact samples). Covariance q1 = l11², c = l11 l21,
 * q2 = l21² + l22²; the angle θ between the rows of L is atan2(l22, l21) ∈ [0, π] exactly, with no
 * cancellation near ρ = ±1 (l22 small). Degenerate rows (l11 = 0 or l21 = l22 = 0) make u ≡ 0 or v ≡ 0:
 * both closed forms are then 0 (σ(0) = σ'(0) = 0).
 */

const U = UNIT_ROUNDOFF;

export interface Cholesky2 {
  l11: number;
  l21: number;
  l22: number;
}

export interface ArcCosineClosedForms {
  /** E[σ'(u)σ'(v)] = (π − θ)/(2π) and its error bound. */
  dd: number;
  ddError: number;
  /** E[σ(u)σ(v)] = √(q1q2)(sin θ + (π − θ)cos θ)/(2π) and its error bound. */
  ff: number;
  ffError: number;
  theta: number;
  /** Upper bound on E[u²v²] = q1q2 + 2c² ≥ E[(σ(u)σ(v))²] (Isserlis). */
  secondMomentBound: number;
  degenerate: boolean;
}

/**
 * Closed forms (activation.ts dualKernel / dualKernelDerivative for ReLU, docs/conventions.md#relu-closed-forms) at
 * θ = atan2(l22, l21). Error: Math.atan2 is taken to be within 2 ulp (fdlibm: < 1 ulp), so
 * |Δθ| ≤ 4u·θ + ETA; |d/dθ (π − θ)/(2π)| = 1/(2π) and |d/dθ J(θ)| = (π − θ)sin θ/(2π) ≤ 1/2;
 * dualKernelDerivative/dualKernel errors 6u·κ, 30u·κ with κ = 1/2; √(q1q2) = l11·√(l21² + l22²) has
 * relative error ≤ 4u.
 */
export function arcCosineClosedForms(L: Cholesky2): ArcCosineClosedForms {
  const { l11, l21, l22 } = L;
  if (!(l11 >= 0 && l22 >= 0 && Number.isFinite(l11) && Number.isFinite(l21) && Number.isFinite(l22)))
    throw new RangeError('arcCosineClosedForms: need finite l11 ≥ 0, l22 ≥ 0');
  const r2 = Math.sqrt(l21 * l21 + l22 * l22);
  const q1q2 = l11 * l11 * (l21 * l21 + l22 * l22),
    c = l11 * l21;
  const second = up(up(q1q2 * (1 + 8 * U)) + up(2 * c * c * (1 + 8 * U)));
  if (l11 === 0 || r2 === 0) return { dd: 0, ddError: 0, ff: 0, ffError: 0, theta: NaN, secondMomentBound: second, degenerate: true };
  const theta = Math.atan2(l22, l21);
  const dTheta = up(4 * U * theta + ETA);
  const relu_ = relu();
  const dd = dualKernelDerivative(relu_, theta);
  const ddError = up(3 * U + dTheta / (2 * Math.PI) + 4 * U * dd);
  const s = l11 * r2;
  const j = dualKernel(relu_, theta);
  const ff = s * j;
  const ffError = up(s * (1 + 4 * U) * up(15 * U + 0.5 * dTheta) + 4 * U * Math.abs(ff) * 2);
  return { dd, ddError, ff, ffError, theta, secondMomentBound: second, degenerate: false };
}

export interface ArcCosineSample {
  /** Mean of 1{u > 0}1{v > 0} over M draws (σ'(0) = 0), counted on the float samples. */
  ddMean: number;
  /** Bound on |ddMean − exact mean|: (#draws whose sign of v̂ is not certified)/M. */
  ddError: number;
  /** Mean of σ(u)σ(v) and a bound on its rounding. */
  ffMean: number;
  ffError: number;
  m: number;
}

/** Draws per call of fillGaussianRange in sampleArcCosine. */
const DRAW_BLOCK = 4096;

/**
 * M draws of (u, v) from `seed`. Rounding: û = fl(l11 g1) has the sign of l11 g1 (exact unless it
 * underflows to 0, counted as uncertain); v̂ = fl(fl(l21g1) + fl(l22g2)) is within
 * e_v = γ_2(|l21g1| + |l22g2|) + ETA of v, so sign(v̂) is certified when |v̂| > e_v.
 * |σ(û)σ(v̂) − σ(u)σ(v)| ≤ e_u(|v̂| + e_v) + |û|e_v, e_u = u|û| + ETA; the mean adds γ_M Σ|terms|/M.
 */
export function sampleArcCosine(L: Cholesky2, M: number, seed: Seed): ArcCosineSample {
  if (!(Number.isInteger(M) && M >= 1)) throw new RangeError(`sampleArcCosine: M must be an integer ≥ 1, got ${M}`);
  const rng = childRng(seed, 'arccos-mc');
  const g2c = gammaUp(2),
    eta = ETA;
  let both = 0,
    uncertain = 0,
    sum = 0,
    errSum = 0;
  // the draws g1, g2, g1, g2, … of one stream, filled a block at a time (fillGaussianRange: the same stream)
  const block = new Float64Array(2 * Math.min(M, DRAW_BLOCK));
  for (let t = 0; t < M; t++) {
    const o = 2 * (t % DRAW_BLOCK);
    if (o === 0) fillGaussianRange(rng, block, 0, 2 * Math.min(DRAW_BLOCK, M - t), 1);
    const g1 = block[o],
      g2 = block[o + 1];
    const u = L.l11 * g1;
    const a = L.l21 * g1,
      b = L.l22 * g2;
    const v = a + b;
    const ev = g2c * (Math.abs(a) + Math.abs(b)) * (1 + 4 * U) + eta;
    const uZeroUncertain = u === 0 && L.l11 !== 0 && g1 !== 0;
    // v is exactly 0 when both products have a zero factor; otherwise its sign needs |v̂| > e_v.
    const vExactZero = (L.l21 === 0 || g1 === 0) && (L.l22 === 0 || g2 === 0);
    const vUncertain = !vExactZero && Math.abs(v) <= ev;
    if (u > 0 && v > 0) both++;
    if (uZeroUncertain || (u > 0 && vUncertain)) uncertain++;
    if (u > 0 && v > 0) {
      sum += u * v;
      const eu = U * u + eta;
      errSum += eu * (v + ev) + u * ev;
    } else if (u > 0 && vUncertain) {
      // exact v may be positive with |v| ≤ 2e_v: σ(u)σ(v) ≤ u·2e_v
      errSum += (u + U * u + eta) * 2 * ev;
    } else if (uZeroUncertain && v > 0) {
      errSum += 2 * eta * (v + ev);
    }
  }
  const ddMean = both / M;
  const ffMean = sum / M;
  const ffError = up(up((errSum * (1 + gammaUp(M + 2))) / M) + up(gammaUp(M + 2) * ffMean) + 2 * ETA);
  return { ddMean, ddError: up(uncertain / M), ffMean, ffError, m: M };
}

/** Hoeffding: the mean of M i.i.d. [0,1] variables is within √(log(2/δ)/(2M)) of its expectation w.p. ≥ 1 − δ. */
export function hoeffdingRadius(M: number, delta: number): number {
  return Math.sqrt(Math.log(2 / delta) / (2 * M));
}

/** Chebyshev: the mean of M i.i.d. variables with variance ≤ v is within √(v/(Mδ)) of its expectation w.p. ≥ 1 − δ. */
export function chebyshevRadius(varianceBound: number, M: number, delta: number): number {
  return Math.sqrt(varianceBound / (M * delta));
}

export interface NtkDiagonalSample {
  /** Mean over R independent networks of K̄_11 at the single input x, and a bound on its rounding. */
  mean: number;
  error: number;
  values: Float64Array;
  /** Networks whose activation pattern at x was not certified (their error bound is +∞). */
  uncertified: number;
}

/**
 * K̄_11 = ‖∇_θ f_L(x)‖² for R networks with architecture `arch`, drawn from childRng(seed, 'ntk-net', r),
 * at one input x (1 × d). Each value carries empiricalNtk's Gram rounding bound plus the forward/backward
 * envelope (roundingEnvelope.ts layerwiseKernelPerturbation); the mean adds γ_R of the sum.
 */
export function ntkDiagonalSample(arch: NetworkArchitecture, x: Matrix, R: number, seed: Seed): NtkDiagonalSample {
  if (x.rows !== 1) throw new RangeError('ntkDiagonalSample: x must be a single row (1 × d)');
  const values = new Float64Array(R);
  let sum = 0,
    err = 0,
    uncertified = 0;
  for (let r = 0; r < R; r++) {
    const net = initNetwork(arch, childRng(seed, 'ntk-net', r).seed);
    const fwd = forward(net, x);
    const env = roundingEnvelope(net, x, fwd);
    const emp = empiricalNtk(net, x, { forwardResult: fwd });
    const pert = layerwiseKernelPerturbation(env);
    if (!env.patternCertified) uncertified++;
    values[r] = emp.ntk.data[0];
    sum += values[r];
    err = up(err + up(emp.errorBound + pert.spectral));
  }
  const mean = sum / R;
  return { mean, error: up(err / R + gammaUp(R + 2) * mean + ETA), values, uncertified };
}

/** 1 × d matrix of one input (convenience). */
export function singleRow(x: ArrayLike<number>): Matrix {
  const m = zeros(1, x.length);
  for (let c = 0; c < x.length; c++) m.data[c] = x[c];
  return m;
}

export interface MonteCarloKernels {
  /** Mean of σ(wᵀx_i)σ(wᵀx_j) over the M draws of w ∼ N(0, I_d) (N × N). */
  phiPhi: Matrix;
  /** Mean of σ'(wᵀx_i)σ'(wᵀx_j). */
  dphiDphi: Matrix;
  /** Per entry: bound on |computed mean − exact mean of the same draws| (rounding; +∞ where not available). */
  phiPhiError: Float64Array;
  dphiDphiError: Float64Array;
  /**
   * Per entry: confidence radius at level 1 − δ for that entry alone (no union bound over entries): Hoeffding for
   * bounded products, Chebyshev with the Isserlis bound for the (a,b)-ReLU family's σσ; +∞ when the record gives no
   * bound on |σ| (then no distribution-free radius is available).
   */
  phiPhiRadius: Float64Array;
  dphiDphiRadius: Float64Array;
  m: number;
  delta: number;
}

/** Relative accuracy assumed of the record's fn and deriv (record.ts: "a few ulps"): 16 ulps, plus ETA. */
const RECORD_ULPS = 16;

/**
 * Monte Carlo estimates of the dual kernels E_w[σ(wᵀx_i)σ(wᵀx_j)] and E_w[σ'(wᵀx_i)σ'(wᵀx_j)], w ∼ N(0, I_d), for
 * any activation record (the limiting kernels' layer map, activations/record.ts; H∞ of Du et al. is x_iᵀx_j times
 * the second), with the confidence radii and rounding bounds of the arc-cosine sampler above:
 *  - pre-activations: |fl(wᵀx_i) − wᵀx_i| ≤ e_i = γ_d Σ_k|w_k x_ik| + nz·ETA (Higham eq. (3.5), one ETA per product of
 *    non-zero factors for gradual underflow; e_i = 0 when there is none; the
 *    float draws of rng.ts are taken as the exact samples);
 *  - σ(û) is within sup|σ'|·e + 16u|σ(û)| + ETA of σ(u) (Lipschitz, and the record's fn taken as accurate to 16 ulps);
 *    σ'(û) within sup|σ''|·e + 16u|σ'(û)| + ETA for smooth records; for the (a,b)-ReLU family σ' is piecewise
 *    constant and exact when sign(û) is certified (|û| > e), otherwise the product may be any value in
 *    [−s², s²], s = max(|a|, |b|), counted with its full width 2s²;
 *  - a product ab of values known within e_a, e_b is known within |a|e_b + |b|e_a + e_ae_b + u|ab|, and the mean of M
 *    of them adds γ_{M+2}·(Σ|terms|/M) (Higham eq. (3.5));
 *  - confidence: Hoeffding (a mean of M i.i.d. values in an interval of width W is within W·√(log(2/δ)/(2M)) of its
 *    expectation w.p. ≥ 1 − δ) with W = 2 sup|σ|² and 2 sup|σ'|²; for the (a,b)-ReLU family's σσ (unbounded)
 *    Chebyshev with Var ≤ E[σ(u)²σ(v)²] ≤ s⁴E[u²v²] = s⁴(q_iq_j + 2c_ij²) (Isserlis), the Gram entries rounded up.
 */
export function monteCarloKernels(x: Matrix, act: ActivationRecord, M: number, seed: Seed, delta: number): MonteCarloKernels {
  if (!(Number.isInteger(M) && M >= 1)) throw new RangeError(`monteCarloKernels: M must be an integer ≥ 1, got ${M}`);
  if (!(delta > 0 && delta < 1)) throw new RangeError(`monteCarloKernels: δ must lie in (0, 1), got ${delta}`);
  const n = x.rows,
    d = x.cols,
    X = x.data;
  const ab = act.kind === 'ab-relu';
  const db = act.derivativeBounds;
  const sup0 = ab ? Infinity : db ? db.sup0 : Infinity;
  const sup1 = activationLipschitz(act);
  const sMax = ab ? sup1 : NaN; // max(|a|, |b|)
  const sup2 = ab ? NaN : db ? db.sup2 : Infinity;
  const rng = childRng(seed, 'dual-mc', act.name);
  const gd = gammaUp(d),
    rel = RECORD_ULPS * U;
  const w = new Float64Array(d),
    gUnsure = new Uint8Array(n);
  // per sample i of a draw: σ(ŵᵀx_i), σ'(ŵᵀx_i) and their error bounds
  const [f, fe, g, ge] = Array.from({ length: 4 }, () => new Float64Array(n));
  // per pair i ≤ j (index i·n + j), summed over the draws: the products, their absolute values, their error bounds
  const N2 = n * n;
  const [sf, sg, af, ag, ef, eg] = Array.from({ length: 6 }, () => new Float64Array(N2));
  const kinkWidth = ab ? up(2 * sMax * sMax) : 0;
  for (let t = 0; t < M; t++) {
    for (let k = 0; k < d; k++) w[k] = gaussian(rng);
    for (let i = 0; i < n; i++) {
      let s = 0,
        sa = 0,
        nz = 0;
      for (let k = 0; k < d; k++) {
        const p = w[k] * X[i * d + k];
        s += p;
        sa += Math.abs(p);
        if (w[k] !== 0 && X[i * d + k] !== 0) nz++;
      }
      // nz = 0: every product has a zero factor, the pre-activation is exactly 0
      const e = nz === 0 ? 0 : up(up(gd * sa) + nz * ETA);
      const v = act.fn(s),
        dv = act.deriv(s);
      f[i] = v;
      g[i] = dv;
      fe[i] = up(up(sup1 * e) + up(rel * Math.abs(v)) + ETA);
      if (ab) {
        // σ' = a (t > 0), b (t < 0): exact when the sign of the exact pre-activation is certified
        gUnsure[i] = nz > 0 && Math.abs(s) <= e ? 1 : 0;
        ge[i] = 0;
      } else {
        gUnsure[i] = 0;
        ge[i] = up(up(sup2 * e) + up(rel * Math.abs(dv)) + ETA);
      }
    }
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        const q = i * n + j;
        const pf = f[i] * f[j],
          pg = g[i] * g[j];
        sf[q] += pf;
        sg[q] += pg;
        af[q] += Math.abs(pf);
        ag[q] += Math.abs(pg);
        ef[q] += Math.abs(f[i]) * fe[j] + Math.abs(f[j]) * fe[i] + fe[i] * fe[j] + U * Math.abs(pf);
        eg[q] += gUnsure[i] || gUnsure[j] ? kinkWidth : Math.abs(g[i]) * ge[j] + Math.abs(g[j]) * ge[i] + ge[i] * ge[j] + U * Math.abs(pg);
      }
  }
  const gm = gammaUp(M + 2),
    hoeff = Math.sqrt(Math.log(2 / delta) / (2 * M));
  const phiPhi = zeros(n, n),
    dphiDphi = zeros(n, n);
  const [phiPhiError, dphiDphiError, phiPhiRadius, dphiDphiRadius] = Array.from({ length: 4 }, () => new Float64Array(N2));
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const q = i * n + j;
      const errF = up(up(up(ef[q] * (1 + gm)) / M) + up((gm * af[q]) / M) + ETA);
      const errG = up(up(up(eg[q] * (1 + gm)) / M) + up((gm * ag[q]) / M) + ETA);
      let radF: number;
      if (Number.isFinite(sup0)) radF = up(up(2 * sup0 * sup0) * hoeff * (1 + 4 * U));
      else if (ab) {
        // q_i = ‖x_i‖², q_j, c_ij = x_iᵀx_j; the sums of |terms| of q_i and q_j are q_i and q_j themselves
        let qi = 0,
          qj = 0,
          c = 0,
          sc = 0;
        for (let k = 0; k < d; k++) {
          const a = X[i * d + k],
            b = X[j * d + k];
          qi += a * a;
          qj += b * b;
          c += a * b;
          sc += Math.abs(a * b);
        }
        const qiU = up(qi + gd * qi + d * ETA),
          qjU = up(qj + gd * qj + d * ETA),
          cU = up(Math.abs(c) + gd * sc + d * ETA);
        const s4 = up(up(sMax * sMax) * up(sMax * sMax));
        radF = up(Math.sqrt(up(up(s4 * up(up(qiU * qjU) + up(2 * cU * cU))) / up(M * delta))) * (1 + 4 * U));
      } else radF = Infinity;
      const radG = Number.isFinite(sup1) ? up(up(2 * sup1 * sup1) * hoeff * (1 + 4 * U)) : Infinity;
      const vals: [Float64Array, number][] = [
        [phiPhiError, errF],
        [dphiDphiError, errG],
        [phiPhiRadius, radF],
        [dphiDphiRadius, radG],
      ];
      for (const [arr, v] of vals) {
        arr[q] = v;
        arr[j * n + i] = v;
      }
      phiPhi.data[q] = phiPhi.data[j * n + i] = sf[q] / M;
      dphiDphi.data[q] = dphiDphi.data[j * n + i] = sg[q] / M;
    }
  return { phiPhi, dphiDphi, phiPhiError, dphiDphiError, phiPhiRadius, dphiDphiRadius, m: M, delta };
}
