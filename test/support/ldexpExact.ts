/**
 * m·2^e for m ∈ [−1, 1], e ∈ [−1074, 1023], with at most one rounding: for e > 0 scale up in steps of at most
 * 2^1000 (each exact: |m·2^e| < 2^1024 stays finite), for e ≤ 0 in one step (2^e is a double for e ≥ −1074),
 * so the only rounding is that of the final product into the subnormal range.
 */
export function ldexpExact(m: number, e: number): number {
  let v = m;
  if (e > 0) {
    for (let k = e; k > 0; k -= Math.min(k, 1000)) v *= 2 ** Math.min(k, 1000);
    return v;
  }
  return v * 2 ** e;
}
