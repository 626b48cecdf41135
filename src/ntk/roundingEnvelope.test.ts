import { describe, expect, it } from 'vitest';
import { fromRows } from '../linalg/matrix.ts';
import { sampleData } from '../random/distributions.ts';
import { childRng } from '../random/rng.ts';
import { backpropSignals } from './empiricalNtk.ts';
import { forward, initNetwork, preActivationsAt } from './network.ts';
import { featureMatrixError, layerwiseKernelPerturbation, roundingEnvelope } from './roundingEnvelope.ts';

describe('roundingEnvelope', () => {
  it('bounds the difference between two float evaluations (matmul forward vs per-sample)', () => {
    const x = sampleData(childRng('env', 'x'), { family: 'gaussian' }, 6, 9);
    const net = initNetwork({ inputDim: 9, widths: [40, 30, 20], init: 'he' }, 'env-net');
    const fwd = forward(net, x);
    const env = roundingEnvelope(net, x, fwd);
    expect(env.patternCertified).toBe(true);
    for (let k = 1; k < net.depth; k++) {
      for (let i = 0; i < x.rows; i++) {
        const gs = preActivationsAt(net, x.data.subarray(i * 9, (i + 1) * 9), k);
        const n = net.dims[k];
        let diff = 0, nrm = 0;
        for (let j = 0; j < n; j++) {
          const a = Math.max(0, gs[k - 1][j]), b = fwd.features[k].data[i * n + j];
          diff += (a - b) ** 2;
          nrm += b * b;
        }
        // both are within η_k A_{k,i} of the exact feature vector
        expect(Math.sqrt(diff)).toBeLessThanOrEqual(2 * env.eta[k] * env.featureNorm[k][i]);
        expect(Math.sqrt(nrm)).toBeLessThanOrEqual(env.featureNorm[k][i] * (1 + env.eta[k]));
      }
      expect(featureMatrixError(env, k)).toBeGreaterThan(0);
    }
    const bs = backpropSignals(net, fwd);
    for (let k = 1; k <= net.depth; k++)
      for (let i = 0; i < x.rows; i++) {
        let s = 0;
        const n = net.dims[k];
        for (let j = 0; j < n; j++) s += bs[k - 1].data[i * n + j] ** 2;
        expect(Math.sqrt(s)).toBeLessThanOrEqual(env.backNorm[k][i] * (1 + env.zeta[k]));
      }
    const t = layerwiseKernelPerturbation(env);
    expect(t.spectral).toBeGreaterThan(0);
    expect(t.spectral).toBeLessThan(1e-8 * 1e6);
  });
  it('flags an input whose pre-activation is exactly zero', () => {
    const net = initNetwork({ inputDim: 2, widths: [3], init: 'standard' }, 'z');
    const w = net.weights[0];
    // choose x orthogonal to the first column of W_1: g_{1,0} = 0
    const x = fromRows([[w.data[1 * 3 + 0], -w.data[0 * 3 + 0]]]);
    const env = roundingEnvelope(net, x);
    expect(env.patternCertified).toBe(false);
    expect(layerwiseKernelPerturbation(env).spectral).toBe(Infinity);
  });
});
