import { describe, expect, it } from 'vitest';
import { hInfinity } from './hInfinity.ts';
import {
  closedFormTrajectory,
  finiteGram,
  initTwoLayer,
  linearRecursionResiduals,
  lossGradient,
  preActivations,
  predict,
  squaredLoss,
  trainGd,
} from './twoLayer.ts';
import { sampleData } from '../random/distributions.ts';
import { childRng, fillGaussian } from '../random/rng.ts';
import { expectCentralDifferences } from '../../test/support/finiteDifference.ts';
import { expectMonteCarloMean } from '../../test/support/monteCarloMean.ts';

const x = sampleData(childRng('t', 'x'), { family: 'unit-sphere' }, 6, 5);
const y = fillGaussian(childRng('t', 'y'), new Float64Array(6));

describe('two-layer network', () => {
  it('gradient matches central finite differences', () => {
    const net = initTwoLayer({ m: 20, d: 5, seed: 's' });
    const g = lossGradient(net, x, y);
    expectCentralDifferences(
      (w) => squaredLoss(predict(net, x, w), y),
      net.w,
      (idx) => g[idx],
      [0, 7, 33, 99],
    );
  });
  it('E H(0) = H∞ (Monte Carlo over 200 initialisations, 5σ interval per entry)', () => {
    const m = 50;
    const draw = (t: number) => finiteGram(initTwoLayer({ m, d: 5, seed: `mc${t}` }).w, m, x).matrix.data;
    expectMonteCarloMean(200, draw, hInfinity(x).matrix.data, 1e-12);
  });
  it('GD decreases the loss and its certified error bound stays small', () => {
    const net = initTwoLayer({ m: 500, d: 5, seed: 'gd' });
    const r = trainGd(net, x, y, { eta: 0.05, steps: 50 });
    expect(r.residualNorm[50]).toBeLessThan(r.residualNorm[0]);
    expect(r.uncertifiedAt).toBe(-1);
    expect(r.residualNormError[50]).toBeLessThan(1e-9);
    expect(r.u0).toEqual(predict(net, x));
    expect(r.maxMovement[0]).toBe(0);
    expect(r.patternChange[0]).toBe(0);
  });
  it('the WebAssembly forward/gradient kernels give bit-identical runs to the JS loops (incl. uncertified runs, odd N and d)', () => {
    const same = (p: Float64Array, q: Float64Array) =>
      expect(Buffer.from(p.buffer, p.byteOffset, p.byteLength).equals(Buffer.from(q.buffer, q.byteOffset, q.byteLength))).toBe(true);
    for (const [n, d, m, eta, steps, kappa] of [
      [6, 5, 500, 0.05, 40, 1],
      [3, 4, 250, 0.3, 60, 1],
      [7, 9, 64, 2, 30, 1],
      [1, 1, 3, 0.1, 5, 1],
      [4, 3, 5, 0.2, 20, 1],
      [2, 7, 6, 0.2, 20, 1],
      [5, 8, 1000, 20, 80, 1],
    ] as const) {
      const xs = sampleData(childRng('ws', n, d), { family: 'unit-sphere' }, n, d);
      const ys = fillGaussian(childRng('ws-y', n), new Float64Array(n));
      const net = initTwoLayer({ m, d, seed: `ws${m}`, kappa });
      const a = trainGd(net, xs, ys, { eta, steps });
      const b = trainGd(net, xs, ys, { eta, steps, kernels: 'js' });
      for (const k of ['residualNorm', 'residualNormError', 'maxMovement', 'maxMovementError', 'patternChange', 'u0', 'u', 'w'] as const) same(a[k], b[k]);
      expect(a.uncertifiedAt).toBe(b.uncertifiedAt);
      if (eta === 20) expect(a.uncertifiedAt).toBeGreaterThanOrEqual(0); // a large step: the run leaves the certified regime
    }
  });
  it('pre-activations by the WebAssembly kernel are bit-identical to the JS loop (odd and even N)', () => {
    for (const [n, d, m] of [
      [1000, 10, 200],
      [37, 5, 300],
      [8, 64, 64],
    ] as const) {
      const xs = sampleData(childRng('pre', n, d), { family: 'gaussian' }, n, d);
      const net = initTwoLayer({ m, d, seed: `pre${m}` });
      const a = preActivations(net.w, m, xs),
        b = preActivations(net.w, m, xs, undefined, 'js');
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
      let s = 0;
      for (let q = 0; q < d; q++) s += net.w[(m - 1) * d + q] * xs.data[(n - 1) * d + q];
      expect(a[(m - 1) * n + n - 1]).toBe(s);
    }
  });
  it('one GD step equals W − η∇Φ', () => {
    const net = initTwoLayer({ m: 30, d: 5, seed: 'step' });
    const g = lossGradient(net, x, y);
    const r = trainGd(net, x, y, { eta: 0.1, steps: 1 });
    for (let k = 0; k < g.length; k++) expect(r.w[k]).toBeCloseTo(net.w[k] - 0.1 * g[k], 14);
  });
  it('linear recursion equals the eigen closed form √Σ(1−ηλ_i)^{2k}(v_iᵀy)²', () => {
    const H = hInfinity(x);
    const lin = linearRecursionResiduals(H.matrix, y, 0.3, 40, H.errorBound);
    const cf = closedFormTrajectory(H.matrix, y, 0.3, 40);
    for (let k = 0; k <= 40; k++) expect(Math.abs(lin.norms[k] - cf[k])).toBeLessThanOrEqual(lin.errors[k] + 1e-13);
    expect(lin.norms[0]).toBeCloseTo(Math.hypot(...y), 14);
  });
  it('wide networks follow the H∞ trajectory more closely (gap shrinks with m)', () => {
    const H = hInfinity(x);
    const lin = linearRecursionResiduals(H.matrix, y, 0.2, 60);
    const gap = (m: number) => {
      let worst = 0;
      for (let s = 0; s < 4; s++) {
        const r = trainGd(initTwoLayer({ m, d: 5, seed: `w${s}`, kappa: 0.05 }), x, y, { eta: 0.2, steps: 60 });
        for (let k = 0; k <= 60; k++) worst = Math.max(worst, Math.abs(r.residualNorm[k] - lin.norms[k]));
      }
      return worst;
    };
    expect(gap(4000)).toBeLessThan(gap(100));
  });
});
