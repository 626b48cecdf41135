import { describe, expect, it } from 'vitest';
import { fromRows } from '../linalg/matrix.ts';
import { createRng, gaussian } from '../random/rng.ts';
import { sampleData } from '../random/distributions.ts';
import { hInfinity, hInfinityUnitNorm } from './hInfinity.ts';
import { limitingKernels } from './limiting.ts';

describe('H∞ (Du et al. 2019)', () => {
  it('matches Monte Carlo E_w[x_iᵀx_j 1{wᵀx_i ≥ 0, wᵀx_j ≥ 0}] within 5 standard errors (general norms, zero row)', () => {
    const rng = createRng('hinf-mc');
    const x = sampleData(rng, { family: 'gaussian' }, 5, 4);
    for (let k = 0; k < 4; k++) x.data[4 * 4 + k] = 0; // zero row
    x.data[3 * 4] *= 10; // mixed norms
    const { matrix } = hInfinity(x);
    const n = 5,
      d = 4,
      m = 100_000;
    const cnt = new Float64Array(n * n);
    const w = new Float64Array(d);
    const act = new Uint8Array(n);
    for (let s = 0; s < m; s++) {
      for (let k = 0; k < d; k++) w[k] = gaussian(rng);
      for (let i = 0; i < n; i++) {
        let t = 0;
        for (let k = 0; k < d; k++) t += w[k] * x.data[i * d + k];
        act[i] = t >= 0 ? 1 : 0;
      }
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cnt[i * n + j] += act[i] & act[j];
    }
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let dotij = 0;
        for (let k = 0; k < d; k++) dotij += x.data[i * d + k] * x.data[j * d + k];
        const p = cnt[i * n + j] / m;
        const est = dotij * p;
        const se = Math.abs(dotij) * Math.sqrt(Math.max(p * (1 - p), 1 / m) / m);
        expect(Math.abs(matrix.data[i * n + j] - est)).toBeLessThanOrEqual(5 * se + 1e-14);
      }
  });

  it('equals ½ G^{(1)}∘Ġ^{(2)} of the nmm ReLU limiting kernels (unit-norm data)', () => {
    const x = sampleData(createRng('hinf-rel'), { family: 'unit-sphere' }, 7, 5);
    const { matrix } = hInfinity(x);
    const r = limitingKernels(x, { depth: 2 }, { keepLayers: true });
    const g1 = r.layers![0].nngp.data,
      gd = r.layers![1].nngpDot!.data;
    for (let k = 0; k < 49; k++) expect(matrix.data[k]).toBeCloseTo(0.5 * g1[k] * gd[k], 15);
  });

  it('closed form for unit vectors: x_iᵀx_j(π − arccos(x_iᵀx_j))/(2π); nearly parallel pair stays non-singular', () => {
    const t = 0.7;
    const { matrix, errorBound } = hInfinity(
      fromRows([
        [1, 0],
        [Math.cos(t), Math.sin(t)],
      ]),
    );
    expect(matrix.data[1]).toBeCloseTo((Math.cos(t) * (Math.PI - t)) / (2 * Math.PI), 15);
    expect(matrix.data[0]).toBe(0.5);
    expect(errorBound).toBeGreaterThan(0);
    expect(errorBound).toBeLessThan(1e-14);
    // angle 1e-9: λ_min = H11 − H12 = ½ − cos θ(π − θ)/(2π) ≈ θ/(2π) + O(θ²)
    const e = 1e-9;
    const h = hInfinity(
      fromRows([
        [1, 0],
        [Math.cos(e), Math.sin(e)],
      ]),
    ).matrix.data;
    const lam = h[0] - h[1];
    expect(Math.abs(lam - e / (2 * Math.PI)) / (e / (2 * Math.PI))).toBeLessThan(1e-6);
  });
});

describe('hInfinityUnitNorm', () => {
  it('bounds the distance to H∞ of the exactly unit rows when the stored rows are unit only to rounding', () => {
    // Exactly unit rows (3-4-5 triangles), then the same rows off by a few ulps in norm.
    const exact = fromRows([
      [1, 0],
      [0.6, 0.8],
      [0.8, 0.6],
      [0, -1],
    ]);
    const off = { ...exact, data: exact.data.map((v, i) => v * (1 + (i % 3) * 2 ** -50)) };
    const refH = hInfinity(exact);
    const ref = refH.matrix;
    const h = hInfinityUnitNorm(off);
    let worst = 0;
    for (let t = 0; t < ref.data.length; t++) worst = Math.max(worst, Math.abs(h.matrix.data[t] - ref.data[t]));
    expect(worst).toBeGreaterThan(0); // the stored rows really differ
    // Both computed matrices carry rounding: the reference's own bound is added.
    expect(worst).toBeLessThanOrEqual(h.errorBound + refH.errorBound);
    expect(h.errorBound).toBeGreaterThan(hInfinity(off).errorBound); // the normalisation term is included
  });
});
