import fc from 'fast-check';
import { UserError } from '../errors.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { applyGeometry, type Geometry, GEOMETRY_FAMILIES, GEOMETRY_K } from '../random/geometry/index.ts';
import { childRng, type Rng, uniformInt } from '../random/rng.ts';
import { decodeNumber, encodeNumber } from '../theorem/codec.ts';

/**
 * The adversarial part of defineBound's instance spaces (`instances.geometry`): structured data geometries
 * (src/random/geometry/index.ts) drawn alongside i.i.d. data, and point moves recorded in the descriptor.
 *
 * A space that declares `geometry` has descriptors with three more fields, after the eight of an i.i.d. space
 * (so that fast-check shrinks N, d and the depth first):
 *   geometry  one of the declared families ('iid' leaves the rows as drawn)
 *   k         the family's integer parameter in [1, 12] (angle 10^−k, cluster radius 10^−k, rank k, δ = 2^−k, …)
 *   moves     rows replaced by the targeted search (src/search/adversarial.ts): [{ row, x }] with the row's
 *             coordinates as exact round-trip number strings (src/theorem/codec.ts), applied after the
 *             geometry and before the normalisation — so a descriptor materialises to the same doubles
 *             wherever it is replayed. Random draws have no moves; shrinking drops moves one at a time. A
 *             move whose row is ≥ N or whose length is not d (after N or d shrank) is ignored.
 * Spaces without `geometry` keep their eight-field descriptors and their draws: declaring it is opt-in.
 */

export interface PointMove {
  row: number;
  x: string[];
}

export interface GeometryFields {
  geometry: Geometry;
  k: number;
  moves: PointMove[];
}

/** `instances.geometry`: a list of families, or 'adversarial' for all of them (i.i.d. included). */
export type GeometryOption = readonly Geometry[] | 'adversarial';

export function resolveGeometry(g: unknown): readonly Geometry[] | undefined {
  if (g === undefined) return undefined;
  if (g === 'adversarial') return GEOMETRY_FAMILIES;
  const known = GEOMETRY_FAMILIES as readonly string[];
  if (!Array.isArray(g) || g.length === 0 || !g.every((x) => typeof x === 'string' && known.includes(x))) {
    const bad = Array.isArray(g) ? g.find((x) => !known.includes(x)) : g;
    throw new UserError(
      `defineBound: instances.geometry must be 'adversarial' or a non-empty list of ${GEOMETRY_FAMILIES.join(', ')}; got ${JSON.stringify(bad ?? g)}`,
    );
  }
  return [...new Set(g as Geometry[])];
}

export function isMoves(v: unknown): v is PointMove[] {
  return (
    Array.isArray(v) &&
    v.every(
      (m) =>
        m !== null &&
        typeof m === 'object' &&
        Object.keys(m).length === 2 &&
        Number.isInteger((m as PointMove).row) &&
        (m as PointMove).row >= 0 &&
        Array.isArray((m as PointMove).x) &&
        (m as PointMove).x.every((s) => typeof s === 'string' && s !== 'NaN' && Number.isFinite(Number(s))),
    )
  );
}

/**
 * The moves field: generates [] (random draws move no point) and shrinks a recorded list by dropping one move
 * at a time, so that a counterexample found by moving points can be shrunk without its generation context.
 */
class MovesArbitrary extends fc.Arbitrary<PointMove[]> {
  generate(): fc.Value<PointMove[]> {
    return new fc.Value([], undefined);
  }
  canShrinkWithoutContext(value: unknown): value is PointMove[] {
    return isMoves(value);
  }
  shrink(value: PointMove[]): fc.Stream<fc.Value<PointMove[]>> {
    return fc.Stream.of(
      ...value.map(
        (_, i) =>
          new fc.Value(
            value.filter((__, j) => j !== i),
            undefined,
          ),
      ),
    );
  }
}

/** The seed field: a decimal string of an integer in [0, 2^31 − 1], shrinkable from its value alone (an unmapper). */
export function seedArbitrary(): fc.Arbitrary<string> {
  return fc.integer({ min: 0, max: 2 ** 31 - 1 }).map(String, (v) => {
    if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,9})$/.test(v) || Number(v) > 2 ** 31 - 1) throw new Error('not a seed');
    return Number(v);
  });
}

export function geometryArbitraries(geometries: readonly Geometry[]) {
  return {
    geometry: fc.constantFrom(...geometries),
    k: fc.integer({ min: GEOMETRY_K[0], max: GEOMETRY_K[1] }),
    moves: new MovesArbitrary(),
  };
}

export function containsGeometryFields(d: Record<string, unknown>, geometries: readonly Geometry[]): boolean {
  return (
    (geometries as readonly unknown[]).includes(d.geometry) &&
    Number.isInteger(d.k) &&
    (d.k as number) >= GEOMETRY_K[0] &&
    (d.k as number) <= GEOMETRY_K[1] &&
    isMoves(d.moves)
  );
}

/** Local move of the hill-climbing phase on the geometry fields: another family, or k one step up or down. */
export function mutateGeometry<T extends GeometryFields>(desc: T, rng: Rng, geometries: readonly Geometry[]): T {
  if (rng.next() < 0.5) return { ...desc, geometry: geometries[uniformInt(rng, geometries.length)] };
  return { ...desc, k: Math.min(GEOMETRY_K[1], Math.max(GEOMETRY_K[0], desc.k + (rng.next() < 0.5 ? -1 : 1))) };
}

/** Applies the descriptor's geometry and moves to the drawn rows x (in place; before normalisation). */
export function shapeRows(x: Matrix, seed: string, f: GeometryFields): Matrix {
  applyGeometry(childRng(seed, 'geometry'), x, f.geometry, f.k);
  const d = x.cols;
  for (const m of f.moves) {
    if (m.row >= x.rows || m.x.length !== d) continue;
    for (let k = 0; k < d; k++) x.data[m.row * d + k] = decodeNumber(m.x[k], `moves[${m.row}].x[${k}]`);
  }
  return x;
}

/** The descriptor with the given rows replaced (the moves of the targeted search), recorded exactly. */
export function withMovedRows<T extends GeometryFields>(desc: T, rows: ReadonlyMap<number, Float64Array>): T {
  const moves = desc.moves.filter((m) => !rows.has(m.row));
  for (const [row, x] of rows) moves.push({ row, x: Array.from(x, encodeNumber) });
  moves.sort((a, b) => a.row - b.row);
  return { ...desc, moves };
}
