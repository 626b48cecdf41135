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
        let s = 0,
          sAbs = 0;
        for (let j = 0; j < n; j++) {
          s += weights[j] * nodes[j] ** k;
          sAbs += Math.abs(weights[j] * nodes[j] ** k);
        }
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

describe('hermiteCoefficientsQuadrature (interleaved recurrence)', () => {
  /** The node-by-node loop it replaced (same nodes, same order of sums, √k computed in the loop). */
  function reference(f: (t: number) => number, rMax: number, breakpoints: number[]): Float64Array {
    const gl = gaussLegendre(24);
    const cuts = [-40, ...breakpoints, 40];
    const mu = new Float64Array(rMax + 1),
      h = new Float64Array(rMax + 1);
    for (let s = 0; s + 1 < cuts.length; s++) {
      const lo = cuts[s],
        hi = cuts[s + 1];
      const panels = Math.max(1, Math.ceil(hi - lo)),
        pw = (hi - lo) / panels;
      for (let p = 0; p < panels; p++) {
        const mid = lo + p * pw + pw / 2,
          half = pw / 2;
        for (let k = 0; k < 24; k++) {
          const t = mid + half * gl.nodes[k];
          const dens = Math.exp(-0.5 * t * t) * (1 / Math.sqrt(2 * Math.PI));
          if (dens === 0) continue;
          const wf = half * gl.weights[k] * dens * f(t);
          if (wf === 0) continue;
          h[0] = 1;
          if (rMax >= 1) h[1] = t;
          for (let q = 1; q < rMax; q++) h[q + 1] = (t * h[q] - Math.sqrt(q) * h[q - 1]) / Math.sqrt(q + 1);
          for (let r = 0; r <= rMax; r++) mu[r] += wf * h[r];
        }
      }
    }
    return mu;
  }
  it('is bit-identical to the node-by-node loop', () => {
    const fs: [(t: number) => number, number[]][] = [
      [(t) => (t > 0 ? t : 0), [0]],
      [(t) => Math.abs(t) + 0.5 * t, [0]],
      [(t) => Math.tanh(t), []],
    ];
    for (const [f, bp] of fs)
      for (const rMax of [0, 1, 2, 7, 20, 33]) {
        const got = hermiteCoefficientsQuadrature(f, rMax, { breakpoints: bp });
        const want = reference(f, rMax, bp);
        for (let r = 0; r <= rMax; r++) expect(Object.is(got[r], want[r])).toBe(true);
      }
  });
});
