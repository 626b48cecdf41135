/**
 * The elementary-function assumption of interval.ts (docs/error-model.md, "Elementary functions"): Math.exp and
 * Math.log are within 2 ulps (LIBM_ULPS = 4 widens by twice that). Checked against 50-digit decimal.js values on a dense sweep of the
 * double range: tiny and subnormal arguments, around 0, the whole normal result range, results in the subnormal
 * range (x < −708.4, where an ulp is 2^-1074) and next to overflow. The certified tanh/sigmoid networks
 * (empiricalNtkCertified.ts) rely on it through the records' `enclose` (activations/smooth.ts, softplus.ts).
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { dy } from '../../test/support/exactNtk.ts';
import { LIBM_ULPS } from './interval.ts';

const D = Decimal.clone({ precision: 50, minE: -9e15, maxE: 9e15 });
const exact = (v: number) => {
  const { m, e } = dy(v);
  return new D(m.toString()).times(new D(2).pow(e));
};
/** The spacing of doubles at |y| (2^-1074 in the subnormal range). */
function ulp(y: number): number {
  if (y < 2 ** -1022) return 2 ** -1074;
  return 2 ** (Math.floor(Math.log2(y)) - 52);
}

describe('Math.exp and Math.log accuracy (assumption of src/linalg/interval.ts)', () => {
  it('within 2 ulps of the 50-digit exp on a dense sweep (and LIBM_ULPS ≥ 2·2)', () => {
    const xs: number[] = [5e-324, 1e-320, 2 ** -1022, 1e-300, 1e-100, 1e-17, 2 ** -53, 1e-9, 709.78, 709.782712893384, -708.39, -708.4, -720, -744.44, -745.13];
    for (let i = 0; i <= 700; i++) xs.push(-745 + (1454.7 * i) / 700 + i * 1e-7);
    for (let e = -60; e <= 9; e += 0.5) xs.push(2 ** e, -(2 ** e));
    let worst = 0;
    for (const t of xs) {
      const y = Math.exp(t);
      if (!Number.isFinite(y)) continue; // overflow: interval.ts maps it to +∞
      const ref = exact(t).exp();
      const err = exact(y).minus(ref).abs().div(ulp(ref.toNumber())).toNumber();
      if (err > worst) worst = err;
      expect(err, `exp(${t}) = ${y}, ${err} ulps`).toBeLessThanOrEqual(2);
    }
    expect(LIBM_ULPS).toBeGreaterThanOrEqual(4);
    expect(worst).toBeGreaterThan(0); // not vacuous: some results are rounded
  });

  it('Math.log within 2 ulps of the 50-digit ln (subnormal to huge arguments, and next to 1)', () => {
    const xs: number[] = [5e-324, 1e-310, 2 ** -1022, Number.MAX_VALUE, 0.5, 2, 3];
    for (let e = -1074; e <= 1023; e += 9.7) xs.push(2 ** Math.floor(e) * (1 + (e % 1)));
    for (let k = 1; k <= 60; k++) xs.push(1 + k * 2 ** -52 * 997 ** (k % 5), 1 - k * 2 ** -53 * 991 ** (k % 5));
    let worst = 0;
    for (const x of xs) {
      const y = Math.log(x);
      if (y === 0) continue; // x = 1 exactly: interval.ts returns 0
      const ref = exact(x).ln();
      const err = exact(y)
        .minus(ref)
        .abs()
        .div(ulp(Math.abs(ref.toNumber())))
        .toNumber();
      if (err > worst) worst = err;
      expect(err, `log(${x}) = ${y}, ${err} ulps`).toBeLessThanOrEqual(2);
    }
    expect(worst).toBeGreaterThan(0);
  });
});
