/**
 * A bound that holds only in PART of its stated regime (expected verdict: refuted, with the cells
 * showing where it holds).
 *
 *   λ_min(K^(2)) ≥ d/5   for data on the sphere of radius √d (‖x_i‖² = d)
 *
 * In the over-complete regime d ≥ N the inputs are nearly orthogonal and λ_min(K^(2)) ≈ 0.3–0.9·d,
 * so the bound holds there; for d ≪ N the inputs crowd and λ_min(K^(2)) drops to ≈ 0.02–0.1·d. The
 * audit is refuted overall, and its `d/N` cells show 'd/N ≥ 1' survived and 'd/N < 1/4' refuted:
 * the bound needs an assumption such as d ≥ N (add `assume: { 'd ≥ N': (q) => q.d >= q.N }` and it
 * survives).
 *
 *   ntk-audit audit examples/partial-bound.ts --budget 10
 */
import { defineBound } from 'ntk-audit';

export default defineBound({
  id: 'example.partial-linear-in-d',
  statement: 'λ_min(K^(2)) ≥ d/5 on the √d-sphere (claimed for all N ≤ 64, d ≤ 64)',
  // optional: the statement as TeX, shown as mathematics in the HTML report
  statementTex: String.raw`$\lambda_{\mathrm{min}}(K^{(2)}) \ge d/5$ on the $\sqrt{d}$-sphere (claimed for all $N \le 64$, $d \le 64$)`,
  instances: { n: [4, 64], d: [2, 64], depth: [2, 2], data: ['sqrt-d-sphere'] },
  lhs: (q) => q.lambdaMinNTK,
  relation: '>=',
  rhs: (q) => q.d / 5,
  cells: (q) => ({ regime: q.d >= q.N ? 'd ≥ N' : 'd < N' }),
  costHint: 60,
});
