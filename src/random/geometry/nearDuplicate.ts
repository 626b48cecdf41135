import type { Matrix } from '../../linalg/matrix.ts';
import { fillGaussian, type Rng } from '../rng.ts';

/**
 * Near-duplicate pair: row j becomes row i rotated by the angle θ in the plane of x_i and a random
 * direction u ⊥ x_i, x_j = ‖x_i‖·(cos θ · x_i/‖x_i‖ + sin θ · u), so ∠(x_i, x_j) = θ and ‖x_j‖ = ‖x_i‖ up to
 * rounding (a few ulps of ‖x_i‖ in each coordinate; the angle to relative accuracy ≈ d·u/θ). The family of
 * inputs on which a Gram-type λ_min degenerates (Du et al. 2019, arXiv 1810.02054, Assumption 3.1 excludes
 * parallel inputs). Needs d ≥ 2 (for d = 1 there is no rotation: x_j = x_i). Returns x, modified in place.
 */
export function nearDuplicatePair(rng: Rng, x: Matrix, i: number, j: number, theta: number): Matrix {
  const d = x.cols,
    a = x.data;
  let nx = 0;
  for (let k = 0; k < d; k++) nx += a[i * d + k] ** 2;
  nx = Math.sqrt(nx);
  if (d === 1 || nx === 0) {
    for (let k = 0; k < d; k++) a[j * d + k] = a[i * d + k];
    return x;
  }
  // u: a Gaussian direction with its x_i component removed twice (classical Gram–Schmidt, re-orthogonalised)
  const u = fillGaussian(rng, new Float64Array(d));
  for (let pass = 0; pass < 2; pass++) {
    let c = 0;
    for (let k = 0; k < d; k++) c += u[k] * a[i * d + k];
    c /= nx * nx;
    for (let k = 0; k < d; k++) u[k] -= c * a[i * d + k];
  }
  let nu = 0;
  for (let k = 0; k < d; k++) nu += u[k] * u[k];
  nu = Math.sqrt(nu);
  if (nu === 0) {
    for (let k = 0; k < d; k++) a[j * d + k] = a[i * d + k];
    return x;
  }
  const c = Math.cos(theta),
    s = Math.sin(theta) * (nx / nu);
  for (let k = 0; k < d; k++) a[j * d + k] = c * a[i * d + k] + s * u[k];
  return x;
}
