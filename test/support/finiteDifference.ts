import { expect } from 'vitest';

/**
 * Asserts that the gradient `grad(idx)` of `loss` at w agrees with the central difference
 * (loss(w + h·e_idx) − loss(w − h·e_idx))/(2h) at each coordinate of `indices`, to 1e-6·(1 + |grad|):
 * the O(h²) truncation and the O(u/h) rounding of the difference (h = 1e-6) are both far below that.
 * w itself is not modified.
 */
export function expectCentralDifferences(
  loss: (w: Float64Array) => number,
  w: Float64Array,
  grad: (idx: number) => number,
  indices: readonly number[],
  h = 1e-6,
): void {
  for (const idx of indices) {
    const wp = Float64Array.from(w),
      wm = Float64Array.from(w);
    wp[idx] += h;
    wm[idx] -= h;
    const fd = (loss(wp) - loss(wm)) / (2 * h);
    const g = grad(idx);
    expect(Math.abs(fd - g), `coordinate ${idx}: central difference ${fd}, gradient ${g}`).toBeLessThan(1e-6 * (1 + Math.abs(g)));
  }
}
