import DecimalImport from 'decimal.js';
import type { Decimal as DecimalClass } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../linalg/matrix.ts';
import { fromRows } from '../linalg/matrix.ts';
import { createRng, gaussian } from '../random/rng.ts';
import { sampleData } from '../random/distributions.ts';
import { type Activation, absRelu, leakyRelu, relu } from './activation.ts';
import { exact } from '../../test/support/decimalContains.ts';
import { foldDecimal } from '../../test/support/decimalFold.ts';
import { reluHermiteCoefficient } from './hermite.ts';
import { type LimitingArchitecture, limitingKernels } from './limiting.ts';

// ------------------------------------------------------------------------------------------------
// Independent reference: the recursion of eq. (9), arXiv 2012.11654
// (docs/conventions.md#limiting-ntk-and-nngp), evaluated in 50-digit decimal arithmetic
// on the covariance entries G_ij themselves (θ = acos of the high-precision cosine, which is harmless
// at 50 digits), with the equivalent form J = ab cos θ + (a−b)²(sin θ + (π−θ) cos θ)/(2π),
// J̇ = ab + (a−b)²(π − θ)/(2π). Input doubles are converted exactly.
// ------------------------------------------------------------------------------------------------
// decimal.d.ts is typed as CommonJS under NodeNext while the ESM build exports only a default: take the
// class from either shape. A private clone keeps the precision setting local to this file.
const DecimalCtor = ((DecimalImport as unknown as { default?: unknown }).default ?? DecimalImport) as typeof DecimalClass;
const D = DecimalCtor.clone({ precision: 50 });
type Dec = DecimalClass;
const PI = new D(-1).acos();

function referenceKernels(x: Matrix, arch: LimitingArchitecture): { G: Dec[][]; K: Dec[][] } {
  const n = x.rows,
    d = x.cols;
  const act = (arch.activation ?? relu()) as Activation; // this reference covers the (a,b)-ReLU family
  const a = exact(act.a),
    b = exact(act.b);
  const kappa = a.mul(a).add(b.mul(b)).div(2);
  const param = arch.parameterization ?? 'nmm';
  const L = arch.depth;
  const w2: Dec[] = [],
    b2: Dec[] = [];
  for (let l = 1; l <= L; l++) {
    if (param === 'nmm') {
      w2.push(arch.weightVariances ? exact(arch.weightVariances[l - 1]) : l === 1 ? new D(1) : new D(1).div(kappa));
      b2.push(new D(0));
    } else {
      const ws = exact(arch.wStd ?? 1),
        bs = exact(arch.bStd ?? 0);
      w2.push(ws.mul(ws));
      b2.push(bs.mul(bs));
    }
  }
  const xs = Array.from(x.data, exact);
  const G: Dec[][] = [];
  for (let i = 0; i < n; i++) {
    G.push([]);
    for (let j = 0; j < n; j++) {
      let s = new D(0);
      for (let k = 0; k < d; k++) s = s.add(xs[i * d + k].mul(xs[j * d + k]));
      if (param === 'ntk') s = s.mul(w2[0]).div(d).add(b2[0]);
      else s = s.mul(w2[0]);
      G[i].push(s);
    }
  }
  const ab = a.mul(b),
    amb2 = a.sub(b).pow(2);
  return foldDecimal(G, L, (l, i, j, G) => {
    const qi = G[i][i],
      qj = G[j][j];
    let phiphi = new D(0),
      dd = new D(0);
    if (qi.gt(0) && qj.gt(0)) {
      const s = qi.mul(qj).sqrt();
      let c = G[i][j].div(s);
      if (c.gt(1)) c = new D(1);
      if (c.lt(-1)) c = new D(-1);
      const th = new D(c).acos();
      const J = ab.mul(c).add(amb2.mul(th.sin().add(PI.sub(th).mul(c))).div(PI.mul(2)));
      phiphi = s.mul(J);
      dd = ab.add(amb2.mul(PI.sub(th)).div(PI.mul(2)));
    }
    return { g: w2[l - 1].mul(phiphi).add(b2[l - 1]), gDot: w2[l - 1].mul(dd) };
  });
}

/** max_ij |K̂_ij − K_ij| / √(K_ii K_jj) (entries with a zero diagonal must be exactly 0). */
function relErr(hat: Matrix, ref: Dec[][]): number {
  const n = hat.rows;
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const scale = ref[i][i].mul(ref[j][j]).sqrt();
      const diff = new D(hat.data[i * n + j]).sub(ref[i][j]).abs();
      if (scale.isZero()) {
        expect(hat.data[i * n + j]).toBe(0);
        continue;
      }
      const e = diff.div(scale).toNumber();
      if (process.env.NTK_DEBUG && e > 1e-12) console.log('entry', i, j, hat.data[i * n + j], ref[i][j].toString());
      worst = Math.max(worst, e);
    }
  return worst;
}

function unitVector(angle: number): number[] {
  return [Math.cos(angle), Math.sin(angle)];
}

/** Inputs: random, near-parallel, antipodal, mixed norms, zero rows. */
function testInputs(): { name: string; x: Matrix }[] {
  const rng = createRng('limiting-inputs');
  const out: { name: string; x: Matrix }[] = [];
  out.push({ name: 'gaussian 6×5', x: sampleData(rng, { family: 'gaussian' }, 6, 5) });
  out.push({ name: 'sphere 5×3', x: sampleData(rng, { family: 'unit-sphere' }, 5, 3) });
  const base = Array.from({ length: 4 }, () => gaussian(rng));
  const rows: number[][] = [base];
  for (const eps of [1e-4, 1e-8, 1e-12]) rows.push(base.map((v) => v + eps * gaussian(rng)));
  rows.push(base.map((v) => -v + 1e-9 * gaussian(rng))); // near-antipodal
  rows.push(base.map((v) => -v)); // antipodal
  out.push({ name: 'near-parallel/antipodal', x: fromRows(rows) });
  out.push({
    name: 'mixed norms + zero row',
    x: fromRows([
      [1e-3, 2e-3, 0],
      [300, -100, 5],
      [0, 0, 0],
      [1, 1, 1.0000001],
      [1, 1, 1],
    ]),
  });
  return out;
}

const ARCHS: { name: string; arch: LimitingArchitecture }[] = [
  { name: 'nmm relu L=2', arch: { depth: 2 } },
  { name: 'nmm relu L=5', arch: { depth: 5 } },
  { name: 'nmm leaky L=4', arch: { depth: 4, activation: leakyRelu(0.2) } },
  { name: 'nmm abs L=3', arch: { depth: 3, activation: absRelu() } },
  { name: 'nmm custom variances', arch: { depth: 3, weightVariances: [0.5, 3, 1.7] } },
  { name: 'ntk relu W=1.3 b=0.4 L=4', arch: { depth: 4, parameterization: 'ntk', wStd: 1.3, bStd: 0.4 } },
  { name: 'ntk leaky b=0.1 L=3', arch: { depth: 3, parameterization: 'ntk', bStd: 0.1, activation: leakyRelu(0.5) } },
  { name: 'ntk abs b=1 L=3', arch: { depth: 3, parameterization: 'ntk', bStd: 1, activation: absRelu() } },
];

describe('limitingKernels vs a 50-digit decimal.js evaluation of the recursion', () => {
  it('every entry is within the entrywise bound, and the bound is within 1e3× of the worst observed error', () => {
    let worstRatio = 0; // observed / bound, over all cases
    for (const { name: an, arch } of ARCHS) {
      for (const { name: xn, x } of testInputs()) {
        const got = limitingKernels(x, arch);
        const ref = referenceKernels(x, arch);
        const eK = relErr(got.ntk, ref.K),
          eG = relErr(got.nngp, ref.G);
        // Antipodal pairs with ab < 0 propagate π − θ with absolute accuracy only: covered by the bound too.
        if (process.env.NTK_DEBUG) console.log(an, xn, eK / 2 ** -53, eG / 2 ** -53, got.entrywiseBound.ntk / 2 ** -53);
        expect(eK).toBeLessThanOrEqual(got.entrywiseBound.ntk);
        expect(eG).toBeLessThanOrEqual(got.entrywiseBound.nngp);
        worstRatio = Math.max(worstRatio, eK / got.entrywiseBound.ntk, eG / got.entrywiseBound.nngp);
      }
    }
    expect(worstRatio).toBeGreaterThan(1e-3);
  });

  it('two unit inputs at angle 1e-10: λ_min = K11 − K12 to 1e-4 relative (observed ≈ 2e-7, limited by rounding K_ij ≈ L to u·L)', () => {
    const x = fromRows([[1, 0], unitVector(1e-10)]);
    for (const L of [2, 3, 5, 10]) {
      const got = limitingKernels(x, { depth: L });
      const ref = referenceKernels(x, { depth: L });
      const lamRef = ref.K[0][0].sub(ref.K[0][1]);
      const lam = got.ntk.data[0] - got.ntk.data[1];
      expect(lamRef.gt(0)).toBe(true);
      const rel = new D(lam).sub(lamRef).abs().div(lamRef).toNumber();
      if (process.env.NTK_DEBUG) console.log('angle-1e-10 L', L, 'rel err', rel);
      expect(rel).toBeLessThan(1e-4);
      // The naive acos(clip(cos)) route would give exactly 0 here.
      expect(lam).toBeGreaterThan(0);
    }
  });

  it("the ntk parameterisation reproduces neural-tangents' Dense/Relu algebra (ratio to nmm for ReLU, no bias)", () => {
    // Without bias and with W_std² = 2, 'ntk' = nmm with c_1 = 2/d: every layer kernel is (2/d)·(nmm).
    const x = sampleData(createRng('ntk-vs-nmm'), { family: 'gaussian' }, 5, 7);
    const a = limitingKernels(x, { depth: 4, parameterization: 'ntk', wStd: Math.SQRT2 });
    const b = limitingKernels(x, { depth: 4, weightVariances: [2 / 7, 2, 2, 2] });
    for (let k = 0; k < 25; k++) expect(a.ntk.data[k]).toBeCloseTo(b.ntk.data[k], 12);
    expect(a.conventions.parameterization).toBe('ntk');
  });
});

describe('limitingKernels: identities', () => {
  it('K_ii = L‖x_i‖², G_ii = ‖x_i‖² (nmm, ReLU) and zero rows give zero rows/columns', () => {
    const x = fromRows([
      [3, 4, 0],
      [0, 0, 0],
      [1, -2, 2],
      [1e-150, 0, 1e-150],
    ]);
    for (const L of [1, 2, 3, 6]) {
      const r = limitingKernels(x, { depth: L });
      const n = 4;
      const norms2 = [25, 0, 9, 2e-300];
      for (let i = 0; i < n; i++) {
        expect(r.ntk.data[i * n + i]).toBeCloseTo(L * norms2[i], 12);
        expect(r.nngp.data[i * n + i]).toBeCloseTo(norms2[i], 12);
      }
      for (let j = 0; j < n; j++) {
        expect(r.ntk.data[n + j]).toBe(0);
        expect(r.ntk.data[j * n + 1]).toBe(0);
      }
    }
  });

  it('K^{(2)}(ρ) equals the Hermite power series Σ_p 2(1+p)μ_p² ρ^p for unit data (arXiv 2211.07844, docs/theorems.md#power-series-and-two-layer-coefficients)', () => {
    // first coefficients 0.31831, 1, 0.47746, 0, 0.06631
    const coef = (p: number) => 2 * (1 + p) * reluHermiteCoefficient(p) ** 2;
    expect(coef(0)).toBeCloseTo(0.31831, 5);
    expect(coef(1)).toBeCloseTo(1, 12);
    expect(coef(2)).toBeCloseTo(0.47746, 5);
    expect(coef(3)).toBe(0);
    expect(coef(4)).toBeCloseTo(0.06631, 5);
    const angles = [0.3, 1.0, 1.57, 2.2, 2.9];
    const x = fromRows([[1, 0], ...angles.map(unitVector)]);
    const r = limitingKernels(x, { depth: 2 });
    angles.forEach((t, k) => {
      const rho = Math.cos(t);
      let s = 0;
      for (let p = 0; p < 4000; p++) s += coef(p) * rho ** p;
      // tail ≤ Σ_{p>P} √2 π^{-3/2} p^{-3/2}|ρ|^p, negligible for |ρ| ≤ 0.97 and P = 4000
      expect(Math.abs(r.ntk.data[k + 1] - s)).toBeLessThan(1e-12);
    });
  });

  it('keepLayers: K^{(L)} = G^{(L)} + Σ_l G^{(l)}∘Ġ^{(l+1)}∘…∘Ġ^{(L)} (Lemma 3.1, unrolled) and Ġ_ii = 1', () => {
    const x = sampleData(createRng('unrolled'), { family: 'gaussian' }, 6, 4);
    const L = 4,
      n = 6;
    const r = limitingKernels(x, { depth: L }, { keepLayers: true });
    expect(r.layers).toHaveLength(L);
    expect(r.layers![0].nngpDot).toBeNull();
    for (let k = 0; k < n * n; k++) {
      let sum = r.layers![L - 1].nngp.data[k];
      for (let l = 1; l < L; l++) {
        let t = r.layers![l - 1].nngp.data[k];
        for (let m = l + 1; m <= L; m++) t *= r.layers![m - 1].nngpDot!.data[k];
        sum += t;
      }
      expect(sum).toBeCloseTo(r.ntk.data[k], 12);
    }
    for (let l = 2; l <= L; l++) for (let i = 0; i < n; i++) expect(r.layers![l - 1].nngpDot!.data[i * n + i]).toBe(1);
  });

  it('error bounds: spectral bound = entrywise coefficient × tr(K) and grows with depth', () => {
    const x = sampleData(createRng('eb'), { family: 'gaussian' }, 8, 10);
    const b2 = limitingKernels(x, { depth: 2 }),
      b5 = limitingKernels(x, { depth: 5 });
    expect(b5.entrywiseBound.ntk).toBeGreaterThan(b2.entrywiseBound.ntk);
    let tr = 0;
    for (let i = 0; i < 8; i++) tr += b5.ntk.data[i * 9];
    expect(b5.ntkErrorBound).toBeGreaterThanOrEqual(b5.entrywiseBound.ntk * tr);
    expect(b5.ntkErrorBound).toBeLessThan(1.01 * b5.entrywiseBound.ntk * tr);
  });
});

describe("the angle map θ ↦ θ' is 1-Lipschitz (assumption of the error bound)", () => {
  it('holds on a grid of activations, biases and norm ratios', () => {
    const acts: Activation[] = [relu(), leakyRelu(0.3), leakyRelu(0.95), absRelu(), leakyRelu(-0.4)];
    for (const act of acts) {
      for (const bStd of [0, 0.3, 1, 3]) {
        for (const normRatio of [1, 0.3, 4]) {
          // Two points in the plane at angle θ with norms 1 and normRatio; one layer → θ' via the cosine of G^{(2)}.
          // Two points at angle θ with norms 1 and normRatio; slope of θ' (layer 2) against θ₁ (layer-1 pre-activation angle).
          const angles = (th: number): [number, number] => {
            const x = fromRows([
              [1, 0],
              [normRatio * Math.cos(th), normRatio * Math.sin(th)],
            ]);
            const r = limitingKernels(x, { depth: 2, parameterization: 'ntk', wStd: Math.sqrt(2), bStd, activation: act }, { keepLayers: true });
            const ang = (g: Float64Array) => Math.acos(Math.max(-1, Math.min(1, g[1] / Math.sqrt(g[0] * g[3]))));
            return [ang(r.layers![0].nngp.data), ang(r.nngp.data)];
          };
          let prev = angles(0.01),
            worst = 0;
          for (let k = 2; k <= 300; k++) {
            const cur = angles((k / 300) * (Math.PI - 0.02) + 0.01);
            const d1 = Math.abs(cur[0] - prev[0]);
            if (d1 > 1e-6) worst = Math.max(worst, Math.abs(cur[1] - prev[1]) / d1);
            prev = cur;
          }
          expect(worst, `${act.name} b=${bStd} ratio=${normRatio}`).toBeLessThanOrEqual(1 + 1e-6);
        }
      }
    }
  });
});

describe('limitingKernels with biases on rows near the ends of the exponent range (50-digit reference)', () => {
  // n∓ of the angle map carry M = A·B²(r_i − r_j)²/(D + A r_i r_j + B²) with D = √(q'_i q'_j) (module comment):
  // for q ≈ 2^-590 (direct path) or 2^-975 (rows rescaled by a common 2^-479) the products q'_i·q'_j and
  // A·B²·(r_i − r_j) lie below 2^-1074, for q ≈ 2^590 they exceed 2^1024, so they must not be formed.
  function entrywiseOk(x: Matrix, arch: LimitingArchitecture): { worst: number; rescaled: boolean } {
    const got = limitingKernels(x, arch, { rescale: true });
    const ref = referenceKernels(x, arch);
    const p = new D(2).pow(got.log2Scale),
      abs = exact(got.entrywiseBound.absolute);
    const n = x.rows;
    let worst = 0;
    for (const [hat, R, c] of [
      [got.ntk, ref.K, got.entrywiseBound.ntk],
      [got.nngp, ref.G, got.entrywiseBound.nngp],
    ] as const) {
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const err = exact(hat.data[i * n + j])
            .mul(p)
            .sub(R[i][j])
            .abs();
          const bound = exact(c).mul(R[i][i].mul(R[j][j]).sqrt()).add(abs.mul(p));
          worst = Math.max(worst, err.div(bound).toNumber());
        }
    }
    return { worst, rescaled: got.conventions.evaluation !== undefined };
  }

  it('rows 0, −2^479, −2.72e-5 (d = 2), W_std ≈ 2^9, b_std = 0.75, depth 3 (rescaled path): every entry within its bound', () => {
    const x: Matrix = { rows: 3, cols: 2, data: Float64Array.from([0, 0, 0, -(2 ** 479), 0, -0.00002721302729647571]) };
    const r = entrywiseOk(x, { depth: 3, parameterization: 'ntk', wStd: 1.999913017696741 * 2 ** 8, bStd: 0.75 });
    expect(r.rescaled).toBe(true);
    expect(r.worst).toBeLessThanOrEqual(1);
  });

  it.each([
    ['rows 2^-295·(0, 0.01) and 2^-295·(0.003, 0.01), W_std = 1, b_std = 2^-295, depth 3 (direct path)', 2 ** -295, 0.003],
    ["rows 2^295·(0, 0.01) and 2^295·(0.5, 0.01), W_std = 1, b_std = 2^295, depth 3 (direct path; q'_i q'_j overflows)", 2 ** 295, 0.5],
  ])('%s: every entry within its bound', (_, t, a) => {
    for (const x of [fromRows([[0], [0.01 * t]]), fromRows([[a * t], [0.01 * t]])]) {
      const r = entrywiseOk(x, { depth: 3, parameterization: 'ntk', wStd: 1, bStd: t });
      expect(r.rescaled).toBe(false);
      expect(r.worst).toBeLessThanOrEqual(1);
    }
  });
});
