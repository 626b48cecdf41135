import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Dm, exactDec } from '../../test/kernelReference.ts';
import { certifyLambdaMinAtLeast, lambdaMinCertified } from './lambdaMin.ts';

/**
 * lambdaMinCertified / certifyLambdaMinAtLeast on 2 × 2 symmetric matrices whose entries have random binary
 * exponents over the whole float64 range (subnormal included): the enclosure must contain the exact
 * λ_min = det/λ_max = (ac − b²)/((a + c)/2 + √(((a − c)/2)² + b²)), evaluated in 50-digit decimal.js on the exact entries.
 */
const entry = fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.integer({ min: -1074, max: 1023 })).map(([m, e]) => {
  let v = m;
  if (e > 0) {
    v *= 2 ** Math.min(e, 1000);
    if (e > 1000) v *= 2 ** (e - 1000);
  } else v *= 2 ** e;
  return v;
});

describe('λ_min certification over the whole exponent range (2 × 2, closed form)', () => {
  test.prop([entry, entry, entry, fc.integer({ min: -40, max: 0 })], { numRuns: 400 })('the enclosure contains the exact λ_min', (a, b, c, scaleGap) => {
    // a, c positive-ish diagonal with a controllable gap to the off-diagonal entry
    const A = Math.abs(a),
      C = Math.abs(c) * 2 ** scaleGap;
    const k = { rows: 2, cols: 2, data: Float64Array.from([A, b, b, C]) };
    const [da, db, dc] = [exactDec(A), exactDec(b), exactDec(C)];
    // λ_min = det/λ_max (no cancellation), λ_max = (a + c)/2 + √(((a − c)/2)² + b²) ≥ 0
    const lmax = da
      .add(dc)
      .div(2)
      .add(da.sub(dc).div(2).pow(2).add(db.pow(2)).sqrt());
    const lam = lmax.isZero() ? new Dm(0) : da.mul(dc).sub(db.pow(2)).div(lmax);
    const r = lambdaMinCertified(k);
    expect(exactDec(r.lower).lte(lam) && exactDec(r.upper).gte(lam), `${lam.toExponential(12)} ∉ [${r.lower}, ${r.upper}]`).toBe(true);
    expect(r.lower).toBeLessThanOrEqual(r.estimate);
    expect(r.estimate).toBeLessThanOrEqual(r.upper);
    const cert = certifyLambdaMinAtLeast(k, r.lower);
    if (cert.certified) expect(exactDec(cert.lowerBound).lte(lam)).toBe(true);
  });
});
