import { describe, expect, it } from 'vitest';
import { norm2Estimate } from '../linalg/norm.ts';
import { featureJacobian } from './lipschitz.ts';
import {
  certifiedJacobian,
  estimateLipschitzLower,
  linearRegionIdentity,
  lipschitzLowerAt,
  pointEnvelope,
  productOfNormsCertified,
} from './lipschitzEstimate.ts';
import { abReluRecord, activationByName } from './activations/registry.ts';
import { initNetwork, matmulIkj, type Network, networkFromWeights, preActivationsAt } from './network.ts';
import { childRng, fillGaussian } from '../random/rng.ts';
import { add, type Dy, dy, mul } from '../../test/support/exactNtk.ts';
import { D, type Dec, ex } from '../../test/support/decimalNetwork.ts';

const neg = (a: Dy): Dy => ({ m: -a.m, e: a.e });
const absDy = (a: Dy): Dy => (a.m < 0n ? neg(a) : a);
/** a ≤ b exactly. */
const leq = (a: Dy, b: Dy): boolean => add(b, neg(a)).m >= 0n;
function toNum(a: Dy): number {
  // exact enough for comparisons of tiny differences: scale down via string division
  if (a.m === 0n) return 0;
  const s = a.m < 0n ? -1 : 1;
  let m = a.m < 0n ? -a.m : a.m;
  let e = a.e;
  const bits = m.toString(2).length;
  if (bits > 60) {
    m >>= BigInt(bits - 60);
    e += bits - 60;
  }
  return s * Number(m) * 2 ** e;
}

/** Exact g_1..g_k(z) and exact Jᵀ (d × n_k) for the float network. */
function exactForward(net: Network, k: number, z: Float64Array) {
  let f: Dy[] = Array.from(z, dy);
  const gs: Dy[][] = [];
  for (let l = 1; l <= k; l++) {
    const w = net.weights[l - 1];
    const g: Dy[] = [];
    for (let j = 0; j < w.cols; j++) {
      let s: Dy = { m: 0n, e: 0 };
      for (let a = 0; a < w.rows; a++) s = add(s, mul(f[a], dy(w.data[a * w.cols + j])));
      g.push(s);
    }
    gs.push(g);
    f = g.map((v) => (v.m > 0n ? v : { m: 0n, e: 0 }));
  }
  const d = net.dims[0];
  let jt: Dy[][] = Array.from({ length: d }, (_, c) => Array.from({ length: net.dims[1] }, (_, j) => dy(net.weights[0].data[c * net.dims[1] + j])));
  for (let l = 2; l <= k; l++) {
    const w = net.weights[l - 1];
    jt = jt.map((row) =>
      Array.from({ length: w.cols }, (_, j) => {
        let s: Dy = { m: 0n, e: 0 };
        for (let a = 0; a < w.rows; a++) if (gs[l - 2][a].m > 0n) s = add(s, mul(row[a], dy(w.data[a * w.cols + j])));
        return s;
      }),
    );
  }
  return { gs, jt };
}

describe('lipschitzEstimate', () => {
  const net = initNetwork({ inputDim: 5, widths: [9, 7, 6], init: 'he' }, 'lip-test');

  it('Jacobian equals featureJacobian bit for bit and the rounding bounds cover exact arithmetic', () => {
    for (let t = 0; t < 6; t++) {
      const z = fillGaussian(childRng('lip-z', t), new Float64Array(5));
      for (const k of [1, 2, 3, 4]) {
        const cj = certifiedJacobian(net, k, z);
        expect(Array.from(cj.jacobian.data)).toEqual(Array.from(featureJacobian(net, k, z).data));
        if (!cj.envelope.patternCertified) continue;
        const ex = exactForward(net, k, z);
        const nk = net.dims[k];
        for (let c = 0; c < 5; c++)
          for (let j = 0; j < nk; j++) {
            const diff = Math.abs(toNum(add(dy(cj.jacobian.data[j * 5 + c]), neg(ex.jt[c][j]))));
            expect(diff).toBeLessThanOrEqual(cj.relError * cj.absProduct.data[c * nk + j] + 1e-300);
          }
        const env = pointEnvelope(net, k, z);
        for (let l = 0; l < k; l++)
          for (let j = 0; j < env.g[l].length; j++) {
            const diff = Math.abs(toNum(add(dy(env.g[l][j]), neg(ex.gs[l][j]))));
            expect(diff).toBeLessThanOrEqual(env.bound[l][j]);
            if (l < k - 1) expect(Math.sign(toNum(ex.gs[l][j]))).toBe(Math.sign(env.g[l][j]));
          }
      }
    }
  });

  it('k = 1: the lower estimate is ‖W_1‖₂ to rounding and never exceeds the certified product', () => {
    const z = fillGaussian(childRng('lip-z1'), new Float64Array(5));
    const r = lipschitzLowerAt(net, 1, z);
    const p = productOfNormsCertified(net, 1);
    expect(r.certified).toBe(true);
    expect(r.lower).toBeLessThanOrEqual(p.upper);
    expect(r.lower).toBeGreaterThan(norm2Estimate(net.weights[0]) * (1 - 1e-10));
  });

  it('estimate increases with search effort and stays below the product of norms', () => {
    for (const k of [2, 3]) {
      const a = estimateLipschitzLower(net, k, { seed: 's', randomStarts: 2, climbSteps: 0 });
      const b = estimateLipschitzLower(net, k, { seed: 's', randomStarts: 2, climbSteps: 40 });
      expect(b.lower).toBeGreaterThanOrEqual(a.lower);
      expect(b.lower).toBeLessThanOrEqual(productOfNormsCertified(net, k).upper);
      // brute force: the estimate is a value actually attained at a certified point
      expect(lipschitzLowerAt(net, k, b.z).lower).toBe(b.lower);
    }
  });

  it('product-of-norms enclosure brackets the power-iteration estimate', () => {
    const p = productOfNormsCertified(net, 3);
    let est = 1;
    for (let l = 0; l < 3; l++) est *= norm2Estimate(net.weights[l]);
    expect(p.lower).toBeLessThanOrEqual(est * (1 + 1e-12));
    expect(p.upper).toBeGreaterThanOrEqual(est * (1 - 1e-12));
    expect(p.upper / p.lower - 1).toBeLessThan(1e-8);
  });

  it('linear-region identity: holds within tolerance on a small segment, detects flips on a long one', () => {
    const z = fillGaussian(childRng('lip-id'), new Float64Array(5));
    const xi = fillGaussian(childRng('lip-id2'), new Float64Array(5));
    const z2 = z.map((v, c) => v + 1e-7 * xi[c]);
    const r = linearRegionIdentity(net, 3, z, z2);
    expect(r.noFlip).toBe(true);
    for (let j = 0; j < r.lhs.length; j++) expect(Math.abs(r.lhs[j] - r.rhs[j])).toBeLessThanOrEqual(r.tolerance[j]);
    // a far point with a different pattern
    const far = z.map((v, c) => -v + 3 * xi[c]);
    expect(linearRegionIdentity(net, 3, z, far).noFlip).toBe(false);
    // sanity: the difference of exact pre-activations (finite difference) matches J·δ to relative 1e-6
    const g1 = preActivationsAt(net, z, 3)[2],
      g2 = preActivationsAt(net, z2, 3)[2];
    for (let j = 0; j < g1.length; j++) expect(Math.abs(g2[j] - g1[j] - r.lhs[j])).toBeLessThan(1e-12);
  });

  it('roundingBound: finite across a kink, covers the exact sides there, and the identity fails beyond it', () => {
    const z = fillGaussian(childRng('lip-id'), new Float64Array(5));
    const xi = fillGaussian(childRng('lip-id2'), new Float64Array(5));
    const far = z.map((v, c) => -v + 3 * xi[c]);
    const r = linearRegionIdentity(net, 3, z, far);
    expect(r.noFlip).toBe(false);
    expect(r.tolerance.every((t) => t === Infinity)).toBe(true);
    // exact (dyadic) J(z)(far − z) and g_3(far) − g_3(z)
    const a = exactForward(net, 3, z),
      b = exactForward(net, 3, far);
    let failsBeyondBound = false;
    for (let j = 0; j < r.lhs.length; j++) {
      expect(Number.isFinite(r.roundingBound[j])).toBe(true);
      let jd: Dy = { m: 0n, e: 0 };
      for (let c = 0; c < 5; c++) jd = add(jd, mul(a.jt[c][j], add(dy(far[c]), neg(dy(z[c])))));
      const diff = add(b.gs[2][j], neg(a.gs[2][j]));
      const errL = Math.abs(toNum(add(dy(r.lhs[j]), neg(jd)))),
        errR = Math.abs(toNum(add(dy(r.rhs[j]), neg(diff))));
      expect(errL + errR).toBeLessThanOrEqual(r.roundingBound[j]);
      if (Math.abs(toNum(add(jd, neg(diff)))) > 2 * r.roundingBound[j]) failsBeyondBound = true;
    }
    expect(failsBeyondBound).toBe(true);
  });

  /**
   * Every claim of pointEnvelope / certifiedJacobian / lipschitzLowerAt at (net, k, z) against exact dyadic arithmetic:
   * |ĝ_l − g_l| ≤ bound, certified signs, |Ĵᵀ − Jᵀ| ≤ relError·P̂ + absError, ‖Ĵ − J‖_F ≤ spectralError.
   */
  function checkExact(net: Network, k: number, z: Float64Array): { certified: boolean } {
    const cj = certifiedJacobian(net, k, z);
    const env = cj.envelope;
    if (!env.patternCertified) return { certified: false };
    const ex = exactForward(net, k, z);
    for (let l = 0; l < k; l++)
      for (let j = 0; j < env.g[l].length; j++) {
        if (l < k - 1) expect(ex.gs[l][j].m > 0n ? 1 : ex.gs[l][j].m < 0n ? -1 : 0, `sign of g_${l + 1},${j}`).toBe(Math.sign(env.g[l][j]));
        if (env.bound[l][j] < Infinity)
          expect(leq(absDy(add(dy(env.g[l][j]), neg(ex.gs[l][j]))), dy(env.bound[l][j])), `|ĝ − g| ≤ bound at ${l + 1},${j}`).toBe(true);
      }
    const d = net.dims[0],
      nk = net.dims[k];
    let fro: Dy = { m: 0n, e: 0 };
    for (let c = 0; c < d; c++)
      for (let j = 0; j < nk; j++) {
        const diff = absDy(add(dy(cj.jacobian.data[j * d + c]), neg(ex.jt[c][j])));
        fro = add(fro, mul(diff, diff));
        if (cj.relError * cj.absProduct.data[c * nk + j] < Infinity)
          expect(leq(diff, add(mul(dy(cj.relError), dy(cj.absProduct.data[c * nk + j])), dy(cj.absError))), `|Ĵ − J| entry ${c},${j}`).toBe(true);
      }
    if (cj.spectralError < Infinity) expect(leq(fro, mul(dy(cj.spectralError), dy(cj.spectralError))), '‖Ĵ − J‖_F ≤ spectralError').toBe(true);
    return { certified: true };
  }

  it('gradual underflow: a float pattern that rounding flipped is not certified (exact dyadic reference)', () => {
    // z = (2^-1074, …): the products 0.6·2^-1074 round up to 2^-1074 and −7·2^-1074 is exact, so ĝ_1 = 3·2^-1074 > 0
    // while g_1 = (10·0.6 − 7)·2^-1074 < 0: a relative-only envelope (bound ≈ 2^-1074) certifies the wrong sign.
    const w1 = new Float64Array([0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, -7]);
    const tiny = networkFromWeights({ inputDim: 11, widths: [1], init: 'standard' }, [
      { rows: 11, cols: 1, data: w1 },
      { rows: 1, cols: 1, data: new Float64Array([1]) },
    ]);
    const z = new Float64Array(11).fill(2 ** -1074);
    expect(pointEnvelope(tiny, 2, z).g[0][0]).toBe(3 * 2 ** -1074);
    expect(exactForward(tiny, 2, z).gs[0][0].m < 0n).toBe(true);
    expect(pointEnvelope(tiny, 2, z).patternCertified).toBe(false);
    expect(lipschitzLowerAt(tiny, 2, z).certified).toBe(false);
    checkExact(tiny, 2, z);
  });

  it('inputs and weights scaled by powers of two into the subnormal range: every bound covers exact arithmetic', () => {
    let certified = 0;
    for (const s of [-1000, -1030, -1050, -1060, -1068]) {
      for (let t = 0; t < 3; t++) {
        const z = fillGaussian(childRng('lip-uf', t), new Float64Array(5)).map((v) => v * 2 ** s);
        for (const k of [1, 2, 3, 4]) if (checkExact(net, k, z).certified) certified++;
      }
    }
    // weights scaled by 2^-330 per layer: g_3 lives near 2^-1000, its products underflow
    const scaled = networkFromWeights(
      net.arch,
      net.weights.map((w) => ({ ...w, data: w.data.map((v) => v * 2 ** -330) })),
    );
    for (let t = 0; t < 3; t++) {
      const z = fillGaussian(childRng('lip-uf-w', t), new Float64Array(5));
      for (const k of [1, 2, 3, 4]) if (checkExact(scaled, k, z).certified) certified++;
      const z2 = z.map((v, c) => v + 1e-7 * fillGaussian(childRng('lip-uf-d', t), new Float64Array(5))[c]);
      const r = linearRegionIdentity(scaled, 3, z, z2);
      const a = exactForward(scaled, 3, z),
        b = exactForward(scaled, 3, z2);
      for (let j = 0; j < r.lhs.length && r.roundingBound[j] < Infinity; j++) {
        let jd: Dy = { m: 0n, e: 0 };
        for (let c = 0; c < 5; c++) jd = add(jd, mul(a.jt[c][j], add(dy(z2[c]), neg(dy(z[c])))));
        const err = add(absDy(add(dy(r.lhs[j]), neg(jd))), absDy(add(dy(r.rhs[j]), neg(add(b.gs[2][j], neg(a.gs[2][j]))))));
        expect(leq(err, dy(r.roundingBound[j]))).toBe(true);
      }
    }
    expect(certified).toBeGreaterThan(10); // the bounds are not vacuous there
  });

  it('overflow: ±∞ anywhere certifies nothing and gives +∞ bounds, never a wrong finite one', () => {
    const z = fillGaussian(childRng('lip-of'), new Float64Array(5)).map((v) => v * 2 ** 1000);
    const loud = networkFromWeights(
      net.arch,
      net.weights.map((w) => ({ ...w, data: w.data.map((v) => v * 2 ** 10) })),
    );
    for (const k of [2, 3, 4]) {
      const cj = certifiedJacobian(loud, k, z);
      // an overflow below layer k (the pattern's layers); g_k itself may overflow with a certified pattern
      const overflowed = cj.envelope.g.slice(0, k - 1).some((g) => g.some((v) => !Number.isFinite(v)));
      if (overflowed) {
        expect(cj.envelope.patternCertified).toBe(false);
        expect(lipschitzLowerAt(loud, k, z)).toMatchObject({ lower: 0, certified: false });
      }
    }
    expect(certifiedJacobian(loud, 4, z).envelope.g[2].some((v) => !Number.isFinite(v))).toBe(true);
    // Π‖W_l‖₂ of weights scaled by 2^600 is 2^1800·Π‖W_l‖₂ > MAX_VALUE: the upper end is +∞.
    const big = networkFromWeights(
      net.arch,
      net.weights.map((w) => ({ ...w, data: w.data.map((v) => v * 2 ** 600) })),
    );
    const p = productOfNormsCertified(big, 3);
    expect(p.upper).toBe(Infinity);
    expect(p.lower).toBeLessThanOrEqual(Number.MAX_VALUE);
  });

  it('a finite Jacobian whose Gram matrix overflows or underflows: lipschitzLowerAt is ‖J‖₂ to rounding, no RangeError', () => {
    // W_1 = c·I (2 × 2), W_2 = (1, 1)ᵀ, z = (1, 1): the pattern is certified and J(g_1) = c·I exactly, ‖J‖₂ = c; so is
    // J(g_2) = (c, c), ‖J‖₂ = √2·c. c = 1e300 is a finite Ĵ whose ĴĴᵀ (and Σ P̂²) overflows; c = 1e-300 one whose
    // ĴĴᵀ (and Σ P̂²) underflows; c = 2^1023 has ‖J(g_2)‖₂ > MAX_VALUE.
    const diag = (c: number) =>
      networkFromWeights({ inputDim: 2, widths: [2], init: 'standard' }, [
        { rows: 2, cols: 2, data: new Float64Array([c, 0, 0, c]) },
        { rows: 2, cols: 1, data: new Float64Array([1, 1]) },
      ]);
    for (const c of [1e300, 2 ** 600, 1e-300, 2 ** -1000])
      for (const [k, norm] of [
        [1, c],
        [2, Math.SQRT2 * c],
      ]) {
        const r = lipschitzLowerAt(diag(c), k, [1, 1]);
        expect(r.certified).toBe(true);
        expect(r.lower).toBeLessThanOrEqual(norm * (1 + 1e-15));
        expect(r.lower).toBeGreaterThanOrEqual(norm * (1 - 1e-10));
      }
    for (const c of [1e300, 2 ** 1023])
      expect(estimateLipschitzLower(diag(c), 2, { seed: 'gram', randomStarts: 3, climbSteps: 3 }).lower).toBeLessThanOrEqual(
        productOfNormsCertified(diag(c), 2).upper,
      );
    expect(lipschitzLowerAt(diag(2 ** 1023), 1, [1, 1]).lower).toBeGreaterThanOrEqual(2 ** 1023 * (1 - 1e-10));
  });

  it("productOfNormsCertified: the 'ntk' scales, Lip(σ)^{k−1} for every record, a lower end only for the (a,b)-ReLU family", () => {
    // W_std = 8 and n_{l−1} ∈ {4, 16, 64}: s_l = 8/√n_{l−1} ∈ {4, 2, 1} is a power of two, so the 'nmm' network with
    // weights s_lω_l (exact) is an independent reference for the enclosed real scales.
    const widths = [16, 64];
    const ntkNet = initNetwork({ inputDim: 4, widths, init: 'standard', parameterization: 'ntk', wStd: 8, bStd: 0.5 }, 'pn');
    const scales = [4, 2, 1];
    const nmmArch = { inputDim: 4, widths, init: 'standard' as const };
    const scaledWeights = ntkNet.weights.map((w, l) => ({ ...w, data: w.data.map((v) => v * scales[l]) }));
    const nmm = networkFromWeights(nmmArch, scaledWeights);
    for (const k of [1, 2, 3]) {
      const p = productOfNormsCertified(ntkNet, k),
        q = productOfNormsCertified(nmm, k);
      expect(p.lower).toBeLessThanOrEqual(q.upper);
      expect(q.lower).toBeLessThanOrEqual(p.upper);
      expect(p.upper / p.lower - 1).toBeLessThan(1e-8);
      expect(p.upper).toBeGreaterThan(q.upper); // the scale's enclosure widens it a little
      // (a,b)-ReLU with slopes (1, −3): Lip(σ) = 3, the product exactly 3^{k−1} times the ReLU one
      const ab = networkFromWeights({ ...nmmArch, activation: abReluRecord(1, -3, 'ab-1-m3') }, scaledWeights);
      const r = productOfNormsCertified(ab, k);
      expect(r.lower).toBeLessThanOrEqual(3 ** (k - 1) * q.upper);
      expect(r.upper).toBeGreaterThanOrEqual(3 ** (k - 1) * q.lower);
      expect(r.upper / r.lower - 1).toBeLessThan(1e-8);
      // a smooth record: sup|σ'| is only bounded above, so no lower end; the upper end covers tanh's Lip(σ) = 1
      const th = productOfNormsCertified(networkFromWeights({ ...nmmArch, activation: activationByName('tanh') }, scaledWeights), k);
      expect(th.lower).toBe(k === 1 ? q.lower : 0); // k = 1: no σ in the product
      expect(th.upper).toBeGreaterThanOrEqual(q.lower);
    }
    // identity activation: g_3 is the linear map W_3ᵀW_2ᵀW_1ᵀ, whose norm the product bounds above
    const id = networkFromWeights({ ...nmmArch, activation: abReluRecord(1, 1, 'identity') }, scaledWeights);
    const m = matmulIkj(matmulIkj(scaledWeights[0], scaledWeights[1]), scaledWeights[2]);
    expect(norm2Estimate(m)).toBeLessThanOrEqual(productOfNormsCertified(id, 3).upper);
  });

  it('productOfNormsCertified: weights scaled by 2^±300 scale the enclosure by 2^±900 (no overflow, no throw)', () => {
    const p = productOfNormsCertified(net, 3);
    for (const e of [300, -300]) {
      const sc = networkFromWeights(
        net.arch,
        net.weights.map((w) => ({ ...w, data: w.data.map((v) => v * 2 ** e) })),
      );
      const q = productOfNormsCertified(sc, 3);
      expect(q.lower).toBeLessThanOrEqual(p.upper * 2 ** (3 * e));
      expect(q.upper).toBeGreaterThanOrEqual(p.lower * 2 ** (3 * e));
      expect(q.upper / q.lower - 1).toBeLessThan(1e-8);
    }
  });
});

/**
 * g_1..g_k(z) and Jᵀ (d × n_k) of the stored doubles in 90-digit decimal: σ with slopes (a, b), 'ntk' with the real
 * s_l = W_std/√n_{l−1} and the biases b_std·β_l (the pattern from the decimal pre-activations).
 */
function decimalForward(net: Network, k: number, z: Float64Array, a: number, b: number, absJacobian = false) {
  const A = ex(a),
    B = ex(b);
  // absJacobian: |W_1||D_1|⋯|W_k| (the pattern still from the signed network), the product P of certifiedJacobian
  const wj = (v: number): Dec => (absJacobian ? ex(Math.abs(v)) : ex(v));
  let f: Dec[] = Array.from(z, ex);
  const gs: Dec[][] = [];
  const sc = (l: number): Dec => (net.ntk ? ex(net.ntk.wStd).div(new D(net.dims[l - 1]).sqrt()) : new D(1));
  for (let l = 1; l <= k; l++) {
    const w = net.weights[l - 1];
    const g: Dec[] = [];
    for (let j = 0; j < w.cols; j++) {
      let s = new D(0);
      for (let p = 0; p < w.rows; p++) s = s.add(f[p].mul(ex(w.data[p * w.cols + j])));
      if (net.ntk) s = s.mul(sc(l)).add(ex(net.ntk.bStd).mul(ex(net.biases![l - 1][j])));
      g.push(s);
    }
    gs.push(g);
    f = g.map((v) => (v.gt(0) ? v.mul(A) : v.lt(0) ? v.mul(B) : new D(0)));
  }
  const d = net.dims[0];
  let jt: Dec[][] = Array.from({ length: d }, (_, c) => Array.from({ length: net.dims[1] }, (_, j) => wj(net.weights[0].data[c * net.dims[1] + j]).mul(sc(1))));
  for (let l = 2; l <= k; l++) {
    const w = net.weights[l - 1];
    const slope = gs[l - 2].map((v) => (v.gt(0) ? A : v.lt(0) ? B : new D(0))).map((m) => (absJacobian ? m.abs() : m));
    jt = jt.map((row) =>
      Array.from({ length: w.cols }, (_, j) => {
        let s = new D(0);
        for (let p = 0; p < w.rows; p++) s = s.add(row[p].mul(slope[p]).mul(wj(w.data[p * w.cols + j])));
        return s.mul(sc(l));
      }),
    );
  }
  return { gs, jt };
}

describe("certified Lipschitz estimates of (a,b)-ReLU and 'ntk' networks (90-digit decimal reference)", () => {
  const cases: [string, Network, number, number][] = [
    ['(1, −3)-ReLU', initNetwork({ inputDim: 5, widths: [9, 7, 6], init: 'he', activation: abReluRecord(1, -3, 'ab') }, 'lip-ab'), 1, -3],
    ['leaky-relu:0.1', initNetwork({ inputDim: 5, widths: [9, 7, 6], init: 'he', activation: activationByName('leaky-relu:0.1') }, 'lip-lk'), 1, 0.1],
    [
      "ReLU 'ntk', b_std = 0.7",
      initNetwork({ inputDim: 5, widths: [9, 7, 6], init: 'standard', parameterization: 'ntk', wStd: 1.5, bStd: 0.7 }, 'lip-ntk'),
      1,
      0,
    ],
    [
      "(0.5, −2)-ReLU 'ntk'",
      initNetwork(
        { inputDim: 5, widths: [9, 7, 6], init: 'standard', activation: abReluRecord(0.5, -2, 'ab2'), parameterization: 'ntk', wStd: 1.3, bStd: 0.4 },
        'lip-ntk2',
      ),
      0.5,
      -2,
    ],
  ];
  for (const [name, nt, a, b] of cases)
    it(`${name}: signs, |ĝ − g| ≤ bound, |Ĵ − J| entrywise and in Frobenius norm; Ĵ is featureJacobian`, () => {
      let certified = 0;
      for (let t = 0; t < 4; t++)
        for (const scale of [1, 2 ** -1060]) {
          const z = fillGaussian(childRng('lip-abz', t), new Float64Array(5)).map((v) => v * scale);
          for (const k of [1, 2, 3, 4]) {
            const cj = certifiedJacobian(nt, k, z);
            expect(Array.from(cj.jacobian.data)).toEqual(Array.from(featureJacobian(nt, k, z).data));
            const env = cj.envelope;
            if (!env.patternCertified) continue;
            certified++;
            const ref = decimalForward(nt, k, z, a, b);
            for (let l = 0; l < k; l++)
              for (let j = 0; j < env.g[l].length; j++) {
                if (l < k - 1) expect(ref.gs[l][j].gt(0) ? 1 : ref.gs[l][j].lt(0) ? -1 : 0).toBe(Math.sign(env.g[l][j]));
                expect(ex(env.g[l][j]).sub(ref.gs[l][j]).abs().lte(ex(env.bound[l][j]))).toBe(true);
              }
            const d = 5,
              nk = nt.dims[k];
            let fro = new D(0);
            for (let c = 0; c < d; c++)
              for (let j = 0; j < nk; j++) {
                const diff = ex(cj.jacobian.data[j * d + c])
                  .sub(ref.jt[c][j])
                  .abs();
                fro = fro.add(diff.mul(diff));
                expect(
                  diff.lte(
                    ex(cj.relError)
                      .mul(ex(cj.absProduct.data[c * nk + j]))
                      .add(ex(cj.absError)),
                  ),
                ).toBe(true);
              }
            expect(fro.sqrt().lte(ex(cj.spectralError))).toBe(true);
            const r = lipschitzLowerAt(nt, k, z);
            expect(r.certified).toBe(true);
            expect(r.lower).toBeLessThanOrEqual(productOfNormsCertified(nt, k).upper);
          }
        }
      expect(certified).toBeGreaterThan(8);
    });

  it('a slope of 3 at the bottom of the subnormal range: the propagated radius carries |m| (90-digit decimal)', () => {
    // g_1 = 64·2^-1074 + 40 products (0.5 + 2^-20)·2^-1074, each rounded up to 2^-1074: ĝ_1 = 104·2^-1074 against
    // g_1 ≈ 84·2^-1074, certified positive; f̂_1 = 3ĝ_1 is exact, so g_2 = f_1 is off by 3·20·2^-1074, more than the
    // radius of layer 1 (≈ 44·2^-1074, the 40·ETA of the products) unless the slope multiplies it.
    const w1 = new Float64Array(41).fill(0.5 + 2 ** -20);
    w1[0] = 1;
    const arch = { inputDim: 41, widths: [1], init: 'standard' as const, activation: abReluRecord(3, -1, 'ab-3') };
    const tiny = networkFromWeights(arch, [
      { rows: 41, cols: 1, data: w1 },
      { rows: 1, cols: 1, data: new Float64Array([1]) },
    ]);
    const z = new Float64Array(41).fill(2 ** -1074);
    z[0] = 64 * 2 ** -1074;
    const env = pointEnvelope(tiny, 2, z);
    expect(env.g[0][0]).toBe(104 * 2 ** -1074);
    expect(env.patternCertified).toBe(true);
    const ref = decimalForward(tiny, 2, z, 3, -1);
    for (const l of [0, 1]) expect(ex(env.g[l][0]).sub(ref.gs[l][0]).abs().lte(ex(env.bound[l][0]))).toBe(true);
  });

  it('absProduct is |W_1||D_1|⋯|W_k| with the slopes |a|, |b| (relative 1e-12 of the decimal product)', () => {
    const nt = initNetwork({ inputDim: 5, widths: [9, 7, 6], init: 'he', activation: abReluRecord(1, -3, 'ab') }, 'lip-ab');
    const z = fillGaussian(childRng('lip-abz', 0), new Float64Array(5));
    const cj = certifiedJacobian(nt, 3, z);
    const pRef = decimalForward(nt, 3, z, 1, -3, true).jt;
    for (let c = 0; c < 5; c++)
      for (let j = 0; j < 6; j++) expect(Math.abs(cj.absProduct.data[c * 6 + j] - pRef[c][j].toNumber())).toBeLessThanOrEqual(1e-12 * pRef[c][j].toNumber());
  });

  it('linearRegionIdentity of a (1, −3)-ReLU network: both sides within roundingBound of the decimal values', () => {
    const nt = initNetwork({ inputDim: 5, widths: [9, 7, 6], init: 'he', activation: abReluRecord(1, -3, 'ab') }, 'lip-ab');
    let checked = 0;
    for (let t = 0; t < 4; t++) {
      const z = fillGaussian(childRng('lip-abz', t), new Float64Array(5));
      const xi = fillGaussian(childRng('lip-abx', t), new Float64Array(5));
      for (const h of [1e-7, 3]) {
        const z2 = z.map((v, c) => v + h * xi[c]);
        const r = linearRegionIdentity(nt, 3, z, z2);
        if (!(r.roundingBound[0] < Infinity)) continue;
        const a = decimalForward(nt, 3, z, 1, -3),
          b = decimalForward(nt, 3, z2, 1, -3);
        for (let j = 0; j < r.lhs.length; j++) {
          let jd = new D(0);
          for (let c = 0; c < 5; c++) jd = jd.add(a.jt[c][j].mul(ex(z2[c]).sub(ex(z[c]))));
          const err = ex(r.lhs[j])
            .sub(jd)
            .abs()
            .add(ex(r.rhs[j]).sub(b.gs[2][j].sub(a.gs[2][j])).abs());
          expect(err.lte(ex(r.roundingBound[j]))).toBe(true);
          if (r.noFlip) expect(Math.abs(r.lhs[j] - r.rhs[j])).toBeLessThanOrEqual(r.tolerance[j]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
