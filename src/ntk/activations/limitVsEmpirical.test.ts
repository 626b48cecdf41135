/**
 * The limiting NTK of each smooth activation (limiting.ts → limitingSmooth.ts, from the activation record's
 * dual kernels) against the empirical NTK of independently drawn finite networks with the same record
 * (network.ts / empiricalNtk.ts: record.fn forward, record.deriv backward), in the NTK parameterisation
 * β_1² = c_1, β_l² = c_l/n_{l−1} (Jacot et al., arXiv 1806.07572, Thm 1: convergence as the widths grow).
 * Monte Carlo confidence interval from the sample spread of R independent networks: |mean − limit| ≤
 * t·s/√R with t = 3.77 (Student t, 23 degrees of freedom, two-sided 99.9%) per entry; GELU networks, whose
 * empirical NTK spreads more (half-widths ≈ 7% of the diagonal at R = 24), use R = 48 and t = 3.52 (47 degrees of
 * freedom, rounded up). At width 1024 the finite-width bias is O(1/n) (≈ 10⁻³ relative), below the half-widths
 * (≈ 1–5% of the diagonal).
 */
import { describe, expect, it } from 'vitest';
import { limitingKernels } from '../limiting.ts';
import { initNetwork } from '../network.ts';
import { empiricalNtkNtkParameterization } from '../empiricalNtk.ts';
import { empiricalNtkCertified } from '../empiricalNtkCertified.ts';
import { activationByName } from './registry.ts';
import { kernelInterval } from '../../../test/support/monteCarloInterval.ts';

const x = { rows: 3, cols: 4, data: Float64Array.from([0.9, 0.1, -0.3, 0.2, 0.5, 0.5, 0.5, -0.4, -0.2, 0.8, 0.1, 0.6]) };
const WIDTH = 1024,
  L = 3;
/** Networks per activation and the matching Student t quantile (two-sided 99.9%, R − 1 degrees of freedom). */
const SAMPLES = (name: string) => (name === 'gelu' ? { R: 48, T_Q: 3.52 } : { R: 24, T_Q: 3.77 });

const memo = new Map<string, { mean: number[]; half: number[]; limit: number[] }>();

function monteCarlo(name: string): { mean: number[]; half: number[]; limit: number[] } {
  const hit = memo.get(name);
  if (hit) return hit;
  const act = activationByName(name);
  const { R, T_Q } = SAMPLES(name);
  const lim = limitingKernels(x, { depth: L, activation: act });
  const c = [1, 1 / act.secondMoment, 1 / act.secondMoment]; // the 'nmm' defaults c_1 = 1, c_l = 1/κ
  const betas = [Math.sqrt(c[0]), Math.sqrt(c[1] / WIDTH), Math.sqrt(c[2] / WIDTH)];
  const { mean, half } = kernelInterval(
    R,
    T_Q,
    (r) =>
      empiricalNtkNtkParameterization(initNetwork({ inputDim: x.cols, widths: [WIDTH, WIDTH], init: { beta: betas }, activation: act }, `mc-${name}-${r}`), x)
        .data,
  );
  const out = { mean, half, limit: Array.from(lim.ntk.data) };
  memo.set(name, out);
  return out;
}

describe('limiting NTK vs empirical NTK at width 1024 (Monte Carlo confidence intervals)', () => {
  for (const name of ['erf', 'tanh', 'sigmoid', 'gelu', 'softplus']) {
    it(`${name}: every entry of the limit lies in the 99.9% interval of ${SAMPLES(name).R} independent networks`, () => {
      const { mean, half, limit } = monteCarlo(name);
      const scale = Math.max(limit[0], limit[4], limit[8]);
      for (let t = 0; t < mean.length; t++) {
        expect(Math.abs(mean[t] - limit[t]), `entry ${t}: mean ${mean[t]} ± ${half[t]}, limit ${limit[t]}`).toBeLessThanOrEqual(half[t]);
        expect(half[t]).toBeLessThan(0.05 * scale); // the interval is informative: ≤ 5% of the largest diagonal entry
      }
    });
  }

  it('power: the intervals of tanh networks exclude the limit of the ReLU kernel with the same c_l', () => {
    const { mean, half } = monteCarlo('tanh');
    const act = activationByName('tanh');
    const relu = limitingKernels(x, { depth: L, weightVariances: [1, 1 / act.secondMoment, 1 / act.secondMoment] }).ntk.data;
    expect(mean.some((m, t) => Math.abs(m - relu[t]) > half[t])).toBe(true);
  });
});

/**
 * The (a,b)-ReLU family in the NMM convention: the CERTIFIED normalised empirical NTK (empiricalNtkCertified.ts,
 * standard initialisation β_l = 1, normalisation ∏ 1/(κ n_l)) of R = 32 networks of width 512 against the limiting
 * K^{(3)} with the 'nmm' defaults c_1 = 1, c_l = 1/κ (limiting.ts). t = 3.64 (Student t, 31 degrees of freedom,
 * two-sided 99.9%, rounded up); the finite-width bias O(1/n) ≈ 0.2% is below the half-widths (≈ 4% of the largest
 * diagonal entry for abs, ≈ 7% for leaky ReLU, whose normalised kernel spreads like ReLU's at this width). Power: the
 * intervals exclude the limiting ReLU kernel.
 */
describe('(a,b)-ReLU: certified normalised empirical NTK at width 512 vs the limiting NTK', () => {
  const R = 32,
    T_Q = 3.64,
    W = 512;
  const stats = (name: string) => {
    const act = activationByName(name);
    const { mean, half } = kernelInterval(R, T_Q, (r) => {
      const net = initNetwork({ inputDim: x.cols, widths: [W, W], init: 'standard', activation: act }, `ab-${name}-${r}`);
      const c = empiricalNtkCertified(net, x, { normalize: true });
      expect(c.certified).toBe(true);
      expect(c.errorBound).toBeLessThan(1e-10);
      return c.ntk.data;
    });
    return { mean, half, limit: Array.from(limitingKernels(x, { depth: L, activation: act }).ntk.data) };
  };
  // Positively homogeneous σ only: for them the standard initialisation normalised by ∏ 1/(κ n_l) is the NTK
  // parameterisation; tanh and sigmoid networks are compared in that parameterisation above.
  for (const name of ['leaky-relu:0.1', 'abs']) {
    it(`${name}: every entry of the limit lies in the 99.9% interval; the ReLU limit is excluded`, () => {
      const { mean, half, limit } = stats(name);
      const scale = Math.max(limit[0], limit[4], limit[8]);
      for (let t = 0; t < mean.length; t++) {
        expect(Math.abs(mean[t] - limit[t]), `entry ${t}: mean ${mean[t]} ± ${half[t]}, limit ${limit[t]}`).toBeLessThanOrEqual(half[t]);
        expect(half[t]).toBeLessThan(0.1 * scale);
      }
      const relu = limitingKernels(x, { depth: L }).ntk.data;
      expect(mean.some((m, t) => Math.abs(m - relu[t]) > half[t])).toBe(true);
    });
  }
});
