/**
 * Exact power-of-two scaling of binary64 numbers over the WHOLE exponent range (normal and subnormal),
 * with one correct rounding at most, and its outward-rounded variants.
 *
 * `x * 2 ** k` in JavaScript is unsafe for this purpose: 2 ** k is not representable for k > 1023 or
 * k < −1074 (it becomes Infinity or 0), and splitting k into two factors can round twice when the
 * intermediate result is subnormal. `ldexp` below normalises x to m ∈ [1, 2) first (exactly: scaling
 * that stays in the normal range, or scales a subnormal up, is exact) and then multiplies by ONE
 * representable power of two, so the result is the correctly rounded value of x·2^k (IEEE 754
 * round to nearest even), i.e. exact unless it underflows (error ≤ ETA/2) or overflows (±Infinity).
 */
import { ETA } from './matrix.ts';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // index of the high word (little-endian: 1)
const TWO_P600 = 2 ** 600;

/** 2^k exactly, for integers −1074 ≤ k ≤ 1023 (built from the bit pattern, no pow()). */
function pow2InRange(k: number): number {
  if (k >= -1022) {
    U32[HI] = (k + 1023) << 20;
    U32[1 - HI] = 0;
    return F64[0];
  }
  // subnormal: 2^-1022 · 2^(k+1022), the second factor normal in [2^-52, 2^-1]; the product is exact
  return pow2InRange(-1022) * pow2InRange(k + 1022);
}

/** floor(log2|x|) for finite non-zero x (exact, subnormals included). */
export function exponentOf(x: number): number {
  F64[0] = x;
  const e = (U32[HI] >>> 20) & 0x7ff;
  if (e === 0) return exponentOf(x * TWO_P600) - 600; // subnormal: scaling up by 2^600 is exact
  return e - 1023;
}

/**
 * The correctly rounded value of x·2^k (round to nearest even) for finite x and any integer k:
 * exact unless it underflows (then |error| ≤ ETA/2) or overflows (then ±Infinity).
 */
export function ldexp(x: number, k: number): number {
  if (x === 0 || k === 0 || !Number.isFinite(x)) return x;
  if (!Number.isInteger(k)) throw new RangeError(`ldexp: exponent must be an integer, got ${k}`);
  const e = exponentOf(x);
  const target = e + k;
  if (target > 1023) return x > 0 ? Infinity : -Infinity;
  // m = x·2^-e ∈ [1, 2): exact (for e < −1000 in two steps, both scaling up).
  const m = e < -1000 ? x * TWO_P600 * pow2InRange(-e - 600) : x * pow2InRange(-e);
  if (target >= -1074) return m * pow2InRange(target); // ONE rounding (only if the result is subnormal)
  // |x·2^k| < 2^(target+1) ≤ 2^-1074: rounds to ±ETA only above the half-way point 2^-1075.
  if (target === -1075 && Math.abs(m) > 1) return m > 0 ? ETA : -ETA;
  return m > 0 ? 0 : -0;
}

/** 2^k for any integer k (0 below 2^-1074, Infinity above 2^1023). */
export function pow2(k: number): number {
  return ldexp(1, k);
}

/** True when ldexp(x, k) is exactly x·2^k (no underflow loss, no overflow). */
export function ldexpIsExact(x: number, k: number): boolean {
  const r = ldexp(x, k);
  return Number.isFinite(r) && ldexp(r, -k) === x;
}

/** A float ≤ x·2^k (exact when ldexp is; otherwise the next float below the rounded value). */
export function ldexpDown(x: number, k: number): number {
  const r = ldexp(x, k);
  if (r === Infinity) return Number.MAX_VALUE;
  if (!Number.isFinite(r) || ldexp(r, -k) === x) return r;
  return r - ETA; // inexact only through underflow: neighbouring floats there are ETA apart
}

/** A float ≥ x·2^k (exact when ldexp is; otherwise the next float above the rounded value). */
export function ldexpUp(x: number, k: number): number {
  const r = ldexp(x, k);
  if (r === -Infinity) return -Number.MAX_VALUE;
  if (!Number.isFinite(r) || ldexp(r, -k) === x) return r;
  return r + ETA;
}

/**
 * The rows of the N × d row-major matrix `data` scaled by powers of two into the unit range: row i times
 * 2^{−k_i}, k_i = floor(log2 max_t |x_it|) (k_i = 0 for a zero row), so every non-zero row's largest
 * |entry| lies in [1, 2) and its squared norm in [1, 4d) — neither under- nor overflows. Exact (the
 * direction and every ratio within a row are kept) unless an entry underflows, which happens only in a
 * row whose entries span more than 2^1022; `exact` is false then. `out` may be `data` itself (in place).
 */
export function rowsToUnitRange(
  data: ArrayLike<number>,
  n: number,
  d: number,
  out: Float64Array = new Float64Array(n * d),
): { data: Float64Array; exponents: Int32Array; exact: boolean } {
  const exponents = new Int32Array(n);
  let exact = true;
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let t = 0; t < d; t++) m = Math.max(m, Math.abs(data[i * d + t]));
    const k = m > 0 ? exponentOf(m) : 0;
    exponents[i] = k;
    for (let t = 0; t < d; t++) {
      const v = data[i * d + t];
      const r = ldexp(v, -k);
      // |r| < 2: only a subnormal result can have lost bits
      if (exact && v !== 0 && (r === 0 || (Math.abs(r) < 2 ** -1022 && ldexp(r, k) !== v))) exact = false;
      out[i * d + t] = r;
    }
  }
  return { data: out, exponents, exact };
}
