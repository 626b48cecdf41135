import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { AUDIT_SPACE, decodeAuditInstance, defineBound, encodeAuditInstance, materializeDescriptor } from './defineBound.ts';
import { quantitiesView } from './quantities.ts';

/** Labels as part of the instance: declared in the space, drawn into descriptors, replayed from them. */
const bound = (labels: unknown) =>
  defineBound({
    id: 'test.labels',
    statement: 'yᵀK⁻¹y ≥ 0',
    instances: { n: [3, 6], d: [2, 4], labels } as never,
    lhs: (q) => q.labelQuadForm('ntk'),
    relation: '>=',
    rhs: () => 0,
  });

describe('label models in the instance space', () => {
  it('descriptors carry the label model and noise; the labels are a deterministic function of the descriptor', () => {
    const b = bound({ model: ['teacher', 'rademacher'], noise: [0, 0.25] });
    const descs = fc.sample(b.descriptors, { numRuns: 20, seed: 3 });
    for (const d of descs) {
      expect(['teacher', 'rademacher']).toContain(d.labels);
      expect([0, 0.25]).toContain(d.labelNoise);
      expect(b[AUDIT_SPACE]!.contains(d)).toBe(true);
      const y1 = quantitiesView(materializeDescriptor(d)).y;
      const y2 = quantitiesView(materializeDescriptor(JSON.parse(JSON.stringify(d)))).y;
      expect(Array.from(y1)).toEqual(Array.from(y2));
      expect(y1.length).toBe(d.n);
      if (d.labels === 'rademacher') expect(y1.every((v) => v === 1 || v === -1)).toBe(true);
      // a recorded instance replays with the same labels
      const back = decodeAuditInstance(JSON.parse(JSON.stringify(encodeAuditInstance(materializeDescriptor(d)))));
      expect(Array.from(quantitiesView(back).y)).toEqual(Array.from(y1));
    }
    // a descriptor without the label fields, or with a model the space does not declare, is not in the space
    const { labels: _l, labelNoise: _n, ...bare } = descs[0];
    expect(b[AUDIT_SPACE]!.contains(bare)).toBe(false);
    expect(b[AUDIT_SPACE]!.contains({ ...descs[0], labels: 'gaussian' })).toBe(false);
  });

  it('noise p flips the sign of each label independently with probability p', () => {
    const base = { n: 2000, d: 3, depth: 2, widths: [8], init: 'standard' as const, data: 'gaussian', normalize: 'none' as const, seed: '11' };
    const clean = quantitiesView(materializeDescriptor({ ...base, labels: 'rademacher', labelNoise: 0 })).y;
    const noisy = quantitiesView(materializeDescriptor({ ...base, labels: 'rademacher', labelNoise: 0.2 })).y;
    let flips = 0;
    for (let i = 0; i < clean.length; i++) if (clean[i] !== noisy[i]) flips++;
    // Binomial(2000, 0.2): mean 400, sd ≈ 17.9; ±5 sd
    expect(Math.abs(flips - 400)).toBeLessThan(90);
  });

  it('bad label declarations and reading labels without them are one-line UserErrors', () => {
    expect(() => bound({ model: 'teachr' })).toThrow(UserError);
    expect(() => bound({ model: 'teacher', noise: 1.5 })).toThrow(/noise must be a number in \[0, 1\]/);
    expect(() => bound({ model: 'teacher', extra: 1 })).toThrow(/unknown key "extra"/);
    expect(() => bound('teacher')).toThrow(UserError);
    const q = quantitiesView(materializeDescriptor({ n: 3, d: 2, depth: 2, widths: [8], init: 'standard', data: 'gaussian', normalize: 'none', seed: '1' }));
    expect(() => q.y).toThrow(UserError);
    expect(q.labelModel).toBe('none');
  });
});

describe('coverage by label model', () => {
  it('a space with several label models or noise levels has a labels cell per combination', () => {
    const b = defineBound({
      id: 'test.label-cells',
      statement: 'yᵀK⁻¹y ≥ 0',
      instances: { n: [3, 6], labels: { model: ['teacher', 'rademacher'], noise: [0, 0.1] } },
      lhs: (q) => q.labelQuadForm('ntk'),
      relation: '>=',
      rhs: () => 0,
    });
    expect(b.cellSpace!.labels).toEqual(['teacher', 'teacher + noise 0.1', 'rademacher', 'rademacher + noise 0.1']);
    for (const d of fc.sample(b.descriptors, { numRuns: 10, seed: 5 })) expect(b.cellSpace!.labels).toContain(b.cells!(d).labels);
  });
});
