import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { exactDecimalOf } from '../../test/support/exactDecimal.ts';
import { fc, test } from '@fast-check/vitest';
import { interval } from '../linalg/interval.ts';
import { around, evaluation, fromEnclosure, fromInterval, positiveDraw, relativeError, sideAt } from './sides.ts';

/** Exact values of doubles (decimal.js at 1,200 digits holds any sum or product of two doubles exactly). */
const X = Decimal.clone({ precision: 1200, minE: -9e15, maxE: 9e15 });
const ex = exact;
function exact(x: number): Decimal {
  return Number.isFinite(x) ? exactDecimalOf(X, x) : new X(x);
}
const finite = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }),
  fc.double({ min: -4, max: 4, noNaN: true }),
  fc.constantFrom(0, 1, -1, Number.MIN_VALUE, 1e-310, 2 ** -1022),
);
const nonNeg = fc.oneof(fc.double({ min: 0, max: 1e300, noNaN: true }), fc.double({ min: 0, max: 1e-300, noNaN: true }), fc.constantFrom(0, Number.MIN_VALUE));

describe('sides: enclosures for the Evaluation of a claim (src/theorem/sides.ts)', () => {
  test.prop([finite, nonNeg], { numRuns: 300 })('around(v, e) contains the exact v ± e', (v, e) => {
    const a = around(v, e);
    expect(exact(a.lo).lte(ex(v).minus(ex(e)))).toBe(true);
    expect(exact(a.hi).gte(ex(v).plus(ex(e)))).toBe(true);
  });

  test.prop([finite, finite, finite], { numRuns: 300 })('sideAt(v, [a, b]): v ± error covers [a, b] exactly', (v, a, b) => {
    const lo = Math.min(a, b),
      hi = Math.max(a, b);
    const { value, error } = sideAt(v, interval(lo, hi));
    expect(value).toBe(v);
    if (error === Infinity) return;
    expect(ex(v).minus(ex(error)).lte(exact(lo))).toBe(true);
    expect(ex(v).plus(ex(error)).gte(exact(hi))).toBe(true);
  });

  test.prop([finite, nonNeg, nonNeg], { numRuns: 300 })('relativeError(v, [r, s]) ≥ |v|·s exactly', (v, r, s) => {
    const e = relativeError(v, interval(Math.min(r, s), Math.max(r, s)));
    expect(exact(e).gte(ex(Math.abs(v)).times(exact(Math.max(r, s))))).toBe(true);
  });

  it('unbounded or empty enclosures and non-finite values give an infinite error', () => {
    expect(sideAt(1, interval(0, Infinity)).error).toBe(Infinity);
    expect(sideAt(1, interval(-1).sqrt()).error).toBe(Infinity);
    expect(sideAt(NaN, interval(0, 1)).error).toBe(Infinity);
    expect(around(1, NaN)).toMatchObject({ lo: -Infinity, hi: Infinity });
    expect(relativeError(Infinity, interval(1))).toBe(Infinity);
    // a point: no error at all, and fromInterval of a point is that point
    expect(sideAt(0.1, interval(0.1)).error).toBe(0);
    expect(fromInterval(interval(3)).value).toBe(3);
  });

  it('fromEnclosure of an unbounded, empty or NaN enclosure: a finite value with an infinite error', () => {
    const cases: [number, number, number][] = [
      [-Infinity, Infinity, 0],
      [2, Infinity, 2],
      [-Infinity, -3, -3],
      [NaN, 1, 1],
      [1, NaN, 1],
      [NaN, NaN, 0],
      [5, 4, 5], // empty
      [Infinity, Infinity, 0],
    ];
    for (const [lower, upper, value] of cases) expect(fromEnclosure({ lower, upper }), `[${lower}, ${upper}]`).toStrictEqual({ value, error: Infinity });
    // the same through fromInterval: a half-line and the empty set
    expect(fromInterval(interval(-Infinity, 7))).toStrictEqual({ value: 7, error: Infinity });
    expect(fromInterval(interval(-1).sqrt())).toStrictEqual({ value: 0, error: Infinity });
  });

  test.prop([finite, finite], { numRuns: 300 })('fromEnclosure([a, b]): value ± error covers [a, b] exactly', (a, b) => {
    const lower = Math.min(a, b),
      upper = Math.max(a, b);
    const { value, error } = fromEnclosure({ lower, upper });
    expect(Number.isFinite(value)).toBe(true);
    expect(ex(value).minus(ex(error)).lte(exact(lower))).toBe(true);
    expect(ex(value).plus(ex(error)).gte(exact(upper))).toBe(true);
  });
});

describe('evaluation', () => {
  it('carries both sides with their errors, and only the extras that are given', () => {
    const ev = evaluation({ value: 1, error: 0.25 }, '>=', { value: -2, error: 0.5 }, { quantities: { n: 3 } });
    expect(ev).toStrictEqual({ lhs: 1, lhsError: 0.25, rhs: -2, rhsError: 0.5, relation: '>=', quantities: { n: 3 } });
    expect(evaluation({ value: 1, error: 0 }, '<=', { value: 2, error: 0 }, { vacuous: false })).toStrictEqual({
      lhs: 1,
      lhsError: 0,
      rhs: 2,
      rhsError: 0,
      relation: '<=',
      vacuous: false,
    });
  });
  it('positiveDraw states y > 0 against an exact zero', () => {
    expect(positiveDraw({ value: 3, error: 1 }, { d: 4 })).toStrictEqual({ lhs: 3, lhsError: 1, rhs: 0, rhsError: 0, relation: '>', quantities: { d: 4 } });
  });
});
