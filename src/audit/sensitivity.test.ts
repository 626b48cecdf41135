import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromRows, type Matrix } from '../linalg/matrix.ts';
import { searchTheorem } from '../search/search.ts';
import { evaluate } from '../theorem/verdict.ts';
import { type AuditDescriptor, defineBound, evaluateSide, type InstanceSpace, SENSITIVITY_SAMPLES } from './defineBound.ts';
import { interval, type Interval } from '../linalg/interval.ts';
import type { AuditInstance, Quantities } from './quantities.ts';

/**
 * Rounding sensitivity of proposals (defineBound.ts): a TRUE bound whose author computes the
 * arc-cosine kernel with Math.acos on the diagonal must never be refuted (the cosine x_i·x_i/‖x_i‖²
 * rounds to 1 − 2^-52 or so, and acos turns that into an angle of ~1.5e-8), a FALSE bound must still
 * be refuted, and the same bound written with the interval arithmetic gets a rigorous error.
 *
 * The bound: λ_min(K^(2)) ≤ min_i K^(2)_ii. TRUE for every data set (Rayleigh quotient at e_i), with
 * EQUALITY at N = 1. With c_σ = 2 and no biases (Nguyen–Mondelli–Montúfar 2021, arXiv 2012.11654,
 * eqs. (9)–(10); src/ntk/limiting.ts), θ_ij = arccos(x_i·x_j/(‖x_i‖‖x_j‖)),
 *   G^(2)_ij = (‖x_i‖‖x_j‖/π)(sin θ + (π − θ) cos θ),   Ġ^(2)_ij = (π − θ)/π,   K^(2) = G^(2) + G^(1)∘Ġ^(2),
 * so K^(2)_ii = 2‖x_i‖² exactly (θ_ii = 0); the proposal evaluates the textbook formula instead.
 */

const dot = (X: Matrix, i: number, j: number) => {
  let s = 0;
  for (let k = 0; k < X.cols; k++) s += X.data[i * X.cols + k] * X.data[j * X.cols + k];
  return s;
};

/** min_i K^(2)_ii by the textbook formula in floating point (the cosine clamped to [−1, 1]). */
function diagK2Float(X: Matrix): number {
  let best = Infinity;
  for (let i = 0; i < X.rows; i++) {
    const s = dot(X, i, i);
    const c = Math.min(1, Math.max(-1, s / (Math.sqrt(s) * Math.sqrt(s))));
    const th = Math.acos(c);
    const g2 = (s / Math.PI) * (Math.sin(th) + (Math.PI - th) * Math.cos(th));
    best = Math.min(best, g2 + s * ((Math.PI - th) / Math.PI));
  }
  return best;
}

/** The same with the interval arithmetic (sin θ = √(1 − cos²θ) on [0, π]). */
function diagK2Interval(X: Matrix): Interval {
  let best: Interval | undefined;
  const pi = interval.PI;
  for (let i = 0; i < X.rows; i++) {
    let s = interval(0);
    for (let k = 0; k < X.cols; k++) s = s.add(interval(X.data[i * X.cols + k]).pow(2));
    const n = s.sqrt();
    const c = s.div(n.mul(n));
    const th = c.acos();
    const sin = interval(1).sub(c.pow(2)).sqrt();
    const cos = c.min(1);
    const g2 = s.div(pi).mul(sin.add(pi.sub(th).mul(cos)));
    const k = g2.add(s.mul(pi.sub(th).div(pi)));
    best = best ? best.min(k) : k;
  }
  return best!;
}

// The reverse (false) inequality is tested on continuous data only: for Rademacher data an antipodal
// pair x_j = −x_i has K^(2)_ij = 0 (θ = π) and can make it hold with equality.
const space = (n: [number, number], relation: '<=' | '>='): InstanceSpace => ({
  n,
  d: [2, 24],
  depth: [2, 2],
  data: relation === '<=' ? ['unit-sphere', 'gaussian', 'rademacher', 'sqrt-d-sphere'] : ['unit-sphere', 'gaussian', 'sqrt-d-sphere'],
});
const floatBound = (n: [number, number], relation: '<=' | '>=' = '<=', factor = 1) =>
  defineBound({
    id: `acos.float.${relation === '<=' ? 'le' : 'ge'}`,
    statement: 'λ_min(K^(2)) ≤ min_i K^(2)_ii',
    instances: space(n, relation),
    lhs: (q) => q.lambdaMinNTK,
    relation,
    rhs: (q) => factor * diagK2Float(q.X),
  });
const intervalBound = (n: [number, number], relation: '<=' | '>=' = '<=') =>
  defineBound({
    id: `acos.interval.${relation === '<=' ? 'le' : 'ge'}`,
    statement: 'λ_min(K^(2)) ≤ min_i K^(2)_ii',
    instances: space(n, relation),
    lhs: (q) => q.interval('lambdaMinNTK'),
    relation,
    rhs: (q) => diagK2Interval(q.X),
  });

function verdicts(t: ReturnType<typeof defineBound>, seed: number, runs: number): Record<string, number> {
  const c: Record<string, number> = {};
  for (const d of fc.sample(t.descriptors, { seed, numRuns: runs })) {
    const v = evaluate(t, d as AuditDescriptor).outcome.verdict;
    c[v] = (c[v] ?? 0) + 1;
  }
  return c;
}

/** Exact ‖x‖² of a row (decimal.js at 400 digits: the squares and the sum of ≤ 24 doubles of this data are exact there). */
function exactNormSq(X: Matrix, i: number): Decimal {
  const D = Decimal.clone({ precision: 400 });
  let s = new D(0);
  for (let k = 0; k < X.cols; k++) {
    const v = X.data[i * X.cols + k];
    // v as an exact decimal: v = m·2^e with integer m.
    let e = Math.floor(Math.log2(Math.abs(v) || 1)) - 52,
      m = v / 2 ** e;
    while (!Number.isInteger(m)) m = v / 2 ** --e;
    const ex = new D(BigInt(m).toString()).times(new D(2).pow(e));
    s = s.plus(ex.times(ex));
  }
  return s;
}

describe('rounding sensitivity: Math.acos on the diagonal', () => {
  it('a TRUE bound written with Math.acos is never refuted at N = 1 (equality) nor N = 2–8', () => {
    const one = verdicts(floatBound([1, 1]), 1, 300);
    expect(one.violated ?? 0).toBe(0);
    expect(one.inconclusive).toBeGreaterThan(0); // equality within rounding: the sides tie
    const few = verdicts(floatBound([2, 8]), 2, 200);
    expect(few.violated ?? 0).toBe(0);
    expect(few.holds).toBeGreaterThan(100);
    // Random + shrinking + targeted search (which drives the margin down) finds no counterexample.
    const run = searchTheorem(floatBound([1, 8]), { seed: 'acos', numRuns: 200, targetedSteps: 150 });
    expect(run.counts.violated).toBe(0);
    expect(run.status).not.toBe('violated');
  }, 60_000);

  it('a FALSE bound is still refuted: the reverse inequality (N ≥ 2), and a 10⁻⁶ relative deficit at N = 1', () => {
    // λ_min(K^(2)) ≥ min_i K^(2)_ii is false whenever an off-diagonal entry is nonzero (almost surely, on this data).
    const rev = verdicts(floatBound([2, 8], '>='), 3, 150);
    expect(rev.violated).toBe(150);
    // λ_min(K^(2)) ≤ (1 − 10⁻⁶)·K^(2)_11 at N = 1 is false by 2·10⁻⁶‖x‖², two orders of magnitude above
    // the acos rounding (~10⁻⁸ relative): the sensitivity estimate must not swallow it.
    const tight = verdicts(floatBound([1, 1], '<=', 1 - 1e-6), 4, 150);
    expect(tight.violated).toBe(150);
  }, 60_000);

  it('the same proposal with interval arithmetic: a rigorous error that contains the exact K^(2)_11 = 2‖x‖²', () => {
    const t = intervalBound([1, 8]);
    const run = searchTheorem(t, { seed: 'acos-interval', numRuns: 150, targetedSteps: 50 });
    expect(run.counts.violated).toBe(0);
    const one = intervalBound([1, 1]);
    for (const d of fc.sample(one.descriptors, { seed: 5, numRuns: 40 })) {
      const inst = one.materialize(d as AuditDescriptor);
      const r = evaluateSide((q: Quantities) => diagK2Interval(q.X), inst, 'rhs');
      expect(r.arithmetic).toBe('interval');
      expect(r.sensitivity).toBeUndefined();
      const exact = exactNormSq(inst.x, 0).times(2);
      expect(exact.minus(r.value).abs().lte(r.error)).toBe(true);
      expect(r.error).toBeLessThan(1e-6 * r.value); // and not vacuous
    }
    // Teeth: the reverse (false) inequality written with intervals is refuted.
    expect(verdicts(intervalBound([2, 8], '>='), 6, 60).violated).toBe(60);
  }, 60_000);
});

describe('rounding sensitivity: mechanics', () => {
  const inst = (): AuditInstance => ({
    x: fromRows([
      [0.6, 0.8, 1e-3],
      [0.3, -0.1, 2],
    ]),
    depth: 2,
    widths: [16],
    init: 'standard',
    netSeed: '1',
    data: 'points',
    normalize: 'none',
  });

  it('never mutates the instance, restores Math, is deterministic, and leaves exact zeros and integers alone', () => {
    const i = inst();
    const bits = Array.from(new Uint32Array(i.x.data.buffer));
    const acos = Math.acos;
    const seen: number[] = [];
    const side = (q: Quantities) => {
      seen.push(q.X.data[0], q.N);
      return Math.acos(Math.min(1, dot(q.X, 0, 0) / Math.sqrt(dot(q.X, 0, 0)) ** 2)) + q.lambdaMinNTK;
    };
    const a = evaluateSide(side, i, 'lhs');
    expect(Array.from(new Uint32Array(i.x.data.buffer))).toEqual(bits);
    expect(Math.acos).toBe(acos);
    // The copies of X differ from X by 1–2 ulps (relative (1–4)u); N stays exact.
    const x0 = 0.6;
    for (let k = 0; k < seen.length; k += 2) {
      expect(Math.abs(seen[k] - x0) / x0).toBeLessThanOrEqual(4 * 2 ** -53);
      expect(seen[k + 1]).toBe(2);
    }
    expect(seen.filter((_, k) => k % 2 === 0 && seen[k] !== x0).length).toBe(SENSITIVITY_SAMPLES);
    // Seeded from the instance: a fresh copy of it gives the same estimate.
    const b = evaluateSide(side, inst(), 'lhs');
    expect(b.error).toBe(a.error);
    expect(a.sensitivity).toBeGreaterThan(0);
    // A side that fails only a few ulps away is unstable (infinite error), and Math is restored.
    let calls = 0;
    const boom = evaluateSide(
      () =>
        ++calls > 1
          ? (() => {
              throw new Error('boom');
            })()
          : Math.sqrt(2),
      inst(),
      'lhs',
    );
    expect(boom.error).toBe(Infinity);
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: the test pins the exact double Math.sqrt(2) returns
    expect(Math.sqrt(2)).toBe(1.4142135623730951);
    expect(Math.acos).toBe(acos);
  });

  it('is measured only when it could matter: not for a holds far beyond the error bound', () => {
    let calls = 0;
    /** λ_min(K) against 1000·Σ‖x_i‖², far beyond the error bound either way; counts the evaluations of the lhs. */
    const counted = (id: string, relation: '<=' | '>=') =>
      defineBound({
        id,
        statement: 's',
        instances: { n: [3, 3], d: [2, 2] },
        lhs: (q) => (calls++, q.lambdaMinNTK),
        relation,
        rhs: (q) => 1e3 * q.sumNormSq,
      });
    const t = counted('far', '<=');
    const d = fc.sample(t.descriptors, { seed: 1, numRuns: 1 })[0];
    expect(evaluate(t, d).outcome.verdict).toBe('holds');
    expect(calls).toBe(3); // midpoint + 2 corners of λ_min
    calls = 0;
    const f = counted('near', '>=');
    expect(evaluate(f, d).outcome.verdict).toBe('violated');
    expect(calls).toBe(3 + SENSITIVITY_SAMPLES);
  });

  it('q.interval: enclosures by name, recorded among the quantities; unknown names are errors', () => {
    const i = inst();
    const r = evaluateSide((q) => q.interval('lambdaMinNTK').add(q.interval('mu(1)')).mul(q.interval('N')), i, 'lhs');
    expect(r.arithmetic).toBe('interval');
    expect(Object.keys(r.quantities).sort()).toEqual(['lambdaMinNTK', 'mu(1)']);
    expect(r.corners).toBe(0);
    expect(() => evaluateSide((q) => q.interval('nope' as never), i, 'lhs')).toThrow(/unknown quantity "nope"/);
    // A point interval of a float computation is no enclosure: it gets the float treatment.
    const p = evaluateSide((q) => interval(Math.acos(Math.min(1, dot(q.X, 0, 0) / Math.sqrt(dot(q.X, 0, 0)) ** 2))), i, 'lhs');
    expect(p.arithmetic).toBe('float');
    expect(p.sensitivity).toBeGreaterThan(0);
  });
});
