import { expect } from 'vitest';

/**
 * Asserts that the entrywise mean of `reps` independent draws `draw(t)` (arrays of one length) lies within
 * 5 standard errors of `expected` plus `slack` (the expected value's own error bound): |mean_k − E_k| <
 * 5·sd_k/√reps + slack, sd_k the sample standard deviation floored at 1e-6 (so that a constant entry
 * still gets a 5e-6/√reps allowance for the rounding of the mean).
 */
export function expectMonteCarloMean(reps: number, draw: (t: number) => ArrayLike<number>, expected: ArrayLike<number>, slack: number): void {
  const len = expected.length;
  const mean = new Float64Array(len),
    sq = new Float64Array(len);
  for (let t = 0; t < reps; t++) {
    const H = draw(t);
    for (let k = 0; k < len; k++) {
      mean[k] += H[k] / reps;
      sq[k] += (H[k] * H[k]) / reps;
    }
  }
  for (let k = 0; k < len; k++) {
    const sd = Math.sqrt(Math.max(sq[k] - mean[k] ** 2, 1e-12) / reps);
    expect(Math.abs(mean[k] - expected[k]), `entry ${k}: mean ${mean[k]}, expected ${expected[k]}`).toBeLessThan(5 * sd + slack);
  }
}
