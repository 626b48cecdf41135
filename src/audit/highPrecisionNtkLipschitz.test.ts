import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { type AuditDescriptor, materializeDescriptor } from './defineBound.ts';
import { Oracle } from './highPrecision.ts';
import { enclosureOf } from './quantities.ts';

/**
 * lipschitzBound(k) of an 'ntk' instance is ∏_{l≤k} ‖s_lω_l‖₂ with the real s_l = W_std/√n_{l−1}, W_std = 1
 * (quantities.ts lipschitzEnclosure; src/ntk/network.ts, neural-tangents' Dense with parameterization='ntk'). The 50-digit
 * oracle must enclose that value, not the 'nmm' product ∏‖ω_l‖₂ of the same weights (ω_l is bit for bit the 'nmm' W_l).
 * Reference: the oracle's own 'nmm' enclosure of the same seed times ∏ 1/√n_{l−1} at 60 digits, and the float engine's
 * certified enclosure (both enclose the same exact value, so they must intersect).
 */
const H = Decimal.clone({ precision: 60 });

describe("50-digit oracle: lipschitzBound(k) in the 'ntk' parameterisation", () => {
  for (const bias of [0, 0.5]) {
    it(`b_std = ${bias}: the oracle encloses ∏ ‖ω_l‖₂/√n_{l−1}, as the engine does`, () => {
      const base: AuditDescriptor = {
        n: 4,
        d: 3,
        depth: 3,
        widths: [8, 5],
        init: 'standard',
        data: 'gaussian',
        normalize: 'none',
        seed: '7',
        activation: 'relu',
      };
      const ntk = materializeDescriptor({ ...base, bias, parameterization: 'ntk' });
      const nmm = materializeDescriptor({ ...base, bias: 0, parameterization: 'nmm' });
      const dims = [3, 8, 5];
      for (const k of [1, 2, 3]) {
        const key = `lipschitzBound(${k})`;
        const o = new Oracle(ntk, (q) => enclosureOf(ntk, q)).quantity(key).enclosure();
        const plain = new Oracle(nmm).quantity(key).enclosure();
        let s = new H(1);
        for (let l = 1; l <= k; l++) s = s.div(new H(dims[l - 1]).sqrt());
        const lo = new H(plain.lower).times(s).times(new H(1).minus('1e-12')).toNumber();
        const hi = new H(plain.upper).times(s).times(new H(1).plus('1e-12')).toNumber();
        expect(o.lower, key).toBeGreaterThanOrEqual(lo);
        expect(o.upper, key).toBeLessThanOrEqual(hi);
        const e = enclosureOf(ntk, key);
        expect(o.lower, key).toBeLessThanOrEqual(e.upper);
        expect(o.upper, key).toBeGreaterThanOrEqual(e.lower);
      }
    });
  }
});
