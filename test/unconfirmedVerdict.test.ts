import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditBound } from '../src/api.ts';
import { confirmCatalogRun } from '../src/audit/catalogConfirm.ts';
import { defineBound } from '../src/audit/defineBound.ts';
import { searchOptionsFor } from '../src/audit/runAudit.ts';
import { searchTheorem } from '../src/search/search.ts';

/**
 * A FALSE bound whose violations are certified in double precision but cannot be re-verified by the 50-digit
 * oracle (src/audit/highPrecision.ts has no closed form for the tanh kernels) is not refuted — and must not be
 * reported as surviving either.
 *
 * Closed form: the limiting NTK of a non-polynomial activation is positive definite on distinct, pairwise
 * non-parallel inputs (Jacot, Gabriel, Hongler, arXiv 1806.07572, Proposition 2), so λ := λ_min(K) > 0 and
 *     λ ≥ 2λ is FALSE for tanh,   λ ≥ λ/2 is TRUE for relu (λ ≥ 0).
 * Gaussian rows in d ≥ 2 are distinct and non-parallel with probability 1.
 */
const bound = defineBound({
  id: 'sound.tanh-unconfirmable',
  statement: 'λ_min(K) ≥ 2 λ_min(K) for tanh (FALSE), ≥ λ_min(K)/2 for relu (TRUE)',
  instances: { n: [2, 4], d: [2, 4], depth: [2, 2], data: ['gaussian'], activation: ['relu', 'tanh'] },
  lhs: (q) => q.lambdaMin('ntk'),
  relation: '>=',
  rhs: (q) => (q.activation === 'tanh' ? 2 : 0.5) * q.lambdaMin('ntk'),
});

describe('violations the oracle cannot confirm leave the bound inconclusive, not survived', () => {
  it('auditBound: verdict inconclusive (exit 4), with the holds on relu and the reason', async () => {
    const r = await auditBound(bound, { budget: 1, seed: 's1', workers: 1, exampleDb: null, outDir: mkdtempSync(join(tmpdir(), 'ntk-unconf-')) });
    const b = r.bounds[0];
    expect(b.counts.holds, 'relu instances hold').toBeGreaterThan(0);
    expect(b.counterexamples.count).toBe(0);
    expect(b.verdict).toBe('inconclusive');
    expect(r.verdict).toBe('inconclusive');
    expect(b.message).toMatch(/INCONCLUSIVE — \d+ float-certified violation\(s\) could not be confirmed in 50-digit arithmetic/);
    expect(b.message).toMatch(/no 50-digit closed form for the tanh kernels/);
  });

  it('run --catalog: the run status is inconclusive, not holds', () => {
    const run = searchTheorem(bound, searchOptionsFor(bound, 1, 's1'));
    expect(run.counts.violated, 'the float search certifies the tanh violations').toBeGreaterThan(0);
    expect(run.counts.holds).toBeGreaterThan(0);
    const out = confirmCatalogRun(bound, run, undefined);
    expect(out.counts.violated).toBe(0);
    expect(out.status).toBe('inconclusive');
    expect(out.asExpected).toBe(false);
  });
});
