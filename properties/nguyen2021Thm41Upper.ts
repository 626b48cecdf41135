import { lambdaMinCertified } from '../src/linalg/lambdaMin.ts';
import { UNIT_ROUNDOFF } from '../src/linalg/matrix.ts';
import type { Network } from '../src/ntk/network.ts';
import { fromEnclosure } from '../src/theorem/sides.ts';
import type { Evaluation, Theorem } from '../src/theorem/types.ts';
import { type FwInstance, type WideDesc, certifiedNtk, wideAssumptions, wideBase, wideProbes } from './nguyen2021FiniteWidth.ts';
import { NMM_SOURCE } from './nguyen2021Limiting.ts';

/**
 * Nguyen, Mondelli, Montúfar 2021 (arXiv 2012.11654v5), Theorem 4.1 UPPER bound
 * (docs/theorems.md#theorem-41), on the same wide-layer instances as the lower bound
 * (nguyen2021FiniteWidth.ts):
 *   λ_min(K̄) ≤ Σ_{k=1}^{L} O(d Π_{l=1}^{L−1} n_l Π_{l≠k} β_l²)  w.p. ≥ 1 − Σ_l e^{−Ω(n_l)} − e^{−Ω(d)},
 * with the O(·) instantiated as C·(·).
 */

const U = UNIT_ROUNDOFF;
const C41U = 1;

/** Σ_{k=1}^{L} d Π_{l=1}^{L−1} n_l Π_{l≠k} β_l². */
function upperScale(net: Network): number {
  const L = net.depth;
  let widths = net.dims[0];
  for (let l = 1; l <= L - 1; l++) widths *= net.dims[l];
  let sum = 0;
  for (let k = 1; k <= L; k++) {
    let p = 1;
    for (let l = 1; l <= L; l++) if (l !== k) p *= net.betas[l - 1] ** 2;
    sum += p;
  }
  return widths * sum;
}

export const thm41Upper: Theorem<WideDesc, FwInstance> = {
  ...wideBase,
  id: 'nguyen2021.thm4.1.upper',
  title: 'Theorem 4.1 (upper): λ_min(K̄) ≤ C·Σ_k d Π_{l=1}^{L−1} n_l Π_{l≠k} β_l²',
  source: { ...NMM_SOURCE, statement: 'Theorem 4.1 (v5), upper bound' },
  kind: 'asymptotic',
  statement: 'With data under Assumptions 2.1–2.2, λ_min(K̄) ≤ Σ_{k=1}^{L} O(d Π_{l=1}^{L−1} n_l Π_{l≠k} β_l²) w.h.p.; O(·) = C·(·) instantiated (same wide-layer instances as the lower bound).',
  constants: [
    { name: 'C', value: C41U, provenance: 'fitted', note: 'O(·) unspecified; λ_min(K̄) ≤ min_i K̄_ii and E K̄_ii = ‖x_i‖²(Π n_l/2)Σ_kΠ_{l≠k}β_l² ≈ 2^{−(L−1)}·scale for ‖x_i‖² ≈ d, so the ratio is ≈ ¼ or less at L = 3; budget-60 runs (seeds s1, s2) gave max ratio 0.23 and 0.18 (slope of λ_min vs scale 1.05, 1.03), so C = 1 keeps a factor ≥ 4' },
  ],
  probes: wideProbes,
  assumptions: wideAssumptions,
  conclude(i): Evaluation {
    const c = certifiedNtk(i);
    const lk = lambdaMinCertified(c.emp.ntk, { entryError: c.error });
    const scale = upperScale(i.net);
    const rhs = C41U * scale;
    const lhs = fromEnclosure(lk);
    return { lhs: lhs.value, lhsError: lhs.error, rhs, rhsError: 8 * (i.net.depth + i.net.depth ** 2) * U * rhs, relation: '<=', quantities: { ratio: lk.estimate / scale, lambdaMin: lk.estimate, scale, N: i.x.rows, d: i.x.cols } };
  },
  empiricalConstant: { quantity: 'ratio', aggregate: 'max', description: 'max over instances of λ_min(K̄)/(Σ_k d Π n_l Π_{l≠k} β_l²)' },
  scaling: { x: 'scale', y: 'lambdaMin', description: 'λ_min(K̄) against the Theorem 4.1 upper scale', expectedSlope: { low: 0.7, high: 1.3 } },
  costHint: 340,
};

export const nguyen2021Thm41UpperTheorems = [thm41Upper];
