/**
 * Activation records against independent 50-digit evaluations (decimal.js): the closed forms of erf and the
 * arc-cosine kernels evaluated in decimal, and for tanh / sigmoid a decimal trapezoidal rule with a different
 * step, range and formula (exponentials factored, σ written without tanh) whose own error is < 1e-19.
 */
import { describe, expect, it } from 'vitest';
import { D, type Dec, decimalClone, exact, expectContains, expectDualContains, PI } from '../../../test/support/decimalContains.ts';
import { UserError } from '../../errors.ts';
import { limitingKernels } from '../limiting.ts';
import { erf } from './erf.ts';
import { ACTIVATION_NAMES, activationByName, erfRecord, sigmoidRecord, tanhRecord } from './registry.ts';
import { referenceCache } from '../../../test/support/referenceCache.ts';
import { expectKernelsWithin, ntkFoldDecimal } from '../../../test/support/decimalFold.ts';

const WIDE = decimalClone(1300);

/** Closed forms (Williams 1997); q1q2 − c² is formed exactly (1300 digits hold the product of two doubles). */
function erfRef(q1: Dec, q2: Dec, c: Dec): { pp: Dec; dd: Dec } {
  const s = q1.mul(2).add(1).mul(q2.mul(2).add(1));
  const det = new D(new WIDE(q1).mul(new WIDE(q2)).sub(new WIDE(c).mul(new WIDE(c))));
  const dd = new D(4).div(PI).div(q1.add(q2).mul(2).add(1).add(det.mul(4)).sqrt());
  return { pp: D.asin(c.mul(2).div(s.sqrt())).mul(2).div(PI), dd };
}

/**
 * E[f(u)f(v)], E[f'(u)f'(v)] for f = tanh or the logistic sigmoid by a 50-digit trapezoidal rule on
 * u = s z1, v = β z1 + γ z2: nodes kh, |kh| ≤ 9.5 (omitted mass < 1e-20), h from Trefethen–Weideman for 1e-20.
 * tanh(x) = 1 − 2/(1 + e^{2x}), sech²(x) = 4p(1 − p) with p = 1/(1 + e^{2x}); σ(x) = 1/(1 + e^{−x}), σ' = σ(1 − σ).
 */
function trapRefLive(kind: 'tanh' | 'sigmoid', q1: Dec, q2: Dec, c: Dec): { pp: Dec; dd: Dec } {
  const s = q1.sqrt();
  const beta = q1.isZero() ? new D(0) : c.div(s);
  const g2 = q2.sub(beta.mul(beta));
  const gam = g2.lte(0) ? new D(0) : g2.sqrt();
  const poleScale = kind === 'tanh' ? Math.PI / 4 : Math.PI / 2;
  const stepOf = (scale: number) => {
    const a = scale > 0 ? Math.min(poleScale / scale, 3) : 3;
    return (2 * Math.PI * a) / Math.log((8 * Math.exp((a * a) / 2)) / 1e-20);
  };
  const nodes = (h: number) => {
    const K = Math.ceil(9.5 / h);
    const hD = new D(h);
    const z: Dec[] = [],
      w: Dec[] = [];
    const norm = hD.div(PI.mul(2).sqrt());
    for (let k = -K; k <= K; k++) {
      const zk = hD.mul(k);
      z.push(zk);
      w.push(norm.mul(zk.mul(zk).div(-2).exp()));
    }
    return { z, w };
  };
  const sign = kind === 'tanh' ? 2 : -1; // exponent factor: e^{2x} for tanh, e^{−x} for σ
  const o = nodes(stepOf(Math.max(s.toNumber(), Math.abs(beta.toNumber()))));
  const inn = nodes(stepOf(gam.toNumber()));
  const C = inn.z.map((z) => gam.mul(z).mul(sign).exp());
  let W = new D(0);
  for (const w of inn.w) W = W.add(w);
  let pp = new D(0),
    dd = new D(0);
  for (let i = 0; i < o.z.length; i++) {
    const B = beta.mul(o.z[i]).mul(sign).exp();
    let s1 = new D(0),
      s2 = new D(0);
    for (let k = 0; k < C.length; k++) {
      const p = new D(1).div(B.mul(C[k]).add(1));
      const wp = inn.w[k].mul(p);
      s1 = s1.add(wp);
      s2 = s2.add(wp.mul(p));
    }
    const pf = new D(1).div(s.mul(o.z[i]).mul(sign).exp().add(1));
    if (kind === 'tanh') {
      pp = pp.add(o.w[i].mul(new D(1).sub(pf.mul(2))).mul(W.sub(s1.mul(2))));
      dd = dd.add(o.w[i].mul(pf.mul(new D(1).sub(pf)).mul(4)).mul(s1.sub(s2).mul(4)));
    } else {
      pp = pp.add(o.w[i].mul(pf).mul(s1));
      dd = dd.add(o.w[i].mul(pf.mul(new D(1).sub(pf))).mul(s1.sub(s2)));
    }
  }
  return { pp, dd };
}

/** trapRefLive through the committed cache of its values (test/support/referenceCache.ts): 7.9 s of 50-digit work per run. */
const trapCache = referenceCache('tanh-sigmoid-trapezoid', [new URL(import.meta.url), new URL('../../../test/support/decimalContains.ts', import.meta.url)]);
function trapRef(kind: 'tanh' | 'sigmoid', q1: Dec, q2: Dec, c: Dec): { pp: Dec; dd: Dec } {
  const [pp, dd] = trapCache.get(`${kind}:${q1.toString()}:${q2.toString()}:${c.toString()}`, () => {
    const r = trapRefLive(kind, q1, q2, c);
    return [r.pp.toString(), r.dd.toString()];
  });
  return { pp: new D(pp), dd: new D(dd) };
}

/**
 * Covariances (q1, q2, c) every smooth record's dual kernels are checked at: partial correlation, perfect
 * correlation and anti-correlation (c = ±√(q1q2), the ends of the clipping), unequal variances with c < 0.
 */
const BASIC_COVARIANCES: [number, number, number][] = [
  [1, 1, 0.5],
  [1, 1, 1],
  [1, 1, -1],
  [0.3, 2, -0.7],
];

describe('activation registry', () => {
  it('resolves names and rejects unknown ones with a one-line UserError listing the names', () => {
    expect(activationByName('relu').name).toBe('relu');
    expect(activationByName('leaky-relu:0.1').fn(-2)).toBe(-0.2);
    expect(activationByName('abs').fn(-3)).toBe(3);
    expect(activationByName('identity').deriv(0)).toBe(0); // the (a,b) family convention φ'(0) = 0
    expect(() => activationByName('swish')).toThrow(UserError);
    expect(() => activationByName('swish')).toThrow(ACTIVATION_NAMES.join(', '));
    expect(() => activationByName('leaky-relu:abc')).toThrow(UserError);
  });
});

/**
 * The (a,b)-ReLU dual kernels at unit variances and angle θ (Cho & Saul 2009, the arc-cosine kernels of degree 1
 * and 0, with E[relu(u)relu(−v)] the same kernel at π − θ): J = [(a²+b²)g(π − θ) − 2ab·g(θ)]/(2π),
 * g(t) = sin t − t cos t, and J̇ = [(a²+b²)(π − θ) + 2abθ]/(2π); E[σσ] = √(q1q2)·J, E[σ'σ'] = J̇.
 */
function arcCosine(A: Dec, B: Dec, th: Dec): { J: Dec; Jd: Dec } {
  const p = A.mul(A).add(B.mul(B)),
    m2 = A.mul(B).mul(2);
  const g = (t: Dec) => D.sin(t).sub(t.mul(D.cos(t)));
  const J = p
    .mul(g(PI.sub(th)))
    .sub(m2.mul(g(th)))
    .div(PI.mul(2));
  return { J, Jd: p.mul(PI.sub(th)).add(m2.mul(th)).div(PI.mul(2)) };
}

describe('(a,b)-ReLU records', () => {
  it('enclose the arc-cosine closed forms (Cho & Saul 2009) at 50 digits', () => {
    for (const [name, a, b] of [
      ['relu', 1, 0],
      ['leaky-relu:0.1', 1, 0.1],
      ['abs', 1, -1],
    ] as const) {
      const r = activationByName(name);
      for (const [q1, q2, c] of [
        [1, 2, 0.3],
        [1, 1, 1],
        [0.5, 3, -1.2247448713915889],
        [1e-200, 1e-200, -3e-201],
      ]) {
        const Q1 = exact(q1),
          Q2 = exact(q2),
          C = exact(c);
        const cosT = D.min(1, D.max(-1, C.div(Q1.mul(Q2).sqrt())));
        const { J, Jd } = arcCosine(new D(a), new D(b), D.acos(cosT));
        expectDualContains(r.dual(q1, q2, c), { pp: Q1.mul(Q2).sqrt().mul(J), dd: Jd }, [
          `${name} E[σσ](${q1},${q2},${c})`,
          `${name} E[σ'σ'](${q1},${q2},${c})`,
        ]);
      }
    }
  });
});

describe('(a,b)-ReLU Hermite coefficients', () => {
  it('Mehler series Σ μ_k²ρ^k equals the 50-digit arc-cosine kernel at q = 1 (leaky-relu:0.3)', () => {
    const r = activationByName('leaky-relu:0.3');
    for (const rho of [0.5, -0.5]) {
      let sum = 0;
      for (let k = 0; k < 3000; k++) sum += r.hermite!(k) ** 2 * rho ** k;
      const J = arcCosine(new D(1), exact(0.3), D.acos(new D(rho))).J.toNumber();
      expect(Math.abs(sum - J), `ρ = ${rho}`).toBeLessThan(1e-12);
    }
  });
});

describe('erf', () => {
  it('fn agrees with the 60-digit Maclaurin series to 4 ulps', () => {
    const E = decimalClone(60);
    for (const x of [1e-300, 1e-8, 0.1, 0.5, 1, 2.5, 3, 3.5, 4.2, 5.9, -0.7]) {
      const X = new E(exact(x));
      let term = X,
        sum = X;
      for (let n = 1; n < 400; n++) {
        term = term
          .mul(X)
          .mul(X)
          .neg()
          .mul(2 * n - 1)
          .div(n * (2 * n + 1));
        sum = sum.add(term);
        if (term.abs().lt(new E(10).pow(-70))) break;
      }
      const ref = sum.mul(2).div(E.acos(-1).sqrt());
      expect(
        new E(erf(x))
          .sub(ref)
          .abs()
          .lte(ref.abs().mul(4 * 2 ** -52)),
        `erf(${x})`,
      ).toBe(true);
    }
  });

  it('dual kernels enclose the 50-digit closed forms, incl. c = ±√(q1q2), tiny and huge q, and clipping', () => {
    const r = erfRecord();
    const grid: [number, number, number][] = [
      ...BASIC_COVARIANCES,
      [2, 0.5, 1],
      [1e-300, 1e-300, 1e-300],
      [1e-300, 2, 0],
      [1e300, 1e300, 1e300],
      [1e300, 1e300, -3e299],
      [1e-3, 1e5, 9.99],
      [0, 1, 0],
    ];
    for (const [q1, q2, c] of grid) {
      const du = r.dual(q1, q2, c);
      const ref = erfRef(exact(q1), exact(q2), exact(c));
      expectDualContains(du, ref, [`E[erf erf](${q1},${q2},${c})`, `E[erf' erf'](${q1},${q2},${c})`]);
      // not only valid but tight: a few ulps of the value (or of 1 near ±1)
      expect(du.phiPhi.hi - du.phiPhi.lo, `width at (${q1},${q2},${c})`).toBeLessThan(1e-14);
      expect(du.dphiDphi.hi - du.dphiDphi.lo).toBeLessThan(1e-14 * Math.max(1e-300, ref.dd.toNumber()) + 1e-300);
    }
    // c beyond √(q1q2) is clipped to the nearest positive semi-definite covariance
    expectDualContains(r.dual(1, 4, 3), erfRef(new D(1), new D(4), new D(2)), ['clipped E[erf erf]', "clipped E[erf' erf']"]);
  });

  it('Hermite coefficients: Mehler series Σ c_k²ρ^k equals the 50-digit dual kernel at q = 1', () => {
    const h = erfRecord().hermite!;
    for (const rho of [1, 0.5, -0.9]) {
      let sum = 0;
      for (let k = 0; k < 400; k++) sum += h(k) * h(k) * rho ** k;
      const ref = erfRef(new D(1), new D(1), exact(rho)).pp.toNumber();
      expect(Math.abs(sum - ref), `ρ = ${rho}`).toBeLessThan(1e-14);
    }
    expect(h(2)).toBe(0);
  });

  it('the limiting fold encloses a 50-digit fold of the closed forms (ntk parameterisation, bias)', () => {
    const x = { rows: 3, cols: 2, data: Float64Array.from([1, 0, 0.6, 0.8, -1, 0.1]) };
    const arch = { depth: 3, wStd: 1.5, bStd: 0.1 };
    const out = limitingKernels(x, { ...arch, activation: erfRecord(), parameterization: 'ntk' });
    const eps = out.entrywiseBound.absolute;
    expect(eps).toBeLessThan(1e-12);
    expectKernelsWithin(out, ntkFoldDecimal(x, arch, erfRef), eps, '');
  });
});

describe('tanh and sigmoid (certified trapezoidal rule)', () => {
  it('tanh dual kernels enclose a 50-digit quadrature; widths ≤ 1e-12 for q ≤ 4', () => {
    const r = tanhRecord();
    const grid: [number, number, number][] = [...BASIC_COVARIANCES, [1e-8, 1e-8, 5e-9], [4, 1, 1.9], [1e-300, 1, 0]];
    for (const [q1, q2, c] of grid) {
      const du = r.dual(q1, q2, c);
      expectDualContains(du, trapRef('tanh', exact(q1), exact(q2), exact(c)), [`E[tanh tanh](${q1},${q2},${c})`, `E[sech² sech²](${q1},${q2},${c})`]);
      expect(du.phiPhi.hi - du.phiPhi.lo).toBeLessThan(1e-12);
      expect(du.dphiDphi.hi - du.dphiDphi.lo).toBeLessThan(1e-12);
    }
    // κ = E[tanh(g)²]
    expectContains(r.dual(1, 1, 1).phiPhi, trapRef('tanh', new D(1), new D(1), new D(1)).pp, 'κ');
    expect(Math.abs(r.secondMoment - trapRef('tanh', new D(1), new D(1), new D(1)).pp.toNumber())).toBeLessThan(1e-13);
  });

  it('huge q: the enclosure stays valid (independent coordinates: E[tanh]·E[tanh] = 0)', () => {
    const du = tanhRecord().dual(1e6, 1e6, 0);
    expect(du.phiPhi.contains(0)).toBe(true);
    expect(du.dphiDphi.lo).toBeLessThanOrEqual(1e-3 ** 2 * 0.64); // E[sech²(u)] ≈ 2/√(2πq): the product ≈ 6.4e-7
  });

  it('sigmoid dual kernels (via tanh) enclose a 50-digit quadrature of σ itself', () => {
    const r = sigmoidRecord();
    for (const [q1, q2, c] of [
      [1, 2, 0.8],
      [0.5, 0.5, -0.5],
    ] as [number, number, number][]) {
      const du = r.dual(q1, q2, c);
      expectDualContains(du, trapRef('sigmoid', exact(q1), exact(q2), exact(c)), [`E[σσ](${q1},${q2},${c})`, `E[σ'σ'](${q1},${q2},${c})`]);
      expect(du.phiPhi.hi - du.phiPhi.lo).toBeLessThan(1e-12);
    }
  });
});

describe('interval fold: the Frobenius reduction of the entry radii', () => {
  it('bounds ‖K − K_exact‖_F when the squared radii underflow (erf, depth 1, data of order 3e-74)', () => {
    // Depth 1: the exact kernel is the Gram matrix XXᵀ of the stored doubles, formed here in 60 digits.
    let s = 12345;
    const rnd = () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648 - 0.5;
    };
    const n = 60,
      d = 3;
    const data = new Float64Array(n * d).map(() => rnd() * 6e-74);
    const out = limitingKernels({ rows: n, cols: d, data }, { depth: 1, activation: erfRecord() });
    const D60 = decimalClone(60);
    let f = new D60(0);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let e = new D60(0);
        for (let k = 0; k < d; k++) e = e.add(new D60(exact(data[i * d + k]).toString()).mul(new D60(exact(data[j * d + k]).toString())));
        const diff = new D60(exact(out.ntk.data[i * n + j]).toString()).sub(e);
        f = f.add(diff.mul(diff));
      }
    // Without the underflow term of the squares the bound was 2.2e-162 against an actual 2.7e-162.
    expect(f.sqrt().lte(new D60(exact(out.ntkErrorBound).toString())), `‖ΔK‖_F = ${f.sqrt().toSignificantDigits(6)} > ${out.ntkErrorBound}`).toBe(true);
  });
});
