import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { add, type Dy, dy, exactFeatures, exactNtk, mul, toDec, ZERO } from '../../test/support/exactNtk.ts';
import { fromRows, type Matrix } from '../linalg/matrix.ts';
import { sampleData } from '../random/distributions.ts';
import { childRng } from '../random/rng.ts';
import { backpropSignals, empiricalNtk } from './empiricalNtk.ts';
import { type ForwardResult, type Network, forward, initNetwork, networkFromWeights, preActivationsAt } from './network.ts';
import { featureMatrixError, layerwiseKernelPerturbation, roundingEnvelope } from './roundingEnvelope.ts';

/** a ≥ b for dyadics, exactly. */
const geq = (a: Dy, b: Dy): boolean => add(a, { m: -b.m, e: b.e }).m >= 0n;

/**
 * The module comment's absolute networks, exactly (BigInt dyadics), masked by the float pattern:
 * a_0 = |x|, a_l = m_l ∘ |W_l|ᵀa_{l−1}; c_L = 1, c_k = m_k ∘ |W_{k+1}|c_{k+1}. Returns Σ_j a_k(x_i)_j² and
 * Σ_j c_k(x_i)_j² per layer and sample.
 */
function exactAbsNetworkSquares(net: Network, x: Matrix, fwd: ForwardResult): { a: Dy[][]; c: Dy[][] } {
  const L = net.depth,
    N = x.rows;
  const sq = (v: Dy[]) => v.reduce((s, t) => add(s, mul(t, t)), ZERO);
  const absDy = (v: number) => dy(Math.abs(v));
  const aOut: Dy[][] = [],
    cOut: Dy[][] = Array.from({ length: L + 1 }, () => []);
  for (let i = 0; i < N; i++) {
    let a: Dy[] = Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols), absDy);
    const as: Dy[][] = [a];
    for (let l = 1; l < L; l++) {
      const w = net.weights[l - 1];
      const G = fwd.preActivations[l - 1].data;
      const next: Dy[] = [];
      for (let j = 0; j < w.cols; j++) {
        let s = ZERO;
        for (let p = 0; p < w.rows; p++) s = add(s, mul(a[p], absDy(w.data[p * w.cols + j])));
        next.push(G[i * w.cols + j] > 0 ? s : ZERO);
      }
      a = next;
      as.push(a);
    }
    as.forEach((v, k) => ((aOut[k] ??= [])[i] = sq(v)));
    let c: Dy[] = [dy(1)];
    cOut[L][i] = sq(c);
    for (let k = L - 1; k >= 1; k--) {
      const w = net.weights[k];
      const G = fwd.preActivations[k - 1].data;
      const next: Dy[] = [];
      for (let p = 0; p < w.rows; p++) {
        let s = ZERO;
        for (let j = 0; j < w.cols; j++) s = add(s, mul(absDy(w.data[p * w.cols + j]), c[j]));
        next.push(G[i * w.rows + p] > 0 ? s : ZERO);
      }
      c = next;
      cOut[k][i] = sq(c);
    }
  }
  return { a: aOut, c: cOut };
}

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
        let diff = 0,
          nrm = 0;
        for (let j = 0; j < n; j++) {
          const a = Math.max(0, gs[k - 1][j]),
            b = fwd.features[k].data[i * n + j];
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
  it('data where products underflow (scale 2^-560): no certified pattern and an infinite feature error, never a bound below the exact error', () => {
    const net = initNetwork({ inputDim: 3, widths: [4, 3], init: 'he' }, 'tiny');
    const base = [
      [0.9, -0.3, 0.5],
      [-0.2, 0.7, 0.4],
    ];
    Decimal.set({ precision: 60 });
    for (const e of [-560, -1000, 0]) {
      const x = fromRows(base.map((r) => r.map((v) => v * 2 ** e)));
      const fwd = forward(net, x);
      const env = roundingEnvelope(net, x, fwd);
      for (let k = 1; k < net.depth; k++) {
        // exact ‖F̂_k − F_k‖_F of the stored doubles (BigInt dyadics, then decimal.js)
        const F = exactFeatures(net, x, k);
        let s = new Decimal(0);
        F.forEach((row, i) =>
          row.forEach(
            (v, j) =>
              (s = s.plus(
                toDec(v)
                  .minus(toDec(dy(fwd.features[k].data[i * row.length + j])))
                  .pow(2),
              )),
          ),
        );
        const bound = featureMatrixError(env, k);
        expect(bound === Infinity || new Decimal(bound).gte(s.sqrt()), `k=${k}, e=${e}: ${bound} < ${s.sqrt().toPrecision(6)}`).toBe(true);
      }
      expect(env.rangeSafe).toBe(e === 0);
      if (e !== 0) {
        expect(env.patternCertified).toBe(false);
        expect(layerwiseKernelPerturbation(env).spectral).toBe(Infinity);
      }
    }
  });
  it('subnormal data: a pre-activation that rounds to 0 is not certified (its exact value is 0.1·ETA > 0)', () => {
    // x = (ETA, ETA), W_1 = (0.4, −0.3)ᵀ: exact g = 0.1·ETA > 0 (active), fl(0.4·ETA) = fl(−0.3·ETA) = 0, so ĝ = 0;
    // with W_2 = 2^1000 the exact K̄ = ‖x‖²·2^2000 + g²·2^2000 ≈ 2^-147 while the float K̂ = 0.
    const ETA = 2 ** -1074;
    const net = networkFromWeights({ inputDim: 2, widths: [1], init: 'standard' }, [fromRows([[0.4], [-0.3]]), fromRows([[2 ** 1000]])]);
    const x = fromRows([[ETA, ETA]]);
    const fwd = forward(net, x);
    expect(fwd.preActivations[0].data[0]).toBe(0);
    const env = roundingEnvelope(net, x, fwd);
    const emp = empiricalNtk(net, x, { forwardResult: fwd });
    const exact = toDec(exactNtk(net, x)[0][0]);
    expect(exact.gt(new Decimal(2).pow(-148))).toBe(true);
    // either the pattern is not certified, or K̂ ± (final rounding + envelope) contains the exact K̄
    const bound = env.patternCertified ? emp.errorBound + layerwiseKernelPerturbation(env).spectral : Infinity;
    expect(new Decimal(emp.ntk.data[0]).minus(exact).abs().lte(bound)).toBe(true);
    expect(env.patternCertified).toBe(false);
  });
  it('normal-range data whose pre-activation rounds to 0 (range safe, pattern not certified): featureMatrixError never below the exact error', () => {
    // x = (1 + 2^-52, 1), W_1 = (1 + 2^-52, −(1 + 2^-51))ᵀ: fl((1 + 2^-52)²) = 1 + 2^-51, so ĝ = 0 (inactive) while
    // the exact g = 2^-104 > 0 (active): ‖F̂_1 − F_1‖ = 2^-104, but the masked absolute network a_1 is 0.
    const e = 2 ** -52;
    const net = networkFromWeights({ inputDim: 2, widths: [1], init: 'standard' }, [fromRows([[1 + e], [-(1 + 2 * e)]]), fromRows([[1]])]);
    const x = fromRows([[1 + e, 1]]);
    const fwd = forward(net, x);
    expect(fwd.preActivations[0].data[0]).toBe(0);
    const env = roundingEnvelope(net, x, fwd);
    expect(env.rangeSafe).toBe(true);
    expect(env.patternCertified).toBe(false);
    Decimal.set({ precision: 60 });
    const F = exactFeatures(net, x, 1);
    const err = toDec(F[0][0])
      .minus(toDec(dy(fwd.features[1].data[0])))
      .abs();
    expect(err.eq(new Decimal(2).pow(-104))).toBe(true);
    const bound = featureMatrixError(env, 1);
    expect(bound === Infinity || new Decimal(bound).gte(err), `${bound} < ${err.toPrecision(6)}`).toBe(true);
  });
  it('featureNorm and backNorm dominate the exact absolute networks (wide layers; exact dyadic oracle)', () => {
    // widths 67 and 41: the float passes over |W| group four products and keep four partial sums, with
    // remainders; the norms must still bound the exact a_k, c_k of the module comment for every sample
    for (const [seed, init, widths] of [
      ['wide-a', 'he', [67, 41]],
      ['wide-b', 'standard', [38, 130]],
      ['wide-c', 'lecun', [5, 97, 22]],
    ] as const) {
      const x = sampleData(childRng(seed, 'x'), { family: 'gaussian' }, 3, 7);
      const net = initNetwork({ inputDim: 7, widths: [...widths], init }, seed);
      const fwd = forward(net, x);
      const env = roundingEnvelope(net, x, fwd);
      expect(env.rangeSafe).toBe(true);
      const exact = exactAbsNetworkSquares(net, x, fwd);
      for (let i = 0; i < x.rows; i++) {
        for (let k = 0; k < net.depth; k++) {
          const A = dy(env.featureNorm[k][i]);
          expect(geq(mul(A, A), exact.a[k][i]), `${seed}: featureNorm[${k}][${i}]`).toBe(true);
        }
        for (let k = 1; k <= net.depth; k++) {
          const C = dy(env.backNorm[k][i]);
          expect(geq(mul(C, C), exact.c[k][i]), `${seed}: backNorm[${k}][${i}]`).toBe(true);
        }
      }
    }
  });
  it('a weight or datum that is ±∞ or NaN certifies nothing', () => {
    // the infinite weight sits on a row of W_2 whose unit is inactive on the sample, so every float pass
    // stays finite; the exact network of such weights is not a real one
    const w1 = fromRows([[1, -1]]),
      w2 = fromRows([[2], [Infinity]]),
      w3 = fromRows([[0.5]]);
    const net = networkFromWeights({ inputDim: 1, widths: [2, 1], init: 'standard' }, [w1, w2, w3]);
    const x = fromRows([[0.75]]);
    const fwd = forward(net, x);
    expect(Number.isFinite(fwd.output[0])).toBe(true);
    for (const env of [
      roundingEnvelope(net, x, fwd),
      roundingEnvelope(initNetwork({ inputDim: 1, widths: [3], init: 'he' }, 'nan'), fromRows([[Number.NaN]])),
    ]) {
      expect(env.rangeSafe).toBe(false);
      expect(env.patternCertified).toBe(false);
      expect(layerwiseKernelPerturbation(env).spectral).toBe(Infinity);
    }
  });
});
