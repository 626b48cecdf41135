import { test, fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { exponentOf, ldexp, ldexpDown, ldexpUp, pow2 } from './pow2.ts';

// Independent reference in exact integer arithmetic: x = M·2^E with M a BigInt; x·2^k rounded to the
// binary64 grid (spacing 2^max(e−52, −1074) for a result of exponent e), ties to even, as M'·2^E'.
function exact(x: number): { m: bigint; e: number } {
  if (x === 0) return { m: 0n, e: 0 };
  let m = Math.abs(x),
    e = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    e--;
  } // exact: doubling a float never rounds (no overflow here)
  while (m >= 2 ** 53) {
    m /= 2;
    e++;
  }
  let big = BigInt(m);
  while (big !== 0n && big % 2n === 0n) {
    big /= 2n;
    e++;
  }
  return { m: x < 0 ? -big : big, e };
}

function eq(a: { m: bigint; e: number }, b: { m: bigint; e: number }): boolean {
  if (a.m === 0n || b.m === 0n) return a.m === b.m;
  return a.m === b.m && a.e === b.e;
}

/** Correctly rounded M·2^(E+k) as {m, e}, or 'inf'. */
function reference(x: number, k: number): { m: bigint; e: number } | 'inf' {
  const { m, e } = exact(x);
  if (m === 0n) return { m: 0n, e: 0 };
  const sign = m < 0n ? -1n : 1n;
  let mag = m * sign;
  let ee = e + k;
  const bits = mag.toString(2).length; // value in [2^(bits−1+ee), 2^(bits+ee))
  const topExp = bits - 1 + ee;
  const quantum = Math.max(topExp - 52, -1074);
  if (ee < quantum) {
    const sh = BigInt(quantum - ee);
    const q = mag >> sh,
      r = mag - (q << sh),
      half = 1n << (sh - 1n);
    mag = r > half || (r === half && q % 2n === 1n) ? q + 1n : q;
    ee = quantum;
  }
  if (mag === 0n) return { m: 0n, e: 0 };
  while (mag % 2n === 0n) {
    mag /= 2n;
    ee++;
  }
  if (mag.toString(2).length - 1 + ee > 1023) return 'inf';
  return { m: sign * mag, e: ee };
}

const anyFinite = fc.double({ noNaN: true, noDefaultInfinity: true });

describe('pow2: exact power-of-two scaling over the whole exponent range', () => {
  test.prop([anyFinite, fc.integer({ min: -2200, max: 2200 })], { numRuns: 3000 })('ldexp is the correctly rounded x·2^k', (x, k) => {
    const r = ldexp(x, k);
    const ref = reference(x, k);
    if (ref === 'inf') expect(Math.abs(r)).toBe(Infinity);
    else expect(eq(exact(r), ref), `${x} · 2^${k} → ${r}`).toBe(true);
    const lo = ldexpDown(x, k),
      hi = ldexpUp(x, k);
    // lower ≤ x·2^k ≤ upper, compared exactly: lo·2^-k ≤ x ≤ hi·2^-k in BigInt
    const cmp = (a: number, b: { m: bigint; e: number }): number => {
      const A = exact(a);
      const e = Math.min(A.e, b.e);
      const l = A.m << BigInt(A.e - e),
        rr = b.m << BigInt(b.e - e);
      return l < rr ? -1 : l > rr ? 1 : 0;
    };
    const target = (() => {
      const X = exact(x);
      return { m: X.m, e: X.e + k };
    })();
    if (Number.isFinite(lo)) expect(cmp(lo, target)).toBeLessThanOrEqual(0);
    if (Number.isFinite(hi)) expect(cmp(hi, target)).toBeGreaterThanOrEqual(0);
  });

  it('edge cases: subnormal boundary, ties to even, overflow', () => {
    expect(pow2(-1074)).toBe(5e-324);
    expect(pow2(-1075)).toBe(0);
    expect(pow2(1023)).toBe(2 ** 1023);
    expect(pow2(1024)).toBe(Infinity);
    expect(ldexp(1.5, -1075)).toBe(5e-324); // 0.75·ETA rounds up
    expect(ldexp(1, -1075)).toBe(0); // exactly half: ties to even (0)
    expect(ldexp(3 * 5e-324, 1074)).toBe(3);
    expect(ldexp(Number.MAX_VALUE, -2098)).toBe(ldexp(ldexp(Number.MAX_VALUE, -1023), -1075));
    expect(exponentOf(5e-324)).toBe(-1074);
    expect(exponentOf(Number.MAX_VALUE)).toBe(1023);
    expect(exponentOf(-0.75)).toBe(-1);
  });
});
