import fc from 'fast-check';
import { UNIT_ROUNDOFF } from '../src/linalg/matrix.ts';
import { estimateLipschitzLower, linearRegionIdentity, productOfNormsCertified } from '../src/ntk/lipschitzEstimate.ts';
import { type Initialization, type Network, initNetwork } from '../src/ntk/network.ts';
import type { Rng } from '../src/random/rng.ts';
import { childRng, fillGaussian, uniformInt } from '../src/random/rng.ts';
import { fromEnclosure } from '../src/theorem/sides.ts';
import type { Evaluation, Theorem } from '../src/theorem/types.ts';
import { NMM_SOURCE } from './nguyen2021Limiting.ts';

/**
 * Nguyen, Mondelli, Montúfar 2021 (arXiv 2012.11654v5) — Lemma 6.1 and Theorem 6.2, the Lipschitz
 * constant of the feature maps g_k (docs/theorems.md#lemma-61-and-theorem-62). Only LOWER estimates of
 * ‖g_k‖_Lip are computable: by Lemma 6.1, ‖g_k‖_Lip ≥ ‖J(g_k)(z)‖₂ at every z with no zero
 * pre-activation, certified by src/ntk/lipschitzEstimate.ts (pattern and Jacobian rounding envelopes,
 * norm2LowerBound); the upper side is the certified Π‖W_l‖₂.
 */

const U = UNIT_ROUNDOFF;
const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 }).map(String);
type InitName = 'standard' | 'he' | 'lecun';

const LIP_CONVENTIONS = {
  network: 'f_0 = x, g_l = W_lᵀf_{l−1}, f_l = σ(g_l); W_l ∈ R^{n_{l−1}×n_l}, (W_l)_ij ~ N(0, β_l²); no biases',
  "σ'(0)": 0,
  jacobian: 'J(g_k)(z) = W_kᵀΣ_{k−1}(z)W_{k−1}ᵀ⋯Σ_1(z)W_1ᵀ (Lemma 6.1), at inputs whose pattern on layers < k is certified non-zero',
  lipschitzLower: 'max over inputs z (random directions + hill climbing, lipschitzEstimate.ts) of a certified lower bound on ‖J(g_k)(z)‖₂',
};

type NetDesc = { [key: string]: unknown; d: number; widths: number[]; init: InitName; netSeed: string };
const materializeNet = (d: NetDesc): Network => initNetwork({ inputDim: d.d, widths: d.widths, init: d.init as Initialization }, childRng(d.netSeed, 'net').seed);

function mutateNet<T extends NetDesc>(d: T, rng: Rng): T {
  const u = rng.next();
  if (u < 0.5) return { ...d, netSeed: String(uniformInt(rng, 2 ** 31 - 1)) };
  const w = d.widths.slice();
  const i = uniformInt(rng, w.length);
  w[i] = Math.max(2, Math.min(24, w[i] + (rng.next() < 0.5 ? -2 : 2)));
  return { ...d, widths: w };
}

// ------------------------------------------------------------------------------------------------
// (a) Lemma 6.1 identity on a linear region

type IdDesc = NetDesc & { k: number; zSeed: string; logStep: number };
const idDescriptors: fc.Arbitrary<IdDesc> = fc.record({
  d: fc.integer({ min: 2, max: 8 }),
  widths: fc.array(fc.integer({ min: 2, max: 16 }), { minLength: 1, maxLength: 3 }),
  init: fc.constantFrom<InitName>('standard', 'he', 'lecun'),
  netSeed: seedArb,
  k: fc.integer({ min: 1, max: 4 }),
  zSeed: seedArb,
  logStep: fc.integer({ min: -9, max: -1 }),
});

interface IdInstance {
  net: Network;
  z: Float64Array;
  z2: Float64Array;
  k: number;
}

export const lemma61Identity: Theorem<IdDesc, IdInstance> = {
  id: 'nguyen2021.lemma6.1.linear-region-identity',
  title: 'Lemma 6.1: J(g_k)(z)(z′ − z) = g_k(z′) − g_k(z) when no activation flips between z and z′',
  source: { ...NMM_SOURCE, statement: 'Lemma 6.1 (v5): on a region without zero pre-activations g_k is linear with Jacobian J(g_k)(z)' },
  kind: 'deterministic',
  statement: 'If the activation patterns of layers < k are non-zero and equal at z and z′ (hence constant on the segment), then J(g_k)(z)(z′ − z) = g_k(z′) − g_k(z), checked entrywise (worst entry reported).',
  conventions: { ...LIP_CONVENTIONS, segment: 'z ~ N(0, I_d) from zSeed, z′ = z + 10^{logStep}·ξ, ξ ~ N(0, I_d)' },
  constants: [],
  descriptors: idDescriptors,
  materialize(d) {
    const net = materializeNet(d);
    const z = fillGaussian(childRng(d.zSeed, 'z'), new Float64Array(d.d));
    const xi = fillGaussian(childRng(d.zSeed, 'xi'), new Float64Array(d.d));
    const s = 10 ** d.logStep;
    return { net, z, z2: z.map((v, c) => v + s * xi[c]), k: Math.min(d.k, net.depth) };
  },
  mutate: (d, rng) => (rng.next() < 0.3 ? { ...d, zSeed: String(uniformInt(rng, 2 ** 31 - 1)) } : rng.next() < 0.5 ? { ...d, logStep: Math.max(-9, Math.min(-1, d.logStep + (rng.next() < 0.5 ? -1 : 1))) } : mutateNet(d, rng)),
  cells: (d) => ({ k: String(d.k), logStep: d.logStep <= -6 ? '≤ −6' : d.logStep <= -3 ? '−5…−3' : '−2…−1' }),
  cellSpace: { k: ['1', '2', '3', '4'], logStep: ['≤ −6', '−5…−3', '−2…−1'] },
  assumptions: (i) => (linearRegionIdentity(i.net, i.k, i.z, i.z2).noFlip ? null : 'no activation flips between z and z′ (certified equal patterns on layers < k)'),
  conclude(i): Evaluation {
    const r = linearRegionIdentity(i.net, i.k, i.z, i.z2);
    let bj = 0, best = -Infinity;
    for (let j = 0; j < r.lhs.length; j++) {
      const ex = Math.abs(r.lhs[j] - r.rhs[j]) - r.tolerance[j];
      if (ex > best) { best = ex; bj = j; }
    }
    return { lhs: r.lhs[bj], lhsError: r.tolerance[bj] / 2, rhs: r.rhs[bj], rhsError: r.tolerance[bj] / 2, relation: '==', quantities: { k: i.k, maxAbsDiff: Math.abs(r.lhs[bj] - r.rhs[bj]), tolerance: r.tolerance[bj] } };
  },
  costHint: 8900,
};

// ------------------------------------------------------------------------------------------------
// (b) certified lower estimate ≤ certified Π‖W_l‖₂

type LipDesc = NetDesc & { k: number; searchSeed: string };
const lipDescriptors: fc.Arbitrary<LipDesc> = fc.record({
  d: fc.integer({ min: 2, max: 16 }),
  widths: fc.array(fc.integer({ min: 2, max: 24 }), { minLength: 2, maxLength: 3 }),
  init: fc.constantFrom<InitName>('standard', 'he', 'lecun'),
  netSeed: seedArb,
  // k ≥ 2: for k = 1, ‖g_1‖_Lip = ‖W_1‖₂ exactly and the two certified sides coincide (inconclusive by design).
  k: fc.integer({ min: 2, max: 3 }),
  searchSeed: seedArb,
});
const SEARCH = { randomStarts: 16, climbSteps: 24 };

export const lipschitzLowerVsProduct: Theorem<LipDesc, Network> = {
  id: 'nguyen2021.lemma6.1.lipschitz-lower-vs-product',
  title: 'Lemma 6.1 lower estimate of ‖g_k‖_Lip ≤ Π_{l≤k}‖W_l‖₂ (certified on both sides)',
  source: { ...NMM_SOURCE, statement: 'Lemma 6.1 (v5) + the naive bound ‖g_k‖_Lip ≤ Π‖W_l‖_op quoted after Theorem 6.2' },
  kind: 'deterministic',
  statement: 'For every network, max_z ‖J(g_k)(z)‖₂ (over inputs without zero pre-activations; a certified lower bound on ‖g_k‖_Lip) ≤ Π_{l=1}^{k}‖W_l‖₂.',
  conventions: { ...LIP_CONVENTIONS, search: `${SEARCH.randomStarts} random directions + ${SEARCH.climbSteps} hill-climbing steps from searchSeed` },
  constants: [],
  descriptors: lipDescriptors,
  materialize: materializeNet,
  mutate: (d, rng) => (rng.next() < 0.3 ? { ...d, searchSeed: String(uniformInt(rng, 2 ** 31 - 1)) } : mutateNet(d, rng)),
  cells: (d) => ({ k: String(d.k), init: d.init }),
  cellSpace: { k: ['2', '3'], init: ['standard', 'he', 'lecun'] },
  assumptions: (net, d) => (d.k <= net.depth - 1 ? null : 'k ∈ [L − 1] (g_k a hidden pre-activation)'),
  conclude(net, d): Evaluation {
    const est = estimateLipschitzLower(net, d.k, { seed: d.searchSeed, ...SEARCH });
    const p = productOfNormsCertified(net, d.k);
    const rhs = fromEnclosure(p);
    // lhs is itself a certified lower bound of ‖g_k‖_Lip (exact float): no error.
    return { lhs: est.lower, lhsError: 0, rhs: rhs.value, rhsError: rhs.error, relation: '<=', quantities: { lipLower: est.lower, productOfNorms: p.upper, tightness: p.upper > 0 ? est.lower / p.upper : 0, certifiedInputs: est.certifiedCount } };
  },
  costHint: 440,
};

// ------------------------------------------------------------------------------------------------
// (c) Theorem 6.2 (asymptotic) and a planted variant

type T62Desc = { [key: string]: unknown; n1: number; d: number; n2: number; netSeed: string; searchSeed: string };
const N1 = [256, 512, 1024, 2048] as const;
const t62Descriptors = (n1: readonly number[]): fc.Arbitrary<T62Desc> => fc.record({
  n1: fc.constantFrom(...n1),
  d: fc.constant(16),
  n2: fc.constant(16),
  netSeed: seedArb,
  searchSeed: seedArb,
});
const T62_SEARCH = { randomStarts: 12, climbSteps: 12 };

/** (Π_{l=0}^{k} n_l / min_l n_l)·Π_{l=1}^{k−1} log n_l·Π_{l=1}^{k} β_l² for k = 2 (Theorem 6.2, docs/theorems.md#lemma-61-and-theorem-62). */
function thm62Scale(net: Network, k: number): number {
  let prod = 1, mn = Infinity;
  for (let l = 0; l <= k; l++) { prod *= net.dims[l]; mn = Math.min(mn, net.dims[l]); }
  let s = prod / mn;
  for (let l = 1; l <= k - 1; l++) s *= Math.log(net.dims[l]);
  for (let l = 1; l <= k; l++) s *= net.betas[l - 1] ** 2;
  return s;
}
function plantedScale(net: Network, k: number): number {
  let mn = Infinity;
  for (let l = 0; l <= k; l++) mn = Math.min(mn, net.dims[l]);
  let s = mn;
  for (let l = 1; l <= k - 1; l++) s *= Math.log(net.dims[l]);
  for (let l = 1; l <= k; l++) s *= net.betas[l - 1] ** 2;
  return s;
}

const C62 = 2;

function thm62(planted: boolean): Theorem<T62Desc, Network> {
  const scaleOf = planted ? plantedScale : thm62Scale;
  return {
    id: planted ? 'planted.nguyen2021.thm6.2-min-width-instead-of-product' : 'nguyen2021.thm6.2.lipschitz-upper',
    title: planted ? 'PLANTED: ‖g_2‖_Lip² ≤ C·min_l n_l·log n_1·Πβ_l² (Π n_l/min n_l replaced by min n_l)' : 'Theorem 6.2: ‖g_2‖_Lip² ≤ C·(Π_{l=0}^{2}n_l/min n_l)·log n_1·Π_{l≤2}β_l² (lower estimate of ‖g_2‖_Lip)',
    source: { ...NMM_SOURCE, statement: 'Theorem 6.2 (v5)' + (planted ? ' — planted error' : '') },
    kind: 'asymptotic',
    statement: `With N(0,1) weights, k = 2, d = n_2 = 16 and n_1 ∈ {256, …, 2048}: (certified lower estimate of ‖g_2‖_Lip)² ≤ C·${planted ? 'min_l n_l' : '(Π_{l=0}^{2} n_l / min_l n_l)'}·log n_1·β_1²β_2² with C instantiated; the naive bound Π‖W_l‖₂² grows like n_1², the Theorem 6.2 scale like n_1 log n_1.`,
    conventions: { ...LIP_CONVENTIONS, init: 'standard N(0,1) (β_l = 1)', search: `${T62_SEARCH.randomStarts} random directions + ${T62_SEARCH.climbSteps} hill-climbing steps` },
    constants: [
      { name: 'C', value: C62, provenance: 'fitted', note: 'O(·) of Theorem 6.2 is unspecified; at CI sizes (d = n_2 = 16, n_1 = 256–2048, 24 inputs searched) the squared lower estimate is 0.34–0.47 of the scale (seed 7, 8 networks), roughly flat in n_1; budget-60 runs (seeds s1, s2) gave max ratio 0.58 and 0.54 (fitted slope of lipSq vs n_1: 0.96, 0.93; naive Π‖W_l‖² has slope ≈ 2); C = 2 keeps a factor ≥ 3.4' },
      ...(planted ? [{ name: 'planted factor', value: 1, provenance: 'user' as const, note: 'planted error: Π_{l=0}^{k} n_l / min n_l replaced by min_l n_l (loses the wide layer)' }] : []),
    ],
    expectRefuted: planted,
    // the planted variant is refuted at every width: its search uses the two cheapest
    descriptors: t62Descriptors(planted ? N1.slice(0, 2) : N1),
    materialize: (d) => initNetwork({ inputDim: d.d, widths: [d.n1, d.n2], init: 'standard' }, childRng(d.netSeed, 'net').seed),
    mutate: (d, rng) => (rng.next() < 0.4 ? { ...d, netSeed: String(uniformInt(rng, 2 ** 31 - 1)) } : rng.next() < 0.5 ? { ...d, searchSeed: String(uniformInt(rng, 2 ** 31 - 1)) } : { ...d, n1: (planted ? N1.slice(0, 2) : N1)[uniformInt(rng, planted ? 2 : N1.length)] }),
    cells: (d) => ({ n1: String(d.n1) }),
    cellSpace: { n1: N1.map(String) },
    assumptions: () => null,
    conclude(net): Evaluation {
      const est = estimateLipschitzLower(net, 2, { seed: 'lip62', ...T62_SEARCH });
      const p = productOfNormsCertified(net, 2);
      const lipSq = est.lower * est.lower;
      const scale = scaleOf(net, 2);
      const rhs = C62 * scale;
      const thmScale = thm62Scale(net, 2);
      return {
        lhs: lipSq,
        // est.lower is a certified lower bound of ‖g_2‖_Lip: its square is one of ‖g_2‖_Lip², up to one rounding.
        lhsError: 2 * U * lipSq,
        rhs,
        rhsError: 16 * U * rhs,
        relation: '<=',
        quantities: { n1: net.dims[1], lipSq, thm62Scale: thmScale, naiveSq: p.upper * p.upper, ratio: lipSq / thmScale, naiveOverThm62: (p.upper * p.upper) / thmScale, plantedRatio: lipSq / plantedScale(net, 2) },
      };
    },
    empiricalConstant: { quantity: 'ratio', aggregate: 'max', description: 'max over instances of (lower estimate of ‖g_2‖_Lip)²/((Π n_l/min n_l)·log n_1·Πβ_l²)' },
    scaling: { x: 'n1', y: 'lipSq', description: 'lower estimate of ‖g_2‖_Lip² vs n_1 (Theorem 6.2: n_1 log n_1, slope ≈ 1.1; the naive Π‖W_l‖² grows with slope 2 — see quantity naiveSq)', expectedSlope: { low: 0.7, high: 1.5 } },
    costHint: 65,
  };
}
export const thm62Upper = thm62(false);
export const plantedThm62MinWidth = thm62(true);

export const nguyen2021LipschitzTheorems = [lemma61Identity, lipschitzLowerVsProduct, thm62Upper, plantedThm62MinWidth];
