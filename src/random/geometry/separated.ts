import type { Matrix } from '../../linalg/matrix.ts';
import { fillGaussian, type Rng } from '../rng.ts';
import { nearDuplicatePair } from './nearDuplicate.ts';

/** Absolute slack on computed distances (their rounding error is below 4d·u ≤ 1e-13 for d ≤ 100 on the unit sphere). */
const SLACK = 1e-12;
const ATTEMPTS = 200;

/**
 * A δ-separated set on the sphere of radius 2^p in the sense of Karhadkar, Murray and Montúfar (antipodal
 * points count as collinear): min_{i≠j} min(‖x_i − x_j‖, ‖x_i + x_j‖) ≥ δ·2^p, with the first pair nearly
 * tight (at distance (δ(1 + 10^−11) + 2·SLACK)·2^p, SLACK = 10^−12). The other points are uniform on the sphere, drawn by
 * rejection; when ATTEMPTS draws all fail for some point, δ is halved for the remaining points (the set
 * stays separated at the returned δ). Writes rows 0..N−1 of x; returns the separation δ it guarantees.
 */
export function separatedSet(rng: Rng, x: Matrix, delta: number, p: number): number {
  const n = x.rows,
    d = x.cols,
    a = x.data;
  const y = new Float64Array(d);
  const unit = (row: number) => {
    let s = 0;
    do {
      fillGaussian(rng, y);
      s = 0;
      for (let k = 0; k < d; k++) s += y[k] * y[k];
    } while (s === 0);
    const f = 1 / Math.sqrt(s);
    for (let k = 0; k < d; k++) a[row * d + k] = y[k] * f;
  };
  const sepOK = (row: number, upto: number, dl: number) => {
    for (let j = 0; j < upto; j++) {
      let m = 0,
        p2 = 0;
      for (let k = 0; k < d; k++) {
        m += (a[row * d + k] - a[j * d + k]) ** 2;
        p2 += (a[row * d + k] + a[j * d + k]) ** 2;
      }
      if (Math.sqrt(Math.min(m, p2)) < dl + SLACK) return false;
    }
    return true;
  };
  if (d === 1) {
    for (let i = 0; i < n; i++) unit(i); // on S^0 the only points are ±1: no separation
    for (let k = 0; k < n * d; k++) a[k] *= 2 ** p;
    return n >= 2 ? 0 : delta;
  }
  let dl = delta;
  if (n >= 1) unit(0);
  if (n >= 2) {
    // the tight pair: x_1 = x_0 rotated by θ, ‖x_1 − x_0‖ = 2 sin(θ/2) = δ(1 + 10^−11) + 2·SLACK
    nearDuplicatePair(rng, x, 0, 1, 2 * Math.asin(Math.min(1, (dl * (1 + 1e-11) + 2 * SLACK) / 2)));
    if (!sepOK(1, 1, dl)) unit(1);
  }
  for (let i = 2; i < n; i++) {
    for (let t = 0; ; t++) {
      unit(i);
      if (sepOK(i, i, dl)) break;
      if (t >= ATTEMPTS) {
        dl /= 2;
        t = 0;
      }
    }
  }
  const f = 2 ** p;
  for (let k = 0; k < n * d; k++) a[k] *= f;
  return dl;
}
