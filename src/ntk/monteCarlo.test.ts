import { describe, expect, it } from 'vitest';
import { expectedEmpiricalNtkDiagonal } from './empiricalNtk.ts';
import { arcCosineClosedForms, chebyshevRadius, hoeffdingRadius, ntkDiagonalSample, sampleArcCosine, singleRow } from './monteCarlo.ts';
import { architectureDims, resolveBetas } from './network.ts';
import { childRng, gaussian } from '../random/rng.ts';

/** Independent reference: 2-D Gauss–Hermite-free quadrature on a polar grid of E[f(u)g(v)]. */
function polarQuadrature(l11: number, l21: number, l22: number, f: (u: number, v: number) => number): number {
  // (g1, g2) = r(cos φ, sin φ): E h = (1/2π)∫∫ h e^{−r²/2} r dr dφ; radial part by midpoint rule to r = 12.
  const nr = 600,
    nphi = 2400;
  let s = 0;
  for (let a = 0; a < nphi; a++) {
    const phi = ((a + 0.5) * 2 * Math.PI) / nphi,
      c = Math.cos(phi),
      sn = Math.sin(phi);
    for (let b = 0; b < nr; b++) {
      const r = ((b + 0.5) * 12) / nr;
      const g1 = r * c,
        g2 = r * sn;
      s += f(l11 * g1, l21 * g1 + l22 * g2) * Math.exp((-r * r) / 2) * r;
    }
  }
  return (s * (12 / nr) * ((2 * Math.PI) / nphi)) / (2 * Math.PI);
}

describe('monteCarlo: arc-cosine closed forms', () => {
  const cases: [number, number, number][] = [
    [1, 0.3, 0.9],
    [2, -1.5, 0.2],
    [0.5, 1, 1e-9],
    [1, -1, 1e-9],
    [1, 0.7, 0],
    [1, -0.7, 0],
    [0, 1, 1],
    [1, 0, 0],
  ];
  it('match a polar quadrature of E[σ’σ’] and E[σσ] (independent reference)', () => {
    for (const [l11, l21, l22] of cases) {
      const cf = arcCosineClosedForms({ l11, l21, l22 });
      const dd = polarQuadrature(l11, l21, l22, (u, v) => (u > 0 && v > 0 ? 1 : 0));
      const ff = polarQuadrature(l11, l21, l22, (u, v) => Math.max(0, u) * Math.max(0, v));
      expect(Math.abs(cf.dd - dd)).toBeLessThan(2e-3);
      expect(Math.abs(cf.ff - ff)).toBeLessThan(2e-3 * (1 + l11 * Math.hypot(l21, l22)));
      expect(cf.ddError).toBeLessThan(1e-14);
    }
  });
  it('second-moment bound dominates E[(σ(u)σ(v))²]', () => {
    for (const [l11, l21, l22] of cases) {
      const m2 = polarQuadrature(l11, l21, l22, (u, v) => (Math.max(0, u) * Math.max(0, v)) ** 2);
      expect(arcCosineClosedForms({ l11, l21, l22 }).secondMomentBound).toBeGreaterThanOrEqual(m2 * (1 - 1e-3));
    }
  });
  it('Monte Carlo means are within the Hoeffding / Chebyshev radii (δ = 1e-3) and exact for degenerate rows', () => {
    for (const [l11, l21, l22] of cases) {
      const cf = arcCosineClosedForms({ l11, l21, l22 });
      const s = sampleArcCosine({ l11, l21, l22 }, 20000, `t/${l11}/${l21}/${l22}`);
      expect(Math.abs(s.ddMean - cf.dd)).toBeLessThanOrEqual(hoeffdingRadius(20000, 1e-3) + s.ddError);
      expect(Math.abs(s.ffMean - cf.ff)).toBeLessThanOrEqual(chebyshevRadius(cf.secondMomentBound, 20000, 1e-3) + s.ffError);
      if (cf.degenerate) {
        expect(s.ddMean).toBe(0);
        expect(s.ffMean).toBe(0);
      }
    }
  });
  it('draws g1, g2 in turn from one stream, across its fill blocks (means recomputed draw by draw)', () => {
    // 4096 draws per fill block: sizes at, around and across the block boundaries
    const L = { l11: 1, l21: 0.9, l22: 0.3 };
    for (const M of [4095, 4096, 4097, 8193, 9000]) {
      const rng = childRng(`blocks/${M}`, 'arccos-mc');
      let both = 0,
        sum = 0;
      for (let t = 0; t < M; t++) {
        const g1 = gaussian(rng),
          g2 = gaussian(rng);
        const u = L.l11 * g1,
          v = L.l21 * g1 + L.l22 * g2;
        if (u > 0 && v > 0) {
          both++;
          sum += u * v;
        }
      }
      const s = sampleArcCosine(L, M, `blocks/${M}`);
      expect([s.ddMean, s.ffMean], `M = ${M}`).toEqual([both / M, sum / M]);
    }
  });
  it('radii', () => {
    expect(hoeffdingRadius(200, 0.1)).toBeCloseTo(Math.sqrt(Math.log(20) / 400), 15);
    expect(chebyshevRadius(3, 100, 0.1)).toBeCloseTo(Math.sqrt(0.3), 15);
  });
});

describe('monteCarlo: K̄_ii over networks', () => {
  it('sample mean of K̄_11 approaches the exact expectation (calibration run of docs/theorems.md#calibration-values: d = 7, widths (5, 9, 4), mixed β)', () => {
    const arch = { inputDim: 7, widths: [5, 9, 4], init: { beta: [1.3, 0.7, 1.1, 0.9] } };
    const x = singleRow([1, -2, 0.5, 3, -1, 0.25, 2]);
    const s = ntkDiagonalSample(arch, x, 4000, 'kii');
    const e = expectedEmpiricalNtkDiagonal({ dims: architectureDims(arch), betas: resolveBetas(arch) }, x)[0];
    expect(Math.abs(s.mean / e - 1)).toBeLessThan(0.05);
    expect(s.error).toBeLessThan(1e-10 * s.mean);
  });
});
