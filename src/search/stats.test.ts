import { describe, expect, it } from 'vitest';
import { clopperPearson, failureRateExceeds, logLogFit } from './stats.ts';
import { createRng, gaussian } from '../random/rng.ts';
import { binomialUpperTail as binomTail } from '../../test/support/binomial.ts';

describe('Clopper–Pearson', () => {
  it('one-sided lower bound is the p at which P(X ≥ k) = α (checked by direct summation)', () => {
    // biome-ignore format: a table of cases, kept on one line
    const cases = [[1, 10], [5, 40], [17, 100], [99, 100]];
    for (const [k, n] of cases) {
      const { lowerBound } = failureRateExceeds(k, n, 0.5, 0.05);
      expect(binomTail(k, n, lowerBound)).toBeCloseTo(0.05, 8);
    }
  });

  it('covers the true p at least 1 − α of the time (simulation)', () => {
    const rng = createRng('cp');
    const p = 0.13,
      n = 50,
      alpha = 0.1,
      trials = 2000;
    let miss = 0;
    for (let t = 0; t < trials; t++) {
      let k = 0;
      for (let i = 0; i < n; i++) if (rng.next() < p) k++;
      const ci = clopperPearson(k, n, alpha);
      if (p < ci.lower || p > ci.upper) miss++;
    }
    // Clopper–Pearson is conservative: miss rate ≤ α; allow 4 binomial standard errors of noise.
    expect(miss / trials).toBeLessThan(alpha + 4 * Math.sqrt((alpha * (1 - alpha)) / trials));
  });

  it('k = 0 never rejects', () => {
    expect(failureRateExceeds(0, 1000, 0.001, 0.05).reject).toBe(false);
  });
});

describe('log-log fit', () => {
  it('recovers a known exponent and its interval covers it', () => {
    const rng = createRng('fit');
    const xs = [10, 20, 40, 80, 160, 320, 640],
      ys = xs.map((x) => 3 * x ** -0.5 * Math.exp(0.01 * gaussian(rng)));
    const f = logLogFit(xs, ys);
    expect(f.slopeLow).toBeLessThan(-0.5);
    expect(f.slopeHigh).toBeGreaterThan(-0.5);
    expect(Math.abs(f.slope + 0.5)).toBeLessThan(0.02);
  });
  it('is exact on exact power laws', () => {
    const f = logLogFit([1, 2, 4, 8], [5, 20, 80, 320]);
    expect(f.slope).toBeCloseTo(2, 12);
    expect(f.r2).toBeCloseTo(1, 12);
  });
});
