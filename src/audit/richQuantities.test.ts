import { quadInvDec as quadInvDecOrNull } from '../../test/support/decimalQuadForm.ts';
import { describe, expect, it } from 'vitest';
import { type Dec, Dm, exactDec, lambdaMinBracket, referenceHInfinity, referenceLimiting, traceDec } from '../../test/kernelReference.ts';
import { fromRows, type Matrix } from '../linalg/matrix.ts';
import { nextUp } from '../linalg/ulp.ts';
import { ReadOnlyMatrix } from '../linalg/readOnlyMatrix.ts';
import { createRng, gaussian } from '../random/rng.ts';
import { type AuditInstance, enclosureOf, quantitiesView } from './quantities.ts';
import type { LabelSpec } from './labels.ts';

/**
 * The new quantities (labels and yᵀK⁻¹y, per-layer kernels, data geometry, read-only matrices) against
 * independent 50-digit decimal.js values on the exact stored doubles (test/kernelReference.ts: limiting kernels
 * of Nguyen–Mondelli–Montúfar arXiv 2012.11654 eqs. (9)–(10), H∞ of Du et al. arXiv 1810.02054).
 */

const inst = (x: Matrix, depth: number, labels?: LabelSpec, y?: Float64Array): AuditInstance => ({
  x,
  depth,
  widths: Array(depth - 1).fill(16),
  init: 'standard',
  netSeed: 'rq',
  data: 'file',
  normalize: 'none',
  ...(labels ? { labels } : {}),
  ...(y ? { cache: new Map<string, unknown>([['labels', y]]) } : {}),
});

const gaussianRows = (n: number, d: number, seed: string, scale = 1): Matrix => {
  const rng = createRng(seed);
  return { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => gaussian(rng) * scale) };
};

const scaled = (x: Matrix, s: number): Matrix => ({ rows: x.rows, cols: x.cols, data: x.data.map((v) => v * s) });

/** [lower, upper] ∋ v (v a decimal; ±∞ ends always contain). */
const contains = (e: { lower: number; upper: number }, v: Dec): boolean =>
  (e.lower === -Infinity || exactDec(e.lower).lte(v)) && (e.upper === Infinity || exactDec(e.upper).gte(v));
/** The enclosure meets the decimal bracket [lo, hi] of an eigenvalue. */
const meets = (e: { lower: number; upper: number }, br: { lo: Dec; hi: Dec }): boolean =>
  (e.lower === -Infinity || exactDec(e.lower).lte(br.hi)) && (e.upper === Infinity || exactDec(e.upper).gte(br.lo));
const neg = (a: Dec[][]): Dec[][] => a.map((r) => r.map((v) => v.neg()));
const lambdaMaxBracket = (a: Dec[][]) => {
  const b = lambdaMinBracket(neg(a));
  return { lo: b.hi.neg(), hi: b.lo.neg() };
};

/** yᵀA⁻¹y in 50 digits (A nonsingular here). */
const quadInvDec = (a: Dec[][], y: Dec[]): Dec => quadInvDecOrNull(a, y)!;

const rowsDec = (x: Matrix): Dec[][] => Array.from({ length: x.rows }, (_, i) => Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols), exactDec));
const gramDec = (x: Matrix): Dec[][] => {
  const X = rowsDec(x);
  return X.map((u) => X.map((v) => u.reduce((s, a, k) => s.add(a.mul(v[k])), new Dm(0))));
};
const hInfUnitDec = (x: Matrix): Dec[][] => {
  const H = referenceHInfinity(x);
  const nr = rowsDec(x).map((r) => r.reduce((s, a) => s.add(a.mul(a)), new Dm(0)).sqrt());
  return H.map((r, i) => r.map((v, j) => v.div(nr[i].mul(nr[j]))));
};
function minDistDec(x: Matrix, antipodal: boolean): Dec {
  const X = rowsDec(x);
  let best: Dec | null = null;
  for (let i = 0; i < X.length; i++)
    for (let j = i + 1; j < X.length; j++)
      for (const s of antipodal ? [1, -1] : [1]) {
        const v = X[i].reduce((t, a, k) => t.add(a.sub(X[j][k].mul(s)).pow(2)), new Dm(0)).sqrt();
        if (best === null || v.lt(best)) best = v;
      }
  return best!;
}

const base = fromRows([
  [0.9, -0.3, 0.5],
  [-0.2, 0.7, 0.4],
  [0.3, 0.3, -0.8],
  [-0.6, -0.5, 0.1],
]);
const nearDup = (() => {
  const x = fromRows([
    [0.6, -0.8, 0.1],
    [0.6, -0.8, 0.1],
    [-0.1, 0.3, 0.9],
    [0.5, 0.5, -0.5],
  ]);
  x.data[3] = nextUp(x.data[3]);
  return x;
})();

const CASES: [string, Matrix][] = [
  ['random N = 5, d = 3', gaussianRows(5, 3, 'rq-a')],
  ['random N = 4, d = 6', gaussianRows(4, 6, 'rq-b')],
  ['near-duplicate rows (one ulp apart)', nearDup],
  ['gradual underflow (rows × 2^-1040: subnormal entries)', scaled(base, 2 ** -1040)],
  ['tiny scale 1e-160 (Gram entries subnormal)', scaled(base, 1e-160)],
  ['large scale 1e150', scaled(base, 1e150)],
];

describe('new quantities enclose their 50-digit values', () => {
  it.each(CASES)('%s: per-layer λ_min, λ_max, trace of K^(l), G^(l); H∞; Gram; yᵀK⁻¹y', (_label, x) => {
    const L = 3;
    const y = Float64Array.from({ length: x.rows }, (_, i) => (i % 2 ? 1 : -1) * (1 + i / 8));
    const I = inst(x, L, { model: 'rademacher', noise: 0 }, y);
    const yd = Array.from(y, exactDec);
    const checks: [string, Dec[][]][] = [
      ['gram', gramDec(x)],
      ['hInfinity', hInfUnitDec(x)],
    ];
    for (let l = 1; l <= L; l++) {
      const r = referenceLimiting(x, { depth: l });
      checks.push([`ntk(${l})`, r.K], [`nngp(${l})`, r.G]);
      if (l === L) checks.push(['ntk', r.K], ['nngp', r.G]);
    }
    let finiteSeen = 0;
    for (const [k, ref] of checks) {
      const lmin = enclosureOf(I, `lambdaMin(${k})`);
      const lmax = enclosureOf(I, `lambdaMax(${k})`);
      const tr = enclosureOf(I, `trace(${k})`);
      const qf = enclosureOf(I, `labelQuadForm(${k})`);
      const brMin = lambdaMinBracket(ref);
      expect(meets(lmin, brMin), `lambdaMin(${k})`).toBe(true);
      expect(meets(lmax, lambdaMaxBracket(ref)), `lambdaMax(${k})`).toBe(true);
      expect(contains(tr, traceDec(ref)), `trace(${k})`).toBe(true);
      if (Number.isFinite(lmin.lower)) finiteSeen++;
      if (brMin.lo.gt(0)) {
        const v = quadInvDec(ref, yd);
        const slack = v.abs().mul(new Dm(10).pow(-25));
        expect(contains(qf, v.sub(slack)) || contains(qf, v.add(slack)), `labelQuadForm(${k}): ${qf.lower}..${qf.upper} vs ${v.toPrecision(20)}`).toBe(true);
        if (Number.isFinite(qf.lower)) finiteSeen++;
      }
    }
    expect(finiteSeen).toBeGreaterThan(0); // not everything is the trivial [−∞, ∞]
  });

  it.each(CASES)('%s: min distance, separation, ‖X‖₂, λ_min(XXᵀ)', (_label, x) => {
    const I = inst(x, 2);
    const md = enclosureOf(I, 'minDistance');
    const sep = enclosureOf(I, 'separation');
    expect(contains(md, minDistDec(x, false))).toBe(true);
    expect(contains(sep, minDistDec(x, true))).toBe(true);
    expect(Number.isFinite(md.upper) && Number.isFinite(sep.upper)).toBe(true);
    const g = gramDec(x);
    expect(
      meets(
        enclosureOf(I, 'norm2X'),
        (() => {
          const b = lambdaMaxBracket(g);
          return { lo: b.lo.sqrt(), hi: b.hi.sqrt() };
        })(),
      ),
    ).toBe(true);
    expect(meets(enclosureOf(I, 'lambdaMinGram'), lambdaMinBracket(g))).toBe(true);
  });

  it('distances whose difference overflows the double range: a one-sided enclosure [≥ 1.7e308, ∞)', () => {
    const x = fromRows([
      [1.5e308, 1],
      [-1.5e308, 1],
      [1e308, 2],
    ]);
    const I = inst(x, 2);
    const sep = enclosureOf(I, 'separation');
    const md = enclosureOf(I, 'minDistance');
    expect(contains(md, minDistDec(x, false))).toBe(true);
    expect(contains(sep, minDistDec(x, true))).toBe(true);
    // x_1 + x_2 = (0, 2): the separation is 2 (collinear), the distance 5e307
    expect(sep.upper).toBeLessThan(2.001);
    expect(md.lower).toBeGreaterThan(4.99e307);
  });

  it('separation counts antipodal pairs as collinear: x and −x have distance 2‖x‖ but separation 0', () => {
    const x = fromRows([
      [0.6, 0.8],
      [-0.6, -0.8],
      [1, 0],
    ]);
    const I = inst(x, 2);
    expect(enclosureOf(I, 'separation')).toMatchObject({ lower: 0, upper: 0 });
    expect(enclosureOf(I, 'minDistance').lower).toBeGreaterThan(0.6);
  });

  it('zero labels: yᵀK⁻¹y = 0 exactly for every kernel', () => {
    const I = inst(base, 2, { model: 'rademacher', noise: 0 }, new Float64Array(4));
    for (const k of ['ntk', 'nngp', 'hInfinity', 'empiricalNTK']) expect(enclosureOf(I, `labelQuadForm(${k})`)).toMatchObject({ lower: 0, upper: 0 });
  });

  it.each(['ntk', 'nngp', 'hInfinity', 'gram'] as const)(
    'worst-case labels for %s: yᵀK⁻¹y/‖y‖² agrees with 1/λ_min (enclosures and the 50-digit value)',
    (k) => {
      const x = gaussianRows(6, 8, `worst-${k}`);
      const I = inst(x, 3, { model: `worst-${k}`, noise: 0 });
      const q = quantitiesView(I);
      const y = q.y;
      const ny = y.reduce((s, v) => s + v * v, 0);
      expect(Math.abs(ny - 1)).toBeLessThan(1e-12);
      const ratio = q.interval(`labelQuadForm(${k})`).div(ny);
      const inv = q.interval(`lambdaMin(${k})`);
      const invLo = 1 / inv.hi,
        invHi = 1 / inv.lo;
      // the two enclosures overlap and agree to 1e-9 relative
      expect(ratio.lo <= invHi * (1 + 1e-12) && ratio.hi >= invLo * (1 - 1e-12)).toBe(true);
      expect(Math.abs(ratio.mid * inv.mid - 1)).toBeLessThan(1e-9);
      // against the 50-digit value: yᵀK⁻¹y ≤ ‖y‖²/λ_min (Rayleigh), equality to second order in the eigenvector error
      const ref =
        k === 'gram'
          ? gramDec(x)
          : k === 'hInfinity'
            ? hInfUnitDec(x)
            : k === 'ntk'
              ? referenceLimiting(x, { depth: 3 }).K
              : referenceLimiting(x, { depth: 3 }).G;
      if (k !== 'gram') {
        const v = quadInvDec(ref, Array.from(y, exactDec));
        expect(contains(enclosureOf(I, `labelQuadForm(${k})`), v)).toBe(true);
        const br = lambdaMinBracket(ref);
        const yd = Array.from(y, exactDec).reduce((s, t) => s.add(t.mul(t)), new Dm(0));
        expect(v.lte(yd.div(br.lo))).toBe(true);
        expect(
          v
            .mul(br.hi)
            .div(yd)
            .gt(1 - 1e-9),
        ).toBe(true);
      } else {
        // d > N would be needed for an invertible Gram: with N = 6 < d = 8 it is invertible
        expect(Number.isFinite(ratio.lo)).toBe(true);
      }
    },
  );
});

describe('Σ_l λ_min(G^(l)) ≤ λ_min(K^(L)) (K^(L) = Σ_l G^(l)∘Ġ^(l+1)∘…∘Ġ^(L), Schur: λ_min(A∘Ġ) ≥ λ_min(A)·min Ġ_ii = λ_min(A))', () => {
  it('holds on random draws for the certified per-layer enclosures', () => {
    for (let t = 0; t < 12; t++) {
      const L = 2 + (t % 3);
      const x = gaussianRows(3 + (t % 5), 2 + (t % 4), `layers-${t}`);
      const I = inst(x, L);
      let sumLower = 0;
      for (let l = 1; l <= L; l++) sumLower += enclosureOf(I, `lambdaMin(nngp(${l}))`).lower;
      const k = enclosureOf(I, 'lambdaMin(ntk)');
      expect(sumLower).toBeLessThanOrEqual(k.upper);
      expect(enclosureOf(I, `lambdaMin(ntk(${L}))`)).toEqual(k);
    }
  });
});

describe('read-only kernel matrices and certified helpers', () => {
  it('q.matrix gives a frozen copy: writing through it cannot change the cached kernel', () => {
    const I = inst(base, 2);
    const q = quantitiesView(I);
    const K = q.matrix('ntk');
    const before = K.get(0, 1);
    const arr = K.toArray();
    arr[1] = 1e9;
    expect(() => {
      (K as unknown as { rows: number }).rows = 1;
    }).toThrow();
    expect((K as unknown as Record<string, unknown>).set).toBeUndefined();
    expect(q.matrix('ntk').get(0, 1)).toBe(before);
    expect(enclosureOf(I, 'lambdaMin(ntk)').lower).toBe(enclosureOf(inst(base, 2), 'lambdaMin(ntk)').lower);
    expect(() => K.get(4, 0)).toThrow(RangeError);
    expect(K.errorBound(0, 1)).toBeGreaterThan(0);
  });

  it('combine, lambdaMin, quadForm and solve of a user expression enclose the 50-digit values', () => {
    const x = gaussianRows(5, 4, 'helpers');
    const I = inst(x, 3);
    const q = quantitiesView(I);
    // K^(3) − G^(1) − G^(2) − G^(3): positive semi-definite by the theorem above
    const M = q.certified.combine([
      [1, q.matrix('ntk')],
      [-1, q.matrix('nngp(1)')],
      [-1, q.matrix('nngp(2)')],
      [-1, q.matrix('nngp(3)')],
    ]);
    expect(M).toBeInstanceOf(ReadOnlyMatrix);
    const r3 = referenceLimiting(x, { depth: 3 }),
      r2 = referenceLimiting(x, { depth: 2 }),
      r1 = referenceLimiting(x, { depth: 1 });
    const Md = r3.K.map((row, i) => row.map((v, j) => v.sub(r1.G[i][j]).sub(r2.G[i][j]).sub(r3.G[i][j])));
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) expect(contains({ lower: M.get(i, j) - M.errorBound(i, j), upper: M.get(i, j) + M.errorBound(i, j) }, Md[i][j])).toBe(true);
    const lm = q.certified.lambdaMin(M);
    expect(meets({ lower: lm.lo, upper: lm.hi }, lambdaMinBracket(Md))).toBe(true);
    const b = [1, -2, 0.5, 3, -1];
    const K = q.matrix('ntk');
    const qf = q.certified.quadForm(K, b);
    expect(contains({ lower: qf.lo, upper: qf.hi }, quadInvDec(r3.K, b.map(exactDec)))).toBe(true);
    const s = q.certified.solve(K, b);
    // ‖x̂ − K⁻¹b‖ ≤ errorBound, checked componentwise against the 50-digit solution of K z = b
    const n = 5;
    for (let c = 0; c < n; c++) {
      const e = b.map((_, i) => exactDec(i === c ? 1 : 0));
      // z_c = e_cᵀK⁻¹b: by polarisation ((e+b)ᵀK⁻¹(e+b) − (e−b)ᵀK⁻¹(e−b))/4
      const plus = quadInvDec(
        r3.K,
        e.map((v, i) => v.add(exactDec(b[i]))),
      );
      const minus = quadInvDec(
        r3.K,
        e.map((v, i) => v.sub(exactDec(b[i]))),
      );
      const zc = plus.sub(minus).div(4);
      expect(exactDec(s.x[c]).sub(zc).abs().lte(exactDec(s.errorBound))).toBe(true);
    }
    expect(s.errorBound).toBeLessThan(1e-10);
  });
});

describe('high-precision confirmation of the new quantities (src/audit/highPrecision.ts)', () => {
  it('the 50-digit oracle enclosure meets the engine enclosure for every new key', async () => {
    const { Oracle } = await import('./highPrecision.ts');
    const I = inst(gaussianRows(5, 3, 'oracle'), 3, { model: 'teacher', noise: 0.2 });
    const keys = ['minDistance', 'separation', 'norm2X'];
    for (const k of ['gram', 'ntk', 'nngp', 'ntk(1)', 'ntk(2)', 'nngp(2)', 'hInfinity', 'empiricalNTK'])
      keys.push(`lambdaMin(${k})`, `lambdaMax(${k})`, `trace(${k})`);
    for (const k of ['ntk', 'nngp', 'ntk(2)', 'hInfinity', 'empiricalNTK']) keys.push(`labelQuadForm(${k})`);
    const o = new Oracle(I, (k) => enclosureOf(I, k));
    for (const k of keys) {
      const e = enclosureOf(I, k);
      const h = o.quantity(k).enclosure();
      expect(Number.isFinite(h.lower) && Number.isFinite(h.upper), k).toBe(true);
      expect(h.lower <= e.upper && e.lower <= h.upper, `${k}: engine [${e.lower}, ${e.upper}] vs oracle [${h.lower}, ${h.upper}]`).toBe(true);
    }
  });
});
