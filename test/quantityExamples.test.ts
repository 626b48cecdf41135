import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditBound, type AnyTheorem } from '../src/index.ts';
import * as labels from '../examples/label-bound.ts';
import * as separation from '../examples/separation-bound.ts';
import * as perLayer from '../examples/per-layer-bound.ts';
import * as smooth from '../examples/smooth-activation-bound.ts';

/**
 * The worked proposals of examples/ that read labels and yᵀK⁻¹y, the separation, the per-layer kernels and the kernels of
 * smooth activations with biases (instances.activation, instances.bias, instances.parameterization), audited
 * at a small budget: each true statement survives (with instances that hold) and each planted false twin is
 * refuted with a certified counterexample.
 */
const out = () => mkdtempSync(join(tmpdir(), 'ntk-audit-qex-'));

const CASES: [string, AnyTheorem, 'survived' | 'refuted'][] = [
  ['label bound, linear teacher', labels.linearTeacher, 'survived'],
  ['label bound, random labels', labels.randomLabels, 'refuted'],
  ['separation bound', separation.separation, 'survived'],
  ['separation bound, planted twin', separation.planted, 'refuted'],
  ['per-layer bound', perLayer.perLayer, 'survived'],
  ['per-layer bound, planted twin', perLayer.planted, 'refuted'],
  ['smooth-activation bound (relu, erf, tanh; biases; nmm | ntk)', smooth.smooth, 'survived'],
  ['smooth-activation bound, planted twin', smooth.planted, 'refuted'],
];

describe('examples: label, separation, per-layer and smooth-activation bounds', () => {
  it.each(CASES)('%s', async (_label, bound, verdict) => {
    const r = await auditBound(bound, { budget: 0.6, seed: 'qex', outDir: out() });
    const b = r.bounds[0];
    expect(b.verdict).toBe(verdict);
    if (verdict === 'survived') {
      expect(b.counts.holds).toBeGreaterThan(5);
      expect(b.counts.violated).toBe(0);
    } else expect(b.counts.violated).toBeGreaterThan(0);
  });
});
