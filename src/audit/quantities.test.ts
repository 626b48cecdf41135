import { describe, expect, it } from 'vitest';
import { encloses, exactNtk, expectSigmaMinFEnclosed, hyperplaneInput } from '../../test/support/exactNtk.ts';
import { up } from '../linalg/blas.ts';
import { lambdaMinCertified } from '../linalg/lambdaMin.ts';
import { fromRows, type Matrix, UNIT_ROUNDOFF } from '../linalg/matrix.ts';
import { norm2LowerBound, norm2UpperBound } from '../linalg/norm.ts';
import { empiricalNtk, ntkNormalization } from '../ntk/empiricalNtk.ts';
import { forward, initNetwork } from '../ntk/network.ts';
import { decide } from '../theorem/verdict.ts';
import { evaluateSide } from './defineBound.ts';
import { type AuditInstance, enclosureOf } from './quantities.ts';

const instance = (x: Matrix, widths: number[], init: AuditInstance['init'], netSeed: string): AuditInstance => ({
  x,
  depth: widths.length + 1,
  widths,
  init,
  netSeed,
  data: 'file',
  normalize: 'none',
});
const netOf = (i: AuditInstance) => initNetwork({ inputDim: i.x.cols, widths: i.widths, init: i.init }, i.netSeed);

/** s = ∏ 2/n_l as the exact rational num/den. */
function normRational(widths: number[]): [bigint, bigint] {
  return [2n ** BigInt(widths.length), widths.reduce((p, w) => p * BigInt(w), 1n)];
}

describe('audit quantities of the finite network: exact value enclosed, or infinite', () => {
  it('lambdaMinEmpiricalNTK contains the exact λ_min when a sample lies within rounding of a hyperplane', () => {
    const widths = [3];
    const probe = instance(fromRows([[1, 0]]), widths, 'standard', 'flip');
    const net = netOf(probe);
    const z = hyperplaneInput(net, 0, (v) => forward(net, fromRows([v])).preActivations[0].data[0]);
    const inst = instance(fromRows([z, [1.2, -1.6]]), widths, 'standard', 'flip');
    const K = exactNtk(net, inst.x);
    const [num, den] = normRational(widths);
    const e = enclosureOf(inst, 'lambdaMinEmpiricalNTK');
    expect(Number.isFinite(e.lower) && Number.isFinite(e.upper)).toBe(true);
    expect(encloses(K, e.lower, e.upper, num, den)).toBe(true);
    // the enclosure of the final-rounding-only bound (empiricalNtk.errorBound, scaled) misses it
    const r = empiricalNtk(net, inst.x);
    const s = ntkNormalization(net);
    for (let t = 0; t < r.ntk.data.length; t++) r.ntk.data[t] *= s;
    const old = lambdaMinCertified(r.ntk, {
      entryError: up(r.errorBound * s * (1 + 4 * UNIT_ROUNDOFF)) + 4 * UNIT_ROUNDOFF * Math.abs(r.ntk.data[0] + r.ntk.data[3]),
    });
    expect(encloses(K, old.lower, old.upper, num, den)).toBe(false);
  });

  it.each([
    ['1e-160', -531],
    ['1e-300', -997],
    ['2^-1074 scale', -1074],
    ['1', 0],
    ['1e150', 498],
    ['1e200', 664],
  ])('data at %s: λ_min(K̄), σ_min(F_k), Lipschitz products enclose the exact value or are infinite (and inconclusive)', (_label, e) => {
    const base = [
      [0.9, -0.3, 0.5],
      [-0.2, 0.7, 0.4],
    ];
    const x = fromRows(base.map((r) => r.map((v) => v * 2 ** e)));
    const widths = [4, 3];
    const inst = instance(x, widths, 'he', `scale${e}`);
    const net = netOf(inst);
    const [num, den] = normRational(widths);
    const lm = enclosureOf(inst, 'lambdaMinEmpiricalNTK');
    expect(Number.isNaN(lm.mid)).toBe(false);
    if (Number.isFinite(lm.upper)) expect(encloses(exactNtk(net, x), lm.lower, lm.upper, num, den)).toBe(true);
    else {
      expect(lm.lower).toBe(-Infinity);
      const side = evaluateSide((q) => q.lambdaMinEmpiricalNTK, inst, 'lhs');
      expect(side.error).toBe(Infinity);
      const out = decide({ lhs: side.value, rhs: 1, relation: '>=', lhsError: side.error, rhsError: 0 });
      expect(out.verdict).toBe('inconclusive');
    }
    expectSigmaMinFEnclosed(net, x, (k) => enclosureOf(inst, `sigmaMinF(${k})`));
    // Lipschitz product ∏‖W_l‖₂: each factor's certified bounds bracket the exact product
    let lo = 1,
      hi = 1;
    for (let l = 1; l <= net.depth; l++) {
      const lip = enclosureOf(inst, `lipschitzBound(${l})`);
      lo *= norm2LowerBound(net.weights[l - 1]);
      hi *= norm2UpperBound(net.weights[l - 1]);
      expect(lip.lower).toBeLessThanOrEqual(lo);
      expect(lip.upper).toBeGreaterThanOrEqual(hi);
    }
  });
});
