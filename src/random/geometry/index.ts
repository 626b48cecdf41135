import type { Matrix } from '../../linalg/matrix.ts';
import type { Rng } from '../rng.ts';
import { antipodalPair } from './antipodal.ts';
import { tightClusters } from './clusters.ts';
import { heavyTailedNorms } from './heavyTailed.ts';
import { gaussianMixture } from './mixture.ts';
import { nearDuplicatePair } from './nearDuplicate.ts';
import { separatedSet } from './separated.ts';
import { lowRankSubspace } from './subspace.ts';

/**
 * Structured data geometries (instance-space families of defineBound's `instances.geometry`), each applied to
 * a data set X drawn as usual (i.i.d. rows from the bound's data source) and driven by one integer k ≥ 1:
 *
 *   iid             X unchanged
 *   near-duplicate  x_1 ← x_0 rotated by the angle 10^−k                   (nearDuplicate.ts)
 *   antipodal       x_1 ← −x_0 exactly                                      (antipodal.ts)
 *   clusters        two centres x_0, x_1; x_i ← x_{i mod 2} + offset of relative norm 10^−k   (clusters.ts)
 *   subspace        X replaced by N points on a random subspace of rank min(k, d − 1) (≥ 1), exactly
 *                   (subspace.ts), at the mean row norm of X
 *   separated       X replaced by a δ-separated set, δ = 2^−k, on a sphere of radius 2^p near the mean row
 *                   norm of X, its first pair tight (separated.ts)
 *   mixture         three components with means x_0, x_1, x_2 and relative spread 10^(−k/4)   (mixture.ts)
 *   heavy-tailed    row i scaled by 2^e_i, e_i uniform in [−4k, 4k] (heavyTailed.ts)
 *
 * Each is a deterministic function of (X, k, rng).
 */
export type Geometry = 'iid' | 'near-duplicate' | 'antipodal' | 'clusters' | 'subspace' | 'separated' | 'mixture' | 'heavy-tailed';

export const GEOMETRY_FAMILIES: readonly Geometry[] = ['iid', 'near-duplicate', 'antipodal', 'clusters', 'subspace', 'separated', 'mixture', 'heavy-tailed'];

/** Range of the geometry parameter k. */
export const GEOMETRY_K: [number, number] = [1, 12];

function meanRowNorm(x: Matrix): number {
  let t = 0;
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    for (let k = 0; k < x.cols; k++) s += x.data[i * x.cols + k] ** 2;
    t += Math.sqrt(s);
  }
  return x.rows > 0 ? t / x.rows : 1;
}

/** Applies geometry `g` with parameter k to X in place and returns it. */
export function applyGeometry(rng: Rng, x: Matrix, g: Geometry, k: number): Matrix {
  const n = x.rows,
    d = x.cols;
  switch (g) {
    case 'iid':
      return x;
    case 'near-duplicate':
      return n >= 2 ? nearDuplicatePair(rng, x, 0, 1, 10 ** -k) : x;
    case 'antipodal':
      return n >= 2 ? antipodalPair(x, 0, 1) : x;
    case 'clusters':
      return tightClusters(rng, x, Math.min(2, n), 10 ** -k);
    case 'subspace':
      return lowRankSubspace(rng, x, Math.max(1, Math.min(k, d - 1)), meanRowNorm(x));
    case 'separated': {
      const m = meanRowNorm(x);
      separatedSet(rng, x, 2 ** -k, m > 0 && Number.isFinite(m) ? Math.round(Math.log2(m)) : 0);
      return x;
    }
    case 'mixture':
      gaussianMixture(rng, x, Math.min(3, n), 10 ** (-k / 4));
      return x;
    case 'heavy-tailed':
      heavyTailedNorms(rng, x, 4 * k);
      return x;
    default: {
      const never: never = g;
      throw new RangeError(`unknown geometry ${String(never)}`);
    }
  }
}
