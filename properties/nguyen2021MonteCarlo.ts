import fc from 'fast-check';
import { type Interval, interval, sumOfSquares } from '../src/linalg/interval.ts';
import { kiiMomentEnclosures, kiiMoments } from '../src/ntk/kiiMoments.ts';
import { type Cholesky2, arcCosineClosedForms, chebyshevRadius, hoeffdingRadius, ntkDiagonalSample, sampleArcCosine } from '../src/ntk/monteCarlo.ts';
import { type Initialization, type NetworkArchitecture, architectureDims, resolveBetas } from '../src/ntk/network.ts';
import type { Matrix } from '../src/linalg/matrix.ts';
import { sampleData } from '../src/random/distributions.ts';
import { childRng } from '../src/random/rng.ts';
import { around, evaluation, sideAt } from '../src/theorem/sides.ts';
import type { Evaluation, Theorem } from '../src/theorem/types.ts';
import { seedArb } from '../src/theorem/arbitraries.ts';
import { NMM_SOURCE } from './papers.ts';
import { strongerTwin, tightenedBound, claimOrTwin } from './twins.ts';

/**
 * Nguyen, Mondelli, Montúfar 2021 (arXiv 2012.11654v5) — expectation identities checked by Monte
 * Carlo as HIGH-PROBABILITY claims with distribution-free radii (src/ntk/monteCarlo.ts):
 *  - the arc-cosine closed forms (docs/conventions.md#relu-closed-forms) against M draws of a bivariate Gaussian:
 *    Hoeffding for the bounded σ'(u)σ'(v), Chebyshev with the Isserlis bound E[(σ(u)σ(v))²] ≤ q1q2 + 2c²;
 *  - E K̄_ii = ‖x_i‖²(Π n_m/2)Σ_l Π_{m≠l}β_m² (docs/theorems.md#exact-finite-width-expectation-of-the-diagonal)
 *    against the mean over R independent networks, two-sided, by Chebyshev with a rigorous bound on
 *    E K̄_ii² (src/ntk/kiiMoments.ts, docs/theorems.md#second-moment-bound-for-the-diagonal).
 */

// ------------------------------------------------------------------------------------------------
// Arc-cosine closed forms vs Monte Carlo

type Mode = 'generic' | 'near+1' | 'near-1' | 'exact+1' | 'exact-1' | 'zero-u' | 'zero-v';
type ArcDesc = { [key: string]: unknown; mode: Mode; q1Exp: number; q2Exp: number; rho: number; tail: number; M: number; delta: number; seed: string };

const arcDescriptors = (modes: readonly Mode[], rho: [number, number]): fc.Arbitrary<ArcDesc> =>
  fc.record({
    mode: fc.constantFrom(...modes),
    q1Exp: fc.integer({ min: -6, max: 6 }),
    q2Exp: fc.integer({ min: -6, max: 6 }),
    rho: fc.double({ min: rho[0], max: rho[1], noNaN: true }),
    tail: fc.integer({ min: 3, max: 15 }),
    M: fc.constantFrom(200, 1000, 4000),
    delta: fc.constantFrom(0.2, 0.1, 0.05),
    seed: seedArb,
  });

/** The float Cholesky factor (taken as exact) of the descriptor's covariance. */
function choleskyOf(d: ArcDesc): Cholesky2 {
  const s1 = Math.sqrt(2 ** d.q1Exp),
    s2 = Math.sqrt(2 ** d.q2Exp);
  switch (d.mode) {
    case 'generic':
      return { l11: s1, l21: s2 * d.rho, l22: s2 * Math.sqrt(Math.max(0, 1 - d.rho * d.rho)) };
    case 'near+1':
      return { l11: s1, l21: s2, l22: s2 * 10 ** -d.tail };
    case 'near-1':
      return { l11: s1, l21: -s2, l22: s2 * 10 ** -d.tail };
    case 'exact+1':
      return { l11: s1, l21: s2, l22: 0 };
    case 'exact-1':
      return { l11: s1, l21: -s2, l22: 0 };
    case 'zero-u':
      return { l11: 0, l21: s2 * d.rho, l22: s2 };
    case 'zero-v':
      return { l11: s1, l21: 0, l22: 0 };
  }
}

const ARC_MODES: readonly Mode[] = ['generic', 'generic', 'near+1', 'near-1', 'exact+1', 'exact-1', 'zero-u', 'zero-v'];
const arcConventions = {
  covariance: 'A = LLᵀ with the float Cholesky factor L = [[l11, 0], [l21, l22]] taken as exact: (u, v) = (l11g1, l21g1 + l22g2)',
  angle: 'θ = atan2(l22, l21) (the angle of A, no cancellation near ρ = ±1)',
  "σ'(0)": 0,
  samples: 'g1, g2 the float N(0,1) draws of rng.ts (polar method), taken as exact; sign of v certified per draw',
  modes: 'generic ρ, ρ = ±(1 − O(10^{−2·tail})), ρ = ±1 exactly, zero-norm rows',
};
/** What the arc-cosine Monte Carlo claims share: conventions, materialisation, δ, draws of one configuration, coverage. */
const arcBase = {
  kind: 'high-probability' as const,
  conventions: arcConventions,
  materialize: choleskyOf,
  assumptions: (_i: Cholesky2, d: ArcDesc) => (d.delta > 0 && d.delta < 1 ? null : 'δ ∈ (0, 1)'),
  delta: (d: ArcDesc) => d.delta,
  configKey: (d: ArcDesc) => JSON.stringify({ ...d, seed: undefined }),
  cells: (d: ArcDesc) => ({ mode: d.mode, M: String(d.M), δ: String(d.delta) }),
  cellSpace: { mode: ['generic', 'near+1', 'near-1', 'exact+1', 'exact-1', 'zero-u', 'zero-v'], M: ['200', '1000', '4000'], δ: ['0.2', '0.1', '0.05'] },
};

/**
 * |mean − target| ≤ radius for a Monte Carlo mean over M draws: the computed mean and closed-form target with their
 * error bounds, the radius with an enclosure of its exact value.
 */
function meanWithinRadius(
  mean: { value: number; error: number },
  target: { value: number; error: number },
  radius: { value: number; exact: Interval },
  q: { theta: number; M: number },
): Evaluation {
  const lhs = Math.abs(mean.value - target.value);
  const exactLhs = around(mean.value, mean.error).sub(around(target.value, target.error)).abs();
  return evaluation(sideAt(lhs, exactLhs), '<=', sideAt(radius.value, radius.exact), {
    quantities: { theta: q.theta, closedForm: target.value, mean: mean.value, ratio: radius.value > 0 ? lhs / radius.value : 0, M: q.M },
  });
}

function arcDerivative(planted: boolean): Theorem<ArcDesc, Cholesky2> {
  return {
    ...claimOrTwin(planted, {
      claim: {
        id: 'nguyen2021.arccos.derivative-monte-carlo',
        title: "Arc-cosine: the mean of σ'(u)σ'(v) over M draws is within √(log(2/δ)/(2M)) of (π − θ)/(2π) w.p. ≥ 1 − δ",
      },
      twin: { id: 'planted.nguyen2021.arccos-derivative-pi-plus-theta', title: "PLANTED: mean of σ'(u)σ'(v) within √(log(2/δ)/(2M)) of (π + θ)/(2π)" },
    }),
    source: {
      ...NMM_SOURCE,
      statement: 'Section 3, closed form Ġ = 2E[σ’σ’] = (π − θ)/π (docs/conventions.md#relu-closed-forms)' + (planted ? ' — planted sign error' : ''),
    },
    statement: `For (u, v) ~ N(0, A), the mean of 1{u > 0}1{v > 0} over M i.i.d. draws is within √(log(2/δ)/(2M)) (Hoeffding) of ${planted ? '(π + θ)/(2π)' : '(π − θ)/(2π) (0 for a zero-norm row)'} with probability ≥ 1 − δ.`,
    statementTex: String.raw`For $(u, v) \sim \mathcal{N}(0, A)$, the mean of $\mathbf{1}\{u > 0\}\mathbf{1}\{v > 0\}$ over $M$ i.i.d. draws is within $\sqrt{\log(2/\delta)/(2M)}$ (Hoeffding) of ${planted ? String.raw`$(\pi + \theta)/(2\pi)$` : String.raw`$(\pi - \theta)/(2\pi)$ ($0$ for a zero-norm row)`} with probability $\ge 1 - \delta$.`,
    ...arcBase,
    constants: [{ name: 'Hoeffding', value: 2, provenance: 'derived', note: 'P(|mean − E| ≥ t) ≤ 2e^{−2Mt²} for [0, 1]-valued draws' }],
    descriptors: planted ? arcDescriptors(['generic'], [-0.95, 0.5]) : arcDescriptors(ARC_MODES, [-1, 1]),
    conclude(L, d): Evaluation {
      const cf = arcCosineClosedForms(L);
      const s = sampleArcCosine(L, d.M, d.seed);
      const target = planted ? (cf.degenerate ? 0 : 1 - cf.dd) : cf.dd; // (π + θ)/(2π) = 1 − (π − θ)/(2π)
      const exactRhs = interval(2).div(d.delta).log().div(interval(2).mul(d.M)).sqrt(); // √(log(2/δ)/(2M))
      return meanWithinRadius(
        { value: s.ddMean, error: s.ddError },
        { value: target, error: cf.ddError },
        { value: hoeffdingRadius(d.M, d.delta), exact: exactRhs },
        { theta: cf.theta, M: d.M },
      );
    },
    costHint: 2700,
  };
}

export const arcKernelMc: Theorem<ArcDesc, Cholesky2> = {
  id: 'nguyen2021.arccos.kernel-monte-carlo',
  title: 'Arc-cosine: the mean of σ(u)σ(v) over M draws is within √((q1q2 + 2c²)/(Mδ)) of √(q1q2)(sin θ + (π − θ)cos θ)/(2π) w.p. ≥ 1 − δ',
  source: { ...NMM_SOURCE, statement: 'Section 3, closed form G = 2E[σσ] = (√(ab)/π)(sin θ + (π − θ)cos θ) (docs/conventions.md#relu-closed-forms)' },
  statement:
    'For (u, v) ~ N(0, A), the mean of σ(u)σ(v) over M i.i.d. draws is within the Chebyshev radius √(V/(Mδ)) of the closed form w.p. ≥ 1 − δ, with the rigorous variance bound V = q1q2 + 2c² = E[u²v²] ≥ E[(σ(u)σ(v))²].',
  statementTex: String.raw`For $(u, v) \sim \mathcal{N}(0, A)$, the mean of $\sigma(u)\sigma(v)$ over $M$ i.i.d. draws is within the Chebyshev radius $\sqrt{V/(M\delta)}$ of the closed form w.p. $\ge 1 - \delta$, with the rigorous variance bound $V = q_1q_2 + 2c^2 = \mathbb{E}[u^2v^2] \ge \mathbb{E}[(\sigma(u)\sigma(v))^2]$.`,
  ...arcBase,
  constants: [{ name: 'variance bound', value: 1, provenance: 'derived', note: 'Var σ(u)σ(v) ≤ E[σ(u)²σ(v)²] ≤ E[u²v²] = q1q2 + 2c² (Isserlis) ≤ 3q1q2' }],
  descriptors: arcDescriptors(ARC_MODES, [-1, 1]),
  conclude(L, d): Evaluation {
    const cf = arcCosineClosedForms(L);
    const s = sampleArcCosine(L, d.M, d.seed);
    const exactRhs = interval(cf.secondMomentBound).div(interval(d.M).mul(d.delta)).sqrt(); // √(V/(Mδ))
    return meanWithinRadius(
      { value: s.ffMean, error: s.ffError },
      { value: cf.ff, error: cf.ffError },
      { value: chebyshevRadius(cf.secondMomentBound, d.M, d.delta), exact: exactRhs },
      { theta: cf.theta, M: d.M },
    );
  },
  costHint: 6700,
};

// ------------------------------------------------------------------------------------------------
// E K̄_ii over independent networks (two-sided Chebyshev with a rigorous second-moment bound)

type InitName = 'standard' | 'he' | 'lecun';
type KiiDesc = { [key: string]: unknown; d: number; widths: number[]; init: InitName; xSeed: string; R: number; delta: number; seed: string };
interface KiiInstance {
  x: Matrix;
  arch: NetworkArchitecture;
}

const kiiDescriptors = (inits: readonly InitName[]): fc.Arbitrary<KiiDesc> =>
  fc.record({
    d: fc.integer({ min: 2, max: 10 }),
    widths: fc.array(fc.integer({ min: 3, max: 48 }), { minLength: 1, maxLength: 3 }),
    init: fc.constantFrom(...inits),
    xSeed: seedArb,
    R: fc.constantFrom(20, 50, 100),
    delta: fc.constantFrom(0.5, 0.25, 0.1),
    seed: seedArb,
  });

/**
 * The configurations where a wrong expectation is visible: widths ≥ 16 (the bound on the coefficient of
 * variation of K̄_ii is 0.6–0.85 there, against 1.3–5.5 for widths 3–8), R = 100 networks and δ = ½, so the
 * Chebyshev radius is ≈ 0.09–0.12·E K̄_ii.
 */
const kiiTwinDescriptors = kiiDescriptors(['standard', 'he', 'lecun']).map((d) => ({
  ...d,
  d: Math.max(d.d, 4),
  widths: d.widths.map((w) => Math.max(w, 16)),
  R: 100,
  delta: 0.5,
}));

/** The planted formula's factor: L·Π_m β_m² in place of Σ_l Π_{m≠l} β_m² (forgetting to drop β_l), enclosed. */
function plantedFactor(betas: number[]): Interval {
  const L = betas.length;
  let all = interval(1);
  for (const b of betas) all = all.mul(interval(b).pow(2));
  let sum = interval(0);
  for (let l = 0; l < L; l++) {
    let p = interval(1);
    for (let m = 0; m < L; m++) if (m !== l) p = p.mul(interval(betas[m]).pow(2));
    sum = sum.add(p);
  }
  return all.mul(L).div(sum);
}

/** |mean − c·E K̄_ii| against the Chebyshev radius √(V/(Rδ)), V = M₂ − (E K̄_ii)² ≥ Var K̄_ii. */
function kiiEvaluation(i: KiiInstance, d: KiiDesc, centerFactor: (betas: number[]) => Interval): Evaluation {
  const s = ntkDiagonalSample(i.arch, i.x, d.R, d.seed);
  const dims = architectureDims(i.arch),
    betas = resolveBetas(i.arch);
  const n2 = sumOfSquares(i.x.data);
  const m = kiiMoments(dims, betas, n2.mid),
    e = kiiMomentEnclosures(dims, betas, n2);
  const fI = centerFactor(betas),
    f = fI.mid;
  const center = f * m.mean;
  const lhs = Math.abs(s.mean - center);
  const meanError = s.uncertified > 0 ? Infinity : s.error;
  const lhsError = sideAt(lhs, around(s.mean, meanError).sub(fI.mul(e.mean)).abs()).error;
  const rhs = Math.sqrt(m.varianceBound / (d.R * d.delta));
  const rhsError = m.varianceBound > 0 ? sideAt(rhs, e.variance.div(interval(d.R).mul(d.delta)).sqrt()).error : Infinity;
  // meanError, expectedError: the errors of the sample mean and of E K̄_ii, for the twins' shifted centres
  return {
    lhs,
    lhsError,
    rhs,
    rhsError,
    relation: '<=',
    quantities: {
      ratioToExpectation: s.mean / m.mean,
      expected: m.mean,
      mean: s.mean,
      radiusOverExpectation: rhs / m.mean,
      R: d.R,
      meanError,
      expectedError: sideAt(m.mean, e.mean).error,
    },
  };
}

function kiiChebyshev(planted: boolean): Theorem<KiiDesc, KiiInstance> {
  return {
    ...claimOrTwin(planted, {
      claim: {
        id: 'nguyen2021.expected-kii.chebyshev',
        title: 'E K̄_ii = ‖x_i‖²(Π_{m<L} n_m/2)Σ_l Π_{m≠l}β_m²: the mean over R networks is within √(V/(Rδ)) of it w.p. ≥ 1 − δ (Chebyshev, V ≥ Var K̄_ii)',
      },
      twin: {
        id: 'planted.nguyen2021.expected-kii-beta-not-dropped',
        title: 'PLANTED: the mean of K̄_ii over R networks is within √(V/(Rδ)) of ‖x‖²(Π n_m/2)·L·Π_m β_m² w.p. ≥ 1 − δ',
      },
    }),
    source: {
      ...NMM_SOURCE,
      statement:
        'exact finite-width expectation E K̄_ii (derived from the proofs of Lemmas C.1, C.5, C.6; docs/theorems.md#exact-finite-width-expectation-of-the-diagonal, docs/theorems.md#second-moment-bound-for-the-diagonal)' +
        (planted ? ' — planted: β_l not dropped' : ''),
    },
    kind: 'high-probability',
    statement: `For any widths and β, the mean of K̄_ii over R independent networks lies within √(V/(Rδ)) of ${planted ? '(L·Π_mβ_m²/Σ_lΠ_{m≠l}β_m²)·' : ''}E K̄_ii with probability ≥ 1 − δ, where V = M₂ − (E K̄_ii)² and M₂ ≥ E K̄_ii² is the second-moment bound of src/ntk/kiiMoments.ts (two-sided: an over- or underestimate of E K̄_ii fails).`,
    statementTex: String.raw`For any widths and $\beta$, the mean of $\bar{K}_{ii}$ over $R$ independent networks lies within $\sqrt{V/(R\delta)}$ of $${planted ? String.raw`(L \cdot \prod_m\beta_m^2/\sum_l\prod_{m \ne l}\beta_m^2) \cdot ` : ''}\mathbb{E}\, \bar{K}_{ii}$ with probability $\ge 1 - \delta$, where $V = M_2 - (\mathbb{E}\, \bar{K}_{ii})^2$ and $M_2 \ge \mathbb{E}\, \bar{K}_{ii}^2$ is the second-moment bound of src/ntk/kiiMoments.ts (two-sided: an over- or underestimate of $\mathbb{E}\, \bar{K}_{ii}$ fails).`,
    conventions: {
      network: 'nmm (network.ts), no biases, (W_l)_ij ~ N(0, β_l²)',
      "σ'(0)": 0,
      expectation: 'kiiMoments (src/ntk/kiiMoments.ts)',
      input: 'one x ~ N(0, I_d) from xSeed, fixed across draws; networks from childRng(seed, "ntk-net", r)',
    },
    constants: [
      { name: 'Chebyshev', value: 1, provenance: 'derived', note: 'P(|Ȳ − E Y| ≥ √(V/(Rδ))) ≤ δ for the mean Ȳ of R i.i.d. copies of Y with Var Y ≤ V' },
    ],
    descriptors: planted
      ? kiiDescriptors(['he', 'lecun']).map((d) => ({ ...d, d: Math.max(d.d, 4), widths: d.widths.map((w) => Math.max(w, 16)), R: 20, delta: 0.5 }))
      : kiiDescriptors(['standard', 'he', 'lecun']),
    materialize: (d) => ({
      x: sampleData(childRng(d.xSeed, 'x'), { family: 'gaussian' }, 1, d.d),
      arch: { inputDim: d.d, widths: d.widths, init: d.init as Initialization },
    }),
    assumptions: (_i, d) => (d.delta > 0 && d.delta < 1 ? null : 'δ ∈ (0, 1)'),
    conclude: (i, d) => kiiEvaluation(i, d, planted ? plantedFactor : () => interval(1)),
    delta: (d) => d.delta,
    configKey: (d) => JSON.stringify({ ...d, seed: undefined }),
    cells: (d) => ({ L: String(d.widths.length + 1), init: d.init, R: String(d.R) }),
    cellSpace: { L: ['2', '3', '4'], init: ['standard', 'he', 'lecun'], R: ['20', '50', '100'] },
    // R ≤ 100 networks of width ≤ 48 per draw: 20–120 µs per network measured
    costHint: 150,
  };
}
export const kiiChebyshevClaim = kiiChebyshev(false);

function kiiMisstated(factor: number, tag: string, words: string): Theorem<KiiDesc, KiiInstance> {
  return strongerTwin(kiiChebyshevClaim, {
    tag,
    title: `the mean of K̄_ii over R networks is within √(V/(Rδ)) of ${factor}·E K̄_ii w.p. ≥ 1 − δ`,
    note: `E K̄_ii ${words} by ${Math.round(Math.abs(factor - 1) * 100)} % (the radius is ≈ 0.09–0.12·E K̄_ii on these configurations)`,
    noteTex: String.raw`$\mathbb{E}\, \bar{K}_{ii}$ ${words} by ${Math.round(Math.abs(factor - 1) * 100)} % (the radius is $\approx 0.09$–$0.12 \cdot \mathbb{E}\, \bar{K}_{ii}$ on these configurations)`,
    constant: { name: 'E K̄_ii factor', value: factor },
    descriptors: kiiTwinDescriptors,
    transform(ev) {
      const q = ev.quantities!;
      const lhs = Math.abs(q.mean - factor * q.expected);
      return { ...ev, lhs, lhsError: sideAt(lhs, around(q.mean, q.meanError).sub(around(q.expected, q.expectedError).mul(factor)).abs()).error };
    },
  });
}

export const twinArcKernelRadius = tightenedBound(arcKernelMc, {
  factor: 0.2,
  tag: 'radius-over-5',
  title: 'Arc-cosine: the mean of σ(u)σ(v) over M draws is within √((q1q2 + 2c²)/(Mδ))/5 of the closed form w.p. ≥ 1 − δ',
  note: 'the Chebyshev radius divided by 5 (generic correlations ρ ≥ −½, where Var σ(u)σ(v) is not small against q1q2 + 2c²)',
  noteTex: String.raw`the Chebyshev radius divided by $5$ (generic correlations $\rho \ge -\frac{1}{2}$, where $\operatorname{Var} \sigma(u)\sigma(v)$ is not small against $q_1q_2 + 2c^2$)`,
  constant: { name: 'radius factor', value: 0.2 },
  descriptors: arcDescriptors(['generic'], [-0.5, 1]),
});

export const nguyen2021MonteCarloTheorems = [
  arcDerivative(false),
  arcKernelMc,
  kiiChebyshevClaim,
  arcDerivative(true),
  kiiChebyshev(true),
  kiiMisstated(1.25, 'over-25pct', 'overestimated'),
  kiiMisstated(0.75, 'under-25pct', 'underestimated'),
  twinArcKernelRadius,
];
