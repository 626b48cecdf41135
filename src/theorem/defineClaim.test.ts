import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactDecimalOf } from '../../test/support/exactDecimal.ts';
import { interval, sumOfSquares } from '../linalg/interval.ts';
import { createRng } from '../random/rng.ts';
import { defineClaim, param, sideOf } from './defineClaim.ts';
import { evaluate } from './verdict.ts';

/** Exact values of doubles (decimal.js, 1,200 digits: any sum of squares of a few doubles is exact). */
const X = Decimal.clone({ precision: 1200, minE: -9e15, maxE: 9e15 });
const exact = (x: number): Decimal => exactDecimalOf(X, x);

/** A toy claim: ‖X‖_F² ≤ c·N·d·max|x_ij|² (true for c = 1), sides in interval arithmetic. */
const toy = (c: number) =>
  defineClaim({
    id: `toy.frobenius.${c}`,
    title: 'toy',
    source: { paper: 'toy', statement: 'toy' },
    statement: '‖X‖_F² ≤ c·N·d·max|x_ij|²',
    conventions: { toy: true },
    space: { data: { random: { n: [2, 12], d: [1, 5], families: ['gaussian', 'rademacher'] } }, params: { c: param.oneOf(c), k: param.int(0, 20) } },
    sides({ x }) {
      let m = 0;
      for (const v of x.data) m = Math.max(m, Math.abs(v));
      return {
        lhs: sumOfSquares(x.data),
        rhs: interval(c)
          .mul(x.rows * x.cols)
          .mul(interval(m).pow(2)),
        relation: '<=',
      };
    },
  });

describe('defineClaim (src/theorem/defineClaim.ts)', () => {
  it('fills kind, constants, costHint, descriptors, cells and a local move that stays in the space', () => {
    const t = toy(1);
    expect(t.kind).toBe('deterministic');
    expect(t.constants).toEqual([]);
    expect(t.costHint).toBe(200);
    expect(t.cellSpace).toEqual({ N: ['2–4', '5–8', '9–12'], family: ['gaussian', 'rademacher'], c: ['1'], k: ['0–6', '7–13', '14–20'] });
    const rng = createRng('defineClaim-test');
    for (const d of fc.sample(t.descriptors, { seed: 7, numRuns: 40 })) {
      let m = d;
      for (let s = 0; s < 20; s++) {
        m = t.mutate!(m, rng);
        expect(m.data.n).toBeGreaterThanOrEqual(2);
        expect(m.data.n).toBeLessThanOrEqual(12);
        expect(m.k).toBeGreaterThanOrEqual(0);
        expect(m.k).toBeLessThanOrEqual(20);
        const cells = t.cells!(m);
        for (const [key, cell] of Object.entries(cells)) expect(t.cellSpace![key], `${key} = ${cell}`).toContain(cell);
      }
      // deterministic materialisation: the same descriptor gives the same doubles
      expect(Array.from(t.materialize(d).x.data)).toEqual(Array.from(t.materialize(structuredClone(d)).x.data));
    }
  });

  it('a given descriptors arbitrary replaces the default (a filtered space)', () => {
    const odd = defineClaim({
      id: 'toy.odd-k',
      title: 'toy',
      source: { paper: 'toy', statement: 'toy' },
      statement: '0 ≤ 1',
      conventions: { toy: true },
      space: { data: { random: { n: [2, 12], d: [1, 5], families: ['gaussian', 'rademacher'] } }, params: { c: param.oneOf<number>(1), k: param.int(0, 20) } },
      descriptors: toy(1).descriptors.filter((d) => d.k % 2 === 1),
      sides: () => ({ lhs: 0, rhs: 1, relation: '<=' }),
    });
    const ds = fc.sample(odd.descriptors, { seed: 3, numRuns: 30 });
    expect(ds.every((d) => d.k % 2 === 1)).toBe(true);
    expect(evaluate(odd, ds[0]).outcome.verdict).toBe('holds');
  });

  it('the error bounds of both sides cover the exact values (decimal.js), and the verdicts follow', () => {
    const t = toy(1),
      planted = toy(0.5);
    let gaussian = 0,
      holds = 0,
      violated = 0;
    for (const d of fc.sample(t.descriptors, { seed: 11, numRuns: 30 })) {
      const ev = t.conclude(t.materialize(d), d);
      const x = t.materialize(d).x;
      let lhs = new X(0),
        m = new X(0);
      for (const v of x.data) {
        lhs = lhs.plus(exact(v).pow(2));
        if (exact(Math.abs(v)).gt(m)) m = exact(Math.abs(v));
      }
      const rhs = m.pow(2).times(x.rows * x.cols);
      expect(exact(ev.lhs).minus(lhs).abs().lte(exact(ev.lhsError))).toBe(true);
      expect(exact(ev.rhs).minus(rhs).abs().lte(exact(ev.rhsError))).toBe(true);
      // Rademacher data meet the bound with equality (every |x_ij| = 1): never violated; Gaussian data hold strictly
      const v = evaluate(t, d).outcome.verdict;
      expect(v).not.toBe('violated');
      if (d.data.family === 'gaussian') {
        gaussian++;
        if (v === 'holds') holds++;
      }
      const p = evaluate(planted, { ...d, c: 0.5 }).outcome;
      // ‖X‖_F² > N·d·max²/2 unless at most half the entries are ±max: Gaussian data always refutes the planted claim
      if (d.data.family === 'gaussian' && p.verdict === 'violated') violated++;
    }
    expect(gaussian).toBeGreaterThan(5);
    expect(holds).toBe(gaussian);
    expect(violated).toBeGreaterThan(0);
  });

  it('sideOf: points, intervals, engine enclosures and values with an enclosure', () => {
    expect(sideOf(0.1)).toEqual({ value: 0.1, error: 0 });
    expect(sideOf(interval(1, 3)).value).toBe(2);
    expect(sideOf(interval(1, 3)).error).toBeGreaterThanOrEqual(1);
    expect(sideOf({ lower: 1, upper: 3 }).error).toBeGreaterThanOrEqual(1);
    expect(sideOf({ value: 0, enclosure: interval(-1, 2) })).toEqual({ value: 0, error: 2 });
    expect(sideOf({ value: 2, error: 1e-9 })).toEqual({ value: 2, error: 1e-9 });
    expect(sideOf({ value: 2, error: Number.NaN }).error).toBe(Infinity);
    expect(sideOf({ value: Number.NaN, error: 0 }).error).toBe(Infinity);
    expect(sideOf(interval(0, Infinity)).error).toBe(Infinity);
    expect(sideOf(interval(-1).sqrt()).error).toBe(Infinity);
    expect(sideOf({ lower: NaN, upper: 1 }).error).toBe(Infinity);
    expect(sideOf(Infinity).error).toBe(Infinity);
  });

  it('sumOfSquares encloses the exact sum of squares', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e150, max: 1e150 }), { maxLength: 12 }), (v) => {
        const s = sumOfSquares(v);
        const e = v.reduce((a, x) => a.plus(exact(x).pow(2)), new X(0));
        expect(exact(s.lo).lte(e) && exact(s.hi).gte(e)).toBe(true);
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});
