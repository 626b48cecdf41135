import { type Interval, interval } from '../linalg/interval.ts';

/**
 * Moments of the diagonal of the empirical NTK at initialisation, K̄_ii = Σ_{k=1}^{L} ‖f_{k−1}(x)‖²·‖∂f_L/∂g_k‖²
 * ('nmm' network, network.ts: g_k = W_k f_{k−1}, f_k = σ(g_k), (W_k)_ab ~ N(0, β_k²), σ'(0) = 0, scalar output),
 * for one input x ≠ 0. Derivation: docs/theorems.md#second-moment-bound-for-the-diagonal.
 *
 *  - E K̄_ii = ‖x‖²(Π_{m<L} n_m/2) Σ_l Π_{m≠l} β_m²  (exact; expectedEmpiricalNtkDiagonal in empiricalNtk.ts);
 *  - E K̄_ii² ≤ M₂ = (Σ_{k=1}^{L} √A_{k−1}·√B_k)², with
 *      A_k = E‖f_k‖⁴ = ‖x‖⁴ Π_{l≤k} β_l⁴ n_l(n_l + 5)/4                         (exact),
 *      B_L = 1,  √B_k = √(1 − 2^{−n_k})·√P_k + β_{k+1}² √(n_k(n_k + 1)/4 − 1 + 2^{−n_k}) √B_{k+1},
 *      P_k = 3β_L⁴ Π_{l=k+1}^{L−1} β_l⁴ n_l(n_l + 5)/4                           (E f_L⁴ of layers k+1..L on a unit input).
 *    B_k bounds E‖∂f_L/∂g_k‖⁴: the gradient splits into f_L/‖f_k‖ along f_k and an independent
 *    β_{k+1}²‖∂f_L/∂g_{k+1}‖²·χ²_{m_k−1} part (m_k ~ Bin(n_k, ½) active units), combined by Minkowski.
 * So Var K̄_ii ≤ M₂ − (E K̄_ii)², and the mean of R independent networks obeys Chebyshev's inequality with it.
 */

/** E Y² for Y = Σ_{j≤n} σ(z_j)², z ~ N(0, I_n): n·Eσ(z)⁴ + n(n − 1)(Eσ(z)²)² = 3n/2 + n(n − 1)/4 = n(n + 5)/4. */
export function reluChiSecondMoment(n: number): number {
  return (n * (n + 5)) / 4;
}

export interface KiiMoments {
  /** E K̄_ii (exact formula, computed in floating point). */
  mean: number;
  /** M₂ ≥ E K̄_ii² (the bound, computed in floating point). */
  secondMomentBound: number;
  /** max(0, M₂ − mean²) ≥ Var K̄_ii. */
  varianceBound: number;
  /** Relative rounding bound of `mean` and of `secondMomentBound` (each). */
  relativeError: number;
}

/**
 * Mean and second-moment bound of K̄_ii for an input of squared norm `xNorm2` through a network with
 * dims n_0..n_L (n_L = 1) and weight standard deviations β_1..β_L.
 */
export function kiiMoments(dims: readonly number[], betas: readonly number[], xNorm2: number): KiiMoments {
  const L = dims.length - 1;
  if (betas.length !== L) throw new RangeError(`betas must have L = ${L} entries`);
  if (dims[L] !== 1) throw new RangeError('kiiMoments: the output width n_L must be 1');
  const b2 = betas.map((b) => b * b);
  // mean
  let widthFactor = 1;
  for (let m = 1; m <= L - 1; m++) widthFactor *= dims[m] / 2;
  let betaSum = 0;
  for (let l = 1; l <= L; l++) {
    let p = 1;
    for (let m = 1; m <= L; m++) if (m !== l) p *= b2[m - 1];
    betaSum += p;
  }
  const mean = xNorm2 * widthFactor * betaSum;
  // A_k, k = 0..L−1
  const A = new Array<number>(L);
  A[0] = xNorm2 * xNorm2;
  for (let k = 1; k < L; k++) A[k] = A[k - 1] * b2[k - 1] * b2[k - 1] * reluChiSecondMoment(dims[k]);
  // √B_k, k = L down to 1
  const sqrtB = new Array<number>(L + 1);
  sqrtB[L] = 1;
  for (let k = L - 1; k >= 1; k--) {
    let P = 3 * b2[L - 1] * b2[L - 1];
    for (let l = k + 1; l <= L - 1; l++) P *= b2[l - 1] * b2[l - 1] * reluChiSecondMoment(dims[l]);
    const n = dims[k],
      allOff = 2 ** -n;
    const active = Math.max(0, (n * (n + 1)) / 4 - 1 + allOff);
    sqrtB[k] = Math.sqrt(1 - allOff) * Math.sqrt(P) + b2[k] * Math.sqrt(active) * sqrtB[k + 1];
  }
  let root = 0;
  for (let k = 1; k <= L; k++) root += Math.sqrt(A[k - 1]) * sqrtB[k];
  const secondMomentBound = root * root;
  // Each quantity is a sum of ≤ L products of ≤ 4L + 6 correctly rounded factors, square roots and
  // quotients (exact small integers aside): relative error ≤ (8L + 16)u, doubled for the square.
  const relativeError = (16 * L + 40) * 2 ** -53;
  return { mean, secondMomentBound, varianceBound: Math.max(0, secondMomentBound - mean * mean), relativeError };
}

/**
 * Enclosures of E K̄_ii, M₂ and V = max(0, M₂ − (E K̄_ii)²) for every input whose squared norm lies in `xNorm2`:
 * E K̄_ii and M₂ are homogeneous in ‖x‖² of degrees 1 and 2 (kiiMoments: mean ∝ ‖x‖², √M₂ ∝ √A_0 = ‖x‖²), so the
 * moments at ‖x‖² = 1, within their relative rounding bound, are scaled by the interval (src/linalg/interval.ts).
 */
export function kiiMomentEnclosures(
  dims: readonly number[],
  betas: readonly number[],
  xNorm2: Interval,
): { mean: Interval; secondMoment: Interval; variance: Interval } {
  const m = kiiMoments(dims, betas, 1);
  const rel = interval(-m.relativeError, m.relativeError).add(1);
  const mean = interval(m.mean).mul(rel),
    second = interval(m.secondMomentBound).mul(rel);
  const x2 = xNorm2.abs().pow(2);
  return { mean: mean.mul(xNorm2), secondMoment: second.mul(x2), variance: second.sub(mean.pow(2)).max(0).mul(x2) };
}
