import type { Matrix } from '../linalg/matrix.ts';
import { zeros } from '../linalg/matrix.ts';
import { type Rng, fillGaussianRange, fillSphereRange, gaussian } from './rng.ts';

/**
 * Data distributions on R^d, materialised as N × d row-major matrices (one sample per row).
 * Scalings follow docs/conventions.md#data-scaling: the deep-network results (arXiv 2012.11654, Assumption 2.1)
 * want E‖x‖² = Θ(d) (Gaussian N(0, I_d), sphere of
 * radius √d, Rademacher ±1); the two-layer results want unit-norm data (unit sphere).
 */
export type DistributionFamily =
  | 'gaussian' // N(0, I_d)
  | 'gaussian-scaled' // N(0, I_d / d): E‖x‖² = 1
  | 'unit-sphere' // uniform on S^{d−1}
  | 'sqrt-d-sphere' // uniform on the sphere of radius √d
  | 'rademacher'; // uniform on {−1, +1}^d

export const DISTRIBUTION_FAMILIES: readonly DistributionFamily[] = ['gaussian', 'gaussian-scaled', 'unit-sphere', 'sqrt-d-sphere', 'rademacher'];

export interface DistributionSpec {
  family: DistributionFamily;
  /** Optional mean shift added to every sample (the non-zero-mean variants): x + shift · e, with e = (1,…,1)/√d. */
  shift?: number;
}

export function describeDistribution(spec: DistributionSpec): string {
  return spec.shift ? `${spec.family}+shift(${spec.shift})` : spec.family;
}

/** Draws one sample into `out` (length d). */
export function sampleInto(rng: Rng, spec: DistributionSpec, out: Float64Array): Float64Array {
  sampleRow(rng, spec.family, spec.shift ?? 0, out, 0, out.length);
  return out;
}

/**
 * One sample into out[o..o+d). Family and shift are passed as plain values and rows as offsets into
 * one buffer: with a fresh subarray per row and spec objects of two shapes ({family} and {family,
 * shift}), V8 deoptimises the sampler on each new shape and family (--trace-deopt on
 * bench/throughput.ts: 'wrong map', 'insufficient type feedback for call').
 */
function sampleRow(rng: Rng, family: DistributionFamily, shift: number, out: Float64Array, o: number, d: number): void {
  const end = o + d;
  switch (family) {
    case 'gaussian':
      fillGaussianRange(rng, out, o, end, 1);
      break;
    case 'gaussian-scaled':
      fillGaussianRange(rng, out, o, end, 1 / Math.sqrt(d));
      break;
    case 'unit-sphere':
    case 'sqrt-d-sphere': {
      fillSphereRange(rng, out, o, end, family === 'unit-sphere' ? 1 : Math.sqrt(d));
      break;
    }
    case 'rademacher':
      for (let k = o; k < end; k++) out[k] = rng.next() < 0.5 ? -1 : 1;
      break;
    default: {
      const never: never = family;
      throw new RangeError(`unknown distribution family ${String(never)}`);
    }
  }
  if (shift) {
    const s = shift / Math.sqrt(d);
    for (let k = o; k < end; k++) out[k] += s;
  }
}

/** N i.i.d. samples as an N × d matrix. */
export function sampleData(rng: Rng, spec: DistributionSpec, n: number, d: number): Matrix {
  if (!(Number.isInteger(n) && n >= 0 && Number.isInteger(d) && d >= 1)) {
    throw new RangeError(`sampleData: need integers N ≥ 0 and d ≥ 1, got N=${n}, d=${d}`);
  }
  const x = zeros(n, d);
  const family = spec.family,
    shift = spec.shift ?? 0;
  for (let i = 0; i < n; i++) sampleRow(rng, family, shift, x.data, i * d, d);
  return x;
}

/** A standard Gaussian matrix with entries N(0, scale²). */
export function gaussianMatrix(rng: Rng, rows: number, cols: number, scale = 1): Matrix {
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = scale * gaussian(rng);
  return m;
}
