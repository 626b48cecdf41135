import type { Matrix } from '../../linalg/matrix.ts';
import { fillGaussian, type Rng, uniformInt } from '../rng.ts';

/**
 * Mixture of c Gaussians: rows 0..c−1 are the component means; every row i ≥ c is drawn from a uniformly
 * chosen component, x_i = m + σ·z with z ~ N(0, I_d) and σ = scale·‖m‖/√d (the component's spread relative to
 * its mean's norm). Returns the component of every row (rows < c are their own).
 */
export function gaussianMixture(rng: Rng, x: Matrix, c: number, scale: number): Int32Array {
  const n = x.rows,
    d = x.cols,
    a = x.data;
  const comp = new Int32Array(n);
  const z = new Float64Array(d);
  for (let i = 0; i < Math.min(c, n); i++) comp[i] = i;
  for (let i = c; i < n; i++) {
    const m = uniformInt(rng, c);
    comp[i] = m;
    let nm = 0;
    for (let k = 0; k < d; k++) nm += a[m * d + k] ** 2;
    const sigma = (scale * Math.sqrt(nm)) / Math.sqrt(d);
    fillGaussian(rng, z);
    for (let k = 0; k < d; k++) a[i * d + k] = a[m * d + k] + sigma * z[k];
  }
  return comp;
}
