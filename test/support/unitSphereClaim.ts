import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import type { InequalitySpec, Side } from '../../src/audit/defineBound.ts';

/**
 * High-probability claims whose failure rate is known exactly. For X, Y independent and uniform on S^{d−1},
 * ⟨X, Y⟩ has the law of one coordinate X_1 and X_1² ~ Beta(1/2, (d − 1)/2), so for N = 2 points
 *     P(|⟨x_1, x_2⟩| > t) = p   exactly when   t² = B⁻¹(1 − p; 1/2, (d − 1)/2).
 */

/** The dimension d of the sphere S^{d−1}. */
export const SPHERE_D = 8;
/** The allowed failure probability δ of the claims. */
export const SPHERE_DELTA = 0.1;

/** The t with P(|⟨x_1, x_2⟩| > t) = p. */
export const sphereThreshold = (p: number): number => Math.sqrt(betaQuantile(1 - p, 0.5, (SPHERE_D - 1) / 2));

/**
 * The claim `lhs ≤ rhs with probability ≥ 1 − SPHERE_DELTA` over N = 2 i.i.d. uniform points of S^{SPHERE_D − 1}
 * (lhs: max_{i≠j} |⟨x_i, x_j⟩| unless given; geometry: the instance space's, when given).
 */
export function unitSphereClaim(o: { id: string; statement: string; rhs: Side; lhs?: Side; geometry?: unknown }): InequalitySpec {
  return {
    id: o.id,
    statement: o.statement,
    kind: 'high-probability',
    delta: SPHERE_DELTA,
    instances: { n: [2, 2], d: [SPHERE_D, SPHERE_D], data: ['unit-sphere'], ...(o.geometry === undefined ? {} : { geometry: o.geometry as never }) },
    lhs: o.lhs ?? ((q) => q.maxInnerProduct),
    relation: '<=',
    rhs: o.rhs,
  };
}
