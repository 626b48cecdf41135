import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { lambdaMinCertified } from '../src/linalg/lambdaMin.ts';
import { leadingTerm } from '../src/ntk/generalization.ts';
import { hInfinityUnitNorm } from '../src/ntk/hInfinity.ts';
import { sampleData } from '../src/random/distributions.ts';
import { childRng } from '../src/random/rng.ts';
import { NONDEGENERATE_LAMBDA0 } from './arora2019.ts';

/**
 * The derived facts behind the two-layer claims (docs/theorems.md#generalisation-term-decay and
 * #non-degeneracy-with-a-fixed-lambda0), checked against independent computations.
 */
describe('H∞ expansion and the RKHS bounds of the Theorem 5.1 term', () => {
  it('t(π − arccos t)/(2π) = t/4 + t·arcsin(t)/(2π) at 50 digits, and t·arcsin t has the series t² + t⁴/6 + 3t⁶/40 + …', () => {
    const D = Decimal.clone({ precision: 50 });
    const pi = D.acos(-1);
    for (const s of ['-0.999', '-0.5', '-0.01', '0', '0.3', '0.77', '0.999999']) {
      const t = new D(s);
      const lhs = t.times(pi.minus(D.acos(t))).div(pi.times(2));
      const rhs = t.div(4).plus(t.times(D.asin(t)).div(pi.times(2)));
      expect(lhs.minus(rhs).abs().lt('1e-45')).toBe(true);
    }
    // series of t·arcsin t at t = 0.2: t² + t⁴/6 + 3t⁶/40 + 5t⁸/112 + …, all coefficients ≥ 0
    const t = new D('0.2');
    const series = t.pow(2).plus(t.pow(4).div(6)).plus(t.pow(6).times(3).div(40)).plus(t.pow(8).times(5).div(112));
    expect(t.times(D.asin(t)).minus(series).abs().lt('1e-7')).toBe(true);
  });

  it('yᵀ(H∞)⁻¹y ≤ ‖g‖²: 4 for g = x₁ (nearly attained) and π for g = x₁x₂, on unit-sphere data in d = 5', () => {
    let maxX1 = 0,
      maxX1X2 = 0;
    for (const n of [20, 80, 320]) {
      for (let r = 0; r < 3; r++) {
        const x = sampleData(childRng(`derived-rkhs/${n}/${r}`, 'data'), { family: 'unit-sphere' }, n, 5);
        const y1 = new Float64Array(n),
          y2 = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          y1[i] = x.data[i * 5];
          y2[i] = x.data[i * 5] * x.data[i * 5 + 1];
        }
        const q1 = leadingTerm(x, y1).quadraticForm,
          q2 = leadingTerm(x, y2).quadraticForm;
        expect(q1.value - q1.errorBound).toBeLessThanOrEqual(4);
        expect(q2.value - q2.errorBound).toBeLessThanOrEqual(Math.PI);
        maxX1 = Math.max(maxX1, q1.value);
        maxX1X2 = Math.max(maxX1X2, q2.value);
      }
    }
    // the bound for x₁ is nearly attained at n = 320 (the interpolation norm increases to ‖g‖²_H)
    expect(maxX1).toBeGreaterThan(3.9);
    expect(maxX1X2).toBeGreaterThan(2);
  });
});

describe('the λ_0 table of the non-degeneracy claim', () => {
  it('each λ_0(n, d, δ) is exceeded by λ_min(H∞) with probability ≈ 1 − δ/2 on a fresh stream (4,000 draws, ±5σ)', () => {
    const S = 4000;
    const shapes = new Map<string, number[]>();
    for (const key of Object.keys(NONDEGENERATE_LAMBDA0)) {
      const m = /^n=(\d+),d=(\d+),δ=([\d.]+)$/.exec(key)!;
      const shape = `${m[1]}/${m[2]}`;
      if (!shapes.has(shape)) {
        const vals: number[] = [];
        for (let t = 0; t < S; t++) {
          const x = sampleData(childRng('derived-lambda0-check', shape, t), { family: 'unit-sphere' }, Number(m[1]), Number(m[2]));
          const h = hInfinityUnitNorm(x);
          vals.push(lambdaMinCertified(h.matrix, { entryError: h.errorBound }).estimate);
        }
        shapes.set(shape, vals);
      }
      const delta = Number(m[3]);
      const below = shapes.get(shape)!.filter((v) => v < NONDEGENERATE_LAMBDA0[key]).length / S;
      const sigma = Math.sqrt(((delta / 2) * (1 - delta / 2)) / S);
      expect(Math.abs(below - delta / 2), key).toBeLessThan(5 * sigma);
    }
  });
});
