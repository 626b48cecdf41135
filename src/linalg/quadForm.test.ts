import { describe, expect, it } from 'vitest';
import { Matrix as MlMatrix, QrDecomposition } from 'ml-matrix';
import { Decimal } from 'decimal.js';
import { exactDecimal } from '../../test/support/exactDecimal.ts';
import { certifiedSolve, inverseQuadraticForm, quadraticForm } from './quadForm.ts';
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
    // biome-ignore format: a table of cases, kept on one line
    const cases = [[5, 10], [30, 1e4], [80, 1e8]] as const;
    for (const [n, cond] of cases) {
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
  it('keeps the ‖ΔH‖₂ term when λ_min² underflows (λ_min below 2^-538): closed form for H − εI', () => {
    // Ĥ = s·[[2, 1], [1, 2]] (eigenvalues s, 3s; y = (1, −1) the eigenvector of s), ε = s/2, so H_true = Ĥ − εI is
    // one of the matrices the bound must cover: yᵀH_true⁻¹y = ‖y‖²/(s − ε) = 4/s and H_true⁻¹y = 2y/s exactly.
    for (const k of [540, 560, 700, 900, 1000]) {
      const s = 2 ** -k,
        eps = s / 2;
      const h = { rows: 2, cols: 2, data: Float64Array.from([2 * s, s, s, 2 * s]) };
      const y = Float64Array.from([1, -1]);
      const q = inverseQuadraticForm(h, y, { entryError: eps, lambdaMinLower: s - eps });
      const exact = 4 * 2 ** k; // a power of two: exact
      expect(q.errorBound, `2^-${k}`).toBeGreaterThanOrEqual(0);
      expect(q.value - q.errorBound <= exact && exact <= q.value + q.errorBound, `2^-${k}: 4/s = ${exact} not in ${q.value} ± ${q.errorBound}`).toBe(true);
      const x = certifiedSolve(h, y, { entryError: eps, lambdaMinLower: s - eps });
      // ‖x̂ − 2y/s‖₂ with x̂ ≈ y/s: at least ‖y‖/s·(1 − 2^-40) = √2·2^k(1 − 2^-40)
      const dist = Math.hypot(x.x[0] - 2 * 2 ** k, x.x[1] + 2 * 2 ** k);
      expect(x.errorBound >= dist * (1 + 2 ** -40), `solve 2^-${k}: ‖x̂ − H_true⁻¹y‖ ≈ ${dist} > errorBound ${x.errorBound}`).toBe(true);
    }
  });
});

describe('quadraticForm', () => {
  it('encloses yᵀHy of the stored H (800-digit sum) and of H ± ε·e₁e₁ᵀ', () => {
    Decimal.set({ precision: 800 });
    const rng = createRng('quadratic-form');
    for (const n of [1, 4, 30]) {
      const h = new Float64Array(n * n),
        y = new Float64Array(n);
      for (let a = 0; a < n; a++) {
        y[a] = gaussian(rng) * 1e3;
        for (let b = 0; b <= a; b++) h[a * n + b] = h[b * n + a] = gaussian(rng);
      }
      const eps = 1e-6;
      let exact = new Decimal(0);
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++)
          exact = exact.plus(
            exactDecimal(y[a])
              .times(exactDecimal(h[a * n + b]))
              .times(exactDecimal(y[b])),
          );
      const shifted = exact.plus(exactDecimal(y[0]).pow(2).times(exactDecimal(eps))); // yᵀ(H + ε e₁e₁ᵀ)y
      const q = quadraticForm({ rows: n, cols: n, data: h }, y, { entryError: eps });
      for (const ref of [exact, shifted, exact.minus(shifted.minus(exact))])
        expect(exactDecimal(q.enclosure.lo).lte(ref) && ref.lte(exactDecimal(q.enclosure.hi)), `n = ${n}`).toBe(true);
      const plain = quadraticForm({ rows: n, cols: n, data: h }, y);
      expect(exactDecimal(plain.enclosure.lo).lte(exact) && exact.lte(exactDecimal(plain.enclosure.hi))).toBe(true);
      expect(Math.abs(plain.value - exact.toNumber())).toBeLessThanOrEqual(plain.enclosure.hi - plain.value);
    }
  });
});

describe('entryError: +∞ knows nothing, NaN and negative values are refused', () => {
  const h = { rows: 2, cols: 2, data: Float64Array.from([2, 0.5, 0.5, 1]) };
  const y = Float64Array.from([1, -1]);
  it('+∞ gives an unbounded result, not a finite bound or a throw', () => {
    // yᵀH⁻¹y = 16/7 for this H; the value is still computed, the bound says nothing
    const inv = inverseQuadraticForm(h, y, { entryError: Infinity, lambdaMinLower: 0.5 });
    expect(inv.value).toBeCloseTo(16 / 7, 14);
    expect(inv.errorBound).toBe(Infinity);
    expect(certifiedSolve(h, y, { entryError: Infinity, lambdaMinLower: 0.5 }).errorBound).toBe(Infinity);
    const q = quadraticForm(h, y, { entryError: Infinity });
    expect(q.value).toBe(2);
    expect([q.enclosure.lo, q.enclosure.hi]).toEqual([-Infinity, Infinity]);
  });
  it('NaN and negative entry errors throw', () => {
    for (const e of [NaN, -1, -1e-300]) {
      expect(() => inverseQuadraticForm(h, y, { entryError: e, lambdaMinLower: 0.5 })).toThrow(RangeError);
      expect(() => certifiedSolve(h, y, { entryError: e, lambdaMinLower: 0.5 })).toThrow(RangeError);
      expect(() => quadraticForm(h, y, { entryError: e })).toThrow(RangeError);
    }
  });
});
