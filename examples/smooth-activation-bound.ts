/**
 * Bounds on the limiting NTK of networks with smooth activations (erf, tanh) next to ReLU, with biases and both
 * parameterisations as dimensions of the audit (docs/api.md#architectures).
 *
 * 1. example.smooth-ntk-nngp — TRUE (expected verdict: survived).
 *      λ_min(K^(L)) ≥ λ_min(G^(L))   for σ ∈ {relu, erf, tanh}, b_std ∈ {0, 0.5}, parameterisation 'nmm' or 'ntk'
 *    Why: the NTK recursion of Jacot, Gabriel, Hongler (arXiv 1806.07572, Theorem 1) gives
 *    K^(L) = G^(L) + K^(L−1)∘Ġ^(L), with K^(L−1), Ġ^(L) = c_L·E[σ'(u)σ'(v)] positive semi-definite for every
 *    activation and bias, so K^(L−1)∘Ġ^(L) ⪰ 0 (Schur product theorem) and K^(L) ⪰ G^(L). Both sides read certified
 *    enclosures of the limiting kernels of the instance's architecture (src/ntk/limiting.ts, limitingSmooth.ts).
 *
 * 2. example.smooth-relu-diagonal-planted — FALSE (expected verdict: refuted): the planted stronger twin
 *      λ_min(K^(L)) ≥ λ_min(G^(L)) + λ_min(K^(L−1))
 *    For ReLU in the 'nmm' parameterisation Ġ^(L)_ii = 2·E[relu'(u)²] = 1, and λ_min(A∘B) ≥ λ_min(A)·min_i B_ii (Schur)
 *    makes it true (the per-layer argument of Nguyen, Mondelli, Montúfar, arXiv 2012.11654). For erf and tanh
 *    Ġ^(L)_ii = E[σ'(u)²]/κ depends on the variance ‖x_i‖² and falls below 1 for large inputs: carrying the ReLU
 *    diagonal over to smooth activations is false.
 *
 *   ntk-audit audit examples/smooth-activation-bound.ts --budget 10
 */
import { defineBound } from 'ntk-audit';

export const smooth = defineBound({
  id: 'example.smooth-ntk-nngp',
  statement: 'λ_min(K^(L)) ≥ λ_min(G^(L))   (limiting NTK and NNGP; σ ∈ {relu, erf, tanh}, b_std ∈ {0, 0.5}, nmm | ntk)',
  statementTex: String.raw`$\lambda_{\mathrm{min}}(K^{(L)}) \ge \lambda_{\mathrm{min}}(G^{(L)})$ for $\sigma \in \{\mathrm{relu}, \mathrm{erf}, \tanh\}$, $b_{\mathrm{std}} \in \{0, 0.5\}$`,
  source: {
    paper: 'Jacot, Gabriel, Hongler 2018, Neural Tangent Kernel (recursion) with the Schur product theorem',
    arxiv: '1806.07572',
    statement: 'Theorem 1',
  },
  instances: {
    n: [2, 10],
    d: [2, 8],
    depth: [2, 3],
    data: ['gaussian', 'unit-sphere'],
    activation: ['relu', 'erf', 'tanh'],
    bias: [0, 0.5],
    parameterization: ['nmm', 'ntk'],
  },
  lhs: (q) => q.lambdaMin('ntk'),
  relation: '>=',
  rhs: (q) => q.lambdaMin('nngp'),
  costHint: 15,
});

export const planted = defineBound({
  id: 'example.smooth-relu-diagonal-planted',
  statement: 'λ_min(K^(L)) ≥ λ_min(G^(L)) + λ_min(K^(L−1))   (planted: true for ReLU, nmm; false for erf and tanh)',
  // Gaussian rows in d ≥ 12 have ‖x_i‖² ≈ d, where Ġ^(2)_ii ≈ 0.3 for erf and tanh (and exactly 1 for ReLU)
  instances: { n: [2, 8], d: [12, 24], depth: [2, 3], data: ['gaussian'], activation: ['relu', 'erf', 'tanh'] },
  lhs: (q) => q.lambdaMin('ntk'),
  relation: '>=',
  rhs: (q) => q.lambdaMin('nngp') + q.lambdaMin(`ntk(${q.L - 1})`),
  expectRefuted: true,
  costHint: 15,
});

export default [smooth, planted];
