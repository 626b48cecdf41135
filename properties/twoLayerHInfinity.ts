import fc from 'fast-check';
import { gramEntryErrorBound, hasUnitNormRows, maxAbsOffDiagonal, minPairRayleigh, unitNormDeviation } from '../src/linalg/gramStats.ts';
import { lambdaMinCertified } from '../src/linalg/lambdaMin.ts';
import type { Matrix } from '../src/linalg/matrix.ts';
import { interval, sumOfSquares } from '../src/linalg/interval.ts';
import { inverseQuadraticForm, quadraticForm } from '../src/linalg/quadForm.ts';
import { type PairAngleState, pairAngleState } from '../src/ntk/angles.ts';
import { hInfinity, hInfinityUnitNorm } from '../src/ntk/hInfinity.ts';
import type { Rng } from '../src/random/rng.ts';
import {
  type DataDescriptor,
  type PointSetDescriptor,
  dataDescriptor,
  labelsFromSeed,
  materializeData,
  materializePointSet,
  mutateDataDescriptor,
  mutatePointSet,
  pointSet,
  seedArb,
} from '../src/theorem/arbitraries.ts';
import { around, evaluation, exact, fromEnclosure, fromInterval, sideAt } from '../src/theorem/sides.ts';
import type { Evaluation, Theorem } from '../src/theorem/types.ts';
import { claimOrTwin, claimOrTwinConstant } from './twins.ts';
import { ARORA_SOURCE, DU_SOURCE } from './papers.ts';
import { noParallelPair } from './du2019Training.ts';

/**
 * The two-layer Gram matrix H∞ of Du, Zhai, Póczos, Singh (ICLR 2019, arXiv 1810.02054) and claims
 * about it as a presentation of these results states them (docs/theorems.md#h-infinity-and-theorem-31), on
 * unit-norm data:  H∞_ij = x_iᵀx_j (π − arccos(x_iᵀx_j)) / (2π).
 */

const CONVENTIONS = {
  kernel: 'H∞ of Du et al. 2019: E_w[x_iᵀx_j 1{wᵀx_i ≥ 0, wᵀx_j ≥ 0}], w ~ N(0, I)',
  data: 'unit norm (‖x_i‖ = 1)',
  angles: 'cancellation-free half-angle form θ = 2·atan2(‖u−v‖, ‖u+v‖)',
  "σ'(0)": 0,
};

// ------------------------------------------------------------------------------------------------
// Instances: explicit adversarial point sets (N ≤ 8) or random unit-sphere data (N up to 48), with labels.

type HDescriptor =
  | { [key: string]: unknown; source: 'points'; points: PointSetDescriptor; labelSeed: string }
  | { [key: string]: unknown; source: 'random'; data: DataDescriptor; labelSeed: string };

export interface HInstance {
  x: Matrix;
  y: Float64Array;
}

const POINTS = {
  n: [2, 8] as [number, number],
  d: [2, 5] as [number, number],
  geometries: ['generic', 'near-parallel', 'antipodal', 'clustered'] as const,
  exponent: [1, 10] as [number, number],
  unitNorm: true,
};
const RANDOM = { n: [2, 48] as [number, number], d: [2, 40] as [number, number], families: ['unit-sphere'] as const };

const hDescriptors: fc.Arbitrary<HDescriptor> = fc.oneof(
  fc.record({ source: fc.constant('points' as const), points: pointSet(POINTS), labelSeed: seedArb }),
  fc.record({ source: fc.constant('random' as const), data: dataDescriptor(RANDOM), labelSeed: seedArb }),
);
/** Just outside: exactly duplicated points (parallel inputs). */
const parallelProbes: fc.Arbitrary<HDescriptor> = fc.record({
  source: fc.constant('points' as const),
  points: pointSet({ ...POINTS, geometries: ['duplicate'] }),
  labelSeed: seedArb,
});

function materialize(d: HDescriptor): HInstance {
  const x = d.source === 'points' ? materializePointSet(d.points) : materializeData(d.data);
  return { x, y: labelsFromSeed(x.rows, d.labelSeed) };
}

function mutate(d: HDescriptor, rng: Rng): HDescriptor {
  if (rng.next() < 0.2) return { ...d, labelSeed: String(Math.floor(rng.next() * 2 ** 31)) };
  return d.source === 'points' ? { ...d, points: mutatePointSet(d.points, rng, POINTS) } : { ...d, data: mutateDataDescriptor(d.data, rng, RANDOM) };
}

function cells(d: HDescriptor): Record<string, string> {
  if (d.source === 'points') return { N: `${d.points.points.length}`, geometry: d.points.geometry, source: 'points' };
  const n = d.data.n;
  return { N: n <= 8 ? '2–8' : n <= 24 ? '9–24' : '25–48', source: 'unit-sphere' };
}

/** Unit norm (to rounding) and at least two points. */
function unitNormData(i: HInstance): string | null {
  if (i.x.rows < 2) return 'N ≥ 2';
  return hasUnitNormRows(i.x) ? null : 'unit-norm data';
}

/**
 * pairAngleState(x) (Gram matrix, cancellation-free angles) once per instance: the assumptions
 * (no parallel pair), H∞ and ρ = max|x_iᵀx_j| all read it. Measured (the 9 H∞ claims at
 * bench/throughput.ts's counts, steady state): 54 → 49 µs per instance against computing it up to
 * three times. Keyed by the instance's matrix, which nothing mutates after materialisation.
 */
const angleStates = new WeakMap<Matrix, PairAngleState>();
function anglesOf(x: Matrix): PairAngleState {
  let st = angleStates.get(x);
  if (!st) {
    st = pairAngleState(x);
    angleStates.set(x, st);
  }
  return st;
}

/** No two inputs parallel, on the instance's cached angles. */
const noParallelInputs = (i: HInstance): string | null => noParallelPair(i.x, anglesOf(i.x).theta);

const base = {
  conventions: CONVENTIONS,
  descriptors: hDescriptors,
  materialize,
  mutate,
  cells,
  costHint: 9600,
};

/**
 * Claims about unit-norm data are evaluated on the exact normalised rows x̂_i = x_i/‖x_i‖ of the
 * stored instance (unit norm only to rounding): H∞ through hInfinityUnitNorm (the normalisation in
 * its error bound), inner products with |x̂_iᵀx̂_j − x_iᵀx_j| ≤ |x_iᵀx_j|·δ/(1−δ), δ = unitNormDeviation.
 */
const normalisedHInfinity = (x: Matrix) => hInfinityUnitNorm(x, anglesOf(x));

/** ρ = max_{i≠j}|x̂_iᵀx̂_j| with a bound covering rounding and the normalisation. */
function maxInnerProduct(x: Matrix): { rho: number; err: number } {
  const rho = maxAbsOffDiagonal(anglesOf(x).gram).value; // anglesOf(x).gram = gram(x)
  const delta = unitNormDeviation(x);
  return {
    rho,
    err: interval(gramEntryErrorBound(x))
      .mul(interval(delta).mul(2).add(1))
      .add(interval(rho).mul(delta).div(interval(1).sub(delta))).hi,
  };
}

/** f(ρ) = ρ(π − arccos ρ)/(2π): the largest |H∞_ij| allowed by ρ; increasing on [0, 1]. */
const offDiagonalEnvelope = (rho: number) => (rho * (Math.PI - Math.acos(Math.min(1, Math.max(-1, rho))))) / (2 * Math.PI);

function envelopeSide(x: Matrix, factor: number): { value: number; error: number } {
  const { rho, err } = maxInnerProduct(x);
  const value = factor * offDiagonalEnvelope(rho);
  // the exact ρ ∈ [ρ ± err] ∩ [0, 1]; f is increasing there and both of its factors are ≥ 0, so f of the interval
  // in interval arithmetic encloses f's range exactly up to outward rounding
  const r = around(rho, err).max(0).min(1);
  const exact = interval(factor).mul(r.mul(interval.PI.sub(r.acos())).div(interval.PI.mul(2)));
  return sideAt(value, exact);
}

function hinfLambdaMin(x: Matrix) {
  const h = normalisedHInfinity(x);
  return { h, lam: lambdaMinCertified(h.matrix, { entryError: h.errorBound }) };
}

// ------------------------------------------------------------------------------------------------

/**
 * `floor` 0: Theorem 3.1. `floor` 0.01 plants a uniform positive lower bound (λ_min(H∞) ≥ 0.01 for every
 * non-parallel configuration), false because λ_min(H∞) ≤ ½ − H∞_ij → 0 as two points merge.
 */
function thm31(floor: number): Theorem<HDescriptor, HInstance> {
  const planted = floor !== 0;
  return {
    ...base,
    ...claimOrTwin(planted, {
      claim: {
        id: 'du2019.thm3.1.lambda0-positive',
        title: 'No two inputs parallel ⇒ λ_min(H∞) > 0',
        statement: 'If x_i ∦ x_j for all i ≠ j (unit-norm data), then λ_0 = λ_min(H∞) > 0.',
        statementTex: String.raw`If $x_i \nparallel x_j$ for all $i \ne j$ (unit-norm data), then $\lambda_0 = \lambda_{\mathrm{min}}(H^{\infty}) > 0$.`,
      },
      twin: {
        id: 'planted.du2019.thm3.1-uniform-floor',
        title: `PLANTED (0 → ${floor}): no two inputs parallel ⇒ λ_min(H∞) ≥ ${floor}`,
        statement: `PLANTED: if x_i ∦ x_j for all i ≠ j (unit-norm data), then λ_min(H∞) ≥ ${floor} (no such uniform bound exists).`,
        statementTex: String.raw`PLANTED: if $x_i \nparallel x_j$ for all $i \ne j$ (unit-norm data), then $\lambda_{\mathrm{min}}(H^{\infty}) \ge ${floor}$ (no such uniform bound exists).`,
      },
    }),
    source: { ...DU_SOURCE, statement: 'Theorem 3.1' },
    kind: 'deterministic',
    constants: planted ? [{ name: 'floor', value: floor, provenance: 'user', note: 'planted error: the lower bound 0 replaced by a positive constant' }] : [],
    ...(planted ? {} : { probes: parallelProbes }),
    assumptions: (i) => unitNormData(i) ?? noParallelInputs(i),
    conclude(i): Evaluation {
      const { lam } = hinfLambdaMin(i.x);
      return evaluation(fromEnclosure(lam), planted ? '>=' : '>', exact(floor), { quantities: { lambdaMin: lam.estimate, N: i.x.rows } });
    },
  };
}

/** `factor` 1: the claim; ½ plants a halved bound, false already for n = 2 (where λ_min = ½ − |H∞_12| exactly). */
function mergeUpper(factor: number): Theorem<HDescriptor, HInstance> {
  const planted = factor !== 1;
  return {
    ...base,
    ...claimOrTwin(planted, {
      claim: {
        id: 'du2019.hinf.merge-upper',
        title: 'λ_min(H∞) ≤ ½ − H∞_ij for the closest pair: λ_0 → 0 as two points merge',
        statement: 'λ_min(H∞) ≤ (H∞_ii + H∞_jj)/2 − H∞_ij = ½ − x_iᵀx_j(π − θ_ij)/(2π) for every pair, which → 0 as θ_ij → 0.',
        statementTex: String.raw`$\lambda_{\mathrm{min}}(H^{\infty}) \le (H^{\infty}_{ii} + H^{\infty}_{jj})/2 - H^{\infty}_{ij} = \frac{1}{2} - x_i^{\top}x_j(\pi - \theta_{ij})/(2\pi)$ for every pair, which $\to 0$ as $\theta_{ij} \to 0$.`,
      },
      twin: {
        id: 'planted.du2019.hinf.merge-upper-halved',
        title: 'PLANTED (bound halved): λ_min(H∞) ≤ ½(½ − H∞_ij) for the closest pair',
        statement: 'PLANTED: λ_min(H∞) ≤ ½[(H∞_ii + H∞_jj)/2 − H∞_ij] for every pair.',
        statementTex: String.raw`PLANTED: $\lambda_{\mathrm{min}}(H^{\infty}) \le \frac{1}{2}\bigl[(H^{\infty}_{ii} + H^{\infty}_{jj})/2 - H^{\infty}_{ij}\bigr]$ for every pair.`,
      },
    }),
    source: { ...DU_SOURCE, statement: 'consequence of Theorem 3.1 (Rayleigh quotient with (e_i − e_j)/√2), derived' },
    kind: 'deterministic',
    constants: [
      { name: '½', value: 0.5, provenance: 'derived', note: 'H∞_ii = ½ for unit-norm data' },
      ...(planted ? [{ name: 'factor', value: factor, provenance: 'user' as const, note: 'planted error: the Rayleigh bound halved' }] : []),
    ],
    assumptions: unitNormData,
    conclude(i): Evaluation {
      const { h, lam } = hinfLambdaMin(i.x);
      const pair = minPairRayleigh(h.matrix, h.errorBound);
      return evaluation(fromEnclosure(lam), '<=', sideAt(factor * pair.value, pair.enclosure.mul(factor)), {
        quantities: { lambdaMin: lam.estimate, pairBound: pair.value },
      });
    },
  };
}

/**
 * `value` ½: the identity. ½ + 2⁻³⁰ plants a perturbed identity: refuting it shows the identity is checked to
 * better than 10⁻⁹ (the error bound of H∞_ii is a few ulps).
 */
function diagonal(value: number): Theorem<HDescriptor, HInstance> {
  const planted = value !== 0.5;
  return {
    ...base,
    ...claimOrTwin(planted, {
      claim: {
        id: 'du2019.hinf.diagonal-half',
        title: 'H∞_ii = ½ on unit-norm data',
        statement: 'max_i |H∞_ii − ½| = 0.',
        statementTex: String.raw`$\max_i \lvert H^{\infty}_{ii} - \frac{1}{2} \rvert = 0$.`,
      },
      twin: {
        id: 'planted.du2019.hinf.diagonal-perturbed',
        title: 'PLANTED (identity perturbed by 2⁻³⁰): H∞_ii = ½ + 2⁻³⁰ on unit-norm data',
        statement: 'PLANTED: max_i |H∞_ii − (½ + 2⁻³⁰)| = 0.',
        statementTex: String.raw`PLANTED: $\max_i \lvert H^{\infty}_{ii} - (\frac{1}{2} + 2^{-30}) \rvert = 0$.`,
      },
    }),
    source: { ...DU_SOURCE, statement: 'definition of H∞ (Section 3), derived' },
    kind: 'deterministic',
    constants: [claimOrTwinConstant(planted, { name: '½', value, provenance: 'derived', note: 'x_iᵀx_i (π − 0)/(2π)' }, { note: 'planted error: ½ + 2⁻³⁰' })],
    assumptions: unitNormData,
    conclude(i): Evaluation {
      const h = hInfinity(i.x, anglesOf(i.x));
      const n = i.x.rows;
      // On the normalised rows H∞(x̂)_ii = H∞(x)_ii/‖x_i‖² = ½ exactly; H∞(x)_ii differs by ≤ δ/2.
      const e = interval(h.errorBound).add(interval(unitNormDeviation(i.x)).div(2)).hi;
      let worst = 0,
        exact = interval(0);
      for (let a = 0; a < n; a++) {
        worst = Math.max(worst, Math.abs(h.matrix.data[a * n + a] - value));
        exact = exact.max(
          interval(h.matrix.data[a * n + a])
            .add(interval(-e, e))
            .sub(value)
            .abs(),
        );
      }
      return { lhs: worst, lhsError: sideAt(worst, exact).error, rhs: 0, rhsError: 0, relation: '==' };
    },
  };
}

/**
 * `quarter` false: the envelope f(ρ) = ρ(π − arccos ρ)/(2π). True: the planted ρ/4 — f(ρ) = ρ/4 + ρ·arcsin(ρ)/(2π)
 * ≥ ρ/4 for ρ ≥ 0, so ρ/4 drops the arcsin term and fails wherever the extreme pair has a positive inner product.
 */
function offDiagonal(quarter: boolean): Theorem<HDescriptor, HInstance> {
  return {
    ...base,
    ...claimOrTwin(quarter, {
      claim: {
        id: 'du2019.hinf.offdiagonal-envelope',
        title: '|H∞_ij| ≤ ρ(π − arccos ρ)/(2π) ≤ ½ with ρ = max_{i≠j}|x_iᵀx_j|',
        statement: 'max_{i≠j} |H∞_ij| ≤ ρ(π − arccos ρ)/(2π).',
        statementTex: String.raw`$\max_{i \ne j} \lvert H^{\infty}_{ij} \rvert \le \rho(\pi - \arccos\rho)/(2\pi)$.`,
      },
      twin: {
        id: 'planted.du2019.hinf.offdiagonal-quarter',
        title: 'PLANTED (arcsin term dropped): |H∞_ij| ≤ ρ/4 with ρ = max_{i≠j}|x_iᵀx_j|',
        statement: 'PLANTED: max_{i≠j} |H∞_ij| ≤ ρ/4.',
        statementTex: String.raw`PLANTED: $\max_{i \ne j} \lvert H^{\infty}_{ij} \rvert \le \rho/4$.`,
      },
    }),
    source: { ...DU_SOURCE, statement: 'presentation of Section 3, derived (t ↦ t(π − arccos t) is increasing)' },
    kind: 'deterministic',
    constants: quarter
      ? [{ name: '¼', value: 0.25, provenance: 'user', note: 'planted error: (π − arccos ρ)/(2π) = ¼ + arcsin(ρ)/(2π) replaced by its value ¼ at ρ = 0' }]
      : [],
    assumptions: unitNormData,
    conclude(i): Evaluation {
      const h = normalisedHInfinity(i.x);
      if (quarter) {
        const { rho, err } = maxInnerProduct(i.x);
        return {
          lhs: maxAbsOffDiagonal(h.matrix).value,
          lhsError: h.errorBound,
          rhs: rho / 4,
          rhsError: sideAt(rho / 4, interval(rho).add(interval(-err, err)).div(4)).error,
          relation: '<=',
        };
      }
      const env = envelopeSide(i.x, 1);
      return { lhs: maxAbsOffDiagonal(h.matrix).value, lhsError: h.errorBound, rhs: env.value, rhsError: env.error, relation: '<=' };
    },
  };
}

/**
 * `variant` 'claim': Gershgorin. 'reversed': planted relation reversal. 'halved': planted (n − 1)/2 in place of
 * n − 1, false for n = 2 with a positive inner product (there |λ_min − ½| = |H∞_12| = f(ρ) exactly).
 */
function gershgorin(variant: 'claim' | 'reversed' | 'halved'): Theorem<HDescriptor, HInstance> {
  const reversed = variant === 'reversed',
    halved = variant === 'halved';
  const texts = {
    claim: { id: 'du2019.hinf.gershgorin', title: 'Gershgorin: |λ_min(H∞) − ½| ≤ (n − 1)ρ(π − arccos ρ)/(2π)' },
    reversed: { id: 'planted.hinf.gershgorin-reversed', title: 'PLANTED (relation reversed): |λ_min(H∞) − ½| ≥ (n − 1)ρ(π − arccos ρ)/(2π)' },
    halved: { id: 'planted.du2019.hinf.gershgorin-halved', title: 'PLANTED (radius halved): |λ_min(H∞) − ½| ≤ ((n − 1)/2)ρ(π − arccos ρ)/(2π)' },
  };
  return {
    ...base,
    ...texts[variant],
    source: { ...DU_SOURCE, statement: 'presentation of Section 3 (Gershgorin disc theorem), derived' },
    kind: 'deterministic',
    statement: `|λ_min(H∞) − ½| ${reversed ? '≥' : '≤'} ${halved ? '((n − 1)/2)' : '(n − 1)'} ρ(π − arccos ρ)/(2π).`,
    statementTex: String.raw`$\lvert \lambda_{\mathrm{min}}(H^{\infty}) - \frac{1}{2} \rvert ${reversed ? '\\ge' : '\\le'} ${halved ? '((n - 1)/2)' : '(n - 1)'}\, \rho(\pi - \arccos\rho)/(2\pi)$.`,
    constants: [
      { name: '½', value: 0.5, provenance: 'derived', note: 'Gershgorin centre H∞_ii' },
      ...(halved ? [{ name: 'radius factor', value: 0.5, provenance: 'user' as const, note: 'planted error: the Gershgorin radius halved' }] : []),
    ],
    expectRefuted: variant !== 'claim',
    ...(halved ? { twinOf: 'du2019.hinf.gershgorin' } : {}),
    assumptions: unitNormData,
    conclude(i): Evaluation {
      const { lam } = hinfLambdaMin(i.x);
      // |λ − ½| over the enclosure [lower, upper]: the lower end is 0 when ½ lies inside it.
      const side = fromInterval(interval(lam.lower, lam.upper).sub(0.5).abs());
      return evaluation(side, reversed ? '>=' : '<=', envelopeSide(i.x, (halved ? 0.5 : 1) * (i.x.rows - 1)), { quantities: { lambdaMin: lam.estimate } });
    },
  };
}

/**
 * yᵀ(H∞)⁻¹y against a multiple of λ_min or of 1/λ_min. `form`:
 *  - 'presentation': yᵀ(H∞)⁻¹y ≤ ‖(H∞)⁻¹‖₂‖y‖₂ = λ_min(H∞)‖y‖₂ — false as written (two errors: the
 *    norm of the inverse is 1/λ_min, and a quadratic form needs ‖y‖²);
 *  - 'corrected': yᵀ(H∞)⁻¹y ≤ ‖y‖₂²/λ_min(H∞) — true;
 *  - 'doubled': yᵀ(H∞)⁻¹y ≤ ‖y‖₂²/(2λ_min(H∞)) — planted (a constant halved), false for y near v_min.
 */
function inverseQuadForm(form: 'presentation' | 'corrected' | 'doubled'): Theorem<HDescriptor, HInstance> {
  const texts: Record<typeof form, { id: string; statement: string; statementTex: string }> = {
    presentation: {
      id: 'presentation.hinf.inverse-quadform-as-written',
      statement: 'yᵀ(H∞)⁻¹y ≤ ‖(H∞)⁻¹‖₂ ‖y‖₂ = λ_min(H∞) ‖y‖₂ (as the presentation writes it)',
      statementTex: String.raw`$y^{\top}(H^{\infty})^{-1}y \le \lVert (H^{\infty})^{-1} \rVert_2 \lVert y \rVert_2 = \lambda_{\mathrm{min}}(H^{\infty}) \lVert y \rVert_2$ (as the presentation writes it)`,
    },
    corrected: {
      id: 'du2019.hinf.inverse-quadform',
      statement: 'yᵀ(H∞)⁻¹y ≤ ‖y‖₂² / λ_min(H∞)',
      statementTex: String.raw`$y^{\top}(H^{\infty})^{-1}y \le \lVert y \rVert_2^2 / \lambda_{\mathrm{min}}(H^{\infty})$`,
    },
    doubled: {
      id: 'planted.hinf.inverse-quadform-doubled',
      statement: 'PLANTED (constant doubled): yᵀ(H∞)⁻¹y ≤ ‖y‖₂² / (2 λ_min(H∞))',
      statementTex: String.raw`PLANTED (constant doubled): $y^{\top}(H^{\infty})^{-1}y \le \lVert y \rVert_2^2 / (2 \lambda_{\mathrm{min}}(H^{\infty}))$`,
    },
  };
  // The title is the statement.
  const { id, statement, statementTex } = texts[form];
  return {
    ...base,
    id,
    title: statement,
    source: {
      ...ARORA_SOURCE,
      statement: form === 'presentation' ? 'a presentation of Theorem 5.1 (the quantity yᵀ(H∞)⁻¹y)' : 'Theorem 5.1 (quantity yᵀ(H∞)⁻¹y), derived',
    },
    kind: 'deterministic',
    statement,
    statementTex,
    constants: form === 'doubled' ? [{ name: '2', value: 2, provenance: 'user', note: 'planted error: a constant doubled' }] : [],
    expectRefuted: form !== 'corrected',
    ...(form === 'doubled' ? { twinOf: 'du2019.hinf.inverse-quadform' } : {}),
    assumptions: (i) => unitNormData(i) ?? noParallelInputs(i),
    conclude(i): Evaluation {
      const { h, lam } = hinfLambdaMin(i.x);
      const q = inverseQuadraticForm(h.matrix, i.y, { entryError: h.errorBound, lambdaMinLower: lam.lower });
      // Not certifiable (H∞ numerically singular): an infinite error bound makes the instance inconclusive.
      if (!Number.isFinite(q.value)) return { lhs: 0, lhsError: Infinity, rhs: 0, rhsError: Infinity, relation: '<=', quantities: { lambdaMin: lam.estimate } };
      const y2I = sumOfSquares(i.y),
        y2 = y2I.mid;
      const lamS = fromEnclosure(lam);
      let rhs: number, rhsError: number;
      if (form === 'presentation') {
        rhs = lamS.value * Math.sqrt(y2);
        rhsError = sideAt(rhs, interval(lam).mul(y2I.sqrt())).error;
      } else {
        const c = form === 'doubled' ? 2 : 1;
        rhs = y2 / (c * lamS.value);
        // ‖y‖²/(cλ) over the enclosure [lower, upper] of λ (needs lower > 0).
        rhsError = lam.lower > 0 ? sideAt(rhs, y2I.div(interval(lam).mul(c))).error : Infinity;
      }
      return { lhs: q.value, lhsError: q.errorBound, rhs, rhsError, relation: '<=', quantities: { lambdaMin: lam.estimate, yNorm2: y2 } };
    },
  };
}
export const presentationInverseQuadForm = inverseQuadForm('presentation');

// ------------------------------------------------------------------------------------------------
// The presentation's chain yᵀH∞y ≤ ‖(H∞)⁻¹‖₂‖y‖₂ = λ_min(H∞)‖y‖₂, taken literally, and its false step.

const PRESENTATION_SOURCE = {
  ...ARORA_SOURCE,
  statement: 'a presentation of Theorem 5.1 (the quantity yᵀ(H∞)⁻¹y), as written',
};

/**
 * The chain as the presentation writes it, without the inverse in the quadratic form:
 * yᵀH∞y ≤ ‖(H∞)⁻¹‖₂‖y‖₂ = λ_min(H∞)‖y‖₂, checked end to end (yᵀH∞y against λ_min(H∞)‖y‖₂). Known false:
 * yᵀH∞y ≥ λ_min‖y‖², so it fails whenever ‖y‖ > 1 (docs/theorems.md#the-presentations-chain-taken-literally).
 */
export const presentationQuadFormNoInverse: Theorem<HDescriptor, HInstance> = {
  ...base,
  id: 'presentation.hinf.quadform-no-inverse-as-written',
  title: "yᵀH∞y ≤ ‖(H∞)⁻¹‖₂ ‖y‖₂ = λ_min(H∞) ‖y‖₂ (the presentation's chain, no inverse in the quadratic form, as written)",
  source: PRESENTATION_SOURCE,
  kind: 'deterministic',
  statement: 'yᵀH∞y ≤ λ_min(H∞)‖y‖₂ — the chain yᵀH∞y ≤ ‖(H∞)⁻¹‖₂‖y‖₂ = λ_min(H∞)‖y‖₂ as written (known false: yᵀH∞y ≥ λ_min(H∞)‖y‖₂²).',
  statementTex: String.raw`$y^{\top}H^{\infty}y \le \lambda_{\mathrm{min}}(H^{\infty})\lVert y \rVert_2$ — the chain $y^{\top}H^{\infty}y \le \lVert (H^{\infty})^{-1} \rVert_2\lVert y \rVert_2 = \lambda_{\mathrm{min}}(H^{\infty})\lVert y \rVert_2$ as written (known false: $y^{\top}H^{\infty}y \ge \lambda_{\mathrm{min}}(H^{\infty})\lVert y \rVert_2^2$).`,
  constants: [],
  expectRefuted: true,
  assumptions: (i) => unitNormData(i) ?? noParallelInputs(i),
  conclude(i): Evaluation {
    const { h, lam } = hinfLambdaMin(i.x);
    // errorBound is spectral: |yᵀ(H_true − H)y| ≤ ‖H_true − H‖₂‖y‖²
    const q = quadraticForm(h.matrix, i.y, { entryError: h.errorBound });
    const y2I = sumOfSquares(i.y),
      y2 = y2I.mid;
    const lamS = fromEnclosure(lam);
    const rhs = lamS.value * Math.sqrt(y2);
    return {
      lhs: q.value,
      lhsError: sideAt(q.value, q.enclosure).error,
      rhs,
      rhsError: sideAt(rhs, interval(lam).mul(y2I.sqrt())).error,
      relation: '<=',
      quantities: { lambdaMin: lam.estimate, yNorm2: y2 },
    };
  },
};

/**
 * The step ‖(H∞)⁻¹‖₂ = λ_min(H∞) of the chain as a separate identity. Known false: ‖(H∞)⁻¹‖₂ = 1/λ_min(H∞),
 * and λ_min(H∞) ≤ H∞_11 = ½ < 1, so the two sides differ by at least 1/λ_min − λ_min ≥ 3/2.
 */
export const presentationInverseNormIdentity: Theorem<HDescriptor, HInstance> = {
  ...base,
  id: 'presentation.hinf.inverse-norm-identity',
  title: "‖(H∞)⁻¹‖₂ = λ_min(H∞) (the step of the presentation's chain, as written)",
  source: PRESENTATION_SOURCE,
  kind: 'deterministic',
  statement: '‖(H∞)⁻¹‖₂ = λ_min(H∞) (known false: ‖(H∞)⁻¹‖₂ = 1/λ_min(H∞), and λ_min(H∞) ≤ ½).',
  statementTex: String.raw`$\lVert (H^{\infty})^{-1} \rVert_2 = \lambda_{\mathrm{min}}(H^{\infty})$ (known false: $\lVert (H^{\infty})^{-1} \rVert_2 = 1/\lambda_{\mathrm{min}}(H^{\infty})$, and $\lambda_{\mathrm{min}}(H^{\infty}) \le \frac{1}{2}$).`,
  constants: [],
  expectRefuted: true,
  assumptions: (i) => unitNormData(i) ?? noParallelInputs(i),
  conclude(i): Evaluation {
    const { lam } = hinfLambdaMin(i.x);
    if (!(lam.lower > 0)) return { lhs: 0, lhsError: Infinity, rhs: 0, rhsError: Infinity, relation: '==', quantities: { lambdaMin: lam.estimate } };
    // ‖(H∞)⁻¹‖₂ = 1/λ_min ∈ [1/upper, 1/lower] (H∞ symmetric positive definite).
    const inv = fromInterval(interval(1).div(interval(lam.lower, lam.upper)));
    return evaluation(inv, '==', fromEnclosure(lam), { quantities: { lambdaMin: lam.estimate, inverseNorm: inv.value } });
  },
};

export const twoLayerHInfinityTheorems = [
  thm31(0),
  mergeUpper(1),
  diagonal(0.5),
  offDiagonal(false),
  gershgorin('claim'),
  inverseQuadForm('corrected'),
  presentationInverseQuadForm,
  presentationQuadFormNoInverse,
  presentationInverseNormIdentity,
  inverseQuadForm('doubled'),
  gershgorin('reversed'),
  thm31(0.01),
  mergeUpper(0.5),
  diagonal(0.5 + 2 ** -30),
  offDiagonal(true),
  gershgorin('halved'),
];
