import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineBound } from '../src/audit/defineBound.ts';
import { searchOptionsFor } from '../src/audit/runAudit.ts';
import { binomialUpperTail } from './support/binomial.ts';
import { cliInProcess } from './support/cliInProcess.ts';
import { SPHERE_D, SPHERE_DELTA, sphereThreshold, unitSphereClaim } from './support/unitSphereClaim.ts';
import { highProbabilityConfigVerdict, highProbabilityTestLevel, searchTheorem } from '../src/search/search.ts';

/**
 * High-probability claims ("with probability ≥ 1 − δ over the draw, P holds") may be refuted only by
 * the exact binomial test of their failure rate; a single failed draw is allowed and is never a
 * counterexample. Calibrated with a closed form: for X, Y independent and uniform on S^{d−1},
 * ⟨X, Y⟩ has the law of one coordinate X_1, and X_1² ~ Beta(1/2, (d − 1)/2). So for N = 2 points,
 *     P(max_{i≠j} |⟨x_i, x_j⟩| > t) = p   exactly when   t² = B⁻¹(1 − p; 1/2, (d − 1)/2),
 * which gives bounds whose true failure rate is known exactly (δ/2: a TRUE claim; 2δ: a FALSE one).
 */
const D = SPHERE_D;
const DELTA = SPHERE_DELTA;
const threshold = sphereThreshold;

function sphereBound(id: string, failureRate: number) {
  return defineBound(
    unitSphereClaim({
      id,
      statement: `max_{i≠j} |⟨x_i, x_j⟩| ≤ t with probability ≥ 1 − ${DELTA} (t calibrated to fail with probability ${failureRate})`,
      rhs: () => threshold(failureRate),
    }),
  );
}

/** The audit's own search (what an audit worker runs), without the wall-clock deadline. */
function audit(bound: ReturnType<typeof defineBound>, budget: number, seed: string) {
  return searchTheorem(bound, searchOptionsFor(bound, budget, seed));
}

const SEEDS = ['s1', 's2', 's3', 's4'];
/** The audits of the TRUE δ/2 bound at budget 120, one per seed: made once, read by the calibration test and the survival test. */
let atBudget120: ReturnType<typeof audit>[] | undefined;
const trueRuns = (budget: number) =>
  budget === 120
    ? (atBudget120 ??= SEEDS.map((seed) => audit(sphereBound('cal.true', DELTA / 2), 120, seed)))
    : SEEDS.map((seed) => audit(sphereBound('cal.true', DELTA / 2), budget, seed));

describe('calibrated high-probability bounds', () => {
  it('the calibration is right: the empirical failure rate of the δ/2 bound is near δ/2', () => {
    // ≥ 2,000 draws per seed at p = 0.05, 4 seeds: each observed rate, and the pooled one, lies within ±5 standard errors of p.
    let draws = 0,
      failures = 0;
    for (const run of trueRuns(120)) {
      const c = run.highProbability!.configs[0];
      expect(c.draws).toBeGreaterThanOrEqual(2000);
      expect(Math.abs(c.failures / c.draws - 0.05)).toBeLessThan(5 * Math.sqrt((0.05 * 0.95) / c.draws));
      draws += c.draws;
      failures += c.failures;
    }
    expect(Math.abs(failures / draws - 0.05)).toBeLessThan(5 * Math.sqrt((0.05 * 0.95) / draws));
  });

  for (const budget of [5, 20, 120]) {
    it(`a TRUE bound failing on δ/2 of the draws survives at budget ${budget} (several seeds), its failed draws are not counterexamples`, () => {
      for (const [i, run] of trueRuns(budget).entries()) {
        const seed = SEEDS[i];
        expect(run.status, `seed ${seed}`).toBe('holds');
        expect(run.counts.violated, `seed ${seed}: some draws fail, as allowed`).toBeGreaterThan(0);
        expect(run.counterexamples.count).toBe(0);
        expect(run.highProbability!.configs.every((c) => c.status === 'consistent')).toBe(true);
      }
    });
  }

  it('a FALSE bound failing on 2δ of the draws is refuted at budget 20 (several seeds), with the worst failed draw as evidence', () => {
    for (const seed of SEEDS) {
      const run = audit(sphereBound('cal.false', 2 * DELTA), 20, seed);
      expect(run.status, `seed ${seed}`).toBe('violated');
      expect(run.highProbability!.configs.some((c) => c.status === 'rejected' && c.failureRateLower > DELTA)).toBe(true);
      expect(run.counterexamples.count).toBe(1);
    }
  });
});

describe('the rate test of one configuration', () => {
  it('rejects exactly when the exact binomial tail P(X ≥ failures | δ) is ≤ α, counting inconclusive draws as successes', () => {
    const alpha = 0.01;
    for (const [n, delta] of [
      [40, 0.1],
      [200, 0.05],
      [500, 0.2],
    ] as const) {
      for (let k = 0; k <= n; k += Math.max(1, Math.floor(n / 60))) {
        const tail = binomialUpperTail(k, n, delta);
        if (Math.abs(tail / alpha - 1) < 1e-6) continue; // the boundary itself: either answer is rounding
        const v = highProbabilityConfigVerdict(k, 0, n, delta, alpha);
        expect(v.status === 'rejected', `n=${n} δ=${delta} k=${k} tail=${tail}`).toBe(tail <= alpha);
        // Inconclusive draws never help a refutation.
        const withUndecided = highProbabilityConfigVerdict(k, Math.min(5, n - k), n, delta, alpha);
        expect(withUndecided.status === 'rejected').toBe(tail <= alpha);
      }
    }
  });

  it('holds only when inconclusive draws counted as failures still do not reject, and the test had teeth', () => {
    // 2 failures + 0 inconclusive of 100 at δ = 0.1: consistent.
    expect(highProbabilityConfigVerdict(2, 0, 100, 0.1, 0.01).status).toBe('consistent');
    // The same with 30 inconclusive draws: they could be failures, and then the rate test rejects.
    expect(binomialUpperTail(32, 100, 0.1)).toBeLessThan(0.01);
    expect(highProbabilityConfigVerdict(2, 30, 100, 0.1, 0.01).status).toBe('inconclusive');
    // All draws inconclusive: inconclusive, never holds.
    expect(highProbabilityConfigVerdict(0, 100, 100, 0.1, 0.01).status).toBe('inconclusive');
    // Too few draws to ever reject (δ = 0.5, α = 0.01: even 6 failures of 6 have probability 1/64 > α).
    expect(binomialUpperTail(6, 6, 0.5)).toBeGreaterThan(0.01);
    expect(highProbabilityConfigVerdict(0, 0, 6, 0.5, 0.01).status).toBe('inconclusive');
    expect(highProbabilityConfigVerdict(0, 0, 0, 0.1, 0.01).status).toBe('inconclusive');
  });

  it('the level of each test is Bonferroni over every test of the run: claims × configurations', () => {
    expect(highProbabilityTestLevel({ alpha: 0.05, claimsInRun: 63, hpConfigs: 12 })).toBeCloseTo(0.05 / (63 * 12), 15);
    expect(highProbabilityTestLevel({ claimsInRun: 1, hpConfigs: 3 })).toBeCloseTo(0.05 / 3, 15);
  });

  it('a claim whose draws are all inconclusive is inconclusive, not holds', () => {
    const blurred = defineBound(
      unitSphereClaim({
        id: 'cal.blurred',
        statement: 'max |⟨x_i, x_j⟩| ≤ 1 with an error bound too wide to decide',
        lhs: (q) => ({ value: q.maxInnerProduct, error: 10 }),
        rhs: () => 1,
      }),
    );
    const run = audit(blurred, 5, 's1');
    expect(run.counts.inconclusive).toBeGreaterThan(0);
    expect(run.counts.holds).toBe(0);
    expect(run.status).toBe('inconclusive');
  });
});

describe('ntk-audit audit on a high-probability bound (CLI)', () => {
  const ROOT = new URL('..', import.meta.url).pathname;
  const write = (body: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'ntk-hp-'));
    const file = join(dir, 'bound.ts');
    writeFileSync(file, body);
    return { dir, file };
  };
  const proposal = (rate: number) => `import { defineBound } from ${JSON.stringify(join(ROOT, 'src/index.ts'))};
export default defineBound({
  id: 'user.sphere-max-inner-product',
  statement: 'max |<x_i, x_j>| <= t w.p. >= 1 - ${DELTA}',
  kind: 'high-probability',
  delta: ${DELTA},
  instances: { n: [2, 2], d: [${D}, ${D}], data: ['unit-sphere'] },
  lhs: (q) => q.maxInnerProduct,
  relation: '<=',
  rhs: () => ${threshold(rate)},
});
`;
  // the command's main() in process (test/support/cliInProcess.ts): exit code and output as the executable's
  const cli = cliInProcess;

  it('a true bound survives with its failed draws reported as failed draws (exit 0); a false one is refuted by the rate test (exit 1)', async () => {
    const t = write(proposal(DELTA / 2));
    // the text output, and the result object (audit.json, what --json prints: src/cli/audit.ts) of the same audit
    const ok = await cli(['audit', t.file, '--budget', '20', '--out', t.dir]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/failed draws/);
    expect(ok.stdout).not.toMatch(/counterexample/);
    const j = JSON.parse(readFileSync(join(t.dir, 'audit.json'), 'utf8'));
    expect(j.verdict).toBe('survived');
    expect(j.bounds[0].counts.violated).toBeGreaterThan(0);
    expect(j.bounds[0].counterexamples.count).toBe(0);

    const f = write(proposal(2 * DELTA));
    const bad = await cli(['audit', f.file, '--budget', '20', '--out', f.dir]);
    expect(bad.status, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/REFUTED — the failure rate exceeds δ = 0\.1/);
  }, 180_000); // two audits at budget 20: 37 s for three on 2 cores at load ≈ 12
});
