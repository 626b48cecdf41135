import { absMatvec, dot, down, gammaUp, matvec, nonNegativeSumUpper, norm2, up } from './blas.ts';
import { choleskyInPlace, solveLowerInPlace, solveLowerTransposeInPlace } from './cholesky.ts';
import { checkEntryError } from './lambdaMin.ts';
import { type Interval, interval, sumOfSquares } from './interval.ts';
import { type Matrix, assertSquare, ETA } from './matrix.ts';

/**
 * x̂ = Ĥ⁻¹b by Cholesky and two triangular solves, with an upper bound on the true residual ‖b − Ĥx̂‖₂ from the
 * computed one: |r̂ − r| ≤ γ_{n+1}(|b| + |Ĥ||x̂|) (Higham eq. 3.13) plus (n + 1)·ETA per entry for gradual
 * underflow. `ok` is false when the factorisation fails; x̂ may hold non-finite values (the callers check).
 */
function choleskySolveWithResidual(h: Matrix, b: Float64Array): { ok: boolean; x: Float64Array; residualBound: number } {
  const n = h.rows;
  const l = Float64Array.from(h.data);
  const x = Float64Array.from(b);
  if (!choleskyInPlace(l, n).ok) return { ok: false, x, residualBound: Infinity };
  solveLowerInPlace(l, n, x);
  solveLowerTransposeInPlace(l, n, x);
  if (!x.every(Number.isFinite)) return { ok: true, x, residualBound: Infinity };
  const hx = matvec(h, x);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = b[i] - hx[i];
  const absHx = absMatvec(h, x);
  let resRound = 0;
  for (let i = 0; i < n; i++) resRound += (Math.abs(b[i]) + absHx[i]) ** 2;
  const underflowR = up(Math.sqrt(n) * up((n + 1) * ETA) * 2);
  const residualBound = up(up(norm2(r) * up(1 + gammaUp(n + 2)) + up(gammaUp(n + 1) * up(Math.sqrt(nonNegativeSumUpper(resRound, n, 3))))) + underflowR);
  return { ok: true, x, residualBound };
}

/**
 * A float ≥ (a/ℓ)²·ε for a ≥ 0, ℓ > 0, ε ≥ 0, evaluated as ((a/ℓ)·ε)·(a/ℓ) with every step rounded upwards:
 * no intermediate is the square ℓ² (which underflows to 0 for ℓ below 2^-538 ≈ 1.1e-162, where
 * down(0) = −ETA would make the bound negative). A quotient that overflows gives +∞ (not certified).
 */
function squaredRatioTimes(a: number, l: number, eps: number): number {
  const dl = down(l);
  if (!(dl > 0)) return Infinity;
  const t = up(a / dl);
  return up(up(t * eps) * t);
}

/**
 * The steps inverseQuadraticForm and certifiedSolve share: shape checks, the Cholesky solution x̂ of Ĥx = v with
 * its residual bound, and ‖v‖₂ rounded upwards (γ_{n+2}: n squares, their sum and the square root).
 */
function solveWithBounds(h: Matrix, v: Float64Array, opts: { entryError?: number; lambdaMinLower: number }, name: string, vName: string) {
  assertSquare(h, `${name}: H`);
  const n = h.rows;
  if (v.length !== n) throw new RangeError(`${name}: ${vName} has length ${v.length}, H is ${n}×${n}`);
  const { ok, x, residualBound } = choleskySolveWithResidual(h, v);
  const eps = checkEntryError(opts.entryError, name);
  return { n, eps, lo: opts.lambdaMinLower, ok, x, residualBound, vNorm: up(norm2(v) * up(1 + gammaUp(n + 2))) };
}

/**
 * yᵀ H⁻¹ y for a symmetric positive definite H, with a rigorous error bound.
 *
 * Inputs: the computed matrix Ĥ, a bound ε ≥ ‖H_true − Ĥ‖₂ on its entries' error, and a certified
 * lower bound `lambdaMinLower` ≤ λ_min(H_true) (e.g. from lambdaMinCertified with the same ε),
 * which also gives λ_min(Ĥ) ≥ lambdaMinLower (Weyl, since the certificate for H_true was obtained
 * from Ĥ minus ε).
 *
 * Let x̂ be the Cholesky solution of Ĥx = y and r = y − Ĥx̂. Exactly, Ĥ⁻¹y = x̂ + Ĥ⁻¹r, so
 *   yᵀĤ⁻¹y = yᵀx̂ + yᵀĤ⁻¹r,   |yᵀĤ⁻¹r| ≤ ‖y‖‖r‖ / λ_min(Ĥ).
 * The residual is computed in floating point: |r̂ − r| ≤ γ_{n+1}(|y| + |Ĥ||x̂|) (Higham eq. 3.13), and
 * |fl(yᵀx̂) − yᵀx̂| ≤ γ_n |y|ᵀ|x̂|. Finally H_true⁻¹ − Ĥ⁻¹ = H_true⁻¹(Ĥ − H_true)Ĥ⁻¹, so
 *   |yᵀH_true⁻¹y − yᵀĤ⁻¹y| ≤ ‖y‖² ε / lambdaMinLower².
 * Gradual underflow adds ≤ (n + 1)·ETA to each residual entry (n products, each losing ≤ ETA/2, and the
 * difference) and ≤ n·ETA to the dot product (Higham Thm 2.2 with the underflow term); both are included.
 * The returned errorBound is the sum of these terms, each rounded upwards. With lambdaMinLower ≤ 0
 * nothing can be certified and errorBound is Infinity; so is ε = +∞ (nothing known of H_true), while a NaN or
 * negative ε throws RangeError. Cost: one Cholesky (n³/3) and O(n²).
 */
export function inverseQuadraticForm(h: Matrix, y: Float64Array, opts: { entryError?: number; lambdaMinLower: number }): { value: number; errorBound: number } {
  const { n, eps, lo, ok, x, residualBound: rBound, vNorm: yNorm } = solveWithBounds(h, y, opts, 'inverseQuadraticForm', 'y');
  if (!ok) return { value: NaN, errorBound: Infinity };
  const value = dot(y, x);
  if (!(lo > 0) || !Number.isFinite(value)) return { value, errorBound: Infinity };
  let absDot = 0;
  for (let i = 0; i < n; i++) absDot += Math.abs(y[i] * x[i]);
  const dotErr = up(up(gammaUp(n) * nonNegativeSumUpper(absDot, n, 1)) + up(n * ETA));
  const residualTerm = up(up(yNorm * rBound) / down(lo));
  const entryTerm = eps > 0 ? squaredRatioTimes(yNorm, lo, eps) : 0;
  const errorBound = up(up(dotErr + residualTerm) + entryTerm);
  return { value, errorBound: errorBound >= 0 && errorBound <= Number.MAX_VALUE ? errorBound : Infinity };
}

/**
 * The solution of H x = b for a symmetric positive definite H, with a rigorous bound on ‖x̂ − H_true⁻¹b‖₂.
 *
 * Inputs as for inverseQuadraticForm: Ĥ, ε ≥ ‖H_true − Ĥ‖₂ and a certified lambdaMinLower ≤ λ_min(H_true) (which
 * also bounds λ_min(Ĥ) from below). x̂ is the Cholesky solution; exactly Ĥ⁻¹b − x̂ = Ĥ⁻¹r with r = b − Ĥx̂, so
 *   ‖Ĥ⁻¹b − x̂‖ ≤ ‖r‖ / λ_min(Ĥ),   ‖H_true⁻¹b − Ĥ⁻¹b‖ = ‖H_true⁻¹(Ĥ − H_true)Ĥ⁻¹b‖ ≤ ε‖b‖ / lambdaMinLower².
 * ‖r‖ is bounded from the computed residual as in inverseQuadraticForm (Higham eq. 3.13, gradual underflow
 * included). lambdaMinLower ≤ 0 or a failed factorisation: errorBound = Infinity.
 */
export function certifiedSolve(h: Matrix, b: Float64Array, opts: { entryError?: number; lambdaMinLower: number }): { x: Float64Array; errorBound: number } {
  const { eps, lo, ok, x, residualBound: rBound, vNorm: bNorm } = solveWithBounds(h, b, opts, 'certifiedSolve', 'b');
  if (!ok) return { x: x.fill(NaN), errorBound: Infinity };
  if (!(lo > 0) || !x.every(Number.isFinite)) return { x, errorBound: Infinity };
  const residualTerm = up(rBound / down(lo));
  const entryTerm = eps > 0 ? up(up(up(bNorm / down(lo)) * eps) / down(lo)) : 0;
  const errorBound = up(residualTerm + entryTerm);
  return { x, errorBound: errorBound >= 0 && errorBound <= Number.MAX_VALUE ? errorBound : Infinity };
}

/**
 * yᵀH_true y for every H_true with ‖H_true − Ĥ‖₂ ≤ ε (`entryError`), as the computed yᵀĤy = Σ_a Σ_b y_a Ĥ_ab y_b
 * (n² terms of two products, recursive summation) and an enclosure of the exact values: the sum differs from
 * yᵀĤy by ≤ γ_{n²+2} Σ|y_a Ĥ_ab y_b| + n²·ETA (Higham §3.1 and Thm 2.2), and |yᵀ(H_true − Ĥ)y| ≤ ε‖y‖².
 * ε = +∞ gives the enclosure [−∞, ∞]; a NaN or negative ε throws RangeError.
 */
export function quadraticForm(h: Matrix, y: Float64Array, opts: { entryError?: number } = {}): { value: number; enclosure: Interval } {
  assertSquare(h, 'quadraticForm: H');
  const n = h.rows,
    H = h.data,
    eps = checkEntryError(opts.entryError, 'quadraticForm');
  if (y.length !== n) throw new RangeError(`quadraticForm: y has length ${y.length}, H is ${n}×${n}`);
  let value = 0,
    abs = 0;
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      const t = y[a] * H[a * n + b] * y[b];
      value += t;
      abs += Math.abs(t);
    }
  if (!Number.isFinite(value) || !Number.isFinite(abs) || eps === Infinity) return { value, enclosure: interval(-Infinity, Infinity) };
  const rounding = up(up(gammaUp(n * n + 2) * nonNegativeSumUpper(abs, n * n, 2)) + up(n * n * ETA));
  const err = interval(rounding).add(sumOfSquares(y).mul(eps)).hi;
  return { value, enclosure: interval(value).add(interval(-err, err)) };
}
