import { describe, expect, it } from 'vitest';
import { activationByName } from './activations/registry.ts';
import { featureJacobian, productOfNormsBound } from './lipschitz.ts';
import { createRng, gaussian } from '../random/rng.ts';
import { eigh } from '../linalg/eigh.ts';
import { gram } from '../linalg/blas.ts';
import { transpose } from '../linalg/matrix.ts';
import { initNetwork, preActivationsAt } from './network.ts';

/**
 * featureJacobian(net, k, z) is J(g_k)(z) = W_kᵀ diag(σ'(g_{k−1})) ⋯ diag(σ'(g_1)) W_1ᵀ (arXiv 2012.11654v5 Lemma 6.1 for
 * ReLU; the chain rule for any σ). For a network with another activation record it must use that record's σ', not the
 * ReLU mask. Reference: central differences of preActivationsAt (independent of featureJacobian), at a point whose
 * pre-activations are far from any kink (checked), where the O(h²) error is ≪ the tolerance.
 */
describe('featureJacobian of networks with an activation record, in both parameterisations', () => {
  for (const name of ['relu', 'leaky-relu:0.1', 'abs', 'tanh', 'softplus']) {
    for (const parameterization of ['nmm', 'ntk'] as const) {
      it(`${name}, ${parameterization}: J(g_3)(z) equals central differences`, () => {
        const net = initNetwork(
          {
            inputDim: 3,
            widths: [6, 5],
            init: 'he',
            activation: activationByName(name),
            parameterization,
            ...(parameterization === 'ntk' ? { wStd: 1.3, bStd: 0.4 } : {}),
          },
          `fj-${name}`,
        );
        const z = [0.4, -0.7, 0.2],
          h = 1e-6;
        const margin = Math.min(...preActivationsAt(net, z, 2).flatMap((g) => Array.from(g, Math.abs)));
        expect(margin).toBeGreaterThan(1e-3);
        const J = featureJacobian(net, 3, z);
        for (let c = 0; c < 3; c++) {
          const zp = z.slice(),
            zm = z.slice();
          zp[c] += h;
          zm[c] -= h;
          const d = (preActivationsAt(net, zp)[2][0] - preActivationsAt(net, zm)[2][0]) / (2 * h);
          expect(Math.abs(J.data[c] - d), `column ${c}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(d)));
        }
      });
    }
  }
});

describe('productOfNormsBound of networks with a non-ReLU activation record', () => {
  // ‖J(g_k)(z)‖₂ ≤ Lip(σ)^{k−1}∏‖W_l‖₂ at every z; leaky-relu:-3 (Lip 3) and gelu (sup|σ'| ≈ 1.129) exceed ReLU's 1.
  // For leaky-relu:-3 the bound without the Lip(σ)^{k−1} factor is below ‖J‖₂ at some of these points (`exceeds`).
  for (const name of ['leaky-relu:-3', 'gelu']) {
    it(`${name}: ‖J(g_k)(z)‖₂ ≤ bound at random z, and the factor Lip(σ)^(k−1) is needed`, () => {
      const net = initNetwork({ inputDim: 3, widths: [8, 8, 8], init: 'he', activation: activationByName(name) }, `pn-${name}`);
      const rng = createRng(`pn-${name}`);
      let exceeds = 0;
      for (let k = 2; k <= net.depth; k++) {
        const bound = productOfNormsBound(net, k).value;
        let plain = 1;
        for (let l = 0; l < k; l++) plain *= Math.sqrt(Math.max(...eigh(gram(transpose(net.weights[l]))).values));
        for (let t = 0; t < 40; t++) {
          const z = Array.from({ length: 3 }, () => 3 * gaussian(rng));
          const J = featureJacobian(net, k, z);
          const opNorm = Math.sqrt(Math.max(...eigh(gram(J)).values));
          expect(opNorm).toBeLessThanOrEqual(bound * (1 + 1e-9));
          if (opNorm > plain) exceeds++;
        }
      }
      if (name === 'leaky-relu:-3') expect(exceeds).toBeGreaterThan(0);
    });
  }
});
