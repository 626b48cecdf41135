/**
 * Hermite coefficients of every activation record against an independent 50-digit reference.
 *
 * test/fixtures/hermite/reference.json was made by `python3 scripts/hermite-reference.py` (mpmath, 70 working digits,
 * 60-point Gauss–Legendre on each unit interval of [−24, 24]; the script states its error bound): μ_r for r = 0..80 and
 * κ = E[σ(g)²] of tanh, sigmoid, softplus, erf, GELU and ReLU. The records compute them differently (closed forms;
 * trapezoidal rule with exact BigInt Hermite values), so agreement checks both. Consistency checks that need no fixture:
 * Parseval Σ_r μ_r² = κ with a rigorous tail bound, and Mehler's E[σ(u)σ(v)] = Σ_r μ_r²ρ^r against the record's `dual`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Dec, Dm, exactDec } from '../../../test/kernelReference.ts';
import { type Interval, interval } from '../../linalg/interval.ts';
import { reluHermiteTailBound } from '../hermite.ts';
import {
  R_QUADRATURE,
  SIGMOID_HERMITE_SPEC,
  SOFTPLUS_HERMITE_SPEC,
  TANH_HERMITE_SPEC,
  discretisationBound,
  geluHermite,
  hermiteTailBound,
  trapezoidalHermiteSums,
  truncationBound,
} from './hermiteCoefficients.ts';
import { type ActivationRecord, activationByName } from './registry.ts';

interface Reference {
  R: number;
  values: Record<string, { mu: string[]; kappa: string }>;
}
const REF = JSON.parse(readFileSync(new URL('../../../test/fixtures/hermite/reference.json', import.meta.url), 'utf8')) as Reference;

/** The (a,b)-ReLU family from the ReLU reference: μ_r = b·[r = 1] + (a − b)·μ_r(ReLU). */
const AB: Record<string, [number, number]> = { relu: [1, 0], 'leaky-relu:0.1': [1, 0.1], abs: [1, -1], identity: [1, 1] };

function referenceMu(name: string, r: number): Dec {
  const ab = AB[name];
  if (!ab) return new Dm(REF.values[name].mu[r]);
  const v = new Dm(REF.values.relu.mu[r]).mul(exactDec(ab[0]).sub(exactDec(ab[1])));
  return r === 1 ? v.add(exactDec(ab[1])) : v;
}

const contains = (e: Interval, v: Dec): boolean => exactDec(e.lo).lte(v) && v.lte(exactDec(e.hi));

const NAMES = ['relu', 'leaky-relu:0.1', 'abs', 'identity', 'erf', 'gelu', 'tanh', 'sigmoid', 'softplus'];

describe('hermiteEnclosure of every record', () => {
  it('contains the 50-digit reference for r = 0..80, and is narrow', () => {
    expect(REF.R).toBe(80);
    for (const name of NAMES) {
      const rec = activationByName(name);
      let worst = 0;
      for (let r = 0; r <= REF.R; r++) {
        const e = rec.hermiteEnclosure(r),
          ref = referenceMu(name, r);
        if (!contains(e, ref)) throw new Error(`${name}: μ_${r} = ${ref.toString()} ∉ [${e.lo}, ${e.hi}]`);
        if (r <= R_QUADRATURE) worst = Math.max(worst, e.hi - e.lo);
      }
      // closed forms: relative (3r + 10)u of μ_r ≤ 1 at most; quadrature: the interval sum of 209 symmetric node pairs
      expect(worst, name).toBeLessThan(rec.kind === 'smooth' && name !== 'gelu' ? 5e-14 : 4e-15);
    }
  });

  it('quadrature records: widths per coefficient, and the Parseval bound beyond r = 64 is what it claims', () => {
    for (const name of ['tanh', 'sigmoid', 'softplus']) {
      const rec = activationByName(name);
      const e1 = rec.hermiteEnclosure(name === 'softplus' ? 2 : 1);
      expect(e1.hi - e1.lo).toBeLessThan(5e-14);
      // beyond the table: one symmetric interval for every r (odd coefficients for tanh, sigmoid; even for softplus)
      const r = name === 'softplus' ? 66 : 65;
      const t = rec.hermiteEnclosure(r);
      expect(t.lo).toBe(-t.hi);
      expect(rec.hermiteEnclosure(r + 1000).hi).toBe(t.hi);
      expect(rec.hermiteEnclosure(r + 1001).hi).toBe(0);
      // √(κ − Σ_{k ≤ 64} μ_k²): the tail is small because the coefficients decay like e^{−c√r}
      expect(t.hi).toBeLessThan(name === 'tanh' ? 1e-5 : 1e-3);
    }
  });

  it('the discretisation bound holds at coarse steps h = 1, 1/2, where the rule is visibly inexact', () => {
    // the records use h = 1/16, where the bound (≤ 1e-30) is far below the rounding; at h = 1 the rule errs by 1e-3
    // (tanh, r = 1), and every |sum − reference| stays below the Trefethen–Weideman bound (by a factor ≥ 300, measured)
    for (const spec of [TANH_HERMITE_SPEC, SIGMOID_HERMITE_SPEC, SOFTPLUS_HERMITE_SPEC]) {
      for (const s of [0, 1]) {
        const sums = trapezoidalHermiteSums(spec, s, 64);
        for (let r = 0; r <= 64; r++) {
          const b = discretisationBound(spec, r, 2 ** -s) + truncationBound(spec);
          const e = sums[r].add(interval(-b, b));
          if (!contains(e, new Dm(REF.values[spec.key].mu[r]))) throw new Error(`${spec.key}, h = 2^-${s}, r = ${r}: the bound ${b} is too small`);
        }
      }
    }
    const t1 = trapezoidalHermiteSums(TANH_HERMITE_SPEC, 0, 1)[1];
    expect(Math.abs(t1.mid - Number(REF.values.tanh.mu[1]))).toBeGreaterThan(1e-3);
  });

  it('closed forms agree with the direct formulas at large r (GELU: (2m − 3)!! by BigInt; erf, ReLU: finite and decaying)', () => {
    // GELU: μ_{2m} = (−1)^{m−1}(2m + 1)(2m − 3)!!/(2^{m+1}√π√((2m)!)), evaluated at 50 digits without the recurrence
    for (const m of [1, 2, 7, 40, 150]) {
      let dfac = 1n,
        fac = 1n;
      for (let j = 2 * m - 3; j > 1; j -= 2) dfac *= BigInt(j);
      for (let j = 2; j <= 2 * m; j++) fac *= BigInt(j);
      const direct = new Dm(dfac.toString())
        .mul(2 * m + 1)
        .div(new Dm(2).pow(m + 1))
        .div(new Dm(-1).acos().sqrt())
        .div(new Dm(fac.toString()).sqrt())
        .mul(m % 2 === 1 ? 1 : -1);
      const e = activationByName('gelu').hermiteEnclosure(2 * m);
      expect(contains(e, direct), `m = ${m}`).toBe(true);
      expect(geluHermite(2 * m + 1)).toBe(0);
    }
    for (const name of ['relu', 'erf', 'gelu']) {
      const e = activationByName(name).hermiteEnclosure(10_000);
      expect(Number.isFinite(e.lo) && Number.isFinite(e.hi) && e.hi - e.lo <= 1e-12).toBe(true);
    }
  });

  it('every record rejects r that is not an integer ≥ 0 (r = −2 is no even coefficient of erf)', () => {
    for (const name of NAMES) {
      const rec = activationByName(name);
      for (const r of [-2, -1, 0.5, Number.NaN]) expect(() => rec.hermiteEnclosure(r), `${name}, r = ${r}`).toThrow(RangeError);
    }
  });
});

/** Σ_{r ≤ R} μ_r²ρ^r in interval arithmetic. */
function mehlerSum(rec: ActivationRecord, R: number, rho: number): { sum: Interval; sumSqLo: number } {
  let sum = interval(0),
    sumSqLo = 0;
  let p = interval(1);
  for (let r = 0; r <= R; r++) {
    const m = rec.hermiteEnclosure(r).abs();
    const m2 = m.mul(m);
    sum = sum.add(m2.mul(p));
    sumSqLo += m2.lo * (1 - 1e-15);
    p = p.mul(rho);
  }
  return { sum, sumSqLo };
}

/** Σ_{r > R} μ_r², a rigorous bound: ReLU family (hermite.ts), smooth records via sup|σ'''| (hermiteTailBound). */
function tailBound(rec: ActivationRecord, R: number): number {
  const ab = AB[rec.name];
  if (ab) return (ab[0] - ab[1]) ** 2 * reluHermiteTailBound(R) * (1 + 1e-12);
  const b = rec.derivativeBounds!;
  return hermiteTailBound(R, 3, b.sup3);
}

describe('consistency with the dual kernels (no fixture)', () => {
  it("Parseval: Σ_{r ≤ 64} μ_r² ≤ κ ≤ Σ_{r ≤ 64} μ_r² + tail, κ from the record's dual(1, 1, 1) and from the reference", () => {
    for (const name of NAMES) {
      const rec = activationByName(name);
      const kappa = rec.dual(1, 1, 1).phiPhi;
      const { sum } = mehlerSum(rec, 64, 1);
      const tail = tailBound(rec, 64);
      expect(sum.lo, name).toBeLessThanOrEqual(kappa.hi);
      expect(kappa.lo, name).toBeLessThanOrEqual(sum.hi + tail);
      if (name in REF.values) expect(contains(interval(sum.lo, sum.hi + tail), new Dm(REF.values[name].kappa)), name).toBe(true);
    }
  });

  it('Mehler: E[σ(u)σ(v)] = Σ_r μ_r²ρ^r at unit variances, ρ ∈ {−1, −0.9, −0.3, 0.5, 0.9}', () => {
    for (const name of NAMES) {
      const rec = activationByName(name);
      const kappaHi = rec.dual(1, 1, 1).phiPhi.hi;
      for (const rho of [-1, -0.9, -0.3, 0.5, 0.9]) {
        const { sum, sumSqLo } = mehlerSum(rec, 64, rho);
        // |Σ_{r > 64} μ_r²ρ^r| ≤ |ρ|^65·min(κ − Σ_{r ≤ 64} μ_r², tail bound)
        const tail = Math.abs(rho) ** 65 * Math.min(kappaHi - sumSqLo, tailBound(rec, 64)) * (1 + 1e-12) + 1e-300;
        const d = rec.dual(1, 1, rho).phiPhi;
        const lo = sum.lo - tail,
          hi = sum.hi + tail;
        if (!(d.lo <= hi && lo <= d.hi)) throw new Error(`${name}, ρ = ${rho}: dual [${d.lo}, ${d.hi}] vs Σμ²ρ^r [${lo}, ${hi}]`);
        // the comparison has teeth: both sides narrow where the tail is
        if (Math.abs(rho) <= 0.9) expect(hi - lo, `${name} ${rho}`).toBeLessThan(Math.abs(rho) <= 0.5 ? 1e-9 : 1e-6);
      }
    }
  });
});
