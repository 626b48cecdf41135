import { describe, expect, it } from 'vitest';
import { childRng } from '../random/rng.ts';
import { crossEntropyMinimize } from './crossEntropy.ts';

describe('cross-entropy method', () => {
  const target = Float64Array.from([0.3, -1.7, 2.2, 0.05, -0.4]);
  const sphere = (x: Float64Array) => x.reduce((s, v, k) => s + (v - target[k]) ** 2, 0);

  it('minimises a shifted sphere from a distant start within its evaluation budget (minimum 0 at the shift)', () => {
    let calls = 0;
    const r = crossEntropyMinimize((x) => (calls++, sphere(x)), {
      mean: new Float64Array(5),
      sigma: new Float64Array(5).fill(1),
      evaluations: 600,
      rng: childRng('cem', 1),
    });
    expect(calls).toBe(600);
    expect(r.evaluations).toBe(600);
    expect(r.value).toBe(sphere(r.best));
    expect(r.value).toBeLessThan(1e-6);
    const start = sphere(new Float64Array(5));
    expect(start).toBeGreaterThan(7.9); // the squared distance it covered: 7.9825
  });

  it('is deterministic in its seed, and ranks NaN and +∞ (e.g. instances outside the assumptions) last', () => {
    const f = (x: Float64Array) => (x[0] > 1 ? NaN : x[1] > 1 ? Infinity : sphere(x));
    const a = crossEntropyMinimize(f, { mean: new Float64Array(5), sigma: new Float64Array(5).fill(1), evaluations: 200, rng: childRng('cem', 2) });
    const b = crossEntropyMinimize(f, { mean: new Float64Array(5), sigma: new Float64Array(5).fill(1), evaluations: 200, rng: childRng('cem', 2) });
    expect(Array.from(a.best)).toEqual(Array.from(b.best));
    expect(Number.isFinite(a.value)).toBe(true);
  });

  it('evaluates the structured proposals first and stops when asked', () => {
    const seen: number[][] = [];
    const r = crossEntropyMinimize(
      (x) => {
        seen.push(Array.from(x));
        return sphere(x);
      },
      {
        mean: new Float64Array(5),
        sigma: new Float64Array(5).fill(1),
        evaluations: 100,
        rng: childRng('cem', 3),
        proposals: () => [Float64Array.from(target)],
        stop: (v) => v === 0,
      },
    );
    expect(seen).toHaveLength(1);
    expect(r.value).toBe(0);
  });
});
