/**
 * H∞ of Du et al. (arXiv 1810.02054, eq. (3)) for activation records against independent 50-digit references
 * (decimal.js): erf by the closed form of Williams (1997), E[erf'(u)erf'(v)] = (4/π)/√((1 + 2q1)(1 + 2q2) − 4c²);
 * tanh by a decimal trapezoidal rule of E[sech²u sech²v] (step 1/6, |z| ≤ 9, sech² = 4E/(1 + E)², E = e^{2x}:
 * another step, range and formula than activations/smooth.ts); the (a,b)-ReLU family by
 * x_iᵀx_j[(a² + b²)(π − θ) + 2abθ]/(2π) with θ = acos of the decimal cosine.
 */
import { describe, expect, it } from 'vitest';
import { KernelRangeError, UserError } from '../errors.ts';
import { fromRows, type Matrix } from '../linalg/matrix.ts';
import { cliInProcess } from '../../test/support/cliInProcess.ts';
import { type AuditInstance, enclosureOf } from '../audit/quantities.ts';
import { Oracle } from '../audit/highPrecision.ts';
import { activationByName } from './activations/registry.ts';
import { hInfinity } from './hInfinity.ts';
import { hInfinityFor } from './hInfinityActivation.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referenceCache } from '../../test/support/referenceCache.ts';
import { D, type Dec, decimalClone, exact, PI } from '../../test/support/decimalContains.ts';

const WIDE = decimalClone(1500);

/** Gram entries of the stored doubles, exactly (each product of two doubles is exact in 1500 digits, then rounded once). */
function gramDec(x: Matrix, unit: boolean): Dec[] {
  const n = x.rows,
    d = x.cols;
  const ex = (v: number) => new WIDE(exact(v).toFixed());
  const g: Dec[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = new WIDE(0);
      for (let k = 0; k < d; k++) s = s.add(ex(x.data[i * d + k]).mul(ex(x.data[j * d + k])));
      g.push(new D(s));
    }
  if (!unit) return g;
  return g.map((v, t) => v.div(g[Math.floor(t / n) * (n + 1)].sqrt()).div(g[(t % n) * (n + 1)].sqrt()));
}

/** ‖computed − reference‖_F in decimal, and the largest |reference entry|. */
function frobeniusDiff(m: Float64Array, ref: Dec[]): { diff: Dec; max: Dec } {
  let s = new D(0),
    max = new D(0);
  ref.forEach((r, t) => {
    s = s.add(exact(m[t]).sub(r).pow(2));
    max = D.max(max, r.abs());
  });
  return { diff: s.sqrt(), max };
}

/** (4/π)/√(1 + 2q1 + 2q2 + 4(q1q2 − c²)), the determinant formed in 1500 digits (no cancellation at q ≈ 1e300). */
const erfDd = (q1: Dec, q2: Dec, c: Dec): Dec => {
  const det = new D(
    new WIDE(q1)
      .mul(new WIDE(q2))
      .sub(new WIDE(c).mul(new WIDE(c)))
      .mul(4)
      .add(new WIDE(q1).add(new WIDE(q2)).mul(2))
      .add(1),
  );
  return new D(4).div(PI).div(det.sqrt());
};

const tanhMemo = new Map<string, Dec>();

/**
 * E[sech²u sech²v], (u, v) ∼ N(0, [[q1, c], [c, q2]]), by the decimal trapezoidal rule of the module comment (30
 * digits; the integrand is even in (z1, z2), so the nodes k < 0 are those of −k). For q ≤ 1 the integrand is analytic
 * in |Im z| < π/2 per variable; Trefethen & Weideman (SIAM Review 2014, Thm 5.1) at a = 1.4 bound the step error by
 * ≈ 1e2·e^{−2π·1.4·6} < 1e-20, and the truncation at |z| = 9 by e^{−40} < 1e-17·(relative).
 */
function tanhDd(q1: Dec, q2: Dec, c: Dec): Dec {
  const key = `${q1},${q2},${c}`;
  // the rule's values come from its committed cache (test/support/referenceCache.ts): 2.6 s of decimal work per run
  if (!tanhMemo.has(key)) tanhMemo.set(key, new D(tanhDdCache.get(key, () => [tanhDdRule(q1, q2, c).toString()])[0]));
  return tanhMemo.get(key)!;
}
const tanhDdCache = referenceCache('tanh-hinfinity-trapezoid', [new URL(import.meta.url), new URL('../../test/support/decimalContains.ts', import.meta.url)]);

function tanhDdRule(q1: Dec, q2: Dec, c: Dec): Dec {
  const T = decimalClone(30);
  const s = new T(q1.toString()).sqrt();
  const beta = s.isZero() ? new T(0) : new T(c.toString()).div(s);
  const g2 = new T(q2.toString()).sub(beta.mul(beta));
  const gam = g2.lte(0) ? new T(0) : g2.sqrt();
  const h = new T(1).div(6),
    K = 54;
  const z: Dec[] = [],
    w: Dec[] = [];
  const norm = h.div(T.acos(-1).mul(2).sqrt());
  for (let k = -K; k <= K; k++) {
    const zk = h.mul(k);
    z.push(zk);
    w.push(norm.mul(zk.mul(zk).div(-2).exp()));
  }
  const sech2 = (E: Dec) => E.mul(4).div(E.add(1).pow(2));
  const F = z.map((zm) => gam.mul(zm).mul(2).exp());
  let tot = new T(0);
  for (let k = K; k < z.length; k++) {
    const Ek = beta.mul(z[k]).mul(2).exp();
    let inner = new T(0);
    for (let m = 0; m < z.length; m++) inner = inner.add(w[m].mul(sech2(Ek.mul(F[m]))));
    tot = tot.add(
      w[k]
        .mul(sech2(s.mul(z[k]).mul(2).exp()))
        .mul(inner)
        .mul(k === K ? 1 : 2),
    );
  }
  return new D(tot.toString());
}

/** H∞ reference: c_ij·dd(q_i, q_j, c_ij) on the (optionally unit-normalised) Gram entries. */
function reference(x: Matrix, unit: boolean, dd: (q1: Dec, q2: Dec, c: Dec) => Dec): Dec[] {
  const n = x.rows,
    g = gramDec(x, unit);
  const memo = new Map<string, Dec>();
  return g.map((c, t) => {
    const i = Math.floor(t / n),
      j = t % n;
    const a = Math.min(i, j),
      b = Math.max(i, j);
    const key = `${a},${b}`;
    if (!memo.has(key)) memo.set(key, c.isZero() ? new D(0) : c.mul(dd(g[a * (n + 1)], g[b * (n + 1)], g[a * n + b])));
    return memo.get(key)!;
  });
}

function expectWithin(x: Matrix, name: string, unit: boolean, ref: Dec[], maxRelWidth: number): void {
  const r = hInfinityFor(x, activationByName(name), { unitNorm: unit });
  const { diff, max } = frobeniusDiff(r.matrix.data, ref);
  expect(diff.lte(exact(r.errorBound)), `${name}: ‖Ĥ − H‖_F = ${diff.toSignificantDigits(4)} > bound ${r.errorBound}`).toBe(true);
  expect(r.errorBound, `${name}: bound ${r.errorBound} vs max |H| ${max.toSignificantDigits(4)}`).toBeLessThanOrEqual(maxRelWidth * max.toNumber());
}

describe('H∞ for an activation record (Du et al. 2019, eq. (3))', () => {
  const mixed = fromRows([
    [1, 0.5, -0.2],
    [0.3, -1, 2],
    [1, 0.5, -0.2000001],
    [0, 0, 0],
    [0.25, 1e-3, 0.7],
  ]);

  it('erf: ‖Ĥ − H‖_F ≤ errorBound against the 50-digit closed form, mixed norms, a zero row, a nearly parallel pair, tiny and huge rows', () => {
    expectWithin(mixed, 'erf', false, reference(mixed, false, erfDd), 1e-12);
    const dirs = fromRows([
      [1, 0.5, -0.2],
      [0.3, -1, 2],
      [1, 0.5, -0.2000001],
      [-2, 1e-3, 0.7],
    ]);
    expectWithin(dirs, 'erf', true, reference(dirs, true, erfDd), 1e-12);
    // Gram entries in the subnormal range (1e-161² ≈ 1e-322): H∞ ≈ (4/π)·XXᵀ, every rounding to the ETA grid counted
    const tiny = fromRows([
      [3e-161, -1e-161],
      [1e-161, 2e-161],
    ]);
    const rt = hInfinityFor(tiny, activationByName('erf'));
    const { diff } = frobeniusDiff(rt.matrix.data, reference(tiny, false, erfDd));
    expect(diff.lte(exact(rt.errorBound))).toBe(true);
    expect(rt.errorBound).toBeLessThan(1e-320);
    // ‖x‖² ≈ 1e300: E[erf'erf'] ≈ (4/π)/(2‖x_i‖‖x_j‖ sin θ) is small, H∞ entries of order 1e150. Contained, but wide:
    // the Lipschitz widening by the Gram radius (≈ 1e284) is trivial there and the box enclosure of the
    // (singular) diagonal covariance is [(4/π)/(1 + 2q), (4/π)/√(1 + 4q)]
    const huge = fromRows([
      [6e149, 8e149],
      [8e149, 6e149],
    ]);
    expectWithin(huge, 'erf', false, reference(huge, false, erfDd), 2);
  });

  it('tanh: ‖Ĥ − H‖_F ≤ errorBound against a 50-digit-checked decimal quadrature (unit-normalised rows and raw rows)', () => {
    const x = fromRows([
      [1, 0.5],
      [0.3, -1],
      [1, 0.5000001],
    ]);
    expectWithin(x, 'tanh', true, reference(x, true, tanhDd), 1e-11);
    const small = fromRows([
      [0.5, 0.25],
      [-0.125, 0.75],
    ]);
    expectWithin(small, 'tanh', false, reference(small, false, tanhDd), 1e-11);
  });

  it('(a,b)-ReLU family: x_iᵀx_j[(a² + b²)(π − θ) + 2abθ]/(2π) in decimal; ReLU is hInfinity.ts bit for bit', () => {
    for (const [name, a, b] of [
      ['leaky-relu:0.1', 1, 0.1],
      ['abs', 1, -1],
      ['identity', 1, 1],
      ['leaky-relu:-3', 1, -3],
    ] as const) {
      const n = mixed.rows,
        g = gramDec(mixed, false);
      const ref = g.map((c, t) => {
        const qi = g[Math.floor(t / n) * (n + 1)],
          qj = g[(t % n) * (n + 1)];
        if (qi.isZero() || qj.isZero()) return new D(0);
        const cos = D.min(1, D.max(-1, c.div(qi.mul(qj).sqrt())));
        const th = D.acos(cos);
        return c.mul(new D(a * a + b * b).mul(PI.sub(th)).add(th.mul(2 * a * b))).div(PI.mul(2));
      });
      expectWithin(mixed, name, false, ref, 1e-12);
    }
    const r = hInfinityFor(mixed, activationByName('relu'));
    expect(Array.from(r.matrix.data)).toEqual(Array.from(hInfinity(mixed).matrix.data));
    expect(r.errorBound).toBe(hInfinity(mixed).errorBound);
  });

  it('beyond the range: ‖x‖² ≥ 2^1024 is a one-line KernelRangeError stating the range; NaN data a UserError', () => {
    const big = fromRows([
      [1e160, 0],
      [0, 1],
    ]);
    expect(() => hInfinityFor(big, activationByName('erf'))).toThrow(KernelRangeError);
    expect(() => hInfinityFor(big, activationByName('tanh'))).toThrow(
      /exceed 2\^1024 ≈ 1\.8e308; supported with this activation: finite data whose ‖x_i‖², x_iᵀx_j and H∞ entries stay below 2\^1024/,
    );
    expect(() => hInfinityFor(fromRows([[NaN, 1]]), activationByName('erf'))).toThrow(UserError);
    // the same rows on the unit sphere are in range (the audit's H∞)
    expect(hInfinityFor(big, activationByName('erf'), { unitNorm: true }).matrix.data[0]).toBeCloseTo(4 / (Math.PI * Math.sqrt(5)), 14);
  });
});

describe('audit quantity lambdaMinHInfinity for activation records', () => {
  const inst = (activation: string, bias?: number): AuditInstance => ({
    x: fromRows([
      [1, 0],
      [0.6, 0.8],
    ]),
    depth: 2,
    widths: [3],
    init: 'standard',
    netSeed: 'h16',
    data: 'file',
    normalize: 'none',
    activation,
    ...(bias !== undefined ? { bias, parameterization: 'ntk' as const } : {}),
  });
  // unit rows with cos = 0.6 exactly: λ_min(H∞) = H_11 − H_12 = dd(1, 1, 1) − 0.6·dd(1, 1, 0.6)
  const one = new D(1),
    c = new D('0.6');

  it('erf and tanh: the enclosure contains the 50-digit λ_min and is narrow; with a bias it is not certified', () => {
    for (const [name, dd] of [
      ['erf', erfDd],
      ['tanh', tanhDd],
    ] as const) {
      const lam = dd(one, one, one).sub(c.mul(dd(one, one, c)));
      const e = enclosureOf(inst(name), 'lambdaMinHInfinity');
      expect(lam.gte(exact(e.lower)) && lam.lte(exact(e.upper)), `${name}: ${lam.toSignificantDigits(20)} ∉ [${e.lower}, ${e.upper}]`).toBe(true);
      expect(e.upper - e.lower).toBeLessThan(1e-12);
      const t = enclosureOf(inst(name), 'trace(hInfinity)');
      const tr = dd(one, one, one).mul(2);
      expect(tr.gte(exact(t.lower)) && tr.lte(exact(t.upper))).toBe(true);
    }
    expect(enclosureOf(inst('erf', 0.5), 'lambdaMinHInfinity').lower).toBe(-Infinity);
  });

  it('the decimal confirmation oracle (highPrecision.ts) has erf and the (a,b)-ReLU family, and no closed form for tanh', () => {
    const lamErf = erfDd(one, one, one).sub(c.mul(erfDd(one, one, c)));
    // abs: (a − b)²·H∞(ReLU) + ab·cos: λ_min = 4(½ − 0.6(π − θ)/(2π)) − (1 − 0.6), θ = acos 0.6
    const th = D.acos(c);
    const lamAbs = new D(4).mul(new D('0.5').sub(c.mul(PI.sub(th)).div(PI.mul(2)))).sub(one.sub(c));
    for (const [name, lam] of [
      ['erf', lamErf],
      ['abs', lamAbs],
    ] as const) {
      const I = inst(name);
      const o = new Oracle(I, (k) => enclosureOf(I, k));
      const q = o.quantity('lambdaMinHInfinity');
      while (q.refine());
      const e = q.enclosure();
      expect(lam.gte(exact(e.lower)) && lam.lte(exact(e.upper)), `${name}: ${lam} ∉ [${e.lower}, ${e.upper}]`).toBe(true);
      expect(e.upper - e.lower).toBeLessThan(1e-14);
    }
    expect(() => new Oracle(inst('tanh'), () => undefined).quantity('lambdaMinHInfinity')).toThrow(/no 50-digit closed form for H∞ with activation tanh/);
  });
});

describe('ntk-audit kernel h-infinity --activation', () => {
  it('erf, one sample: the certified λ = ‖x‖²·(4/π)/√(1 + 4‖x‖²) (50 digits); an unknown name exits 2 with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ntk-hinf-'));
    try {
      const f = join(dir, 'one.csv');
      writeFileSync(f, '0.6,0.8\n');
      const r = await cliInProcess(['kernel', 'h-infinity', '--data', f, '--activation', 'erf', '--json']);
      expect(r.status, r.stderr).toBe(0);
      const rep = JSON.parse(r.stdout);
      const q = exact(0.6).pow(2).add(exact(0.8).pow(2));
      const lam = q.mul(erfDd(q, q, q));
      expect(lam.gte(exact(rep.lambdaMin.lower)) && lam.lte(exact(rep.lambdaMin.upper)), `${lam} ∉ [${rep.lambdaMin.lower}, ${rep.lambdaMin.upper}]`).toBe(
        true,
      );
      expect(rep.lambdaMin.upper - rep.lambdaMin.lower).toBeLessThan(1e-13);
      expect(rep.conventions.activation).toBe('erf');
      const bad = await cliInProcess(['kernel', 'h-infinity', '--data', f, '--activation', 'softsign']);
      expect(bad.status).toBe(2);
      expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
