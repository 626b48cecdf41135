import { describe, expect, it } from 'vitest';
import { createRng, gaussian } from '../random/rng.ts';
import {
  type Activation,
  absRelu,
  apply,
  derivative,
  dualExpectations,
  dualKernel,
  dualKernelDerivative,
  leakyRelu,
  relu,
  secondMoment,
  sinMinusThetaCos,
} from './activation.ts';

const ACTS: Activation[] = [relu(), leakyRelu(0.1), absRelu(), leakyRelu(-0.5), { kind: 'ab-relu', a: 2, b: 0.7, name: 'ab(2,0.7)' }];

/**
 * Monte Carlo estimate of E[φ(u)φ(v)] and E[φ'(u)φ'(v)] for (u, v) ∼ N(0, [[q1, c], [c, q2]]), with
 * standard errors. Built from two independent standard normals, u = √q1 z1, v = √q2 (ρ z1 + √(1−ρ²) z2).
 */
function monteCarlo(act: Activation, q1: number, q2: number, c: number, n: number, seed: string) {
  const rng = createRng(seed);
  const rho = q1 > 0 && q2 > 0 ? c / Math.sqrt(q1 * q2) : 0;
  const s = Math.sqrt(Math.max(0, 1 - rho * rho));
  let m1 = 0,
    m2 = 0,
    d1 = 0,
    d2 = 0;
  for (let k = 0; k < n; k++) {
    const z1 = gaussian(rng),
      z2 = gaussian(rng);
    const u = Math.sqrt(q1) * z1,
      v = Math.sqrt(q2) * (rho * z1 + s * z2);
    const f = apply(act, u) * apply(act, v);
    const g = derivative(act, u) * derivative(act, v);
    m1 += f;
    m2 += f * f;
    d1 += g;
    d2 += g * g;
  }
  const mf = m1 / n,
    mg = d1 / n;
  return { phiPhi: mf, sePhi: Math.sqrt(Math.max(0, m2 / n - mf * mf) / n), dphi: mg, seDphi: Math.sqrt(Math.max(0, d2 / n - mg * mg) / n) };
}

describe('(a,b)-ReLU activations', () => {
  it("pointwise values and the φ'(0) = 0 convention", () => {
    expect(apply(relu(), -2) === 0).toBe(true); // ±0
    expect(apply(relu(), 3)).toBe(3);
    expect(apply(leakyRelu(0.1), -2)).toBeCloseTo(-0.2, 15);
    expect(apply(absRelu(), -2)).toBe(2);
    for (const act of ACTS) expect(derivative(act, 0)).toBe(0);
    expect(derivative(absRelu(), -1)).toBe(-1);
  });

  it('g(θ) = sin θ − θ cos θ: series branch agrees with the direct formula away from 0 and is relatively accurate near 0', () => {
    for (const t of [0.3, 0.7, 0.99]) {
      const direct = Math.sin(t) - t * Math.cos(t);
      expect(Math.abs(sinMinusThetaCos(t) - direct)).toBeLessThan(1e-15);
    }
    // Near 0 the first term θ³/3 dominates: g(1e-5)·3/θ³ = 1 − θ²/10 + …
    const t = 1e-5;
    expect(sinMinusThetaCos(t) / (t ** 3 / 3)).toBeCloseTo(1 - (t * t) / 10, 15);
    // Continuity across the branch point θ = 1.
    expect(Math.abs(sinMinusThetaCos(1 - 1e-12) - sinMinusThetaCos(1))).toBeLessThan(1e-12);
  });

  it('J(0) = J̇(0) = κ = (a²+b²)/2, and the two written forms of J, J̇ agree', () => {
    for (const act of ACTS) {
      const { a, b } = act;
      const k = secondMoment(act);
      expect(dualKernel(act, 0)).toBeCloseTo(k, 14);
      expect(dualKernelDerivative(act, 0)).toBeCloseTo(k, 14);
      for (const th of [0.1, 1, 2, 3, Math.PI]) {
        const jClosedForm = a * b * Math.cos(th) + ((a - b) ** 2 * (Math.sin(th) + (Math.PI - th) * Math.cos(th))) / (2 * Math.PI);
        const jdClosedForm = a * b + ((a - b) ** 2 * (Math.PI - th)) / (2 * Math.PI);
        expect(dualKernel(act, th)).toBeCloseTo(jClosedForm, 14);
        expect(dualKernelDerivative(act, th)).toBeCloseTo(jdClosedForm, 14);
      }
    }
    // ReLU: 2J, 2J̇ are the arc-cosine formulas of docs/conventions.md#relu-closed-forms.
    const th = 1.234;
    expect(2 * dualKernel(relu(), th)).toBeCloseTo((Math.sin(th) + (Math.PI - th) * Math.cos(th)) / Math.PI, 15);
    expect(2 * dualKernelDerivative(relu(), th)).toBeCloseTo((Math.PI - th) / Math.PI, 15);
  });

  it('dual kernels match Monte Carlo (random 2×2 PSD covariances, ρ = ±1, near ±1, zero-norm rows) within 5 standard errors', () => {
    const rng = createRng('dual-cases');
    const cases: [number, number, number][] = [];
    for (let k = 0; k < 4; k++) {
      // random PSD: A = B Bᵀ, B 2×2 Gaussian
      const b11 = gaussian(rng),
        b12 = gaussian(rng),
        b21 = gaussian(rng),
        b22 = gaussian(rng);
      cases.push([b11 * b11 + b12 * b12, b21 * b21 + b22 * b22, b11 * b21 + b12 * b22]);
    }
    cases.push([2, 0.5, 1], [2, 0.5, -1], [1, 1, 1 - 1e-9], [1, 1, -1 + 1e-9], [0, 3, 0], [2, 0, 0], [0, 0, 0]);
    const n = 60_000;
    cases.forEach(([q1, q2, c], idx) => {
      for (const act of [relu(), leakyRelu(0.2), absRelu()]) {
        const exact = dualExpectations(act, q1, q2, c);
        const mc = monteCarlo(act, q1, q2, c, n, `mc/${idx}/${act.name}`);
        // Near ρ = ±1 the rare event (sign disagreement, probability θ/π) may not occur in n draws, and the
        // sample variance is then 0: add the rule-of-three floor 3/n times the largest |φ'φ'| (resp. |φφ|-scale).
        const big = Math.max(act.a * act.a, act.b * act.b);
        expect(Math.abs(exact.phiPhi - mc.phiPhi)).toBeLessThanOrEqual(5 * mc.sePhi + (3 / n) * big * Math.sqrt(q1 * q2) + 1e-12);
        expect(Math.abs(exact.dphiDphi - mc.dphi)).toBeLessThanOrEqual(5 * mc.seDphi + (6 / n) * big + 1e-12);
      }
    });
  });
});
