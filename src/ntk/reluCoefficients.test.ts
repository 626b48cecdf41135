import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { exactDecimal } from '../../test/support/exactDecimal.ts';
import { reluHermiteCoefficient } from './hermite.ts';
import { reluHermiteEnclosures, reluHermiteSquareEnclosures } from './reluCoefficients.ts';

describe('reluHermiteEnclosures', () => {
  it('hold μ_r = (−1)^{(r−2)/2}(r − 3)!!/(√(2π)√(r!)) (eq. (8) of arXiv 2012.11654, 60 digits) and μ_r², r ≤ 400', () => {
    Decimal.set({ precision: 800 }); // exactDecimal's products
    const D = Decimal.clone({ precision: 60 });
    const sqrt2pi = D.acos(-1).times(2).sqrt();
    const mus = reluHermiteEnclosures(400),
      sq = reluHermiteSquareEnclosures(400);
    let fact = new D(1),
      dfact = new D(1);
    for (let r = 0; r <= 400; r++) {
      if (r > 0) fact = fact.times(r);
      if (r >= 4 && r % 2 === 0) dfact = dfact.times(r - 3);
      const ref =
        r === 0 ? new D(1).div(sqrt2pi) : r === 1 ? new D(0.5) : r % 2 === 1 ? new D(0) : dfact.div(sqrt2pi.times(fact.sqrt())).times(r % 4 === 0 ? -1 : 1);
      const inside = (lo: number, hi: number, v: Decimal) => exactDecimal(lo).lte(v) && v.lte(exactDecimal(hi));
      expect(inside(mus[r].lo, mus[r].hi, ref), `μ_${r}`).toBe(true);
      expect(inside(sq[r].lo, sq[r].hi, ref.pow(2)), `μ_${r}²`).toBe(true);
      // as narrow as the double recurrence's documented error (2.5r + 4)u
      expect(mus[r].hi - mus[r].lo).toBeLessThanOrEqual((5 * r + 8) * 2 ** -53 * Math.abs(reluHermiteCoefficient(r)) + Number.MIN_VALUE);
    }
  });
});
