import { describe, expect, it } from 'vitest';
import { absRelu, apply, derivative, leakyRelu, relu } from './activation.ts';
import {
  abReluDerivativeHermiteCoefficient,
  abReluHermiteCoefficient,
  hermiteNormalized,
  reluDerivativeHermiteCoefficient,
  reluHermiteCoefficient,
  reluHermiteCoefficients,
  reluHermiteTailBound,
} from './hermite.ts';
import { gaussHermite, hermiteCoefficientsQuadrature } from './quadrature.ts';

/** (r−3)!! with (−1)!! = 1. */
function doubleFactorial(k: number): number {
  let p = 1;
  for (let j = k; j > 1; j -= 2) p *= j;
  return p;
}
function factorial(k: number): number {
  let p = 1;
  for (let j = 2; j <= k; j++) p *= j;
  return p;
}

describe('normalised Hermite polynomials', () => {
  it('are orthonormal under N(0,1) (Gauss–Hermite with 60 nodes is exact for degree ≤ 119)', () => {
    const { nodes, weights } = gaussHermite(60);
    for (let r = 0; r <= 25; r += 3)
      for (let s = 0; s <= 25; s += 4) {
        let ip = 0;
        for (let k = 0; k < 60; k++) ip += weights[k] * hermiteNormalized(r, nodes[k]) * hermiteNormalized(s, nodes[k]);
        expect(Math.abs(ip - (r === s ? 1 : 0))).toBeLessThan(1e-12);
      }
  });
  it('match explicit He_r: He_3 = t³ − 3t, He_4 = t⁴ − 6t² + 3', () => {
    const t = 1.3;
    expect(hermiteNormalized(3, t)).toBeCloseTo((t ** 3 - 3 * t) / Math.sqrt(6), 14);
    expect(hermiteNormalized(4, t)).toBeCloseTo((t ** 4 - 6 * t * t + 3) / Math.sqrt(24), 14);
  });
});

describe('ReLU Hermite coefficients (docs/theorems.md#hermite-coefficients-of-relu)', () => {
  it('closed forms match composite quadrature split at the kink, r = 0..20, to 1e-12', () => {
    const muQ = hermiteCoefficientsQuadrature((t) => apply(relu(), t), 21, { breakpoints: [0] });
    const dQ = hermiteCoefficientsQuadrature((t) => derivative(relu(), t), 20, { breakpoints: [0] });
    for (let r = 0; r <= 20; r++) {
      expect(Math.abs(reluHermiteCoefficient(r) - muQ[r])).toBeLessThan(1e-12);
      expect(Math.abs(reluDerivativeHermiteCoefficient(r) - dQ[r])).toBeLessThan(1e-12);
    }
  });

  it('recursion agrees with the factorial formula (−1)^{(r−2)/2}(r−3)!!/(√(2π)√(r!)) and the quoted values', () => {
    for (let r = 2; r <= 30; r += 2) {
      const direct = ((-1) ** ((r - 2) / 2) * doubleFactorial(r - 3)) / (Math.sqrt(2 * Math.PI) * Math.sqrt(factorial(r)));
      expect(Math.abs(reluHermiteCoefficient(r) - direct)).toBeLessThanOrEqual(1e-14 * Math.abs(direct));
    }
    expect(reluHermiteCoefficient(0)).toBeCloseTo(0.398942, 6);
    expect(reluHermiteCoefficient(4)).toBeCloseTo(-0.081434, 6);
    expect(reluHermiteCoefficient(12)).toBeCloseTo(-0.017226, 6);
    expect(reluHermiteCoefficient(2) ** 2).toBeCloseTo(1 / (4 * Math.PI), 15);
    expect(reluHermiteCoefficient(8) ** 2).toBeCloseTo(225 / (80640 * Math.PI), 15);
    expect(reluHermiteCoefficient(7)).toBe(0);
    // large r: finite, no overflow, asymptotics μ_r² r^{5/2} → 1/(√2 π^{3/2})
    const r = 10_000;
    expect(reluHermiteCoefficient(r) ** 2 * r ** 2.5).toBeCloseTo(0.127009, 5);
  });

  it("sum rules: Σ μ_r² = 1/2 within the tail bound, μ_1² = 1/4; Σ μ_r(σ')² = 1/2", () => {
    const R = 2000;
    let s = 0,
      sd = 0;
    for (let r = 0; r <= R; r++) {
      s += reluHermiteCoefficient(r) ** 2;
      sd += reluDerivativeHermiteCoefficient(r) ** 2;
    }
    const tail = reluHermiteTailBound(R);
    expect(0.5 - s).toBeGreaterThanOrEqual(-1e-15);
    expect(0.5 - s).toBeLessThanOrEqual(tail);
    expect(0.5 - s).toBeGreaterThan(tail / 2); // the bound is not loose
    expect(reluHermiteCoefficient(1) ** 2).toBe(0.25);
    // Σ μ_r(σ')² = E[1{g>0}] = 1/2; tail ~ Σ (r+1) μ_{r+1}² ~ r^{−1/2}, so only loose agreement at R = 2000
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.02);
    // the monotonicity the tail bound relies on: μ_r² r^{5/2} decreases with even r (towards 1/(√2π^{3/2}))
    let prev = Infinity;
    for (let r = 2; r <= 4000; r += 2) {
      const v = reluHermiteCoefficient(r) ** 2 * r ** 2.5;
      expect(v).toBeLessThan(prev);
      prev = v;
    }
    expect(prev).toBeGreaterThan(1 / (Math.SQRT2 * Math.PI ** 1.5));
  });

  it("series Σ μ_r² ρ^r and Σ μ_r(σ')² ρ^r equal the arc-cosine closed forms", () => {
    for (const rho of [-0.9, -0.5, 0, 0.3, 0.8, 0.95]) {
      let s = 0,
        sd = 0;
      for (let r = 0; r <= 3000; r++) {
        s += reluHermiteCoefficient(r) ** 2 * rho ** r;
        sd += reluDerivativeHermiteCoefficient(r) ** 2 * rho ** r;
      }
      const th = Math.acos(rho);
      expect(s).toBeCloseTo((Math.sqrt(1 - rho * rho) + (Math.PI - th) * rho) / (2 * Math.PI), 12);
      expect(sd).toBeCloseTo((Math.PI - th) / (2 * Math.PI), 10);
    }
  });

  it("(a,b) family: closed forms vs quadrature, and μ_r(φ') = √(r+1) μ_{r+1}(φ)", () => {
    for (const act of [leakyRelu(0.1), absRelu(), leakyRelu(-0.3)]) {
      const q = hermiteCoefficientsQuadrature((t) => apply(act, t), 12, { breakpoints: [0] });
      const qd = hermiteCoefficientsQuadrature((t) => derivative(act, t), 12, { breakpoints: [0] });
      for (let r = 0; r <= 12; r++) {
        expect(Math.abs(abReluHermiteCoefficient(act, r) - q[r])).toBeLessThan(1e-12);
        expect(Math.abs(abReluDerivativeHermiteCoefficient(act, r) - qd[r])).toBeLessThan(1e-12);
        expect(abReluDerivativeHermiteCoefficient(act, r)).toBeCloseTo(Math.sqrt(r + 1) * abReluHermiteCoefficient(act, r + 1), 14);
      }
    }
  });

  it('plain Gauss–Hermite converges slowly for ReLU (why breakpoints are needed)', () => {
    const { nodes, weights } = gaussHermite(40);
    let mu2 = 0;
    for (let k = 0; k < 40; k++) mu2 += weights[k] * apply(relu(), nodes[k]) * hermiteNormalized(2, nodes[k]);
    expect(Math.abs(mu2 - reluHermiteCoefficient(2))).toBeGreaterThan(1e-6);
  });
});

describe('reluHermiteCoefficients (one pass of the recurrence)', () => {
  it('is bit-identical to reluHermiteCoefficient(r) for every r ≤ R, odd and even R', () => {
    for (const R of [0, 1, 2, 3, 4, 7, 60, 301]) {
      const mu = reluHermiteCoefficients(R);
      expect(mu.length).toBe(R + 1);
      for (let r = 0; r <= R; r++) expect(Object.is(mu[r], reluHermiteCoefficient(r))).toBe(true);
    }
    const big = reluHermiteCoefficients(10, new Float64Array(20));
    for (let r = 0; r <= 10; r++) expect(Object.is(big[r], reluHermiteCoefficient(r))).toBe(true);
  });
  it('feeds reluHermiteTailBound the same μ_R', () => {
    for (const R of [2, 40, 300]) expect(reluHermiteTailBound(R, reluHermiteCoefficients(R)[R])).toBe(reluHermiteTailBound(R));
  });
});
