import fc from 'fast-check';
import { gram } from '../src/linalg/blas.ts';
import { gramEntryErrorBoundFromGram, maxAbsOffDiagonal, maxRowNormSquared, rowNormsSquared } from '../src/linalg/gramStats.ts';
import { type Interval, interval } from '../src/linalg/interval.ts';
import type { Matrix } from '../src/linalg/matrix.ts';
import { sampleData, type DistributionFamily } from '../src/random/distributions.ts';
import { childRng } from '../src/random/rng.ts';
import { sideAt } from '../src/theorem/sides.ts';
import type { Evaluation, Theorem } from '../src/theorem/types.ts';
import { seedArb } from '../src/theorem/arbitraries.ts';
import { claimOrTwin, claimOrTwinConstant } from './twins.ts';

/**
 * Concentration of the largest inner product of random unit-scale vectors
 * (docs/theorems.md#concentration-of-the-largest-inner-product): a high-probability claim with
 * explicit constants. Spherical-cap bound (K. Ball 1997,
 * Lemma 2.2) P(|⟨X,Y⟩| ≥ t) ≤ 2e^{−dt²/2} and a union bound over pairs give, with probability ≥ 1 − δ,
 *   unit sphere:      max_{i<j} |⟨x_i, x_j⟩| ≤ 2 √(log(N/δ)/d);
 *   N(0, I_d/d):      max_{i<j} |⟨x_i, x_j⟩| ≤ 2√2 √(log(N/δ)/d)   (valid while the bound is ≤ √2).
 */

interface MaxInnerDescriptor {
  [key: string]: unknown;
  n: number;
  d: number;
  delta: number;
  seed: string;
}

interface MaxInnerInstance {
  x: Matrix;
  delta: number;
}

/** N ∈ [2, 120], d ∈ [40, 400], δ ∈ {0.2, 0.1, 0.05} and the data seed, with `extra` fields before the seed. */
function maxInnerDescriptors<T extends object>(extra: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<MaxInnerDescriptor & T> {
  const record = fc.record({
    n: fc.integer({ min: 2, max: 120 }),
    // d ≥ 40: below, 2√(log(N/δ)/d) ≥ 1 ≥ |⟨x_i, x_j⟩| is possible (N = 120, δ = 0.05 needs d > 31); with the norm
    // factor, 2σ√(log(N/δ)) < max_k‖X_k‖ (non-vacuous) needs d > 4 log(N/δ) ≈ 31 at N = 120, δ = 0.05
    d: fc.integer({ min: 40, max: 400 }),
    delta: fc.constantFrom(0.2, 0.1, 0.05),
    ...extra,
    seed: seedArb,
  });
  return record as unknown as fc.Arbitrary<MaxInnerDescriptor & T>;
}

/** The coverage cell of N. */
const nCell = (n: number) => (n <= 20 ? '2–20' : n <= 60 ? '21–60' : '61–120');

/**
 * max_{i<j} |⟨x_i, x_j⟩| ≤ rhs, the left side from XXᵀ with its rounding bound, the right side `rhs` with its exact
 * value in `exactRhs`. Cauchy–Schwarz: |⟨x_i, x_j⟩| ≤ max_k ‖x_k‖² whatever the draw (`maxNorm2` encloses it), so a
 * rhs above it cannot be exceeded: the instance is vacuous.
 */
function maxInnerProductEvaluation(x: Matrix, d: MaxInnerDescriptor, rhs: number, exactRhs: Interval, maxNorm2: Interval = maxRowNormSquared(x)): Evaluation {
  const g = gram(x);
  const lhs = maxAbsOffDiagonal(g).value;
  return {
    lhs,
    lhsError: gramEntryErrorBoundFromGram(g, x.cols),
    rhs,
    rhsError: sideAt(rhs, exactRhs).error,
    relation: '<=',
    vacuous: rhs >= maxNorm2.hi,
    quantities: { ratio: lhs / rhs, N: d.n, d: d.d },
  };
}

function maxInnerProductClaim(opts: {
  id: string;
  family: DistributionFamily;
  c: number;
  planted?: boolean;
  twinOf?: string;
  cProvenance: 'derived' | 'user';
  validUpTo?: number;
}): Theorem<MaxInnerDescriptor, MaxInnerInstance> {
  const scale = opts.family === 'unit-sphere' ? 'uniform on the unit sphere S^{d−1}' : 'N(0, I_d/d)';
  const cText = opts.c === 2 ? '2' : opts.c === 2 * Math.SQRT2 ? '2√2' : opts.c === Math.SQRT2 ? '√2' : String(opts.c);
  const scaleTex = opts.family === 'unit-sphere' ? String.raw`uniform on the unit sphere $S^{d-1}$` : String.raw`$\mathcal{N}(0, I_d/d)$`;
  const cTex = opts.c === 2 ? '2' : opts.c === 2 * Math.SQRT2 ? String.raw`2\sqrt{2}` : opts.c === Math.SQRT2 ? String.raw`\sqrt{2}` : String(opts.c);
  return {
    id: opts.id,
    title: `${opts.planted ? 'PLANTED (constant halved): ' : ''}max_{i<j}|⟨x_i,x_j⟩| ≤ ${cText}√(log(N/δ)/d) w.p. ≥ 1 − δ, data ${scale}`,
    source: {
      paper: 'Spherical-cap concentration (K. Ball 1997, Lemma 2.2) + union bound',
      statement: 'derived, explicit constants (docs/theorems.md#concentration-of-the-largest-inner-product)',
    },
    kind: 'high-probability',
    statement: `For N i.i.d. points ${scale}, with probability ≥ 1 − δ, max_{i<j} |⟨x_i, x_j⟩| ≤ ${cText} √(log(N/δ)/d).`,
    statementTex: String.raw`For $N$ i.i.d. points ${scaleTex}, with probability $\ge 1 - \delta$, $\max_{i<j} \lvert \langle x_i, x_j \rangle \rvert \le ${cTex} \sqrt{\log(N/\delta)/d}$.`,
    conventions: { data: scale, 'inner product': 'Euclidean, computed from X Xᵀ with its rounding bound' },
    constants: [
      {
        name: 'C',
        value: opts.c,
        provenance: opts.cProvenance,
        note: opts.planted
          ? `planted error: the derived constant ${opts.family === 'unit-sphere' ? '2' : '2√2'} halved`
          : opts.family === 'unit-sphere'
            ? 'union bound over N(N−1)/2 pairs of 2e^{−dt²/2}'
            : 'Chernoff with −½log(1−λ²) ≤ λ² for λ² ≤ ½',
      },
    ],
    expectRefuted: opts.planted === true,
    ...(opts.twinOf ? { twinOf: opts.twinOf } : {}),
    descriptors: maxInnerDescriptors({}),
    materialize: (d) => ({ x: sampleData(childRng(d.seed, 'data'), { family: opts.family }, d.n, d.d), delta: d.delta }),
    assumptions(i, d) {
      if (d.n < 2) return 'N ≥ 2';
      if (!(d.delta > 0 && d.delta < 1)) return 'δ ∈ (0, 1)';
      if (opts.validUpTo !== undefined && opts.c * Math.sqrt(Math.log(d.n / d.delta) / d.d) > opts.validUpTo)
        return `bound ≤ ${opts.validUpTo} (Chernoff step)`;
      void i;
      return null;
    },
    conclude(i, d): Evaluation {
      const rhs = opts.c * Math.sqrt(Math.log(d.n / d.delta) / d.d);
      return maxInnerProductEvaluation(i.x, d, rhs, interval(opts.c).mul(interval(d.n).div(d.delta).log().div(d.d).sqrt()));
    },
    delta: (d) => d.delta,
    configKey: (d) => `N=${d.n},d=${d.d},δ=${d.delta}`,
    cells: (d) => ({ N: nCell(d.n), d: d.d <= 50 ? '40–50' : d.d <= 150 ? '51–150' : '151–400', δ: String(d.delta) }),
    costHint: 2400,
  };
}

export const sphereMaxInnerProduct = maxInnerProductClaim({
  id: 'concentration.sphere.max-inner-product',
  family: 'unit-sphere',
  c: 2,
  cProvenance: 'derived',
});
export const gaussianMaxInnerProduct = maxInnerProductClaim({
  id: 'concentration.gaussian.max-inner-product',
  family: 'gaussian-scaled',
  c: 2 * Math.SQRT2,
  cProvenance: 'derived',
  validUpTo: Math.SQRT2,
});
export const plantedSphereMaxInnerProduct = maxInnerProductClaim({
  id: 'planted.concentration.sphere-constant-halved',
  family: 'unit-sphere',
  c: 1,
  planted: true,
  twinOf: 'concentration.sphere.max-inner-product',
  cProvenance: 'user',
});
export const plantedGaussianMaxInnerProduct = maxInnerProductClaim({
  id: 'planted.concentration.gaussian-constant-halved',
  family: 'gaussian-scaled',
  c: Math.SQRT2,
  planted: true,
  twinOf: 'concentration.gaussian.max-inner-product',
  cProvenance: 'user',
  validUpTo: Math.SQRT2,
});

// ------------------------------------------------------------------------------------------------
// Independent sub-Gaussian coordinates: the bound with the max‖X_k‖ factor (no norm concentration used)

type SubGaussianFamily = 'gaussian' | 'gaussian-scaled' | 'rademacher';
/** σ: every coordinate is mean zero with E e^{λξ} ≤ e^{λ²σ²/2} (N(0, 1): 1; N(0, 1/d): 1/√d; ±1: 1). */
const SUB_GAUSSIAN_SIGMA = (family: SubGaussianFamily, d: number) => (family === 'gaussian-scaled' ? 1 / Math.sqrt(d) : 1);

interface SubGaussianDescriptor extends MaxInnerDescriptor {
  family: SubGaussianFamily;
}

/**
 * Rows X_1, …, X_N independent, with independent mean-zero σ-sub-Gaussian coordinates. Given X_j,
 * ⟨X_i, X_j⟩ = Σ_k X_ik X_jk is σ‖X_j‖-sub-Gaussian (a sum of independent terms), so
 * P(|⟨X_i, X_j⟩| ≥ σ‖X_j‖u) ≤ 2e^{−u²/2}; a union bound over the N(N − 1)/2 pairs with
 * u = √(2 log(N(N − 1)/δ)) ≤ 2√(log(N/δ)) gives, with probability ≥ 1 − δ,
 *   max_{i<j} |⟨X_i, X_j⟩| ≤ 2σ · max_k ‖X_k‖ · √(log(N/δ))
 * (docs/theorems.md#sub-gaussian-max-inner-product-with-the-norm-factor). No validity range: the norm
 * factor replaces the norm concentration the normalised statements need. `c` = 1 plants a halved constant.
 */
function subGaussianMaxInnerProduct(c: number): Theorem<SubGaussianDescriptor, MaxInnerInstance & { sigma: number }> {
  const planted = c !== 2;
  return {
    ...claimOrTwin(planted, { claim: 'concentration.subgaussian.max-inner-product-norm-factor', twin: 'planted.concentration.subgaussian-norm-factor-halved' }),
    title: `${planted ? 'PLANTED (constant halved): ' : ''}max_{i<j}|⟨X_i,X_j⟩| ≤ ${planted ? '' : '2'}σ·max_k‖X_k‖·√(log(N/δ)) w.p. ≥ 1 − δ, independent σ-sub-Gaussian coordinates`,
    source: {
      paper: 'Sub-Gaussian tail of a linear form (Hoeffding / Chernoff) + union bound over pairs',
      statement: 'derived, explicit constants (docs/theorems.md#sub-gaussian-max-inner-product-with-the-norm-factor)',
    },
    kind: 'high-probability',
    statement: `For N independent rows with independent mean-zero σ-sub-Gaussian coordinates (N(0, 1), N(0, 1/d) or ±1), with probability ≥ 1 − δ, max_{i<j} |⟨X_i, X_j⟩| ≤ ${planted ? '' : '2'}σ·max_k ‖X_k‖·√(log(N/δ)).`,
    statementTex: String.raw`For $N$ independent rows with independent mean-zero $\sigma$-sub-Gaussian coordinates ($\mathcal{N}(0, 1)$, $\mathcal{N}(0, 1/d)$ or $\pm 1$), with probability $\ge 1 - \delta$, $\max_{i<j} \lvert \langle X_i, X_j \rangle \rvert \le ${planted ? '' : '2'}\sigma \cdot \max_k \lVert X_k \rVert \cdot \sqrt{\log(N/\delta)}$.`,
    conventions: {
      data: 'N(0, I_d) (σ = 1), N(0, I_d/d) (σ = 1/√d) or uniform on {±1}^d (σ = 1)',
      'inner product': 'Euclidean, computed from X Xᵀ with its rounding bound',
    },
    constants: [
      claimOrTwinConstant(
        planted,
        {
          name: 'C',
          value: c,
          provenance: 'derived',
          note: 'u = √(2 log(N(N − 1)/δ)) ≤ 2√(log(N/δ)) for δ ≤ 1 (sub-Gaussian tail 2e^{−u²/2}, union bound over pairs)',
        },
        { note: 'planted error: the derived constant 2 halved' },
      ),
    ],
    descriptors: maxInnerDescriptors({ family: fc.constantFrom<SubGaussianFamily>('gaussian', 'gaussian-scaled', 'rademacher') }),
    materialize: (d) => ({ x: sampleData(childRng(d.seed, 'data'), { family: d.family }, d.n, d.d), delta: d.delta, sigma: SUB_GAUSSIAN_SIGMA(d.family, d.d) }),
    assumptions: (_i, d) => (d.n < 2 ? 'N ≥ 2' : d.delta > 0 && d.delta < 1 ? null : 'δ ∈ (0, 1)'),
    conclude(i, d): Evaluation {
      const norms = rowNormsSquared(i.x);
      let maxNorm2 = 0;
      for (let k = 0; k < norms.length; k++) maxNorm2 = Math.max(maxNorm2, norms[k]);
      const rhs = c * i.sigma * Math.sqrt(maxNorm2) * Math.sqrt(Math.log(d.n / d.delta));
      // the exact max_k ‖X_k‖²
      const exactNorm2 = maxRowNormSquared(i.x);
      const sigma = d.family === 'gaussian-scaled' ? interval(1).div(interval(d.d).sqrt()) : interval(1);
      const exactRhs = interval(c).mul(sigma).mul(exactNorm2.sqrt()).mul(interval(d.n).div(d.delta).log().sqrt());
      return maxInnerProductEvaluation(i.x, d, rhs, exactRhs, exactNorm2);
    },
    delta: (d) => d.delta,
    configKey: (d) => `${d.family},N=${d.n},d=${d.d},δ=${d.delta}`,
    cells: (d) => ({ family: d.family, N: nCell(d.n), δ: String(d.delta) }),
    costHint: 2400,
  };
}

export const concentrationTheorems = [
  sphereMaxInnerProduct,
  gaussianMaxInnerProduct,
  subGaussianMaxInnerProduct(2),
  plantedSphereMaxInnerProduct,
  plantedGaussianMaxInnerProduct,
  subGaussianMaxInnerProduct(1),
];
