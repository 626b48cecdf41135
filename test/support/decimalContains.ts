import DecimalImport from 'decimal.js';
import type { Decimal as DecimalClass } from 'decimal.js';
import { expect } from 'vitest';
import type { Interval } from '../../src/linalg/interval.ts';

/** A decimal value (of any of the clones below). */
export type Dec = DecimalClass;

/** A decimal.js constructor of the given precision (a clone: the global Decimal keeps its settings). */
export function decimalClone(precision: number): typeof DecimalClass {
  return (DecimalImport as unknown as { clone(c: object): typeof DecimalClass }).clone({ precision });
}

/** decimal.js at 50 significant digits, the precision of the activation records' reference values. */
export const D = decimalClone(50);
/** π to 50 digits. */
export const PI = D.acos(-1);

/** The exact value of a double as a 50-digit decimal (x = m·2^-e with m an integer; subnormals included). */
export function exact(x: number): DecimalClass {
  if (!Number.isFinite(x)) throw new RangeError(`exact: ${x} is not a finite double`);
  if (Number.isInteger(x)) return new D(BigInt(x).toString());
  let m = x,
    e = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    e++;
  }
  return new D(BigInt(m).toString()).div(new D(2).pow(e));
}

/** Asserts that the decimal reference value lies in the interval (ends compared exactly). */
export function expectContains(iv: Interval, ref: DecimalClass, what: string): void {
  const ok = ref.gte(exact(iv.lo)) && ref.lte(exact(iv.hi));
  expect(ok, `${what}: ${ref.toSignificantDigits(20).toString()} ∉ [${iv.lo}, ${iv.hi}]`).toBe(true);
}

/** Asserts both dual kernels of an activation record contain their references: E[φφ] ∋ pp and E[φ'φ'] ∋ dd. */
export function expectDualContains(
  du: { phiPhi: Interval; dphiDphi: Interval },
  ref: { pp: DecimalClass; dd: DecimalClass },
  [phiPhi, dphiDphi]: readonly [string, string],
): void {
  expectContains(du.phiPhi, ref.pp, phiPhi);
  expectContains(du.dphiDphi, ref.dd, dphiDphi);
}
