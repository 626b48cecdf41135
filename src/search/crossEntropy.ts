import { gaussian, type Rng } from '../random/rng.ts';

/**
 * The cross-entropy method (Rubinstein 1999; de Boer, Kroese, Mannor, Rubinstein, "A tutorial on the
 * cross-entropy method", Ann. Oper. Res. 134, 2005) for minimising f over R^m, derivative-free and seeded:
 * each generation evaluates the caller's structured candidates (`proposals` of the current mean) and Gaussian
 * samples N(mean, diag σ²) up to `population`, takes the `elites` best of the generation and of the best point
 * so far, and moves the mean to their rank-weighted average (weights ∝ ln(E + 1/2) − ln i, as in CMA-ES,
 * Hansen 2016, arXiv 1604.00772, eq. (49)) and σ to their weighted spread about the previous mean, smoothed with the previous σ
 * (factor `smoothing`) and floored at `minSigma`·(|mean_c| + the mean's RMS). Non-finite values rank last.
 *
 * Budget: exactly min(evaluations, …) calls of f — stopping early when `stop` says so — and nothing depends
 * on a clock: the same rng state and f give the same calls.
 */
export interface CrossEntropyOptions {
  mean: Float64Array;
  sigma: Float64Array;
  evaluations: number;
  population?: number;
  elites?: number;
  smoothing?: number;
  minSigma?: number;
  rng: Rng;
  /** Structured candidates from the current mean (evaluated first in each generation). */
  proposals?: (mean: Float64Array, generation: number) => Float64Array[];
  /** Stops after the evaluation for which it returns true. */
  stop?: (value: number) => boolean;
}

export interface CrossEntropyResult {
  best: Float64Array;
  value: number;
  evaluations: number;
}

export function crossEntropyMinimize(f: (x: Float64Array) => number, o: CrossEntropyOptions): CrossEntropyResult {
  const m = o.mean.length;
  const population = Math.max(2, o.population ?? 12);
  const eliteCount = Math.max(1, Math.min(o.elites ?? 4, population));
  const smoothing = o.smoothing ?? 0.7;
  const minSigma = o.minSigma ?? 1e-15;
  const mean = Float64Array.from(o.mean);
  const sigma = Float64Array.from(o.sigma);
  let best: Float64Array = Float64Array.from(mean),
    bestValue = Infinity,
    used = 0;
  const rank = (v: number) => (Number.isNaN(v) ? Infinity : v);
  const weights = Array.from({ length: eliteCount }, (_, i) => Math.log(eliteCount + 0.5) - Math.log(i + 1));
  const wsum = weights.reduce((a, b) => a + b, 0);
  for (let gen = 0; used < o.evaluations; gen++) {
    const cands: Float64Array[] = [...(o.proposals?.(mean, gen) ?? [])].filter((c) => c.length === m && c.every(Number.isFinite));
    while (cands.length < population) {
      const c = new Float64Array(m);
      for (let k = 0; k < m; k++) c[k] = mean[k] + sigma[k] * gaussian(o.rng);
      cands.push(c);
    }
    const scored: { x: Float64Array; v: number }[] = bestValue < Infinity ? [{ x: best, v: bestValue }] : [];
    let stopped = false;
    for (const c of cands) {
      if (used >= o.evaluations) break;
      const v = rank(f(c));
      used++;
      scored.push({ x: c, v });
      if (v < bestValue) {
        bestValue = v;
        best = c;
      }
      if (o.stop?.(v)) {
        stopped = true;
        break;
      }
    }
    if (stopped) break;
    // stable sort: ties keep evaluation order (the best-so-far first)
    const elites = scored
      .filter((e) => e.v < Infinity)
      .sort((a, b) => a.v - b.v)
      .slice(0, eliteCount);
    if (elites.length === 0) {
      for (let k = 0; k < m; k++) sigma[k] *= 0.5; // nothing usable: search closer to the mean
      continue;
    }
    const w = elites.length === eliteCount ? weights : weights.slice(0, elites.length);
    const ws = elites.length === eliteCount ? wsum : w.reduce((a, b) => a + b, 0);
    let rms = 0;
    for (let k = 0; k < m; k++) {
      let mu = 0;
      for (let e = 0; e < elites.length; e++) mu += w[e] * elites[e].x[k];
      mu /= ws;
      let v = 0; // spread about the OLD mean: it stays large while the mean travels (CMA-ES's rank-μ update)
      for (let e = 0; e < elites.length; e++) v += w[e] * (elites[e].x[k] - mean[k]) ** 2;
      sigma[k] = smoothing * Math.sqrt(v / ws) + (1 - smoothing) * sigma[k];
      mean[k] = mu;
      rms += mu * mu;
    }
    rms = Math.sqrt(rms / m);
    for (let k = 0; k < m; k++) sigma[k] = Math.max(sigma[k], minSigma * (Math.abs(mean[k]) + rms));
  }
  return { best, value: bestValue, evaluations: used };
}
