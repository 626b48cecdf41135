/**
 * Neighbouring doubles. nextUp(x) is the smallest double > x and nextDown(x) the largest double < x
 * (IEEE 754-2008 §5.3.1 nextUp / nextDown), computed on the bit pattern: for finite x ≠ 0 the
 * magnitude's 64-bit pattern is incremented or decremented, which moves by one unit in the last
 * place, crosses binade boundaries and the normal/subnormal boundary correctly, and reaches ±Infinity
 * from ±MAX_VALUE. Both zeros step to ±MIN_VALUE (2^-1074); ±Infinity and NaN are fixed points except
 * nextUp(−∞) = −MAX_VALUE and nextDown(+∞) = MAX_VALUE.
 *
 * After one correctly rounded operation (+, −, ×, ÷, √ in IEEE binary64, round to nearest) with
 * result t, the exact result lies in [nextDown(t), nextUp(t)]: rounding to nearest moves by at most
 * half the gap to the neighbouring double, including in the subnormal range and on overflow to ±∞.
 * Unlike `up`/`down` in blas.ts (which widen by 8u|t| + ETA with ordinary arithmetic), this widening
 * is exactly one ulp.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Index of the high (sign/exponent) word of a double in the platform's byte order.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** Moves |x| one ulp away from zero (grow) or towards zero (!grow); x finite and ≠ 0. */
function stepMagnitude(x: number, grow: boolean): number {
  f64[0] = x;
  if (grow) {
    if (u32[LO] === 0xffffffff) {
      u32[LO] = 0;
      u32[HI] += 1;
    } else u32[LO] += 1;
  } else if (u32[LO] === 0) {
    u32[LO] = 0xffffffff;
    u32[HI] -= 1;
  } else u32[LO] -= 1;
  return f64[0];
}

/** The smallest double greater than x (x for +∞ and NaN). */
export function nextUp(x: number): number {
  if (x !== x || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  if (x === -Infinity) return -Number.MAX_VALUE;
  return stepMagnitude(x, x > 0);
}

/** The largest double less than x (x for −∞ and NaN). */
export function nextDown(x: number): number {
  if (x !== x || x === -Infinity) return x;
  if (x === 0) return -Number.MIN_VALUE;
  if (x === Infinity) return Number.MAX_VALUE;
  return stepMagnitude(x, x < 0);
}

/** nextUp applied k times. */
export function stepsUp(x: number, k: number): number {
  for (let i = 0; i < k; i++) x = nextUp(x);
  return x;
}

/** nextDown applied k times. */
export function stepsDown(x: number, k: number): number {
  for (let i = 0; i < k; i++) x = nextDown(x);
  return x;
}
