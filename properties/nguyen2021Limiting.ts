import fc from 'fast-check';
import { gram } from '../src/linalg/blas.ts';
import { gramEntryErrorBound, maxRowNormSquared, rowNormsSquared } from '../src/linalg/gramStats.ts';
import { gershgorinUniform, hadamardPower } from '../src/linalg/hadamard.ts';
import { type Interval, interval, sumOfSquares } from '../src/linalg/interval.ts';
import { lambdaMinCertified, type LambdaMinEnclosure } from '../src/linalg/lambdaMin.ts';
import type { Matrix } from '../src/linalg/matrix.ts';
import { reluHermiteCoefficient, reluHermiteCoefficients, reluHermiteTailBound } from '../src/ntk/hermite.ts';
import { hermiteHalfMonomialExact } from '../src/ntk/hermiteExact.ts';
import { limitingKernels, type LimitingKernels } from '../src/ntk/limiting.ts';
import { reluHermiteEnclosures, reluHermiteSquareEnclosures } from '../src/ntk/reluCoefficients.ts';
import { hermiteCoefficientsQuadrature } from '../src/ntk/quadrature.ts';
import type { Rng } from '../src/random/rng.ts';
import { uniformInt } from '../src/random/rng.ts';
import { type DataDescriptor, type DataDescriptorOptions, dataDescriptor, materializeData, mutateDataDescriptor, seedArb } from '../src/theorem/arbitraries.ts';
import { type ClaimDescriptor, defineClaim, param } from '../src/theorem/defineClaim.ts';
import { fromInterval, relativeError, sideAt } from '../src/theorem/sides.ts';
import type { Evaluation, Theorem } from '../src/theorem/types.ts';
import { perturbedIdentity, tightenedBound, claimOrTwin, claimOrTwinConstant } from './twins.ts';
import { NMM_SOURCE } from './papers.ts';

/**
 * Nguyen, Mondelli, Montúfar, "Tight Bounds on the Smallest Eigenvalue of the Neural Tangent Kernel
 * for Deep ReLU Networks" (ICML 2021, arXiv 2012.11654v5) — the LIMITING (infinite-width) claims and
 * the Hermite facts they rest on (docs/theorems.md#hermite-coefficients-of-relu,
 * docs/theorems.md#limiting-ntk-eq-9-closed-forms-diagonal, docs/theorems.md#theorem-32-and-its-proof-chain).
 * Finite-width claims live in nguyen2021FiniteWidth.ts.
 */

const HERMITE_CONVENTIONS = {
  hermite: 'h_r = He_r/√(r!) (normalised probabilists’ Hermite, orthonormal in L²(N(0,1)))',
  coefficient: 'μ_r(f) = E_{g∼N(0,1)}[f(g) h_r(g)]',
  activation: 'σ(t) = max(0, t)',
  "σ'(0)": 0,
};

export const LIMITING_CONVENTIONS = {
  parameterisation: 'nmm, eqs. (9)–(10): G(1) = XXᵀ, G(l) = 2E[σ(u)σ(v)], Ġ(l) = 2E[σ’(u)σ’(v)], K(l) = K(l−1)∘Ġ(l) + G(l); no biases',
  c_σ: 2,
  "σ'(0)": 0,
  normalisation: 'K(L) = lim Π_{l=1}^{L−1}(2/n_l)·K̄ with N(0,1) weights (β_l = 1)',
  depth: 'L = number of weight matrices',
  data: 'rows of the stored float64 matrix X, taken as exact (no rescaling)',
};

// ------------------------------------------------------------------------------------------------
// Bookkeeping helpers (intervals only; every number comes from the engine)

function lambdaMinOf(m: Matrix, entryError: number): LambdaMinEnclosure {
  return lambdaMinCertified(m, { entryError });
}

/** Spectral error bound of the layer-l NNGP G(l) kept by limitingKernels: the entrywise relative
 * coefficient of the last layer dominates every earlier layer's (the coefficients increase with l,
 * limiting.ts limitingErrorCoefficients), and ‖ΔG‖₂ ≤ ‖ΔG‖_F ≤ coef·tr G. */
function layerNngpError(lim: LimitingKernels, g: Matrix): number {
  const c = interval(lim.entrywiseBound.nngp);
  let tr = interval(0);
  for (let k = 0; k < g.rows; k++) tr = tr.add(g.data[k * g.cols + k]);
  return c.mul(tr).mul(c.mul(2).add(1)).hi;
}

// ------------------------------------------------------------------------------------------------
// 1. Hermite facts (docs/theorems.md#hermite-coefficients-of-relu)

type RDesc = { [key: string]: unknown; r: number };
/** The order r of a Hermite coefficient, 0 … 60; a local move is r ± 1. */
const rDescriptors = fc.record({ r: fc.integer({ min: 0, max: 60 }) });
const mutateRDesc = (d: RDesc, rng: Rng) => ({ r: Math.max(0, Math.min(60, d.r + (rng.next() < 0.5 ? -1 : 1))) });

const hermiteBase = {
  kind: 'deterministic' as const,
  conventions: HERMITE_CONVENTIONS,
  materialize: (d: RDesc) => ({ r: d.r }),
  assumptions: () => null,
  costHint: 3000,
};

export const hermiteClosedForm: Theorem<RDesc, { r: number }> = {
  ...hermiteBase,
  id: 'nguyen2021.hermite.closed-form',
  title: 'μ_r(ReLU) closed form (eq. (8)) equals the exact moment expansion',
  source: { ...NMM_SOURCE, statement: "eq. (8) (v5), normalised probabilists' Hermite polynomials (docs/conventions.md#hermite-coefficients)" },
  statement:
    'μ_0 = 1/√(2π), μ_1 = ½, μ_r = 0 (odd r ≥ 3), μ_r = (−1)^{(r−2)/2}(r−3)!!/(√(2π)√(r!)) (even r ≥ 2) equals Σ_k (−1)^k r!/(k!(r−2k)!2^k) ∫_0^∞ t^{r−2k+1}φ(t)dt/√(r!) (exact integer arithmetic).',
  statementTex: String.raw`$\mu_0 = 1/\sqrt{2\pi}$, $\mu_1 = \frac{1}{2}$, $\mu_r = 0$ (odd $r \ge 3$), $\mu_r = (-1)^{(r-2)/2}(r-3)!!/(\sqrt{2\pi}\sqrt{r!})$ (even $r \ge 2$) equals $\sum_k (-1)^k \frac{r!}{k!\,(r-2k)!\,2^k} \int_0^{\infty} t^{r-2k+1}\varphi(t)\,dt/\sqrt{r!}$ (exact integer arithmetic).`,
  constants: [],
  descriptors: rDescriptors,
  mutate: mutateRDesc,
  cells: (d: RDesc) => ({ r: d.r <= 1 ? '0–1' : d.r % 2 === 1 ? 'odd ≥ 3' : d.r <= 12 ? 'even 2–12' : 'even 14–60' }),
  cellSpace: { r: ['0–1', 'odd ≥ 3', 'even 2–12', 'even 14–60'] },
  conclude({ r }): Evaluation {
    const closed = reluHermiteCoefficient(r);
    const exact = hermiteHalfMonomialExact(1, r);
    const quad = r <= 20 ? hermiteCoefficientsQuadrature((t) => (t > 0 ? t : 0), r, { breakpoints: [0] })[r] : NaN;
    return {
      lhs: closed,
      lhsError: sideAt(closed, reluHermiteEnclosures(r)[r]).error,
      rhs: exact.value,
      rhsError: exact.error,
      relation: '==',
      quantities: { r, mu: closed, quadratureDeviation: Number.isNaN(quad) ? NaN : Math.abs(quad - closed) },
    };
  },
};

export const hermiteDerivative: Theorem<RDesc, { r: number }> = {
  ...hermiteBase,
  id: 'nguyen2021.hermite.derivative',
  title: 'μ_r(σ′) = √(r+1)·μ_{r+1}(σ)',
  source: { ...NMM_SOURCE, statement: 'Hermite coefficients of σ′ (derived from h′_{r+1} = √(r+1)h_r, docs/theorems.md#hermite-coefficients-of-relu)' },
  statement: 'The Hermite coefficient of the step σ′ = 1{t>0} (exact moment expansion) equals √(r+1) times the closed-form μ_{r+1}(ReLU).',
  statementTex: String.raw`The Hermite coefficient of the step $\sigma' = \mathbf{1}\{t>0\}$ (exact moment expansion) equals $\sqrt{r+1}$ times the closed-form $\mu_{r+1}(\mathrm{ReLU})$.`,
  constants: [],
  descriptors: rDescriptors,
  mutate: mutateRDesc,
  conclude({ r }): Evaluation {
    const viaRelu = Math.sqrt(r + 1) * reluHermiteCoefficient(r + 1);
    const exact = hermiteHalfMonomialExact(0, r);
    return {
      lhs: exact.value,
      lhsError: exact.error,
      rhs: viaRelu,
      rhsError: sideAt(
        viaRelu,
        interval(r + 1)
          .sqrt()
          .mul(reluHermiteEnclosures(r + 1)[r + 1]),
      ).error,
      relation: '==',
      quantities: { r },
    };
  },
};

type SumDesc = { [key: string]: unknown; R: number };
const sumDescriptors = fc.record({ R: fc.integer({ min: 1, max: 150 }).map((k) => 2 * k) });
const mutateR = (d: SumDesc, rng: Rng) => ({ R: Math.max(2, Math.min(300, d.R + 2 * (rng.next() < 0.5 ? -1 : 1) * (1 + uniformInt(rng, 5)))) });

/** Scratch for μ_0 … μ_R (R ≤ 300 in the catalog; grown on demand). */
let muScratch = new Float64Array(302);
function muTable(R: number): Float64Array {
  if (muScratch.length < R + 1) muScratch = new Float64Array(R + 1);
  return reluHermiteCoefficients(R, muScratch);
}

/** Σ_{r ≤ R} μ_r², enclosed (memoised per R: the catalog's R ≤ 300). */
const partialSquareEnclosures = new Map<number, Interval>();
function partialSquaresEnclosure(R: number): Interval {
  let e = partialSquareEnclosures.get(R);
  if (!e) {
    const sq = reluHermiteSquareEnclosures(R);
    e = interval(0);
    for (let r = 0; r <= R; r++) e = e.add(sq[r]);
    partialSquareEnclosures.set(R, e);
  }
  return e;
}

/**
 * Σ_{r ≤ R} μ_r² with a rigorous error (from partialSquaresEnclosure); also μ_R.
 * The μ_r come from one pass of the recurrence (reluHermiteCoefficients: the same float64 values as
 * reluHermiteCoefficient(r), summed in the same order, so value and error are bit-identical). Measured
 * in steady state (searchTheorem, 60 random + 30 targeted instances): calling reluHermiteCoefficient
 * per r (O(R²)) was 75 % of the time of the sum-rule / tail-bound claims; 20.6 → 2.2 µs/instance
 * (sum-rule) and 21.5 → 2.2 µs/instance (tail-bound), search bookkeeping included.
 */
function partialSquares(R: number): { value: number; error: number; muR: number } {
  const mu = muTable(R);
  let s = 0;
  for (let r = 0; r <= R; r++) s += mu[r] ** 2;
  return { value: s, error: sideAt(s, partialSquaresEnclosure(R)).error, muR: mu[R] };
}

export const hermiteSumRule: Theorem<SumDesc, { R: number }> = {
  ...hermiteBase,
  id: 'nguyen2021.hermite.sum-rule-partial',
  title: 'Σ_{r ≤ R} μ_r(σ)² ≤ ½ = E σ(g)²',
  source: { ...NMM_SOURCE, statement: 'Parseval for σ in L²(γ) (sum rule used in App. C, docs/theorems.md#hermite-coefficients-of-relu)' },
  statement: 'Every partial sum of μ_r² is at most E[σ(g)²] = ½.',
  statementTex: String.raw`Every partial sum of $\mu_r^2$ is at most $\mathbb{E}[\sigma(g)^2] = \frac{1}{2}$.`,
  constants: [{ name: '½', value: 0.5, provenance: 'derived', note: 'E[max(0,g)²] = ½' }],
  descriptors: sumDescriptors,
  mutate: mutateR,
  materialize: (d: SumDesc) => ({ R: d.R }),
  conclude({ R }): Evaluation {
    const p = partialSquares(R);
    return { lhs: p.value, lhsError: p.error, rhs: 0.5, rhsError: 0, relation: '<=', quantities: { R, deficit: 0.5 - p.value } };
  },
};

export const hermiteTail: Theorem<SumDesc, { R: number }> = {
  ...hermiteBase,
  id: 'nguyen2021.hermite.tail-bound',
  title: '½ − Σ_{r ≤ R} μ_r² ≤ μ_R² R/3 (even R)',
  source: {
    ...NMM_SOURCE,
    statement: 'tail of the sum rule (asymptotics μ_r² ~ r^{−5/2}; derived, docs/theorems.md#hermite-coefficients-of-relu, hermite.ts reluHermiteTailBound)',
  },
  statement: 'Σ_{r > R} μ_r² = ½ − Σ_{r ≤ R} μ_r² ≤ μ_R² R/3.',
  statementTex: String.raw`$\sum_{r > R} \mu_r^2 = \frac{1}{2} - \sum_{r \le R} \mu_r^2 \le \mu_R^2 R/3$.`,
  constants: [{ name: '1/3', value: 1 / 3, provenance: 'derived', note: '½∫_R^∞ t^{−5/2}dt·R^{5/2} with μ_r² r^{5/2} decreasing' }],
  descriptors: sumDescriptors,
  mutate: mutateR,
  materialize: (d: SumDesc) => ({ R: d.R }),
  conclude({ R }): Evaluation {
    const p = partialSquares(R);
    const tail = reluHermiteTailBound(R, p.muR);
    const sq = reluHermiteSquareEnclosures(R)[R];
    return {
      lhs: 0.5 - p.value,
      lhsError: sideAt(0.5 - p.value, interval(0.5).sub(partialSquaresEnclosure(R))).error,
      rhs: tail,
      rhsError: sideAt(tail, sq.mul(R).div(3)).error,
      relation: '<=',
      quantities: { R, tightness: (0.5 - p.value) / tail },
    };
  },
};

type SeriesDesc = { [key: string]: unknown; R: number; rho: number };

export const hermiteSeries: Theorem<SeriesDesc, { R: number; rho: number }> = {
  ...hermiteBase,
  id: 'nguyen2021.hermite.series-arccos',
  title: 'Σ_r μ_r² ρ^r = (√(1−ρ²) + (π − arccos ρ)ρ)/(2π)',
  source: { ...NMM_SOURCE, statement: 'dual activation of ReLU (arc-cosine kernel of degree 1, docs/theorems.md#hermite-coefficients-of-relu)' },
  statement: 'The Hermite series of E[σ(u)σ(v)], corr(u,v) = ρ, truncated at R (tail ≤ μ_R²R/3), equals the arc-cosine closed form.',
  statementTex: String.raw`The Hermite series of $\mathbb{E}[\sigma(u)\sigma(v)]$, $\operatorname{corr}(u,v) = \rho$, truncated at $R$ (tail $\le \mu_R^2 R/3$), equals the arc-cosine closed form.`,
  constants: [],
  descriptors: fc.record({
    R: fc.integer({ min: 10, max: 100 }).map((k) => 2 * k),
    rho: fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(-1, 1, 0, 1 - 1e-12, -1 + 1e-12)),
  }),
  mutate: (d: SeriesDesc, rng: Rng) =>
    rng.next() < 0.5
      ? { ...d, rho: Math.max(-1, Math.min(1, d.rho + (rng.next() - 0.5) * 0.2)) }
      : { ...d, R: Math.max(20, Math.min(200, d.R + (rng.next() < 0.5 ? -2 : 2))) },
  materialize: (d: SeriesDesc) => ({ R: d.R, rho: d.rho }),
  conclude({ R, rho }): Evaluation {
    // μ_r by one pass of the recurrence (bit-identical to reluHermiteCoefficient(r); O(R), not O(R²))
    const mu = muTable(R),
      sq = reluHermiteSquareEnclosures(R);
    let s = 0,
      pw = 1;
    for (let r = 0; r <= R; r++) {
      s += mu[r] ** 2 * pw;
      pw *= rho;
    }
    // the same sum over the enclosures: μ_0² + μ_1²ρ + ρ²·Σ_{k=1}^{R/2} μ_{2k}²(ρ²)^{k−1} (μ_r = 0 for odd r ≥ 3; R even), by Horner in ρ²
    const t = interval(rho).pow(2);
    let even = sq[R];
    for (let r = R - 2; r >= 2; r -= 2) even = even.mul(t).add(sq[r]);
    const exact = sq[0].add(sq[1].mul(rho)).add(even.mul(t));
    // the series beyond R: |Σ_{r>R} μ_r² ρ^r| ≤ Σ_{r>R} μ_r² ≤ μ_R² R/3 (|ρ| ≤ 1, reluHermiteTailBound)
    const tail = sq[R].mul(R).div(3).hi;
    const lhsError = sideAt(s, exact.add(interval(-tail, tail))).error;
    const oneMinus = (1 - rho) * (1 + rho); // 1 − ρ² without cancellation: relative error ≤ 3u (Sterbenz near |ρ| = 1)
    const rhs = (Math.sqrt(Math.max(0, oneMinus)) + (Math.PI - Math.acos(rho)) * rho) / (2 * Math.PI);
    // the closed form in interval arithmetic (src/linalg/interval.ts) encloses its exact value
    const exactRhs = interval(1)
      .sub(rho)
      .mul(interval(1).add(rho))
      .sqrt()
      .add(interval.PI.sub(interval(rho).acos()).mul(rho))
      .div(interval.PI.mul(2));
    const rhsError = sideAt(rhs, exactRhs).error;
    return { lhs: s, lhsError, rhs, rhsError, relation: '==', quantities: { R, rho } };
  },
};

// ------------------------------------------------------------------------------------------------
// 2. Limiting NTK: diagonal identity and the Thm 3.2 proof chain
// (docs/theorems.md#limiting-ntk-eq-9-closed-forms-diagonal, docs/theorems.md#theorem-32-and-its-proof-chain)

type LimDesc = { [key: string]: unknown; data: DataDescriptor; depth: number; r: number };
interface LimInstance {
  x: Matrix;
}

const LIM_DATA: DataDescriptorOptions = { n: [2, 32], d: [2, 64], families: ['gaussian', 'sqrt-d-sphere', 'rademacher', 'unit-sphere'] };
const limDescriptors: fc.Arbitrary<LimDesc> = fc.record({
  data: dataDescriptor(LIM_DATA),
  depth: fc.integer({ min: 2, max: 6 }),
  r: fc.constantFrom(2, 4, 6, 8),
});

function mutateLim(d: LimDesc, rng: Rng): LimDesc {
  const u = rng.next();
  if (u < 0.15) return { ...d, depth: Math.max(2, Math.min(6, d.depth + (rng.next() < 0.5 ? -1 : 1))) };
  if (u < 0.25) return { ...d, r: [2, 4, 6, 8][uniformInt(rng, 4)] };
  return { ...d, data: mutateDataDescriptor(d.data, rng, LIM_DATA) };
}

function limCells(d: LimDesc): Record<string, string> {
  const n = d.data.n,
    dd = d.data.d;
  return { N: n <= 8 ? '2–8' : n <= 16 ? '9–16' : '17–32', regime: dd >= n ? 'd ≥ N' : 'd < N', family: d.data.family, L: String(d.depth) };
}

const limBase = {
  conventions: LIMITING_CONVENTIONS,
  descriptors: limDescriptors,
  materialize: (d: LimDesc): LimInstance => ({ x: materializeData(d.data) }),
  mutate: mutateLim,
  cells: limCells,
  cellSpace: {
    N: ['2–8', '9–16', '17–32'],
    regime: ['d ≥ N', 'd < N'],
    family: ['gaussian', 'sqrt-d-sphere', 'rademacher', 'unit-sphere'],
    L: ['2', '3', '4', '5', '6'],
  },
  costHint: 3400,
};

/**
 * limBase for defineClaim: the same instance space (data, depth, r, in this order: the same descriptors as
 * limDescriptors), local moves and cells.
 */
const LIM_SPACE = { data: { random: LIM_DATA }, params: { depth: param.int(2, 6), r: param.oneOf(2, 4, 6, 8) } };
type LimClaimDesc = ClaimDescriptor<typeof LIM_SPACE.params>;
const limScaffold = {
  conventions: LIMITING_CONVENTIONS,
  space: LIM_SPACE,
  mutate: (d: LimClaimDesc, rng: Rng) => mutateLim(d as LimDesc, rng) as LimClaimDesc,
  cells: (d: LimClaimDesc) => limCells(d as LimDesc),
  cellSpace: limBase.cellSpace,
  costHint: limBase.costHint,
};

/** No zero row (the recursion's Ġ_ii = 1 needs x_i ≠ 0; σ'(0) = 0 otherwise). */
function nonZeroRows(i: LimInstance): string | null {
  const n2 = rowNormsSquared(i.x);
  for (let k = 0; k < n2.length; k++) if (!(n2[k] > 0)) return 'x_i ≠ 0';
  return i.x.rows >= 2 ? null : 'N ≥ 2';
}

function diagIdentity(factorOffset: 0 | 1) {
  const planted = factorOffset === 1;
  return defineClaim({
    ...limScaffold,
    ...claimOrTwin(planted, {
      claim: {
        id: 'nguyen2021.limiting.diagonal',
        title: 'K(L)_ii = L‖x_i‖²',
        statement: 'max_i |K(L)_ii − L‖x_i‖²| = 0.',
        statementTex: String.raw`$\max_i \lvert K^{(L)}_{ii} - L\lVert x_i \rVert^2 \rvert = 0$.`,
      },
      twin: {
        id: 'planted.nguyen2021.limiting.diagonal-dropped-layer',
        title: 'PLANTED (a factor dropped): K(L)_ii = (L − 1)‖x_i‖²',
        statement: 'max_i |K(L)_ii − (L − 1)‖x_i‖²| = 0 (planted: should be L)',
        statementTex: String.raw`$\max_i \lvert K^{(L)}_{ii} - (L - 1)\lVert x_i \rVert^2 \rvert = 0$ (planted: should be $L$)`,
      },
    }),
    source: { ...NMM_SOURCE, statement: 'consequence of eq. (9) (G(l)_ii = ‖x_i‖², Ġ(l)_ii = 1), docs/theorems.md#limiting-ntk-eq-9-closed-forms-diagonal' },
    kind: 'deterministic',
    constants: [
      claimOrTwinConstant(
        planted,
        { name: 'L', value: 0, provenance: 'derived', note: 'one ‖x_i‖² per layer' },
        { value: -1, note: 'planted error: L replaced by L − 1' },
      ),
    ],
    assumptions: nonZeroRows,
    sides(i, d) {
      const lim = limitingKernels(i.x, { depth: d.depth });
      const n = i.x.rows,
        norms = rowNormsSquared(i.x);
      const mult = d.depth - factorOffset;
      let worst = -1,
        wi = 0;
      for (let k = 0; k < n; k++) {
        const dev = Math.abs(lim.ntk.data[k * n + k] - mult * norms[k]);
        if (dev > worst) {
          worst = dev;
          wi = k;
        }
      }
      const kii = lim.ntk.data[wi * n + wi],
        rhs = mult * norms[wi];
      return {
        lhs: { value: kii, error: relativeError(kii, interval(lim.entrywiseBound.ntk)) },
        rhs: { value: rhs, enclosure: sumOfSquares(i.x.data, wi * i.x.cols, i.x.cols).mul(mult) },
        relation: '==',
        quantities: { L: d.depth, N: n, d: i.x.cols },
      };
    },
  });
}

export const chainA = defineClaim({
  ...limScaffold,
  id: 'nguyen2021.thm3.2.chain-a',
  title: 'λ_min(K(L)) ≥ Σ_{l=1}^{L} λ_min(G(l))',
  source: {
    ...NMM_SOURCE,
    statement: 'proof of Theorem 3.2 (v5), App. B (Schur product + Ġ(l)_ii = 1), step (a) of docs/theorems.md#theorem-32-and-its-proof-chain',
  },
  kind: 'deterministic',
  statement: 'λ_min(K(L)) ≥ Σ_l λ_min(G(l)) for any data with non-zero rows.',
  statementTex: String.raw`$\lambda_{\mathrm{min}}(K^{(L)}) \ge \sum_l \lambda_{\mathrm{min}}(G^{(l)})$ for any data with non-zero rows.`,
  assumptions: nonZeroRows,
  sides(i, d) {
    const lim = limitingKernels(i.x, { depth: d.depth }, { keepLayers: true });
    const lk = lambdaMinOf(lim.ntk, lim.ntkErrorBound);
    let sum = interval(0);
    for (const layer of lim.layers!) {
      const e = lambdaMinOf(layer.nngp, layerNngpError(lim, layer.nngp));
      sum = sum.add(interval(e.lower, e.upper));
    }
    const rhs = fromInterval(sum);
    // λ_min(K(L)) ≥ 0 (K(L) is PSD): a rhs ≤ 0 could not have failed.
    return {
      lhs: lk,
      rhs: sum,
      relation: '>=',
      vacuous: rhs.value <= 0,
      quantities: { lambdaMinK: lk.estimate, sumLambdaMinG: rhs.value, L: d.depth, N: i.x.rows, d: i.x.cols },
    };
  },
});

/** (XXᵀ)^{∘r} with its spectral error bound. */
function hadamardGram(x: Matrix, r: number) {
  return hadamardPower(gram(x), r, gramEntryErrorBound(x));
}

/** C(n, k) in floating point (only compared with N ≤ 32). */
function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/**
 * Step (b) is tested where (XXᵀ)^{∘r} can be non-singular: its rank is at most C(d + r − 1, r) (the
 * dimension of degree-r homogeneous polynomials in d variables), and Rademacher rows repeat up to sign
 * (2^{d−1} classes), so those cases only give λ_min((XXᵀ)^{∘r}) = 0, a rhs of 0 that cannot fail.
 * On the unrestricted space of limDescriptors 9.7 % of 300 instances had a rhs ≤ 0.
 */
function chainBSpace(d: LimDesc): boolean {
  const { n, d: dd, family } = d.data;
  return binomial(dd + d.r - 1, d.r) >= 2 * n && (family !== 'rademacher' || 2 ** (dd - 1) >= 8 * n * n);
}

export const chainB = defineClaim({
  ...limScaffold,
  descriptors: limDescriptors.filter(chainBSpace) as fc.Arbitrary<LimClaimDesc>,
  mutate: (d: LimClaimDesc, rng: Rng) => {
    const m = mutateLim(d as LimDesc, rng);
    return chainBSpace(m) ? (m as LimClaimDesc) : d;
  },
  id: 'nguyen2021.thm3.2.chain-b',
  title: 'λ_min(G(2)) ≥ 2μ_r² λ_min((XXᵀ)^{∘r}) / max_i ‖x_i‖^{2(r−1)}',
  source: {
    ...NMM_SOURCE,
    statement:
      'proof of Theorem 3.2 (v5), App. B (Hermite expansion, homogeneity); the factor 2 of c_σ kept (the paper drops it), step (b) of docs/theorems.md#theorem-32-and-its-proof-chain',
  },
  kind: 'deterministic',
  statement: 'For even r ≥ 2: λ_min(G(2)) ≥ 2μ_r(σ)² λ_min((XXᵀ)^{∘r}) / max_i‖x_i‖^{2(r−1)}.',
  statementTex: String.raw`For even $r \ge 2$: $\lambda_{\mathrm{min}}(G^{(2)}) \ge 2\mu_r(\sigma)^2 \lambda_{\mathrm{min}}((XX^{\top})^{\circ r}) / \max_i \lVert x_i \rVert^{2(r-1)}$.`,
  constants: [{ name: '2', value: 2, provenance: 'derived', note: 'c_σ = 2 of G(2) = 2E[σσ]; the paper’s chain writes 1 (weaker, also true)' }],
  assumptions: nonZeroRows,
  sides(i, d) {
    const lim = limitingKernels(i.x, { depth: 2 });
    const lg = lambdaMinOf(lim.nngp, lim.nngpErrorBound);
    const h = hadamardGram(i.x, d.r);
    const lh = lambdaMinOf(h.matrix, h.errorBound);
    // c = 2μ_r²/max_i ‖x_i‖^{2(r−1)}, enclosed
    const c = reluHermiteSquareEnclosures(d.r)
      [d.r].mul(2)
      .div(maxRowNormSquared(i.x).pow(d.r - 1));
    const bound = interval(lh).mul(c),
      rhs = fromInterval(bound);
    // λ_min(G(2)) ≥ 0 (G(2) is PSD): a rhs ≤ 0 could not have failed.
    return {
      lhs: lg,
      rhs: bound,
      relation: '>=',
      vacuous: rhs.value <= 0,
      quantities: { lambdaMinG2: lg.estimate, certificate: rhs.value, r: d.r, N: i.x.rows, d: i.x.cols },
    };
  },
});

/**
 * Step (c) is tested on near-orthogonal data, where the Gershgorin bound is positive: with random rows,
 * max_{i≠j}|cos(x_i, x_j)| ≈ √(4 ln N / d), so (N − 1)·max|cos|^r < 1 needs d ≳ 4 ln N · (N − 1)^{2/r}.
 * d = ⌈s·5·ln(N + 1)·(N − 1)^{2/r}⌉ with s ∈ [1, 3] (d ≤ 1720 at N = 32, r = 2). On the space of
 * limDescriptors (d ≤ 64) the bound was ≤ 0 — where it holds trivially, λ_min ≥ 0 for a PSD matrix —
 * on 48 % of 300 instances; with the factor 4 in place of 5, 8.3 %.
 */
const GERSHGORIN_D = 5;
const chainCDim = (n: number, r: number, s: number) => Math.ceil(s * GERSHGORIN_D * Math.log(n + 1) * (n - 1) ** (2 / r));
const LIM_FAMILIES = ['gaussian', 'sqrt-d-sphere', 'rademacher', 'unit-sphere'] as const;
const chainCDescriptors: fc.Arbitrary<LimDesc> = fc
  .record({
    n: fc.integer({ min: 2, max: 32 }),
    r: fc.constantFrom(2, 4, 6, 8),
    family: fc.constantFrom(...LIM_FAMILIES),
    s: fc.integer({ min: 10, max: 30 }),
    seed: seedArb,
  })
  .map((o) => ({ data: { n: o.n, d: chainCDim(o.n, o.r, o.s / 10), family: o.family, shift: 0, seed: o.seed }, depth: 2, r: o.r }));
function mutateChainC(d: LimDesc, rng: Rng): LimDesc {
  const u = rng.next();
  const s = 1 + 2 * rng.next();
  if (u < 0.25) {
    const n = Math.max(2, Math.min(32, d.data.n + (rng.next() < 0.5 ? -1 : 1)));
    return { ...d, data: { ...d.data, n, d: chainCDim(n, d.r, s) } };
  }
  if (u < 0.45) {
    const r = [2, 4, 6, 8][uniformInt(rng, 4)];
    return { ...d, r, data: { ...d.data, d: chainCDim(d.data.n, r, s) } };
  }
  if (u < 0.6) return { ...d, data: { ...d.data, family: LIM_FAMILIES[uniformInt(rng, 4)] } };
  return { ...d, data: { ...d.data, seed: String(uniformInt(rng, 2 ** 31 - 1)) } };
}

export const chainC = defineClaim({
  ...limScaffold,
  descriptors: chainCDescriptors as fc.Arbitrary<LimClaimDesc>,
  mutate: (d: LimClaimDesc, rng: Rng) => mutateChainC(d as LimDesc, rng) as LimClaimDesc,
  cells: (c: LimClaimDesc) => {
    const d = c as LimDesc;
    return { N: d.data.n <= 8 ? '2–8' : d.data.n <= 16 ? '9–16' : '17–32', r: String(d.r), family: d.data.family };
  },
  cellSpace: { N: ['2–8', '9–16', '17–32'], r: ['2', '4', '6', '8'], family: [...LIM_FAMILIES] },
  id: 'nguyen2021.thm3.2.chain-c',
  title: 'Gershgorin: λ_min((XXᵀ)^{∘r}) ≥ min_i‖x_i‖^{2r} − (N−1) max_{i≠j}|⟨x_i,x_j⟩|^r',
  source: { ...NMM_SOURCE, statement: 'proof of Theorem 3.2 (v5), App. B (Gershgorin), step (c) of docs/theorems.md#theorem-32-and-its-proof-chain' },
  kind: 'deterministic',
  statement: 'λ_min((XXᵀ)^{∘r}) ≥ min_i ‖x_i‖^{2r} − (N − 1) max_{i≠j} |⟨x_i, x_j⟩|^r.',
  statementTex: String.raw`$\lambda_{\mathrm{min}}((XX^{\top})^{\circ r}) \ge \min_i \lVert x_i \rVert^{2r} - (N - 1) \max_{i \ne j} \lvert \langle x_i, x_j \rangle \rvert^r$.`,
  constants: [],
  assumptions: nonZeroRows,
  sides(i, d) {
    const h = hadamardGram(i.x, d.r);
    const lh = lambdaMinOf(h.matrix, h.errorBound);
    const g = gershgorinUniform(h.matrix, h.entryErrorBound);
    // λ_min ≥ 0 for the PSD (XXᵀ)^{∘r}: a Gershgorin bound ≤ 0 could not have failed.
    return { lhs: lh, rhs: g, relation: '>=', vacuous: g.value <= 0, quantities: { lambdaMinHadamard: lh.estimate, gershgorin: g.value, r: d.r } };
  },
});

/** Step (e), written with defineClaim (src/theorem/defineClaim.ts; the walk-through of docs/adding-a-claim.md). */
function chainE(halved: boolean) {
  return defineClaim({
    ...claimOrTwin(halved, {
      claim: {
        id: 'nguyen2021.thm3.2.chain-e',
        title: 'λ_min(K(L)) ≤ (L/N) Σ_i ‖x_i‖² = tr K(L)/N',
        statement: 'λ_min(K(L)) ≤ L/N·Σ‖x_i‖².',
        statementTex: String.raw`$\lambda_{\mathrm{min}}(K^{(L)}) \le L/N \cdot \sum \lVert x_i \rVert^2$.`,
      },
      twin: {
        id: 'planted.nguyen2021.thm3.2.chain-e-halved',
        title: 'PLANTED (constant halved): λ_min(K(L)) ≤ (L/(2N)) Σ_i ‖x_i‖²',
        statement: 'λ_min(K(L)) ≤ L/(2N)·Σ‖x_i‖² (planted)',
        statementTex: String.raw`$\lambda_{\mathrm{min}}(K^{(L)}) \le L/(2N) \cdot \sum \lVert x_i \rVert^2$ (planted)`,
      },
    }),
    source: { ...NMM_SOURCE, statement: 'proof of Theorem 3.2 (v5), upper bound (trace), step (e) of docs/theorems.md#theorem-32-and-its-proof-chain' },
    conventions: LIMITING_CONVENTIONS,
    constants: [
      claimOrTwinConstant(
        halved,
        { name: 'L/N', value: 1, provenance: 'derived', note: 'tr K(L) = LΣ‖x_i‖²' },
        { value: 0.5, note: 'planted error: the trace bound halved' },
      ),
    ],
    space: { data: { random: LIM_DATA }, params: { depth: param.int(2, 6) } },
    assumptions: nonZeroRows,
    sides({ x }, d) {
      const lim = limitingKernels(x, { depth: d.depth });
      const lk = lambdaMinOf(lim.ntk, lim.ntkErrorBound);
      // L/N·Σ_i ‖x_i‖² = L/N·‖X‖_F² of the stored rows, in interval arithmetic
      const bound = interval(d.depth)
        .mul(sumOfSquares(x.data))
        .div(x.rows)
        .mul(halved ? 0.5 : 1);
      return { lhs: lk, rhs: bound, relation: '<=', quantities: { lambdaMinK: lk.estimate, traceOverN: bound.mid, L: d.depth } };
    },
    costHint: 3400,
  });
}

// ------------------------------------------------------------------------------------------------
// 3. Planted twins: each true claim above, stated stronger (docs/theorems.md#twins-of-the-limiting-and-hermite-claims)

export const twinHermiteClosedForm = perturbedIdentity(hermiteClosedForm, {
  epsilon: 1e-12,
  tag: 'relative-1e-12',
  title: 'μ_r(ReLU) = (1 + 10⁻¹²)·(exact moment expansion)',
  note: 'the exact side multiplied by 1 + 10⁻¹² (the check resolves a relative 10⁻¹²; odd r ≥ 3, where μ_r = 0, cannot see it)',
  noteTex: String.raw`the exact side multiplied by $1 + 10^{-12}$ (the check resolves a relative $10^{-12}$; odd $r \ge 3$, where $\mu_r = 0$, cannot see it)`,
});
export const twinHermiteDerivative = perturbedIdentity(hermiteDerivative, {
  epsilon: 1e-12,
  tag: 'relative-1e-12',
  title: 'μ_r(σ′) = (1 + 10⁻¹²)·√(r+1)·μ_{r+1}(σ)',
  note: 'the closed-form side multiplied by 1 + 10⁻¹²',
  noteTex: String.raw`the closed-form side multiplied by $1 + 10^{-12}$`,
});
export const twinHermiteSumRule = tightenedBound(hermiteSumRule, {
  factor: 1 - 1e-4,
  tag: 'half-minus-5e-5',
  title: 'Σ_{r ≤ R} μ_r² ≤ ½(1 − 10⁻⁴)',
  note: '½ replaced by ½(1 − 10⁻⁴); the tail ½ − Σ_{r≤R} μ_r² is 8·10⁻⁶ at R = 300 (below 5·10⁻⁵ for R ≥ 90)',
  noteTex: String.raw`$\frac{1}{2}$ replaced by $\frac{1}{2}(1 - 10^{-4})$; the tail $\frac{1}{2} - \sum_{r \le R} \mu_r^2$ is $8 \cdot 10^{-6}$ at $R = 300$ (below $5 \cdot 10^{-5}$ for $R \ge 90$)`,
  constant: { name: '½', value: 0.5 * (1 - 1e-4) },
});
export const twinHermiteTail = tightenedBound(hermiteTail, {
  factor: 0.9,
  tag: 'r-over-3.33',
  title: '½ − Σ_{r ≤ R} μ_r² ≤ 0.9·μ_R² R/3',
  note: 'the constant 1/3 replaced by 0.3: the observed tail/(μ_R²R/3) rises to 0.9927 at R = 300 (it tends to 1)',
  noteTex: String.raw`the constant $1/3$ replaced by $0.3$: the observed $\mathrm{tail}/(\mu_R^2 R/3)$ rises to $0.9927$ at $R = 300$ (it tends to $1$)`,
  constant: { name: '1/3', value: 0.3 },
});
export const twinHermiteSeries = perturbedIdentity(hermiteSeries, {
  epsilon: 1e-4,
  tag: 'relative-1e-4',
  title: 'Σ_r μ_r² ρ^r = (1 + 10⁻⁴)·(√(1−ρ²) + (π − arccos ρ)ρ)/(2π)',
  note: 'the arc-cosine side multiplied by 1 + 10⁻⁴ (the truncation bound μ_R²R/3 is 1.5·10⁻⁵ at R = 200)',
  noteTex: String.raw`the arc-cosine side multiplied by $1 + 10^{-4}$ (the truncation bound $\mu_R^2 R/3$ is $1.5 \cdot 10^{-5}$ at $R = 200$)`,
});
export const twinChainA = tightenedBound(chainA, {
  factor: 1.05,
  title: 'λ_min(K(L)) ≥ 1.05·Σ_l λ_min(G(l))',
  note: 'the rhs multiplied by 1.05; the largest Σ_l λ_min(G(l))/λ_min(K(L)) found by the search is 0.99',
  noteTex: String.raw`the rhs multiplied by $1.05$; the largest $\sum_l \lambda_{\mathrm{min}}(G^{(l)})/\lambda_{\mathrm{min}}(K^{(L)})$ found by the search is $0.99$`,
});
export const twinChainB = tightenedBound(chainB, {
  factor: 1.6,
  title: 'λ_min(G(2)) ≥ 3.2μ_r² λ_min((XXᵀ)^{∘r}) / max_i ‖x_i‖^{2(r−1)}',
  note: 'the constant 2 (= c_σ) replaced by 3.2; the largest rhs/λ_min(G(2)) found by the search is 0.67 (the other Hermite terms of G(2) carry the rest)',
  noteTex: String.raw`the constant $2$ ($= c_\sigma$) replaced by $3.2$; the largest $\mathrm{rhs}/\lambda_{\mathrm{min}}(G^{(2)})$ found by the search is $0.67$ (the other Hermite terms of $G^{(2)}$ carry the rest)`,
  constant: { name: '2', value: 3.2 },
});
export const twinChainC = tightenedBound(chainC, {
  factor: 1.01,
  title: 'λ_min((XXᵀ)^{∘r}) ≥ 1.01·(min_i‖x_i‖^{2r} − (N−1) max_{i≠j}|⟨x_i,x_j⟩|^r)',
  note: 'the Gershgorin bound strengthened by 1 % (it is exact for N = 2 rows of equal norm)',
  noteTex: String.raw`the Gershgorin bound strengthened by 1 % (it is exact for $N = 2$ rows of equal norm)`,
});

export const nguyen2021LimitingTheorems = [
  hermiteClosedForm,
  hermiteDerivative,
  hermiteSumRule,
  hermiteTail,
  hermiteSeries,
  diagIdentity(0),
  chainA,
  chainB,
  chainC,
  chainE(false),
  diagIdentity(1),
  chainE(true),
  twinHermiteClosedForm,
  twinHermiteDerivative,
  twinHermiteSumRule,
  twinHermiteTail,
  twinHermiteSeries,
  twinChainA,
  twinChainB,
  twinChainC,
];
