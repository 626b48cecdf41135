import { absMatvec, dot, down, gammaUp, matvec, nonNegativeSumUpper, norm2, up } from './blas.ts';
import { choleskyInPlace, solveLowerInPlace, solveLowerTransposeInPlace } from './cholesky.ts';
import { type Matrix, assertSquare } from './matrix.ts';

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
 * The returned errorBound is the sum of these terms, each rounded upwards. With lambdaMinLower ≤ 0
 * nothing can be certified and errorBound is Infinity. Cost: one Cholesky (n³/3) and O(n²).
 */
export function inverseQuadraticForm(h: Matrix, y: Float64Array, opts: { entryError?: number; lambdaMinLower: number }): { value: number; errorBound: number } {
  assertSquare(h, 'inverseQuadraticForm: H');
  const n = h.rows;
  if (y.length !== n) throw new RangeError(`inverseQuadraticForm: y has length ${y.length}, H is ${n}×${n}`);
  const eps = opts.entryError ?? 0;
  const lo = opts.lambdaMinLower;
  const l = Float64Array.from(h.data);
  const x = Float64Array.from(y);
  const chol = choleskyInPlace(l, n);
  if (!chol.ok) return { value: NaN, errorBound: Infinity };
  solveLowerInPlace(l, n, x);
  solveLowerTransposeInPlace(l, n, x);
  const value = dot(y, x);
  if (!(lo > 0) || !Number.isFinite(value)) return { value, errorBound: Infinity };
  // Residual and its rounding bound.
  const hx = matvec(h, x);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = y[i] - hx[i];
  const absHx = absMatvec(h, x);
  let resRound = 0;
  for (let i = 0; i < n; i++) resRound += (Math.abs(y[i]) + absHx[i]) ** 2;
  const rBound = up(norm2(r) * up(1 + gammaUp(n + 2)) + up(gammaUp(n + 1) * up(Math.sqrt(nonNegativeSumUpper(resRound, n, 3)))));
  let absDot = 0;
  for (let i = 0; i < n; i++) absDot += Math.abs(y[i] * x[i]);
  const yNorm = up(norm2(y) * up(1 + gammaUp(n + 2)));
  const dotErr = up(gammaUp(n) * nonNegativeSumUpper(absDot, n, 1));
  const residualTerm = up(up(yNorm * rBound) / down(lo));
  const entryTerm = eps > 0 ? up(up(up(yNorm * yNorm) * eps) / down(down(lo) * down(lo))) : 0;
  return { value, errorBound: up(up(dotErr + residualTerm) + entryTerm) };
}
