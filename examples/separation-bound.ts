/**
 * A separation bound (δ-separated data; q.separation = min_{i≠k} min(‖x_i − x_k‖, ‖x_i + x_k‖), antipodal pairs
 * counted as collinear as in Karhadkar, Murray, Montúfar, arXiv 2405.14630).
 *
 * 1. example.separation-hinf — TRUE (expected verdict: survived).
 *      unit-norm, δ-separated data:   λ_min(H∞) ≥ δ/(100N²)
 *    The lower bound of Oymak & Soltanolkotabi (arXiv 1902.04674) for the ReLU kernel (XXᵀ)∘E[φ'(Xw)φ'(Xw)ᵀ] = H∞.
 *    Measured margins are large (λ_min(H∞)·100N²/δ between 4e2 and 2e4 for N ≤ 32).
 *
 * 2. example.separation-planted — FALSE (expected verdict: refuted): the planted stronger twin λ_min(H∞) ≥ δ/4,
 *    which holds for a handful of points but not once N exceeds d (e.g. N = 25, d = 6: λ_min = 0.061, δ/4 = 0.116).
 *
 *   ntk-audit audit examples/separation-bound.ts --budget 10
 */
import { defineBound, type Quantities } from 'ntk-audit';

/** λ_min(H∞) ≥ rhs(q) on unit-norm data: both bounds, which differ only in their right-hand side. */
const hInfinityLowerBound = (id: string, statement: string, rhs: (q: Quantities) => number, expectRefuted: boolean) =>
  defineBound({
    id,
    statement,
    instances: { n: [2, 32], d: [2, 12], depth: [2, 2], data: ['unit-sphere'] },
    lhs: (q) => q.lambdaMinHInfinity,
    relation: '>=',
    rhs,
    expectRefuted,
    costHint: 30,
  });

export const separation = hInfinityLowerBound(
  'example.separation-hinf',
  'λ_min(H∞) ≥ δ/(100N²) for unit-norm data, δ = min_{i≠k} min(‖x_i − x_k‖, ‖x_i + x_k‖)',
  (q) => q.separation / (100 * q.N * q.N),
  false,
);

export const planted = hInfinityLowerBound('example.separation-planted', 'λ_min(H∞) ≥ δ/4 for unit-norm data (planted, false)', (q) => q.separation / 4, true);

export default [separation, planted];
