import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { childRng, createRng, fillGaussian, fillGaussianRange, fillSphereRange, gaussian, sumSquaresInterleaved } from './rng.ts';
import { sampleData } from './distributions.ts';

describe('seeded streams', () => {
  it('are reproducible and depend on the seed path', () => {
    const a = createRng('s'),
      b = createRng('s'),
      c = childRng('s', 'task', 1);
    const xa = [a.next(), a.next()],
      xb = [b.next(), b.next()],
      xc = [c.next(), c.next()];
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('gaussian sampler has mean 0 and variance 1 within 5 standard errors', () => {
    const rng = createRng(42);
    const n = 200_000;
    let s = 0,
      s2 = 0,
      s4 = 0;
    for (let i = 0; i < n; i++) {
      const g = gaussian(rng);
      s += g;
      s2 += g * g;
      s4 += g ** 4;
    }
    const mean = s / n,
      var_ = s2 / n;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    // Var of g² is 2, so the standard error of the sample variance is √(2/n).
    expect(Math.abs(var_ - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    // E g⁴ = 3, Var g⁴ = 96.
    expect(Math.abs(s4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });

  it('the uniform stream is bit-identical to seedrandom 3.0.5 alea(seed).double()', () => {
    for (const seed of ['s', 'ci/du2019.thm3.1/data', '']) {
      const a = createRng(seed),
        b = seedrandom.alea(seed);
      for (let i = 0; i < 10_000; i++) expect(a.next()).toBe(b.double());
    }
  });

  it('ziggurat normals (xoshiro128** fast path) pass Kolmogorov–Smirnov tests and hit the tail at the right rate', () => {
    const n = 200_000;
    const x = fillGaussian(createRng('ks'), new Float64Array(n)).sort();
    // Φ by erfc's continued-fraction-free rational approximation (|error| < 1.2e-7, Numerical Recipes erfcc).
    const erfc = (z: number) => {
      const t = 1 / (1 + 0.5 * Math.abs(z));
      const r =
        t *
        Math.exp(
          -z * z -
            1.26551223 +
            t *
              (1.00002368 +
                t *
                  (0.37409196 +
                    t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
        );
      return z >= 0 ? r : 2 - r;
    };
    const phi = (z: number) => 0.5 * erfc(-z / Math.SQRT2);
    let d = 0;
    for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(phi(x[i]) - i / n), Math.abs(phi(x[i]) - (i + 1) / n));
    expect(d * Math.sqrt(n)).toBeLessThan(1.95); // KS critical value at level 0.001
    // Beyond the ziggurat's base R = 3.4426 (the exact tail path): expected rate 2(1 − Φ(R)) = 5.76e-4.
    const tail = x.filter((v) => Math.abs(v) > 3.442619855899).length;
    const p = 2 * (1 - phi(3.442619855899));
    expect(Math.abs(tail - n * p)).toBeLessThan(5 * Math.sqrt(n * p));
    // Many short streams (one per instance, as the search draws them): KS again, and no lag-1 correlation.
    const y = new Float64Array(n);
    for (let o = 0; o < n; o += 500) fillGaussian(childRng('short', o), y.subarray(o, o + 500));
    let r = 0;
    for (let i = 1; i < n; i++) r += y[i] * y[i - 1];
    expect(Math.abs(r / n)).toBeLessThan(5 / Math.sqrt(n));
    y.sort();
    d = 0;
    for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(phi(y[i]) - i / n), Math.abs(phi(y[i]) - (i + 1) / n));
    expect(d * Math.sqrt(n)).toBeLessThan(1.95);
    // gaussian() and fillGaussian() draw the same stream.
    const g = createRng('same'),
      f = fillGaussian(createRng('same'), new Float64Array(1000));
    for (let i = 0; i < 1000; i++) expect(gaussian(g)).toBe(f[i]);
  });

  it('long fills (WebAssembly fast path) are bit-identical to short fills (JS loop), across chunk boundaries', () => {
    for (const n of [47, 48, 1000, 4096, 4097, 20000]) {
      const a = new Float64Array(n),
        b = new Float64Array(n);
      const r1 = createRng(`wasm-${n}`),
        r2 = createRng(`wasm-${n}`);
      fillGaussianRange(r1, a, 0, n, 0.3);
      for (let k = 0; k < n; k += 17) fillGaussianRange(r2, b, k, Math.min(n, k + 17), 0.3);
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
      expect(r1.next()).toBe(r2.next()); // the Alea stream (wedges, tail) advanced identically
    }
  });

  it('sphere rows (WebAssembly fill, sum and scaling) are bit-identical to normals → interleaved ‖z‖² → z·(r/‖z‖) in JS', () => {
    for (const d of [8, 47, 48, 49, 51, 394, 4096, 4097]) {
      const a = new Float64Array(3 * d);
      const r1 = createRng(`sphere-${d}`),
        r2 = createRng(`sphere-${d}`);
      for (let i = 0; i < 3; i++) fillSphereRange(r1, a, i * d, (i + 1) * d, 2.5);
      for (let i = 0; i < 3; i++) {
        const z = new Float64Array(d);
        for (let k = 0; k < d; k += 7) fillGaussianRange(r2, z, k, Math.min(d, k + 7), 1); // JS loop (short fills)
        // the stated order: partial sums s_r over k ≡ r (mod 4) up to the last multiple of 4, the tail into s_0,
        // then (s_0 + s_2) + (s_1 + s_3)
        const s = [0, 0, 0, 0],
          body = d - (d % 4);
        for (let k = 0; k < d; k++) s[k < body ? k % 4 : 0] += z[k] * z[k];
        const nrm2 = s[0] + s[2] + (s[1] + s[3]);
        expect(sumSquaresInterleaved(z, 0, d)).toBe(nrm2);
        const sc = 2.5 / Math.sqrt(nrm2);
        for (let j = 0; j < d; j++) expect(a[i * d + j]).toBe(z[j] * sc);
        let r2sum = 0;
        for (let j = 0; j < d; j++) r2sum += a[i * d + j] ** 2;
        expect(Math.abs(r2sum - 6.25)).toBeLessThanOrEqual(6.25 * 4 * d * 2 ** -53);
      }
      expect(r1.next()).toBe(r2.next());
    }
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
