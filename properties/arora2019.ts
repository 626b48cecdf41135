import fc from 'fast-check';
import { lambdaMinCertified } from '../src/linalg/lambdaMin.ts';
import { type Interval, interval, sumOfSquares } from '../src/linalg/interval.ts';
import type { Matrix } from '../src/linalg/matrix.ts';
import { hInfinityUnitNorm } from '../src/ntk/hInfinity.ts';
import { closedFormTrajectory, linearRecursionResiduals } from '../src/ntk/twoLayer.ts';
import { sampleData } from '../src/random/distributions.ts';
import { childRng } from '../src/random/rng.ts';
import { around, evaluation, exact, fromEnclosure, sideAt } from '../src/theorem/sides.ts';
import type { Evaluation, Theorem } from '../src/theorem/types.ts';
import { seedArb } from '../src/theorem/arbitraries.ts';
import { claimOrTwin, claimOrTwinConstant } from './twins.ts';
import {
  TRAIN_CONVENTIONS,
  type TrainDescriptor,
  type TrainInstance,
  WIDTH_CONSTANT,
  WIDTHS,
  hinfAndLambda0,
  maxWithError,
  noParallelPair,
  runTraining,
  trainDescriptors,
  trainSpace,
  unitNorm,
  widthCondition,
  widthScaling,
} from './du2019Training.ts';
import { ARORA_SOURCE } from './papers.ts';

/**
 * Arora, Du, Hu, Li, Wang, "Fine-Grained Analysis of Optimization and Generalization for
 * Overparameterized Two-Layer Neural Networks" (ICML 2019, arXiv 1901.08584;
 * docs/theorems.md#arora-du-hu-li-wang-2019-arxiv-190108584), on real two-layer networks with
 * initial scale κ (src/ntk/twoLayer.ts).
 */

const CONVENTIONS = { ...TRAIN_CONVENTIONS, init: 'w_r(0) ~ N(0, κ² I_d), κ small (Theorem 4.1: κ = O(εδ/√n))' };
const KAPPAS = [0.05] as const;
const cells = (d: TrainDescriptor) => ({ N: String(d.data.n), m: String(d.m), κ: String(d.kappa) });
const cellSpace = { N: ['3', '4', '5', '6'], m: WIDTHS.map(String), κ: KAPPAS.map(String) };

function inside(i: TrainInstance, d: TrainDescriptor): string | null {
  const base = unitNorm(i.x) ?? noParallelPair(i.x);
  if (base) return base;
  if (!(d.stepFactor >= 1 && d.stepFactor <= 16)) return 'η ≤ 16λ_0/n²';
  return widthCondition(i.x, d.m, hinfAndLambda0(i.x).lam);
}

/**
 * Theorem 4.1: ‖y − u(k)‖ = √Σ(1 − ηλ_i)^{2k}(v_iᵀy)² ± ε. The main term is the residual of the linear
 * recursion with H∞ (certified by iteration; the eigen closed form is reported as a cross-check).
 * `rateFactor` ≠ 1 plants an error (η replaced by rateFactor·η inside the main term).
 *
 * Instance space (docs/theorems.md#arora-et-al-theorem-41-instance-space-and-vacuity): n = 3–4 points
 * uniform on S^{d−1}, d = 8–24, widths 4000–16000, κ = 0.05, c_η = 2–8, 60 GD steps. There ε/‖y‖ has
 * median 0.25 (max 0.62) over 120 draws and no instance is vacuous, the largest gap/ε was 0.46, and the
 * η/2 and 2η twins exceed ε on 44 and 79 of those 120 draws. Smaller κ breaks the claim at these widths
 * (κ = 0.01: gap/ε up to 1.9 — the weights move by ≫ κ, so activation patterns change; the theorem's
 * m = Ω(n⁷/(λ_0⁴κ²δ⁴ε²)) grows as κ shrinks); n = 2 with c_η = 16 (ηλ_max ≈ 1) gave gap/ε up to 1.4.
 */
const TRAJ_DATA = { n: [3, 4] as [number, number], d: [8, 24] as [number, number], families: ['unit-sphere'] as const };
const TRAJ_WIDTHS = [4000, 8000, 16000] as const;
const TRAJ_STEP: [number, number] = [2, 8];
const TRAJ_STEPS = 60;

function trajectory(rateFactor: number): Theorem<TrainDescriptor, TrainInstance> {
  const planted = rateFactor !== 1;
  // ε = ‖u(0)‖ + C_ε‖y‖·n/(λ_0√m). The second term is the scale of ‖H(0) − H∞‖/λ_0 (Lemma 3.1:
  // ‖H(0) − H∞‖_F ≤ n√(log(2n²/δ)/(2m))), which is what separates GD from the linear recursion at
  // moderate width; Theorem 4.1 itself needs m = Ω(1/ε²), i.e. the same m^{−1/2}. The first is the
  // realised initial output: the main term starts from ũ(0) = 0 and ‖I − ηH∞‖ ≤ 1 carries the
  // difference along at most undamped; the theorem makes it O(ε) through κ = O(εδ/√n).
  const C_EPS = 2;
  const epsOf = (m: number, n: number, lambda0: number) => (C_EPS * n) / (lambda0 * Math.sqrt(m));
  const plantedWord = rateFactor === 2 ? 'doubled' : rateFactor === 0.5 ? 'halved' : `×${rateFactor}`;
  const etaText = rateFactor === 1 ? 'η' : rateFactor === 0.5 ? 'η/2' : `${rateFactor}η`;
  const etaTex = rateFactor === 1 ? String.raw`\eta` : rateFactor === 0.5 ? String.raw`\tfrac{\eta}{2}` : String.raw`${rateFactor}\eta`;
  return {
    ...claimOrTwin(planted, {
      claim: { id: 'arora2019.thm4.1.trajectory', title: 'Theorem 4.1: ‖y − u(k)‖ = √Σ(1 − ηλ_i)^{2k}(v_iᵀy)² ± ε (ε = ‖u(0)‖ + 2‖y‖n/(λ_0√m), κ = 0.05)' },
      twin: {
        id: `planted.arora2019.trajectory-rate-${plantedWord}`,
        title: `PLANTED (η ${plantedWord} in the main term): ‖y − u(k)‖ = √Σ(1 − ${etaText}λ_i)^{2k}(v_iᵀy)² ± ε`,
      },
    }),
    source: { ...ARORA_SOURCE, statement: 'Theorem 4.1' },
    kind: 'asymptotic',
    statement: `Unit-norm data (n = 3–4), λ_0 > 0, κ = 0.05, m ≥ C_m n²/λ_0² (m = 4000–16000), η = c_η λ_0/n² (c_η = 2–8): max_{k ≤ K} |‖y − u(k)‖ − √Σ(1 − ${etaText}λ_i)^{2k}(v_iᵀy)²| ≤ ε = ‖u(0)‖ + ${C_EPS}‖y‖n/(λ_0√m); the gap shrinks as m grows.`,
    statementTex: String.raw`Unit-norm data ($n = 3$–$4$), $\lambda_0 > 0$, $\kappa = 0.05$, $m \ge C_m n^2/\lambda_0^2$ ($m = 4000$–$16000$), $\eta = c_\eta \lambda_0/n^2$ ($c_\eta = 2$–$8$): $\max_{k \le K} \bigl\lvert \lVert y - u(k) \rVert - \sqrt{\textstyle\sum_i (1 - ${etaTex}\lambda_i)^{2k}(v_i^{\top}y)^2} \bigr\rvert \le \varepsilon = \lVert u(0) \rVert + ${C_EPS}\lVert y \rVert n/(\lambda_0\sqrt{m})$; the gap shrinks as $m$ grows.`,
    conventions: CONVENTIONS,
    constants: [
      WIDTH_CONSTANT,
      {
        name: 'C_ε',
        value: C_EPS,
        provenance: 'fitted',
        note: 'instantiates the additive ε of Theorem 4.1 as ε = ‖u(0)‖ + C_ε‖y‖·n/(λ_0√m): the realised initial output plus the scale of ‖H(0) − H∞‖/λ_0 (Lemma 3.1); the theorem needs m = Ω(n⁷/(λ_0⁴κ²δ⁴ε²)), astronomically beyond CI widths. Fitted on 120 draws of this instance space: max gap/ε = 0.46 (the constant has a factor-2 margin), ε/‖y‖ median 0.25',
      },
      {
        name: 'κ',
        value: 0.05,
        provenance: 'user',
        note: 'instantiates κ = O(εδ/√n); κ = 0.01 makes the weights move by ≫ κ at these widths (activation patterns change, gap/ε up to 1.9)',
      },
      { name: 'c_η', value: TRAJ_STEP[1], provenance: 'user', note: 'instantiates η = O(λ_0/n²) as η = c_η λ_0/n², c_η drawn in [2, 8]' },
      ...(planted
        ? [{ name: 'rate factor', value: rateFactor, provenance: 'user' as const, note: `planted error: η replaced by ${etaText} inside the main term` }]
        : []),
    ],
    ...trainSpace({ data: TRAJ_DATA, widths: TRAJ_WIDTHS, kappa: KAPPAS, stepFactor: TRAJ_STEP, steps: TRAJ_STEPS }),
    cells,
    cellSpace: { N: ['3', '4'], m: TRAJ_WIDTHS.map(String), κ: KAPPAS.map(String) },
    assumptions: inside,
    conclude(i, d): Evaluation {
      const { h, hErr, lam, eta, run, checkedSteps: K } = runTraining(i, d);
      const lin = linearRecursionResiduals(h, i.y, rateFactor * eta, K, hErr);
      const cf = closedFormTrajectory(h, i.y, rateFactor * eta, K);
      const gaps = new Float64Array(K + 1),
        errs = new Float64Array(K + 1);
      let cfDiff = 0,
        residualMax = 0;
      for (let k = 0; k <= K; k++) {
        gaps[k] = Math.abs(run.residualNorm[k] - lin.norms[k]);
        errs[k] = sideAt(gaps[k], around(run.residualNorm[k], run.residualNormError[k]).sub(around(lin.norms[k], lin.errors[k])).abs()).error;
        cfDiff = Math.max(cfDiff, Math.abs(cf[k] - lin.norms[k]));
        // The upper end of ‖y − u(k)‖'s enclosure: +∞ once trainGd stops certifying the indicators (its
        // residualNormError is then +∞, docs/error-model.md#non-finite-values), which is not an operand.
        residualMax = Math.max(residualMax, around(run.residualNorm[k], run.residualNormError[k]).hi);
      }
      const mx = maxWithError(gaps, errs);
      const yNormI = sumOfSquares(i.y).sqrt();
      const yNorm = yNormI.mid;
      // ‖u(0)‖ of this initialisation (the main term starts from ũ(0) = 0; ‖I − ηH∞‖ ≤ 1 carries the
      // difference along undamped at most), with its rounding bound from trainGd.
      const u0NormI = sumOfSquares(run.u0).sqrt().add(interval(-run.residualNormError[0], run.residualNormError[0]));
      const u0Norm = u0NormI.mid;
      const epsOfI = (lambda0: Interval) =>
        interval(C_EPS)
          .mul(i.x.rows)
          .div(lambda0.mul(interval(d.m).sqrt()));
      const rhs = u0Norm + epsOf(d.m, i.x.rows, lam.estimate) * yNorm;
      // Vacuous: |a − b| ≤ max(a, b) for a, b ≥ 0, the main term is ≤ ‖y‖ (‖I − ηH∞‖₂ ≤ 1), so the gap is
      // at most max(‖y‖, max_k ‖y − u(k)‖) whatever the trajectories: ε at least that cannot be exceeded.
      const vacuous = rhs >= Math.max(yNormI.hi, residualMax);
      return {
        lhs: mx.value,
        lhsError: mx.error,
        // ε decreases in λ_0: over the enclosure [lower, upper] of λ_0 it varies by at most ε(lower) − ε(upper).
        rhs,
        rhsError: lam.lower > 0 ? sideAt(rhs, u0NormI.add(epsOfI(interval(lam)).mul(yNormI))).error : Infinity,
        relation: '<=',
        vacuous,
        quantities: {
          m: d.m,
          N: i.x.rows,
          lambda0: lam.estimate,
          eta,
          K,
          gap: mx.value,
          relativeGap: mx.value / yNorm,
          epsOverY: rhs / yNorm,
          normalizedGap: (mx.value * lam.estimate * Math.sqrt(d.m)) / (i.x.rows * yNorm),
          closedFormVsRecursion: cfDiff,
        },
      };
    },
    empiricalConstant: {
      quantity: 'normalizedGap',
      aggregate: 'max',
      description: 'max over instances of max_k |‖y − u(k)‖ − main term|·λ_0√m/(n‖y‖) (the fitted C_ε)',
    },
    scaling: widthScaling('relativeGap', 'trajectory gap / ‖y‖ vs width m (should shrink: negative slope)', { low: -1, high: -0.05 }),
    costHint: 8,
  };
}

/**
 * ‖w_r(k) − w_r(0)‖ ≤ C√n‖y − u(0)‖/(√m λ_0) for all r and k ≤ K; C = 4 is the explicit constant of the
 * proofs (width instantiated). The bound is loose by construction — √n from Cauchy–Schwarz on Σ_i r_i x_i,
 * 2 from the halved rate ηλ_0/2 — and the largest ratio movement/bound seen is 0.23 (0.19 over 40 draws
 * with c_η = 2–8 and 200 steps): C = 1 would still hold. The planted twin takes C = ½ (ratio × 8), which
 * the upper tail (ratios > 0.125, about a fifth of the draws) exceeds.
 */
function weightMovement(constant: number): Theorem<TrainDescriptor, TrainInstance> {
  const planted = constant !== 4;
  return {
    ...claimOrTwin(planted, { claim: 'arora2019.weight-movement', twin: 'planted.arora2019.weight-movement-constant-half' }),
    title: `${planted ? 'PLANTED (constant 4 → ½): ' : ''}max_r ‖w_r(k) − w_r(0)‖ ≤ ${planted ? '½' : '4'}√n‖y − u(0)‖/(√m λ_0) for k ≤ K`,
    source: { ...ARORA_SOURCE, statement: 'Theorem 4.1, supporting fact of the proof (each weight moves ≤ 4√n‖y − u(0)‖/(√m λ_0))' },
    kind: 'asymptotic',
    statement: `With m ≥ C_m n²/λ_0² and η = c_η λ_0/n² (c_η ≤ 16), every first-layer weight stays within ${planted ? '½' : '4'}√n‖y − u(0)‖/(√m λ_0) of its initialisation for all k ≤ K = min(100, ⌈4/(ηλ_0)⌉).`,
    statementTex: String.raw`With $m \ge C_m n^2/\lambda_0^2$ and $\eta = c_\eta \lambda_0/n^2$ ($c_\eta \le 16$), every first-layer weight stays within $${planted ? String.raw`\frac{1}{2}` : '4'}\sqrt{n}\lVert y - u(0) \rVert/(\sqrt{m}\, \lambda_0)$ of its initialisation for all $k \le K = \min(100, \lceil 4/(\eta\lambda_0) \rceil)$.`,
    conventions: TRAIN_CONVENTIONS,
    constants: [
      WIDTH_CONSTANT,
      claimOrTwinConstant(
        planted,
        { name: 'C', value: constant, provenance: 'paper', note: 'constant of the movement bound in the proof' },
        { note: 'planted error: the constant 4 of the proof replaced by ½' },
      ),
    ],
    ...trainSpace({ kappa: [1, 0.05] }),
    ...(planted ? {} : { probes: trainDescriptors({ widths: [8, 16, 32] }) }),
    cells,
    cellSpace: { ...cellSpace, κ: ['1', '0.05'] },
    assumptions: inside,
    conclude(i, d): Evaluation {
      const { lam, run, checkedSteps: K } = runTraining(i, d);
      const mx = maxWithError(run.maxMovement.subarray(0, K + 1), run.maxMovementError.subarray(0, K + 1));
      const n = i.x.rows;
      const c = (constant * Math.sqrt(n)) / Math.sqrt(d.m);
      const rhs = (c * run.residualNorm[0]) / lam.estimate;
      // the exact rhs: C√n/√m·‖y − u(0)‖/λ_0 with ‖y − u(0)‖ and λ_0 in their enclosures
      const exactC = interval(constant).mul(interval(n).sqrt()).div(interval(d.m).sqrt());
      const rhsError =
        lam.lower > 0 ? sideAt(rhs, exactC.mul(around(run.residualNorm[0], run.residualNormError[0])).div(interval(lam.lower, lam.upper))).error : Infinity;
      return { lhs: mx.value, lhsError: mx.error, rhs, rhsError, relation: '<=', quantities: { m: d.m, N: n, K, movement: mx.value, ratio: mx.value / rhs } };
    },
    empiricalConstant: { quantity: 'ratio', aggregate: 'max', description: 'max over instances of movement / (C√n‖y − u(0)‖/(√m λ_0))' },
    scaling: widthScaling('movement', 'max weight movement vs m (bound ∝ m^{−½})', { low: -1, high: -0.2 }),
    costHint: 325,
  };
}

// ------------------------------------------------------------------------------------------------
// (λ_0, δ, n)-non-degeneracy of the uniform distribution on S^{d−1}, λ_0 fixed in advance

interface NonDegDescriptor {
  [key: string]: unknown;
  n: number;
  d: number;
  delta: number;
  seed: string;
}

/**
 * λ_0(n, d, δ): the (δ/2)-quantile of λ_min(H∞) for n i.i.d. uniform points on S^{d−1}, fixed in advance
 * from an independent run (docs/theorems.md#non-degeneracy-with-a-fixed-lambda0): 20,000 samples per (n, d)
 * from the stream childRng('arora2019-lambda0-table', 'n/d', t) — a stream the search never draws from —,
 * λ_min from the certified lower end (lambdaMinCertified on hInfinityUnitNorm), the 0.05- and 0.1-quantiles
 * rounded DOWN to 3 significant digits. The quantile's own sampling error is ≈ ±0.0015 in probability.
 */
export const NONDEGENERATE_LAMBDA0: Readonly<Record<string, number>> = {
  'n=4,d=3,δ=0.1': 0.0333,
  'n=4,d=3,δ=0.2': 0.0491,
  'n=6,d=4,δ=0.1': 0.0464,
  'n=6,d=4,δ=0.2': 0.0602,
  'n=8,d=5,δ=0.1': 0.0586,
  'n=8,d=5,δ=0.2': 0.0711,
  'n=10,d=3,δ=0.1': 0.0105,
  'n=10,d=3,δ=0.2': 0.0148,
  'n=12,d=8,δ=0.1': 0.0957,
  'n=12,d=8,δ=0.2': 0.106,
  'n=16,d=10,δ=0.1': 0.108,
  'n=16,d=10,δ=0.2': 0.116,
};
const NONDEG_SHAPES = [
  [4, 3],
  [6, 4],
  [8, 5],
  [10, 3],
  [12, 8],
  [16, 10],
] as const;
const nondegKey = (d: { n: number; d: number; delta: number }) => `n=${d.n},d=${d.d},δ=${d.delta}`;

/** `deltaFactor` 1: the claim (failure probability δ, true rate ≈ δ/2); ¼: the planted twin (δ/4). */
function nonDegenerate(deltaFactor: number): Theorem<NonDegDescriptor, { x: Matrix; lambda0: number }> {
  const planted = deltaFactor !== 1;
  return {
    ...claimOrTwin(planted, {
      claim: {
        id: 'arora2019.nondegenerate-sphere',
        title: 'The uniform distribution on S^{d−1} is (λ_0, δ, n)-non-degenerate, λ_0(n, d, δ) fixed in advance',
      },
      twin: {
        id: 'planted.arora2019.nondegenerate-sphere-delta-quartered',
        title: 'PLANTED (δ → δ/4): uniform S^{d−1} is (λ_0, δ/4, n)-non-degenerate with the tabulated λ_0(n, d, δ)',
      },
    }),
    source: { ...ARORA_SOURCE, statement: 'Definition ((λ_0, δ, n)-non-degenerate), Section 5' },
    kind: 'high-probability',
    statement: `For n i.i.d. points uniform on S^{d−1}, λ_min(H∞) ≥ λ_0(n, d, δ) with probability ≥ 1 − ${planted ? 'δ/4' : 'δ'}, where λ_0(n, d, δ) is a table fixed in advance (the (δ/2)-quantile of an independent 20,000-sample run)${planted ? ' — PLANTED: the true failure rate is ≈ δ/2 > δ/4' : ''}.`,
    statementTex: String.raw`For $n$ i.i.d. points uniform on $S^{d-1}$, $\lambda_{\mathrm{min}}(H^{\infty}) \ge \lambda_0(n, d, \delta)$ with probability $\ge 1 - ${planted ? String.raw`\delta/4` : String.raw`\delta`}$, where $\lambda_0(n, d, \delta)$ is a table fixed in advance (the $(\delta/2)$-quantile of an independent 20,000-sample run)${planted ? String.raw` — PLANTED: the true failure rate is $\approx \delta/2 > \delta/4$` : ''}.`,
    conventions: {
      ...TRAIN_CONVENTIONS,
      lambda0:
        'NONDEGENERATE_LAMBDA0 (properties/arora2019.ts): (δ/2)-quantiles from 20,000 samples of childRng("arora2019-lambda0-table", "n/d", t), rounded down',
    },
    constants: [
      {
        name: 'λ_0 quantile',
        value: 0.5,
        provenance: 'fitted',
        note: 'λ_0(n, d, δ) = the (δ/2)-quantile of λ_min(H∞) from an independent run with its own stream; rounded down to 3 significant digits. The claim fails if the failure rate of fresh draws exceeds δ (a λ_0 too large by ≈ 10 % already doubles the rate at n = 16, d = 10)',
      },
      ...(planted
        ? [{ name: 'δ factor', value: deltaFactor, provenance: 'user' as const, note: 'planted error: the failure probability divided by 4 with the same λ_0' }]
        : []),
    ],
    descriptors: fc
      .record({ shape: fc.constantFrom(...NONDEG_SHAPES), delta: fc.constantFrom(0.2, 0.1), seed: seedArb })
      .map(({ shape, delta, seed }) => ({ n: shape[0], d: shape[1], delta, seed })),
    materialize: (d) => ({ x: sampleData(childRng(d.seed, 'data'), { family: 'unit-sphere' }, d.n, d.d), lambda0: NONDEGENERATE_LAMBDA0[nondegKey(d)] ?? NaN }),
    assumptions: (i) => (Number.isFinite(i.lambda0) ? unitNorm(i.x) : '(n, d, δ) in the λ_0 table'),
    conclude(i): Evaluation {
      // Evaluated for the exact normalised rows (stored rows are unit only to rounding): hInfinityUnitNorm.
      const h = hInfinityUnitNorm(i.x);
      const lam = lambdaMinCertified(h.matrix, { entryError: h.errorBound });
      return evaluation(fromEnclosure(lam), '>=', exact(i.lambda0), { quantities: { lambdaMin: lam.estimate, lambda0: i.lambda0 } });
    },
    delta: (d) => d.delta * deltaFactor,
    configKey: nondegKey,
    cells: (d) => ({ N: d.n <= 8 ? '3–8' : '9–16', d: d.d <= 6 ? '3–6' : '7–10', δ: String(d.delta) }),
    costHint: 12000,
  };
}

export const arora2019Theorems = [trajectory(1), weightMovement(4), nonDegenerate(1), trajectory(2), trajectory(0.5), nonDegenerate(0.25), weightMovement(0.5)];
