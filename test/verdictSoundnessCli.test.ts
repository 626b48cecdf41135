import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import { describe, expect, it } from 'vitest';
import { type AuditResult, runCatalog } from '../src/api.ts';
import { formatCounterexample } from '../src/vitest.ts';
import { cliInProcess } from './support/cliInProcess.ts';

/**
 * The slower half of test/verdictSoundness.test.ts: the same rules through the command line and a user catalog
 * (worker threads that load a proposal module).
 */
const ROOT = new URL('..', import.meta.url).pathname;

/** A new temporary directory (named after `prefix`) holding the module `name`: `body` after an import of defineBound from this checkout. */
function proposal(prefix: string, name: string, body: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, name);
  writeFileSync(file, `import { defineBound } from ${JSON.stringify(join(ROOT, 'src/index.ts'))};\n${body}`);
  return { dir, file };
}

describe('ntk-audit run --catalog: bounds made by defineBound are confirmed like in `audit`', () => {
  it('a violation that reads only q.matrix is not reported; confirmable ones (and a rejected rate test) are, their artifacts recording the 50-digit confirmation and replaying', async () => {
    const { dir, file } = proposal(
      'ntk-sound-cat-',
      'catalog.ts',
      `export const catalog = [
  defineBound({ id: 'cat.matrix-only', statement: 'K_11 >= 2 K_11 (false; read through q.matrix)', instances: { n: [2, 4], d: [2, 4] },
    lhs: (q) => q.matrix('ntk').get(0, 0), relation: '>=', rhs: (q) => 2 * q.matrix('ntk').get(0, 0) }),
  defineBound({ id: 'cat.false', statement: 'lambda_min(K) <= 0 (false)', instances: { n: [2, 4], d: [2, 4] },
    lhs: (q) => q.lambdaMinNTK, relation: '<=', rhs: () => 0 }),
  // |<x_1, x_2>| of two uniform points on S^7 exceeds its median on half of the draws: FALSE at delta = 0.1
  defineBound({ id: 'cat.hp-false', statement: '|<x_1, x_2>| <= median w.p. >= 0.9 (false)', kind: 'high-probability', delta: 0.1,
    instances: { n: [2, 2], d: [8, 8], data: ['unit-sphere'] }, lhs: (q) => q.maxInnerProduct, relation: '<=', rhs: () => ${Math.sqrt(betaQuantile(0.5, 0.5, 3.5))} }),
];
`,
    );
    const report = await runCatalog({ catalog: file, budget: 16, seed: 's1', workers: 1, outDir: join(dir, 'reports'), formats: ['json'] });
    const byId = new Map(report.theorems.map((t) => [t.id, t]));
    const mx = byId.get('cat.matrix-only')!;
    expect(mx.status).not.toBe('violated');
    expect(mx.counts.violated).toBe(0);
    const f = byId.get('cat.false')!;
    expect(f.status).toBe('violated');
    const arts = readdirSync(join(dir, 'reports', 'counterexamples')).filter((n) => n.endsWith('.json'));
    expect(arts.length).toBeGreaterThan(0);
    expect(byId.get('cat.hp-false')!.status).toBe('violated');
    expect(arts.every((n) => n.startsWith('cat.false--') || n.startsWith('cat.hp-false--'))).toBe(true);
    expect(arts.some((n) => n.startsWith('cat.hp-false--'))).toBe(true);
    for (const n of arts) {
      const a = JSON.parse(readFileSync(join(dir, 'reports', 'counterexamples', n), 'utf8'));
      expect(a.confirmation?.status, n).toBe('confirmed');
      // the artifact records the catalog module, so that it replays without the built-in catalog
      const rp = await cliInProcess(['replay', join(dir, 'reports', 'counterexamples', n)]);
      expect(rp.status, rp.stderr).toBe(1);
      expect(rp.stdout).toMatch(/: violated/);
      if (n.startsWith('cat.hp-false--')) {
        // the evidence of the rejected rate test: a failed draw whose 50-digit |<x_1, x_2>| exceeds the median
        expect(Number(a.confirmation.quantities.maxInnerProduct.lower), n).toBeGreaterThan(Math.sqrt(betaQuantile(0.5, 0.5, 3.5)));
        continue;
      }
      // λ_min(K^(2)) > 0 for distinct non-parallel rows: the recorded 50-digit enclosure lies above 0
      expect(Number(a.confirmation.quantities.lambdaMinNTK.lower), n).toBeGreaterThan(0);
    }
  });
});

describe('a refuted identity (==) through the command line', () => {
  const ratioOf = (lhs: number, rhs: number, err: number) => Math.abs(lhs - rhs) / err;

  it('audit JSON (API), CLI text and replay (text and --json)', async () => {
    const { dir: out, file } = proposal(
      'ntk-sound-id-',
      'identity.ts',
      `export default defineBound({ id: 'sound.trace-identity', statement: 'tr K^(L) == sum |x_i|^2 (false for L >= 2)', instances: { n: [1, 4], d: [1, 3], depth: [2, 3] }, lhs: (q) => q.trace('ntk'), relation: '==', rhs: (q) => q.sumNormSq });
`,
    );
    const a = await cliInProcess(['audit', file, '--budget', '1', '--seed', 's1', '--json', '--out', out, '--example-db', 'none']);
    const r = JSON.parse(a.stdout) as AuditResult;
    expect(r.verdict).toBe('refuted');
    const c = r.bounds[0].counterexamples.smallest!;
    expect(c.margin).toBeNull();
    expect(c.relativeMargin).toBeNull();
    expect(c.residual).toBe(Math.abs(c.lhs - c.rhs));
    expect(c.residualRatio).toBeCloseTo(ratioOf(c.lhs, c.rhs, c.errorBound), 6);
    expect(c.residualRatio!).toBeGreaterThan(1);
    const text = formatCounterexample('smallest counterexample', c).join('\n');
    expect(text).toMatch(/\|lhs − rhs\| = .* × its error bound/);
    expect(text).not.toMatch(/margin/);
    const t = await cliInProcess(['replay', c.artifact]);
    expect(t.stdout).toMatch(/\|lhs − rhs\| = .* × its error bound/);
    expect(t.stdout).not.toMatch(/margin/);
    const j = JSON.parse((await cliInProcess(['replay', c.artifact, '--json'])).stdout);
    expect(j.margin).toBeUndefined();
    expect(j.recordedMargin).toBeUndefined();
    expect(j.confirmation.margin).toBeUndefined();
    expect(j.residualRatio).toBeCloseTo(ratioOf(j.lhs, j.rhs, j.errorBound), 6);
  });
});
