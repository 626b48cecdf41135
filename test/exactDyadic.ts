/**
 * Exact dyadic arithmetic for test oracles: every finite double is m·2^e with integers m, e, and sums and
 * products of such numbers stay dyadic, so a ReLU network's forward and backward passes on the stored
 * doubles are evaluated EXACTLY (BigInt mantissas; activation patterns decided on exact signs).
 */
import { Dm, type Dec } from './kernelReference.ts';

export interface Dy {
  m: bigint;
  e: number;
}

const F = new Float64Array(1);
const U = new BigUint64Array(F.buffer);

export function dy(x: number): Dy {
  if (!Number.isFinite(x)) throw new RangeError(`dy: ${x} is not finite`);
  if (x === 0) return { m: 0n, e: 0 };
  F[0] = x;
  const bits = U[0];
  const ex = Number((bits >> 52n) & 0x7ffn),
    man = bits & ((1n << 52n) - 1n);
  const m = ex === 0 ? man : man | (1n << 52n);
  return { m: x < 0 ? -m : m, e: ex === 0 ? -1074 : ex - 1075 };
}

export const DY_ZERO: Dy = { m: 0n, e: 0 };
export const DY_ONE: Dy = { m: 1n, e: 0 };

export function dyAdd(a: Dy, b: Dy): Dy {
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  return { m: (a.m << BigInt(a.e - e)) + (b.m << BigInt(b.e - e)), e };
}

export const dyMul = (a: Dy, b: Dy): Dy => (a.m === 0n || b.m === 0n ? DY_ZERO : { m: a.m * b.m, e: a.e + b.e });
export const dySign = (a: Dy): number => (a.m > 0n ? 1 : a.m < 0n ? -1 : 0);

const TWO = new Dm(2);
/** The value as a decimal of the test precision (exact when it fits; otherwise correctly rounded). */
export function dyDec(a: Dy): Dec {
  if (a.m === 0n) return new Dm(0);
  const m = new Dm(a.m.toString());
  return a.e >= 0 ? m.mul(TWO.pow(a.e)) : m.div(TWO.pow(-a.e));
}
