/**
 * GELU and softplus records against independent 50-digit evaluations (decimal.js). The reference is a 2-D
 * trapezoidal rule on u = s z1, v = β z1 + γ z2 over |z| ≤ 9.5 with step 1/N, on covariances whose s, β, γ are
 * integer multiples of one base b: then every argument is b·(j/N) for an integer j, so σ, σ' are evaluated in decimal
 * once per lattice point (Φ by its Taylor series Φ(x) = 1/2 + φ(x)Σ x^{2n+1}/(2n+1)!!, Abramowitz & Stegun 26.2.11,
 * and 0 or 1 beyond |x| > 14; softplus = max(t, 0) + ln(1 + e^{−|t|}); sigmoid = 1/(1 + e^{−t})). The step is chosen
 * for a quadrature error below 1e-22 (Trefethen & Weideman, SIAM Review 56 (2014), Thm 5.1, strip half-width
 * min(1.5/scale, 3)); the omitted mass beyond 9.5 is < 1e-19 relative. GELU's record uses closed forms (no
 * quadrature at all), softplus' a float rule with T = 9 and other steps.
 */
import { describe, expect, it } from 'vitest';
import { D, type Dec, exact, expectContains, expectDualContains, PI } from '../../../test/support/decimalContains.ts';
import { limitingKernels } from '../limiting.ts';
import { geluRecord } from './gelu.ts';
import { type ActivationRecord, activationByName } from './registry.ts';
import { softplusRecord } from './softplus.ts';
import { referenceCache } from '../../../test/support/referenceCache.ts';
import { expectKernelsWithin, ntkFoldDecimal } from '../../../test/support/decimalFold.ts';

const SQRT_2PI = PI.mul(2).sqrt();

const phiD = (x: Dec): Dec => x.mul(x).div(-2).exp().div(SQRT_2PI);
function PhiD(x: Dec): Dec {
  if (x.gt(14)) return new D(1);
  if (x.lt(-14)) return new D(0); // Φ(−14) < 1e-44
  let term = x,
    sum = x;
  const x2 = x.mul(x);
  for (let n = 1; n < 2000; n++) {
    term = term.mul(x2).div(2 * n + 1);
    sum = sum.add(term);
    if (term.abs().lt(sum.abs().mul('1e-55'))) break;
  }
  return phiD(x).mul(sum).add(0.5);
}
type Fns = (t: Dec) => { f: Dec; df: Dec };
const GELU: Fns = (t) => {
  const P = PhiD(t);
  return { f: t.mul(P), df: t.abs().gt(40) ? P : P.add(t.mul(phiD(t))) };
}; // |t|φ(t) < 1e-340 beyond 40
const SOFTPLUS: Fns = (t) => {
  const a = t.abs();
  const e = a.gt(130) ? new D(0) : a.neg().exp(); // e^{−130} < 1e-56
  const f = D.max(t, 0).add(e.isZero() ? 0 : e.add(1).ln());
  const df = t.gte(0) ? new D(1).div(e.add(1)) : e.div(e.add(1));
  return { f, df };
};

/**
 * E[σ(u)σ(v)], E[σ'(u)σ'(v)] with s = ms·b, β = mb·b, γ = mg·b (integers ms ≥ 0, mb, mg ≥ 0, b a power of two), i.e.
 * q1 = ms²b², c = ms·mb·b², q2 = (mb² + mg²)b².
 */
const memo = new Map<string, { w: Dec[]; F: Dec[]; DF: Dec[]; J: number }>();

/** Weights and lattice values for (σ, b, N), shared by the grid points with that base (|ms| + |mb| + |mg| ≤ 4). */
function lattice(name: string, fns: Fns, b: number, N: number): { w: Dec[]; F: Dec[]; DF: Dec[]; J: number } {
  const key = `${name}:${b}:${N}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const K = Math.ceil(9.5 * N);
  const h = new D(1).div(N);
  // weights hφ(kh) by the exact recursion φ(kh) = φ((k − 1)h)·e^{−h²/2}·e^{−(k − 1)h²}
  const w: Dec[] = new Array(2 * K + 1);
  const e1 = h.mul(h).div(-2).exp(),
    e2 = e1.mul(e1);
  let wk = h.div(SQRT_2PI),
    r = e1;
  w[K] = wk;
  for (let k = 1; k <= K; k++) {
    wk = wk.mul(r);
    r = r.mul(e2);
    w[K + k] = wk;
    w[K - k] = wk;
  }
  const J = (b >= 16 ? 2 : 4) * K; // |ms| + |mb| + |mg| ≤ 2 (b ≥ 16) or 4
  const B = exact(b).div(N);
  const F: Dec[] = [],
    DF: Dec[] = [];
  for (let j = -J; j <= J; j++) {
    const v = fns(B.mul(j));
    F.push(v.f);
    DF.push(v.df);
  }
  const out = { w, F, DF, J };
  memo.set(key, out);
  return out;
}

function latticeRefLive(name: string, fns: Fns, b: number, ms: number, mb: number, mg: number): { pp: Dec; dd: Dec } {
  const scale = b >= 16 ? b : 2 * b; // max(ms, |mb|, mg) over the grid points with base b (2, or 1 for b ≥ 16): one step per base
  const a = Math.min(1.5 / scale, 3);
  const M = 10 * Math.exp((a * a) / 2) * (1 + scale) ** 2;
  const N = Math.ceil(Math.log((2 * M) / 1e-22) / (2 * Math.PI * a));
  const K = Math.ceil(9.5 * N);
  const { w, F: F0, DF: DF0, J: J0 } = lattice(name, fns, b, N);
  const J = (ms + Math.abs(mb) + mg) * K;
  const F = F0.slice(J0 - J, J0 + J + 1),
    DF = DF0.slice(J0 - J, J0 + J + 1);
  // The double sum in exact integer arithmetic on values rounded to 2^-220 of their largest entry (relative
  // error < 1e-60 per value, far below the rule's 1e-22): W = round(w·2^220), F = round(f·2^eF).
  const big = (x: Dec, e: number): bigint => BigInt(x.mul(new D(2).pow(e)).toFixed(0));
  const expOf = (xs: Dec[]) => {
    let m = new D(0);
    for (const x of xs) if (x.abs().gt(m)) m = x.abs();
    return m.isZero() ? 0 : 220 - Math.ceil(Math.log2(m.toNumber()));
  };
  const eW = 220,
    eF = expOf(F),
    eD = expOf(DF);
  const W = w.map((x) => big(x, eW)),
    FB = F.map((x) => big(x, eF)),
    DB = DF.map((x) => big(x, eD));
  let pp = 0n,
    dd = 0n;
  for (let i = -K; i <= K; i++) {
    let m = 0n,
      md = 0n;
    if (mg === 0) {
      const j = mb * i + J;
      m = FB[j] << BigInt(eW);
      md = DB[j] << BigInt(eW);
    } // γ = 0: v = β z1
    else
      for (let k = -K; k <= K; k++) {
        const j = mb * i + mg * k + J;
        m += W[k + K] * FB[j];
        md += W[k + K] * DB[j];
      }
    pp += W[i + K] * FB[ms * i + J] * m;
    dd += W[i + K] * DB[ms * i + J] * md;
  }
  const back = (x: bigint, e: number) => new D(x.toString()).div(new D(2).pow(e));
  return { pp: back(pp, 2 * eW + 2 * eF), dd: back(dd, 2 * eW + 2 * eD) };
}

/** latticeRefLive through the committed cache of its values (test/support/referenceCache.ts): ≈ 8 s of 50-digit work per run. */
const latticeCache = referenceCache('gelu-softplus-lattice', [new URL(import.meta.url), new URL('../../../test/support/decimalContains.ts', import.meta.url)]);
function latticeRef(name: string, fns: Fns, b: number, ms: number, mb: number, mg: number): { pp: Dec; dd: Dec } {
  const [pp, dd] = latticeCache.get(`${name}:${b}:${ms}:${mb}:${mg}`, () => {
    const r = latticeRefLive(name, fns, b, ms, mb, mg);
    return [r.pp.toString(), r.dd.toString()];
  });
  return { pp: new D(pp), dd: new D(dd) };
}

/** The grid (b, ms, mb, mg): c = ±√(q1q2) (mg = 0), c = 0 (mb = 0), tiny (b = 2^-20, 2^-500) and large (b = 20) q. */
const GRID: [number, number, number, number][] = [
  [1, 1, 1, 1],
  [1, 1, -1, 1],
  [1, 1, 0, 1],
  [1, 2, 1, 1],
  [1, 1, 2, 0],
  [1, 1, -2, 0],
  [1, 0, 0, 1],
  [2 ** -20, 1, 1, 1],
  [2 ** -500, 1, -1, 1],
  [20, 1, 1, 0],
  [20, 1, -1, 0],
];

/** At each GRID point: the covariance (q1, q2, c), the record's dual kernels and the 50-digit lattice reference. */
function* gridDuals(r: ActivationRecord, name: string, fns: Fns) {
  for (const [b, ms, mb, mg] of GRID) {
    const q1 = (ms * b) ** 2,
      c = ms * mb * b * b,
      q2 = (mb * mb + mg * mg) * b * b;
    yield { q1, q2, du: r.dual(q1, q2, c), ref: latticeRef(name, fns, b, ms, mb, mg), tag: `(${q1}, ${q2}, ${c})` };
  }
}

describe('GELU (closed-form dual kernels)', () => {
  it('enclose a 50-digit lattice quadrature on the grid; widths ≤ 4 ulps of the scale', () => {
    const r = geluRecord();
    for (const { q1, q2, du, ref, tag } of gridDuals(r, 'gelu', GELU)) {
      expectDualContains(du, ref, [`E[GELU GELU]${tag}`, `E[GELU' GELU']${tag}`]);
      const scale = Math.max(q1, q2, Number.MIN_VALUE);
      expect(du.phiPhi.hi - du.phiPhi.lo, `width ${tag}`).toBeLessThanOrEqual(4 * 2 ** -52 * scale);
      expect(du.dphiDphi.hi - du.dphiDphi.lo, `width' ${tag}`).toBeLessThanOrEqual(4 * 2 ** -52);
    }
    // c beyond √(q1q2) is clipped to the nearest positive semi-definite covariance
    expectDualContains(r.dual(1, 4, 3), latticeRef('gelu', GELU, 1, 1, 2, 0), ['clipped E[GELU GELU]', "clipped E[GELU' GELU']"]);
  });

  it('huge variances: finite, narrow, and within O(√q) of the ReLU values E[relu(u)²] = q/2, E[1{u > 0}] = 1/2', () => {
    // GELU(t) − relu(t) = −|t|Φ(−|t|) is concentrated on |t| = O(1): at c = q the kernels differ from the ReLU
    // ones by O(√q) and O(1/√q)
    for (const q of [1e6, 1e100, 1e300]) {
      const du = geluRecord().dual(q, q, q);
      expect(Math.abs(du.phiPhi.mid - q / 2)).toBeLessThan(Math.max(Math.sqrt(q), q * 2 ** -50));
      expect(du.phiPhi.hi - du.phiPhi.lo).toBeLessThan(q * 1e-14);
      expect(Math.abs(du.dphiDphi.mid - 0.5)).toBeLessThan(Math.max(1 / Math.sqrt(q), 2 ** -50));
    }
  });

  it('κ = E[GELU(g)²] against a 50-digit 1-D quadrature', () => {
    const ref = latticeRef('gelu', GELU, 1, 1, 1, 0).pp; // γ = 0, u = v = z1
    expectContains(geluRecord().dual(1, 1, 1).phiPhi, ref, 'κ');
    expect(Math.abs(geluRecord().secondMoment - ref.toNumber())).toBeLessThan(1e-15);
  });
});

describe('derivative bounds and integrals used by the interval fold', () => {
  it("GELU and softplus: sup|σ^(k)| and ∫|σ''|, ∫|t||σ''|, ∫|σ'''| are upper bounds (50-digit critical values, dense grid)", () => {
    const phi = (t: number) => Math.exp((-t * t) / 2) / Math.sqrt(2 * Math.PI);
    const sig = (t: number) => 1 / (1 + Math.exp(-t));
    // σ', σ'', σ''' in float64, maxima and integrals (trapezoidal rule, step 1e-4 on [−12, 12]; the tails beyond are < 1e-25)
    const derivs: Record<string, (t: number) => [number, number, number]> = {
      gelu: (t) => [0.5 * (1 + erfApprox(t / Math.SQRT2)) + t * phi(t), phi(t) * (2 - t * t), phi(t) * (t * t * t - 4 * t)],
      softplus: (t) => {
        const p = sig(t),
          d = p * (1 - p);
        return [p, d, d * (1 - 2 * p)];
      },
    };
    for (const [name, rec] of [
      ['gelu', geluRecord()],
      ['softplus', softplusRecord()],
    ] as const) {
      const db = rec.derivativeBounds!;
      const sups = [0, 0, 0]; // max |σ'|, |σ''|, |σ'''| on the grid
      let i2 = 0,
        i2t = 0,
        i3 = 0;
      const h = 1e-4;
      for (let k = -120000; k <= 120000; k++) {
        const t = k * h,
          d = derivs[name](t);
        for (let q = 0; q < 3; q++) sups[q] = Math.max(sups[q], Math.abs(d[q]));
        i2 += h * Math.abs(d[1]);
        i2t += h * Math.abs(t * d[1]);
        i3 += h * Math.abs(d[2]);
      }
      expect(
        sups.every((m, k) => m <= [db.sup1, db.sup2, db.sup3][k]),
        `${name} sups ${sups}`,
      ).toBe(true);
      expect(i2 <= db.l1!.d2 && i2t <= db.l1!.d2t && i3 <= db.l1!.d3, `${name} integrals ${[i2, i2t, i3]}`).toBe(true);
      expect(db.sup0).toBe(Infinity);
    }
    // 50 digits at the critical points: GELU σ'(√2) = Φ(√2) + √2φ(√2), σ''(0) = 2φ(0), |σ'''| at t² = (7 − √33)/2
    const r2 = new D(2).sqrt(),
      g = GELU(r2);
    expect(g.df.lte(exact(GELU_DB().sup1))).toBe(true);
    expect(phiD(new D(0)).mul(2).lte(exact(GELU_DB().sup2))).toBe(true);
    const tc = new D(7).sub(new D(33).sqrt()).div(2).sqrt();
    expect(
      phiD(tc)
        .mul(tc.mul(4).sub(tc.pow(3)))
        .lte(exact(GELU_DB().sup3)),
    ).toBe(true);
    // softplus: |σ'''| = 1/(6√3) at the inflection of σ''
    expect(new D(1).div(new D(3).sqrt().mul(6)).lte(exact(softplusRecord().derivativeBounds!.sup3))).toBe(true);
  });
});

const GELU_DB = () => geluRecord().derivativeBounds!;
/** erf for the float grid above (Abramowitz & Stegun 7.1.26 is too coarse; this is the record-independent series). */
function erfApprox(x: number): number {
  const ax = Math.abs(x);
  if (ax > 6) return Math.sign(x);
  let term = ax,
    sum = ax;
  for (let n = 1; n < 300; n++) {
    term *= (2 * ax * ax) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const r = (2 / Math.sqrt(Math.PI)) * Math.exp(-ax * ax) * sum;
  return x < 0 ? -r : r;
}

describe('GELU limiting fold', () => {
  /** The closed forms of gelu.ts written with asin in 50 digits (the record evaluates them with atan branches). */
  function geluRef(q1: Dec, q2: Dec, c: Dec): { pp: Dec; dd: Dec } {
    const A1 = q1.add(1),
      A2 = q2.add(1),
      Dt = A1.mul(A2).sub(c.mul(c)),
      sD = Dt.sqrt(),
      twoPi = PI.mul(2);
    const P = D.asin(c.div(A1.mul(A2).sqrt()))
      .div(twoPi)
      .add(0.25);
    const pp = c.mul(P).add(q1.mul(q2).mul(Dt).add(c.mul(c)).div(twoPi.mul(A1).mul(A2).mul(sD)));
    const dd = P.add(c.div(twoPi.mul(sD)).mul(new D(1).div(A1).add(new D(1).div(A2)))).add(c.div(twoPi.mul(sD).mul(Dt)));
    return { pp, dd };
  }

  it('encloses a 50-digit fold of the closed forms at data of size 1 and 1e4 (ntk parameterisation, bias); bound ≤ 1e-9 relative at 1e4', () => {
    for (const scale of [1, 1e4]) {
      const x = { rows: 3, cols: 2, data: Float64Array.from([1, 0, 0.6, 0.8, -1, 0.1].map((v) => v * scale)) };
      const arch = { depth: 3, wStd: 1.5, bStd: 0.1 };
      const out = limitingKernels(x, { ...arch, activation: geluRecord(), parameterization: 'ntk' });
      const eps = out.entrywiseBound.absolute;
      const kMax = Math.max(...out.ntk.data.map(Math.abs));
      expect(eps / kMax, `scale ${scale}`).toBeLessThan(scale === 1 ? 1e-13 : 1e-9);
      expectKernelsWithin(out, ntkFoldDecimal(x, arch, geluRef), eps, ` at scale ${scale}`);
    }
  });
});

describe("softplus (certified trapezoidal rule; σ' = sigmoid)", () => {
  it('encloses a 50-digit lattice quadrature on the grid; widths ≤ 1e-12 relative to the scale for q ≤ 400', () => {
    for (const { q1, q2, du, ref, tag } of gridDuals(softplusRecord(), 'softplus', SOFTPLUS)) {
      expectDualContains(du, ref, [`E[sp sp]${tag}`, `E[sig sig]${tag}`]);
      expect(du.phiPhi.hi - du.phiPhi.lo, `width ${tag}`).toBeLessThan(1e-12 * Math.max(1, q1, q2));
      expect(du.dphiDphi.hi - du.dphiDphi.lo, `width' ${tag}`).toBeLessThan(1e-12);
    }
  });

  it('large q beyond the node budget: the ReLU-kernel enclosure contains E[sp(u)]·E[sp(v)] at c = 0 (q = 1024, 1-D, 50 digits)', () => {
    const q = 1024; // s = γ = 32: (2·⌈9/h⌉ + 1)² ≈ 6e6 > 2^22 nodes
    const ref1 = latticeRef('softplus', SOFTPLUS, 32, 1, 0, 0); // E[sp(u)]·sp(0) with u ∼ N(0, 1024): β = γ = 0 ⇒ v ≡ 0
    const mean = ref1.pp.div(new D(2).ln());
    const du = softplusRecord().dual(q, q, 0);
    expectContains(du.phiPhi, mean.mul(mean), 'E[sp]² at q = 1e4');
    expect(du.phiPhi.hi - du.phiPhi.lo).toBeLessThan(1.5); // ≈ 1.3 against a value ≈ q/(2π) ≈ 163
    expectContains(du.dphiDphi, new D(0.25), 'E[sig]² = 1/4');
  });

  it('one variance 0 or tiny, the other huge (c clipped): finite, and narrow where E[e(u)r(v)] has its lower bound', () => {
    // u ≡ 0: E[sp(0)sp(v)] = ln 2·(E[relu(v)] + E[e(v)]), E[relu(v)] = √(q/(2π)), 0 < E[e(v)] ≤ (π²/6)/√(2πq)
    const q = 2 ** 40;
    const du = softplusRecord().dual(0, q, 0);
    const ln2 = new D(2).ln(),
      rel = exact(q).div(PI.mul(2)).sqrt();
    const eMax = PI.pow(2)
      .div(6)
      .div(exact(q).mul(PI.mul(2)).sqrt());
    expect(exact(du.phiPhi.lo).lte(ln2.mul(rel.add(eMax))) && exact(du.phiPhi.hi).gte(ln2.mul(rel))).toBe(true);
    expect(du.phiPhi.hi - du.phiPhi.lo).toBeLessThan(1e-9 * du.phiPhi.hi); // [E[rr], …] alone was [0, 2.9e5]
    // c beyond √(q1q2) with q1 tiny, q2 huge: the sign-function bound of tanh (sigmoid, softplus') used to throw
    for (const [q1, q2, c] of [
      [1e-200, 1e20, 2e-90],
      [1e-200, 1e20, -2e-90],
    ]) {
      for (const r of [softplusRecord(), activationByName('tanh'), activationByName('sigmoid')]) {
        const d = r.dual(q1, q2, c);
        expect([d.phiPhi.lo, d.phiPhi.hi, d.dphiDphi.lo, d.dphiDphi.hi].every(Number.isFinite), `${r.name} (${q1}, ${q2}, ${c})`).toBe(true);
      }
    }
  });

  it('κ = E[softplus(g)²] against a 50-digit 1-D quadrature', () => {
    const ref = latticeRef('softplus', SOFTPLUS, 1, 1, 1, 0).pp;
    expectContains(softplusRecord().dual(1, 1, 1).phiPhi, ref, 'κ');
    expect(Math.abs(softplusRecord().secondMoment - ref.toNumber())).toBeLessThan(1e-13);
  });

  it('the limiting fold accepts both (unbounded σ: growth bound in place of sup|σ|) with small error bounds', () => {
    const x = { rows: 3, cols: 2, data: Float64Array.from([1, 0, 0.6, 0.8, -1, 0.1]) };
    for (const name of ['gelu', 'softplus']) {
      const out = limitingKernels(x, { depth: 3, activation: activationByName(name), parameterization: 'ntk', wStd: 1.5, bStd: 0.1 });
      expect(out.entrywiseBound.absolute, name).toBeLessThan(1e-11);
      expect(out.ntk.data.every(Number.isFinite)).toBe(true);
    }
  });
});
