import fc from 'fast-check';
import type { Matrix } from '../linalg/matrix.ts';
import { zeros } from '../linalg/matrix.ts';
import { DISTRIBUTION_FAMILIES, type DistributionFamily, sampleData } from '../random/distributions.ts';
import { childRng, fillGaussian, type Rng, uniformInt } from '../random/rng.ts';

/**
 * Small, shrinkable instance descriptors (docs/architecture.md#theorems). Generation is kept apart
 * from evaluation: an arbitrary yields a plain JSON descriptor; `materialize*` turns it into
 * matrices with seeded randomness. fast-check shrinks descriptors (smaller N, d, simpler geometry),
 * never matrices.
 */

/** The ranges of the number of samples N and of the dimension d of a data space. */
export interface SizeRanges {
  n: [number, number];
  d: [number, number];
}

/** N and d drawn uniformly from their ranges (shrinking towards the smallest). */
const sizes = (o: SizeRanges) => ({ n: fc.integer({ min: o.n[0], max: o.n[1] }), d: fc.integer({ min: o.d[0], max: o.d[1] }) });

// ---------------------------------------------------------------------------------------------
// Random data sets described by (N, d, distribution family, shift, seed)

export interface DataDescriptor {
  [key: string]: unknown;
  n: number;
  d: number;
  family: DistributionFamily;
  /** Mean shift (non-zero-mean variants); 0 for the centred families. */
  shift: number;
  seed: string;
}

export interface DataDescriptorOptions extends SizeRanges {
  families?: readonly DistributionFamily[];
  /** Range of the mean shift; default no shift. */
  shift?: [number, number];
}

export function dataDescriptor(o: DataDescriptorOptions): fc.Arbitrary<DataDescriptor> {
  return fc.record({
    ...sizes(o),
    family: fc.constantFrom(...(o.families ?? DISTRIBUTION_FAMILIES)),
    shift: o.shift ? fc.double({ min: o.shift[0], max: o.shift[1], noNaN: true }) : fc.constant(0),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }).map(String),
  });
}

export function materializeData(desc: DataDescriptor): Matrix {
  return sampleData(childRng(desc.seed, 'data'), { family: desc.family, shift: desc.shift }, desc.n, desc.d);
}

/** Local move: N or d by ±1..2 (within bounds), another family, or another seed. */
export function mutateDataDescriptor(desc: DataDescriptor, rng: Rng, o: DataDescriptorOptions): DataDescriptor {
  const clamp = (x: number, [lo, hi]: [number, number]) => Math.min(hi, Math.max(lo, x));
  const step = () => (rng.next() < 0.5 ? -1 : 1) * (1 + uniformInt(rng, 2));
  switch (uniformInt(rng, 4)) {
    case 0:
      return { ...desc, n: clamp(desc.n + step(), o.n) };
    case 1:
      return { ...desc, d: clamp(desc.d + step(), o.d) };
    case 2: {
      const fams = o.families ?? DISTRIBUTION_FAMILIES;
      return { ...desc, family: fams[uniformInt(rng, fams.length)] };
    }
    default:
      return { ...desc, seed: String(uniformInt(rng, 2 ** 31 - 1)) };
  }
}

// ---------------------------------------------------------------------------------------------
// Explicit small point sets (N ≤ 8) for adversarial geometry, generated coordinate-wise

export type Geometry = 'generic' | 'near-parallel' | 'antipodal' | 'clustered' | 'duplicate';
export const GEOMETRIES: readonly Geometry[] = ['generic', 'near-parallel', 'antipodal', 'clustered', 'duplicate'];

export interface PointSetDescriptor {
  [key: string]: unknown;
  /** Base coordinates, one row per point. */
  points: number[][];
  geometry: Geometry;
  /** The geometry moves point `j` relative to point 0 at scale 10^(−exponent). */
  exponent: number;
  j: number;
  /** Normalise every point to unit norm after the geometry is applied. */
  unitNorm: boolean;
}

export interface PointSetOptions extends SizeRanges {
  geometries?: readonly Geometry[];
  /** Range of the exponent k in the scale 10^(−k) of near-parallel / clustered perturbations. */
  exponent?: [number, number];
  unitNorm?: boolean;
}

const coordinate = fc.double({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true });

export function pointSet(o: PointSetOptions): fc.Arbitrary<PointSetDescriptor> {
  const [elo, ehi] = o.exponent ?? [1, 12];
  return fc.record(sizes(o)).chain(({ n, d }) =>
    fc.record({
      points: fc.array(fc.array(coordinate, { minLength: d, maxLength: d }), { minLength: n, maxLength: n }),
      geometry: fc.constantFrom(...(o.geometries ?? GEOMETRIES)),
      exponent: fc.integer({ min: elo, max: ehi }),
      j: fc.integer({ min: 1, max: Math.max(1, n - 1) }),
      unitNorm: fc.constant(o.unitNorm ?? true),
    }),
  );
}

/**
 * Materialises a point set: point j is moved relative to point 0 —
 * near-parallel: x_j ← x_0 + 10^(−k)·x_j; antipodal: x_j ← −x_0 + 10^(−k)·x_j;
 * clustered: every point x_i ← x_0 + 10^(−k)·x_i (i ≥ 1); duplicate: x_j ← x_0 exactly.
 */
export function materializePointSet(desc: PointSetDescriptor): Matrix {
  const n = desc.points.length;
  const d = n === 0 ? 0 : desc.points[0].length;
  const x = zeros(n, d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) x.data[i * d + k] = desc.points[i][k];
  const eps = 10 ** -desc.exponent;
  const j = Math.min(desc.j, n - 1);
  const move = (i: number, sign: number) => {
    for (let k = 0; k < d; k++) x.data[i * d + k] = sign * x.data[k] + eps * x.data[i * d + k];
  };
  if (n >= 2) {
    switch (desc.geometry) {
      case 'near-parallel':
        move(j, 1);
        break;
      case 'antipodal':
        move(j, -1);
        break;
      case 'clustered':
        for (let i = 1; i < n; i++) move(i, 1);
        break;
      case 'duplicate':
        for (let k = 0; k < d; k++) x.data[j * d + k] = x.data[k];
        break;
      case 'generic':
        break;
    }
  }
  if (desc.unitNorm) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += x.data[i * d + k] ** 2;
      if (s > 0) {
        const r = 1 / Math.sqrt(s);
        for (let k = 0; k < d; k++) x.data[i * d + k] *= r;
      }
    }
  }
  return x;
}

/** Local move: nudge one coordinate (at a random scale), or push the geometry one decade tighter/looser. */
export function mutatePointSet(desc: PointSetDescriptor, rng: Rng, o: PointSetOptions): PointSetDescriptor {
  const [elo, ehi] = o.exponent ?? [1, 12];
  if (rng.next() < 0.3) {
    const exponent = Math.min(ehi, Math.max(elo, desc.exponent + (rng.next() < 0.6 ? 1 : -1)));
    return { ...desc, exponent };
  }
  const points = desc.points.map((p) => p.slice());
  const i = uniformInt(rng, points.length);
  const k = uniformInt(rng, points[i].length);
  const scale = 10 ** -(uniformInt(rng, 6) + 1);
  points[i][k] = Math.min(1, Math.max(-1, points[i][k] + scale * (2 * rng.next() - 1)));
  return { ...desc, points };
}

// ---------------------------------------------------------------------------------------------
// Labels

/** Labels y ∈ R^n drawn N(0,1) from a seed (the label vector of Du et al. / Arora et al.). */
export function labelsFromSeed(n: number, seed: string): Float64Array {
  return fillGaussian(childRng(seed, 'labels'), new Float64Array(n));
}
