import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { Matrix } from '../linalg/matrix.ts';
import { asymmetry } from '../linalg/matrix.ts';
import { createRng } from '../random/rng.ts';
import { sampleData } from '../random/distributions.ts';
import { type Network, type NetworkArchitecture, architectureDims, forward, initNetwork, resolveBetas } from './network.ts';
import {
  backpropSignals,
  empiricalNtk,
  expectedEmpiricalNtkDiagonal,
  explicitJacobian,
  jacobianByFiniteDifferences,
  jacobianLayout,
  normalizedEmpiricalNtk,
  ntkNormalization,
} from './empiricalNtk.ts';
import { limitingKernels } from './limiting.ts';

/** Naive J Jᵀ of the rows of j (or J_a J_bᵀ restricted to a column range); also the input Gram X Xᵀ. */
function gramOfRows(j: Matrix, c0 = 0, c1 = j.cols): Float64Array {
  const N = j.rows,
    P = j.cols;
  const out = new Float64Array(N * N);
  for (let a = 0; a < N; a++) {
    for (let b = 0; b < N; b++) {
      let s = 0;
      for (let t = c0; t < c1; t++) s += j.data[a * P + t] * j.data[b * P + t];
      out[a * N + b] = s;
    }
  }
  return out;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Private reference for the limiting NTK (eq. (9), factor-2 arc-cosine kernels), written independently
 * of src/ntk/limiting.ts: a cross-check of limitingKernels on the data of the convergence test.
 * Math.acos(clip(·)) is adequate here: the inputs are random Gaussian points in R^10, far from parallel
 * (docs/conventions.md#cancellation-free-angles warns against it for nearly parallel inputs).
 */
function referenceLimitingNtk(x: Matrix, depth: number): Float64Array {
  const N = x.rows;
  let G = gramOfRows(x);
  let K = Float64Array.from(G);
  for (let l = 2; l <= depth; l++) {
    const Gn = new Float64Array(N * N),
      Kn = new Float64Array(N * N);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const r = Math.sqrt(G[i * N + i] * G[j * N + j]);
        const theta = Math.acos(Math.min(1, Math.max(-1, G[i * N + j] / r)));
        const g = (r / Math.PI) * (Math.sin(theta) + (Math.PI - theta) * Math.cos(theta));
        const gDot = (Math.PI - theta) / Math.PI;
        Gn[i * N + j] = g;
        Kn[i * N + j] = K[i * N + j] * gDot + g;
      }
    }
    G = Gn;
    K = Kn;
  }
  return K;
}

/** Least-squares slope of y against x. */
function slope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length,
    my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0,
    sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxy / sxx;
}

/** min |pre-activation| over all samples and hidden layers (distance to a ReLU kink). */
function kinkMargin(net: Network, x: Matrix): number {
  let m = Infinity;
  for (const g of forward(net, x).preActivations) for (const v of g.data) m = Math.min(m, Math.abs(v));
  return m;
}

describe('layer-wise empirical NTK vs the explicit Jacobian', () => {
  const arch: NetworkArchitecture = { inputDim: 5, widths: [7, 6], init: 'standard' };
  const net = initNetwork(arch, 'tiny');
  const x = sampleData(createRng('tiny-x'), { family: 'gaussian' }, 4, 5);

  it('J Jᵀ = Σ_k (F_kF_kᵀ)∘(B_{k+1}B_{k+1}ᵀ) with B_L = 1_N (tiny net, relative ≤ 1e−12)', () => {
    const J = explicitJacobian(net, x);
    expect([J.rows, J.cols]).toEqual([4, 5 * 7 + 7 * 6 + 6]);
    const jjt = gramOfRows(J);
    const { ntk, errorBound, terms } = empiricalNtk(net, x, { layerTerms: true });
    expect(asymmetry(ntk)).toBe(0);
    expect(maxAbsDiff(ntk.data, jjt) / maxAbs(jjt)).toBeLessThanOrEqual(1e-12);
    expect(errorBound).toBeGreaterThan(0);
    expect(errorBound).toBeLessThan(1e-12 * maxAbs(jjt) * 4);
    // Each summand is the contribution of one weight matrix: terms[k] = J_{W_{k+1}} J_{W_{k+1}}ᵀ.
    const off = jacobianLayout(net);
    expect(terms!.length).toBe(3);
    for (let k = 0; k < 3; k++) {
      const block = gramOfRows(J, off[k], off[k + 1]);
      expect(maxAbsDiff(terms![k].data, block) / maxAbs(jjt)).toBeLessThanOrEqual(1e-12);
    }
    // The W_L term is F_{L−1}F_{L−1}ᵀ, i.e. B_L B_Lᵀ = 1 1ᵀ.
    const bs = backpropSignals(net, forward(net, x));
    expect(bs.map((b) => [b.rows, b.cols])).toEqual([
      [4, 7],
      [4, 6],
      [4, 1],
    ]);
    expect(Array.from(bs[2].data)).toEqual([1, 1, 1, 1]);
  });

  it('the erratum form B_L = (1/√N)1_N is refuted: it differs from J Jᵀ by O(1)', () => {
    const jjt = gramOfRows(explicitJacobian(net, x));
    const wrong = empiricalNtk(net, x, { bLScale: 'erratum-inv-sqrt-n' }).ntk;
    const rel = maxAbsDiff(wrong.data, jjt) / maxAbs(jjt);
    expect(rel).toBeGreaterThan(0.05);
    const right = empiricalNtk(net, x).ntk;
    expect(rel).toBeGreaterThan(1e9 * (maxAbsDiff(right.data, jjt) / maxAbs(jjt) + 1e-300));
  });

  it('explicit Jacobian = central finite differences (inputs away from every kink)', () => {
    for (const [a, archI] of [
      [0, arch],
      [1, { inputDim: 3, widths: [4, 5, 3], init: 'he' }],
      [2, { inputDim: 4, widths: [], init: 'standard' }],
    ] as [number, NetworkArchitecture][]) {
      // Deterministically pick the first seed whose pre-activations are all ≥ 1e−3 in magnitude;
      // then no kink is crossed within ±h, and f_L is affine in each single weight there, so
      // central differences are exact up to rounding.
      let s = 0;
      let nI: Network, xI: Matrix;
      for (;;) {
        nI = initNetwork(archI, `fd-${a}-${s}`);
        xI = sampleData(createRng(`fd-x-${a}-${s}`), { family: 'gaussian' }, 3, archI.inputDim);
        if (kinkMargin(nI, xI) > 1e-3) break;
        s++;
      }
      const J = explicitJacobian(nI, xI);
      const fd = jacobianByFiniteDifferences(nI, xI, 1e-6);
      expect(maxAbsDiff(J.data, fd.data)).toBeLessThan(1e-7 * (1 + maxAbs(J.data)));
    }
  });

  test.prop(
    [
      fc.record({
        d: fc.integer({ min: 1, max: 6 }),
        widths: fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 3 }),
        n: fc.integer({ min: 1, max: 6 }),
        init: fc.constantFrom<NetworkArchitecture['init']>('standard', 'he', 'lecun'),
        seed: fc.integer({ min: 0, max: 1_000_000 }),
      }),
    ],
    { numRuns: 60 },
  )('J Jᵀ = layer-wise sum on random shapes (relative ≤ 1e−12)', ({ d, widths, n, init, seed }) => {
    const archR: NetworkArchitecture = { inputDim: d, widths, init };
    const netR = initNetwork(archR, seed);
    const xR = sampleData(createRng(`x-${seed}`), { family: 'gaussian' }, n, d);
    const jjt = gramOfRows(explicitJacobian(netR, xR));
    const { ntk } = empiricalNtk(netR, xR);
    expect(asymmetry(ntk)).toBe(0);
    const scale = maxAbs(jjt);
    // scale = 0 happens when every sample is killed by a dead layer (possible at width 1).
    expect(maxAbsDiff(ntk.data, jjt)).toBeLessThanOrEqual(1e-12 * scale);
  });
});

describe('expectations and normalisation', () => {
  it('E K̄_ii = ‖x_i‖²(∏ n_m/2) Σ_l ∏_{m≠l} β_m² (Monte Carlo, mixed β, 5σ band)', () => {
    // Calibration run of docs/theorems.md#calibration-values: d = 7, widths (5, 9, 4), mixed β.
    const arch: NetworkArchitecture = { inputDim: 7, widths: [5, 9, 4], init: { beta: [0.8, 1.3, 0.6, 1.1] } };
    const x = sampleData(createRng('mc-k-x'), { family: 'gaussian' }, 2, 7);
    const expected = expectedEmpiricalNtkDiagonal({ dims: architectureDims(arch), betas: resolveBetas(arch) }, x);
    const M = 8000;
    const sum = [0, 0],
      sq = [0, 0];
    for (let s = 0; s < M; s++) {
      const { ntk } = empiricalNtk(initNetwork(arch, `mc-k-${s}`), x);
      for (let i = 0; i < 2; i++) {
        const v = ntk.data[i * 2 + i];
        sum[i] += v;
        sq[i] += v * v;
      }
    }
    for (let i = 0; i < 2; i++) {
      const mean = sum[i] / M;
      const se = Math.sqrt((sq[i] / M - mean * mean) / (M - 1));
      expect(Math.abs(mean - expected[i])).toBeLessThan(5 * se);
      expect(se / expected[i]).toBeLessThan(0.03);
    }
    // Standard init: E K̄_ii = L ‖x_i‖² ∏(n_m/2), the finite-width image of K^{(L)}_ii = L‖x_i‖².
    const std = initNetwork({ inputDim: 7, widths: [5, 9, 4], init: 'standard' }, 0);
    const e = expectedEmpiricalNtkDiagonal(std, x);
    const x0 = x.data[0] ** 2 + x.data[1] ** 2 + x.data[2] ** 2 + x.data[3] ** 2 + x.data[4] ** 2 + x.data[5] ** 2 + x.data[6] ** 2;
    expect(e[0] * ntkNormalization(std)).toBeCloseTo(4 * x0, 12);
  });

  it('(∏_{l<L} 2/n_l) K̄ → K^{(L)} at rate ≈ n^{−1/2} (L = 3, d = 10, N = 6, widths n = 250, 1000, 4000)', () => {
    const x = sampleData(createRng('conv-data'), { family: 'gaussian' }, 6, 10);
    const limit = limitingKernels(x, { depth: 3 }).ntk.data;
    const scale = maxAbs(limit);
    expect(maxAbsDiff(limit, referenceLimitingNtk(x, 3))).toBeLessThan(1e-12 * scale);
    const widths = [250, 1000, 4000];
    const seeds = [0, 1, 2, 3, 4];
    const logN: number[] = [],
      logErr: number[] = [];
    const meanErr: number[] = [];
    for (const n of widths) {
      let acc = 0;
      for (const s of seeds) {
        const net = initNetwork({ inputDim: 10, widths: [n, n], init: 'standard' }, `conv-${s}`);
        const err = maxAbsDiff(normalizedEmpiricalNtk(net, x).data, limit) / scale;
        logN.push(Math.log(n));
        logErr.push(Math.log(err));
        acc += err;
      }
      meanErr.push(acc / seeds.length);
    }
    const fitted = slope(logN, logErr);
    expect(fitted).toBeGreaterThanOrEqual(-0.8);
    expect(fitted).toBeLessThanOrEqual(-0.25);
    // Calibration (docs/theorems.md#calibration-values: 0.29 → 0.11 → 0.065 for 200/1000/4000).
    expect(meanErr[0]).toBeLessThan(0.5);
    expect(meanErr[2]).toBeLessThan(0.12);
  });
});
