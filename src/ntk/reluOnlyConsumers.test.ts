import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { activationByName } from './activations/registry.ts';
import { expectedEmpiricalNtkDiagonal } from './empiricalNtk.ts';
import { expectedFeatureSquaredNorm, initNetwork } from './network.ts';

/**
 * The exact expectations E‖f_k(x)‖² = ‖x‖²∏(n_lβ_l²/2) and E K̄_ii (docs/theorems.md#exact-finite-width-expectation-of-the-diagonal)
 * are derived for ReLU (E[σ(g)²] = E[σ'(g)²] = 1/2 for g ~ N(0, 1)). Given a Network with another activation record they
 * must refuse with a one-line UserError rather than return the ReLU value: for leaky-relu:α, E[σ(g)²] = (1 + α²)/2,
 * for tanh it has no such closed form.
 */
describe('ReLU-only closed forms refuse a network with another activation record', () => {
  for (const name of ['leaky-relu:0.5', 'tanh']) {
    it(name, () => {
      const net = initNetwork({ inputDim: 3, widths: [4, 4], init: 'standard', activation: activationByName(name) }, 'relu-only');
      const x = { rows: 1, cols: 3, data: Float64Array.from([0.3, -0.2, 0.9]) };
      expect(() => expectedFeatureSquaredNorm(net, 1, 1)).toThrow(UserError);
      expect(() => expectedEmpiricalNtkDiagonal(net, x)).toThrow(UserError);
    });
  }
  it('ReLU (default or the relu record) is still served', () => {
    for (const activation of [undefined, activationByName('relu')]) {
      const net = initNetwork({ inputDim: 3, widths: [4, 4], init: 'standard', ...(activation ? { activation } : {}) }, 'relu-only');
      expect(expectedFeatureSquaredNorm(net, 1, 2)).toBe(4);
    }
  });
});
