import { describe, expect, it } from 'vitest';
import { eigh } from '../linalg/eigh.ts';
import { hInfinity } from './hInfinity.ts';
import { leadingTerm, spearman, teacherLabels, teacherTask, testError } from './generalization.ts';
import { initTwoLayer } from './twoLayer.ts';

describe('generalization', () => {
  it('spearman: textbook values (no ties, ties, reversed)', () => {
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826816681233, 12); // scipy.stats.spearmanr
    expect(spearman([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(spearman([10, 20, 30, 40], [1, 4, 9, 16])).toBe(1);
    expect(Number.isNaN(spearman([1, 1, 1], [1, 2, 3]))).toBe(true);
  });

  it('coupled flips: the flip set grows with p; p = 0 gives the teacher labels', () => {
    const t = teacherTask({ n: 50, d: 6, p: 0, seed: 'g' });
    expect(Array.from(t.y)).toEqual(Array.from(t.clean));
    const a = teacherLabels(t.x, t.teacher, 0.2, 'g'),
      b = teacherLabels(t.x, t.teacher, 0.4, 'g');
    for (let i = 0; i < 50; i++) if (a.y[i] !== a.clean[i]) expect(b.y[i]).toBe(a.y[i]);
  });

  it('leading term agrees with an eigendecomposition of H∞ (independent reference) and its error is tiny', () => {
    const t = teacherTask({ n: 12, d: 5, p: 0.1, seed: 'lt' });
    const lt = leadingTerm(t.x, t.y);
    const h = hInfinity(t.x).matrix;
    const { values, vectors } = eigh(h);
    const n = 12;
    let q = 0;
    for (let k = 0; k < n; k++) {
      let c = 0;
      for (let i = 0; i < n; i++) c += vectors.data[i * n + k] * t.y[i];
      q += (c * c) / values[k];
    }
    expect(Math.abs(lt.value - Math.sqrt((2 * q) / n))).toBeLessThan(1e-8 * lt.value);
    expect(lt.error).toBeLessThan(1e-6 * lt.value);
  });

  it('test error of an untrained net with tiny κ is about ½; sign(0) = +1', () => {
    const t = teacherTask({ n: 4, d: 5, p: 0, seed: 'te' });
    const net = initTwoLayer({ m: 50, d: 5, seed: 'te', kappa: 1 });
    const e = testError(net, net.w, t.teacher, 0, 4000, 'te');
    expect(e).toBeGreaterThan(0.35);
    expect(e).toBeLessThan(0.65);
  });
});
