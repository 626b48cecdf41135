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
import { defineBound, type LabelModel } from 'ntk-audit';

/** The one statement of both bounds, with the labels drawn by `model` (`labels` names them in the statement). */
const complexityBound = (id: string, labels: string, model: LabelModel, expectRefuted: boolean) =>
  defineBound({
    id,
    statement: `√(2yᵀ(H∞)⁻¹y/N) ≤ 2√2/√N   (${labels}, unit-sphere data, H∞ of Du et al.)`,
    instances: { n: [2, 24], d: [2, 12], depth: [2, 2], data: ['unit-sphere'], labels: { model } },
    lhs: (q) => Math.sqrt((2 * q.labelQuadForm('hInfinity')) / q.N),
    relation: '<=',
    rhs: (q) => (2 * Math.SQRT2) / Math.sqrt(q.N),
    expectRefuted,
    costHint: 30,
  });

export const linearTeacher = complexityBound('example.arora-linear-teacher', 'labels y = αᵀx, ‖α‖ = 1', 'linear-teacher', false);

export const randomLabels = complexityBound('example.arora-random-labels', 'random ±1 labels', 'rademacher', true);

export default [linearTeacher, randomLabels];
