import { describe, expect, it } from 'vitest';
import { Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';
import type { Matrix } from '../linalg/matrix.ts';
import { zeros } from '../linalg/matrix.ts';
import { childRng, createRng, gaussian } from '../random/rng.ts';
import { sampleData } from '../random/distributions.ts';
import {
  type NetworkArchitecture,
  expectedFeatureSquaredNorm,
  featureAt,
  featureMatrix,
  forward,
  initNetwork,
  preActivationsAt,
  resolveBetas,
} from './network.ts';
import { activationPattern, featureJacobian, hasZeroPreactivation, preactivationMargin, productOfNormsBound } from './lipschitz.ts';

/** Independent reference: per-sample forward pass written with plain nested loops over W_lᵀ. */
function referenceForward(ws: Matrix[], x: ArrayLike<number>): { gs: number[][]; out: number } {
  let f = Array.from(x);
  const gs: number[][] = [];
  for (let l = 0; l < ws.length; l++) {
    const w = ws[l];
    const g: number[] = [];
    for (let j = 0; j < w.cols; j++) {
      let s = 0;
      for (let a = 0; a < w.rows; a++) s += w.data[a * w.cols + j] * f[a];
      g.push(s);
    }
    gs.push(g);
    f = g.map((v) => Math.max(0, v));
  }
  return { gs, out: gs[gs.length - 1][0] };
}

function opNorm(m: Matrix): number {
  const ml = new MlMatrix(m.rows, m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) ml.set(i, j, m.data[i * m.cols + j]);
  return new SingularValueDecomposition(ml, { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true }).norm2;
}

describe('architecture and initialisation', () => {
  it('resolves dims and β for every scheme', () => {
    const base = { inputDim: 4, widths: [8, 2] };
    expect(resolveBetas({ ...base, init: 'standard' })).toEqual([1, 1, 1]);
    const he = resolveBetas({ ...base, init: 'he' });
    expect(he.map((b) => b * b)).toEqual([2 / 4, 2 / 8, 2 / 2].map((v) => expect.closeTo(v, 15)));
    const lecun = resolveBetas({ ...base, init: 'lecun' });
    expect(lecun.map((b) => b * b)).toEqual([1 / 4, 1 / 8, 1 / 2].map((v) => expect.closeTo(v, 15)));
    expect(resolveBetas({ ...base, init: { beta: [0.5, 2, 3] } })).toEqual([0.5, 2, 3]);
    expect(() => resolveBetas({ ...base, init: { beta: [1, 2] } })).toThrow(RangeError);
    expect(() => initNetwork({ inputDim: 0, widths: [], init: 'standard' }, 1)).toThrow(RangeError);
    expect(() => initNetwork({ inputDim: 3, widths: [2.5], init: 'standard' }, 1)).toThrow(RangeError);

    const net = initNetwork({ ...base, init: 'he' }, 'x');
    expect(net.depth).toBe(3);
    expect(net.dims).toEqual([4, 8, 2, 1]);
    expect(net.weights.map((w) => [w.rows, w.cols])).toEqual([
      [4, 8],
      [8, 2],
      [2, 1],
    ]);
  });

  it('draws layer l from childRng(seed, "W", l), row-major, scaled by β_l', () => {
    const arch: NetworkArchitecture = { inputDim: 3, widths: [5], init: { beta: [0.5, 2] } };
    const net = initNetwork(arch, 'seed-7');
    for (let l = 1; l <= 2; l++) {
      const rng = childRng('seed-7', 'W', l);
      const w = net.weights[l - 1];
      for (let t = 0; t < w.data.length; t++) expect(w.data[t]).toBe(net.betas[l - 1] * gaussian(rng));
    }
    // Same seed → same network; a layer's weights do not depend on the other layers' shapes.
    expect(initNetwork(arch, 'seed-7').weights[1].data).toEqual(net.weights[1].data);
    const other = initNetwork({ inputDim: 3, widths: [5, 9], init: 'standard' }, 'seed-7');
    expect(Array.from(other.weights[0].data)).toEqual(Array.from(net.weights[0].data).map((v) => v / 0.5));
    expect(initNetwork(arch, 'seed-8').weights[0].data).not.toEqual(net.weights[0].data);
  });
});

describe('forward pass', () => {
  it('matches a per-sample reference on several architectures (incl. depth 1)', () => {
    const archs: NetworkArchitecture[] = [
      { inputDim: 5, widths: [7, 6], init: 'standard' },
      { inputDim: 3, widths: [], init: 'standard' },
      { inputDim: 4, widths: [9, 1, 6], init: 'he' },
      { inputDim: 2, widths: [3], init: 'lecun' },
    ];
    archs.forEach((arch, a) => {
      const net = initNetwork(arch, a);
      const x = sampleData(createRng(`fx${a}`), { family: 'gaussian' }, 6, arch.inputDim);
      const fwd = forward(net, x);
      expect(fwd.features.length).toBe(net.depth);
      expect(fwd.preActivations.length).toBe(net.depth - 1);
      expect(fwd.output.length).toBe(6);
      for (let i = 0; i < 6; i++) {
        const xi = x.data.subarray(i * arch.inputDim, (i + 1) * arch.inputDim);
        const ref = referenceForward(net.weights, xi);
        expect(fwd.output[i]).toBeCloseTo(ref.out, 12);
        for (let l = 1; l < net.depth; l++) {
          const g = fwd.preActivations[l - 1],
            f = fwd.features[l];
          expect([g.rows, g.cols, f.rows, f.cols]).toEqual([6, net.dims[l], 6, net.dims[l]]);
          for (let j = 0; j < net.dims[l]; j++) {
            expect(g.data[i * g.cols + j]).toBeCloseTo(ref.gs[l - 1][j], 12);
            expect(f.data[i * f.cols + j]).toBeCloseTo(Math.max(0, ref.gs[l - 1][j]), 12);
          }
        }
        const gs = preActivationsAt(net, xi);
        expect(gs[net.depth - 1][0]).toBeCloseTo(ref.out, 12);
        expect(featureAt(net, xi, net.depth)[0]).toBeCloseTo(ref.out, 12);
      }
      for (let k = 0; k < net.depth; k++) expect(featureMatrix(net, x, k)).toEqual(fwd.features[k]);
      expect(() => featureMatrix(net, x, net.depth)).toThrow(RangeError);
    });
  });

  it('rejects inputs of the wrong dimension', () => {
    const net = initNetwork({ inputDim: 3, widths: [4], init: 'standard' }, 0);
    expect(() => forward(net, zeros(2, 4))).toThrow(RangeError);
  });

  it('E‖f_k(x)‖² = ‖x‖² ∏_{l≤k} n_lβ_l²/2 (Monte Carlo over the initialisation, 5σ band)', () => {
    // d = 7, widths (5, 9, 4), mixed β; M independent networks.
    const arch: NetworkArchitecture = { inputDim: 7, widths: [5, 9, 4], init: { beta: [0.8, 1.3, 0.6, 1.1] } };
    const xs = sampleData(createRng('mc-f-x'), { family: 'gaussian' }, 1, 7);
    const x = xs.data;
    let xn = 0;
    for (const v of x) xn += v * v;
    const M = 6000;
    const sums = [0, 0, 0, 0],
      sq = [0, 0, 0, 0];
    for (let s = 0; s < M; s++) {
      const net = initNetwork(arch, `mc-f-${s}`);
      for (let k = 1; k <= 3; k++) {
        const f = featureAt(net, x, k);
        let v = 0;
        for (const t of f) v += t * t;
        sums[k] += v;
        sq[k] += v * v;
      }
    }
    const net0 = initNetwork(arch, 0);
    expect(expectedFeatureSquaredNorm(net0, xn, 0)).toBe(xn);
    for (let k = 1; k <= 3; k++) {
      const mean = sums[k] / M;
      const se = Math.sqrt((sq[k] / M - mean * mean) / M);
      const expected = expectedFeatureSquaredNorm(net0, xn, k);
      expect(Math.abs(mean - expected)).toBeLessThan(5 * se);
      expect(se / expected).toBeLessThan(0.05); // the band is informative
    }
  });
});

describe('feature Jacobian (Lemma 6.1)', () => {
  const arch: NetworkArchitecture = { inputDim: 6, widths: [10, 8, 5], init: 'he' };
  const net = initNetwork(arch, 'lip');

  it('J(g_k)(z)(z′ − z) = g_k(z′) − g_k(z) when no activation of layers < k flips', () => {
    const rng = createRng('lip-z');
    for (let trial = 0; trial < 20; trial++) {
      const z = Float64Array.from({ length: 6 }, () => gaussian(rng));
      const v = Float64Array.from({ length: 6 }, () => gaussian(rng));
      for (let k = 1; k <= net.depth; k++) {
        // Shrink the step until the patterns of layers 1..k−1 agree at both ends; then (by induction
        // over layers, each g_l being affine on the segment) the pattern is constant on the segment.
        let t = 1;
        let z2 = z.map((zi, c) => zi + t * v[c]);
        const same = (): boolean => {
          if (k === 1) return true;
          const p1 = activationPattern(net, k - 1, z),
            p2 = activationPattern(net, k - 1, z2);
          return p1.every((s, j) => s === p2[j] && s !== 0);
        };
        while (!same()) {
          t /= 2;
          z2 = z.map((zi, c) => zi + t * v[c]);
        }
        const J = featureJacobian(net, k, z);
        expect([J.rows, J.cols]).toEqual([net.dims[k], 6]);
        const g1 = preActivationsAt(net, z, k)[k - 1],
          g2 = preActivationsAt(net, z2, k)[k - 1];
        let scale = 0;
        for (const g of [...g1, ...g2]) scale = Math.max(scale, Math.abs(g));
        for (let a = 0; a < J.rows; a++) {
          let s = 0;
          for (let c = 0; c < 6; c++) s += J.data[a * 6 + c] * (z2[c] - z[c]);
          expect(Math.abs(s - (g2[a] - g1[a]))).toBeLessThan(1e-12 * (scale + 1));
        }
      }
    }
  });

  it('k = 1 gives W_1ᵀ; patterns, zero pre-activations and margins are reported', () => {
    const z = Float64Array.from([0.3, -1, 2, 0.1, 0.7, -0.4]);
    const J1 = featureJacobian(net, 1, z);
    for (let a = 0; a < 10; a++) for (let c = 0; c < 6; c++) expect(J1.data[a * 6 + c]).toBe(net.weights[0].data[c * 10 + a]);
    const pat = activationPattern(net, 2, z);
    expect(pat.length).toBe(18);
    const gs = preActivationsAt(net, z, 2);
    expect(Array.from(pat)).toEqual([...gs[0], ...gs[1]].map((g) => Math.sign(g)));
    expect(hasZeroPreactivation(net, 3, z)).toBe(false);
    expect(preactivationMargin(net, 3, z)).toBe(Math.min(...[...gs[0], ...gs[1]].map(Math.abs)));
    expect(preactivationMargin(net, 1, z)).toBe(Infinity);
    // z = 0: every pre-activation is 0, σ'(0) = 0 ⇒ the Jacobian of g_k, k ≥ 2, is 0.
    const zero = new Float64Array(6);
    expect(hasZeroPreactivation(net, 2, zero)).toBe(true);
    expect(hasZeroPreactivation(net, 1, zero)).toBe(false);
    expect(featureJacobian(net, 2, zero).data.every((v) => v === 0)).toBe(true);
  });

  it('‖J(g_k)(z)‖_op ≤ ∏_{l≤k}‖W_l‖₂, and the product matches SVD norms', () => {
    const rng = createRng('lip-norm');
    for (let k = 1; k <= net.depth; k++) {
      const { value, certified } = productOfNormsBound(net, k);
      let ref = 1;
      for (let l = 0; l < k; l++) ref *= opNorm(net.weights[l]);
      expect(certified).toBe(false); // power-iteration estimates of the norms (certified bounds: lipschitzEstimate.ts)
      expect(Math.abs(value - ref)).toBeLessThan(1e-6 * ref);
      for (let t = 0; t < 10; t++) {
        const z = Float64Array.from({ length: 6 }, () => gaussian(rng));
        expect(opNorm(featureJacobian(net, k, z))).toBeLessThanOrEqual(ref * (1 + 1e-12));
      }
    }
  });
});
