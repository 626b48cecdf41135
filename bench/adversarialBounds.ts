import type { GeometryOption } from '../src/audit/adversarialSpace.ts';
import { type AuditTheorem, defineBound, type InequalitySpec, type InstanceSpace } from '../src/audit/defineBound.ts';

/**
 * False bounds that fail only on structured data (bench/adversarial.ts, src/search/adversarial.test.ts): each is
 * a true-looking lower bound on a smallest eigenvalue whose constant sits in the far lower tail of its i.i.d.
 * Gaussian instance space (about 1 draw in 500–800 refutes it, by random crowding), while near-duplicate
 * pairs, clusters, low-rank subspaces or heavy-tailed norms refute it at once. The constants were read off
 * 4,000 i.i.d. draws per space (the 5th–8th smallest ratio). `geometry` undefined: the i.i.d. space.
 */
export function structuredFalseBounds(geometry?: GeometryOption): AuditTheorem[] {
  return FALSE_LOWER_BOUNDS.map(({ n, d, ...b }) => {
    const space: InstanceSpace = { n, d, depth: [2, 2], data: ['gaussian'] };
    return defineBound({ ...b, instances: geometry ? { ...space, geometry } : space, relation: '>=', expectRefuted: true });
  });
}

/** Each a false lower bound lhs ≥ rhs over depth-2 networks on Gaussian data with N ∈ n, d ∈ d. */
// biome-ignore format: a table of bounds, one a row (the sizes and the two sides, then the statement)
const FALSE_LOWER_BOUNDS: (Pick<InequalitySpec, 'id' | 'statement' | 'lhs' | 'rhs'> & { n: [number, number]; d: [number, number] })[] = [
  { id: 'adversarial.hinf-no-angle-premise', n: [2, 6], d: [4, 12], lhs: (q) => q.lambdaMinHInfinity, rhs: () => 0.035,
    statement: 'λ_min(H∞) ≥ 0.035 (a separation bound with its premise "min pairwise angle ≥ θ₀" dropped)' },
  { id: 'adversarial.gram-full-rank', n: [2, 6], d: [8, 16], lhs: (q) => q.lambdaMinGram, rhs: (q) => 0.02 * q.minNormSq,
    statement: 'λ_min(XXᵀ) ≥ 0.02·min_i ‖x_i‖² for N ≤ 6 < 8 ≤ d (false on a low-rank subspace)' },
  { id: 'adversarial.ntk-near-duplicates', n: [2, 8], d: [4, 16], lhs: (q) => q.lambdaMinNTK, rhs: (q) => 0.12 * q.minNormSq,
    statement: 'λ_min(K^(2)) ≥ 0.12·min_i ‖x_i‖² (false near duplicates)' },
  { id: 'adversarial.ntk-mean-norm', n: [2, 6], d: [4, 12], lhs: (q) => q.lambdaMinNTK, rhs: (q) => (0.02 * q.sumNormSq) / q.N,
    statement: 'λ_min(K^(2)) ≥ 0.02·(1/N)·Σ_i ‖x_i‖² (false for heavy-tailed norms)' },
];
