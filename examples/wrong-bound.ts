/**
 * A FALSE bound (expected verdict: refuted, within seconds).
 *
 *   λ_min(K^(2)) ≥ min_i ‖x_i‖² / 2
 *
 * It looks plausible (K^(2)_ii = 2‖x_i‖², and for two orthogonal inputs λ_min ≈ ‖x‖²), but as soon
 * as N exceeds d the inputs crowd together and λ_min(K^(2)) falls far below ‖x‖²_min/2 (typically
 * 0.1·‖x‖²_min for N = 8, d = 2). The audit reports the smallest and the worst certified
 * counterexamples, saved as replayable artifacts and as .npy files.
 *
 *   ntk-audit audit examples/wrong-bound.ts --budget 10
 */
import { defineBound } from 'ntk-audit';

export default defineBound({
  id: 'example.wrong-min-norm',
  statement: 'λ_min(K^(2)) ≥ min_i ‖x_i‖² / 2   (limiting NTK, depth 2, Gaussian data)',
  instances: { n: [2, 32], d: [2, 16], depth: [2, 2], data: ['gaussian'] },
  lhs: (q) => q.lambdaMinNTK,
  relation: '>=',
  rhs: (q) => q.minNormSq / 2,
  costHint: 60,
});
