import { describe, expect, it } from 'vitest';
import { childRng, createRng, gaussian } from './rng.ts';
import { sampleData } from './distributions.ts';

describe('seeded streams', () => {
  it('are reproducible and depend on the seed path', () => {
    const a = createRng('s'), b = createRng('s'), c = childRng('s', 'task', 1);
    const xa = [a.next(), a.next()], xb = [b.next(), b.next()], xc = [c.next(), c.next()];
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('gaussian sampler has mean 0 and variance 1 within 5 standard errors', () => {
    const rng = createRng(42);
    const n = 200_000;
    let s = 0, s2 = 0, s4 = 0;
    for (let i = 0; i < n; i++) { const g = gaussian(rng); s += g; s2 += g * g; s4 += g ** 4; }
    const mean = s / n, var_ = s2 / n;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    // Var of g² is 2, so the standard error of the sample variance is √(2/n).
    expect(Math.abs(var_ - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    // E g⁴ = 3, Var g⁴ = 96.
    expect(Math.abs(s4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });

  it('sphere samples have the stated radius', () => {
    const x = sampleData(createRng(1), { family: 'sqrt-d-sphere' }, 10, 16);
    for (let i = 0; i < 10; i++) {
      let r = 0;
      for (let k = 0; k < 16; k++) r += x.data[i * 16 + k] ** 2;
      expect(r).toBeCloseTo(16, 12);
    }
  });
});
