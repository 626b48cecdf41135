import { ETA, UNIT_ROUNDOFF, zeros } from '../linalg/matrix.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { gammaUp, up } from '../linalg/blas.ts';
import { type Seed, childRng, fillGaussianRange } from '../random/rng.ts';
import { dualKernel, dualKernelDerivative, relu } from './activation.ts';
import { empiricalNtk } from './empiricalNtk.ts';
import { type NetworkArchitecture, forward, initNetwork } from './network.ts';
import { layerwiseKernelPerturbation, roundingEnvelope } from './roundingEnvelope.ts';

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
  if (!(l11 >= 0 && l22 >= 0 && Number.isFinite(l11) && Number.isFinite(l21) && Number.isFinite(l22))) throw new RangeError('arcCosineClosedForms: need finite l11 ≥ 0, l22 ≥ 0');
  const r2 = Math.sqrt(l21 * l21 + l22 * l22);
  const q1q2 = l11 * l11 * (l21 * l21 + l22 * l22), c = l11 * l21;
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
  const g2c = gammaUp(2), eta = ETA;
  let both = 0, uncertain = 0, sum = 0, errSum = 0;
  // the draws g1, g2, g1, g2, … of one stream, filled a block at a time (fillGaussianRange: the same stream)
  const block = new Float64Array(2 * Math.min(M, DRAW_BLOCK));
  for (let t = 0; t < M; t++) {
    const o = 2 * (t % DRAW_BLOCK);
    if (o === 0) fillGaussianRange(rng, block, 0, 2 * Math.min(DRAW_BLOCK, M - t), 1);
    const g1 = block[o], g2 = block[o + 1];
    const u = L.l11 * g1;
    const a = L.l21 * g1, b = L.l22 * g2;
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
  const ffError = up(up(errSum * (1 + gammaUp(M + 2)) / M) + up(gammaUp(M + 2) * ffMean) + 2 * ETA);
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
  let sum = 0, err = 0, uncertified = 0;
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
