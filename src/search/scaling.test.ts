import { describe, expect, it } from 'vitest';
import { childRng, gaussian } from '../random/rng.ts';
import { combineRegimes, fitRegime, fittedConstant, scalingBandVerdict, scalingDraws, validateScalingLaw } from './scaling.ts';

describe('scalingBandVerdict', () => {
  it('Θ: refuted only when the interval misses e ± tol, holds only inside', () => {
    expect(scalingBandVerdict('Theta', 1, 0.1, 0.95, 1.05)).toBe('holds');
    expect(scalingBandVerdict('Theta', 1, 0.1, 0.9, 1.1)).toBe('holds'); // closed band
    expect(scalingBandVerdict('Theta', 1, 0.1, 1.05, 1.15)).toBe('inconclusive');
    expect(scalingBandVerdict('Theta', 1, 0.1, 1.11, 1.2)).toBe('violated');
    expect(scalingBandVerdict('Theta', 1, 0.1, 0.7, 0.89)).toBe('violated');
    expect(scalingBandVerdict('Theta', 1, 0.1, 0.5, 1.5)).toBe('inconclusive'); // too wide to say anything
  });
  it('O and Ω are one-sided', () => {
    expect(scalingBandVerdict('O', 1, 0.1, 0.2, 0.5)).toBe('holds'); // slower growth is consistent with O
    expect(scalingBandVerdict('O', 1, 0.1, 1.2, 1.3)).toBe('violated');
    expect(scalingBandVerdict('O', 1, 0.1, 1.0, 1.2)).toBe('inconclusive');
    expect(scalingBandVerdict('Omega', 1, 0.1, 1.5, 2)).toBe('holds');
    expect(scalingBandVerdict('Omega', 1, 0.1, 0.5, 0.85)).toBe('violated');
    expect(scalingBandVerdict('Omega', 1, 0.1, 0.85, 0.95)).toBe('inconclusive');
  });
  it('no interval, no verdict', () => {
    expect(scalingBandVerdict('Theta', 1, 0.1, NaN, NaN)).toBe('inconclusive');
    expect(scalingBandVerdict('O', 1, 0.1, 2, 1)).toBe('inconclusive');
  });
  it('a claim is violated when one regime is, holds when all do', () => {
    expect(combineRegimes(['holds', 'violated', 'inconclusive'])).toBe('violated');
    expect(combineRegimes(['holds', 'holds'])).toBe('holds');
    expect(combineRegimes(['holds', 'inconclusive'])).toBe('inconclusive');
    expect(combineRegimes([])).toBe('inconclusive');
  });
});

/** y = C·x^e·exp(σ·z), z ~ N(0, 1): the model under which the Student-t interval is exact. */
function sweep(seed: string, e: number, sigma: number, sizes: number[], draws: number) {
  const rng = childRng(seed, 'sweep');
  const pts = [];
  for (const x of sizes) for (let k = 0; k < draws; k++) pts.push({ x, y: 3 * x ** e * Math.exp(sigma * gaussian(rng)) });
  return pts;
}

describe('fitRegime on synthetic sweeps with a known exponent', () => {
  const sizes = [100, 300, 1000, 3000];
  it('the true exponent holds, ±0.2 are refuted (σ = 0.1, 8 draws per size), in 200 sweeps each', () => {
    const counts = { true: { holds: 0, violated: 0 }, up: 0, down: 0 };
    for (let s = 0; s < 200; s++) {
      const pts = sweep(`t${s}`, 1, 0.1, sizes, 8);
      const r = fitRegime('r', pts, 0, { relation: 'Theta', exponent: 1, tolerance: 0.1 }, 0.001);
      if (r.status === 'holds') counts.true.holds++;
      if (r.status === 'violated') counts.true.violated++;
      if (fitRegime('r', pts, 0, { relation: 'Theta', exponent: 1.2, tolerance: 0.1 }, 0.001).status === 'violated') counts.up++;
      if (fitRegime('r', pts, 0, { relation: 'Theta', exponent: 0.8, tolerance: 0.1 }, 0.001).status === 'violated') counts.down++;
    }
    // a refutation of the true exponent needs the interval (level 0.001) to miss a band of ±0.1 around the
    // truth: P ≤ 0.001 per sweep, so 0 of 200 is expected (P(≥ 1) ≤ 0.2 would be the worst case, not seen)
    expect(counts.true.violated).toBe(0);
    // the slope's standard error is σ/√Σ(log x − mean)² ≈ 0.1/√(32·1.1) ≈ 0.017, t(0.9995, 30) ≈ 3.65:
    // the half-width ≈ 0.06 < 0.1, so the interval lies in the band unless the estimate is 0.04 off (≈ 2.4 se)
    expect(counts.true.holds).toBeGreaterThanOrEqual(190);
    expect(counts.up).toBe(200);
    expect(counts.down).toBe(200);
  });
  it('noisy sweeps are inconclusive, not refuted', () => {
    const pts = sweep('noisy', 1, 1.5, sizes, 3);
    const r = fitRegime('r', pts, 0, { relation: 'Theta', exponent: 1, tolerance: 0.1 }, 0.001);
    expect(r.status).toBe('inconclusive');
    expect(r.slopeHigh - r.slopeLow).toBeGreaterThan(0.2);
  });
  it('an unusable draw makes the regime inconclusive', () => {
    const pts = sweep('u', 1, 0.05, sizes, 8);
    expect(fitRegime('r', pts, 0, { relation: 'Theta', exponent: 1, tolerance: 0.1 }, 0.001).status).toBe('holds');
    expect(fitRegime('r', pts, 1, { relation: 'Theta', exponent: 1, tolerance: 0.1 }, 0.001).status).toBe('inconclusive');
  });
  it('fittedConstant recovers C of y = C·x^e (noise-free)', () => {
    expect(fittedConstant(sweep('c', 1.5, 0, sizes, 2), 1.5)).toBeCloseTo(3, 12);
  });
});

describe('sweep design', () => {
  const law = { sizes: [10, 30, 100], regimes: ['a', 'b'], minDraws: 3, maxDraws: 10 };
  it('draws per size grow with the budget between the bounds', () => {
    expect(scalingDraws(law, 0)).toBe(3);
    expect(scalingDraws(law, 42)).toBe(7);
    expect(scalingDraws(law, 1e6)).toBe(10);
  });
  it('a sweep must span a decade with ≥ 3 sizes', () => {
    const base = { variable: 'd', quantity: 'y', relation: 'Theta' as const, exponent: 1, regimes: ['a'], design: () => ({}) };
    expect(() => validateScalingLaw('x', { ...base, sizes: [10, 20, 40] })).toThrow(/one decade/);
    expect(() => validateScalingLaw('x', { ...base, sizes: [10, 100] })).toThrow(/3 distinct/);
    expect(() => validateScalingLaw('x', { ...base, sizes: [10, 30, 100], tolerance: 0 })).toThrow(/tolerance/);
    expect(() => validateScalingLaw('x', { ...base, sizes: [10, 30, 100] })).not.toThrow();
  });
});
