import type { Matrix } from '../../linalg/matrix.ts';
import { fillGaussian, type Rng } from '../rng.ts';

/**
 * Tight clusters: rows 0..c−1 are the centres; every row i ≥ c becomes its centre x_{i mod c} plus a
 * Gaussian offset of norm exactly-rounded radius·‖x_{i mod c}‖ (radius = 10^(−k) in the instance spaces), so
 * each point lies at relative distance `radius` from its centre. Returns x, modified in place.
 */
export function tightClusters(rng: Rng, x: Matrix, c: number, radius: number): Matrix {
  const n = x.rows,
    d = x.cols,
    a = x.data;
  const g = new Float64Array(d);
  for (let i = c; i < n; i++) {
    const ctr = (i % c) * d;
    let nc = 0;
    for (let k = 0; k < d; k++) nc += a[ctr + k] ** 2;
    fillGaussian(rng, g);
    let ng = 0;
    for (let k = 0; k < d; k++) ng += g[k] * g[k];
    const s = ng > 0 ? (radius * Math.sqrt(nc)) / Math.sqrt(ng) : 0;
    for (let k = 0; k < d; k++) a[i * d + k] = a[ctr + k] + s * g[k];
  }
  return x;
}
