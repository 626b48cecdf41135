import fc from 'fast-check';
import { interval } from '../src/linalg/interval.ts';
import { certifiedJacobian, estimateLipschitzLower, linearRegionIdentity, pointEnvelope, productOfNormsCertified } from '../src/ntk/lipschitzEstimate.ts';
import type { Network } from '../src/ntk/network.ts';
import type { Rng } from '../src/random/rng.ts';
import { childRng, fillGaussian, uniformInt } from '../src/random/rng.ts';
import { type InitName, materializeNetwork, networkFields, seedArb } from '../src/theorem/arbitraries.ts';
import { fromEnclosure, sideAt } from '../src/theorem/sides.ts';
import type { Evaluation, ScalingLaw, Theorem } from '../src/theorem/types.ts';
import { NMM_SOURCE } from './papers.ts';
import { claimOrTwinConstant } from './twins.ts';

/**
 * The identity lhs = rhs of a vector, judged on its worst component: the one where |lhs_j − rhs_j| exceeds
 * its tolerance the most, with the tolerance split evenly between the two sides.
 */
function worstComponent(lhs: ArrayLike<number>, rhs: ArrayLike<number>, tol: ArrayLike<number>, quantities: Record<string, number>): Evaluation {
  let bj = 0,
    best = -Infinity;
  for (let j = 0; j < lhs.length; j++) {
    const ex = Math.abs(lhs[j] - rhs[j]) - tol[j];
    if (ex > best) {
      best = ex;
      bj = j;
    }
  }
  return {
    lhs: lhs[bj],
    lhsError: tol[bj] / 2,
    rhs: rhs[bj],
    rhsError: tol[bj] / 2,
    relation: '==',
    quantities: { ...quantities, maxAbsDiff: Math.abs(lhs[bj] - rhs[bj]), tolerance: tol[bj] },
  };
}

/**
 * Nguyen, Mondelli, Montúfar 2021 (arXiv 2012.11654v5) — Lemma 6.1 and Theorem 6.2, the Lipschitz
 * constant of the feature maps g_k (docs/theorems.md#lemma-61-and-theorem-62). Only LOWER estimates of
 * ‖g_k‖_Lip are computable: by Lemma 6.1, ‖g_k‖_Lip ≥ ‖J(g_k)(z)‖₂ at every z with no zero
 * pre-activation, certified by src/ntk/lipschitzEstimate.ts (pattern and Jacobian rounding envelopes,
 * norm2LowerBound); the upper side is the certified Π‖W_l‖₂.
 */

const LIP_CONVENTIONS = {
  network: 'f_0 = x, g_l = W_lᵀf_{l−1}, f_l = σ(g_l); W_l ∈ R^{n_{l−1}×n_l}, (W_l)_ij ~ N(0, β_l²); no biases',
  "σ'(0)": 0,
  jacobian: 'J(g_k)(z) = W_kᵀΣ_{k−1}(z)W_{k−1}ᵀ⋯Σ_1(z)W_1ᵀ (Lemma 6.1), at inputs whose pattern on layers < k is certified non-zero',
  lipschitzLower: 'max over inputs z (random directions + hill climbing, lipschitzEstimate.ts) of a certified lower bound on ‖J(g_k)(z)‖₂',
};

type NetDesc = { [key: string]: unknown; d: number; widths: number[]; init: InitName; netSeed: string };
const materializeNet = (d: NetDesc): Network => materializeNetwork(d.d, d);

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
  ...networkFields({ width: [2, 16], hidden: [1, 3] }),
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
  statement:
    'If the activation patterns of layers < k are non-zero and equal at z and z′ (hence constant on the segment), then J(g_k)(z)(z′ − z) = g_k(z′) − g_k(z), checked entrywise (worst entry reported).',
  statementTex: String.raw`If the activation patterns of layers $< k$ are non-zero and equal at $z$ and $z'$ (hence constant on the segment), then $J(g_k)(z)(z' - z) = g_k(z') - g_k(z)$, checked entrywise (worst entry reported).`,
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
  mutate: (d, rng) =>
    rng.next() < 0.3
      ? { ...d, zSeed: String(uniformInt(rng, 2 ** 31 - 1)) }
      : rng.next() < 0.5
        ? { ...d, logStep: Math.max(-9, Math.min(-1, d.logStep + (rng.next() < 0.5 ? -1 : 1))) }
        : mutateNet(d, rng),
  cells: (d) => ({ k: String(d.k), logStep: d.logStep <= -6 ? '≤ −6' : d.logStep <= -3 ? '−5…−3' : '−2…−1' }),
  cellSpace: { k: ['1', '2', '3', '4'], logStep: ['≤ −6', '−5…−3', '−2…−1'] },
  assumptions: (i) =>
    linearRegionIdentity(i.net, i.k, i.z, i.z2).noFlip ? null : 'no activation flips between z and z′ (certified equal patterns on layers < k)',
  conclude(i): Evaluation {
    const r = linearRegionIdentity(i.net, i.k, i.z, i.z2);
    return worstComponent(r.lhs, r.rhs, r.tolerance, { k: i.k });
  },
  costHint: 8900,
};

/**
 * Planted twin: the identity without its hypothesis (activation patterns may differ between z and z′;
 * both endpoints still certified, so the tolerance stays valid). Across a kink g_k is not affine along
 * the segment and J(g_k)(z)(z′ − z) ≠ g_k(z′) − g_k(z).
 */
export const plantedLemma61AnySegment: Theorem<IdDesc, IdInstance> = {
  ...lemma61Identity,
  id: 'planted.nguyen2021.lemma6.1.identity-across-kinks',
  title: 'PLANTED (no-flip hypothesis dropped): J(g_k)(z)(z′ − z) = g_k(z′) − g_k(z) for any z, z′',
  source: { ...lemma61Identity.source, statement: `${lemma61Identity.source.statement} — planted error: the hypothesis that no activation flips dropped` },
  statement: 'PLANTED: the linear-region identity of Lemma 6.1 on every segment, including segments across which an activation of a layer < k changes sign.',
  statementTex: String.raw`PLANTED: the linear-region identity of Lemma 6.1 on every segment, including segments across which an activation of a layer $< k$ changes sign.`,
  expectRefuted: true,
  twinOf: lemma61Identity.id,
  assumptions(i) {
    return certifiedJacobian(i.net, i.k, i.z).envelope.patternCertified && pointEnvelope(i.net, i.k, i.z2).patternCertified
      ? null
      : 'both endpoints with certified activation patterns';
  },
  conclude(i): Evaluation {
    const r = linearRegionIdentity(i.net, i.k, i.z, i.z2);
    return worstComponent(r.lhs, r.rhs, r.roundingBound, { k: i.k, noFlip: r.noFlip ? 1 : 0 });
  },
};

// ------------------------------------------------------------------------------------------------
// (b) certified lower estimate ≤ certified Π‖W_l‖₂

type LipDesc = NetDesc & { k: number; searchSeed: string };
const lipDescriptors: fc.Arbitrary<LipDesc> = fc.record({
  d: fc.integer({ min: 2, max: 16 }),
  ...networkFields({ width: [2, 24], hidden: [2, 3] }),
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
  statementTex: String.raw`For every network, $\max_z \lVert J(g_k)(z) \rVert_2$ (over inputs without zero pre-activations; a certified lower bound on $\lVert g_k \rVert_{\mathrm{Lip}}$) $\le \prod_{l=1}^{k}\lVert W_l \rVert_2$.`,
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
    return {
      lhs: est.lower,
      lhsError: 0,
      rhs: rhs.value,
      rhsError: rhs.error,
      relation: '<=',
      quantities: { lipLower: est.lower, productOfNorms: p.upper, tightness: p.upper > 0 ? est.lower / p.upper : 0, certifiedInputs: est.certifiedCount },
    };
  },
  costHint: 440,
};

/** Planted twin: the product bound with a constant ½ (measured tightness of the lower estimate up to 0.999 on k = 2). */
export const plantedLipschitzHalfProduct: Theorem<LipDesc, Network> = {
  ...lipschitzLowerVsProduct,
  id: 'planted.nguyen2021.lemma6.1.lipschitz-lower-vs-half-product',
  title: 'PLANTED (constant ½): lower estimate of ‖g_k‖_Lip ≤ ½·Π_{l≤k}‖W_l‖₂',
  source: { ...lipschitzLowerVsProduct.source, statement: `${lipschitzLowerVsProduct.source.statement} — planted error: constant ½` },
  statement: 'PLANTED: max_z ‖J(g_k)(z)‖₂ ≤ ½·Π_{l=1}^{k}‖W_l‖₂ for every network.',
  statementTex: String.raw`PLANTED: $\max_z \lVert J(g_k)(z) \rVert_2 \le \frac{1}{2} \cdot \prod_{l=1}^{k}\lVert W_l \rVert_2$ for every network.`,
  expectRefuted: true,
  twinOf: lipschitzLowerVsProduct.id,
  conclude(net, d) {
    const ev = lipschitzLowerVsProduct.conclude(net, d);
    return { ...ev, rhs: ev.rhs * 0.5, rhsError: ev.rhsError * 0.5 };
  },
};

// ------------------------------------------------------------------------------------------------
// (c) Theorem 6.2 judged by its exponent in n_1, on the certified LOWER estimate

type T62Desc = { [key: string]: unknown; n1: number; d: number; n2: number; netSeed: string };
/** n_1 from 256 to 4096 (1.2 decades), d = n_2 = 16: the regime where Π n_l/min n_l = 16·n_1 and the naive Π‖W_l‖² ≈ n_1². */
export const T62_SIZES = [256, 512, 1024, 2048, 4096] as const;
const T62_SEARCH = { randomStarts: 12, climbSteps: 12 };
/** The geometric centre of the sweep, where the local exponent of n log n is 1 + 1/ln n. */
const T62_CENTRE = Math.sqrt(T62_SIZES[0] * T62_SIZES[T62_SIZES.length - 1]);
const T62_BASE = 'nguyen2021.thm6.2.lipschitz-upper';

/**
 * The local exponent in n_1 of each scale at the sweep's centre (d = n_2 = 16 fixed):
 *   Theorem 6.2, (Π_{l=0}^{2} n_l / min_l n_l)·log n_1 = 16 n_1 log n_1:  1 + 1/ln n_c ≈ 1.14;
 *   planted, min_l n_l·log n_1 = 16 log n_1 (the wide layer lost):          1/ln n_c ≈ 0.14;
 *   planted, the square root of the Theorem 6.2 scale:                       ½ + ½/ln n_c ≈ 0.57.
 */
const T62_VARIANTS = {
  theorem: {
    exponent: 1 + 1 / Math.log(T62_CENTRE),
    id: T62_BASE,
    what: '(Π_{l=0}^{2} n_l / min_l n_l)·log n_1',
    whatTex: String.raw`(\prod_{l=0}^{2} n_l / \min_l n_l) \cdot \log n_1`,
  },
  'min-width': {
    exponent: 1 / Math.log(T62_CENTRE),
    id: 'planted.nguyen2021.thm6.2-min-width-instead-of-product',
    what: 'min_l n_l·log n_1 (Π n_l/min n_l replaced by min n_l)',
    whatTex: String.raw`\min_l n_l \cdot \log n_1 \text{ (} \prod n_l/\min n_l \text{ replaced by } \min n_l \text{)}`,
  },
  sqrt: {
    exponent: 0.5 + 0.5 / Math.log(T62_CENTRE),
    id: 'planted.nguyen2021.thm6.2-square-root-of-scale',
    what: '((Π_{l=0}^{2} n_l / min_l n_l)·log n_1)^{1/2}',
    whatTex: String.raw`((\prod_{l=0}^{2} n_l / \min_l n_l) \cdot \log n_1)^{1/2}`,
  },
} as const;

const T62_CACHE = new Map<string, Evaluation>();

function thm62(variant: keyof typeof T62_VARIANTS): Theorem<T62Desc, Network> {
  const v = T62_VARIANTS[variant];
  const twin = variant !== 'theorem';
  const design = (p: { size: number; seed: string }): T62Desc => ({
    n1: p.size,
    d: 16,
    n2: 16,
    netSeed: `${twin ? p.seed.replace(`/${v.id}/`, `/${T62_BASE}/`) : p.seed}/net`,
  });
  const law: ScalingLaw<T62Desc> = {
    variable: 'n1',
    quantity: '(certified lower estimate of ‖g_2‖_Lip)²',
    quantityTex: String.raw`(\text{certified lower estimate of } \lVert g_2 \rVert_{\mathrm{Lip}})^2`,
    variableTex: 'n_1',
    relation: 'O',
    exponent: v.exponent,
    tolerance: 0.1,
    sizes: T62_SIZES,
    regimes: ['d = n_2 = 16, β_l = 1'],
    design,
    minDraws: 6,
    maxDraws: 16,
  };
  return {
    id: v.id,
    title: twin
      ? `PLANTED: ‖g_2‖_Lip² = O(${v.what}) in n_1`
      : 'Theorem 6.2: ‖g_2‖_Lip² = O((Π_{l=0}^{2}n_l/min n_l)·log n_1·Π_{l≤2}β_l²), judged in n_1 on a certified lower estimate',
    source: { ...NMM_SOURCE, statement: 'Theorem 6.2 (v5)' + (twin ? ' — planted error' : '') },
    kind: 'asymptotic',
    statement: twin
      ? `PLANTED: ‖g_2‖_Lip² = O(${v.what}) as n_1 grows at d = n_2 = 16 (local exponent ${v.exponent.toFixed(3)} at n_1 = ${T62_CENTRE}); Theorem 6.2 gives (Π n_l/min n_l)·log n_1, and ‖g_2‖_Lip² ≥ (‖W_2ᵀΣ_1(z)W_1ᵀ‖₂)² grows like n_1 at a random z.`
      : `With N(0,1) weights, d = n_2 = 16 and n_1 ∈ [256, 4096]: ‖g_2‖_Lip² = O(16 n_1 log n_1), local exponent 1 + 1/ln n_1 = ${v.exponent.toFixed(3)} at the sweep's centre. Only a certified LOWER estimate ℓ ≤ ‖g_2‖_Lip is computable, so the claim tested is the consequence ℓ² = O(n_1 log n_1): a slope of ℓ² above the band refutes Theorem 6.2 soundly (‖g_2‖_Lip² ≥ ℓ² grows at least as fast), while "holds" says only that the lower estimate does not grow faster — not that ‖g_2‖_Lip² obeys the bound.`,
    statementTex: twin
      ? String.raw`PLANTED: $\lVert g_2 \rVert_{\mathrm{Lip}}^2 = O\bigl(${v.whatTex}\bigr)$ as $n_1$ grows at $d = n_2 = 16$ (local exponent $${v.exponent.toFixed(3)}$ at $n_1 = ${T62_CENTRE}$); Theorem 6.2 gives $(\prod n_l/\min n_l) \cdot \log n_1$, and $\lVert g_2 \rVert_{\mathrm{Lip}}^2 \ge (\lVert W_2^{\top}\Sigma_1(z)W_1^{\top} \rVert_2)^2$ grows like $n_1$ at a random $z$.`
      : String.raw`With $\mathcal{N}(0,1)$ weights, $d = n_2 = 16$ and $n_1 \in [256, 4096]$: $\lVert g_2 \rVert_{\mathrm{Lip}}^2 = O(16\, n_1 \log n_1)$, local exponent $1 + 1/\ln n_1 = ${v.exponent.toFixed(3)}$ at the sweep's centre. Only a certified LOWER estimate $\ell \le \lVert g_2 \rVert_{\mathrm{Lip}}$ is computable, so the claim tested is the consequence $\ell^2 = O(n_1 \log n_1)$: a slope of $\ell^2$ above the band refutes Theorem 6.2 soundly ($\lVert g_2 \rVert_{\mathrm{Lip}}^2 \ge \ell^2$ grows at least as fast), while "holds" says only that the lower estimate does not grow faster — not that $\lVert g_2 \rVert_{\mathrm{Lip}}^2$ obeys the bound.`,
    conventions: {
      ...LIP_CONVENTIONS,
      init: 'standard N(0,1) (β_l = 1)',
      search: `${T62_SEARCH.randomStarts} random directions + ${T62_SEARCH.climbSteps} hill-climbing steps (seed 'lip62')`,
      verdict: 'O claim on a lower estimate: refutation sound, "holds" = the consequence ℓ² = O(·) not refuted',
    },
    constants: [
      claimOrTwinConstant(
        twin,
        {
          name: 'exponent',
          value: v.exponent,
          provenance: 'derived',
          note: `local exponent of n_1 log n_1 at n_1 = ${T62_CENTRE} (1 + 1/ln n_1); d = n_2 fixed, so Π n_l/min n_l = 16 n_1 — docs/theorems.md#lemma-61-and-theorem-62`,
        },
        { note: `planted error: the scale ${v.what}` },
      ),
    ],
    ...(twin ? { expectRefuted: true, twinOf: T62_BASE } : {}),
    descriptors: fc.record({ size: fc.constantFrom(...T62_SIZES), seed: seedArb }).map((p) => design(p)),
    materialize: (d) => materializeNetwork(d.d, { widths: [d.n1, d.n2], init: 'standard', netSeed: d.netSeed }),
    assumptions: () => null,
    conclude(net, d): Evaluation {
      const key = JSON.stringify(d);
      let ev = T62_CACHE.get(key);
      if (!ev) {
        const est = estimateLipschitzLower(net, 2, { seed: 'lip62', ...T62_SEARCH });
        const lipSq = est.lower * est.lower;
        const p = productOfNormsCertified(net, 2);
        const scale = 16 * d.n1 * Math.log(d.n1);
        // est.lower is a certified lower bound of ‖g_2‖_Lip: its square is one of ‖g_2‖_Lip², up to one rounding.
        ev = {
          lhs: lipSq,
          lhsError: sideAt(lipSq, interval(est.lower).pow(2)).error,
          rhs: 0,
          rhsError: 0,
          relation: '>',
          quantities: { n1: d.n1, lipSq, ratio: lipSq / scale, naiveSq: p.upper * p.upper, naiveOverThm62: (p.upper * p.upper) / scale },
        };
        if (T62_CACHE.size > 2048) T62_CACHE.clear();
        T62_CACHE.set(key, ev);
      }
      return ev;
    },
    scalingLaw: law,
    costHint: 20,
  };
}

export const nguyen2021LipschitzTheorems = [
  lemma61Identity,
  lipschitzLowerVsProduct,
  thm62('theorem'),
  thm62('min-width'),
  thm62('sqrt'),
  plantedLemma61AnySegment,
  plantedLipschitzHalfProduct,
];
