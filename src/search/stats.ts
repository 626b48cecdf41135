import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { centredMoments } from '../linalg/moments.ts';

/**
 * Exact (Clopper–Pearson 1934) two-sided confidence interval for a binomial proportion:
 * with k successes in n trials, [B(α/2; k, n−k+1), B(1−α/2; k+1, n−k)], B the Beta quantile
 * (lower = 0 when k = 0, upper = 1 when k = n). Coverage ≥ 1 − α for every p.
 */
export function clopperPearson(k: number, n: number, alpha: number): { lower: number; upper: number } {
  if (!(Number.isInteger(k) && Number.isInteger(n) && k >= 0 && n >= 1 && k <= n))
    throw new RangeError(`clopperPearson: need 0 ≤ k ≤ n integers, got k=${k}, n=${n}`);
  const lower = k === 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1);
  const upper = k === n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k);
  return { lower, upper };
}

/**
 * One-sided exact test of H0: failure rate ≤ δ against H1: failure rate > δ, with k failures in n
 * draws: reject when the one-sided Clopper–Pearson lower bound B(α; k, n−k+1) exceeds δ. That is
 * equivalent to the exact binomial test P(X ≥ k | n, δ) ≤ α.
 */
export function failureRateExceeds(k: number, n: number, delta: number, alpha: number): { reject: boolean; lowerBound: number; upperBound: number } {
  const lowerBound = k === 0 ? 0 : betaQuantile(alpha, k, n - k + 1);
  const upperBound = k === n ? 1 : betaQuantile(1 - alpha, k + 1, n - k);
  return { reject: lowerBound > delta, lowerBound, upperBound };
}

/** Bonferroni correction: per-claim level when `m` claims are tested in one run at family level α. */
export function bonferroni(alpha: number, m: number): number {
  return alpha / Math.max(1, m);
}

export interface LogLogFit {
  slope: number;
  intercept: number;
  /** Two-sided (1 − α) confidence interval of the slope (Student t with n − 2 degrees of freedom). */
  slopeLow: number;
  slopeHigh: number;
  n: number;
  r2: number;
}

/** Ordinary least squares of log y on log x (both must be positive). Needs at least 3 points. */
export function logLogFit(xs: ArrayLike<number>, ys: ArrayLike<number>, alpha = 0.05): LogLogFit {
  const n = xs.length;
  if (n !== ys.length) throw new RangeError('logLogFit: x and y differ in length');
  if (n < 3) throw new RangeError(`logLogFit: need at least 3 points, got ${n}`);
  const lx = new Float64Array(n),
    ly = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!(xs[i] > 0 && ys[i] > 0)) throw new RangeError(`logLogFit: values must be positive (point ${i}: x=${xs[i]}, y=${ys[i]})`);
    lx[i] = Math.log(xs[i]);
    ly[i] = Math.log(ys[i]);
  }
  const { meanA: mx, meanB: my, saa: sxx, sab: sxy, sbb: syy } = centredMoments(lx, ly);
  if (sxx === 0) throw new RangeError('logLogFit: all x values are equal');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ly[i] - intercept - slope * lx[i]) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  const t = tQuantile(1 - alpha / 2, n - 2);
  return { slope, intercept, slopeLow: slope - t * se, slopeHigh: slope + t * se, n, r2: syy > 0 ? 1 - sse / syy : 1 };
}

export function quantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h),
    hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
