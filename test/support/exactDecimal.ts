import { Decimal } from 'decimal.js';

/**
 * The exact value of a double as a Decimal of decimal.js's global constructor (new Decimal(x) reads the
 * shortest round-trip string, which is not exact): x = m·2^e with m an integer, e ≥ −1074. The caller sets a
 * precision large enough for the products it forms.
 */
export function exactDecimal(x: number): Decimal {
  return exactDecimalOf(Decimal, x);
}

/** 2^e in each constructor, computed once: the power is most of the cost of an exact value at high precision. */
const powersOfTwo = new WeakMap<typeof Decimal, Map<number, Decimal>>();
function powerOfTwo(C: typeof Decimal, e: number): Decimal {
  let byExponent = powersOfTwo.get(C);
  if (!byExponent) powersOfTwo.set(C, (byExponent = new Map()));
  let p = byExponent.get(e);
  if (!p) byExponent.set(e, (p = new C(2).pow(e)));
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
