import fc from 'fast-check';
import { gram, gramRoundingBound } from '../src/linalg/blas.ts';
import {
  gramEntryErrorBound,
  gramEntryErrorBounds,
  maxRowNormSquared,
  minRowNormSquared,
  rowNormSquaredEnclosures,
  rowNormsSquared,
} from '../src/linalg/gramStats.ts';
import { hadamardPower } from '../src/linalg/hadamard.ts';
import { type Interval, interval, sumOfSquares } from '../src/linalg/interval.ts';
import { lambdaMinCertified } from '../src/linalg/lambdaMin.ts';
import type { Matrix } from '../src/linalg/matrix.ts';
import { zeros } from '../src/linalg/matrix.ts';
import { backpropSignals, empiricalNtk, explicitJacobian } from '../src/ntk/empiricalNtk.ts';
import { limitingKernels } from '../src/ntk/limiting.ts';
import { reluHermiteSquareEnclosures } from '../src/ntk/reluCoefficients.ts';
import { type Network, forward } from '../src/ntk/network.ts';
import { featureMatrixError, layerwiseKernelPerturbation, roundingEnvelope } from '../src/ntk/roundingEnvelope.ts';
import type { Rng } from '../src/random/rng.ts';
import { childRng, fillGaussian, uniformInt } from '../src/random/rng.ts';
import { type DataDescriptor, dataDescriptor, type InitName, materializeData, materializeNetwork, networkFields, seedArb } from '../src/theorem/arbitraries.ts';
import { around, evaluation, exact, fromEnclosure, fromInterval, sideAt } from '../src/theorem/sides.ts';
import type { Evaluation, Theorem } from '../src/theorem/types.ts';
import { decide } from '../src/theorem/verdict.ts';
import { NMM_SOURCE } from './papers.ts';
import { claimOrTwin } from './twins.ts';

/**
 * Nguyen, Mondelli, Montúfar 2021 (arXiv 2012.11654v5) — FINITE-WIDTH exact claims: the JJᵀ
 * decomposition (Sec. 4.1, with the B_L erratum), the Rayleigh and Schur certificates of Theorem 4.1,
 * Corollary 4.2 (rank, d < N) and Lemmas 5.3–5.4, each with a planted twin
 * (docs/theorems.md#empirical-ntk-decomposition-section-41, docs/theorems.md#theorem-41,
 * docs/theorems.md#corollary-42-rank-with-d--n, docs/theorems.md#theorem-51-and-lemmas-53-54,
 * docs/theorems.md#planted-twins-of-the-exact-claims). The asymptotic statements (Theorems 4.1, 5.1 and
 * the rate of eq. (4)) are judged by their exponents in nguyen2021WideScaling.ts.
 * Every finite-network quantity carries the rounding of the forward/backward passes
 * (src/ntk/roundingEnvelope.ts) on top of the final Gram roundings (empiricalNtk errorBound).
 */

const FW_CONVENTIONS = {
  network: 'f_0 = x, f_l = σ(W_lᵀf_{l−1}) (l < L), f_L = W_Lᵀf_{L−1}; W_l ∈ R^{n_{l−1}×n_l}; no biases',
  "σ'(0)": 0,
  init: '(W_l)_ij ~ N(0, β_l²): standard β_l = 1, He β_l² = 2/n_{l−1}, LeCun β_l² = 1/n_{l−1}',
  empiricalNtk: 'K̄ = JJᵀ = Σ_{k=0}^{L−1}(F_kF_kᵀ)∘(B_{k+1}B_{k+1}ᵀ), B_L = 1_N (erratum of v5: (1/√N)1_N)',
  normalisation: 'none (K̄ itself) unless stated; eq. (4) uses Π_{l=1}^{L−1} 2/n_l',
  data: 'rows of the stored float64 X, exact',
};

type FamilyName = 'gaussian' | 'sqrt-d-sphere';
const FAMILIES: readonly FamilyName[] = ['gaussian', 'sqrt-d-sphere'];

export type FwDesc = { [key: string]: unknown; data: DataDescriptor; widths: number[]; init: InitName; netSeed: string };
export interface FwInstance {
  x: Matrix;
  net: Network;
}

function materializeFw(d: FwDesc): FwInstance {
  const x = materializeData(d.data);
  return { x, net: materializeNetwork(d.data.d, d) };
}

/** An instance space of data and network sizes: the descriptors of fwFields and the bounds of mutateFw's moves. */
interface FwLimits {
  n: [number, number];
  d: [number, number];
  w: [number, number];
  hidden: [number, number];
}

/** The data (a family of FAMILIES) and network fields of a descriptor within `lim`. */
function fwFields(lim: FwLimits) {
  return { data: dataDescriptor({ n: lim.n, d: lim.d, families: FAMILIES }), ...networkFields({ width: lim.w, hidden: lim.hidden }) };
}

function mutateFw<T extends { data: DataDescriptor; widths: number[]; netSeed: string }>(d: T, rng: Rng, lim: FwLimits): T {
  const u = rng.next();
  const clamp = (v: number, [lo, hi]: [number, number]) => Math.max(lo, Math.min(hi, v));
  if (u < 0.3) return { ...d, netSeed: String(uniformInt(rng, 2 ** 31 - 1)) };
  if (u < 0.55) return { ...d, data: { ...d.data, seed: String(uniformInt(rng, 2 ** 31 - 1)) } };
  if (u < 0.75) {
    const w = d.widths.slice();
    const k = uniformInt(rng, w.length);
    w[k] = clamp(w[k] + (rng.next() < 0.5 ? -1 : 1) * (1 + uniformInt(rng, Math.max(1, Math.floor(w[k] / 4)))), lim.w);
    return { ...d, widths: w };
  }
  return { ...d, data: { ...d.data, n: clamp(d.data.n + (rng.next() < 0.5 ? -1 : 1), lim.n) } };
}

export interface InstancePasses {
  fwd: ReturnType<typeof forward>;
  env: ReturnType<typeof roundingEnvelope>;
}
const FORWARDS = new WeakMap<object, ReturnType<typeof forward>>();
const PASSES = new WeakMap<object, InstancePasses>();
/**
 * The forward pass of an instance, computed once per instance object: a claim's assumptions and its
 * conclusion evaluate the same materialised instance (src/theorem/verdict.ts), and neither writes to it.
 */
export function instanceForward(i: { readonly net: Network; readonly x: Matrix }): ReturnType<typeof forward> {
  let f = FORWARDS.get(i);
  if (!f) {
    f = forward(i.net, i.x);
    FORWARDS.set(i, f);
  }
  return f;
}
/** instanceForward and its rounding envelope (src/ntk/roundingEnvelope.ts), once per instance object. */
export function instancePasses(i: { readonly net: Network; readonly x: Matrix }): InstancePasses {
  let p = PASSES.get(i);
  if (!p) {
    const fwd = instanceForward(i);
    p = { fwd, env: roundingEnvelope(i.net, i.x, fwd) };
    PASSES.set(i, p);
  }
  return p;
}

/** The float forward pass agrees in activation pattern with the exact one (no pre-activation within rounding of 0). */
function patternAssumption(i: FwInstance): string | null {
  return instancePasses(i).env.patternCertified ? null : 'no pre-activation within rounding of 0 (σ’(0) = 0 boundary)';
}

/** K̄ with a spectral error bound covering the forward/backward roundings and the final Gram roundings. */
export function certifiedNtk(i: FwInstance, pre?: InstancePasses) {
  const { fwd, env } = pre ?? instancePasses(i);
  const emp = empiricalNtk(i.net, i.x, { forwardResult: fwd, layerTerms: true });
  const pert = layerwiseKernelPerturbation(env);
  // An uncertified kernel (errorBound or the perturbation +∞, e.g. after an overflow) gives error +∞: the
  // enclosures built on it are then unbounded and the instance inconclusive (docs/adding-a-claim.md).
  return { fwd, env, emp, pert, error: around(0, emp.errorBound).add(around(0, pert.spectral)).hi };
}

/** certifiedNtk and its certified λ_min (lower end, upper end, estimate). */
export function certifiedNtkLambdaMin(i: FwInstance, pre?: InstancePasses) {
  const c = certifiedNtk(i, pre);
  return { c, lk: lambdaMinCertified(c.emp.ntk, { entryError: c.error }) };
}

/**
 * A planted twin of a true inequality with its right-hand side multiplied by `factor` (a power of 2, so the
 * scaled side and its error bound stay exact): a stronger constant the search must refute.
 */
export function rhsScaledTwin<D extends { [key: string]: unknown }, I>(
  base: Theorem<D, I>,
  o: { id: string; title: string; statement: string; statementTex?: string; factor: number; note: string },
): Theorem<D, I> {
  if (!(Math.log2(Math.abs(o.factor)) % 1 === 0)) throw new RangeError(`rhsScaledTwin: factor ${o.factor} is not a power of 2`);
  // never the claim's own TeX under the twin's statement
  const { statementTex: _claimTex, ...claim } = base;
  return {
    ...claim,
    id: o.id,
    title: o.title,
    statement: o.statement,
    ...(o.statementTex !== undefined ? { statementTex: o.statementTex } : {}),
    source: { ...base.source, statement: `${base.source.statement} — planted error: right-hand side ×${o.factor}` },
    constants: [...base.constants, { name: 'planted factor', value: o.factor, provenance: 'user', note: o.note }],
    expectRefuted: true,
    twinOf: base.id,
    conclude(i, d) {
      const ev = base.conclude(i, d);
      return { ...ev, rhs: ev.rhs * o.factor, rhsError: ev.rhsError * Math.abs(o.factor), quantities: { ...ev.quantities, plantedFactor: o.factor } };
    },
  };
}

// ------------------------------------------------------------------------------------------------
// 1. JJᵀ decomposition (Sec. 4.1) and its erratum

const TINY: FwLimits = { n: [2, 6], d: [2, 6], w: [2, 9], hidden: [1, 3] };
const tinyDescriptors: fc.Arbitrary<FwDesc> = fc.record(fwFields(TINY));

function jjtDecomposition(erratum: boolean): Theorem<FwDesc, FwInstance> {
  return {
    ...claimOrTwin(erratum, {
      claim: { id: 'nguyen2021.sec4.1.jjt-decomposition', title: 'JJᵀ = Σ_k (F_kF_kᵀ)∘(B_{k+1}B_{k+1}ᵀ) with B_L = 1_N' },
      twin: { id: 'planted.nguyen2021.sec4.1.jjt-erratum-bl', title: 'ERRATUM (v5 as written): JJᵀ = Σ_k (F_kF_kᵀ)∘(B_{k+1}B_{k+1}ᵀ) with B_L = (1/√N)1_N' },
    }),
    source: {
      ...NMM_SOURCE,
      statement:
        'Section 4.1 (proof of Theorem 4.1), decomposition of JJᵀ (v5)' +
        (erratum ? ' — as printed, with B_L = (1/√N)1_N' : ' — corrected B_L = 1_N (erratum 1 of docs/theorems.md#errata-in-arxiv-201211654v5)'),
    },
    kind: 'deterministic',
    statement:
      'Entrywise, the Gram matrix JJᵀ of the explicit per-sample Jacobian equals the layer-wise sum Σ_k (F_kF_kᵀ)∘(B_{k+1}B_{k+1}ᵀ)' +
      (erratum ? ' computed with B_L = (1/√N)1_N.' : '.'),
    statementTex:
      String.raw`Entrywise, the Gram matrix $JJ^{\top}$ of the explicit per-sample Jacobian equals the layer-wise sum $\sum_k (F_kF_k^{\top}) \circ (B_{k+1}B_{k+1}^{\top})$` +
      (erratum ? String.raw` computed with $B_L = (1/\sqrt{N})\mathbf{1}_N$.` : '.'),
    conventions: { ...FW_CONVENTIONS, B_L: erratum ? '(1/√N)·1_N (erratum)' : '1_N' },
    constants: erratum
      ? [{ name: 'B_L scale', value: 1 / Math.sqrt(2), provenance: 'paper', note: 'v5 writes B_L = (1/√N)1_N; known erratum, must be refuted' }]
      : [],
    descriptors: tinyDescriptors,
    materialize: materializeFw,
    mutate: (d, rng) => mutateFw(d, rng, TINY),
    cells: (d) => ({ L: String(d.widths.length + 1), init: d.init }),
    cellSpace: { L: ['2', '3', '4'], init: ['standard', 'he', 'lecun'] },
    assumptions: patternAssumption,
    conclude(i): Evaluation {
      const { fwd, env } = instancePasses(i);
      const emp = empiricalNtk(i.net, i.x, { forwardResult: fwd, bLScale: erratum ? 'erratum-inv-sqrt-n' : 'ones' });
      const pert = layerwiseKernelPerturbation(env);
      const jac = explicitJacobian(i.net, i.x);
      const jj = gram(jac);
      const N = i.x.rows;
      // fl(ĴĴᵀ) against ĴĴᵀ of the exact products f̂·b̂ (one rounding per entry of Ĵ)
      // (around(0, e) = [−e, e]; +∞ or NaN gives [−∞, ∞]: an uncertified bound, not a thrown error)
      const gE = gramEntryErrorBounds(jac, 1),
        eEmp = around(0, emp.errorBound);
      // The entry farthest beyond its tolerance among the certified ones (finite entries, finite tolerance);
      // an entry that is not certified can show no violation, but forbids a `holds`.
      let best = -Infinity,
        bt = -1,
        bTol = 0,
        uncertified = -1;
      for (let t = 0; t < N * N; t++) {
        const tol = eEmp.add(around(0, gE.data[t])).add(around(0, pert.entrywise.data[t]).mul(2)).hi;
        if (!(tol < Infinity && Number.isFinite(jj.data[t]) && Number.isFinite(emp.ntk.data[t]))) {
          if (uncertified < 0) uncertified = t;
          continue;
        }
        const excess = Math.abs(jj.data[t] - emp.ntk.data[t]) - tol;
        if (bt < 0 || excess > best) {
          best = excess;
          bt = t;
          bTol = tol;
        }
      }
      const worst: Evaluation | undefined =
        bt < 0
          ? undefined
          : {
              lhs: jj.data[bt],
              lhsError: bTol / 2,
              rhs: emp.ntk.data[bt],
              rhsError: bTol / 2,
              relation: '==',
              quantities: { N, L: i.net.depth, maxAbsDiff: Math.abs(jj.data[bt] - emp.ntk.data[bt]), tolerance: bTol },
            };
      // With an uncertified entry only a certified violation elsewhere is a verdict: decide's own rounding term
      // can let an entry just beyond its tolerance hold, which must not stand for the uncertified ones.
      if (worst && (uncertified < 0 || decide(worst).verdict === 'violated')) return worst;
      const lhs = jj.data[uncertified],
        rhs = emp.ntk.data[uncertified];
      return evaluation(fromEnclosure({ lower: lhs, upper: Infinity }), '==', fromEnclosure({ lower: rhs, upper: Infinity }), {
        quantities: { N, L: i.net.depth, maxAbsDiff: Math.abs(lhs - rhs), tolerance: Infinity },
      });
    },
    costHint: 5600,
  };
}

// ------------------------------------------------------------------------------------------------
// 3. Theorem 4.1 / Cor. 4.2 / Theorem 5.1: one wide layer

export type WideDesc = { [key: string]: unknown; data: DataDescriptor; widths: number[]; wide: number; init: InitName; netSeed: string };

/** The last fields of a one-wide-layer descriptor's draw: the data family, the data seed and the network seed. */
const familyAndSeeds = { family: fc.constantFrom<FamilyName>('gaussian', 'sqrt-d-sphere'), seed: seedArb, netSeed: seedArb };
/** The wide layer's width ⌈c·N ln N⌉ (Theorem 4.1's n_k = Ω(N log N), instantiated with c). */
const wideWidth = (c: number, n: number): number => Math.ceil(c * n * Math.log(n));

/** N ∈ [8, 24], d ∈ [N, 4N], L = 3, the wide layer (position 1 or 2) of width ∈ [2N ln N, 4N ln N], the other ∈ [32, 64]. */
const wideDescriptors: fc.Arbitrary<WideDesc> = fc
  .record({
    n: fc.integer({ min: 8, max: 24 }),
    dMult: fc.integer({ min: 1, max: 4 }),
    pos: fc.integer({ min: 1, max: 2 }),
    wMult: fc.double({ min: 2, max: 4, noNaN: true }),
    other: fc.integer({ min: 32, max: 64 }),
    init: fc.constantFrom<InitName>('he', 'lecun', 'standard'),
    ...familyAndSeeds,
  })
  .map((o) => {
    const nw = wideWidth(o.wMult, o.n);
    const widths = o.pos === 1 ? [nw, o.other] : [Math.max(o.other, o.n), nw];
    return { data: { n: o.n, d: o.dMult * o.n, family: o.family, shift: 0, seed: o.seed }, widths, wide: o.pos, init: o.init, netSeed: o.netSeed };
  });
export const wideProbes: fc.Arbitrary<WideDesc> = fc.oneof(
  // no wide layer: every width below N
  fc.record({ n: fc.integer({ min: 16, max: 24 }), seed: seedArb, netSeed: seedArb, init: fc.constantFrom<InitName>('he', 'standard') }).map((o) => ({
    data: { n: o.n, d: o.n, family: 'gaussian' as const, shift: 0, seed: o.seed },
    widths: [Math.floor(o.n / 2), Math.floor(o.n / 2)],
    wide: 1,
    init: o.init,
    netSeed: o.netSeed,
  })),
  // fixed small d, growing N
  fc.record({ n: fc.integer({ min: 16, max: 32 }), d: fc.integer({ min: 2, max: 4 }), seed: seedArb, netSeed: seedArb }).map((o) => ({
    data: { n: o.n, d: o.d, family: 'gaussian' as const, shift: 0, seed: o.seed },
    widths: [Math.ceil(3 * o.n * Math.log(o.n)), 32],
    wide: 1,
    init: 'he' as InitName,
    netSeed: o.netSeed,
  })),
);

function mutateWide(d: WideDesc, rng: Rng): WideDesc {
  const u = rng.next();
  if (u < 0.45) return { ...d, netSeed: String(uniformInt(rng, 2 ** 31 - 1)) };
  if (u < 0.9) return { ...d, data: { ...d.data, seed: String(uniformInt(rng, 2 ** 31 - 1)) } };
  const w = d.widths.slice();
  const other = d.wide === 1 ? 1 : 0;
  w[other] = Math.max(d.wide === 2 ? Math.max(32, d.data.n) : 32, Math.min(64, w[other] + (rng.next() < 0.5 ? -4 : 4)));
  return { ...d, widths: w };
}

export const wideBase = {
  conventions: FW_CONVENTIONS,
  descriptors: wideDescriptors,
  materialize: (d: WideDesc) => materializeFw(d),
  mutate: mutateWide,
  cells: (d: WideDesc) => ({ widePosition: String(d.wide), init: d.init, dOverN: String(d.data.d / d.data.n) }),
  cellSpace: { widePosition: ['1', '2'], init: ['standard', 'he', 'lecun'], dOverN: ['1', '2', '3', '4'] },
  constants: [],
  probes: wideProbes,
  assumptions: patternAssumption,
};

export const thm41UpperCertificate: Theorem<WideDesc, FwInstance> = {
  ...wideBase,
  id: 'nguyen2021.thm4.1.upper-certificate',
  title: 'λ_min(K̄) ≤ K̄_11 = Σ_k ‖f_k(x_1)‖²‖b_{k+1}(x_1)‖²',
  source: { ...NMM_SOURCE, statement: 'proof of Theorem 4.1 (v5), upper bound (Jub of docs/theorems.md#empirical-ntk-decomposition-section-41)' },
  kind: 'deterministic',
  statement: 'λ_min(JJᵀ) ≤ (JJᵀ)_11 for every network and data set.',
  statementTex: String.raw`$\lambda_{\mathrm{min}}(JJ^{\top}) \le (JJ^{\top})_{11}$ for every network and data set.`,
  conclude(i): Evaluation {
    const { c, lk } = certifiedNtkLambdaMin(i);
    return evaluation(
      fromEnclosure(lk),
      '<=',
      { value: c.emp.ntk.data[0], error: c.error },
      { quantities: { lambdaMin: lk.estimate, k11: c.emp.ntk.data[0] } },
    );
  },
  costHint: 300,
};

export const thm41SchurLower: Theorem<WideDesc, FwInstance> = {
  ...wideBase,
  id: 'nguyen2021.thm4.1.schur-lower',
  title: 'λ_min(JJᵀ) ≥ Σ_k λ_min(F_kF_kᵀ)·min_i ‖(B_{k+1})_i‖²',
  source: { ...NMM_SOURCE, statement: 'proof of Theorem 4.1 (v5), Schur product bound (Jlb of docs/theorems.md#empirical-ntk-decomposition-section-41)' },
  kind: 'deterministic',
  statement: 'λ_min(K̄) ≥ Σ_{k=0}^{L−1} λ_min(F_kF_kᵀ) min_i ‖(B_{k+1})_{i:}‖² for every network and data set.',
  statementTex: String.raw`$\lambda_{\mathrm{min}}(\bar{K}) \ge \sum_{k=0}^{L-1} \lambda_{\mathrm{min}}(F_kF_k^{\top}) \min_i \lVert (B_{k+1})_{i:} \rVert^2$ for every network and data set.`,
  conclude(i): Evaluation {
    const { c, lk } = certifiedNtkLambdaMin(i);
    const bs = backpropSignals(i.net, c.fwd);
    let sum = interval(0);
    for (let k = 0; k < i.net.depth; k++) {
      const f = c.fwd.features[k];
      const fe = featureMatrixError(c.env, k);
      let fro2 = interval(0);
      for (const v of c.env.featureNorm[k]) fro2 = fro2.add(interval(v).mul(v));
      // |fl(F̂F̂ᵀ) − FFᵀ| ≤ gram rounding + ‖F̂ − F‖(2‖F‖_F + ‖F̂ − F‖) entrywise
      const gErr = interval(gramRoundingBound(f)).add(interval(fe).mul(fro2.sqrt().mul(2).add(fe))).hi;
      const lf = lambdaMinCertified(gram(f), { entryError: gErr });
      const b = bs[k];
      // min_i ‖b_i‖²: ‖b̂_i − b_i‖ ≤ ζ‖b_i‖ ≤ ζC_i (the backward envelope), so |‖b̂_i‖² − ‖b_i‖²| ≤ ζ(ζ + 2)C_i²
      const z = interval(c.env.zeta[k + 1]),
        zz = z.mul(z.add(2));
      const nb = rowNormSquaredEnclosures(b);
      let bNorm: Interval | undefined;
      for (let t = 0; t < b.rows; t++) {
        const e = zz.mul(interval(c.env.backNorm[k + 1][t]).pow(2)).hi;
        const v = nb[t].add(interval(-e, e));
        bNorm = bNorm ? bNorm.min(v) : v;
      }
      bNorm = (bNorm ?? interval(0)).max(0);
      sum = sum.add(interval(lf.lower, lf.upper).mul(bNorm));
    }
    const rhs = fromInterval(sum);
    // λ_min(K̄) ≥ 0 for the PSD K̄: a bound ≤ 0 cannot fail (every λ_min(F_kF_kᵀ) is 0 when all n_k < N)
    return evaluation(fromEnclosure(lk), '>=', rhs, { quantities: { lambdaMin: lk.estimate, schur: rhs.value }, ...(sum.hi <= 0 ? { vacuous: true } : {}) });
  },
  costHint: 350,
};

/** Sharpness measured on 60 instances of the CI space: λ_min(K̄)/K̄_11 up to 0.66 (median 0.32). */
export const plantedUpperCertificateHalf = rhsScaledTwin(thm41UpperCertificate, {
  id: 'planted.nguyen2021.thm4.1.upper-certificate-half',
  title: 'PLANTED (constant ½): λ_min(K̄) ≤ K̄_11/2',
  statement: 'PLANTED: λ_min(JJᵀ) ≤ (JJᵀ)_11/2 for every network and data set (the Rayleigh bound with a constant ½).',
  statementTex: String.raw`PLANTED: $\lambda_{\mathrm{min}}(JJ^{\top}) \le (JJ^{\top})_{11}/2$ for every network and data set (the Rayleigh bound with a constant $\frac{1}{2}$).`,
  factor: 0.5,
  note: 'planted error: λ_min ≤ K̄_11 is sharp to within a factor 0.66 on the wide-layer instances',
});

/** Sharpness measured on 60 instances: λ_min(K̄)/(Schur bound) from 1.67 (median 3.1). */
export const plantedSchurLowerDouble = rhsScaledTwin(thm41SchurLower, {
  id: 'planted.nguyen2021.thm4.1.schur-lower-double',
  title: 'PLANTED (constant 2): λ_min(JJᵀ) ≥ 2·Σ_k λ_min(F_kF_kᵀ)·min_i ‖(B_{k+1})_i‖²',
  statement: 'PLANTED: the Schur product bound of the proof of Theorem 4.1 with a factor 2.',
  statementTex: String.raw`PLANTED: the Schur product bound of the proof of Theorem 4.1 with a factor $2$.`,
  factor: 2,
  note: 'planted error: the Schur bound is within a factor 1.67 of λ_min(K̄) on some wide-layer instances',
});

/**
 * rank J ≤ P − Σ_{l=1}^{L−1} n_l, P = Σ_l n_{l−1}n_l the number of parameters [DER,
 * docs/theorems.md#corollary-42]: for each hidden unit j of layer l, the direction v_{l,j} that scales its
 * incoming weights W_l[:, j] by (1 + t) and its outgoing weights W_{l+1}[j, :] by (1 − t) satisfies
 * J v_{l,j} = 0 exactly (per sample: b_{l,j}·g_{l,j} − f_{l,j}·(W_{l+1}b_{l+1})_j = 0, since σ'(g)g = σ(g),
 * with σ'(0) = 0 included), and these Σ_l n_l directions are linearly independent (disjoint supports on the
 * incoming columns, each non-zero). When the bound is below N, λ_min(JJᵀ) = 0 exactly.
 */
export function jacobianRankBound(net: Network): number {
  let p = 0,
    hidden = 0;
  for (let l = 1; l <= net.depth; l++) p += net.dims[l - 1] * net.dims[l];
  for (let l = 1; l < net.depth; l++) hidden += net.dims[l];
  return p - hidden;
}

type RankDesc = { [key: string]: unknown; data: DataDescriptor; widths: number[]; netSeed: string };

/**
 * Corollary 4.2's instances: d < N, so that the W_1 term (XXᵀ)∘(B_1B_1ᵀ) cannot make K̄ definite on its
 * own; L = 3 with one layer (position 1 or 2) of width ∈ [2N ln N, 3N ln N] and the other of width ∈ [24, N − 1]:
 * every width but the wide one is below N. N ∈ [32, 48] keeps the failure term N·2^{−n_l} of a unit-dead
 * point (f_l(x_i) = 0, a zero row of J) below 1e-5.
 */
const cor42Descriptors: fc.Arbitrary<RankDesc> = fc
  .record({
    n: fc.integer({ min: 32, max: 48 }),
    dFrac: fc.double({ min: 0.25, max: 0.97, noNaN: true }),
    pos: fc.integer({ min: 1, max: 2 }),
    wMult: fc.double({ min: 2, max: 3, noNaN: true }),
    otherFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    ...familyAndSeeds,
  })
  .map((o) => {
    const nw = wideWidth(o.wMult, o.n);
    const other = 24 + Math.floor(o.otherFrac * (o.n - 1 - 24));
    const d = Math.max(2, Math.min(o.n - 1, Math.floor(o.dFrac * o.n)));
    return { data: { n: o.n, d, family: o.family, shift: 0, seed: o.seed }, widths: o.pos === 1 ? [nw, other] : [other, nw], netSeed: o.netSeed };
  });

/** The twin's instances: no wide layer — L ∈ {2, 3}, every hidden width and d below N. */
const noWideDescriptors: fc.Arbitrary<RankDesc> = fc
  .record({
    n: fc.integer({ min: 6, max: 32 }),
    dFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    w: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 2 }),
    family: fc.constantFrom<FamilyName>('gaussian', 'sqrt-d-sphere'),
    seed: seedArb,
    netSeed: seedArb,
  })
  .map((o) => ({
    data: { n: o.n, d: 2 + Math.floor(o.dFrac * (o.n - 3)), family: o.family, shift: 0, seed: o.seed },
    widths: o.w.map((u) => 1 + Math.floor(u * (o.n - 2))),
    netSeed: o.netSeed,
  }));

function materializeRank(d: RankDesc): FwInstance {
  return materializeFw({ data: d.data, widths: d.widths, init: 'he', netSeed: d.netSeed });
}

function rankClaim(twin: boolean): Theorem<RankDesc, FwInstance> {
  return {
    ...claimOrTwin(twin, {
      claim: { id: 'nguyen2021.cor4.2.full-rank', title: 'Corollary 4.2 (rank part): rank J = N, i.e. λ_min(JJᵀ) > 0, with one wide layer and d < N' },
      twin: { id: 'planted.nguyen2021.cor4.2.full-rank-without-wide-layer', title: 'PLANTED (wide layer dropped): rank J = N with every width below N' },
    }),
    source: {
      ...NMM_SOURCE,
      statement: 'Corollary 4.2 (v5), the rank step of its proof (docs/theorems.md#corollary-42)' + (twin ? ' — planted error: the wide layer dropped' : ''),
    },
    kind: 'deterministic',
    statement: twin
      ? 'PLANTED: for generic data with d < N and a network whose hidden widths are all below N, the drawn J has full row rank. False: rank J ≤ P − Σ_l n_l (hidden-unit rescalings), below N for small networks.'
      : 'For generic data with d < N (so the data alone cannot make K̄ definite) and a depth-3 network whose only width ≥ N is one layer of width ≥ 2N ln N, the drawn J has full row rank: certified λ_min(K̄) > 0.',
    statementTex: twin
      ? String.raw`PLANTED: for generic data with $d < N$ and a network whose hidden widths are all below $N$, the drawn $J$ has full row rank. False: $\operatorname{rank} J \le P - \sum_l n_l$ (hidden-unit rescalings), below $N$ for small networks.`
      : String.raw`For generic data with $d < N$ (so the data alone cannot make $\bar{K}$ definite) and a depth-3 network whose only width $\ge N$ is one layer of width $\ge 2N \ln N$, the drawn $J$ has full row rank: certified $\lambda_{\mathrm{min}}(\bar{K}) > 0$.`,
    conventions: {
      ...FW_CONVENTIONS,
      init: 'He (β_l² = 2/n_{l−1}); the rank of J does not depend on the β_l',
      rankBound: 'rank J ≤ P − Σ_{l<L} n_l; when below N, λ_min(K̄) = 0 exactly (no numerics)',
    },
    constants: twin ? [] : [{ name: 'wide width', value: 2, provenance: 'user', note: 'Ω(N log N log(N/δ)) instantiated as 2N ln N (up to 3N ln N)' }],
    descriptors: twin ? noWideDescriptors : cor42Descriptors,
    materialize: materializeRank,
    mutate: (d, rng) =>
      rng.next() < 0.5 ? { ...d, netSeed: String(uniformInt(rng, 2 ** 31 - 1)) } : { ...d, data: { ...d.data, seed: String(uniformInt(rng, 2 ** 31 - 1)) } },
    cells: (d) => ({ widePosition: twin ? 'none' : String(d.widths[0] > d.widths[1] ? 1 : 2), dOverN: d.data.d / d.data.n < 0.5 ? '< 1/2' : '1/2 … 1' }),
    cellSpace: { widePosition: twin ? ['none'] : ['1', '2'], dOverN: ['< 1/2', '1/2 … 1'] },
    assumptions(i, d) {
      const N = i.x.rows;
      if (!(d.data.d < N)) return 'd < N';
      const wide = d.widths.filter((w) => w >= N);
      if (twin ? wide.length > 0 : !(wide.length === 1 && wide[0] >= 2 * N * Math.log(N)))
        return twin ? 'every hidden width below N' : 'exactly one width ≥ N, and it is ≥ 2N ln N';
      return patternAssumption(i);
    },
    conclude(i): Evaluation {
      const N = i.x.rows;
      const bound = jacobianRankBound(i.net);
      // rank J ≤ bound < N: J Jᵀ is singular, exactly
      if (bound < N) return evaluation(exact(0), '>', exact(0), { quantities: { rankBound: bound, N } });
      const { lk } = certifiedNtkLambdaMin(i);
      return evaluation(fromEnclosure(lk), '>', exact(0), { quantities: { lambdaMin: lk.estimate, rankBound: bound, N } });
    },
    costHint: twin ? 2000 : 80,
  };
}

// ------------------------------------------------------------------------------------------------
// 4. Lemmas 5.3 and 5.4 — deterministic given the (float) feature matrix F_k, treated as exact.

type LemDesc = {
  [key: string]: unknown;
  data: DataDescriptor;
  widths: number[];
  init: InitName;
  netSeed: string;
  k: number;
  r: number;
  muSeed: string;
  muMode: 'mean' | 'random';
};
const LEM: FwLimits = { n: [2, 16], d: [2, 24], w: [4, 64], hidden: [1, 2] };
const lemDescriptors: fc.Arbitrary<LemDesc> = fc.record({
  ...fwFields(LEM),
  k: fc.integer({ min: 1, max: 2 }),
  r: fc.constantFrom(2, 4, 6),
  muSeed: seedArb,
  muMode: fc.constantFrom<'mean' | 'random'>('mean', 'random'),
});

function featureOf(i: FwInstance, d: LemDesc): Matrix {
  const k = Math.min(d.k, i.net.depth - 1);
  return instanceForward(i).features[k];
}

function nonZeroFeatureRows(i: FwInstance, d: LemDesc): string | null {
  const n2 = rowNormsSquared(featureOf(i, d));
  for (const v of n2) if (!(v > 0)) return 'f_k(x_i) ≠ 0 for all i';
  return null;
}

/**
 * `minNorm` plants the twin: the normalisation max_i‖(F_k)_i‖^{2(r−1)} replaced by min_i (measured slack of
 * Lemma 5.3 ≥ 4.4 on 57 CI instances, (max/min)^{2(r−1)} exceeds it).
 */
function lemma53Claim(minNorm: boolean): Theorem<LemDesc, FwInstance> {
  return {
    ...claimOrTwin(minNorm, {
      claim: { id: 'nguyen2021.lemma5.3', title: 'Lemma 5.3: λ_min(E_w[σ(F_kw)σ(F_kw)ᵀ]) ≥ β²μ_r²λ_min((F_kF_kᵀ)^{∘r})/max_i‖(F_k)_i‖^{2(r−1)}' },
      twin: {
        id: 'planted.nguyen2021.lemma5.3-min-row-norm',
        title: 'PLANTED (min instead of max): λ_min(E_w[σ(F_kw)σ(F_kw)ᵀ]) ≥ β²μ_r²λ_min((F_kF_kᵀ)^{∘r})/min_i‖(F_k)_i‖^{2(r−1)}',
      },
    }),
    source: { ...NMM_SOURCE, statement: 'Lemma 5.3 (v5)' + (minNorm ? ' — planted error: max_i replaced by min_i in the normalisation' : '') },
    kind: 'deterministic',
    statement:
      'For any matrix F (here the float feature matrix F_k, taken as exact), w ~ N(0, β²I) and integer r > 0 (even r tested): the inequality holds; the expectation is the closed-form arc-cosine kernel (β²/2)·G(2)(F).',
    statementTex: String.raw`For any matrix $F$ (here the float feature matrix $F_k$, taken as exact), $w \sim \mathcal{N}(0, \beta^2 I)$ and integer $r > 0$ (even $r$ tested): the inequality holds; the expectation is the closed-form arc-cosine kernel $(\beta^2/2) \cdot G^{(2)}(F)$.`,
    conventions: {
      ...FW_CONVENTIONS,
      expectation: 'E_w[σ(Fw)σ(Fw)ᵀ] = (β²/2)·G(2) with G(1) = FFᵀ (limitingKernels depth 2, nmm)',
      β: 'β_{k+1} of the drawn network',
    },
    constants: [],
    descriptors: lemDescriptors,
    materialize: materializeFw,
    mutate: (d, rng) => mutateFw(d, rng, LEM),
    cells: (d) => ({ r: String(d.r), k: String(d.k) }),
    cellSpace: { r: ['2', '4', '6'], k: ['1', '2'] },
    assumptions: nonZeroFeatureRows,
    conclude(i, d): Evaluation {
      const f = featureOf(i, d);
      const k = Math.min(d.k, i.net.depth - 1);
      const beta2 = i.net.betas[k] ** 2;
      const lim = limitingKernels(f, { depth: 2 });
      const le = lambdaMinCertified(lim.nngp, { entryError: lim.nngpErrorBound });
      const h = hadamardPower(gram(f), d.r, gramEntryErrorBound(f));
      const lh = lambdaMinCertified(h.matrix, { entryError: h.errorBound });
      // β²μ_r²/max_i ‖(F_k)_i‖^{2(r−1)} (the twin: min_i, a larger right-hand side), enclosed
      const m = minNorm ? minRowNormSquared(f) : maxRowNormSquared(f);
      const c = interval(i.net.betas[k])
        .pow(2)
        .mul(reluHermiteSquareEnclosures(d.r)[d.r])
        .div(m.pow(d.r - 1));
      const bound = interval(lh.lower, lh.upper).mul(c);
      const rhs = fromInterval(bound);
      const half = beta2 / 2;
      const lhs = fromInterval(interval(le.lower, le.upper).mul(interval(i.net.betas[k]).pow(2)).div(2));
      // the expectation is PSD: a bound ≤ 0 cannot fail
      return evaluation(lhs, '>=', rhs, {
        quantities: { lambdaMinExpectation: le.estimate * half, bound: rhs.value, r: d.r },
        ...(bound.hi <= 0 ? { vacuous: true } : {}),
      });
    },
    costHint: 4900,
  };
}

/**
 * `dropCorrection` plants the twin without −Λ11ᵀΛ/‖μ‖²: F_kF_kᵀ − F̃F̃ᵀ = ‖μ‖²11ᵀ + Λ11ᵀ + 11ᵀΛ is indefinite in
 * general (for v with 1ᵀv = s, vᵀ(·)v = ‖μ‖²s² + 2s·vᵀΛ1), so the Hadamard powers need not be ordered.
 */
function lemma54Claim(dropCorrection: boolean): Theorem<LemDesc, FwInstance> {
  return {
    ...claimOrTwin(dropCorrection, {
      claim: { id: 'nguyen2021.lemma5.4', title: 'Lemma 5.4 (v5, corrected): (F_kF_kᵀ)^{∘r} − (F̃F̃ᵀ − Λ11ᵀΛ/‖μ‖²)^{∘r} ⪰ 0' },
      twin: { id: 'planted.nguyen2021.lemma5.4-without-rank-one-correction', title: 'PLANTED (correction dropped): (F_kF_kᵀ)^{∘r} − (F̃F̃ᵀ)^{∘r} ⪰ 0' },
    }),
    source: {
      ...NMM_SOURCE,
      statement:
        (dropCorrection ? 'PLANTED: without the rank-one correction. ' : '') +
        'Lemma 5.4 (v5; corrected version) — valid for any μ ≠ 0 (derived, docs/theorems.md#theorem-51-and-lemmas-53-54)' +
        (dropCorrection ? ' — planted error: the rank-one correction −Λ11ᵀΛ/‖μ‖² dropped' : ''),
    },
    kind: 'deterministic',
    statement: 'With F̃ = F − 1μᵀ and Λ = diag(Fμ − ‖μ‖²1): λ_min((FFᵀ)^{∘r} − (F̃F̃ᵀ − Λ11ᵀΛ/‖μ‖²)^{∘r}) ≥ 0, for μ the row mean of F or a random vector.',
    statementTex: String.raw`With $\tilde{F} = F - \mathbf{1}\mu^{\top}$ and $\Lambda = \operatorname{diag}(F\mu - \lVert \mu \rVert^2 \mathbf{1})$: $\lambda_{\mathrm{min}}\bigl((FF^{\top})^{\circ r} - (\tilde{F}\tilde{F}^{\top} - \Lambda \mathbf{1}\mathbf{1}^{\top}\Lambda/\lVert \mu \rVert^2)^{\circ r}\bigr) \ge 0$, for $\mu$ the row mean of $F$ or a random vector.`,
    conventions: { ...FW_CONVENTIONS, μ: 'row mean of F_k (empirical E_x f_k) or a Gaussian vector from muSeed; F = float F_k taken as exact' },
    constants: [],
    descriptors: lemDescriptors,
    materialize: materializeFw,
    mutate: (d, rng) => ({ ...mutateFw(d, rng, LEM), muSeed: rng.next() < 0.3 ? String(uniformInt(rng, 2 ** 31 - 1)) : d.muSeed }),
    assumptions: (i, d) => nonZeroFeatureRows(i, d),
    conclude(i, d): Evaluation {
      const f = featureOf(i, d);
      const N = f.rows,
        n = f.cols;
      const mu = new Float64Array(n);
      if (d.muMode === 'mean') {
        for (let a = 0; a < N; a++) for (let j = 0; j < n; j++) mu[j] += f.data[a * n + j] / N;
      } else fillGaussian(childRng(d.muSeed, 'mu'), mu, 1);
      const mu2I = sumOfSquares(mu),
        mu2 = mu2I.mid;
      if (!(mu2I.lo > 0)) return { lhs: 0, lhsError: Infinity, rhs: 0, rhsError: Infinity, relation: '>=' };
      // μ is a float vector, taken as exact. F̃ = F − 1μᵀ: each entry rounded once.
      const ft = zeros(N, n);
      for (let t = 0; t < N * n; t++) ft.data[t] = f.data[t] - mu[t % n];
      const g1 = gram(f),
        e1 = gramEntryErrorBound(f);
      const gt = gram(ft),
        et = gramEntryErrorBounds(ft, 1);
      // Λ_ii = ⟨f_i, μ⟩ − ‖μ‖², enclosed
      const lam: Interval[] = [];
      for (let a = 0; a < N; a++) {
        let s = interval(0);
        for (let j = 0; j < n; j++) if (mu[j] !== 0) s = s.add(interval(f.data[a * n + j]).mul(mu[j]));
        lam.push(s.sub(mu2I));
      }
      // M = F̃F̃ᵀ − Λ11ᵀΛ/‖μ‖², entry by entry over the enclosures; its entry error is the largest distance to them
      const m2 = zeros(N, N);
      let e2 = 0;
      for (let a = 0; a < N; a++)
        for (let b = 0; b < N; b++) {
          const t = a * N + b,
            gI = around(gt.data[t], et.data[t]);
          const mI = dropCorrection ? gI : gI.sub(lam[a].mul(lam[b]).div(mu2I));
          m2.data[t] = dropCorrection ? gt.data[t] : gt.data[t] - (lam[a].mid * lam[b].mid) / mu2;
          e2 = Math.max(e2, sideAt(m2.data[t], mI).error);
        }
      const h1 = hadamardPower(g1, d.r, e1);
      const h2 = hadamardPower(m2, d.r, e2);
      const diff = zeros(N, N);
      let eDiff = 0;
      for (let t = 0; t < N * N; t++) {
        diff.data[t] = h1.matrix.data[t] - h2.matrix.data[t];
        eDiff = Math.max(eDiff, sideAt(diff.data[t], around(h1.matrix.data[t], h1.errorBound).sub(around(h2.matrix.data[t], h2.errorBound))).error);
      }
      const ld = lambdaMinCertified(diff, { entryError: eDiff });
      let scale = 0;
      for (let a = 0; a < N; a++) scale = Math.max(scale, h1.matrix.data[a * N + a]);
      return evaluation(fromEnclosure(ld), '>=', exact(0), { quantities: { lambdaMinDiff: ld.estimate, relLambdaMinDiff: ld.estimate / scale, r: d.r } });
    },
    costHint: 5000,
  };
}

export const nguyen2021FiniteWidthTheorems = [
  jjtDecomposition(false),
  thm41UpperCertificate,
  thm41SchurLower,
  rankClaim(false),
  rankClaim(true),
  lemma53Claim(false),
  lemma54Claim(false),
  jjtDecomposition(true),
  plantedUpperCertificateHalf,
  plantedSchurLowerDouble,
  lemma53Claim(true),
  lemma54Claim(true),
];
