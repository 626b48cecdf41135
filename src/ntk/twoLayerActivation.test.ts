/**
 * Two-layer training (twoLayer.ts) with activation records other than ReLU: the gradient step against central
 * finite differences of the loss, the loss decreasing, the run reported NOT certified, E H(0) = H∞ of the record
 * (hInfinityActivation.ts, certified) over initialisations, and the linearised trajectory for small steps.
 */
import { describe, expect, it } from 'vitest';
import { sampleData } from '../random/distributions.ts';
import { childRng, fillGaussian } from '../random/rng.ts';
import { expectCentralDifferences } from '../../test/support/finiteDifference.ts';
import { expectMonteCarloMean } from '../../test/support/monteCarloMean.ts';
import { activationByName } from './activations/registry.ts';
import { hInfinityFor } from './hInfinityActivation.ts';
import { finiteGramActivation, initTwoLayer, linearRecursionResiduals, predictActivation, squaredLoss, trainGd } from './twoLayer.ts';

const x = sampleData(childRng('t2', 'x'), { family: 'unit-sphere' }, 6, 5);
const y = fillGaussian(childRng('t2', 'y'), new Float64Array(6));

describe('two-layer network with an activation record', () => {
  it.each(['tanh', 'erf', 'sigmoid'])('%s: one GD step is W − η∇Φ (central differences of the loss)', (name) => {
    const act = activationByName(name);
    const net = initTwoLayer({ m: 20, d: 5, seed: `fd-${name}` });
    const eta = 0.1;
    const r = trainGd(net, x, y, { eta, steps: 1, activation: act });
    // the step's gradient, read back from W − η∇Φ
    expectCentralDifferences(
      (w) => squaredLoss(predictActivation(net, x, act, w), y),
      net.w,
      (idx) => (net.w[idx] - r.w[idx]) / eta,
      [0, 7, 33, 99],
    );
    expect(r.u0).toEqual(predictActivation(net, x, act));
  });

  it('tanh: GD decreases the loss; the run says it is NOT certified (bounds +∞)', () => {
    const r = trainGd(initTwoLayer({ m: 500, d: 5, seed: 'gd' }), x, y, { eta: 0.05, steps: 50, activation: activationByName('tanh') });
    for (let k = 1; k <= 50; k++) expect(r.residualNorm[k]).toBeLessThan(r.residualNorm[k - 1]);
    expect(r.uncertifiedAt).toBe(0);
    expect(r.residualNormError[50]).toBe(Infinity);
    expect(r.notCertifiedReason).toMatch(/tanh is NOT certified/);
  });

  it('E H(0) = H∞ of the record (Monte Carlo over 200 initialisations, 5σ per entry, tanh)', () => {
    const act = activationByName('tanh');
    const m = 50;
    const draw = (t: number) => finiteGramActivation(initTwoLayer({ m, d: 5, seed: `mc${t}` }).w, m, x, act).data;
    const Hi = hInfinityFor(x, act);
    expectMonteCarloMean(200, draw, Hi.matrix.data, Hi.errorBound);
  });

  it('tanh: the residuals follow the linearised recursion r(k+1) = (I − ηH(0))r(k) more closely as m grows', () => {
    const act = activationByName('tanh');
    const gap = (m: number) => {
      let worst = 0;
      for (let s = 0; s < 3; s++) {
        const net = initTwoLayer({ m, d: 5, seed: `lin${s}`, kappa: 0.5 });
        const r = trainGd(net, x, y, { eta: 0.2, steps: 40, activation: act });
        const r0 = y.map((v, i) => v - r.u0[i]);
        const lin = linearRecursionResiduals(finiteGramActivation(net.w, m, x, act), r0, 0.2, 40);
        for (let k = 0; k <= 40; k++) worst = Math.max(worst, Math.abs(r.residualNorm[k] - lin.norms[k]));
      }
      return worst;
    };
    const small = gap(50),
      wide = gap(3000);
    // measured: gap(50) ≈ 8.8e-3, gap(3000) ≈ 3.7e-4 with ‖y‖ ≈ 2.84
    expect(wide).toBeLessThan(small / 5);
    expect(wide).toBeLessThan(1e-3 * Math.hypot(...y));
  });
});
