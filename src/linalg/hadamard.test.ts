import { describe, expect, it } from 'vitest';
import { gershgorinUniform, hadamardPower } from './hadamard.ts';
import { eigvalsh } from './eigh.ts';
import { fromRows } from './matrix.ts';

describe('hadamardPower', () => {
  it('matches exact rational powers and bounds the error of a perturbed input', () => {
    const a = fromRows([
      [2, -0.5],
      [-0.5, 3],
    ]);
    const { matrix, errorBound } = hadamardPower(a, 3);
    expect(Array.from(matrix.data)).toEqual([8, -0.125, -0.125, 27]);
    expect(errorBound).toBeLessThan(1e-12);
    const e = 1e-6;
    const b = fromRows([
      [2 + e, -0.5 - e],
      [-0.5 - e, 3 - e],
    ]);
    const pb = hadamardPower(b, 3, e);
    let worst = 0;
    for (let t = 0; t < 4; t++) worst = Math.max(worst, Math.abs(pb.matrix.data[t] - matrix.data[t]));
    expect(worst).toBeLessThanOrEqual(pb.errorBound);
    expect(pb.errorBound).toBeLessThan(1e-3);
  });
  it('an unbounded entryError gives unbounded error bounds and the same power; NaN or < 0 throws', () => {
    const a = fromRows([
      [2, -0.5],
      [-0.5, 0],
    ]);
    for (const r of [1, 2, 3]) {
      const h = hadamardPower(a, r, Infinity);
      expect([h.errorBound, h.entryErrorBound]).toEqual([Infinity, Infinity]);
      expect(h.matrix.data).toEqual(hadamardPower(a, r).matrix.data);
    }
    for (const e of [NaN, -1]) expect(() => hadamardPower(a, 2, e)).toThrow(RangeError);
  });
  it('gershgorinUniform is below λ_min (eigensolver)', () => {
    const a = fromRows([
      [4, 1, -0.5],
      [1, 5, 0.25],
      [-0.5, 0.25, 3],
    ]);
    const g = gershgorinUniform(a);
    expect(g.value).toBe(3 - 2);
    expect(g.value).toBeLessThanOrEqual(Math.min(...eigvalsh(a)));
  });
});
