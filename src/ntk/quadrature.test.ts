import { describe, expect, it } from 'vitest';
import { gaussHermite, gaussLegendre, hermiteCoefficientsQuadrature, symmetricTridiagonalEigenvalues } from './quadrature.ts';

/** E[g^k] for g ∼ N(0,1): (k−1)!! for even k, 0 for odd. */
function gaussianMoment(k: number): number {
  if (k % 2 === 1) return 0;
  let m = 1;
  for (let j = k - 1; j > 1; j -= 2) m *= j;
  return m;
}

describe('quadrature rules', () => {
  it('tridiagonal QL: eigenvalues of the 1-2-1 matrix are 2 − 2cos(kπ/(n+1))', () => {
    const n = 12;
    const ev = symmetricTridiagonalEigenvalues(new Float64Array(n).fill(2), new Float64Array(n - 1).fill(-1));
    const want = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))).sort((a, b) => a - b);
    for (let k = 0; k < n; k++) expect(ev[k]).toBeCloseTo(want[k], 13);
  });

  it('Gauss–Hermite (standard normal measure) integrates monomials of degree ≤ 2n − 1 exactly', () => {
    for (const n of [1, 2, 5, 10, 20, 40]) {
      const { nodes, weights } = gaussHermite(n);
      for (let k = 0; k <= Math.min(2 * n - 1, 30); k++) {
        let s = 0, sAbs = 0;
        for (let j = 0; j < n; j++) { s += weights[j] * nodes[j] ** k; sAbs += Math.abs(weights[j] * nodes[j] ** k); }
        const m = gaussianMoment(k);
        // rounding of the sum is relative to Σ|w t^k| (odd moments cancel)
        expect(Math.abs(s - m)).toBeLessThanOrEqual(1e-13 * Math.max(1, sAbs));
      }
    }
    // known 2-point rule: nodes ±1, weights ½
    const two = gaussHermite(2);
    expect(two.nodes[1]).toBeCloseTo(1, 15);
    expect(two.weights[0]).toBeCloseTo(0.5, 15);
  });

  it('Gauss–Legendre integrates x^k on [−1,1] exactly for k ≤ 2n − 1', () => {
    for (const n of [1, 3, 8, 24]) {
      const { nodes, weights } = gaussLegendre(n);
      for (let k = 0; k <= 2 * n - 1; k++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += weights[j] * nodes[j] ** k;
        expect(s).toBeCloseTo(k % 2 === 1 ? 0 : 2 / (k + 1), 14);
      }
    }
  });

  it('hermiteCoefficientsQuadrature: smooth functions (e^{ct} has μ_r = e^{c²/2} c^r/√(r!))', () => {
    const c = 0.7;
    const mu = hermiteCoefficientsQuadrature((t) => Math.exp(c * t), 15);
    let fact = 1;
    for (let r = 0; r <= 15; r++) {
      if (r > 0) fact *= r;
      expect(Math.abs(mu[r] - (Math.exp((c * c) / 2) * c ** r) / Math.sqrt(fact))).toBeLessThan(1e-13);
    }
  });
});
