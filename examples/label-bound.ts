/**
 * Label bounds: the complexity term √(2yᵀ(H∞)⁻¹y/N) of Arora, Du, Hu, Li, Wang (ICML 2019, arXiv 1901.08584,
 * Thm 5.1), read with labels declared in the instance space (docs/conventions.md#labels).
 *
 * 1. example.arora-linear-teacher — TRUE (expected verdict: survived).
 *      labels y_i = αᵀx_i, ‖α‖ = 1, unit-norm data:   √(2yᵀ(H∞)⁻¹y/N) ≤ 2√2/√N
 *    Why: αᵀx = E_w[2αᵀx·1{wᵀx ≥ 0}] (P(wᵀx ≥ 0) = 1/2), so the function lies in the RKHS of H∞ with squared norm
 *    ≤ E‖2α‖² = 4‖α‖², and yᵀ(H∞)⁻¹y ≤ 4‖α‖² (the linear example of Arora et al., Sec. 6).
 *
 * 2. example.arora-random-labels — FALSE (expected verdict: refuted, within seconds).
 *      random ±1 labels:                               √(2yᵀ(H∞)⁻¹y/N) ≤ 2√2/√N
 *    The same statement with labels that no smooth function explains: yᵀ(H∞)⁻¹y ≥ N/λ_max(H∞) grows with N,
 *    the term is ≈ 2 (measured 1.6–4.4 for N ≤ 32) and the bound is far from holding.
 *
 *   ntk-audit audit examples/label-bound.ts --budget 10
 */
import { defineBound } from 'ntk-audit';

const statement = (labels: string) => `√(2yᵀ(H∞)⁻¹y/N) ≤ 2√2/√N   (${labels}, unit-sphere data, H∞ of Du et al.)`;

export const linearTeacher = defineBound({
  id: 'example.arora-linear-teacher',
  statement: statement('labels y = αᵀx, ‖α‖ = 1'),
  instances: { n: [2, 24], d: [2, 12], depth: [2, 2], data: ['unit-sphere'], labels: { model: 'linear-teacher' } },
  lhs: (q) => Math.sqrt((2 * q.labelQuadForm('hInfinity')) / q.N),
  relation: '<=',
  rhs: (q) => (2 * Math.SQRT2) / Math.sqrt(q.N),
  costHint: 30,
});

export const randomLabels = defineBound({
  id: 'example.arora-random-labels',
  statement: statement('random ±1 labels'),
  instances: { n: [2, 24], d: [2, 12], depth: [2, 2], data: ['unit-sphere'], labels: { model: 'rademacher' } },
  lhs: (q) => Math.sqrt((2 * q.labelQuadForm('hInfinity')) / q.N),
  relation: '<=',
  rhs: (q) => (2 * Math.SQRT2) / Math.sqrt(q.N),
  expectRefuted: true,
  costHint: 30,
});

export default [linearTeacher, randomLabels];
