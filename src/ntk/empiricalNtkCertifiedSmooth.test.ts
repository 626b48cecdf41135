/**
 * The certified empirical NTK of tanh, sigmoid, softplus, erf and gelu networks (empiricalNtkCertified.ts, smooth records) against an
 * independent 90-digit recomputation (decimal.js: per-sample forward pass, σ and σ' of src/audit/decimalActivations.ts,
 * back-propagation, J Jᵀ): every entry |K̂ − s·K| is within the bound (‖E‖_max ≤ ‖E‖₂), the forward radii contain the
 * features, and the pointwise enclosures of σ, σ' contain the 90-digit values on a sweep over the double range. The
 * 90-digit oracle's own error (relative ≤ 1e-80) is far below the slack 1e-60·max|K| allowed for it.
 */
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dy } from '../../test/support/exactNtk.ts';
import { fromRows, type Matrix } from '../linalg/matrix.ts';
import { decimalActivation } from '../audit/decimalActivations.ts';
import { activationByName } from './activations/registry.ts';
import type { ActivationRecord } from './activations/record.ts';
import { empiricalNtkCertified, empiricalNtkLambdaMin } from './empiricalNtkCertified.ts';
import { initNetwork, type Network, networkFromWeights } from './network.ts';
import { scaledNetworkCase } from '../../test/support/fuzzNetwork.ts';

const D = Decimal.clone({ precision: 90, minE: -9e15, maxE: 9e15 });
type Dec = InstanceType<typeof D>;
/** The exact value of a double (m·2^e; Decimal(number) would take its shortest decimal string instead). */
const ex = (v: number): Dec => {
  const { m, e } = dy(v);
  return new D(m.toString()).times(new D(2).pow(e));
};

/**
 * σ and σ' in 90 digits: the decimal activations of the 50-digit oracle (src/audit/decimalActivations.ts, written from
 * the definitions without the records' float code) at this precision: within 1e-89·(|σ(0)| + sup|σ'|·|t|), saturated
 * beyond |t| = 2000 (off by < e^{-2000}).
 */
function sigmaDec(name: string, t: Dec): { f: Dec; df: Dec } {
  return decimalActivation(activationByName(name) as { kind: string; name: string }, D).eval(t) as { f: Dec; df: Dec };
}

/** Features and J Jᵀ of the stored doubles in 90 digits (per sample, independent of the engine's layer-wise formula). */
function decimalNetwork(net: Network, x: Matrix, name: string): { K: Dec[][]; features: Dec[][][] } {
  const L = net.depth,
    N = x.rows,
    d = x.cols;
  const rows: Dec[][] = [];
  const features: Dec[][][] = Array.from({ length: L }, () => []);
  for (let i = 0; i < N; i++) {
    const fs: Dec[][] = [Array.from(x.data.subarray(i * d, (i + 1) * d), ex)];
    const ds: Dec[][] = [];
    for (let l = 1; l < L; l++) {
      const w = net.weights[l - 1];
      const f: Dec[] = [],
        df: Dec[] = [];
      for (let j = 0; j < w.cols; j++) {
        let g = new D(0);
        for (let p = 0; p < w.rows; p++) g = g.plus(fs[l - 1][p].times(ex(w.data[p * w.cols + j])));
        const e = sigmaDec(name, g);
        f.push(e.f);
        df.push(e.df);
      }
      fs.push(f);
      ds.push(df);
    }
    for (let l = 0; l < L; l++) features[l].push(fs[l]);
    const bs: Dec[][] = new Array<Dec[]>(L + 1);
    bs[L] = [new D(1)];
    for (let k = L - 1; k >= 1; k--) {
      const w = net.weights[k];
      bs[k] = [];
      for (let a = 0; a < w.rows; a++) {
        let s = new D(0);
        for (let j = 0; j < w.cols; j++) s = s.plus(bs[k + 1][j].times(ex(w.data[a * w.cols + j])));
        bs[k].push(s.times(ds[k - 1][a]));
      }
    }
    const jrow: Dec[] = [];
    for (let l = 1; l <= L; l++) for (const f of fs[l - 1]) for (const b of bs[l]) jrow.push(f.times(b));
    rows.push(jrow);
  }
  const K = rows.map((a) => rows.map((b) => a.reduce((s, v, t) => s.plus(v.times(b[t])), new D(0))));
  return { K, features };
}

/** Checks the certified result against the 90-digit kernel; returns false on a violation. */
function enclosed(net: Network, x: Matrix, name: string, normalize: boolean): { ok: boolean; certified: boolean } {
  const r = empiricalNtkCertified(net, x, { normalize });
  if (!r.certified) return { ok: true, certified: false };
  const { K, features } = decimalNetwork(net, x, name);
  // the exact normalisation ∏ ĉ/n_l with the double ĉ = fl(1/κ̂) (docs/error-model.md#the-empirical-ntk)
  let s = new D(1);
  if (normalize) for (let l = 1; l < net.depth; l++) s = s.times(ex(1 / activationByName(name).secondMoment)).div(net.dims[l]);
  let maxK = new D(0);
  for (const row of K) for (const v of row) if (v.abs().gt(maxK)) maxK = v.abs();
  const slack = maxK.times(s).times('1e-60');
  const N = x.rows;
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const err = ex(r.ntk.data[i * N + j])
        .minus(K[i][j].times(s))
        .abs();
      if (err.gt(ex(r.errorBound).plus(slack))) return { ok: false, certified: true };
    }
  for (let l = 1; l < net.depth; l++) {
    const F = r.forward.fwd.features[l].data,
      R = r.forward.radius[l].data,
      n = net.dims[l];
    for (let i = 0; i < N; i++)
      for (let j = 0; j < n; j++)
        if (
          ex(F[i * n + j])
            .minus(features[l][i][j])
            .abs()
            .gt(ex(R[i * n + j]).plus('1e-80'))
        )
          return { ok: false, certified: true };
  }
  return { ok: true, certified: true };
}

describe('certified empirical NTK of tanh, sigmoid, softplus, erf and gelu networks', () => {
  it('pointwise enclosures of σ and σ′ contain the 90-digit values (tiny, subnormal, huge, ±∞, near 0)', () => {
    const ts: number[] = [
      2.5,
      3,
      4.5,
      5.99,
      6,
      6.01,
      7,
      0,
      -0,
      5e-324,
      -5e-324,
      2 ** -1022,
      1e-300,
      1e-17,
      2 ** -27,
      1e-8,
      0.1,
      0.5,
      1 - 2 ** -53,
      1,
      2,
      10,
      19.06,
      20,
      37,
      300,
      709,
      710,
      1e10,
      1e300,
      Number.MAX_VALUE,
      Infinity,
    ];
    for (let e = -60; e <= 10; e += 1.3) ts.push(2 ** e, -(2 ** e) * 1.1);
    for (const name of ['tanh', 'sigmoid', 'softplus', 'erf', 'gelu']) {
      const act = activationByName(name) as ActivationRecord;
      for (const t0 of ts)
        for (const t of [t0, -t0]) {
          const enc = act.enclose!(t);
          const v = Number.isFinite(t) ? sigmaDec(name, ex(t)) : sigmaDec(name, new D(t > 0 ? 3000 : -3000));
          expect(
            (enc.f.lo === -Infinity || ex(enc.f.lo).lte(v.f)) && (enc.f.hi === Infinity || ex(enc.f.hi).gte(v.f)),
            `${name}(${t}) ∉ [${enc.f.lo}, ${enc.f.hi}]`,
          ).toBe(true);
          expect(ex(enc.df.lo).lte(v.df) && ex(enc.df.hi).gte(v.df), `${name}'(${t}) ∉ [${enc.df.lo}, ${enc.df.hi}]`).toBe(true);
          // informative: relative ≤ 1e-12 (the worst of tanh is 5.4e-13 at t ≈ 1.4e-3, where both the Taylor bracket
          // and the cancellation in 1 − 2/(e^{2t} + 1) are loose; sigmoid 1.3e-15), softplus ≤ 1e-10 (2.2e-11 at
          // t ≈ −11.6: log(1 + y) near 1 is absolute, the Taylor bracket y³/3)
          const rel = name === 'softplus' ? 1e-10 : 1e-12; // erf: ≤ 1e-13 absolute near |t| = 6 (long positive series)
          // (softplus(MAX_VALUE) > MAX_VALUE: its enclosure reaches +∞ rightly; gelu is absolute ≈ u·|t| for t ≪ 0,
          // where 1 + erf cancels: checked as absolute ≤ 1e-13·max(1, |t|); 6.4e-14 at t = 4.5, erf's long series)
          if (name === 'gelu') {
            if (Number.isFinite(t) && Math.abs(t) < 1e300) expect(enc.f.hi - enc.f.lo).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(t)));
          } else if (Number.isFinite(t) && t < Number.MAX_VALUE) expect(enc.f.hi - enc.f.lo).toBeLessThanOrEqual(rel * Math.abs(v.f.toNumber()) + 1e-300);
        }
    }
  });

  it('ordinary networks (widths 6, 5): kernel entries and features within the bound; the bound is ≤ 1e-12·max K̂_ii', () => {
    const x = fromRows([
      [0.3, -1.2, 0.5],
      [1.1, 0.4, -0.7],
      [-0.2, 0.9, 0.8],
    ]);
    for (const name of ['tanh', 'sigmoid', 'softplus', 'erf', 'gelu']) {
      const net = initNetwork({ inputDim: 3, widths: [6, 5], init: 'standard', activation: activationByName(name) }, `smooth-${name}`);
      for (const normalize of [false, true]) expect(enclosed(net, x, name, normalize)).toEqual({ ok: true, certified: true });
      const r = empiricalNtkCertified(net, x, { normalize: true });
      expect(r.errorBound).toBeLessThan(1e-12 * Math.max(r.ntk.data[0], r.ntk.data[4], r.ntk.data[8]));
      expect(empiricalNtkLambdaMin(r).certified).toBe(true);
    }
  });

  it('backward cancellation: the exact kernel needs the sup|σ′|·e term of the backward radius (tanh)', () => {
    // x = 2^30, W_1 = 0.75·2^−60 (f_1 ≈ 0.75·2^−30), W_2 = 2^30·(1, 1 + 2^−26), W_3 = (1, −1)ᵀ: the signal into layer 1,
    // v = 2^30(σ′(g_a) − (1 + 2^−26)σ′(g_b)) with g_a ≈ g_b ≈ 0.75, cancels to |v| ≈ 2^4 while its float error (2^30
    // times the error of b̂_2, order u) is ≈ 2^30u: only sup|σ′|·e covers it, the terms proportional to |ŝ| do not.
    // The layer-1 term x²b_1² of K dominates the kernel and both norms of its rank-one bound (one sample: no
    // Cauchy–Schwarz slack across samples). Without the term the bound is ≈ 0.65× the exact error. tanh only: σ(0) = 0
    // keeps f_1 small, and the derivative enclosures of erf and gelu are wide enough to hide the error.
    const arch = { inputDim: 1, widths: [1, 2], init: 'standard' as const, activation: activationByName('tanh') };
    const net = networkFromWeights(arch, [fromRows([[0.75 * 2 ** -60]]), fromRows([[2 ** 30, 2 ** 30 * (1 + 2 ** -26)]]), fromRows([[1], [-1]])]);
    expect(enclosed(net, fromRows([[2 ** 30]]), 'tanh', false)).toEqual({ ok: true, certified: true });
  });

  it('fuzz: tanh, sigmoid, softplus, erf and gelu at data/weight scales 2^e (e ∈ [−1074, 1023]): entries enclosed or not certified', () => {
    const entry = fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(0, 1, -1, 0.5, -0.25, 0.1, 3));
    const expo = fc.oneof(fc.integer({ min: -1074, max: 1023 }), fc.integer({ min: -40, max: 40 }), fc.constant(0));
    let certified = 0;
    fc.assert(
      fc.property(
        fc.record({
          act: fc.constantFrom('tanh', 'sigmoid', 'softplus', 'erf', 'gelu'),
          N: fc.integer({ min: 1, max: 3 }),
          d: fc.integer({ min: 1, max: 3 }),
          widths: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 2 }),
          normalize: fc.boolean(),
          ex: expo,
          ew: fc.array(expo, { minLength: 3, maxLength: 3 }),
          vals: fc.array(entry, { minLength: 60, maxLength: 60 }),
        }),
        (c) => {
          const { x, net } = scaledNetworkCase(c, c.vals, activationByName(c.act));
          const r = enclosed(net, x, c.act, c.normalize);
          if (r.certified) certified++;
          return r.ok;
        },
      ),
      { numRuns: 100, seed: 20261204 },
    );
    expect(certified).toBeGreaterThan(50);
  });
});
