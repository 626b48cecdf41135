/**
 * monteCarloKernels (monteCarlo.ts) for activation records against the certified dual kernels of the records
 * (activations/record.ts, each itself checked against 50-digit references in activations/activations.test.ts): the
 * sample means lie within their stated confidence radius plus rounding bound of the enclosures, and the radius is
 * small enough to tell the activations apart.
 */
import { describe, expect, it } from 'vitest';
import { fromRows } from '../linalg/matrix.ts';
import { activationByName } from './activations/registry.ts';
import { monteCarloKernels } from './monteCarlo.ts';

// Gram entries exact in float64 (dyadic entries with few bits), so record.dual gets the exact covariance; one zero row.
const x = fromRows([
  [1, 0.5],
  [0.25, -1],
  [0.75, 0.75],
  [0, 0],
]);
const n = x.rows,
  d = x.cols;
const gramEntry = (i: number, j: number): number => {
  let s = 0;
  for (let k = 0; k < d; k++) s += x.data[i * d + k] * x.data[j * d + k];
  return s;
};
// δ per entry: 1e-6 where Hoeffding applies (bounded σ, and σ' always); the (a,b)-ReLU family's σσ is unbounded and
// gets Chebyshev's radius √(Var/(Mδ)), read at δ = 1e-2 (about ten standard deviations of the mean here).
const M = 40_000,
  DELTA = 1e-6,
  DELTA_CHEBYSHEV = 1e-2;

describe('Monte Carlo dual kernels for activation records', () => {
  it.each(['erf', 'tanh', 'sigmoid', 'leaky-relu:0.2', 'abs', 'relu'])(
    "%s: E[σσ] and E[σ'σ'] within the confidence radius + rounding bound of the certified dual kernels",
    (name) => {
      const act = activationByName(name);
      const r = monteCarloKernels(x, act, M, `mc-kernels/${name}`, DELTA);
      const rc = act.kind === 'ab-relu' ? monteCarloKernels(x, act, M, `mc-kernels/${name}`, DELTA_CHEBYSHEV) : r;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const t = i * n + j;
          const dual = act.dual(gramEntry(i, i), gramEntry(j, j), gramEntry(i, j));
          for (const [mean, err, rad, enc, what] of [
            [r.phiPhi.data[t], r.phiPhiError[t], rc.phiPhiRadius[t], dual.phiPhi, 'σσ'],
            [r.dphiDphi.data[t], r.dphiDphiError[t], r.dphiDphiRadius[t], dual.dphiDphi, "σ'σ'"],
          ] as const) {
            expect(rad < 0.15 && err < 1e-10, `${name} ${what} (${i},${j}): radius ${rad}, rounding ${err}`).toBe(true);
            const dist = Math.max(0, enc.lo - mean, mean - enc.hi);
            expect(dist, `${name} ${what} (${i},${j}): mean ${mean} vs [${enc.lo}, ${enc.hi}], radius ${rad}`).toBeLessThanOrEqual(rad + err);
          }
        }
      // the zero row: σ(0)σ(·) and σ'(0)σ'(·) are constants, so the mean is exact up to rounding
      const z = 3 * n + 3;
      expect(Math.abs(r.phiPhi.data[z] - act.fn(0) ** 2)).toBeLessThan(1e-15);
    },
  );

  it("the radius separates erf from tanh (the test above has power): erf's means lie outside tanh's intervals", () => {
    const r = monteCarloKernels(x, activationByName('erf'), M, 'mc-kernels/erf', DELTA);
    const tanh = activationByName('tanh');
    const dual = tanh.dual(gramEntry(0, 0), gramEntry(0, 0), gramEntry(0, 0));
    expect(r.dphiDphi.data[0] - dual.dphiDphi.hi).toBeGreaterThan(r.dphiDphiRadius[0] + r.dphiDphiError[0]);
  });
});
