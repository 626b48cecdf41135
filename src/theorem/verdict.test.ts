import { describe, expect, it } from 'vitest';
import { decide } from './verdict.ts';

describe('verdicts from margins and error bounds', () => {
  it('holds / violated / inconclusive follow the sign of the margin beyond the error bound', () => {
    expect(decide({ lhs: 1, rhs: 2, relation: '<=', lhsError: 0.1, rhsError: 0.1 }).verdict).toBe('holds');
    expect(decide({ lhs: 3, rhs: 2, relation: '<=', lhsError: 0.1, rhsError: 0.1 }).verdict).toBe('violated');
    expect(decide({ lhs: 2.05, rhs: 2, relation: '<=', lhsError: 0.1, rhsError: 0 }).verdict).toBe('inconclusive');
    expect(decide({ lhs: 1.95, rhs: 2, relation: '<=', lhsError: 0.1, rhsError: 0 }).verdict).toBe('inconclusive');
    expect(decide({ lhs: 3, rhs: 2, relation: '>=', lhsError: 0.1, rhsError: 0.1 }).verdict).toBe('holds');
  });
  it('never certifies a violation inside the rounding of the subtraction itself', () => {
    const a = 1 + 2 ** -52;
    expect(decide({ lhs: a, rhs: 1, relation: '<=', lhsError: 0, rhsError: 0 }).verdict).toBe('inconclusive');
  });
  it('strict relations fail at an exact zero margin', () => {
    expect(decide({ lhs: 0, rhs: 0, relation: '>', lhsError: 0, rhsError: 0 }).verdict).toBe('violated');
    expect(decide({ lhs: 1e-300, rhs: 0, relation: '>', lhsError: 0, rhsError: 0 }).verdict).toBe('holds');
  });
  it('identities hold within the error bound and are violated beyond it', () => {
    expect(decide({ lhs: 0.5 + 1e-17, rhs: 0.5, relation: '==', lhsError: 1e-16, rhsError: 0 }).verdict).toBe('holds');
    expect(decide({ lhs: 1, rhs: 0.5, relation: '==', lhsError: 1e-16, rhsError: 0 }).verdict).toBe('violated');
  });
  it('an identity with an infinite error bound is inconclusive, whatever the residual', () => {
    // the check |lhs − rhs| ≤ +∞ cannot fail, so it proves nothing (docs/adding-a-claim.md)
    for (const [lhsError, rhsError] of [
      [Infinity, 0],
      [0, Infinity],
      [Infinity, Infinity],
      [Number.MAX_VALUE, Number.MAX_VALUE], // finite errors whose sum overflows
    ]) {
      expect(decide({ lhs: 0.5, rhs: 0.5, relation: '==', lhsError, rhsError }).verdict).toBe('inconclusive');
      expect(decide({ lhs: 1, rhs: 0, relation: '==', lhsError, rhsError }).verdict).toBe('inconclusive');
      expect(decide({ lhs: 1, rhs: 0, relation: '==', lhsError, rhsError }).errorBound).toBe(Infinity);
    }
  });
  it('every relation is inconclusive with an infinite error bound on finite sides', () => {
    for (const relation of ['<=', '>=', '<', '>', '=='] as const)
      for (const [lhs, rhs] of [
        [0, 0],
        [-1e300, 1e300],
        [1e300, -1e300],
      ])
        for (const [lhsError, rhsError] of [
          [Infinity, 0],
          [0, Infinity],
        ])
          expect(decide({ lhs, rhs, relation, lhsError, rhsError }).verdict, `${lhs} ${relation} ${rhs} ± ${lhsError}, ${rhsError}`).toBe('inconclusive');
  });
  it('a margin that overflows to −∞ from finite sides is no certified violation when the error bound is +∞', () => {
    // rhs − lhs = −2e308 overflows; with an unbounded side nothing is certified, strict relations included
    for (const relation of ['<', '<='] as const)
      expect(decide({ lhs: 1e308, rhs: -1e308, relation, lhsError: Infinity, rhsError: 0 }).verdict).toBe('inconclusive');
    for (const relation of ['>', '>='] as const)
      expect(decide({ lhs: -1e308, rhs: 1e308, relation, lhsError: 0, rhsError: Infinity }).verdict).toBe('inconclusive');
    // with finite errors the overflowed margin is a certified violation: the exact margin is −2e308
    expect(decide({ lhs: 1e308, rhs: -1e308, relation: '<', lhsError: 0, rhsError: 0 }).verdict).toBe('violated');
  });
  it('sides near the largest double keep a finite rounding term: equal huge sides satisfy an identity', () => {
    expect(decide({ lhs: 1e308, rhs: 1e308, relation: '==', lhsError: 0, rhsError: 0 }).verdict).toBe('holds');
    expect(decide({ lhs: Number.MAX_VALUE, rhs: Number.MAX_VALUE, relation: '<=', lhsError: 0, rhsError: 0 }).verdict).toBe('inconclusive');
    expect(decide({ lhs: Number.MAX_VALUE, rhs: 1e300, relation: '<=', lhsError: 0, rhsError: 0 }).verdict).toBe('violated');
  });
  it('NaN is an error of the theorem, not a verdict', () => {
    expect(() => decide({ lhs: NaN, rhs: 0, relation: '<=', lhsError: 0, rhsError: 0 })).toThrow(/NaN/);
  });
  it('a negative error bound is an error of the theorem, not a verdict', () => {
    expect(() => decide({ lhs: 0.5, rhs: 0.5, relation: '==', lhsError: -Infinity, rhsError: 0 })).toThrow(/negative error bound/);
    expect(() => decide({ lhs: 1, rhs: 0, relation: '<=', lhsError: -10, rhsError: 0 })).toThrow(/negative error bound/);
    expect(decide({ lhs: 1, rhs: 2, relation: '<=', lhsError: -0, rhsError: 0 }).verdict).toBe('holds');
  });
});
