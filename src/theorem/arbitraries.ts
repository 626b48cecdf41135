import fc from 'fast-check';
import type { Matrix } from '../linalg/matrix.ts';
import { zeros } from '../linalg/matrix.ts';
import { DISTRIBUTION_FAMILIES, type DistributionFamily, sampleData } from '../random/distributions.ts';
import { childRng, fillGaussian, type Rng, uniformInt } from '../random/rng.ts';
import { type Network, initNetwork } from '../ntk/network.ts';

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

/** A seed: an integer in [0, 2³¹ − 1] as a string, the key of a seeded stream (src/random/rng.ts childRng). */
export const seedArb: fc.Arbitrary<string> = fc.integer({ min: 0, max: 2 ** 31 - 1 }).map(String);

/**
 * The descriptors of a scaling claim outside its designed sweep (docs/architecture.md#scaling-verdicts): a regime,
 * a size of the sweep and a seed, turned into a descriptor by the claim's design.
 */
export function sweepDescriptors<R, D>(
  regimes: readonly R[],
  sizes: readonly number[],
  design: (p: { regime: R; size: number; seed: string }) => D,
): fc.Arbitrary<D> {
  return fc.record({ regime: fc.constantFrom(...regimes), size: fc.constantFrom(...sizes), seed: seedArb }).map((p) => design(p));
}

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
    seed: seedArb,
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
// Finite networks described by (hidden widths, initialisation, seed) (docs/conventions.md#network)

/** The named initialisations of src/ntk/network.ts: β_l = 1, He β_l² = 2/n_{l−1}, LeCun β_l² = 1/n_{l−1}. */
export type InitName = 'standard' | 'he' | 'lecun';
export const INIT_NAMES: readonly InitName[] = ['standard', 'he', 'lecun'];

export interface NetworkDescriptor {
  widths: number[];
  init: InitName;
  netSeed: string;
}

/**
 * The fields of a network descriptor, to spread into a claim's fc.record: hidden widths in `width` (each) with
 * `hidden` layers (so depth L = hidden + 1), an initialisation of `inits` (default all three) and a seed.
 */
export function networkFields(o: { width: [number, number]; hidden: [number, number]; inits?: readonly InitName[] }) {
  return {
    widths: fc.array(fc.integer({ min: o.width[0], max: o.width[1] }), { minLength: o.hidden[0], maxLength: o.hidden[1] }),
    init: fc.constantFrom(...(o.inits ?? INIT_NAMES)),
    netSeed: seedArb,
  };
}

/** The network of a descriptor on inputs of dimension `inputDim`: its weights drawn from the stream childRng(netSeed, 'net'). */
export function materializeNetwork(inputDim: number, d: NetworkDescriptor): Network {
  return initNetwork({ inputDim, widths: d.widths, init: d.init }, childRng(d.netSeed, 'net').seed);
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
