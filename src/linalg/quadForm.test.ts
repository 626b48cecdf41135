import { describe, expect, it } from 'vitest';
import { Matrix as MlMatrix, QrDecomposition } from 'ml-matrix';
import { inverseQuadraticForm } from './quadForm.ts';
import { createRng, gaussian } from '../random/rng.ts';

/** H = Q diag(λ) Qᵀ with Q orthogonal (QR of a Gaussian matrix); yᵀH⁻¹y = Σ (qᵢᵀy)²/λᵢ exactly for exact Q. */
function knownSpectrum(n: number, lambdas: number[], seed: string) {
  const rng = createRng(seed);
  const g = new MlMatrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g.set(i, j, gaussian(rng));
  const q = new QrDecomposition(g).orthogonalMatrix;
  const h = q.mmul(MlMatrix.diag(lambdas)).mmul(q.transpose());
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data[i * n + j] = (h.get(i, j) + h.get(j, i)) / 2;
  return { h: { rows: n, cols: n, data }, q };
}

describe('inverseQuadraticForm', () => {
  it('matches Σ (qᵢᵀy)²/λᵢ within its error bound, and the bound is not vacuous', () => {
    for (const [n, cond] of [[5, 10], [30, 1e4], [80, 1e8]] as const) {
      const lambdas = Array.from({ length: n }, (_, i) => cond ** (-i / (n - 1)));
      const { h, q } = knownSpectrum(n, lambdas, `qf${n}`);
      const rng = createRng(`y${n}`);
      const y = Float64Array.from({ length: n }, () => gaussian(rng));
      let exact = 0;
      for (let i = 0; i < n; i++) {
        let c = 0;
        for (let k = 0; k < n; k++) c += q.get(k, i) * y[k];
        exact += (c * c) / lambdas[i];
      }
      // The reference itself carries the error of forming H from Q (≈ n u cond relative); the
      // entry error ε of Ĥ against Q diag(λ) Qᵀ is bounded generously by 4 n u ‖H‖ here.
      const eps = 4 * n * 2 ** -53;
      const r = inverseQuadraticForm(h, y, { entryError: eps, lambdaMinLower: lambdas[n - 1] - eps });
      expect(Math.abs(r.value - exact)).toBeLessThanOrEqual(r.errorBound);
      // Measured: relative bound 8e-14 (cond 10), 1.5e-9 (1e4), 1.2e-4 (1e8): it grows like n u cond².
      expect(r.errorBound / exact).toBeLessThan(1e-3);
    }
  });
  it('refuses to certify without a positive λ_min lower bound', () => {
    const r = inverseQuadraticForm({ rows: 2, cols: 2, data: Float64Array.from([2, 1, 1, 2]) }, Float64Array.from([1, 0]), { lambdaMinLower: 0 });
    expect(r.value).toBeCloseTo(2 / 3, 14);
    expect(r.errorBound).toBe(Infinity);
  });
});
