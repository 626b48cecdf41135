import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditBound } from '../src/api.ts';
import { confirmViolation } from '../src/audit/confirm.ts';
import { defineBound } from '../src/audit/defineBound.ts';
import { UserError } from '../src/errors.ts';
import type { AuditInstance, Quantities } from '../src/audit/quantities.ts';
import { interval } from '../src/linalg/interval.ts';
import { theoremReport } from '../src/report/build.ts';
import { sampleReport } from '../src/report/fixtures.ts';
import { renderHtml } from '../src/report/html.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { reportSchema } from '../src/report/schema.ts';
import { searchOptionsFor } from '../src/audit/runAudit.ts';
import { searchTheorem } from '../src/search/search.ts';
import { binomialUpperTail } from './support/binomial.ts';
import { SPHERE_DELTA, sphereThreshold, unitSphereClaim } from './support/unitSphereClaim.ts';

/**
 * Verdicts that a proposal can reach by paths other than the plain search of a well-behaved bound: draws
 * its sides cannot evaluate, quantities the high-precision oracle does not recompute, user catalogs run with
 * `ntk-audit run --catalog`. Each case states a TRUE claim (by a closed form) or a violation whose
 * re-verification is checked against what the oracle actually recomputed.
 *
 * Closed form used for high-probability claims: for X, Y independent and uniform on S^{d−1}, ⟨X, Y⟩ has the
 * law of one coordinate X_1 and X_1² ~ Beta(1/2, (d − 1)/2), so for N = 2 points
 *     P(|⟨x_1, x_2⟩| > t) = p   exactly when   t² = B⁻¹(1 − p; 1/2, (d − 1)/2).
 */
const DELTA = SPHERE_DELTA;
const threshold = sphereThreshold;

describe('high-probability claims: draws whose sides throw', () => {
  it('a TRUE claim (failure rate δ/2) whose rhs throws on the draws where it holds comfortably is not refuted', () => {
    // rhs throws where |⟨x_1, x_2⟩| < s, P(|⟨x_1, x_2⟩| ≥ s) = 2δ/3: among the draws it CAN evaluate the
    // claim fails on (δ/2)/(2δ/3) = 3/4 of them, which a rate test over those draws alone rejects at once.
    const t = threshold(DELTA / 2),
      s = threshold((2 * DELTA) / 3);
    const bound = defineBound(
      unitSphereClaim({
        id: 'sound.hp-throws',
        statement: `|⟨x_1, x_2⟩| ≤ ${t} w.p. ≥ 1 − ${DELTA} (rhs not implemented below ${s})`,
        rhs: (q) => {
          if (q.maxInnerProduct < s) throw new Error('not implemented there');
          return t;
        },
      }),
    );
    for (const seed of ['s1', 's2', 's3', 's4']) {
      const opts = searchOptionsFor(bound, 20, seed);
      const run = searchTheorem(bound, opts);
      const c = run.highProbability!.configs[0];
      // every draw made is counted (one configuration: it gets all of them); those that threw are undecided
      expect(c.draws + c.outside, seed).toBe(opts.hpConfigs! * opts.hpDraws!);
      expect(run.errors.length, `${seed}: the throws are reported`).toBeGreaterThan(0);
      expect(c.inconclusive, `${seed}: most draws threw`).toBeGreaterThan(c.draws / 2);
      // Independent check of what the old rate (failures among evaluated draws only) would have said.
      const evaluated = c.draws - c.inconclusive;
      expect(binomialUpperTail(c.failures, evaluated, DELTA), `${seed}: conditioned on the evaluable draws the rate test rejects`).toBeLessThan(
        run.highProbability!.alpha,
      );
      expect(c.status, seed).not.toBe('rejected');
      expect(run.status, seed).not.toBe('violated');
      expect(run.counterexamples.count, seed).toBe(0);
    }
  });
});

describe('the high-precision confirmation recomputes every quantity a violation read, or does not confirm it', () => {
  // One sample x = (3, 4): K^(L)(x, x) = L‖x‖² (nmm convention, docs/conventions.md), so λ_min(K^(2)) = 50 exactly.
  const one = (depth = 2, widths: number[] = [16]): AuditInstance => ({
    x: { rows: 1, cols: 2, data: Float64Array.from([3, 4]) },
    depth,
    widths,
    init: 'standard',
    netSeed: 'sound',
    data: 'gaussian',
    normalize: 'none',
  });

  it('a side that reads λ_min through q.interval: the oracle recomputes it (the artifact records its 50-digit enclosure)', () => {
    const c = confirmViolation({ lhs: (q) => q.interval('lambdaMinNTK'), relation: '>=', rhs: (q) => interval(2).mul(q.interval('lambdaMinNTK')) }, one());
    expect(c.status).toBe('confirmed');
    if (c.status === 'skipped') throw new Error('skipped');
    const e = c.quantities.lambdaMinNTK;
    expect(e, 'λ_min(K) was recomputed').toBeDefined();
    expect(Number(e.lower)).toBeLessThanOrEqual(50);
    expect(Number(e.upper)).toBeGreaterThanOrEqual(50);
    expect(Number(e.upper) - Number(e.lower)).toBeLessThan(1e-9);
  });

  it('a side that reads q.matrix (or q.certified on it), which the oracle does not recompute, is not confirmed', () => {
    const spec = {
      lhs: (q: Quantities) => q.matrix('ntk').get(0, 0),
      relation: '>=' as const,
      rhs: (q: Quantities) => q.certified.lambdaMin(q.matrix('ntk')).mul(interval(2)),
    };
    const c = confirmViolation(spec, one());
    expect(c.status).toBe('not-confirmed');
    if (c.status === 'skipped') throw new Error('skipped');
    expect(c.reason).toMatch(/matrix\(ntk\).*does not recompute/);
  });

  it("N ≤ 64 beyond the oracle's cost limits (‖W_2‖₂ of a 200 × 200 layer) is not confirmed, not skipped", () => {
    const c = confirmViolation({ lhs: (q) => q.lipschitzBound(2), relation: '<=', rhs: () => 0 }, one(3, [200, 200]));
    expect(c.status).toBe('not-confirmed');
    if (c.status === 'skipped') throw new Error('skipped');
    expect(c.reason).toMatch(/cost limits/);
  });

  it('an audit whose only violations read q.matrix is not refuted, and says why', async () => {
    const bound = defineBound({
      id: 'sound.matrix-only',
      statement: 'K_11 ≥ 2 K_11 (false; read through q.matrix)',
      instances: { n: [2, 4], d: [2, 4] },
      lhs: (q) => q.matrix('ntk').get(0, 0),
      relation: '>=',
      rhs: (q) => 2 * q.matrix('ntk').get(0, 0),
    });
    const r = await auditBound(bound, { budget: 1, seed: 's1', workers: 1, exampleDb: null, outDir: mkdtempSync(join(tmpdir(), 'ntk-sound-')) });
    expect(r.verdict).not.toBe('refuted');
    expect(r.bounds[0].counterexamples.count).toBe(0);
    expect(r.bounds[0].message).toMatch(/not confirmed in 50-digit arithmetic .*matrix\(ntk\)/);
  });
});

describe('a refuted identity (==) on a new quantity is shown as |lhs − rhs| / error bound everywhere, never as a signed margin', () => {
  // tr K^(L) = L·Σ‖x_i‖² (K^(L)(x, x) = L‖x‖², nmm convention): the identity with Σ‖x_i‖² alone is false for L ≥ 2.
  const bound = defineBound({
    id: 'sound.trace-identity',
    statement: 'tr K^(L) == Σ‖x_i‖² (false for L ≥ 2)',
    instances: { n: [1, 4], d: [1, 3], depth: [2, 3] },
    lhs: (q) => q.trace('ntk'),
    relation: '==',
    rhs: (q) => q.sumNormSq,
  });
  const ratioOf = (lhs: number, rhs: number, err: number) => Math.abs(lhs - rhs) / err;

  it('report.json, HTML and Markdown of a run', async () => {
    const run = searchTheorem(bound, { seed: 's1', numRuns: 20, targetedSteps: 0 });
    expect(run.status).toBe('violated');
    const report = { ...sampleReport(), theorems: [{ order: 0, ...theoremReport(bound, run, 1) }] };
    const parsed = reportSchema.parse(JSON.parse(JSON.stringify(report)));
    const items = parsed.theorems[0].counterexamples.items;
    expect(items.length).toBeGreaterThan(0);
    for (const it of items) {
      expect(it.margin).toBeNull();
      expect(it.relativeMargin).toBeNull();
      expect(it.residualRatio).toBeCloseTo(ratioOf(it.lhs!, it.rhs!, it.errorBound!), 6);
    }
    const html = await renderHtml(parsed);
    const cx = html.slice(html.indexOf('<div class="cx">'));
    expect(cx).toMatch(/\|lhs − rhs\| \/ error bound <strong class="neg">/);
    expect(cx.slice(0, cx.indexOf('</div>'))).not.toMatch(/margin/);
    const md = renderMarkdown(parsed)
      .split('\n')
      .filter((l) => l.includes('found by'));
    expect(md.length).toBe(items.length);
    for (const l of md) {
      expect(l).toMatch(/\|lhs − rhs\| \/ error bound/);
      expect(l).not.toMatch(/margin/);
    }
  });
});

describe('high-probability claims and adversarial geometries', () => {
  const spec = (geometry: unknown) =>
    unitSphereClaim({
      id: 'sound.hp-geometry',
      statement: `|⟨x_1, x_2⟩| ≤ t w.p. ≥ 1 − ${DELTA} (fails on δ/2 of i.i.d. draws)`,
      geometry,
      rhs: () => threshold(DELTA / 2),
    });

  it('structured geometries (which would refute this TRUE claim: antipodal rows give |⟨x_1, x_2⟩| = 1) are a one-line UserError', () => {
    for (const g of ['adversarial', ['antipodal'], ['iid', 'clusters']]) {
      let err: unknown;
      try {
        defineBound(spec(g));
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(g)).toBeInstanceOf(UserError);
      expect((err as Error).message).not.toMatch(/\n/);
      expect((err as Error).message).toMatch(/high-probability bound is about i\.i\.d\. draws/);
    }
  });

  it("geometry ['iid'] keeps the law: the TRUE claim holds at budget 5 on four seeds", () => {
    const bound = defineBound(spec(['iid']));
    for (const seed of ['s1', 's2', 's3', 's4']) {
      const run = searchTheorem(bound, searchOptionsFor(bound, 5, seed));
      expect(run.status, seed).toBe('holds');
      expect(run.counterexamples.count).toBe(0);
    }
  });
});

describe('a rejected rate test refutes only on failed draws re-verified in 50-digit arithmetic', () => {
  const falseSpec = (lhs: (q: Quantities) => number) =>
    unitSphereClaim({
      id: 'sound.hp-false',
      statement: `|⟨x_1, x_2⟩| ≤ t w.p. ≥ 1 − ${DELTA} (t fails on 2δ of the draws: FALSE)`,
      lhs,
      rhs: () => threshold(2 * DELTA),
    });
  const out = () => mkdtempSync(join(tmpdir(), 'ntk-sound-hp-'));

  it('the FALSE claim is refuted, its evidence recording a confirmed 50-digit |⟨x_1, x_2⟩| above t', async () => {
    const r = await auditBound(defineBound(falseSpec((q) => q.maxInnerProduct)), { budget: 20, seed: 's1', workers: 1, exampleDb: null, outDir: out() });
    expect(r.verdict).toBe('refuted');
    const s = r.bounds[0].counterexamples.smallest!;
    expect(s.confirmation?.status).toBe('confirmed');
    const a = JSON.parse(readFileSync(s.artifact, 'utf8'));
    expect(a.confirmation.status).toBe('confirmed');
    expect(Number(a.confirmation.quantities.maxInnerProduct.lower)).toBeGreaterThan(threshold(2 * DELTA));
    expect(r.bounds[0].message).toMatch(/re-verified .* enough for the test to reject on them alone/);
  });

  it('the same claim read through q.matrix, whose failed draws the oracle cannot re-verify, is not refuted', async () => {
    const r = await auditBound(defineBound(falseSpec((q) => Math.abs(q.matrix('gram').get(0, 1)))), {
      budget: 20,
      seed: 's1',
      workers: 1,
      exampleDb: null,
      outDir: out(),
    });
    expect(r.verdict).not.toBe('refuted');
    expect(r.bounds[0].counterexamples.count).toBe(0);
    expect(r.bounds[0].message).toMatch(/not confirmed in 50-digit arithmetic/);
  });
});
