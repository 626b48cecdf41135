/**
 * An ASYMPTOTIC bound (expected verdict: survived).
 *
 *   λ_min(K^(L)) = Θ(d)   as d → ∞, at fixed N and L
 *
 * This is Nguyen, Mondelli, Montúfar 2021 (arXiv 2012.11654), Theorem 3.2: for zero-mean i.i.d. data
 * with E‖x‖² = d, μ_r(σ)²·Ω(d) ≤ λ_min(K^(L)) ≤ L·O(d) with high probability. An asymptotic claim has
 * no constant to check: the audit sweeps d over the sizes below (1.6 decades) with independent draws
 * per size, in each held regime, fits the log-log slope of λ_min in d with a Student-t interval, and
 * answers survived when every regime's interval lies inside [0.9, 1.1], refuted when one lies outside
 * (a refutation is saved as replayable evidence), inconclusive otherwise.
 *
 * N = 8 and d ≥ 400: the Θ(d) regime needs d ≫ N (at N = 32 the local slope over these sizes is
 * still 1.03–1.07; at d ≤ 2048 it is 1.07–1.11). Change `exponent` to 1.2 or 0.8 to see a refutation.
 *
 *   ntk-audit audit examples/asymptotic-bound.ts --budget 5
 */
import { defineBound } from 'ntk-audit';

export default defineBound({
  id: 'example.lambda-min-theta-d',
  statement: 'λ_min(K^(L)) = Θ(d) as d → ∞ at fixed N (limiting NTK, ReLU, c_σ = 2, no biases)',
  asymptotic: {
    quantity: (q) => q.lambdaMinNTK,
    name: 'λ_min(K^(L))',
    relation: 'Theta',
    exponent: 1,
    tolerance: 0.1,
    sweep: 'd',
    sizes: [400, 1000, 2500, 6300, 16000],
    hold: [
      { N: 8, depth: 2, data: 'gaussian' },
      { N: 8, depth: 3, data: 'sqrt-d-sphere' },
    ],
  },
  costHint: 100,
});
