/**
 * A TRUE bound (expected verdict: survived).
 *
 *   λ_min(K^(L)) ≤ (L/N)·Σ_i ‖x_i‖²
 *
 * Why it holds: with c_σ = 2 (ReLU, no biases) every layer preserves the diagonal, G^(l)_ii = ‖x_i‖²
 * and Ġ^(l)_ii = 1, so K^(L)_ii = L‖x_i‖² and λ_min ≤ tr K^(L)/N. Both sides are monotone in the
 * quantities they read (λ_min of the NTK; Σ‖x_i‖²), so the corner-evaluation error bound is rigorous.
 *
 *   ntk-audit audit examples/correct-bound.ts --budget 10
 */
import { defineBound } from 'ntk-audit';

export default defineBound({
  id: 'example.trace-upper-bound',
  statement: 'λ_min(K^(L)) ≤ (L/N)·Σ_i ‖x_i‖²   (limiting NTK, ReLU, c_σ = 2, no biases)',
  instances: { n: [2, 48], d: [2, 32], depth: [1, 5], data: ['gaussian', 'unit-sphere', 'sqrt-d-sphere', 'rademacher'] },
  lhs: (q) => q.lambdaMinNTK,
  relation: '<=',
  rhs: (q) => (q.L / q.N) * q.sumNormSq,
  costHint: 60,
});
