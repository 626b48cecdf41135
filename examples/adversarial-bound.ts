/**
 * A FALSE bound that i.i.d. data refutes only by luck (expected verdict: refuted, within seconds, because the
 * instance space declares adversarial geometries).
 *
 *   λ_min(H∞) ≥ 0.035   for N ≤ 6 unit-normalised Gaussian inputs in d = 4…12
 *
 * λ_0 = λ_min(H∞) > 0 needs no two inputs parallel (Du et al. 2019, arXiv 1810.02054, Assumption 3.1 and
 * Theorem 3.1), and a constant lower bound needs a quantitative separation premise (a minimum pairwise angle);
 * this statement drops it. On i.i.d. Gaussian data at N ≤ 6 < d it fails about once in 800 draws, but a
 * near-duplicate pair at angle 10^−k, a tight cluster or a low-rank subspace breaks it at once.
 * `geometry: 'adversarial'` draws those data geometries alongside i.i.d. rows and lets the targeted search
 * move points (src/random/geometry/index.ts, src/search/adversarial.ts); every move is recorded in the
 * counterexample's descriptor.
 *
 *   ntk-audit audit examples/adversarial-bound.ts --budget 20
 */
import { defineBound } from 'ntk-audit';

export default defineBound({
  id: 'example.hinf-without-separation',
  statement: 'λ_min(H∞) ≥ 0.035   (no minimum-angle premise; N ≤ 6, d = 4…12, Gaussian data)',
  instances: { n: [2, 6], d: [4, 12], depth: [2, 2], data: ['gaussian'], geometry: 'adversarial' },
  lhs: (q) => q.lambdaMinHInfinity,
  relation: '>=',
  rhs: () => 0.035,
  expectRefuted: true,
});
