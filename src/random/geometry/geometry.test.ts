import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { type Matrix, UNIT_ROUNDOFF as u, zeros } from '../../linalg/matrix.ts';
import { sampleData } from '../distributions.ts';
import { childRng } from '../rng.ts';
import { antipodalPair } from './antipodal.ts';
import { tightClusters } from './clusters.ts';
import { heavyTailedNorms } from './heavyTailed.ts';
import { applyGeometry, GEOMETRY_FAMILIES } from './index.ts';
import { gaussianMixture } from './mixture.ts';
import { nearDuplicatePair } from './nearDuplicate.ts';
import { separatedSet } from './separated.ts';
import { lowRankSubspace } from './subspace.ts';

const D = Decimal.clone({ precision: 60 });
const row = (x: Matrix, i: number) => Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols), (v) => new D(v));
const dot = (a: Decimal[], b: Decimal[]) => a.reduce((s, v, k) => s.plus(v.times(b[k])), new D(0));
const dist = (a: Decimal[], b: Decimal[], sign: 1 | -1) => a.reduce((s, v, k) => s.plus(v.plus(b[k].times(sign)).pow(2)), new D(0)).sqrt();
/** ∠(a, b) at 60 digits: atan2(√(Σ_{p<q}(a_p b_q − a_q b_p)²), a·b) (Lagrange's identity, no cancellation). */
function angle(a: Decimal[], b: Decimal[]): Decimal {
  let s = new D(0);
  for (let p = 0; p < a.length; p++) for (let q = p + 1; q < a.length; q++) s = s.plus(a[p].times(b[q]).minus(a[q].times(b[p])).pow(2));
  return D.atan2(s.sqrt(), dot(a, b));
}
const gauss = (seed: string, n: number, d: number) => sampleData(childRng(seed, 'data'), { family: 'gaussian' }, n, d);

/** Rank of an integer matrix (fraction-free Gaussian elimination, exact). */
function exactRank(m: bigint[][]): number {
  const a = m.map((r) => r.slice());
  const rows = a.length,
    cols = rows ? a[0].length : 0;
  let rank = 0,
    prev = 1n;
  for (let c = 0; c < cols && rank < rows; c++) {
    const p = a.findIndex((r, i) => i >= rank && r[c] !== 0n);
    if (p < 0) continue;
    [a[rank], a[p]] = [a[p], a[rank]];
    for (let i = rank + 1; i < rows; i++) {
      for (let j = c + 1; j < cols; j++) a[i][j] = (a[rank][c] * a[i][j] - a[i][c] * a[rank][j]) / prev; // Bareiss: exact division
      a[i][c] = 0n;
    }
    prev = a[rank][c];
    rank++;
  }
  return rank;
}

describe('near-duplicate pair', () => {
  it('puts x_1 at the angle θ = 10^−k from x_0 with the same norm (60-digit check)', () => {
    for (const d of [2, 5, 16])
      for (let k = 1; k <= 12; k++) {
        const x = nearDuplicatePair(childRng('nd', d, k), gauss(`nd${d}`, 3, d), 0, 1, 10 ** -k);
        const a = row(x, 0),
          b = row(x, 1);
        const err = angle(a, b)
          .minus(10 ** -k)
          .abs()
          .toNumber();
        expect(err, `d=${d} k=${k}`).toBeLessThanOrEqual(16 * d * u + 16 * u * 10 ** -k);
        expect(dot(b, b).sqrt().div(dot(a, a).sqrt()).minus(1).abs().toNumber()).toBeLessThanOrEqual(8 * d * u);
      }
  });
});

describe('antipodal pair', () => {
  it('sets x_1 = −x_0 bit for bit', () => {
    const x = antipodalPair(gauss('ap', 4, 7), 0, 1);
    for (let k = 0; k < 7; k++) expect(Object.is(x.data[7 + k], -x.data[k])).toBe(true);
  });
});

describe('tight clusters', () => {
  it('puts every non-centre point at relative distance 10^−k from its centre', () => {
    for (const k of [1, 6, 12]) {
      const x = tightClusters(childRng('cl', k), gauss('cl', 9, 5), 2, 10 ** -k);
      for (let i = 2; i < 9; i++) {
        const c = row(x, i % 2),
          p = row(x, i);
        const rel = dist(p, c, -1).div(dot(c, c).sqrt());
        expect(
          rel
            .div(10 ** -k)
            .minus(1)
            .abs()
            .toNumber(),
          `k=${k} i=${i}`,
        ).toBeLessThanOrEqual(1e-12 + (8 * u) / 10 ** -k);
      }
    }
  });
});

describe('low-rank subspace', () => {
  it('has rank exactly r (exact rational elimination of the stored doubles)', () => {
    // biome-ignore format: a table of cases, kept on one line
    const cases = [[8, 6, 1], [8, 6, 3], [12, 16, 5], [4, 9, 4]] as const;
    for (const [n, d, r] of cases) {
      const x = lowRankSubspace(childRng('ss', n, d, r), zeros(n, d), r, Math.sqrt(d));
      const ints = Array.from({ length: n }, (_, i) =>
        Array.from(x.data.subarray(i * d, (i + 1) * d), (v) => {
          const s = v * 2 ** 80; // exact (a power of two), an integer: entries are multiples of 2^−20 times a power of two ≥ 2^−60
          expect(Number.isInteger(s)).toBe(true);
          return BigInt(s);
        }),
      );
      expect(exactRank(ints), `n=${n} d=${d} r=${r}`).toBe(r);
    }
  });
});

describe('δ-separated set', () => {
  it('separates every pair and every antipodal pair by δ, with the first pair tight (60 digits)', () => {
    // biome-ignore format: a table of cases, kept on one line
    const cases = [[6, 3, 2], [10, 5, 8], [5, 2, 1], [12, 8, 12]] as const;
    for (const [n, d, k] of cases) {
      const x = zeros(n, d);
      const delta = separatedSet(childRng('sep', n, d, k), x, 2 ** -k, 3);
      expect(delta).toBeGreaterThan(0);
      let min = new D(Infinity);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) min = D.min(min, dist(row(x, i), row(x, j), -1), dist(row(x, i), row(x, j), 1));
      expect(min.gte(delta * 8), `n=${n} d=${d} k=${k}`).toBe(true);
      if (delta === 2 ** -k) expect(dist(row(x, 0), row(x, 1), -1).div(8).toNumber()).toBeLessThan(delta * (1 + 1e-10) + 3e-12); // tight up to the slack
    }
  });
});

describe('Gaussian mixture', () => {
  it('draws each point from its recorded component: standardised offsets have mean 0 and variance 1', () => {
    const n = 3000,
      d = 4,
      scale = 0.25;
    const x = gauss('mx', n, d);
    const comp = gaussianMixture(childRng('mx'), x, 3, scale);
    let s = 0,
      s2 = 0,
      m = 0;
    for (let i = 3; i < n; i++) {
      const c = comp[i];
      expect(c >= 0 && c < 3).toBe(true);
      const nm = Math.hypot(...x.data.subarray(c * d, (c + 1) * d));
      const sigma = (scale * nm) / Math.sqrt(d);
      for (let k = 0; k < d; k++) {
        const z = (x.data[i * d + k] - x.data[c * d + k]) / sigma;
        s += z;
        s2 += z * z;
        m++;
      }
    }
    // 11,988 standard normals: mean within 5 standard errors, variance within 5 of its standard errors (√(2/m))
    expect(Math.abs(s / m)).toBeLessThan(5 / Math.sqrt(m));
    expect(Math.abs(s2 / m - 1)).toBeLessThan(5 * Math.sqrt(2 / m));
  });
});

describe('heavy-tailed norms', () => {
  it('scales each row by an exact power of two in [2^−span, 2^span], directions kept bit for bit', () => {
    const before = gauss('ht', 400, 3);
    const x = { ...before, data: before.data.slice() };
    const e = heavyTailedNorms(childRng('ht'), x, 20);
    const seen = new Set<number>();
    for (let i = 0; i < 400; i++) {
      expect(Math.abs(e[i])).toBeLessThanOrEqual(20);
      seen.add(e[i]);
      for (let k = 0; k < 3; k++) expect(x.data[i * 3 + k]).toBe(before.data[i * 3 + k] * 2 ** e[i]);
    }
    expect(seen.size).toBe(41);
  });
});

describe('applyGeometry', () => {
  it('is a deterministic function of (X, geometry, k, seed)', () => {
    for (const g of GEOMETRY_FAMILIES) {
      const a = applyGeometry(childRng('g', g), gauss('g', 6, 4), g, 3);
      const b = applyGeometry(childRng('g', g), gauss('g', 6, 4), g, 3);
      expect(Array.from(a.data), g).toEqual(Array.from(b.data));
      expect(a.data.every(Number.isFinite)).toBe(true);
    }
  });
});
