import { type Interval, interval } from '../linalg/interval.ts';
import { UNIT_ROUNDOFF } from '../linalg/matrix.ts';
import type { Evaluation, Relation } from './types.ts';

/**
 * Helpers that turn engine results into the sides of an Evaluation. No numerics beyond exact
 * bookkeeping: every value and bound comes from the engine.
 */

/**
 * A side known to lie in [lower, upper]: its midpoint with the half-width as error (rounded up).
 * An unbounded enclosure (an infinite end), an empty one (lower > upper) or a NaN end bounds nothing:
 * the value is the finite end if there is one (lower first), else 0, and the error is +∞, so that
 * the instance is inconclusive (docs/adding-a-claim.md).
 */
export function fromEnclosure(e: { lower: number; upper: number }): { value: number; error: number } {
  if (!(e.lower <= e.upper) || !Number.isFinite(e.lower) || !Number.isFinite(e.upper)) {
    return { value: Number.isFinite(e.lower) ? e.lower : Number.isFinite(e.upper) ? e.upper : 0, error: Infinity };
  }
  const value = 0.5 * e.lower + 0.5 * e.upper;
  const half = Math.max(e.upper - value, value - e.lower);
  return { value, error: half * (1 + 4 * UNIT_ROUNDOFF) + Number.MIN_VALUE };
}

/**
 * Error of f(x) for a monotone f when x is known to within ±dx: |f(x) − f(x ± dx)| bounds the
 * propagated error (plus `fRounding`, the rounding of f itself). Works where f' is unbounded
 * (e.g. arccos near ±1), unlike a derivative-based bound. `domain` clamps the perturbed arguments.
 */
export function monotoneError(f: (t: number) => number, x: number, dx: number, fRounding: number, domain: [number, number] = [-Infinity, Infinity]): number {
  const lo = Math.max(domain[0], x - dx),
    hi = Math.min(domain[1], x + dx);
  const fx = f(x);
  const spread = Math.max(Math.abs(f(hi) - fx), Math.abs(fx - f(lo)));
  return (spread + fRounding) * (1 + 8 * UNIT_ROUNDOFF) + Number.MIN_VALUE;
}

/** A side known to lie in the interval x: fromEnclosure of its ends. */
export function fromInterval(x: Interval): { value: number; error: number } {
  return fromEnclosure({ lower: x.lo, upper: x.hi });
}

/**
 * The reals within `error` of `value`: [value − error, value + error], rounded outward (src/linalg/interval.ts).
 * A non-finite value or an error that is not a number ≥ 0 gives [−∞, ∞].
 */
export function around(value: number, error: number): Interval {
  if (!Number.isFinite(value) || !(error >= 0)) return interval(-Infinity, Infinity);
  return interval(value).add(interval(-error, error));
}

/**
 * A side whose computed value is `value` and whose exact value lies in `enclosure`: the error is the
 * distance from value to the farther end, rounded up (Infinity for an unbounded or empty enclosure).
 */
export function sideAt(value: number, enclosure: Interval): { value: number; error: number } {
  const { lo, hi } = enclosure;
  if (enclosure.isEmpty || !Number.isFinite(value) || lo === -Infinity || hi === Infinity) return { value, error: Infinity };
  const above = interval(hi).sub(value).hi,
    below = interval(value).sub(lo).hi;
  return { value, error: Math.max(above, below, 0) };
}

/** An upper bound on |value|·rel for every rel in `rel` (a relative error enclosed by an interval ≥ 0), rounded up. */
export function relativeError(value: number, rel: Interval): number {
  if (!Number.isFinite(value) || rel.isEmpty) return Infinity;
  return interval(Math.abs(value)).mul(rel).hi;
}

/** A side's value and a rigorous bound on |value − exact value| (what fromEnclosure, fromInterval and sideAt return). */
export interface SideValue {
  value: number;
  error: number;
}

/** A side that is an exact double: error 0. */
export function exact(value: number): SideValue {
  return { value, error: 0 };
}

/**
 * The Evaluation of `lhs relation rhs` from its two sides, each a value with its error bound, and the optional
 * reported quantities and vacuity mark (types.ts, Evaluation).
 */
export function evaluation(
  lhs: SideValue,
  relation: Relation,
  rhs: SideValue,
  extra: { quantities?: Record<string, number>; vacuous?: boolean } = {},
): Evaluation {
  return {
    lhs: lhs.value,
    lhsError: lhs.error,
    rhs: rhs.value,
    rhsError: rhs.error,
    relation,
    ...(extra.quantities ? { quantities: extra.quantities } : {}),
    ...(extra.vacuous !== undefined ? { vacuous: extra.vacuous } : {}),
  };
}

/**
 * One draw of a scaling claim (docs/architecture.md#scaling-verdicts): its quantity y must be certified
 * positive (y > 0 beyond its error bound) for the log-log fit to use it.
 */
export function positiveDraw(y: SideValue, quantities: Record<string, number>): Evaluation {
  return evaluation(y, '>', exact(0), { quantities });
}
