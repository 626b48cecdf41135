import fc from 'fast-check';
import { type Interval, interval } from '../linalg/interval.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { DISTRIBUTION_FAMILIES } from '../random/distributions.ts';
import { type Rng, uniformInt } from '../random/rng.ts';
import {
  type DataDescriptor,
  type DataDescriptorOptions,
  dataDescriptor,
  GEOMETRIES,
  materializeData,
  materializePointSet,
  mutateDataDescriptor,
  mutatePointSet,
  type PointSetDescriptor,
  type PointSetOptions,
  pointSet,
} from './arbitraries.ts';
import { evaluation, fromEnclosure, fromInterval, type SideValue, sideAt } from './sides.ts';
import type { Evaluation, Relation, Theorem } from './types.ts';

/**
 * The scaffold of a catalog claim (docs/adding-a-claim.md): a claim states its instance space (a data set and
 * a few named parameters), its assumptions and its two sides as enclosures of their exact values;
 * defineClaim fills in the rest of the Theorem (src/theorem/types.ts) — the descriptor arbitrary, the
 * materialisation, local moves for the targeted search, coverage cells, the rigorous error bounds of both
 * sides and a cost hint.
 */

/** A named parameter of the instance space: its generator, a local move and its coverage cell. */
export interface Param<T> {
  arbitrary: fc.Arbitrary<T>;
  /** A local move for the targeted search (a neighbouring value). */
  move(value: T, rng: Rng): T;
  /** The coverage cell of a value and the list of all cells. */
  cell(value: T): string;
  cells: readonly string[];
}

/** Integer and finite-set parameters. */
export const param = {
  /** An integer in [min, max]; moves by ±1; one cell per value when there are at most 8, else three bins. */
  int(min: number, max: number): Param<number> {
    if (!(Number.isInteger(min) && Number.isInteger(max) && min <= max)) throw new RangeError(`param.int: need integers min ≤ max, got ${min}, ${max}`);
    const bins = rangeBins(min, max);
    return {
      arbitrary: fc.integer({ min, max }),
      move: (v, rng) => Math.min(max, Math.max(min, v + (rng.next() < 0.5 ? -1 : 1))),
      cell: (v) => binOf(v, bins),
      cells: bins.map(binLabel),
    };
  },
  /** One of the listed values (numbers, strings or booleans); moves to another one; one cell per value. */
  oneOf<T extends number | string | boolean>(...values: T[]): Param<T> {
    if (values.length === 0) throw new RangeError('param.oneOf: no values');
    return {
      arbitrary: fc.constantFrom(...values),
      move: (v, rng) => (values.length === 1 ? v : (values.filter((w) => w !== v)[uniformInt(rng, values.length - 1)] ?? v)),
      cell: (v) => String(v),
      cells: values.map(String),
    };
  },
};

/** At most three contiguous integer ranges covering [min, max]. */
function rangeBins(min: number, max: number): [number, number][] {
  const n = max - min + 1;
  if (n <= 8) return Array.from({ length: n }, (_, k) => [min + k, min + k]);
  const a = min + Math.floor(n / 3) - 1,
    b = min + Math.floor((2 * n) / 3) - 1;
  return [
    [min, a],
    [a + 1, b],
    [b + 1, max],
  ];
}
const binLabel = ([lo, hi]: [number, number]) => (lo === hi ? String(lo) : `${lo}–${hi}`);
const binOf = (v: number, bins: [number, number][]) => binLabel(bins.find(([lo, hi]) => v >= lo && v <= hi) ?? bins[bins.length - 1]);

/**
 * The data of an instance: random data sets (N points of a distribution family, src/theorem/arbitraries.ts
 * dataDescriptor) or explicit small point sets with an adversarial geometry (pointSet).
 */
export type DataSpace = { random: DataDescriptorOptions } | { points: PointSetOptions };

type ParamValues<P extends Record<string, Param<unknown>>> = { [K in keyof P]: P[K] extends Param<infer T> ? T : never };

/** The descriptor of a claim built by defineClaim: `data` and one field per parameter. */
export type ClaimDescriptor<P extends Record<string, Param<unknown>>> = { [key: string]: unknown; data: DataDescriptor | PointSetDescriptor } & ParamValues<P>;

/**
 * A side of the conclusion, as an enclosure of its EXACT value: an interval (src/linalg/interval.ts), an
 * engine enclosure { lower, upper } (e.g. a certified λ_min), a double that is exact, or a computed value
 * with an enclosure of the exact one ({ value, enclosure }: the value is reported, the enclosure sets the error), or
 * an engine result with its certified error bound ({ value, error }).
 */
export type Side = Interval | { lower: number; upper: number } | number | { value: number; enclosure: Interval } | { value: number; error: number };

export interface Sides {
  lhs: Side;
  rhs: Side;
  relation: Relation;
  quantities?: Record<string, number>;
  /** See Evaluation.vacuous. */
  vacuous?: boolean;
}

/** The evaluation cost a claim assumes when it states none (src/search/budget.ts uses the same default). */
export const DEFAULT_COST_HINT = 200;

export type ClaimSpec<P extends Record<string, Param<unknown>>, I> = Omit<
  Theorem<ClaimDescriptor<P>, I>,
  'kind' | 'constants' | 'descriptors' | 'materialize' | 'assumptions' | 'conclude'
> & {
  /** Default: fc.record({ data, ...params }) of the space; give it to draw a part of the space (e.g. a filter). */
  descriptors?: fc.Arbitrary<ClaimDescriptor<P>>;
  /** Default 'deterministic'. */
  kind?: Theorem['kind'];
  /** Default none. */
  constants?: Theorem['constants'];
  /** The instance space: the data and the named parameters (default none). */
  space: { data: DataSpace; params?: P };
  /** The instance from the data matrix x (default { x }). */
  instance?(x: Matrix, descriptor: ClaimDescriptor<P>): I;
  /** The name of the first broken assumption, or null (default: none). */
  assumptions?(instance: I, descriptor: ClaimDescriptor<P>): string | null;
  /** Both sides as enclosures of their exact values: defineClaim turns them into values and rigorous error bounds. */
  sides(instance: I, descriptor: ClaimDescriptor<P>): Sides;
};

/** A side's value and a rigorous bound on |value − exact|. */
export function sideOf(s: Side): SideValue {
  if (typeof s === 'number') return Number.isFinite(s) ? { value: s, error: 0 } : { value: s, error: Infinity };
  if (interval.is(s)) return fromInterval(s);
  if ('enclosure' in s) return sideAt(s.value, s.enclosure);
  if ('error' in s) return Number.isFinite(s.value) && s.error >= 0 ? { value: s.value, error: s.error } : { value: s.value, error: Infinity };
  return fromEnclosure(s);
}

/**
 * A catalog claim from its spec. Defaults: kind 'deterministic', no constants, descriptors { data, ...params }
 * drawn by fast-check (shrinkable: N, d, the parameters), materialisation of the data (random data sets through
 * the seeded distributions, point sets through their geometry), no assumption, a local move (half the time one
 * parameter by param.move, otherwise the data: N or d ± 1–2, another family or seed, or a point nudged), coverage
 * cells (N in up to three bins, the family or geometry, one cell per parameter value or bin), and costHint
 * DEFAULT_COST_HINT. Every other Theorem field (probes, delta, configKey, twinOf, …) is passed through, and any
 * default can be overridden by giving the field.
 */
export function defineClaim<P extends Record<string, Param<unknown>> = Record<string, never>, I = { x: Matrix }>(
  spec: ClaimSpec<P, I>,
): Theorem<ClaimDescriptor<P>, I> {
  const { space, instance, sides, assumptions, ...rest } = spec;
  const params = (space.params ?? {}) as P;
  const names = Object.keys(params);
  const isRandom = 'random' in space.data;
  const dataArb: fc.Arbitrary<DataDescriptor | PointSetDescriptor> = 'random' in space.data ? dataDescriptor(space.data.random) : pointSet(space.data.points);
  const record: Record<string, fc.Arbitrary<unknown>> = { data: dataArb };
  for (const k of names) record[k] = params[k].arbitrary;
  const nRange = 'random' in space.data ? space.data.random.n : space.data.points.n;
  const nParam = param.int(nRange[0], nRange[1]);
  const families: readonly string[] =
    'random' in space.data ? (space.data.random.families ?? DISTRIBUTION_FAMILIES) : (space.data.points.geometries ?? GEOMETRIES);

  const materialize = (d: ClaimDescriptor<P>): I => {
    const x = isRandom ? materializeData(d.data as DataDescriptor) : materializePointSet(d.data as PointSetDescriptor);
    return instance ? instance(x, d) : ({ x } as I);
  };
  const mutate = (d: ClaimDescriptor<P>, rng: Rng): ClaimDescriptor<P> => {
    if (names.length > 0 && rng.next() < 0.5) {
      const k = names[uniformInt(rng, names.length)];
      return { ...d, [k]: params[k].move(d[k], rng) };
    }
    const data =
      'random' in space.data
        ? mutateDataDescriptor(d.data as DataDescriptor, rng, space.data.random)
        : mutatePointSet(d.data as PointSetDescriptor, rng, space.data.points);
    return { ...d, data };
  };
  const cells = (d: ClaimDescriptor<P>): Record<string, string> => {
    const data = d.data as DataDescriptor & PointSetDescriptor;
    const out: Record<string, string> = { N: nParam.cell(isRandom ? data.n : data.points.length) };
    out[isRandom ? 'family' : 'geometry'] = String(isRandom ? data.family : data.geometry);
    for (const k of names) out[k] = params[k].cell(d[k]);
    return out;
  };
  const cellSpace: Record<string, readonly string[]> = { N: nParam.cells };
  cellSpace[isRandom ? 'family' : 'geometry'] = families;
  for (const k of names) cellSpace[k] = params[k].cells;

  return {
    kind: 'deterministic',
    constants: [],
    descriptors: fc.record(record) as unknown as fc.Arbitrary<ClaimDescriptor<P>>,
    materialize,
    mutate,
    cells,
    cellSpace,
    costHint: DEFAULT_COST_HINT,
    ...rest,
    assumptions: assumptions ?? (() => null),
    conclude(i, d): Evaluation {
      const s = sides(i, d);
      return evaluation(sideOf(s.lhs), s.relation, sideOf(s.rhs), s);
    },
  };
}
