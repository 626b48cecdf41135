import { UNIT_ROUNDOFF } from '../linalg/matrix.ts';

/**
 * Helpers that turn engine results into the sides of an Evaluation. No numerics beyond exact
 * bookkeeping: every value and bound comes from the engine.
 */

/** A side known to lie in [lower, upper]: its midpoint with the half-width as error (rounded up). */
export function fromEnclosure(e: { lower: number; upper: number }): { value: number; error: number } {
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
  const lo = Math.max(domain[0], x - dx), hi = Math.min(domain[1], x + dx);
  const fx = f(x);
  const spread = Math.max(Math.abs(f(hi) - fx), Math.abs(fx - f(lo)));
  return (spread + fRounding) * (1 + 8 * UNIT_ROUNDOFF) + Number.MIN_VALUE;
}
