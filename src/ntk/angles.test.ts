import DecimalImport from 'decimal.js';
import type { Decimal as DecimalClass } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { fromRows } from '../linalg/matrix.ts';
import { createRng, gaussian } from '../random/rng.ts';
import { angleBetween, atanNonNegative, pairAngleState, pairwiseAngleErrorBound, pairwiseAngles } from './angles.ts';

// decimal.d.ts is typed as CommonJS under NodeNext while the ESM build exports only a default: take the
// class from either shape. A private clone keeps the precision setting local to this file.
const DecimalCtor = ((DecimalImport as unknown as { default?: unknown }).default ?? DecimalImport) as typeof DecimalClass;
const D = DecimalCtor.clone({ precision: 60 });
function exact(x: number) {
  let m = x,
    e = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    e++;
  }
  return new D(m).div(new D(2).pow(e));
}
/** Reference angle of float vectors in 60-digit arithmetic: acos of the high-precision cosine. */
function refAngle(u: number[], v: number[]): number {
  let uv = new D(0),
    uu = new D(0),
    vv = new D(0);
  for (let k = 0; k < u.length; k++) {
    const a = exact(u[k]),
      b = exact(v[k]);
    uv = uv.add(a.mul(b));
    uu = uu.add(a.mul(a));
    vv = vv.add(b.mul(b));
  }
  return uv.div(uu.mul(vv).sqrt()).acos().toNumber();
}

describe('cancellation-free angles', () => {
  it('angleBetween is relatively accurate for tiny angles where acos(clip(cos)) returns 0', () => {
    for (const t of [1e-6, 1e-10, 1e-15]) {
      const u = [1, 0],
        v = [Math.cos(t), Math.sin(t)];
      const ref = refAngle(u, v);
      expect(Math.abs(angleBetween(u, v) - ref) / ref).toBeLessThan(1e-14);
      if (t <= 1e-10) expect(Math.acos(Math.min(1, u[0] * v[0] + u[1] * v[1]))).toBe(0);
    }
    // near-antipodal
    const t = 1e-11;
    const ref = refAngle([1, 0], [-Math.cos(t), Math.sin(t)]);
    expect(Math.abs(angleBetween([1, 0], [-Math.cos(t), Math.sin(t)]) - ref)).toBeLessThan(1e-15);
    expect(Math.PI - angleBetween([1, 0], [-Math.cos(t), Math.sin(t)])).toBeGreaterThan(0);
  });

  it('zero vectors have angle π/2 by convention', () => {
    expect(angleBetween([0, 0], [1, 2])).toBe(Math.PI / 2);
    const th = pairwiseAngles(
      fromRows([
        [0, 0],
        [1, 2],
      ]),
    );
    expect(th[1]).toBe(Math.PI / 2);
  });

  it('pairwiseAngles is within pairwiseAngleErrorBound of a 60-digit reference (random, near-parallel, antipodal, mixed norms)', () => {
    const rng = createRng('angles');
    const rows: number[][] = [];
    const base = Array.from({ length: 6 }, () => gaussian(rng));
    rows.push(base);
    for (const e of [1e-3, 1e-7, 1e-11, 1e-14]) rows.push(base.map((v) => 3 * v + e * gaussian(rng)));
    rows.push(base.map((v) => -1e5 * v + 1e-2 * gaussian(rng)));
    for (let k = 0; k < 4; k++) rows.push(Array.from({ length: 6 }, () => gaussian(rng) * 10 ** (k - 2)));
    const x = fromRows(rows);
    const st = pairAngleState(x);
    const n = rows.length,
      bound = pairwiseAngleErrorBound(6);
    let worstRel = 0;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const ref = refAngle(rows[i], rows[j]);
        const got = st.theta[i * n + j];
        expect(Math.abs(got - ref)).toBeLessThanOrEqual(bound);
        // (near π the double θ itself carries π − θ only to absolute accuracy u·π)
        // Relative accuracy for small angles: ≈ u + (few·d·u/θ)² (the two rows' scale factors are rounded
        // differently, which enters in quadrature) — 1e-10 relative for θ ≥ 1e-10.
        if (ref < Math.PI / 2) {
          const rel = Math.abs(got - ref) / ref;
          expect(rel).toBeLessThan(1e-14 + ((20 * 6 * 2 ** -53) / ref) ** 2);
          if (ref >= 1e-10) worstRel = Math.max(worstRel, rel);
        }
        // sin²(θ/2) is carried consistently
        expect(st.sinHalfSq[i * n + j]).toBeCloseTo(Math.sin(got / 2) ** 2, 15);
      }
    expect(worstRel).toBeLessThan(1e-10);
  });

  it('the inlined fdlibm atan is bit-identical to Math.atan on random arguments', () => {
    const rng = createRng('atan');
    for (let k = 0; k < 20_000; k++) {
      const t = Math.exp((rng.next() - 0.5) * 80);
      expect(atanNonNegative(t)).toBe(Math.atan(t));
    }
    expect(atanNonNegative(Infinity)).toBe(Math.PI / 2);
    expect(atanNonNegative(0)).toBe(0);
  });
});
