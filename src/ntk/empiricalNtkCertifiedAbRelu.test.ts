/**
 * The certified empirical NTK of (a,b)-ReLU networks (leaky ReLU, abs, identity; empiricalNtkCertified.ts) against
 * the exact K̄ of the stored doubles (test/support/exactNtk.ts: dyadic arithmetic in BigInt, the activation pattern
 * decided on the exact sign of every pre-activation, σ'(0) = 0): every entry of |K̂ − s·K̄| is within the bound
 * (‖E‖_max ≤ ‖E‖₂), and λ_min(s·K̄) lies in the enclosure, decided exactly by signs of minors. ReLU passed as a record
 * gives the same doubles bit for bit.
 */
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, type Dy, dy, encloses, exactFeatures, exactNtk, mul, toDec } from '../../test/support/exactNtk.ts';
import { fromRows, type Matrix } from '../linalg/matrix.ts';
import { activationByName, reluRecord } from './activations/registry.ts';
import type { ActivationRecord } from './activations/record.ts';
import { backpropSignals, empiricalNtk } from './empiricalNtk.ts';
import { empiricalNtkCertified, empiricalNtkLambdaMin, forwardEnclosure, UNIT_AMBIGUOUS, UNIT_NEGATIVE } from './empiricalNtkCertified.ts';
import { pointEnvelope } from './lipschitzEstimate.ts';
import { ntkDiagonalSample } from './monteCarlo.ts';
import { forward, initNetwork } from './network.ts';
import { assertCertifiedOrNot, fuzzCaseFields, hyperplaneCases, scaledNetworkCase } from '../../test/support/fuzzNetwork.ts';
import { layerwiseKernelPerturbation, roundingEnvelope } from './roundingEnvelope.ts';

const bitsEqual = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
};

/**
 * The exact normalisation ∏_{l<L} 1/(κ n_l), κ = (a² + b²)/2, as num/den (BigInt): 1/κ = 2/(M·2^E) with
 * a² + b² = M·2^E exactly (dyadic).
 */
function exactScale(act: ActivationRecord & { a?: number; b?: number }, widths: number[]): { num: bigint; den: bigint } {
  const q = add(mul(dy(act.a!), dy(act.a!)), mul(dy(act.b!), dy(act.b!)));
  let cn = 2n,
    cd = q.m;
  if (q.e <= 0) cn <<= BigInt(-q.e);
  else cd <<= BigInt(q.e);
  let num = 1n,
    den = 1n;
  for (const n of widths) {
    num *= cn;
    den *= cd * BigInt(n);
  }
  return { num, den };
}

/** max_ij |K̂_ij − (num/den)·K̄_ij| in decimal (exact up to 60 significant digits). */
function maxEntryError(khat: Matrix, K: Dy[][], num: bigint, den: bigint): Decimal {
  Decimal.set({ precision: 60 });
  const s = new Decimal(num.toString()).div(den.toString());
  let worst = new Decimal(0);
  for (let i = 0; i < khat.rows; i++)
    for (let j = 0; j < khat.rows; j++) {
      const e = new Decimal(khat.data[i * khat.rows + j]).minus(toDec(K[i][j]).times(s)).abs();
      if (e.gt(worst)) worst = e;
    }
  return worst;
}

describe('certified empirical NTK of (a,b)-ReLU networks', () => {
  it('ReLU as a record: forward, back-propagation, K̂ and its bound are the same doubles as the default', () => {
    const x = fromRows([
      [0.3, -1.2, 0.5],
      [1.1, 0.4, -0.7],
      [-0.2, 0.9, 0.8],
    ]);
    const base = { inputDim: 3, widths: [17, 9], init: 'he' as const };
    const n0 = initNetwork(base, 'bit-id'),
      n1 = initNetwork({ ...base, activation: reluRecord() }, 'bit-id');
    const f0 = forward(n0, x),
      f1 = forward(n1, x);
    expect(bitsEqual(f0.output, f1.output)).toBe(true);
    f0.features.forEach((f, k) => expect(bitsEqual(f.data, f1.features[k].data)).toBe(true));
    backpropSignals(n0, f0).forEach((b, k) => expect(bitsEqual(b.data, backpropSignals(n1, f1)[k].data)).toBe(true));
    expect(bitsEqual(empiricalNtk(n0, x).ntk.data, empiricalNtk(n1, x).ntk.data)).toBe(true);
    for (const normalize of [false, true]) {
      const c0 = empiricalNtkCertified(n0, x, { normalize }),
        c1 = empiricalNtkCertified(n1, x, { normalize });
      expect(bitsEqual(c0.ntk.data, c1.ntk.data)).toBe(true);
      expect(Object.is(c0.errorBound, c1.errorBound) && c0.certified).toBe(true);
    }
  });

  it('a record outside the analysis (certifiedFiniteNetwork false): the float kernel, reported NOT certified (bound and λ_min enclosure infinite)', () => {
    const net = initNetwork(
      { inputDim: 2, widths: [4], init: 'standard', activation: { ...activationByName('gelu'), name: 'gelu-uncertified', certifiedFiniteNetwork: false } },
      's',
    );
    const x = fromRows([
      [0.5, 0.2],
      [-0.1, 0.9],
    ]);
    expect(() => forwardEnclosure(net, x)).toThrow(/NOT certified/);
    const r = empiricalNtkCertified(net, x, { normalize: true });
    expect([r.certified, r.errorBound]).toEqual([false, Infinity]);
    expect(r.notCertifiedReason).toMatch(/activation gelu-uncertified: .*only records with certifiedFiniteNetwork/);
    const k = empiricalNtk(net, x).ntk.data,
      s = 1 / (activationByName('gelu').secondMoment * 4);
    expect(
      bitsEqual(
        r.ntk.data,
        k.map((v) => v * s),
      ),
    ).toBe(true);
    const lm = empiricalNtkLambdaMin(r);
    expect([lm.lower, lm.upper, lm.certified]).toEqual([-Infinity, Infinity, false]);
  });

  it('leaky-relu:0.1: forward radii contain the exact features; negative units are certified as such', () => {
    const act = activationByName('leaky-relu:0.1');
    const net = initNetwork({ inputDim: 3, widths: [6, 5], init: 'standard', activation: act }, 'leaky-fwd');
    const x = fromRows([
      [0.3, -1.2, 0.5],
      [1.1, 0.4, -0.7],
    ]);
    const fe = forwardEnclosure(net, x);
    expect(fe.status[0].some((s) => s === UNIT_NEGATIVE)).toBe(true);
    for (let k = 1; k <= 2; k++) {
      const F = exactFeatures(net, x, k),
        Fh = fe.fwd.features[k].data,
        R = fe.radius[k].data;
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < F[i].length; j++) {
          const t = i * F[i].length + j;
          expect(new Decimal(Fh[t]).minus(toDec(F[i][j])).abs().lte(R[t])).toBe(true);
          expect(R[t]).toBeLessThan(1e-14 * (1 + Math.abs(Fh[t])));
        }
    }
  });

  it('a pre-activation within rounding of the kink: ambiguous, and the exact kernel is enclosed (leaky, abs)', () => {
    // x = (w1, −w0') with w0' one ulp from w0: the exact g = (w0 − w0')·w1 ≠ 0 while the float ĝ = 0
    for (const name of ['leaky-relu:0.1', 'abs', 'identity']) {
      const act = activationByName(name);
      let hit = 0;
      for (const { net, x, g } of hyperplaneCases(act)) {
        if (hit === 2) break;
        if (g !== 0) continue;
        const r = empiricalNtkCertified(net, x);
        hit++;
        expect(r.forward.status[0][0]).toBe(UNIT_AMBIGUOUS);
        // f̂ = σ(0) = 0 while the exact f = σ(g), g ≠ 0: only the max(|a|, |b|)·ρ term of the radius of an
        // ambiguous unit covers |f̂ − f| (the product rounding is 0 at ĝ = 0), and the kernel bound is too loose to show it
        const f = toDec(exactFeatures(net, x, 1)[0][0]);
        expect(f.isZero(), name).toBe(false);
        expect(new Decimal(r.forward.fwd.features[1].data[0]).minus(f).abs().lte(r.forward.radius[1].data[0]), name).toBe(true);
        expect(r.certified).toBe(true);
        const K = exactNtk(net, x);
        expect(maxEntryError(r.ntk, K, 1n, 1n).lte(r.errorBound), `${name}: entry error > ${r.errorBound}`).toBe(true);
        const lm = empiricalNtkLambdaMin(r);
        expect(encloses(K, lm.lower, lm.upper), name).toBe(true);
      }
      expect(hit).toBe(2);
    }
  });

  it('fuzz: leaky ReLU, abs, identity at scales 2^e (e ∈ [−1074, 1023]): exact K̄ and λ_min enclosed or not certified', () => {
    const caseArb = fc.record({
      act: fc.constantFrom('leaky-relu:0.1', 'leaky-relu:-0.3', 'leaky-relu:0.01', 'abs', 'identity', 'leaky-relu:3'),
      ...fuzzCaseFields({ maxN: 3, maxWidth: 6, maxHidden: 2, nVals: 120 }),
    });
    const counts = assertCertifiedOrNot(
      caseArb,
      (c) => {
        const act = activationByName(c.act) as ActivationRecord & { a: number; b: number };
        const { x, net } = scaledNetworkCase(c, c.vals, act);
        const r = empiricalNtkCertified(net, x, { normalize: c.normalize });
        if (!r.certified) return { certified: false };
        const K = exactNtk(net, x);
        const { num, den } = c.normalize ? exactScale(act, c.widths) : { num: 1n, den: 1n };
        const lm = empiricalNtkLambdaMin(r);
        const enclosed = maxEntryError(r.ntk, K, num, den).lte(r.errorBound) && encloses(K, lm.lower, lm.upper, num, den);
        return { certified: true, ambiguous: r.ambiguousUnits > 0, enclosed };
      },
      { numRuns: 250, seed: 20261204 },
    );
    expect(counts.certified).toBeGreaterThan(100);
    expect(counts.ambiguous).toBeGreaterThan(3);
  });

  it('the bound is informative at moderate width: ‖E‖₂ ≤ 1e-12·max K̂_ii (abs, leaky-relu:0.1; width 64, L = 3)', () => {
    const x = fromRows([
      [0.3, -1.2, 0.5],
      [1.1, 0.4, -0.7],
      [-0.2, 0.9, 0.8],
    ]);
    for (const name of ['abs', 'leaky-relu:0.1']) {
      const net = initNetwork({ inputDim: 3, widths: [64, 64], init: 'standard', activation: activationByName(name) }, 'informative');
      const r = empiricalNtkCertified(net, x, { normalize: true });
      const diag = Math.max(r.ntk.data[0], r.ntk.data[4], r.ntk.data[8]);
      expect(r.certified).toBe(true);
      expect(r.errorBound).toBeLessThan(1e-12 * diag);
    }
  });
});

describe('ReLU-only envelopes refuse other records instead of certifying them', () => {
  it('roundingEnvelope / ntkDiagonalSample: NOT certified (infinite); pointEnvelope of a smooth record: a UserError', () => {
    const arch = { inputDim: 2, widths: [8], init: 'standard' as const, activation: activationByName('abs') };
    const net = initNetwork(arch, 'env');
    const x = fromRows([[0.6, -0.8]]);
    const env = roundingEnvelope(net, x);
    expect([env.patternCertified, env.rangeSafe]).toEqual([false, false]);
    expect(layerwiseKernelPerturbation(env).spectral).toBe(Infinity);
    const mc = ntkDiagonalSample(arch, x, 3, 'env');
    expect([mc.uncertified, mc.error]).toEqual([3, Infinity]);
    const tanhNet = initNetwork({ ...arch, activation: activationByName('tanh') }, 'env');
    expect(() => pointEnvelope(tanhNet, 2, [0.6, -0.8])).toThrow(/\(a,b\)-ReLU family only/);
  });
});
