import { Decimal } from 'decimal.js';

/**
 * The exact value of a double as a Decimal of decimal.js's global constructor (new Decimal(x) reads the
 * shortest round-trip string, which is not exact): x = m·2^e with m an integer, e ≥ −1074. The caller sets a
 * precision large enough for the products it forms.
 */
export function exactDecimal(x: number): Decimal {
  return exactDecimalOf(Decimal, x);
}

/**
 * 2^e in each constructor at its current precision, computed once: the power is most of the cost of an exact value
 * at high precision. Keyed by the precision too — callers raise a constructor's precision with `set`, and a power
 * rounded at a lower precision would not be exact at the higher one.
 */
const powersOfTwo = new WeakMap<typeof Decimal, Map<string, Decimal>>();
function powerOfTwo(C: typeof Decimal, e: number): Decimal {
  let cache = powersOfTwo.get(C);
  if (!cache) powersOfTwo.set(C, (cache = new Map()));
  const key = `${C.precision}:${e}`;
  let p = cache.get(key);
  if (!p) cache.set(key, (p = new C(2).pow(e)));
  return p;
}

/** exactDecimal in the constructor C (e.g. a clone of higher precision). */
export function exactDecimalOf(C: typeof Decimal, x: number): Decimal {
  if (x === 0) return new C(0);
  let e = Math.max(-1074, Math.floor(Math.log2(Math.abs(x))) - 52); // 2^e must stay representable
  let m = x / 2 ** e;
  while (!Number.isInteger(m)) {
    e -= 1;
    m = x / 2 ** e;
  }
  return new C(m).times(powerOfTwo(C, e));
}
