import { describe, expect, it } from 'vitest';
import { type Dec, exactDec, lambdaMaxBracket } from '../../test/kernelReference.ts';
import { createRng } from '../random/rng.ts';
import { rayleighQuotientBounds } from './lambdaMin.ts';
import type { Matrix } from './matrix.ts';
import { lambdaMaxCertified, separatedTopUpperBound } from './norm.ts';

/** The stored doubles of g as 50-digit decimals (exact: every double is a finite binary fraction). */
const dec = (g: Matrix): Dec[][] => Array.from({ length: g.rows }, (_, i) => Array.from(g.data.subarray(i * g.cols, (i + 1) * g.cols), exactDec));

/** Exactly symmetric n × n: X Xᵀ + shift·I for X with entries offset + N(0, 1)-ish (a dominant top when offset ≫ 1). */
function kernelLike(seed: string, n: number, d: number, offset: number, scale = 1): Matrix {
  const rng = createRng(seed);
  const x = Array.from({ length: n * d }, () => offset + (rng.next() - 0.5) * 2);
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += x[i * d + k] * x[j * d + k];
      data[i * n + j] = data[j * n + i] = s * scale;
    }
  return { rows: n, cols: n, data };
}

const lte = (a: number, b: Dec) => exactDec(a).lte(b);
const gte = (a: number, b: Dec) => exactDec(a).gte(b);

describe('lambdaMaxCertified: enclosure of λ_max against a 50-digit bisection (decimal.js)', () => {
  it.each([
    ['dominant top (uncentred data): Kato bound', 'a', 12, 5, 1, 1],
    ['dominant top at 1e-200', 'b', 9, 4, 2, 1e-200],
    ['dominant top at 1e200', 'c', 9, 4, 2, 1e200],
    ['centred data (no dominant top): Cholesky certificate', 'd', 10, 12, 0, 1],
  ] as const)('%s', (_label, seed, n, d, offset, scale) => {
    const g = kernelLike(seed, n, d, offset, scale);
    const e = scale * 1e-9;
    const r = lambdaMaxCertified(g, { entryError: e });
    const br = lambdaMaxBracket(dec(g));
    // λ_max(G_true) ∈ λ_max(G) ± e (Weyl): the enclosure must contain [λ − e, λ + e] ∩ … at both ends.
    expect(lte(r.lower, br.lo.sub(exactDec(e))), `${r.lower} vs ${br.lo.toExponential(20)} (${r.method})`).toBe(true);
    expect(gte(r.upper, br.hi.add(exactDec(e))), `${r.upper} vs ${br.hi.toExponential(20)} (${r.method})`).toBe(true);
    expect(r.lower).toBeLessThanOrEqual(r.estimate);
    expect(r.estimate).toBeLessThanOrEqual(r.upper);
    // tight: 2e plus the rounding bounds — Kato: ≈ (n + 2)u·ρ for ρ, and ε²/gap ≤ 2^-40·ρ when taken alone;
    // Cholesky: the shift est·2^-40 above the estimate plus the Rump term ≈ (n + 1)u·tr G.
    expect(r.upper - r.lower).toBeLessThan(2.01 * e + 2 ** -39 * r.upper);
    if (offset > 0) expect(r.method).toMatch(/Kato/);
  });

  it('separatedTopUpperBound is ≥ λ_max for ANY vector (poor ones included), or null', () => {
    const rng = createRng('kato-any-v');
    let used = 0;
    for (let t = 0; t < 40; t++) {
      const n = 3 + (t % 6);
      const g = kernelLike(`kv-${t}`, n, 2 + (t % 3), t % 4 === 0 ? 0 : 1.5);
      const hi = lambdaMaxBracket(dec(g)).hi;
      for (let s = 0; s < 4; s++) {
        // s = 0: all-ones (close to the top eigenvector for a dominant top); then increasingly random vectors
        const v = Float64Array.from({ length: n }, () => (s === 0 ? 1 : 1 - s * 0.3 * rng.next()));
        const b = separatedTopUpperBound(g, rayleighQuotientBounds(g, v));
        if (b === null) continue;
        used++;
        expect(gte(b, hi), `t=${t} s=${s}: ${b} < ${hi.toExponential(20)}`).toBe(true);
      }
    }
    expect(used).toBeGreaterThan(40); // the bound is exercised, not always null
  });

  it('rayleighQuotientBounds: lower ≤ ρ ≤ upper and ‖Gv‖ ≤ kvNormUpper, exactly (decimal.js)', () => {
    const g = kernelLike('rq', 7, 3, 1);
    const v = Float64Array.from([1, -0.5, 0.25, 0.9, -1, 0.3, 0.7]);
    const r = rayleighQuotientBounds(g, v);
    const G = dec(g),
      V = Array.from(v, exactDec);
    const gv = G.map((row) => row.reduce((s, a, j) => s.add(a.mul(V[j])), exactDec(0)));
    const num = gv.reduce((s, w, i) => s.add(w.mul(V[i])), exactDec(0));
    const den = V.reduce((s, a) => s.add(a.mul(a)), exactDec(0));
    const rho = num.div(den);
    expect(lte(r.lower, rho) && gte(r.upper, rho)).toBe(true);
    expect(gte(r.kvNormUpper, gv.reduce((s, w) => s.add(w.mul(w)), exactDec(0)).sqrt())).toBe(true);
    expect(lte(r.denLower, den)).toBe(true);
    expect(r.upper - r.lower).toBeLessThan(1e-12 * Math.abs(r.value));
  });
});
