import { nextDown, nextUp, stepsDown, stepsUp } from './ulp.ts';

/**
 * Enclosure arithmetic for proposals: closed intervals [lo, hi] of reals with outward rounding, so
 * that a side written with them carries a RIGOROUS error bound of its own arithmetic (defineBound.ts
 * then uses the interval's radius as the side's error and skips the Monte Carlo rounding estimate).
 *
 *   import { defineBound, interval } from 'ntk-audit';
 *   rhs: (q) => q.interval('lambdaMinNTK').sqrt().mul(interval.PI).div(q.N)
 *
 * Containment (the one property every operation guarantees): if x ∈ X and y ∈ Y are reals, then
 * x ∘ y ∈ X.∘(Y), and f(x) ∈ X.f() for every x ∈ X in the domain of f. Set-based semantics as in IEEE
 * 1788-2015 §10: an argument is first intersected with the domain of f (acos: [−1, 1], sqrt: [0, ∞),
 * log: (0, ∞), real pow: x ≥ 0), an argument entirely outside gives the EMPTY interval (NaN ends,
 * which a side reports as NaN: a proposal defect), and division by an interval containing 0 gives
 * the hull of the quotient set (possibly [−∞, ∞]). Endpoints may be ±∞ (a half-line); a point at
 * infinity is not a real and is rejected on construction.
 *
 * Rounding. JavaScript has no directed rounding. +, −, ×, ÷ and √ are correctly rounded (IEEE 754,
 * round to nearest), so the exact result lies within one ulp of the computed one: the ends are moved
 * outward by one ulp (nextDown / nextUp, src/linalg/ulp.ts), except for + and −, whose rounding error
 * is computed exactly (Knuth's TwoSum, Higham "Accuracy and Stability" §4.3) so that exact sums stay
 * points. Math.log, Math.exp and Math.acos are NOT correctly rounded in V8; V8 implements them with
 * ports of fdlibm (V8's src/base/ieee754.cc; fdlibm documents errors below 1 ulp for exp and log). We ASSUME an error of
 * at most 2 ulps and widen each such result by LIBM_ULPS = 4 ulps (4 steps of nextUp / nextDown, which
 * also covers 2 ulps of the exact value when the result sits next to a power of two, and 2 subnormal
 * spacings 2^-1074 in the subnormal range). Values known exactly are not widened: acos(1) = 0,
 * acos(−1) = π (enclosed by [Math.PI, nextUp(Math.PI)], since Math.PI < π < nextUp(Math.PI)),
 * log(1) = 0, log(0⁺) = −∞, exp(0) = 1, exp(−∞) = 0, √0 = 0; and ranges are clipped to the true
 * ranges (acos ∈ [0, π], exp, √ ≥ 0). Integer powers use binary powering with one-ulp outward rounding
 * per product; real powers are exp(y·log x).
 *
 * Only arithmetic done WITH these intervals is covered: a number computed with plain Math.* and then
 * wrapped by interval(v) is the point v, and its own rounding is not accounted for.
 */

const BRAND: unique symbol = Symbol.for('ntk-audit.interval') as never;

/** Widening of Math.log / Math.exp / Math.acos results, in ulps (assumed accuracy: 2 ulps). */
export const LIBM_ULPS = 4;

const PI_LO = Math.PI;
const PI_HI = nextUp(Math.PI);

export type IntervalLike = Interval | number;

export class Interval {
  readonly lo: number;
  readonly hi: number;
  declare readonly [BRAND]: true;

  /** Use `interval(...)`; this constructor does not validate. Empty: both ends NaN. */
  constructor(lo: number, hi: number) {
    const empty = lo !== lo || hi !== hi || lo > hi;
    this.lo = empty ? NaN : lo;
    this.hi = empty ? NaN : hi;
    Object.freeze(this);
  }

  /** True for the empty set (the result of an operation entirely outside its domain). */
  get isEmpty(): boolean {
    return this.lo !== this.lo;
  }

  /** A double in the interval (its midpoint, rounded); NaN when empty, the finite end or 0 for a half-line. */
  get mid(): number {
    const { lo, hi } = this;
    if (lo === hi) return lo;
    if (lo === -Infinity) return hi === Infinity ? 0 : hi;
    if (hi === Infinity) return lo;
    const m = 0.5 * lo + 0.5 * hi;
    return m < lo ? lo : m > hi ? hi : m;
  }

  /** A double r with [lo, hi] ⊆ [m − r, m + r] for m = this.mid (rounded up). */
  get radius(): number {
    const m = this.mid;
    if (this.isEmpty) return NaN;
    const a = this.hi === m ? 0 : nextUp(this.hi - m);
    const b = this.lo === m ? 0 : nextUp(m - this.lo);
    return a > b ? a : b;
  }

  contains(x: number): boolean {
    return x >= this.lo && x <= this.hi;
  }

  add(y: IntervalLike): Interval {
    const b = toInterval(y);
    return new Interval(sumDown(this.lo, b.lo), sumUp(this.hi, b.hi));
  }

  sub(y: IntervalLike): Interval {
    const b = toInterval(y);
    return new Interval(sumDown(this.lo, -b.hi), sumUp(this.hi, -b.lo));
  }

  neg(): Interval {
    return new Interval(-this.hi, -this.lo);
  }

  mul(y: IntervalLike): Interval {
    const b = toInterval(y);
    if (this.isEmpty || b.isEmpty) return EMPTY;
    const lo = Math.min(mulDown(this.lo, b.lo), mulDown(this.lo, b.hi), mulDown(this.hi, b.lo), mulDown(this.hi, b.hi));
    const hi = Math.max(mulUp(this.lo, b.lo), mulUp(this.lo, b.hi), mulUp(this.hi, b.lo), mulUp(this.hi, b.hi));
    return new Interval(lo, hi);
  }

  div(y: IntervalLike): Interval {
    const b = toInterval(y);
    if (this.isEmpty || b.isEmpty) return EMPTY;
    const { lo: c, hi: d } = b;
    if (c === 0 && d === 0) return EMPTY;
    if (c > 0 || d < 0) {
      if (Number.isFinite(this.lo) && Number.isFinite(this.hi) && Number.isFinite(c) && Number.isFinite(d)) {
        const lo = Math.min(divDown(this.lo, c), divDown(this.lo, d), divDown(this.hi, c), divDown(this.hi, d));
        const hi = Math.max(divUp(this.lo, c), divUp(this.lo, d), divUp(this.hi, c), divUp(this.hi, d));
        return new Interval(lo, hi);
      }
      // Infinite ends: x / y = x · (1/y), with 1/±∞ = 0 exactly.
      const rlo = d === Infinity || d === -Infinity ? 0 : divDown(1, d);
      const rhi = c === Infinity || c === -Infinity ? 0 : divUp(1, c);
      return this.mul(new Interval(rlo, rhi));
    }
    // 0 ∈ [c, d]: the hull of {x/y : y ≠ 0} (IEEE 1788 §10.5.5).
    if (this.lo === 0 && this.hi === 0) return new Interval(0, 0);
    if (c < 0 && d > 0) return ENTIRE;
    if (c === 0) {
      // y ∈ (0, d]
      if (this.lo >= 0) return new Interval(this.lo === 0 ? 0 : divDown(this.lo, d), Infinity);
      if (this.hi <= 0) return new Interval(-Infinity, this.hi === 0 ? 0 : divUp(this.hi, d));
      return ENTIRE;
    }
    // y ∈ [c, 0)
    if (this.lo >= 0) return new Interval(-Infinity, this.lo === 0 ? 0 : divUp(this.lo, c));
    if (this.hi <= 0) return new Interval(this.hi === 0 ? 0 : divDown(this.hi, c), Infinity);
    return ENTIRE;
  }

  sqrt(): Interval {
    if (this.isEmpty || this.hi < 0) return EMPTY;
    const lo = Math.max(this.lo, 0),
      hi = this.hi;
    const l = lo === 0 ? 0 : Math.max(0, nextDown(Math.sqrt(lo)));
    const h = hi === 0 ? 0 : hi === Infinity ? Infinity : nextUp(Math.sqrt(hi));
    return new Interval(l, h);
  }

  /** Natural logarithm; ends at 0 give −∞; an interval ≤ 0 gives the empty set. */
  log(): Interval {
    if (this.isEmpty || this.hi <= 0) return EMPTY;
    const { lo, hi } = this;
    const l = lo <= 0 ? -Infinity : lo === 1 ? 0 : stepsDown(Math.log(lo), LIBM_ULPS);
    const h = hi === 1 ? 0 : hi === Infinity ? Infinity : stepsUp(Math.log(hi), LIBM_ULPS);
    return new Interval(l, h);
  }

  exp(): Interval {
    if (this.isEmpty) return EMPTY;
    const { lo, hi } = this;
    const l = lo === -Infinity ? 0 : lo === 0 ? 1 : Math.max(0, stepsDown(Math.exp(lo), LIBM_ULPS));
    const h = hi === -Infinity ? 0 : hi === 0 ? 1 : hi === Infinity ? Infinity : stepsUp(Math.exp(hi), LIBM_ULPS);
    return new Interval(l, h);
  }

  /** Arc cosine on [−1, 1] (decreasing), values in [0, π]. */
  acos(): Interval {
    if (this.isEmpty || this.lo > 1 || this.hi < -1) return EMPTY;
    const lo = Math.max(this.lo, -1),
      hi = Math.min(this.hi, 1);
    const l = hi === 1 ? 0 : hi === -1 ? PI_LO : Math.max(0, stepsDown(Math.acos(hi), LIBM_ULPS));
    const h = lo === 1 ? 0 : lo === -1 ? PI_HI : Math.min(PI_HI, stepsUp(Math.acos(lo), LIBM_ULPS));
    return new Interval(l, h);
  }

  /**
   * x^y. An integer y (a number, or a point interval at an integer) gives the integer power, defined
   * for every x (x^0 = 1, negative powers divide); otherwise exp(y·log x) on x ≥ 0 (0^y = 0 for y > 0).
   */
  pow(y: IntervalLike): Interval {
    const b = toInterval(y);
    if (b.lo === b.hi && Number.isInteger(b.lo)) return this.powInt(b.lo);
    if (this.isEmpty || b.isEmpty || this.hi < 0) return EMPTY;
    if (this.hi === 0) return b.lo > 0 ? new Interval(0, 0) : EMPTY;
    return b.mul(new Interval(Math.max(this.lo, 0), this.hi).log()).exp();
  }

  private powInt(n: number): Interval {
    if (this.isEmpty) return EMPTY;
    if (n === 0) return new Interval(1, 1);
    if (n < 0) return new Interval(1, 1).div(this.powInt(-n));
    const { lo, hi } = this;
    if (n % 2 === 1) {
      // Odd: increasing. a^n = sign(a)·|a|^n.
      const l = lo >= 0 ? powAbsDown(lo, n) : -powAbsUp(-lo, n);
      const h = hi >= 0 ? powAbsUp(hi, n) : -powAbsDown(-hi, n);
      return new Interval(l, h);
    }
    // Even: a function of |x|, increasing in it.
    const mig = lo > 0 ? lo : hi < 0 ? -hi : 0;
    const mag = Math.max(Math.abs(lo), Math.abs(hi));
    return new Interval(powAbsDown(mig, n), powAbsUp(mag, n));
  }

  abs(): Interval {
    const { lo, hi } = this;
    if (lo >= 0 || this.isEmpty) return this;
    if (hi <= 0) return new Interval(-hi, -lo);
    return new Interval(0, Math.max(-lo, hi));
  }

  /** Pointwise minimum {min(x, y)} (exact). */
  min(y: IntervalLike): Interval {
    const b = toInterval(y);
    return new Interval(Math.min(this.lo, b.lo), Math.min(this.hi, b.hi));
  }

  /** Pointwise maximum {max(x, y)} (exact). */
  max(y: IntervalLike): Interval {
    const b = toInterval(y);
    return new Interval(Math.max(this.lo, b.lo), Math.max(this.hi, b.hi));
  }

  /** The smallest interval containing both. */
  hull(y: IntervalLike): Interval {
    const b = toInterval(y);
    if (this.isEmpty) return b;
    if (b.isEmpty) return this;
    return new Interval(Math.min(this.lo, b.lo), Math.max(this.hi, b.hi));
  }

  toString(): string {
    return this.isEmpty ? '[empty]' : `[${this.lo}, ${this.hi}]`;
  }

  /** An interval is not a number: arithmetic on it with +, −, … would silently lose the enclosure. */
  [Symbol.toPrimitive](hint: string): string {
    if (hint === 'string') return this.toString();
    throw new TypeError(`an interval ${this.toString()} was used as a number: use .add/.sub/.mul/.div/… or .mid`);
  }
}

Object.defineProperty(Interval.prototype, BRAND, { value: true });

const EMPTY = new Interval(NaN, NaN);
const ENTIRE = new Interval(-Infinity, Infinity);

function isInterval(x: unknown): x is Interval {
  return typeof x === 'object' && x !== null && (x as { [BRAND]?: unknown })[BRAND] === true;
}

function checkReal(v: unknown, what: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new RangeError(`interval: ${what} must be a number, got ${typeof v === 'number' ? 'NaN' : typeof v}`);
  return v;
}

function toInterval(y: IntervalLike): Interval {
  if (isInterval(y)) return y;
  const v = checkReal(y, 'operand');
  if (!Number.isFinite(v)) throw new RangeError(`interval: operand ${v} is not a real number`);
  return new Interval(v, v);
}

/**
 * An interval: interval(x) is the point x (the double itself — 0.1 stands for the double nearest
 * 1/10, not for 1/10); interval(lo, hi), interval([lo, hi]) or interval({ lower, upper }) (e.g. an
 * engine enclosure) the set [lo, hi]. interval.PI encloses π.
 */
export function interval(a: IntervalLike | readonly [number, number] | { lower: number; upper: number }, b?: number): Interval {
  if (isInterval(a)) return a;
  let lo: number, hi: number;
  if (typeof a === 'number') {
    lo = checkReal(a, 'lower end');
    hi = b === undefined ? lo : checkReal(b, 'upper end');
  } else if (Array.isArray(a) && a.length === 2) {
    lo = checkReal(a[0], 'lower end');
    hi = checkReal(a[1], 'upper end');
  } else if (a !== null && typeof a === 'object' && 'lower' in a && 'upper' in a) {
    lo = checkReal((a as { lower: unknown }).lower, 'lower');
    hi = checkReal((a as { upper: unknown }).upper, 'upper');
  } else throw new RangeError('interval: expected a number, (lo, hi), [lo, hi] or { lower, upper }');
  if (lo > hi) throw new RangeError(`interval: lower end ${lo} > upper end ${hi}`);
  if (lo === Infinity || hi === -Infinity) throw new RangeError(`interval: [${lo}, ${hi}] contains no real number`);
  return new Interval(lo, hi);
}

/** [Math.PI, nextUp(Math.PI)] ∋ π. */
interval.PI = new Interval(PI_LO, PI_HI);

/** Whether a value is an Interval (also across module instances: the brand is a registered symbol). */
interval.is = isInterval;

/**
 * Σ v_k² over v[offset .. offset + length) of stored doubles, as an outward-rounded interval (each square and
 * each partial sum rounded outward): an enclosure of the exact sum of squares, e.g. ‖x‖² or ‖X‖_F².
 */
export function sumOfSquares(v: ArrayLike<number>, offset = 0, length = v.length - offset): Interval {
  let s = new Interval(0, 0);
  for (let k = offset; k < offset + length; k++) {
    const a = v[k];
    if (a !== 0) s = s.add(new Interval(a, a).mul(new Interval(a, a)));
  }
  return s;
}

/**
 * The exact result of ONE correctly rounded operation (+, −, ×, ÷, √ of doubles, IEEE 754 round to nearest) that
 * returned the finite double v: [nextDown(v), nextUp(v)] (also at 0: a product or quotient may underflow to 0).
 * For an engine result such as a count divided by an integer product.
 */
interval.roundedOnce = (v: number): Interval => {
  const x = checkReal(v, 'rounded value');
  if (!Number.isFinite(x)) throw new RangeError(`interval.roundedOnce: ${x} is not a real number`);
  return new Interval(nextDown(x), nextUp(x));
};

/**
 * ‖a − b‖ (the Euclidean norm of the difference of two stored vectors, e.g. the Frobenius distance of two
 * matrices' data), enclosed: each difference, square and partial sum rounded outward, then the square root.
 */
export function distance(a: ArrayLike<number>, b: ArrayLike<number>): Interval {
  if (a.length !== b.length) throw new RangeError(`distance: lengths ${a.length} and ${b.length}`);
  let s = new Interval(0, 0);
  for (let k = 0; k < a.length; k++) {
    if (a[k] === b[k]) continue;
    const d = new Interval(a[k], a[k]).sub(b[k]).abs();
    s = s.add(d.mul(d));
  }
  return s.sqrt();
}

/** Σ v_k over v[offset .. offset + length) of stored doubles, enclosed (each partial sum rounded outward). */
export function sumOf(v: ArrayLike<number>, offset = 0, length = v.length - offset): Interval {
  let s = new Interval(0, 0);
  for (let k = offset; k < offset + length; k++) if (v[k] !== 0) s = s.add(v[k]);
  return s;
}

/** The unit roundoff u = 2^-53 of IEEE 754 binary64, round to nearest. */
const UNIT = 2 ** -53;

/**
 * k·u (u = 2^-53, k ≥ 0): the relative error of k roundings to first order, a point interval (exact for
 * k < 2^53: a power-of-two scaling of an integer). The standard model fl(a ∘ b) = (a ∘ b)(1 + δ),
 * |δ| ≤ u (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., eq. (2.4)).
 */
interval.roundoff = (k: number): Interval => {
  if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`interval.roundoff: k must be an integer ≥ 0, got ${k}`);
  return new Interval(k * UNIT, k * UNIT);
};

/**
 * An enclosure of γ_k = k·u/(1 − k·u) (Higham, Lemma 3.1: |Π(1 + δ_i)^±1 − 1| ≤ γ_k for k roundings); when
 * k·u ≥ 1 the lemma does not apply and the result is [0, ∞] (no bound).
 */
interval.gamma = (k: number): Interval => {
  const ku = interval.roundoff(k);
  if (ku.lo >= 1) return new Interval(0, Infinity);
  return ku.div(new Interval(1, 1).sub(ku));
};

// ---------------------------------------------------------------------------------------------
// Directed scalar operations

/** A double ≤ a + b: exact when TwoSum shows no rounding, else one ulp below when rounded up. */
function sumDown(a: number, b: number): number {
  const s = a + b;
  if (!Number.isFinite(s)) return s === Infinity && Number.isFinite(a) && Number.isFinite(b) ? Number.MAX_VALUE : s;
  const e = twoSumError(a, b, s);
  return e < 0 || !Number.isFinite(e) ? nextDown(s) : s; // a non-finite e (an intermediate overflow): widen
}

function sumUp(a: number, b: number): number {
  const s = a + b;
  if (!Number.isFinite(s)) return s === -Infinity && Number.isFinite(a) && Number.isFinite(b) ? -Number.MAX_VALUE : s;
  const e = twoSumError(a, b, s);
  return e > 0 || !Number.isFinite(e) ? nextUp(s) : s;
}

/** Knuth's TwoSum: the exact a + b − fl(a + b) (finite a, b, s), Higham Alg. 4.3/eq. (4.9). */
function twoSumError(a: number, b: number, s: number): number {
  const bv = s - a;
  const av = s - bv;
  return a - av + (b - bv);
}

function mulDown(a: number, b: number): number {
  if (a === 0 || b === 0) return 0; // 0·∞ = 0 for interval ends
  return nextDown(a * b);
}

function mulUp(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return nextUp(a * b);
}

function divDown(a: number, b: number): number {
  if (a === 0) return 0;
  return nextDown(a / b);
}

function divUp(a: number, b: number): number {
  if (a === 0) return 0;
  return nextUp(a / b);
}

/** A double ≤ a^n, a ≥ 0, n ≥ 1 (binary powering, each product rounded down). */
function powAbsDown(a: number, n: number): number {
  return powAbs(a, n, mulDown);
}

function powAbsUp(a: number, n: number): number {
  return powAbs(a, n, mulUp);
}

function powAbs(a: number, n: number, mul: (x: number, y: number) => number): number {
  if (a === 0 || a === 1 || a === Infinity) return a;
  // All factors are ≥ 0 and the rounding is monotone, so rounding every product in one direction
  // bounds a^n in that direction. Ends stay ≥ 0 (mulDown of positives may step to −2^-1074: clip).
  let r = 1,
    base = a,
    k = n;
  while (k > 0) {
    if (k & 1) r = Math.max(0, mul(r, base));
    k = Math.floor(k / 2);
    if (k > 0) base = Math.max(0, mul(base, base));
  }
  return r;
}
