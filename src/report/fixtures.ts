/**
 * A realistic, schema-valid report used to drive the renderers' tests (and to look at the HTML):
 * several theorems covering every status and kind, counterexamples with replay commands, a
 * high-probability claim, an asymptotic claim with an empirical constant and a scaling fit, an error,
 * a skipped theorem, and a hostile theorem whose title and descriptor try to inject markup.
 * Deterministic: no clock, no Math.random.
 */
import { DU_SOURCE, NMM_SOURCE } from '../../properties/papers.ts';
import { summarize } from './build.ts';
import { computeOutcome } from './outcome.ts';
import { REPORT_SCHEMA_VERSION, type Report, type TheoremReport } from './schema.ts';

export const HOSTILE_TITLE = '<script>alert(1)</script>';
export const HOSTILE_DESCRIPTOR = '</script><img src=x onerror=alert(2)>';
export const HOSTILE_ID = `hostile/<b>"q"&'x'`;

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Instance = TheoremReport['instances'][number];
type Verdict = Instance['verdict'];

function counts(instances: Instance[], probe: boolean): TheoremReport['counts'] {
  const c = { holds: 0, violated: 0, inconclusive: 0, outside: 0 };
  for (const i of instances) {
    const v = probe ? i.probeVerdict : i.phase === 'probe' ? undefined : i.verdict;
    if (v) c[v]++;
  }
  return c;
}

function cellsOf(instances: Instance[], declared?: Record<string, string[]>): TheoremReport['coverage'] {
  const cells: Record<string, Record<string, number>> = {};
  for (const i of instances)
    for (const [k, v] of Object.entries(i.cells ?? {})) {
      cells[k] ??= {};
      cells[k][v] = (cells[k][v] ?? 0) + 1;
    }
  const exercised = Object.values(cells).reduce((s, c) => s + Object.keys(c).length, 0);
  if (!declared) return { cells, exercised, declared: null, missing: [] };
  const missing: string[] = [];
  let n = 0;
  for (const [k, vs] of Object.entries(declared))
    for (const v of vs) {
      n++;
      if (!cells[k]?.[v]) missing.push(`${k}=${v}`);
    }
  return { cells, exercised, declared: n, missing };
}

function tightness(instances: Instance[]): TheoremReport['tightness'] {
  const t = instances
    .filter((i) => i.verdict !== 'outside' && i.lhs !== null && i.rhs !== null && i.rhs !== 0)
    .map((i) => i.lhs! / i.rhs!)
    .sort((a, b) => a - b);
  if (!t.length) return null;
  const q = (p: number) => t[Math.min(t.length - 1, Math.floor(p * (t.length - 1)))];
  return { min: t[0], p10: q(0.1), median: q(0.5), p90: q(0.9), max: t[t.length - 1] };
}

function worst(instances: Instance[]): number | null {
  const m = instances.filter((i) => i.verdict !== 'outside' && i.relativeMargin !== null).map((i) => i.relativeMargin!);
  return m.length ? Math.min(...m) : null;
}

const NB = ['2–8', '9–24', '25–48'];

/** Instances of a lower bound lhs ≥ rhs (λ_min ≥ bound): relative margin = lhs/rhs − 1. */
function lowerBoundInstances(
  seed: number,
  n: number,
  opts: { violateAt?: number; violateBelow?: number; inconclusiveEvery?: number; probes?: number; geometry?: boolean; sizeExponent?: number },
): Instance[] {
  const r = prng(seed);
  const out: Instance[] = [];
  for (let k = 0; k < n; k++) {
    const N = 2 + Math.floor(r() * 46);
    const d = 2 + Math.floor(r() * 38);
    const rhs = 0.05 * (1 + r());
    let ratio = 1 + 3 * r() ** 2;
    if (opts.violateBelow !== undefined && r() < opts.violateBelow) ratio = 0.55 + 0.4 * r();
    if (k === opts.violateAt) ratio = 0.9269;
    const lhs = rhs * ratio;
    const errorBound = 1e-13 * (1 + N);
    let verdict: Verdict = lhs - rhs > errorBound ? 'holds' : lhs - rhs < -errorBound ? 'violated' : 'inconclusive';
    let margin = lhs - rhs;
    if (opts.inconclusiveEvery && k % opts.inconclusiveEvery === opts.inconclusiveEvery - 1) {
      verdict = 'inconclusive';
      margin = errorBound / 3;
    }
    const lam = opts.sizeExponent !== undefined ? 0.8 * d ** opts.sizeExponent * Math.exp(0.25 * (r() - 0.5)) : lhs;
    const geometries = ['generic', 'near-parallel', 'antipodal'];
    out.push({
      phase: k < n * 0.7 ? 'random' : k < n * 0.9 ? 'targeted' : 'shrink',
      verdict,
      relativeMargin: verdict === 'inconclusive' ? margin / Math.abs(rhs) : lhs / rhs - 1,
      margin,
      errorBound,
      lhs,
      rhs,
      quantities: { lambdaMin: lam, N, d },
      cells:
        opts.geometry && N <= 8
          ? { N: NB[0], geometry: geometries[Math.floor(r() * geometries.length)], source: 'points' }
          : { N: N <= 8 ? NB[0] : N <= 24 ? NB[1] : NB[2], source: 'unit-sphere' },
    });
  }
  for (let k = 0; k < (opts.probes ?? 0); k++) {
    out.push({
      phase: 'probe',
      verdict: 'outside',
      relativeMargin: null,
      margin: null,
      errorBound: 1e-14,
      lhs: 0,
      rhs: 0.05,
      brokenAssumption: 'no two inputs parallel',
      probeVerdict: k % 2 ? 'violated' : 'holds',
      quantities: { N: 3, d: 2 },
      cells: { N: NB[0], geometry: 'duplicate', source: 'points' },
    });
  }
  return out;
}

/**
 * Fields a claim of the sample leaves out when it has none or the usual one: a deterministic claim without
 * constants, a true claim, no fit, no rate test, no counterexample or error, no fast-check failure.
 */
type Optional =
  | 'kind'
  | 'constants'
  | 'twinOf'
  | 'vacuity'
  | 'sharpness'
  | 'scaling'
  | 'examples'
  | 'expectRefuted'
  | 'empiricalConstant'
  | 'scalingFit'
  | 'highProbability'
  | 'counterexamples'
  | 'errors'
  | 'fastCheck';
function theorem(
  base: Omit<
    TheoremReport,
    'evaluated' | 'counts' | 'probeCounts' | 'worstRelativeMargin' | 'tightness' | 'coverage' | 'asExpected' | 'relation' | 'identity' | Optional
  > &
    Partial<Pick<TheoremReport, Optional>> & {
      declaredCells?: Record<string, string[]>;
      relation?: TheoremReport['relation'];
      identity?: TheoremReport['identity'];
    },
): TheoremReport {
  const {
    declaredCells,
    relation,
    identity,
    kind = 'deterministic',
    constants = [],
    twinOf = null,
    vacuity = null,
    sharpness = null,
    scaling = null,
    examples = null,
    expectRefuted = false,
    empiricalConstant = null,
    scalingFit = null,
    highProbability = null,
    counterexamples = { count: 0, items: [] },
    errors = [],
    fastCheck = null,
    ...rest
  } = base;
  const t = { ...rest, kind, constants, expectRefuted, empiricalConstant, scalingFit, highProbability, counterexamples, errors, fastCheck };
  const c = counts(t.instances, false);
  const asExpected = t.status === 'skipped' ? true : t.expectRefuted ? t.status === 'violated' : t.status === 'holds';
  return {
    ...t,
    asExpected,
    evaluated: c.holds + c.violated + c.inconclusive + c.outside,
    counts: c,
    probeCounts: counts(t.instances, true),
    worstRelativeMargin: relation === '==' ? null : worst(t.instances),
    relation: relation ?? (t.status === 'skipped' ? null : '<='),
    identity: identity ?? null,
    twinOf,
    vacuity,
    sharpness,
    scaling,
    examples,
    tightness: tightness(t.instances),
    coverage: cellsOf(t.instances, declaredCells),
  };
}

const H_CONVENTIONS = {
  kernel: 'H∞ of Du et al. 2019: E_w[x_iᵀx_j 1{wᵀx_i ≥ 0, wᵀx_j ≥ 0}], w ~ N(0, I)',
  data: 'unit norm (‖x_i‖ = 1)',
  angles: 'cancellation-free half-angle form θ = 2·atan2(‖u−v‖, ‖u+v‖)',
  "σ'(0)": 0,
};
const NTK_CONVENTIONS = { parameterisation: 'NMM 2021 (W_l ~ N(0, β_l²), no biases)', β_l: 1, c_σ: 2, "σ'(0)": 0, activation: 'ReLU', output: 'scalar' };

/** An identity claim's instances: residuals of 0–6 units in the last place against an error bound of 8. */
const IDENTITY = (() => {
  const instances: TheoremReport['instances'] = Array.from({ length: 24 }, (_, k) => {
    const rhs = 3 * (1 + k / 8);
    const residual = k % 4 === 0 ? 0 : (k % 7) * 2 ** -52 * rhs;
    const errorBound = 8 * 2 ** -52 * rhs;
    return {
      phase: 'random',
      verdict: 'holds' as const,
      relativeMargin: -residual / errorBound,
      margin: -residual,
      errorBound,
      lhs: rhs + residual,
      rhs,
      quantities: { N: 4 + (k % 5), d: 3 },
      cells: { N: NB[0], source: 'unit-sphere' },
    };
  });
  const ratios = instances.map((i) => Math.abs(i.margin!) / i.errorBound!).sort((a, b) => a - b);
  return { instances, summary: { instances: ratios.length, maxResidualRatio: ratios[ratios.length - 1], medianResidualRatio: (ratios[11] + ratios[12]) / 2 } };
})();

function replay(path: string): string {
  return `npx ntk-audit replay ${path}`;
}

/** The sample report (schema-valid; validate with `reportSchema.parse`). */
export function sampleReport(): Report {
  const duDeclared = { N: NB, geometry: ['generic', 'near-parallel', 'antipodal', 'clustered'], source: ['points', 'unit-sphere'] };
  const theorems: TheoremReport[] = [
    theorem({
      id: 'du2019.thm3.1',
      title: 'H∞ is positive definite when no two inputs are parallel',
      statement: 'If no two inputs are parallel, then λ_min(H∞) = λ₀ > 0.',
      source: { ...DU_SOURCE, statement: 'Theorem 3.1 (v2)' },
      conventions: H_CONVENTIONS,
      status: 'holds',
      empiricalConstant: { quantity: 'lambdaMin', aggregate: 'min', value: 3.1e-9, description: 'smallest certified λ_min(H∞) over the instances' },
      fastCheck: { seed: 1837461, path: null, numShrinks: null },
      instances: lowerBoundInstances(11, 80, { probes: 6, geometry: true }),
      timings: { ms: 2140 },
      declaredCells: duDeclared,
    }),
    theorem({
      id: 'du2019.lemma3.1.known-false',
      title: 'Perturbation bound on ‖H(0) − H∞‖ with the constant as misprinted',
      statement: 'If m = Ω(n² log(n/δ) / λ₀²), then with probability ≥ 1 − δ, ‖H(0) − H∞‖₂ ≤ λ₀/4 — with the constant read as 1/4 instead of 4.',
      source: { ...DU_SOURCE, statement: 'Lemma 3.1 (v1, misprint)' },
      conventions: { ...H_CONVENTIONS, width: 'm = 64' },
      constants: [
        { name: 'c', value: 0.25, provenance: 'paper', note: 'as printed in v1' },
        { name: 'm', value: 64, provenance: 'user', note: 'hidden width' },
      ],
      status: 'violated',
      expectRefuted: true,
      counterexamples: {
        count: 7,
        items: [
          {
            role: 'smallest',
            descriptor: { source: 'points', points: { geometry: 'near-parallel', n: 3, d: 2, exponent: 9 }, labelSeed: '1204' },
            relativeMargin: -0.412,
            margin: -0.0206,
            errorBound: 3.1e-15,
            foundBy: 'shrunk',
            lhs: 0.0706,
            rhs: 0.05,
            relation: '<=',
            artifact: 'fixtures/counterexamples/du2019.lemma3.1.known-false-5b1c0e.json',
            replay: replay('fixtures/counterexamples/du2019.lemma3.1.known-false-5b1c0e.json'),
          },
          {
            role: 'worst',
            descriptor: { source: 'random', data: { family: 'unit-sphere', n: 41, d: 3, seed: '88017' }, labelSeed: '77' },
            relativeMargin: -0.934,
            margin: -0.311,
            errorBound: 2.2e-13,
            foundBy: 'targeted',
            lhs: 0.644,
            rhs: 0.333,
            relation: '<=',
            artifact: 'fixtures/counterexamples/du2019.lemma3.1.known-false-a90f12.json',
            replay: replay('fixtures/counterexamples/du2019.lemma3.1.known-false-a90f12.json'),
          },
        ],
      },
      fastCheck: { seed: 99120, path: '14:3:3:1', numShrinks: 12 },
      twinOf: 'du2019.thm3.1',
      instances: lowerBoundInstances(23, 60, { violateBelow: 0.12 }),
      timings: { ms: 1630 },
      declaredCells: { N: NB, source: ['points', 'unit-sphere'] },
    }),
    theorem({
      id: 'nmm2021.thm4.1.lower',
      title: 'λ_min of the limiting NTK of a deep ReLU net is Ω(d)',
      statement: 'For data with i.i.d. sub-Gaussian rows and N ≤ d^{r}, λ_min(K^(L)) ≥ c · μ_r(σ)² · d with high probability.',
      source: { ...NMM_SOURCE, statement: 'Theorem 4.1 (v3)' },
      kind: 'asymptotic',
      conventions: NTK_CONVENTIONS,
      constants: [
        { name: 'c', value: 0.1, provenance: 'derived', note: 'from the proof, Lemma C.3 with t = 1/2' },
        { name: 'μ_1(σ)', value: 0.5, provenance: 'paper', note: 'first Hermite coefficient of ReLU' },
        { name: 'ĉ', value: 0.734, provenance: 'fitted', note: 'min over instances of λ_min / (μ_r(σ)² d)' },
      ],
      status: 'holds',
      empiricalConstant: { quantity: 'lambdaMin', aggregate: 'min', value: 0.734, description: 'min over instances of λ_min / (μ_1(σ)² d)' },
      scalingFit: {
        x: 'd',
        y: 'lambdaMin',
        description: 'λ_min against d at fixed depth L = 3',
        slope: 1.013,
        slopeLow: 0.962,
        slopeHigh: 1.064,
        r2: 0.981,
        n: 70,
        expectedSlope: { low: 0.9, high: 1.1 },
        consistent: true,
      },
      scaling: {
        variable: 'd',
        quantity: 'λ_min(K(L))',
        relation: 'Theta',
        exponent: 1,
        tolerance: 0.1,
        alpha: 0.05 / 192,
        sizes: [400, 1000, 2500, 6300, 16000],
        drawsPerSize: 8,
        status: 'holds',
        fittedConstant: 0.4412,
        evidence: null,
        replay: null,
        regimes: [
          {
            regime: 'L=2, gaussian',
            draws: 40,
            points: 40,
            unusable: 0,
            slope: 1.033,
            slopeLow: 1.019,
            slopeHigh: 1.047,
            intercept: -0.81,
            r2: 0.998,
            status: 'holds',
          },
          {
            regime: 'L=3, sqrt-d-sphere',
            draws: 40,
            points: 39,
            unusable: 1,
            slope: 1.019,
            slopeLow: 1.014,
            slopeHigh: 1.024,
            intercept: -0.52,
            r2: 0.999,
            status: 'inconclusive',
          },
        ],
      },
      vacuity: { instances: 69, vacuous: 3, rate: 3 / 69 },
      sharpness: 0.734,
      fastCheck: { seed: 5512, path: null, numShrinks: null },
      instances: lowerBoundInstances(37, 70, { inconclusiveEvery: 35, sizeExponent: 1 }),
      timings: { ms: 5320 },
      declaredCells: { N: NB, source: ['unit-sphere', 'gaussian'] },
    }),
    theorem({
      id: 'nmm2021.thm3.2.hp',
      title: 'Smallest singular value of the last hidden feature matrix (w.h.p. over initialisation)',
      statement: 'With probability ≥ 1 − δ over the weights, σ_min(F_{L−1}) ≥ √(n_{L−1}) / 4 whenever n_{L−1} ≥ C · N log N.',
      source: { ...NMM_SOURCE, statement: 'Theorem 3.2 (v3)' },
      kind: 'high-probability',
      conventions: { ...NTK_CONVENTIONS, probability: 'over the initialisation, data fixed' },
      constants: [{ name: 'C', value: 8, provenance: 'user', note: 'width constant, not given in the paper' }],
      status: 'holds',
      highProbability: {
        alpha: 0.05,
        configs: [
          {
            configKey: 'N=16,d=8,L=3,n=256',
            delta: 0.05,
            draws: 200,
            failures: 3,
            outside: 0,
            inconclusive: 1,
            failureRateLower: 0.0031,
            failureRateUpper: 0.0432,
            rejected: false,
            status: 'consistent',
          },
          {
            configKey: 'N=32,d=16,L=4,n=512',
            delta: 0.05,
            draws: 200,
            failures: 6,
            outside: 0,
            inconclusive: 0,
            failureRateLower: 0.0111,
            failureRateUpper: 0.0641,
            rejected: false,
            status: 'consistent',
          },
          {
            configKey: 'N=48,d=4,L=2,n=1024',
            delta: 0.01,
            draws: 150,
            failures: 0,
            outside: 2,
            inconclusive: 0,
            failureRateLower: 0,
            failureRateUpper: 0.0243,
            rejected: false,
            status: 'consistent',
          },
        ],
      },
      instances: lowerBoundInstances(41, 90, { violateBelow: 0.04 }).map((i) => ({ ...i, phase: 'monte-carlo' })),
      timings: { ms: 8811 },
    }),
    theorem({
      id: 'oymak2020.lemma5.unexpected',
      title: 'Lower bound on λ_min of the Jacobian Gram matrix for a two-layer net',
      statement: 'For unit-norm data with minimum separation δ, λ_min(J Jᵀ) ≥ δ / (100 N²).',
      source: { paper: 'Oymak, Soltanolkotabi — Towards moderate overparameterization', arxiv: '1902.04674', statement: 'Lemma 5 (v2)' },
      conventions: { parameterisation: 'standard (W ~ N(0, 1/d))', data: 'unit norm', separation: 'min_{i≠j} min(‖x_i − x_j‖, ‖x_i + x_j‖)' },
      constants: [{ name: '1/100', value: 0.01, provenance: 'paper', note: 'as stated' }],
      status: 'violated',
      counterexamples: {
        count: 1,
        items: [
          {
            role: 'smallest',
            descriptor: { source: 'points', points: { geometry: 'clustered', n: 4, d: 3, exponent: 6 }, labelSeed: '9' },
            relativeMargin: -0.0731,
            margin: -1.2e-7,
            errorBound: 4.0e-16,
            foundBy: 'random',
            lhs: 1.52e-6,
            rhs: 1.64e-6,
            relation: '>=',
            artifact: 'fixtures/counterexamples/oymak2020.lemma5.unexpected-0c77aa.json',
            replay: replay('fixtures/counterexamples/oymak2020.lemma5.unexpected-0c77aa.json'),
          },
        ],
      },
      fastCheck: { seed: 4242, path: '3:0', numShrinks: 4 },
      instances: lowerBoundInstances(53, 40, { violateBelow: 0.03, violateAt: 7 }),
      timings: { ms: 970 },
      declaredCells: { N: NB, source: ['points', 'unit-sphere'] },
    }),
    theorem({
      id: 'nmm2021.prop5.1.error',
      title: 'Hermite expansion of the NTK of a smooth activation',
      statement: 'K^(L)(x, y) = Σ_r μ_r(σ)² ⟨x, y⟩^r with the series converging absolutely on the sphere.',
      source: { ...NMM_SOURCE, statement: 'Proposition 5.1 (v3)' },
      conventions: { ...NTK_CONVENTIONS, activation: 'tanh', 'Hermite terms': 40 },
      status: 'error',
      errors: [
        {
          descriptor: { depth: 6, d: 3, activation: 'tanh' },
          message: 'RangeError: hermiteCoefficients: quadrature did not converge (|tail| = 3.2e-3 > tol 1e-12) for r = 37 & order > 32',
        },
        {
          descriptor: { depth: 7, d: 2, activation: 'tanh' },
          message: 'RangeError: hermiteCoefficients: quadrature did not converge (|tail| = 5.0e-3 > tol 1e-12) for r = 39 & order > 32',
        },
      ],
      instances: lowerBoundInstances(61, 12, {}),
      timings: { ms: 410 },
    }),
    theorem({
      id: 'nmm2021.limiting.diagonal',
      title: 'Diagonal of the limiting NTK',
      statement: 'K^(L)_ii = L‖x_i‖² for every sample (an identity, checked within rounding).',
      source: { ...NMM_SOURCE, statement: 'Section 3, consequence of eq. (9)' },
      conventions: NTK_CONVENTIONS,
      status: 'holds',
      relation: '==',
      identity: IDENTITY.summary,
      instances: IDENTITY.instances,
      timings: { ms: 35 },
    }),
    theorem({
      id: HOSTILE_ID,
      title: HOSTILE_TITLE,
      statement: `A statement with markup: <b>bold</b> & "quotes" & 'apostrophes' | pipes | and \`backticks\` ${HOSTILE_DESCRIPTOR}`,
      source: { paper: `<img src=x onerror=alert(3)> et al.`, arxiv: '"><script>alert(4)</script>', statement: 'Theorem <i>1</i>' },
      conventions: { '</style><script>alert(5)</script>': `" onmouseover="alert(6)`, 'normal key': '`code` | pipe' },
      constants: [{ name: '<c>', value: 1, provenance: 'user', note: '</td></tr></table><script>alert(7)</script>' }],
      status: 'violated',
      counterexamples: {
        count: 1,
        items: [
          {
            role: 'smallest',
            descriptor: { note: HOSTILE_DESCRIPTOR, n: 2 },
            relativeMargin: -1,
            margin: -1,
            errorBound: 0,
            foundBy: 'random',
            lhs: 2,
            rhs: 1,
            relation: '<=',
            artifact: `fixtures/counterexamples/${HOSTILE_DESCRIPTOR}.json`,
            replay: `npx ntk-audit replay '${HOSTILE_DESCRIPTOR}.json' && echo \`\`\` ]]> --> <!--`,
          },
        ],
      },
      errors: [{ descriptor: { payload: HOSTILE_DESCRIPTOR }, message: `Error: ${HOSTILE_DESCRIPTOR} ]]> & <![CDATA[ x` }],
      instances: lowerBoundInstances(71, 10, { violateBelow: 0.3, violateAt: 2 }).map((i, k) => ({
        ...i,
        cells: { [HOSTILE_DESCRIPTOR]: k % 2 ? `"><svg onload=alert(8)>` : 'plain' },
      })),
      timings: { ms: 12 },
    }),
    theorem({
      id: 'arora2019.thm3.skipped',
      title: 'Convolutional NTK bound (no convolutional engine)',
      statement: 'CNTK Gram is positive definite for distinct images.',
      source: {
        paper: 'Arora, Du, Hu, Li, Salakhutdinov, Wang — On Exact Computation with an Infinitely Wide Neural Net',
        arxiv: '1904.11955',
        statement: 'Theorem 3 (v2)',
      },
      conventions: { architecture: 'CNN (not supported)' },
      status: 'skipped',
      instances: [],
      timings: { ms: 0 },
    }),
  ];
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'ntk-audit', version: '0.1.0' },
    run: {
      seed: 'ci-20240611',
      budgetSeconds: 120,
      theoremFilter: null,
      shard: null,
      shardsMerged: 3,
      interrupted: true,
      startedAt: '2024-06-11T09:12:03.117Z',
      finishedAt: '2024-06-11T09:14:05.902Z',
      workers: 4,
      node: 'v20.20.2',
    },
    summary: summarize(theorems),
    theorems,
    outcome: null,
    timings: { totalMs: 122785 },
  };
  // interrupted, with two claims not run and one baseline regression: every failure an artifact must show
  report.outcome = {
    ...computeOutcome(report, { notRun: ['nmm2021.thm5.1.not-run', 'arora2019.thm4.1.not-run'] }),
    exitCode: 130,
  };
  report.outcome.baseline = {
    file: 'fixtures/baseline.json',
    seed: 'ci-20240611',
    budgetSeconds: 120,
    compared: 'verdicts and constants',
    regressions: [
      { id: 'nmm2021.thm4.1.lower', kind: 'constant', message: 'nmm2021.thm4.1.lower: empirical constant 0.734 moved more than 25% from the baseline 1.02' },
    ],
    notes: [],
  };
  report.outcome.headline = 'FAILED — 3 unexpected verdicts · 1 baseline regression · interrupted: 2 claims not run (exit 130)';
  return report;
}
