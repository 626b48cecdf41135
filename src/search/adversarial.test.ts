import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { structuredFalseBounds } from '../../bench/adversarialBounds.ts';
import { confirmViolation } from '../audit/confirm.ts';
import {
  AUDIT_BOUND,
  AUDIT_SPACE,
  type AuditDescriptor,
  decodeAuditInstance,
  defineBound,
  type InequalitySpec,
  materializeDescriptor,
} from '../audit/defineBound.ts';
import { searchOptionsFor } from '../audit/runAudit.ts';
import { UserError } from '../errors.ts';
import { targetedCounts } from './budget.ts';
import { searchTheorem } from './search.ts';

const sameBits = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe('adversarial search over structured data', () => {
  it('refutes every structured false bound within an audit budget of 20 where i.i.d. search misses it, with confirmed counterexamples', () => {
    const iid = structuredFalseBounds();
    for (const [b, t] of structuredFalseBounds('adversarial').entries()) {
      let iidMissed = 0;
      // seeds at which the i.i.d. search at the same budget finds no counterexample for some of the bounds
      for (const seed of ['5', '7']) {
        const run = searchTheorem(t, searchOptionsFor(t, 20, seed));
        expect(run.status, `${t.id} seed ${seed}`).toBe('violated');
        const first = run.counterexamples.first!;
        expect(first.margin).toBeLessThan(-first.errorBound);
        const desc = first.descriptor as AuditDescriptor;
        // the descriptor alone (as the example database replays it) gives the artifact's doubles …
        expect(sameBits(materializeDescriptor(desc).x.data, decodeAuditInstance(first.artifact.instance).x.data)).toBe(true);
        // … and the violation holds with every quantity recomputed by the high-precision oracle (src/audit/confirm.ts)
        expect(confirmViolation(t[AUDIT_BOUND] as InequalitySpec, materializeDescriptor(desc)).status, `${t.id} seed ${seed}`).toBe('confirmed');
        if (searchTheorem(iid[b], searchOptionsFor(iid[b], 20, seed)).counts.violated === 0) iidMissed++;
      }
      expect(iidMissed, t.id).toBeGreaterThan(0);
    }
  });

  it('moves points to a certified counterexample the random draws missed, recorded exactly in the descriptor', () => {
    for (const [k, t] of structuredFalseBounds(['iid']).entries()) {
      const iid = structuredFalseBounds()[k];
      // the same 8 random draws with no targeted phases: no counterexample
      expect(searchTheorem(iid, { seed: '4', numRuns: 8 }).counts.violated, t.id).toBe(0);
      const run = searchTheorem(t, { seed: '4', numRuns: 8, targetedSteps: 0, pointSteps: 60 });
      expect(run.status, t.id).toBe('violated');
      const first = run.counterexamples.first!;
      expect(first.foundBy).toBe('targeted');
      const desc = first.descriptor as AuditDescriptor;
      expect(desc.geometry).toBe('iid');
      expect(desc.moves!.length).toBeGreaterThan(0);
      expect(first.margin).toBeLessThan(-first.errorBound);
      expect(sameBits(materializeDescriptor(desc).x.data, decodeAuditInstance(first.artifact.instance).x.data)).toBe(true);
      expect(t[AUDIT_SPACE]!.contains(JSON.parse(JSON.stringify(desc)))).toBe(true);
      expect(confirmViolation(t[AUDIT_BOUND] as InequalitySpec, materializeDescriptor(desc)).status, t.id).toBe('confirmed');
      // the same seed and counts: the same search
      const again = searchTheorem(t, { seed: '4', numRuns: 8, targetedSteps: 0, pointSteps: 60 });
      expect(again.evaluated).toBe(run.evaluated);
      expect(again.counterexamples.first!.descriptor).toEqual(desc);
    }
  });

  it('leaves spaces without `geometry` as they were: eight-field descriptors, no point search', () => {
    const [t] = structuredFalseBounds();
    expect(t.points).toBeUndefined();
    expect(targetedCounts(t, 500)).toEqual({ targetedSteps: 150 });
    for (const d of fc.sample(t.descriptors, { seed: 1, numRuns: 20 }))
      expect(Object.keys(d)).toEqual(['n', 'd', 'depth', 'widths', 'init', 'data', 'normalize', 'seed']);
    const [a] = structuredFalseBounds('adversarial');
    expect(targetedCounts(a, 500)).toEqual({ targetedSteps: 75, pointSteps: 75 });
  });

  it('rejects unknown geometries with a one-line UserError', () => {
    const ok = { id: 'g', statement: 's', lhs: () => 1, relation: '<=' as const, rhs: () => 2 };
    for (const geometry of [['nope'], [], 'all', [3]]) {
      let err: unknown;
      try {
        defineBound({ ...ok, instances: { n: [2, 4], geometry: geometry as never } });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(geometry)).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(/^defineBound: instances\.geometry[^\n]+$/);
    }
  });

  it('applies recorded moves exactly, ignores moves that no longer fit (after N or d shrank), and keeps them out of i.i.d. draws', () => {
    const [t] = structuredFalseBounds(['near-duplicate', 'iid']);
    const base = fc.sample(t.descriptors, { seed: 3, numRuns: 1 })[0];
    expect(base.moves).toEqual([]);
    const x = ['0.1', '-0', '5e-324', '1.7976931348623157e+308'].slice(0, base.d);
    while (x.length < base.d) x.push('0.25');
    const moved = {
      ...base,
      moves: [
        { row: 1, x },
        { row: 99, x },
        { row: 0, x: ['1'] },
      ],
    };
    const inst = materializeDescriptor(moved);
    expect(sameBits(inst.x.data.subarray(base.d, 2 * base.d), Float64Array.from(x, Number))).toBe(true);
    expect(Object.is(inst.x.data[base.d + 1], -0)).toBe(true);
    expect(sameBits(inst.x.data.subarray(0, base.d), materializeDescriptor(base).x.data.subarray(0, base.d))).toBe(true);
    expect(t[AUDIT_SPACE]!.contains(moved)).toBe(true);
    expect(t[AUDIT_SPACE]!.contains({ ...moved, moves: [{ row: 1, x: ['NaN'] }] })).toBe(false);
    expect(t[AUDIT_SPACE]!.contains({ ...moved, geometry: 'clusters' })).toBe(false);
  });
});
