/**
 * The two-layer Gram matrix H∞ of Du, Zhai, Póczos, Singh (ICLR 2019, arXiv 1810.02054; theorems.md II.A):
 *
 *   H∞_ij = E_{w∼N(0,I_d)}[x_iᵀx_j 1{wᵀx_i ≥ 0, wᵀx_j ≥ 0}] = x_iᵀx_j (π − θ_ij)/(2π),
 *
 * θ_ij the angle between x_i and x_j (P(wᵀx_i ≥ 0, wᵀx_j ≥ 0) = (π − θ)/(2π) for any non-zero norms; for unit
 * data this is x_iᵀx_j(π − arccos(x_iᵀx_j))/(2π)). A zero row gives a zero row/column (x_iᵀx_j = 0). The angle
 * is the cancellation-free one of angles.ts, so near-parallel pairs keep λ_min(H∞) > 0 (Du et al. Thm 3.1).
 * Relation to the deep limiting kernels [DER]: H∞ = ½ G^{(1)}∘Ġ^{(2)} (nmm, ReLU; limiting.ts).
 */
import type { Matrix } from '../linalg/matrix.ts';
import { UNIT_ROUNDOFF, allFinite, gamma, trace } from '../linalg/matrix.ts';
import { unitNormDeviation } from '../linalg/gramStats.ts';
import { nonNegativeSumUpper, up } from '../linalg/blas.ts';
import { NumericalError } from '../errors.ts';
import { type PairAngleState, pairAngleState, pairwiseAngleErrorBound } from './angles.ts';

/**
 * H∞ of the rows of x (N × d) and a bound on ‖computed − exact‖₂.
 * Error [DER]: |ΔH_ij| ≤ ‖x_i‖‖x_j‖·c with c = γ_d/2 + e_θ/(2π) + 3u (the Gram entry ≤ γ_d‖x_i‖‖x_j‖ times
 * (π − θ)/(2π) ≤ 1/2; the angle error e_θ of angles.ts times |x_iᵀx_j|/(2π); three roundings), so
 * ‖ΔH‖₂ ≤ ‖ΔH‖_F ≤ c·Σ_i ‖x_i‖².
 */
export function hInfinity(x: Matrix, angles?: PairAngleState): { matrix: Matrix; errorBound: number } {
  if (!allFinite(x.data)) throw new NumericalError('hInfinity: data contain NaN or ±Infinity');
  const n = x.rows;
  // `angles`: pairAngleState(x) already computed by the caller (it is a pure function of x).
  const st = angles ?? pairAngleState(x);
  const G = st.gram.data, th = st.theta;
  const h = new Float64Array(n * n);
  const inv2pi = 1 / (2 * Math.PI);
  for (let i = 0; i < n; i++) {
    h[i * n + i] = 0.5 * G[i * n + i];
    for (let j = i + 1; j < n; j++) {
      const v = G[i * n + j] * (Math.PI - th[i * n + j]) * inv2pi;
      h[i * n + j] = v; h[j * n + i] = v;
    }
  }
  let tr = 0;
  for (let i = 0; i < n; i++) tr += G[i * n + i];
  const c = gamma(x.cols) / 2 + pairwiseAngleErrorBound(x.cols) / (2 * Math.PI) + 3 * UNIT_ROUNDOFF;
  const errorBound = up(up(c * (1 + 1e-6)) * nonNegativeSumUpper(tr, n) * (1 + gamma(x.cols)));
  return { matrix: { rows: n, cols: n, data: h }, errorBound };
}

/**
 * H∞ of the exactly normalised rows x̂_i = x_i/‖x_i‖ — Du et al.'s unit-norm convention — computed from
 * stored rows that are unit only to rounding (normalising in floating point cannot make them exact).
 * Angles are scale-invariant, so H∞(x̂) = D⁻¹H∞(x)D⁻¹ with D = diag(‖x_i‖); with δ ≥ max_i|‖x_i‖² − 1|
 * (unitNormDeviation), ‖H∞(x̂) − H∞(x)‖₂ ≤ (δ/(1−δ))·‖H∞(x)‖₂ ≤ (δ/(1−δ))·tr H∞(x). The returned
 * errorBound covers that plus the rounding of H∞(x). Skipping this term gave a false `violated` on
 * nearly parallel "unit-norm" points, where 1/sin θ amplifies the normalisation error.
 */
export function hInfinityUnitNorm(x: Matrix, angles?: PairAngleState): { matrix: Matrix; errorBound: number } {
  const h = hInfinity(x, angles);
  const delta = unitNormDeviation(x);
  const tr = trace(h.matrix);
  return { matrix: h.matrix, errorBound: up((h.errorBound + (delta / (1 - delta)) * tr * (1 + 1e-12)) * (1 + 4 * UNIT_ROUNDOFF)) };
}
