import fc from 'fast-check';
import { gram } from '../src/linalg/blas.ts';
import { gramEntryErrorBoundFromGram, maxAbsOffDiagonal } from '../src/linalg/gramStats.ts';
import { UNIT_ROUNDOFF } from '../src/linalg/matrix.ts';
import type { Matrix } from '../src/linalg/matrix.ts';
import { sampleData, type DistributionFamily } from '../src/random/distributions.ts';
import { childRng } from '../src/random/rng.ts';
import type { Evaluation, Theorem } from '../src/theorem/types.ts';

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

function maxInnerProductClaim(opts: { id: string; family: DistributionFamily; c: number; planted?: boolean; cProvenance: 'derived' | 'user'; validUpTo?: number }): Theorem<MaxInnerDescriptor, MaxInnerInstance> {
  const scale = opts.family === 'unit-sphere' ? 'uniform on the unit sphere S^{d−1}' : 'N(0, I_d/d)';
  const cText = opts.c === 2 ? '2' : opts.c === 2 * Math.SQRT2 ? '2√2' : String(opts.c);
  return {
    id: opts.id,
    title: `${opts.planted ? 'PLANTED (constant halved): ' : ''}max_{i<j}|⟨x_i,x_j⟩| ≤ ${cText}√(log(N/δ)/d) w.p. ≥ 1 − δ, data ${scale}`,
    source: { paper: 'Spherical-cap concentration (K. Ball 1997, Lemma 2.2) + union bound', statement: 'derived, explicit constants (docs/theorems.md#concentration-of-the-largest-inner-product)' },
    kind: 'high-probability',
    statement: `For N i.i.d. points ${scale}, with probability ≥ 1 − δ, max_{i<j} |⟨x_i, x_j⟩| ≤ ${cText} √(log(N/δ)/d).`,
    conventions: { data: scale, 'inner product': 'Euclidean, computed from X Xᵀ with its rounding bound' },
    constants: [{ name: 'C', value: opts.c, provenance: opts.cProvenance, note: opts.planted ? 'planted error: the derived constant 2 halved' : opts.family === 'unit-sphere' ? 'union bound over N(N−1)/2 pairs of 2e^{−dt²/2}' : 'Chernoff with −½log(1−λ²) ≤ λ² for λ² ≤ ½' }],
    expectRefuted: opts.planted === true,
    descriptors: fc.record({
      n: fc.integer({ min: 2, max: 120 }),
      d: fc.integer({ min: 8, max: 400 }),
      delta: fc.constantFrom(0.2, 0.1, 0.05),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }).map(String),
    }),
    materialize: (d) => ({ x: sampleData(childRng(d.seed, 'data'), { family: opts.family }, d.n, d.d), delta: d.delta }),
    assumptions(i, d) {
      if (d.n < 2) return 'N ≥ 2';
      if (!(d.delta > 0 && d.delta < 1)) return 'δ ∈ (0, 1)';
      if (opts.validUpTo !== undefined && opts.c * Math.sqrt(Math.log(d.n / d.delta) / d.d) > opts.validUpTo) return `bound ≤ ${opts.validUpTo} (Chernoff step)`;
      void i;
      return null;
    },
    conclude(i, d): Evaluation {
      const g = gram(i.x);
      const lhs = maxAbsOffDiagonal(g).value;
      const rhs = opts.c * Math.sqrt(Math.log(d.n / d.delta) / d.d);
      return { lhs, lhsError: gramEntryErrorBoundFromGram(g, i.x.cols), rhs, rhsError: 8 * UNIT_ROUNDOFF * rhs, relation: '<=', quantities: { ratio: lhs / rhs, N: d.n, d: d.d } };
    },
    delta: (d) => d.delta,
    configKey: (d) => `N=${d.n},d=${d.d},δ=${d.delta}`,
    cells: (d) => ({ N: d.n <= 20 ? '2–20' : d.n <= 60 ? '21–60' : '61–120', d: d.d <= 50 ? '8–50' : d.d <= 150 ? '51–150' : '151–400', δ: String(d.delta) }),
    costHint: 2400,
  };
}

export const sphereMaxInnerProduct = maxInnerProductClaim({ id: 'concentration.sphere.max-inner-product', family: 'unit-sphere', c: 2, cProvenance: 'derived' });
export const gaussianMaxInnerProduct = maxInnerProductClaim({ id: 'concentration.gaussian.max-inner-product', family: 'gaussian-scaled', c: 2 * Math.SQRT2, cProvenance: 'derived', validUpTo: Math.SQRT2 });
export const plantedSphereMaxInnerProduct = maxInnerProductClaim({ id: 'planted.concentration.sphere-constant-halved', family: 'unit-sphere', c: 1, planted: true, cProvenance: 'user' });

export const concentrationTheorems = [sphereMaxInnerProduct, gaussianMaxInnerProduct, plantedSphereMaxInnerProduct];
