import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { searchTheorem } from '../src/search/search.ts';
import type { Evaluation, Relation, Theorem } from '../src/theorem/types.ts';
import { evaluate } from '../src/theorem/verdict.ts';
import { claimOrTwin, claimOrTwinConstant, claimVariant, perturbedIdentity, strongerTwin, tightenedBound } from './twins.ts';

type D = { [k: string]: unknown; k: number };

/**
 * A toy claim over integers k ∈ [1, 64] with exact float arithmetic (small integers and halves):
 * lhs = k, rhs = c·k with c a dyadic rational, so every margin of a twin is known by hand:
 * a ≤ claim k ≤ 2k (sharpness ½) scaled by f has margin (2f − 1)k, refuted iff f < ½.
 */
function toy(relation: Relation, c: number, vacuous = false): Theorem<D, number> {
  return {
    id: `toy.${relation}`,
    title: 'toy',
    source: { paper: 'toy', statement: 'toy' },
    kind: 'deterministic',
    statement: `k ${relation} ${c}k`,
    conventions: { toy: true },
    constants: [{ name: 'c', value: c, provenance: 'derived', note: 'toy' }],
    descriptors: fc.record({ k: fc.integer({ min: 1, max: 64 }) }),
    probes: fc.record({ k: fc.integer({ min: 65, max: 70 }) }),
    materialize: (d) => d.k,
    assumptions: (k) => (k >= 1 && k <= 64 ? null : 'k ≤ 64'),
    conclude: (k): Evaluation => ({ lhs: k, lhsError: 0, rhs: c * k, rhsError: 0, relation, ...(vacuous ? { vacuous: true } : {}) }),
  };
}

describe('strongerTwin', () => {
  it('names, marks and documents the twin', () => {
    const claim = toy('<=', 2, true);
    const twin = tightenedBound(claim, { factor: 0.25, tag: 'quarter', title: 'k ≤ k/2', note: 'c = 2 → ½', constant: { name: 'c', value: 0.5 } });
    expect(twin.id).toBe('planted.toy.<=.quarter');
    expect(twin.twinOf).toBe('toy.<=');
    expect(twin.expectRefuted).toBe(true);
    expect(twin.title).toBe('PLANTED: k ≤ k/2');
    expect(twin.constants).toEqual([claim.constants[0], { name: 'c', value: 0.5, provenance: 'user', note: 'planted: c = 2 → ½' }]);
    expect(twin.probes).toBeUndefined();
    expect(claim.probes).toBeDefined();
    // the claim's vacuity flag is not inherited
    expect(evaluate(claim, { k: 3 }).outcome.vacuous).toBe(true);
    expect(evaluate(twin, { k: 3 }).outcome.vacuous).toBeUndefined();
  });

  it('tags a tightened bound times-<factor> and records the factor as the changed constant unless told otherwise', () => {
    const claim = toy('>=', 0.5);
    const twin = tightenedBound(claim, { factor: 1.05, title: 't', note: 'n' });
    expect(twin.id).toBe('planted.toy.>=.times-1.05');
    expect(twin.constants.at(-1)).toEqual({ name: 'factor', value: 1.05, provenance: 'user', note: 'planted: n' });
  });

  it("derives its statementTex from the claim's and the note, never the claim's own under another statement", () => {
    const claim = { ...toy('<=', 2), statementTex: '$k \\le 2k$' };
    const twin = tightenedBound(claim, { factor: 0.25, tag: 'q', title: 't', note: 'c = 2 → ½ ($ as text)', constant: { name: 'c', value: 0.5 } });
    expect(twin.statementTex).toBe('$k \\le 2k$ — planted: c = 2 → ½ (\\$ as text)');
    const withNoteTex = tightenedBound(claim, {
      factor: 0.25,
      tag: 'q',
      title: 't',
      note: 'c = 2 → ½',
      noteTex: '$c = 2 \\to \\frac{1}{2}$',
      constant: { name: 'c', value: 0.5 },
    });
    expect(withNoteTex.statementTex).toBe('$k \\le 2k$ — planted: $c = 2 \\to \\frac{1}{2}$');
    expect(withNoteTex.constants.at(-1)!.note).toBe('planted: c = 2 → ½');
    const own = strongerTwin(claim, { tag: 'o', title: 't', note: 'n', constant: { name: 'c', value: 1 }, statement: 'k ≤ k', transform: (ev) => ev });
    expect(own.statement).toBe('k ≤ k');
    expect(own.statementTex).toBeUndefined();
    const both = strongerTwin(claim, {
      tag: 'b',
      title: 't',
      note: 'n',
      constant: { name: 'c', value: 1 },
      statement: 'k ≤ k',
      statementTex: '$k \\le k$',
      transform: (ev) => ev,
    });
    expect(both.statementTex).toBe('$k \\le k$');
    expect(tightenedBound(toy('<=', 2), { factor: 0.5, tag: 'n', title: 't', note: 'n', constant: { name: 'c', value: 1 } }).statementTex).toBeUndefined();
  });

  it('≤ claim: the scaled rhs gives the hand-computed margin (2f − 1)k', () => {
    for (const f of [0.25, 0.5, 0.75]) {
      const twin = tightenedBound(toy('<=', 2), { factor: f, tag: 't', title: 't', note: 't', constant: { name: 'c', value: 2 * f } });
      for (const k of [1, 7, 64]) {
        const o = evaluate(twin, { k }).outcome;
        expect(o.rhs).toBe(2 * f * k);
        expect(o.margin).toBe((2 * f - 1) * k);
        expect(o.verdict).toBe(f < 0.5 ? 'violated' : f === 0.5 ? 'inconclusive' : 'holds');
      }
    }
  });

  it('≥ claim: a positive rhs is multiplied, a negative one moves towards the lhs (never weaker)', () => {
    const pos = tightenedBound(toy('>=', 0.5), { factor: 1.5, tag: 't', title: 't', note: 't', constant: { name: 'c', value: 0.75 } });
    expect(evaluate(pos, { k: 8 }).outcome.rhs).toBe(6); // 0.5·8·1.5
    expect(evaluate(pos, { k: 8 }).outcome.margin).toBe(2);
    const neg = tightenedBound(toy('>=', -2), { factor: 1.5, tag: 't', title: 't', note: 't', constant: { name: 'c', value: -1 } });
    expect(evaluate(neg, { k: 8 }).outcome.rhs).toBe(-8); // −16 + 0.5·16
    const negLe = tightenedBound(toy('<=', -2), { factor: 0.5, tag: 't', title: 't', note: 't', constant: { name: 'c', value: -3 } });
    expect(evaluate(negLe, { k: 8 }).outcome.rhs).toBe(-24); // −16 − 0.5·16
  });

  it('rejects a factor that would weaken the claim, and == for tightenedBound', () => {
    expect(() => evaluate(tightenedBound(toy('<=', 2), { factor: 1.1, tag: 't', title: 't', note: 't', constant: { name: 'c', value: 1 } }), { k: 1 })).toThrow(
      /factor < 1/,
    );
    expect(() =>
      evaluate(tightenedBound(toy('>=', 0.5), { factor: 0.9, tag: 't', title: 't', note: 't', constant: { name: 'c', value: 1 } }), { k: 1 }),
    ).toThrow(/factor > 1/);
    expect(() => evaluate(tightenedBound(toy('==', 1), { factor: 0.9, tag: 't', title: 't', note: 't', constant: { name: 'c', value: 1 } }), { k: 1 })).toThrow(
      /inequality/,
    );
  });

  it('== claim: a relative ε above the error bound is refuted, one below rounding is not', () => {
    const id = toy('==', 1);
    const big = perturbedIdentity(id, { epsilon: 2 ** -20, tag: 'eps', title: 't', note: 't' });
    const o = evaluate(big, { k: 64 }).outcome;
    expect(o.rhs).toBe(64 + 64 * 2 ** -20);
    expect(o.verdict).toBe('violated');
    expect(big.constants.at(-1)).toEqual({ name: 'ε', value: 2 ** -20, provenance: 'user', note: 'planted: t' });
    // 1 + 2^-60 rounds to 1: the twin states the same number, so it is (rightly) not refuted
    expect(evaluate(perturbedIdentity(id, { epsilon: 2 ** -60, tag: 'eps', title: 't', note: 't' }), { k: 64 }).outcome.verdict).toBe('holds');
  });

  it('the search refutes a twin stronger than the sharpness and lets a weaker one hold', () => {
    const claim = toy('<=', 2); // sharpness ½ on every instance
    const opts = { seed: 's', numRuns: 30 };
    const base = searchTheorem(claim, opts);
    expect(base.status).toBe('holds');
    expect(base.sharpness).toBe(0.5);
    expect(searchTheorem(tightenedBound(claim, { factor: 0.49, tag: 'a', title: 't', note: 't', constant: { name: 'c', value: 0.98 } }), opts).status).toBe(
      'violated',
    );
    expect(searchTheorem(tightenedBound(claim, { factor: 0.51, tag: 'b', title: 't', note: 't', constant: { name: 'c', value: 1.02 } }), opts).status).toBe(
      'holds',
    );
  });

  it('a general transform sees the instance and descriptor', () => {
    const twin = strongerTwin(toy('<=', 2), {
      tag: 'shift',
      title: 't',
      note: 'rhs − 1.5k',
      constant: { name: 'shift', value: 1.5 },
      transform: (ev, k, d) => ({ ...ev, rhs: ev.rhs - 1.5 * k + (d.k - k) }),
    });
    expect(evaluate(twin, { k: 4 }).outcome.margin).toBe(-2); // 2·4 − 6 − 4
  });
});

describe('claimOrTwin', () => {
  it('gives the claim its id alone and the twin its id, the refutation mark and the claim it names', () => {
    expect(claimOrTwin(false, { claim: 'a', twin: 'planted.a' })).toStrictEqual({ id: 'a' });
    expect(claimOrTwin(true, { claim: 'a', twin: 'planted.a' })).toStrictEqual({ id: 'planted.a', expectRefuted: true, twinOf: 'a' });
  });
  it('gives each side its own texts', () => {
    const sides = { claim: { id: 'a', title: 'x ≤ 1', statement: 's' }, twin: { id: 'planted.a', title: 'PLANTED: x ≤ ½', statement: 't' } };
    expect(claimOrTwin(false, sides)).toStrictEqual({ id: 'a', title: 'x ≤ 1', statement: 's' });
    expect(claimOrTwin(true, sides)).toStrictEqual({ id: 'planted.a', title: 'PLANTED: x ≤ ½', statement: 't', expectRefuted: true, twinOf: 'a' });
  });
});

describe('claimVariant', () => {
  it('marks every variant but the claim as its twin', () => {
    const texts = { claim: { id: 'a', title: 'T' }, half: { id: 'planted.a-half', title: 'T/2' }, third: { id: 'planted.a-third', title: 'T/3' } };
    expect(claimVariant('claim', 'claim', texts)).toStrictEqual({ id: 'a', title: 'T' });
    expect(claimVariant('third', 'claim', texts)).toStrictEqual({ id: 'planted.a-third', title: 'T/3', expectRefuted: true, twinOf: 'a' });
  });
});

describe('claimOrTwinConstant', () => {
  it("gives the claim its constant and the twin the same name with its value, provenance 'user' and the planted note", () => {
    const c = { name: 'C', value: 2, provenance: 'derived' as const, note: 'union bound' };
    expect(claimOrTwinConstant(false, c, { value: 1, note: 'planted error: C halved' })).toStrictEqual(c);
    expect(claimOrTwinConstant(true, c, { value: 1, note: 'planted error: C halved' })).toStrictEqual({
      name: 'C',
      value: 1,
      provenance: 'user',
      note: 'planted error: C halved',
    });
    expect(claimOrTwinConstant(true, c, { note: 'planted error: the exponent' }).value).toBe(2);
  });
});
