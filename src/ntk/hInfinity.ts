/**
 * The two-layer Gram matrix H∞ of Du, Zhai, Póczos, Singh (ICLR 2019, arXiv 1810.02054;
 * docs/conventions.md#h-infinity-of-du-et-al):
 *
 *   H∞_ij = E_{w∼N(0,I_d)}[x_iᵀx_j 1{wᵀx_i ≥ 0, wᵀx_j ≥ 0}] = x_iᵀx_j (π − θ_ij)/(2π),
 *
 * θ_ij the angle between x_i and x_j (P(wᵀx_i ≥ 0, wᵀx_j ≥ 0) = (π − θ)/(2π) for any non-zero norms; for unit
 * data this is x_iᵀx_j(π − arccos(x_iᵀx_j))/(2π)). A zero row gives a zero row/column (x_iᵀx_j = 0). The angle
 * is the cancellation-free one of angles.ts, so near-parallel pairs keep λ_min(H∞) > 0 (Du et al. Thm 3.1).
 * Relation to the deep limiting kernels [DER]: H∞ = ½ G^{(1)}∘Ġ^{(2)} (nmm, ReLU; limiting.ts).
 */
import type { Matrix } from '../linalg/matrix.ts';
import { ETA, UNIT_ROUNDOFF, allFinite, gamma, trace } from '../linalg/matrix.ts';
import { exponentOf, ldexp, rowsToUnitRange } from '../linalg/pow2.ts';
import { unitNormDeviation } from '../linalg/gramStats.ts';
import { nonNegativeSumUpper, up } from '../linalg/blas.ts';
import { NumericalError } from '../errors.ts';
import { type PairAngleState, pairAngleState, pairwiseAngleErrorBound } from './angles.ts';

/**
 * H∞ of the rows of x (N × d) and a bound on ‖computed − exact‖₂.
 * Error [DER]: |ΔH_ij| ≤ ‖x_i‖‖x_j‖·c with c = γ_d/2 + e_θ/(2π) + 3u (the Gram entry ≤ γ_d‖x_i‖‖x_j‖ times
 * (π − θ)/(2π) ≤ 1/2; the angle error e_θ of angles.ts times |x_iᵀx_j|/(2π); three roundings), so
 * ‖ΔH‖₂ ≤ ‖ΔH‖_F ≤ c·Σ_i ‖x_i‖². Gradual underflow adds ≤ (d + 4)·ETA/‖x_i‖‖x_j‖ relative (Gram entry, ratio,
 * products; Higham Thm 2.2), included with ‖x_i‖² ≥ 2^-600 (where it does not change c as a double).
 *
 * Every finite input is supported: when some non-zero row has ‖x_i‖² outside [2^-600, 2^600] (or underflowing
 * to 0), H∞ is evaluated on the rows 2^{−k_i}x_i (largest entry in [1, 2)) and mapped back exactly: H∞ is
 * positively homogeneous of degree 1 in each row (H_ij(DX) = d_i d_j H_ij(X) for D = diag(d_i > 0): the
 * angles are scale-free), so H_ij = 2^{k_i + k_j}·Ĥ_ij. The scaling is exact except for entries that
 * underflow in a row mixing scales beyond 2^1022 (a perturbation ≤ ETA/2 per entry of a row of norm ≥ 1,
 * ≤ 4√d·ETA relative, included), and mapping back rounds each entry once (≤ ETA/2, + N·ETA in the bound).
 * The result is 2^log2Scale·matrix; log2Scale = 0 unless opts.rescale (then the largest diagonal entry lies in
 * [1, 2)); without it a result beyond the float64 range throws NumericalError.
 */
export function hInfinity(x: Matrix, angles?: PairAngleState, opts: { rescale?: boolean } = {}): { matrix: Matrix; errorBound: number; log2Scale: number } {
  if (!allFinite(x.data)) throw new NumericalError('hInfinity: data contain NaN or ±Infinity');
  const n = x.rows,
    d = x.cols;
  // `angles`: pairAngleState(x) already computed by the caller (it is a pure function of x).
  let st = angles ?? pairAngleState(x);
  if (directRange(x, st.gram.data)) {
    const r = hInfinityOf(st, n, d, 2 ** -601); // ‖x_i‖² ≥ 2^-600 computed, ≥ 2^-601 exactly
    return { matrix: r.matrix, errorBound: r.errorBound, log2Scale: 0 };
  }
  const { data: xs, exponents: k } = rowsToUnitRange(x.data, n, d);
  st = pairAngleState({ rows: n, cols: d, data: xs });
  const r = hInfinityOf(st, n, d, 1);
  const h = r.matrix.data;
  let log2Scale = 0;
  if (opts.rescale) {
    let top = -Infinity;
    for (let i = 0; i < n; i++) if (h[i * n + i] > 0) top = Math.max(top, 2 * k[i] + exponentOf(h[i * n + i]));
    log2Scale = top === -Infinity ? 0 : top;
  }
  let tr = 0;
  for (let i = 0; i < n; i++) tr += ldexp(st.gram.data[i * n + i], 2 * k[i] - log2Scale);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] = ldexp(h[i * n + j], k[i] + k[j] - log2Scale);
  if (!allFinite(h)) throw new NumericalError('hInfinity: entries exceed the float64 range (call with { rescale: true } for a power-of-two-scaled result)');
  const c = up(r.coefficient + 4 * Math.sqrt(d) * ETA);
  const errorBound = up(up(up(c * (1 + 1e-6)) * nonNegativeSumUpper(tr, n, 1) * (1 + gamma(d))) + up(n * ETA));
  return { matrix: r.matrix, errorBound, log2Scale };
}

/** True when every non-zero row has a squared norm in [2^-600, 2^600] and every row with a 0 there is exactly zero. */
function directRange(x: Matrix, g: Float64Array): boolean {
  const n = x.rows,
    d = x.cols;
  for (let i = 0; i < n; i++) {
    const v = g[i * n + i];
    if (v === 0) {
      for (let t = 0; t < d; t++) if (x.data[i * d + t] !== 0) return false;
    } else if (!(v >= 2 ** -600 && v <= 2 ** 600)) return false;
  }
  return true;
}

/** H∞ from the angle state, its error coefficient c and the spectral bound c·Σ‖x_i‖² (see hInfinity). */
function hInfinityOf(st: PairAngleState, n: number, d: number, minNormSq: number): { matrix: Matrix; errorBound: number; coefficient: number } {
  const G = st.gram.data,
    th = st.theta;
  const h = new Float64Array(n * n);
  const inv2pi = 1 / (2 * Math.PI);
  for (let i = 0; i < n; i++) {
    h[i * n + i] = 0.5 * G[i * n + i];
    for (let j = i + 1; j < n; j++) {
      const v = G[i * n + j] * (Math.PI - th[i * n + j]) * inv2pi;
      h[i * n + j] = v;
      h[j * n + i] = v;
    }
  }
  let tr = 0;
  for (let i = 0; i < n; i++) tr += G[i * n + i];
  const c = gamma(d) / 2 + pairwiseAngleErrorBound(d, minNormSq) / (2 * Math.PI) + 3 * UNIT_ROUNDOFF + ((d + 4) * ETA) / minNormSq;
  const errorBound = up(up(c * (1 + 1e-6)) * nonNegativeSumUpper(tr, n) * (1 + gamma(d)));
  return { matrix: { rows: n, cols: n, data: h }, errorBound, coefficient: c };
}

/**
 * H∞ of the exactly normalised rows x̂_i = x_i/‖x_i‖ — Du et al.'s unit-norm convention — computed from
 * stored rows that are unit only to rounding (normalising in floating point cannot make them exact).
 * Angles are scale-invariant, so H∞(x̂) = D⁻¹H∞(x)D⁻¹ with D = diag(‖x_i‖); with δ ≥ max_i|‖x_i‖² − 1|
 * (unitNormDeviation), ‖H∞(x̂) − H∞(x)‖₂ ≤ (δ/(1−δ))·‖H∞(x)‖₂ ≤ (δ/(1−δ))·tr H∞(x). The returned
 * errorBound covers that plus the rounding of H∞(x). Without this term nearly parallel "unit-norm" points
 * can give a false `violated`: 1/sin θ amplifies the normalisation error.
 */
export function hInfinityUnitNorm(x: Matrix, angles?: PairAngleState): { matrix: Matrix; errorBound: number; log2Scale: number } {
  const h = hInfinity(x, angles);
  const delta = unitNormDeviation(x);
  const tr = trace(h.matrix);
  return { matrix: h.matrix, errorBound: up((h.errorBound + (delta / (1 - delta)) * tr * (1 + 1e-12)) * (1 + 4 * UNIT_ROUNDOFF)), log2Scale: h.log2Scale };
}
