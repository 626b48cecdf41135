import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { exactDecimalOf } from '../../test/support/exactDecimal.ts';
import { nextDown, nextUp } from './ulp.ts';
import { distance, interval, sumOf, type Interval } from './interval.ts';

/**
 * Enclosure arithmetic against decimal.js: every operation's result must contain the exact value at
 * every sampled point of its arguments. The exact values: sums and products of doubles exactly
 * (2,500 significant digits hold any of them), quotients, roots, logarithms, exponentials, arc
 * cosines and powers (integer powers included) at 50 digits (their rounding, ≤ 1e-50 relative, is far below the one-ulp
 * widening of the interval ends).
 */
const Exact = Decimal.clone({ precision: 2500, minE: -9e15, maxE: 9e15 });
const D50 = Decimal.clone({ precision: 50, minE: -9e15, maxE: 9e15 });

const exactCache = new Map<number, Decimal>();
/** The exact value of a finite double, as a Decimal (mantissa · 2^exponent, both exact; test/support/exactDecimal.ts). */
function exact(x: number): Decimal {
  const hit = exactCache.get(x);
  if (hit) return hit;
  const v = exactDecimalOf(Exact, x);
  if (exactCache.size > 50_000) exactCache.clear();
  exactCache.set(x, v);
  return v;
}

function contains(r: Interval, v: Decimal): boolean {
  if (r.isEmpty) return false;
  const okLo = r.lo === -Infinity || exact(r.lo).lte(v);
  const okHi = r.hi === Infinity || exact(r.hi).gte(v);
  return okLo && okHi;
}

function expectContains(r: Interval, v: Decimal, what: string): void {
  if (!contains(r, v)) throw new Error(`${what}: ${r.toString()} does not contain ${v.toSignificantDigits(25).toString()}`);
}

const EDGES = [
  0,
  -0,
  1,
  -1,
  nextDown(1),
  nextUp(1),
  nextUp(-1),
  nextDown(-1),
  0.5,
  2,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  2 ** -1022,
  nextDown(2 ** -1022),
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  1e300,
  -1e300,
  1e-300,
  709.78,
  709.79,
  -745.1,
  -744,
  Math.PI,
  3,
];
/** Finite doubles over the whole range (subnormals, huge values, signed zeros) and the edges above. */
const finite = fc.oneof(
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 4 },
  { arbitrary: fc.double({ min: -4, max: 4, noNaN: true }), weight: 3 },
  { arbitrary: fc.constantFrom(...EDGES), weight: 2 },
);
/** Intervals: points, [a, b] from two finite doubles, and narrow intervals about a point. */
const iv = fc.oneof(
  finite.map((a) => interval(a)),
  fc.tuple(finite, finite).map(([a, b]) => interval(Math.min(a, b), Math.max(a, b))),
  finite.map((a) => interval(nextDown(nextDown(a)), nextUp(a))).filter((i) => Number.isFinite(i.lo) && Number.isFinite(i.hi)),
);
/** Sample points of an interval: its ends and its midpoint. */
const points = (i: Interval): number[] => [...new Set([i.lo, i.hi, i.mid])].filter(Number.isFinite);

const RUNS = Number(process.env.INTERVAL_RUNS ?? 400);

describe('interval arithmetic contains the exact result (decimal.js)', () => {
  test.prop([iv, iv], { numRuns: RUNS })('add, sub, mul (exact)', (a, b) => {
    const s = a.add(b),
      d = a.sub(b),
      p = a.mul(b);
    for (const x of points(a))
      for (const y of points(b)) {
        expectContains(s, exact(x).plus(exact(y)), `${x} + ${y}`);
        expectContains(d, exact(x).minus(exact(y)), `${x} − ${y}`);
        expectContains(p, exact(x).times(exact(y)), `${x} × ${y}`);
      }
  });

  test.prop([iv, iv], { numRuns: RUNS })('div (50 digits), also by intervals containing 0', (a, b) => {
    const q = a.div(b);
    for (const x of points(a))
      for (const y of points(b)) {
        if (y === 0) continue;
        expectContains(q, D50.div(exact(x), exact(y)), `${x} / ${y}`);
      }
  });

  test.prop([iv], { numRuns: RUNS })('sqrt, log, exp, acos on their domains', (a) => {
    const r = a.sqrt(),
      l = a.log(),
      e = a.exp(),
      c = a.acos();
    for (const x of points(a)) {
      const ex = exact(x);
      if (x >= 0) expectContains(r, D50.sqrt(ex), `√${x}`);
      if (x > 0) expectContains(l, D50.ln(ex), `log ${x}`);
      if (x > -1e6 && x < 1e6) expectContains(e, D50.exp(ex), `exp ${x}`);
      else if (x >= 1e6) expect(e.hi).toBe(Infinity);
      else expect(e.lo).toBe(0);
      if (x >= -1 && x <= 1) expectContains(c, D50.acos(ex), `acos ${x}`);
    }
  });

  test.prop([iv, fc.integer({ min: -40, max: 40 })], { numRuns: RUNS })('integer powers', (a, n) => {
    const r = a.pow(n);
    for (const x of points(a)) {
      if (x === 0 && n < 0) continue;
      expectContains(r, D50.pow(exact(x), n), `${x}^${n}`);
    }
  });

  test.prop([iv, fc.oneof(fc.double({ min: -8, max: 8, noNaN: true }), fc.constantFrom(0.5, -0.5, 1 / 3, 2.5))], { numRuns: RUNS })(
    'real powers (x ≥ 0)',
    (a, y) => {
      const r = a.pow(y);
      for (const x of points(a)) {
        if (x < 0 || (x === 0 && y <= 0) || Number.isInteger(y)) continue;
        const v = x === 0 ? new D50(0) : D50.exp(D50.ln(exact(x)).times(exact(y)));
        // Only where the exact power is a finite double's magnitude or beyond (decimal.js exp is slow for huge exponents).
        if (D50.ln(exact(x)).times(exact(y)).abs().gt(2000)) continue;
        expectContains(r, v, `${x}^${y}`);
      }
    },
  );

  it('π, and the exact values at domain edges', () => {
    expectContains(interval.PI, D50.acos(-1), 'π');
    expect(interval.PI.hi).toBe(nextUp(interval.PI.lo));
    const acos1 = interval(1).acos();
    expect([acos1.lo, acos1.hi]).toEqual([0, 0]);
    const acosM1 = interval(-1).acos();
    expect([acosM1.lo, acosM1.hi]).toEqual([interval.PI.lo, interval.PI.hi]);
    // Domain restriction: [1 − 2u, 1 + 2u] is treated as [1 − 2u, 1].
    const c = interval(nextDown(1), nextUp(1)).acos();
    expect(c.lo).toBe(0);
    expectContains(c, D50.acos(exact(nextDown(1))), 'acos(1 − u)');
    expect(interval(0).sqrt().hi).toBe(0);
    expect(interval(-1e-300, 4).sqrt().lo).toBe(0);
    expect(interval(0, 1).log().lo).toBe(-Infinity);
    expect(interval(1).log().lo).toBe(0);
    expect(interval(1).log().hi).toBe(0);
    expect(interval(0).exp().lo).toBe(1);
    expect(interval(-2, -1).sqrt().isEmpty).toBe(true);
    expect(interval(-2, 0).log().isEmpty).toBe(true);
    expect(interval(1.5, 2).acos().isEmpty).toBe(true);
    expect(interval(1).div(0).isEmpty).toBe(true);
    expect(interval(1).div(interval(-1, 1))).toMatchObject({ lo: -Infinity, hi: Infinity });
    const q = interval(1, 2).div(interval(0, 4));
    expect([q.lo, q.hi]).toEqual([nextDown(0.25), Infinity]); // 1/4 widened by one ulp, then unbounded
    expect(interval(-1, 2).pow(2).lo).toBe(0);
    expect(interval(0).pow(0.5)).toMatchObject({ lo: 0, hi: 0 });
    expect(interval(Number.MAX_VALUE).add(Number.MAX_VALUE).hi).toBe(Infinity);
    expect(interval(Number.MAX_VALUE).add(Number.MAX_VALUE).lo).toBe(Number.MAX_VALUE);
  });

  it('is tight: point operations are at most a few ulps wide', () => {
    const ulps = (i: Interval, v: number) => (i.hi - i.lo) / (nextUp(Math.abs(v)) - Math.abs(v));
    const x = interval(0.7),
      y = interval(1.3);
    expect(ulps(x.add(y), 2)).toBeLessThanOrEqual(1);
    expect(ulps(x.mul(y), 0.91)).toBeLessThanOrEqual(2);
    expect(ulps(x.div(y), 0.53)).toBeLessThanOrEqual(2);
    expect(ulps(x.sqrt(), 0.83)).toBeLessThanOrEqual(2);
    for (const f of ['log', 'exp', 'acos'] as const) expect(ulps(x[f](), Math[f](0.7))).toBeLessThanOrEqual(8);
    expect(interval(1).add(2)).toMatchObject({ lo: 3, hi: 3 }); // exact sums stay points (TwoSum)
    expect(ulps(x.pow(10), 0.7 ** 10)).toBeLessThanOrEqual(24); // 4 products by binary powering, one ulp each way per product
  });

  it('rejects non-real construction and arithmetic with +, − on an interval', () => {
    expect(() => interval(NaN)).toThrow(RangeError);
    expect(() => interval(2, 1)).toThrow(/lower end/);
    expect(() => interval(Infinity)).toThrow(/no real number/);
    expect(() => interval(1).add(NaN)).toThrow(RangeError);
    expect(() => (interval(1) as unknown as number) + 1).toThrow(/used as a number/);
    expect(`${interval(1, 2)}`).toBe('[1, 2]');
    expect(interval({ lower: 1, upper: 2 })).toMatchObject({ lo: 1, hi: 2 });
  });
});

describe('interval.roundedOnce, sumOf and distance', () => {
  test.prop([finite, finite.filter((b) => b !== 0)], { numRuns: RUNS })('roundedOnce of a·b, a/b, a + b, √|a| holds the exact result', (a, b) => {
    const cases: [number, Decimal][] = [
      [a * b, exact(a).times(exact(b))],
      [a + b, exact(a).plus(exact(b))],
      [a / b, D50.div(exact(a), exact(b))],
      [Math.sqrt(Math.abs(a)), D50.sqrt(exact(Math.abs(a)))],
    ];
    for (const [v, ref] of cases) if (Number.isFinite(v)) expectContains(interval.roundedOnce(v), ref, `fl = ${v}`);
  });

  test.prop([fc.array(finite, { maxLength: 30 })], { numRuns: RUNS })('sumOf encloses the exact sum of stored doubles', (v) => {
    const sum = v.reduce((acc, x) => acc.plus(exact(x)), new Exact(0));
    const r = sumOf(v);
    if (Number.isFinite(r.lo) && Number.isFinite(r.hi)) expectContains(r, sum, 'sumOf');
    else expect(r.lo === -Infinity || r.hi === Infinity).toBe(true);
    expect(sumOf([5, 1, 2, 3], 1, 2)).toEqual(interval(3));
  });

  it('distance encloses the exact Euclidean distance of two stored vectors', () => {
    const a = [1, 1e-300, 3.5, -(2 ** 60), 0.1, Number.MIN_VALUE],
      b = [1 + 2 ** -52, -1e-300, 3.5, 2 ** 60, 0.3, 0];
    let s = new Exact(0);
    for (let k = 0; k < a.length; k++) s = s.plus(exact(a[k]).minus(exact(b[k])).pow(2));
    const ref = D50.sqrt(s);
    expectContains(distance(a, b), ref, 'distance');
    expect(distance(a, b).radius).toBeLessThan(1e-14 * ref.toNumber());
    expect(distance([2, 3], [2, 3])).toEqual(interval(0));
  });
});

describe('nextUp / nextDown', () => {
  test.prop([fc.double({ noNaN: true, noDefaultInfinity: true })], { numRuns: 1000 })('are the neighbouring doubles (no double strictly between)', (x) => {
    const u = nextUp(x),
      d = nextDown(x);
    expect(u).toBeGreaterThan(x);
    expect(d).toBeLessThan(x);
    // The exact midpoint of x and a neighbour is not a double: it parses (correctly rounded) to one of the two.
    if (Number.isFinite(u)) expect([x, u]).toContain(exact(x).plus(exact(u)).div(2).toNumber());
    if (Number.isFinite(d)) expect([x, d]).toContain(exact(x).plus(exact(d)).div(2).toNumber());
  });

  it('edges', () => {
    expect(nextUp(0)).toBe(Number.MIN_VALUE);
    expect(nextDown(0)).toBe(-Number.MIN_VALUE);
    expect(nextUp(Number.MAX_VALUE)).toBe(Infinity);
    expect(nextDown(Infinity)).toBe(Number.MAX_VALUE);
    expect(nextUp(-Infinity)).toBe(-Number.MAX_VALUE);
    expect(nextUp(1)).toBe(1 + 2 ** -52);
    expect(nextDown(1)).toBe(1 - 2 ** -53);
    expect(nextUp(-Number.MIN_VALUE)).toBe(-0);
  });
});

describe('interval.roundoff and interval.gamma (rounding-error constants of Higham, eq. (2.4) and Lemma 3.1)', () => {
  const u = new Exact(2).pow(-53);
  const ks = [0, 1, 2, 3, 7, 100, 1001, 2 ** 20 + 1, 2 ** 40 - 3, 2 ** 52 - 1];
  it('roundoff(k) is the point k·u exactly; gamma(k) encloses k·u/(1 − k·u) within a few ulps', () => {
    for (const k of ks) {
      const r = interval.roundoff(k);
      expect(r.lo, `roundoff(${k})`).toBe(r.hi);
      expect(exact(r.lo).eq(u.times(k)), `roundoff(${k})`).toBe(true);
      const ku = u.times(k);
      const g = ku.div(new Exact(1).minus(ku));
      const gi = interval.gamma(k);
      expectContains(gi, g, `gamma(${k})`);
      if (k > 0) expect((gi.hi - gi.lo) / gi.hi, `gamma(${k}) width`).toBeLessThan(1e-15);
    }
    expect(interval.gamma(0)).toMatchObject({ lo: 0, hi: 0 });
  });
  it('gamma(k) with k·u ≥ 1 gives no bound; a non-integer or negative k is rejected', () => {
    expect(interval.gamma(2 ** 53)).toMatchObject({ lo: 0, hi: Infinity });
    expect(() => interval.roundoff(2.5)).toThrow(RangeError);
    expect(() => interval.gamma(-1)).toThrow(RangeError);
  });
});
