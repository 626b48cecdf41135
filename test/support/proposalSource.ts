/**
 * Source text of proposals that tests write to disk and load as a user's file would be loaded, importing
 * defineBound from 'ntk-audit'.
 */

/**
 * The object literal of a true bound, λ_min(K^(L)) ≤ tr(K^(L))/N = (L/N)·Σ‖x_i‖² (the diagonal K^(L)_ii = L‖x_i‖²,
 * docs/conventions.md#relu-closed-forms), on Gaussian data with N, d and the depth in the given ranges.
 */
export function traceBoundSpec(id: string, space: { n: [number, number]; d: [number, number]; depth: [number, number] }): string {
  const range = (r: [number, number]) => `[${r.join(', ')}]`;
  return `{
  id: '${id}',
  statement: 'λ_min(K^(L)) ≤ (L/N)·Σ‖x_i‖²',
  instances: { n: ${range(space.n)}, d: ${range(space.d)}, depth: ${range(space.depth)}, data: ['gaussian'] },
  lhs: (q) => q.lambdaMinNTK,
  relation: '<=',
  rhs: (q) => (q.L / q.N) * q.sumNormSq,
}`;
}

/** An ES module whose default export is defineBound(spec). */
export const esmProposal = (spec: string): string => `import { defineBound } from 'ntk-audit';\nexport default defineBound(${spec});\n`;
