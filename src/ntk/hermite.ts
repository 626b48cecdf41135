/**
 * Normalised probabilists' Hermite polynomials and the Hermite coefficients of the (a,b)-ReLU family
 * (docs/conventions.md#hermite-coefficients; Nguyen–Mondelli–Montúfar 2021 eq. (8); Murray et al. 2022, arXiv 2211.07844, §2).
 *
 *   h_r = He_r/√(r!),  orthonormal in L²(N(0,1));   μ_r(f) = E_{g∼N(0,1)}[f(g) h_r(g)].
 */
import type { Activation } from './activation.ts';

/**
 * h_r(t) by the three-term recurrence h_0 = 1, h_1 = t, h_{k+1} = (t h_k − √k h_{k−1})/√(k+1)
 * (from He_{k+1} = t He_k − k He_{k−1}). The forward recurrence is the stable direction for the
 * dominant solution (Gautschi 1967). Error: ≈ (few·r)u relative in the oscillatory region |t| < 2√r.
 */
export function hermiteNormalized(r: number, t: number): number {
  if (!Number.isInteger(r) || r < 0) throw new RangeError(`hermiteNormalized: r must be an integer ≥ 0, got ${r}`);
  if (r === 0) return 1;
  let hPrev = 1,
    h = t;
  for (let k = 1; k < r; k++) {
    const next = (t * h - Math.sqrt(k) * hPrev) / Math.sqrt(k + 1);
    hPrev = h;
    h = next;
  }
  return h;
}

/** SQRT_INT[k] = Math.sqrt(k) (correctly rounded, so the same float64 as computing it), grown on demand. */
let SQRT_INT = new Float64Array(0);
export function sqrtIntTable(kMax: number): Float64Array {
  if (SQRT_INT.length <= kMax) {
    const t = new Float64Array(Math.max(kMax + 1, 2 * SQRT_INT.length, 64));
    for (let k = 0; k < t.length; k++) t[k] = Math.sqrt(k);
    SQRT_INT = t;
  }
  return SQRT_INT;
}

/**
 * h_0(t), …, h_rMax(t) into `out` (length ≥ rMax + 1). √k from a table: Math.sqrt is correctly rounded
 * (IEEE 754), so the values are bit-identical to computing √k and √(k+1) in the loop. Measured (steady-state
 * searchTheorem on nguyen2021.hermite.closed-form, whose quadrature cross-check calls this ≈ 960 times per
 * instance): two √ per step sat on the latency chain of the recurrence; quadrature.ts has the figures.
 */
export function hermiteNormalizedAll(rMax: number, t: number, out: Float64Array = new Float64Array(rMax + 1)): Float64Array {
  out[0] = 1;
  if (rMax >= 1) out[1] = t;
  const sq = sqrtIntTable(rMax);
  for (let k = 1; k < rMax; k++) out[k + 1] = (t * out[k] - sq[k] * out[k - 1]) / sq[k + 1];
  return out;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * μ_r(ReLU): μ_0 = 1/√(2π), μ_1 = 1/2, μ_r = 0 for odd r ≥ 3, and for even r ≥ 2
 * μ_r = (−1)^{(r−2)/2} (r−3)!! / (√(2π) √(r!)) (eq. (8)), computed without overflow by
 * μ_2 = 1/(2√π), μ_{r+2} = −(r−1)/√((r+1)(r+2)) · μ_r  [DER].
 * Error: relative ≤ (2.5 r + 4)u (each step: one product, one quotient, one √ of a product, ≤ 5 roundings
 * of relative size u/2…u; r/2 steps).
 */
export function reluHermiteCoefficient(r: number): number {
  if (!Number.isInteger(r) || r < 0) throw new RangeError(`reluHermiteCoefficient: r must be an integer ≥ 0, got ${r}`);
  if (r === 0) return INV_SQRT_2PI;
  if (r === 1) return 0.5;
  if (r % 2 === 1) return 0;
  let mu = 1 / (2 * Math.sqrt(Math.PI));
  for (let k = 2; k < r; k += 2) mu = (-(k - 1) * mu) / Math.sqrt((k + 1) * (k + 2));
  return mu;
}

/**
 * μ_0(ReLU), …, μ_R(ReLU) into `out` (length ≥ R + 1) by ONE pass of the recurrence of
 * reluHermiteCoefficient: every value is the same float64 (the same operations on the same operands,
 * in the same order), so the per-coefficient error (2.5 r + 4)u is unchanged; O(R) instead of the
 * O(R²) of calling reluHermiteCoefficient for each r. Measured (steady-state searchTheorem, 60 random
 * + 30 targeted instances per search, R ≤ 300): the Hermite sum-rule / tail-bound claims spent 75 % of
 * their time re-running the recurrence per r; with this, 20.6 → 2.2 µs/instance (figures at the callers,
 * properties/nguyen2021Limiting.ts).
 */
export function reluHermiteCoefficients(R: number, out: Float64Array = new Float64Array(R + 1)): Float64Array {
  if (!Number.isInteger(R) || R < 0) throw new RangeError(`reluHermiteCoefficients: R must be an integer ≥ 0, got ${R}`);
  out[0] = INV_SQRT_2PI;
  if (R >= 1) out[1] = 0.5;
  let mu = 1 / (2 * Math.sqrt(Math.PI));
  for (let r = 2; r <= R; r += 2) {
    out[r] = mu;
    if (r + 1 <= R) out[r + 1] = 0;
    mu = (-(r - 1) * mu) / Math.sqrt((r + 1) * (r + 2));
  }
  return out;
}

/**
 * μ_r(σ') for the step σ' = 1{t > 0}: μ_r(σ') = √(r+1)·μ_{r+1}(σ) (from h'_{r+1} = √(r+1) h_r and
 * Gaussian integration by parts [DER]). μ_0 = 1/2, μ_1 = 1/√(2π), 0 for even r ≥ 2.
 */
export function reluDerivativeHermiteCoefficient(r: number): number {
  return Math.sqrt(r + 1) * reluHermiteCoefficient(r + 1);
}

/**
 * μ_r(φ) for φ = b·t + (a − b)·relu(t): μ_1 = (a + b)/2, otherwise (a − b)·μ_r(relu)  (μ_r(t) = δ_{r1}).
 */
export function abReluHermiteCoefficient(act: Activation, r: number): number {
  const c = (act.a - act.b) * reluHermiteCoefficient(r);
  return r === 1 ? act.b + c : c;
}

/** μ_r(φ') for φ' = b + (a − b)·1{t > 0}: μ_0 = (a + b)/2, otherwise (a − b)·μ_r(σ'). Equals √(r+1) μ_{r+1}(φ). */
export function abReluDerivativeHermiteCoefficient(act: Activation, r: number): number {
  const c = (act.a - act.b) * reluDerivativeHermiteCoefficient(r);
  return r === 0 ? act.b + c : c;
}

/**
 * Upper bound on the tail Σ_{r > R} μ_r(ReLU)² for even R ≥ 2 [DER]. From the exact ratio
 * μ_{r+2}²/μ_r² = (r−1)²/((r+1)(r+2)), the sequence μ_r² r^{5/2} (even r) decreases towards its limit
 * 1/(√2 π^{3/2}) (log-ratio = −3.5/r² + O(r^{−3}); checked for r ≤ 4000 in hermite.test.ts), so for even r > R
 * μ_r² ≤ μ_R² R^{5/2} r^{−5/2} and Σ_{even r > R} r^{−5/2} ≤ ½∫_R^∞ t^{−5/2} dt = R^{−3/2}/3:
 *   Σ_{r > R} μ_r² ≤ μ_R² R / 3.
 */
export function reluHermiteTailBound(R: number, muR?: number): number {
  if (!Number.isInteger(R) || R < 2 || R % 2 !== 0) throw new RangeError(`reluHermiteTailBound: R must be an even integer ≥ 2, got ${R}`);
  // `muR`: μ_R(ReLU) when the caller already has it (from reluHermiteCoefficients; the same float64).
  return ((muR ?? reluHermiteCoefficient(R)) ** 2 * R) / 3;
}
