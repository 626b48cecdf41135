/**
 * A per-layer bound on the limiting NTK (Nguyen, Mondelli, Montúfar, arXiv 2012.11654; ReLU, c_σ = 2, no biases).
 *
 * 1. example.per-layer-nngp — TRUE (expected verdict: survived).
 *      λ_min(K^(L)) ≥ Σ_{l=1}^{L} λ_min(G^(l))
 *    Why: K^(L) = Σ_l G^(l)∘Ġ^(l+1)∘…∘Ġ^(L) (their eq. (10)) with every Ġ^(k) positive semi-definite and Ġ^(k)_ii = 1,
 *    and λ_min(A∘B) ≥ λ_min(A)·min_i B_ii for A, B ⪰ 0 (Schur). Both sides read certified enclosures
 *    (q.lambdaMin('ntk'), q.lambdaMin('nngp(l)')); the sides are monotone in each, so corner evaluation is rigorous.
 *
 * 2. example.per-layer-ntk-planted — FALSE (expected verdict: refuted): the planted stronger twin
 *      λ_min(K^(L)) ≥ Σ_{l=1}^{L} λ_min(K^(l))
 *    (K^(l) ⪯ K^(L) only term by term; summing the NTKs of every depth counts the layers repeatedly).
 *
 *   ntk-audit audit examples/per-layer-bound.ts --budget 10
 */
import { defineBound } from 'ntk-audit';

const sum = (L: number, f: (l: number) => number): number => {
  let s = 0;
  for (let l = 1; l <= L; l++) s += f(l);
  return s;
};

/** λ_min(K^(L)) ≥ Σ_{l=1}^{L} λ_min of the layer-l kernel named `kernel` ('nngp': G^(l), 'ntk': K^(l)). */
const perLayerBound = (id: string, statement: string, kernel: 'nngp' | 'ntk', expectRefuted: boolean) =>
  defineBound({
    id,
    statement,
    instances: { n: [2, 16], d: [2, 12], depth: [2, 4], data: ['gaussian', 'unit-sphere'] },
    lhs: (q) => q.lambdaMin('ntk'),
    relation: '>=',
    rhs: (q) => sum(q.L, (l) => q.lambdaMin(`${kernel}(${l})`)),
    expectRefuted,
    costHint: 30,
  });

export const perLayer = perLayerBound(
  'example.per-layer-nngp',
  'λ_min(K^(L)) ≥ Σ_{l=1}^{L} λ_min(G^(l))   (limiting NTK and NNGP, ReLU, c_σ = 2, no biases)',
  'nngp',
  false,
);

export const planted = perLayerBound('example.per-layer-ntk-planted', 'λ_min(K^(L)) ≥ Σ_{l=1}^{L} λ_min(K^(l))   (planted, false)', 'ntk', true);

export default [perLayer, planted];
