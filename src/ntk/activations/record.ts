/**
 * The activation record: one object per elementwise nonlinearity σ, read by every consumer (the limiting
 * fold limiting.ts, the finite network network.ts, backpropagation empiricalNtk.ts, the `kernel` command),
 * in the manner of neural-tangents' `stax` elementwise layers (neural_tangents/_src/stax/elementwise.py: one
 * layer carries σ and the kernel maps nngp ↦ E[σ(u)σ(v)], ntk ↦ ntk·E[σ'(u)σ'(v)]).
 *
 * Conventions (docs/activations.md): (u, v) ∼ N(0, [[q1, c], [c, q2]]) with c clipped into
 * [−√(q1q2), √(q1q2)] (the nearest positive semi-definite covariance); `dual` returns enclosures
 * (src/linalg/interval.ts) of the two dual kernels at that covariance, with every rounding, truncation and
 * quadrature error of the evaluation inside the interval.
 */
import type { Interval } from '../../linalg/interval.ts';

export interface DualEnclosure {
  /** ∋ E[σ(u)σ(v)] */
  phiPhi: Interval;
  /** ∋ E[σ'(u)σ'(v)] */
  dphiDphi: Interval;
}

/**
 * Upper bounds on sup_t |σ^{(k)}(t)|, k = 0..3 (Infinity when unbounded). By Price's theorem / the heat
 * equation, ∂E[f(u)g(v)]/∂c = E[f'(u)g'(v)] and ∂E[f(u)g(v)]/∂q1 = ½E[f''(u)g(v)] along positive semi-definite
 * covariances, so these give the Lipschitz constants of the dual kernels that the generic limiting fold
 * (limitingSmooth.ts) uses to carry the error of its inputs through a layer.
 */
export interface DerivativeBounds {
  sup0: number;
  sup1: number;
  sup2: number;
  sup3: number;
  /**
   * Required when sup0 is Infinity (σ unbounded, e.g. GELU, softplus): |σ(t)| ≤ a|t| + b for every real t. Then
   * E|σ(v)| ≤ a√q + b for v ∼ N(0, q) (E|v| ≤ √q), which replaces sup|σ| in |∂E[σσ]/∂q1| = ½|E[σ''(u)σ(v)]|
   * ≤ ½ sup|σ''|·E|σ(v)|, and |E[σ(u)σ(v)]| ≤ (a√q1 + b)(a√q2 + b) (Cauchy–Schwarz, Minkowski).
   */
  growth?: { a: number; b: number };
  /**
   * Optional: upper bounds on d2 = ∫|σ''|, d2t = ∫|t||σ''(t)|dt and d3 = ∫|σ'''| over R. With them the Lipschitz
   * constants shrink with the variance (the density of u ∼ N(0, q) is ≤ 1/√(2πq); E[|σ(v)| | u] ≤ a(√(q2/q1)|u| + √q2) + b):
   *   |E[σ''(u)σ(v)]| ≤ (a√(q2/q1)·d2t + (a√q2 + b)·d2)/√(2πq1),  |E[σ'''(u)σ'(v)]| ≤ sup|σ'|·d3/√(2πq1),
   *   |E[σ''(u)σ''(v)]| ≤ sup|σ''|·d2/√(2π·max(q1, q2)).
   */
  l1?: { d2: number; d2t: number; d3: number };
}

export interface ActivationRecord {
  /** Registry name (activations/registry.ts), e.g. 'relu', 'leaky-relu:0.1', 'erf', 'tanh'. */
  readonly name: string;
  readonly kind: 'ab-relu' | 'erf' | 'smooth';
  /** σ(t) in float64 (a few ulps; the certified consumers do not rely on fn except through `kinks`). */
  fn(t: number): number;
  /** σ'(t) in float64; at a kink the value stated in `derivativeConvention`. */
  deriv(t: number): number;
  /** The derivative's value at each kink, in words (for reports and conventions records). */
  readonly derivativeConvention: string;
  /** Enclosures of E[σ(u)σ(v)], E[σ'(u)σ'(v)] for (u, v) ∼ N(0, [[q1, c], [c, q2]]), q1, q2 ≥ 0 finite. */
  dual(q1: number, q2: number, c: number): DualEnclosure;
  /**
   * Optional: enclosures valid for EVERY positive semi-definite covariance with q1 ∈ Q1, q2 ∈ Q2, c ∈ C, or null
   * where the record has none (limitingSmooth.ts then moves `dual` by the Lipschitz constants of derivativeBounds,
   * which at large variances are far wider: the radius of q ≈ 1e200 is ≈ 1e184).
   */
  dualBox?(Q1: Interval, Q2: Interval, C: Interval): DualEnclosure | null;
  /** κ = E[σ(g)²], g ∼ N(0, 1) (a double within a few ulps; 'nmm' uses c_l = 1/κ for l ≥ 2). */
  readonly secondMoment: number;
  /** How `dual` is evaluated, in words (the `dualKernels` convention of limiting kernels; default by `kind`). */
  readonly dualMethod?: string;
  /** Bounds on the derivatives (absent for the (a,b)-ReLU family, whose fold has its own error analysis). */
  readonly derivativeBounds?: DerivativeBounds;
  /** Normalised Hermite coefficient E[σ(g)He_k(g)]/√(k!), g ∼ N(0,1), as a double, where known in closed form. */
  hermite?(k: number): number;
  /**
   * An enclosure of μ_r(σ) = E[σ(g)h_r(g)], h_r = He_r/√(r!), g ∼ N(0, 1), for every integer r ≥ 0 (closed forms with
   * their rounding bounds, or a certified quadrature for r ≤ 64 and Parseval's bound beyond; hermiteCoefficients.ts,
   * docs/activations.md#hermite-coefficients).
   */
  hermiteEnclosure(r: number): Interval;
  /** How `hermiteEnclosure` is obtained, in words. */
  readonly hermiteMethod: string;
  /** Points where σ is not differentiable (the rounding envelope of finite networks tests them). */
  readonly kinks?: readonly number[];
  /**
   * Optional: enclosures of σ(t) and σ'(t) at the double t (finite or ±∞), with every rounding inside (under the
   * elementary-function assumption of src/linalg/interval.ts, LIBM_ULPS). The certified finite network of a smooth
   * record measures the error of fn/deriv against them, so it does not rely on the accuracy of fn (e.g. Math.tanh).
   */
  enclose?(t: number): { f: Interval; df: Interval };
  /**
   * True when the finite network's forward/backward rounding analysis (empiricalNtkCertified.ts) covers this
   * activation (the (a,b)-ReLU family; smooth records with `enclose` and finite derivativeBounds sup1, sup2);
   * otherwise an empirical NTK computed with it is reported as NOT certified.
   */
  readonly certifiedFiniteNetwork: boolean;
}

/**
 * A Lipschitz constant of σ: max(|a|, |b|) for the (a,b)-ReLU family, `derivativeBounds.sup1` (≥ sup|σ'|) for a
 * record that has it, +∞ otherwise.
 */
export function activationLipschitz(act: ActivationRecord): number {
  if (act.kind === 'ab-relu') {
    const ab = act as unknown as { a: number; b: number };
    return Math.max(Math.abs(ab.a), Math.abs(ab.b));
  }
  return act.derivativeBounds ? act.derivativeBounds.sup1 : Infinity;
}
