/**
 * The finite network in the NTK parameterisation with biases (network.ts 'ntk': g_l = s_l·F_{l−1}ω_l + b_std·β_l,
 * s_l = W_std/√n_{l−1}) and its certified empirical NTK K = Σ_l (s_l²F_{l−1}F_{l−1}ᵀ + b_std²11ᵀ)∘(B_lB_lᵀ)
 * (empiricalNtkCertified.ts), against independent computations:
 *  - the 90-digit decimal network of test/support/decimalNetwork.ts (real s_l, per-sample Jacobian w.r.t. (ω, β)):
 *    every kernel entry and every feature inside its enclosure, on ordinary and on fuzzed networks (data, weights and
 *    biases at scales 2^e over the double range, W_std and b_std tiny to huge);
 *  - the explicit per-sample Jacobian and central finite differences (empiricalNtk.ts);
 *  - a Monte Carlo confidence interval around limiting.ts's 'ntk' kernel at width 512 (Jacot et al.,
 *    arXiv 1806.07572, Thm 1: the NTK-parameterised kernel converges to the limiting one).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enclosed } from '../../test/support/decimalNetwork.ts';
import { scaledCaseFields, scaledNetworkCase } from '../../test/support/fuzzNetwork.ts';
import { kernelInterval } from '../../test/support/monteCarloInterval.ts';
import { gram } from '../linalg/blas.ts';
import { fromRows } from '../linalg/matrix.ts';
import { activationByName } from './activations/registry.ts';
import { UserError } from '../errors.ts';
import { empiricalNtk, empiricalNtkNtkParameterization, expectedEmpiricalNtkDiagonal, explicitJacobian, jacobianByFiniteDifferences } from './empiricalNtk.ts';
import { empiricalNtkCertified } from './empiricalNtkCertified.ts';
import { limitingKernels } from './limiting.ts';
import { linearRegionIdentity } from './lipschitzEstimate.ts';
import {
  expectedFeatureSquaredNorm,
  featureAt,
  featureMatrix,
  forward,
  initNetwork,
  type NetworkArchitecture,
  networkFromWeights,
  preActivationsAt,
} from './network.ts';
import { roundingEnvelope } from './roundingEnvelope.ts';

const x = fromRows([
  [0.3, -1.2, 0.5],
  [1.1, 0.4, -0.7],
  [-0.2, 0.9, 0.8],
]);
const ACTS = ['relu', 'leaky-relu:0.1', 'abs', 'identity', 'tanh', 'sigmoid', 'softplus', 'erf', 'gelu'];
const archOf = (name: string, wStd: number, bStd: number, widths = [6, 5], inputDim = 3): NetworkArchitecture => ({
  inputDim,
  widths,
  init: 'standard',
  parameterization: 'ntk',
  wStd,
  bStd,
  ...(name === 'relu' ? {} : { activation: activationByName(name) }),
});

describe("the 'ntk' network: construction", () => {
  it("ω_l is bit for bit the 'nmm' W_l of the same seed; biases drawn; 'nmm' options refused", () => {
    const nmm = initNetwork({ inputDim: 3, widths: [6, 5], init: 'standard' }, 'same');
    const ntk = initNetwork(archOf('relu', 1.3, 0.4), 'same');
    ntk.weights.forEach((w, l) => expect(Array.from(w.data)).toEqual(Array.from(nmm.weights[l].data)));
    expect(ntk.biases!.map((b) => b.length)).toEqual([6, 5, 1]);
    expect(nmm.biases).toBeUndefined();
    expect(ntk.ntk!.scales).toEqual([1.3 / Math.sqrt(3), 1.3 / Math.sqrt(6), 1.3 / Math.sqrt(5)]);
    expect(() => initNetwork({ inputDim: 3, widths: [2], init: 'standard', bStd: 0.5 }, 's')).toThrow(/'ntk' only/);
    expect(() => initNetwork({ ...archOf('relu', Infinity, 0) }, 's')).toThrow(/finite/);
    expect(() => networkFromWeights(archOf('relu', 1, 1), ntk.weights)).toThrow(/bias vectors/);
    expect(() => networkFromWeights({ inputDim: 3, widths: [6, 5], init: 'standard' }, ntk.weights, ntk.biases)).toThrow(/'ntk' only/);
  });

  it('explicit Jacobian and finite differences agree with the layer-wise kernel (w.r.t. ω and β)', () => {
    for (const name of ['relu', 'tanh']) {
      const net = initNetwork(archOf(name, 1.4, 0.6, [5, 4]), `jac-${name}`);
      const K = empiricalNtk(net, x).ntk.data;
      const J = explicitJacobian(net, x);
      expect(J.cols).toBe((3 + 1) * 5 + (5 + 1) * 4 + (4 + 1) * 1);
      const JJ = gram(J).data;
      const top = Math.max(...K);
      for (let t = 0; t < K.length; t++) expect(Math.abs(JJ[t] - K[t])).toBeLessThanOrEqual(1e-12 * top);
      // the Jacobian's rows reproduce f: f(x_i) = Σ_l (s_l ω_l-part) … checked through finite differences instead
      const fd = jacobianByFiniteDifferences(net, x, 1e-6);
      let err = 0;
      for (let t = 0; t < J.data.length; t++) err = Math.max(err, Math.abs(fd.data[t] - J.data[t]));
      expect(err).toBeLessThan(1e-6);
    }
  });

  it("b_std = 0: the kernel is empiricalNtkNtkParameterization of the 'nmm' network with W_l = ŝ_lω_l, β_l = ŝ_l", () => {
    const ntk = initNetwork(archOf('tanh', 1.7, 0, [7, 4]), 'consistent');
    const scales = ntk.ntk!.scales;
    const weights = ntk.weights.map((w, l) => ({ rows: w.rows, cols: w.cols, data: w.data.map((v) => scales[l] * v) }));
    const nmm = networkFromWeights({ inputDim: 3, widths: [7, 4], init: { beta: scales }, activation: activationByName('tanh') }, weights);
    const a = empiricalNtkNtkParameterization(nmm, x).data,
      b = empiricalNtkNtkParameterization(ntk, x).data;
    const top = Math.max(...b);
    for (let t = 0; t < a.length; t++) expect(Math.abs(a[t] - b[t])).toBeLessThanOrEqual(1e-13 * top);
    // and the forward outputs agree to rounding
    const fa = forward(nmm, x).output,
      fb = forward(ntk, x).output;
    for (let i = 0; i < 3; i++) expect(Math.abs(fa[i] - fb[i])).toBeLessThanOrEqual(1e-13);
  });
});

describe("consumers of Network on an 'ntk' network: handled or refused, never a dropped bias", () => {
  const net = initNetwork(archOf('relu', 1.3, 0.8, [5, 4]), 'consumers');
  it('preActivationsAt / featureAt / featureMatrix agree with forward (the bias enters)', () => {
    const fwd = forward(net, x);
    for (let i = 0; i < 3; i++) {
      const z = x.data.subarray(3 * i, 3 * i + 3);
      const g = preActivationsAt(net, z);
      for (let j = 0; j < 5; j++) expect(g[0][j]).toBeCloseTo(fwd.preActivations[0].data[5 * i + j], 14);
      expect(g[2][0]).toBeCloseTo(fwd.output[i], 13);
      const f2 = featureAt(net, z, 2);
      for (let j = 0; j < 4; j++) expect(f2[j]).toBe(featureMatrix(net, x, 2).data[4 * i + j]);
    }
  });
  it('the nmm-only routines refuse with a one-line UserError', () => {
    for (const f of [
      () => roundingEnvelope(net, x),
      () => linearRegionIdentity(net, 2, [0.1, 0.2, 0.3], [0.1, 0.2, 0.31]),
      () => expectedFeatureSquaredNorm(net, 1, 1),
      () => expectedEmpiricalNtkDiagonal(net, x),
    ])
      expect(f).toThrow(UserError);
  });
});

describe("certified empirical NTK in the 'ntk' parameterisation with biases (90-digit decimal network)", () => {
  it('ordinary networks, every certified record, W_std ∈ {1, 1.5}, b_std ∈ {0, 0.7}: entries and features enclosed; bound ≤ 1e-12·max K̂_ii', () => {
    for (const name of ACTS)
      for (const [wStd, bStd] of [
        [1, 0],
        [1.5, 0.7],
      ]) {
        const net = initNetwork(archOf(name, wStd, bStd), `ntk-${name}`);
        expect(enclosed(net, x, false), `${name} ${wStd} ${bStd}`).toEqual({ ok: true, certified: true });
        const r = empiricalNtkCertified(net, x, { normalize: true });
        // no normalisation in 'ntk': the same doubles and bound as without
        const raw = empiricalNtkCertified(net, x);
        expect([r.scale, r.errorBound, Array.from(r.ntk.data)]).toEqual([1, raw.errorBound, Array.from(raw.ntk.data)]);
        expect(r.errorBound).toBeLessThan(1e-12 * Math.max(r.ntk.data[0], r.ntk.data[4], r.ntk.data[8]));
      }
  });

  it('the rounding of the bias addition needs its own radius term (identity, cancellation-free large bias)', () => {
    // d = n_0 = 1, W_std = 1: ŝ_1 = 1 exactly and t̂ = x·ω = 2^-30(1 + 2^-40) exactly, so the only error of
    // ĝ = fl(t̂ + β) is the addition, ≈ 2^-70, far above s⁺ρ_t ≈ 2^-83: only the γ_6(|ĝ| + |ĉ|) term covers it.
    const net = networkFromWeights(archOf('identity', 1, 1, [1], 1), [fromRows([[2 ** -30 * (1 + 2 ** -40)]]), fromRows([[1]])], [[1], [0]]);
    expect(enclosed(net, fromRows([[1]]), false)).toEqual({ ok: true, certified: true });
  });

  it('the propagated radius is multiplied by the bound s⁺ ≥ |s_l| on the real layer scale (identity, cancelling sum)', () => {
    // x = (1, 2^-60, −1), ω_1 = (1, 1, 1)ᵀ: t̂ = fl(fl(1 + 2^-60) − 1) = 0 while t = 2^-60, so ĝ = 0 and g = s_1·2^-60 with
    // s_1 = 2^20/√3 ≈ 6e5: |ĝ − g| ≈ 5e-13 exceeds ρ_t ≈ γ_3·2 ≈ 7e-16; only s⁺ρ_t covers it (b_std = 0: no other term).
    const net = networkFromWeights(archOf('identity', 2 ** 20, 0, [1]), [fromRows([[1], [1], [1]]), fromRows([[1]])], [[0], [0]]);
    expect(enclosed(net, fromRows([[1, 2 ** -60, -1]]), false)).toEqual({ ok: true, certified: true });
  });

  it('W_std = 0 is exact (the kernel is the bias term alone); a subnormal layer scale is NOT certified', () => {
    const zero = initNetwork(archOf('tanh', 0, 0.7), 'w0');
    expect(enclosed(zero, x, false)).toEqual({ ok: true, certified: true });
    const r = empiricalNtkCertified(initNetwork(archOf('relu', 2 ** -1070, 0.5), 'sub'), x);
    expect(r.certified).toBe(false);
    expect(r.notCertifiedReason).toMatch(/below the normal double range/);
  });

  it('fuzz: every certified record at data/weight/bias scales 2^e, W_std and b_std tiny to huge: entries enclosed or not certified', () => {
    const entry = fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(0, 1, -1, 0.5, -0.25, 0.1, 3, 1 + 2 ** -52));
    const expo = fc.oneof(fc.integer({ min: -1074, max: 1023 }), fc.integer({ min: -40, max: 40 }), fc.constant(0));
    const std = fc.oneof(fc.constantFrom(0, 1, 0.3, 1.5, 2 ** -1000, 2 ** 600), fc.double({ min: -4, max: 4, noNaN: true }));
    let certified = 0;
    fc.assert(
      fc.property(
        fc.record({
          act: fc.constantFrom(...ACTS),
          ...scaledCaseFields({ maxN: 3, maxWidth: 4, maxHidden: 2, expo }),
          eb: expo,
          wStd: std,
          bStd: std,
          vals: fc.array(entry, { minLength: 60, maxLength: 60 }),
        }),
        (c) => {
          const { x: xc, net: base } = scaledNetworkCase(c, c.vals, c.act === 'relu' ? undefined : activationByName(c.act));
          const biases = base.dims.slice(1).map((n, l) => Array.from({ length: n }, (_, j) => c.vals[(7 * l + j) % c.vals.length] * 2 ** c.eb));
          const net = networkFromWeights({ ...base.arch, parameterization: 'ntk', wStd: c.wStd, bStd: c.bStd }, base.weights, biases);
          const r = enclosed(net, xc, c.normalize);
          if (r.certified) certified++;
          return r.ok;
        },
      ),
      { numRuns: 120, seed: 20261204 },
    );
    expect(certified).toBeGreaterThan(50);
  });
});

/**
 * R = 24 independent 'ntk' networks of width 512 (L = 3, W_std = 1.2, b_std = 0.5): the certified kernel's mean
 * against limiting.ts's 'ntk' kernel, per entry |mean − limit| ≤ t·s/√R with t = 3.77 (Student t, 23 degrees of
 * freedom, two-sided 99.9%). The finite-width bias O(1/n) ≈ 0.2% is below the half-widths. Power: the intervals
 * exclude the limiting kernel without biases.
 */
describe("'ntk' with biases: certified empirical NTK at width 512 vs limiting.ts's 'ntk' kernel (Monte Carlo)", () => {
  const R = 24,
    T_Q = 3.77,
    W = 512,
    L = 3,
    xs = { rows: 3, cols: 4, data: Float64Array.from([0.9, 0.1, -0.3, 0.2, 0.5, 0.5, 0.5, -0.4, -0.2, 0.8, 0.1, 0.6]) };
  for (const name of ['relu', 'tanh']) {
    it(`${name}: every entry of the limit lies in the 99.9% interval; the limit without biases is excluded`, () => {
      const act = name === 'relu' ? {} : { activation: activationByName(name) };
      const { mean, half } = kernelInterval(R, T_Q, (r) => {
        const net = initNetwork(
          { inputDim: 4, widths: [W, W], init: 'standard', parameterization: 'ntk', wStd: 1.2, bStd: 0.5, ...act },
          `mc-ntk-${name}-${r}`,
        );
        const c = empiricalNtkCertified(net, xs);
        expect(c.certified).toBe(true);
        expect(c.errorBound).toBeLessThan(1e-10);
        return c.ntk.data;
      });
      const n = 9;
      const limit = limitingKernels(xs, { depth: L, parameterization: 'ntk', wStd: 1.2, bStd: 0.5, ...act }).ntk.data;
      const scale = Math.max(limit[0], limit[4], limit[8]);
      for (let t = 0; t < n; t++) {
        expect(Math.abs(mean[t] - limit[t]), `entry ${t}: mean ${mean[t]} ± ${half[t]}, limit ${limit[t]}`).toBeLessThanOrEqual(half[t]);
        expect(half[t]).toBeLessThan(0.1 * scale);
      }
      const noBias = limitingKernels(xs, { depth: L, parameterization: 'ntk', wStd: 1.2, bStd: 0, ...act }).ntk.data;
      expect(mean.some((m, t) => Math.abs(m - noBias[t]) > half[t])).toBe(true);
    });
  }
});
