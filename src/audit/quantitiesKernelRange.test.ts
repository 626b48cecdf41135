import { describe, expect, it } from 'vitest';
import { type AuditInstance, enclosureOf, labelsOf } from './quantities.ts';

/**
 * Limiting kernels beyond the double range in audits: a quantity that reads them is not certified ([−∞, ∞]), for
 * every activation, and no label model substitutes another kernel for the instance's.
 *
 * X below has rows of norm ≈ 2.3e160..3.3e160, so G^(1)_ii = ‖x_i‖² ≈ 1e320 (and ‖x_i‖²/3 under 'ntk') exceeds
 * 2^1024 ≈ 1.8e308: no kernel entry of any layer is a double.
 */
const X = [
  [1e160, 2e160, 0.5e160],
  [3e160, -1e160, 1e160],
  [-2e160, 5e159, 2e160],
];
const inst = (extra: Partial<AuditInstance>): AuditInstance => ({
  x: { rows: 3, cols: 3, data: Float64Array.from(X.flat()) },
  depth: 2,
  widths: [16],
  init: 'standard',
  netSeed: 's',
  data: 'gaussian',
  normalize: 'none',
  ...extra,
});

describe('audit quantities of overflowing limiting kernels', () => {
  it('erf, tanh, sigmoid, gelu, softplus (the smooth fold): λ_min, λ_max, trace of K and G are [−∞, ∞], not an exception', () => {
    for (const activation of ['erf', 'tanh', 'sigmoid', 'gelu', 'softplus']) {
      for (const p of [{}, { parameterization: 'ntk' as const, bias: 0.5 }]) {
        const i = inst({ activation, ...p });
        for (const k of ['lambdaMinNTK', 'lambdaMaxNTK', 'traceNTK', 'lambdaMinNNGP', 'lambdaMin(ntk(1))']) {
          const e = enclosureOf(i, k);
          expect([e.lower, e.upper], `${activation} ${JSON.stringify(p)} ${k}`).toEqual([-Infinity, Infinity]);
        }
      }
    }
  });

  it("worst-ntk labels of ReLU with biases ('ntk', b_std = 0.5): never the eigenvector of another kernel", () => {
    // The eigenvector of λ_min of the instance's exact NTK (G^(1) = XXᵀ/3 + b², arc-cosine closed forms of Cho &
    // Saul, arXiv 0911.5372 / Jacot et al., arXiv 1806.07572), mpmath at 800 digits: (−0.9213838358, 0.2881679489,
    // 0.2607893026). The eigenvector of the kernel of 2^−e·X with the same b_std is another one (|cos| = 0.97964).
    const exact = [-0.9213838358, 0.2881679489, 0.2607893026];
    const y = labelsOf(inst({ activation: 'relu', parameterization: 'ntk', bias: 0.5, labels: { model: 'worst-ntk', noise: 0 } }));
    if (y.every(Number.isFinite)) {
      const c = Math.abs(y.reduce((s, v, k) => s + v * exact[k], 0)) / Math.hypot(...y);
      expect(c, "finite labels are the eigenvector of the instance's kernel").toBeGreaterThan(1 - 1e-9);
    } else expect(y.every(Number.isNaN)).toBe(true);
  });
});
