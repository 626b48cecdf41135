import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../src/io/npy.ts';
import { cliInProcess } from './support/cliInProcess.ts';

/**
 * `ntk-audit audit` end to end. The first test spawns the CLI as users run it; the others run the same
 * main() in process (test/support/cliInProcess.ts), which saves 2–5 s of TypeScript loading per call.
 */
const ROOT = new URL('..', import.meta.url).pathname;
async function cli(args: string[]) {
  const t0 = Date.now();
  const r = await cliInProcess(args);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}
function spawnCli(args: string[], timeout = 90_000) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}
const out = () => mkdtempSync(join(tmpdir(), 'ntk-audit-'));

describe('ntk-audit audit', () => {
  it('a true bound survives (exit 0) and --json carries the verdict', () => {
    const r = spawnCli(['audit', 'examples/correct-bound.ts', '--budget', '5', '--json', '--out', out()]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.verdict).toBe('survived');
    expect(j.bounds[0].counts.holds).toBeGreaterThan(50);
    expect(j.bounds[0].counts.violated).toBe(0);
  });

  it('a proposal written with the interval arithmetic (import { interval }) survives with rigorous errors', async () => {
    const r = await cli(['audit', 'examples/rigorous-acos-bound.ts', '--budget', '3', '--json', '--out', out()]);
    expect(r.code).toBe(0);
    const b = JSON.parse(r.stdout).bounds[0];
    expect(b.verdict).toBe('survived');
    expect(b.counts.violated).toBe(0);
    expect(b.errorCount).toBe(0);
    // Strict interlacing for N ≥ 3 gives conclusive passes; N ≤ 2 (equality) stays inconclusive.
    expect(b.counts.holds).toBeGreaterThan(20);
    expect(b.counts.inconclusive).toBeGreaterThan(0);
  });

  it('a false bound is refuted within seconds with a replayable artifact and a .npy of the data', async () => {
    const dir = out();
    const r = await cli(['audit', 'examples/wrong-bound.ts', '--budget', '10', '--out', dir]);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(20_000);
    expect(r.stdout).toMatch(/REFUTED/);
    expect(r.stdout).toMatch(/verdict: refuted/);
    const j = JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8'));
    const s = j.bounds[0].counterexamples.smallest;
    expect(s.margin).toBeLessThan(-s.errorBound);
    const x = parseNpy(readFileSync(s.npy));
    expect([x.rows, x.cols]).toEqual([s.N, s.d]);
    const rep = await cli(['replay', s.artifact, '--json']);
    expect(rep.code).toBe(1);
    expect(JSON.parse(rep.stdout)).toMatchObject({ theoremId: 'example.wrong-min-norm', verdict: 'violated' });
    // Both reported counterexamples were re-verified in 50-digit decimal arithmetic (src/audit/confirm.ts).
    expect(j.bounds[0].counterexamples.confirmation.confirmed).toBeGreaterThanOrEqual(1);
    for (const c of [s, j.bounds[0].counterexamples.worst]) {
      const a = JSON.parse(readFileSync(c.artifact, 'utf8'));
      expect(a.confirmation).toMatchObject({ status: 'confirmed', verdict: 'violated', digits: 50 });
      expect(Object.keys(a.confirmation.quantities).sort()).toEqual(['lambdaMinNTK', 'minNormSq']);
      const lam = a.confirmation.quantities.lambdaMinNTK;
      expect(Number(lam.lower)).toBeLessThanOrEqual(Number(lam.upper));
      expect(Number(a.confirmation.margin)).toBeLessThan(-Number(a.confirmation.errorBound));
    }
    expect(JSON.parse(rep.stdout).confirmation).toMatchObject({ status: 'confirmed', verdict: 'violated' });
    // --confirm re-runs the confirmation from the artifact alone.
    const text = await cli(['replay', s.artifact, '--confirm']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/confirmation: confirmed, verdict violated \(decimal\.js, 50 digits, LDLᵀ inertia/);
  });

  it('a bound true only in part of its regime: refuted, with surviving and refuted cells', async () => {
    const r = await cli(['audit', 'examples/partial-bound.ts', '--budget', '5', '--json', '--out', out()]);
    expect(r.code).toBe(1);
    const cells = JSON.parse(r.stdout).bounds[0].cells as { key: string; value: string; status: string }[];
    expect(cells.find((c) => c.key === 'regime' && c.value === 'd ≥ N')?.status).toBe('survived');
    expect(cells.find((c) => c.key === 'regime' && c.value === 'd < N')?.status).toBe('refuted');
  });

  it('a predicate that throws on every instance is ill-posed: exit 2, one line', async () => {
    const r = await cli(['audit', 'test/fixtures/audit/throwing.ts', '--budget', '3', '--out', out()]);
    expect(r.code).toBe(2);
    const last = r.stderr.trim().split('\n').pop()!;
    expect(last).toMatch(/^ntk-audit: ill-posed: fixture.throws-always: failed on every instance .*boom: not implemented/);
    expect(r.stdout).toBe('');
  });

  it('throwing on some instances is reported, the rest audited, and the verdict is partial (exit 5), never survived', async () => {
    // the text output, and the result object (audit.json, what --json prints: src/cli/audit.ts) of the same audit
    const dir = out();
    const text = await cli(['audit', 'test/fixtures/audit/throwing-some.ts', '--budget', '3', '--out', dir]);
    expect(text.code).toBe(5);
    expect(text.stdout).toMatch(/verdict: partial/);
    const b = JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8')).bounds[0];
    expect(b.verdict).toBe('partial');
    expect(b.errorCount).toBeGreaterThan(0);
    expect(b.errors[0].instance).toMatch(/^N=5 /);
    expect(b.counts.holds).toBeGreaterThan(0);
    expect(b.message).toMatch(
      /PARTIAL — no counterexample where the bound could be evaluated .* but its sides failed on \d+ instance\(s\), which were not tested/,
    );
  });

  it('a false bound that throws on some instances is still refuted by its certified counterexamples', async () => {
    const r = await cli(['audit', 'test/fixtures/audit/wrong-throwing-some.ts', '--budget', '3', '--json', '--out', out()]);
    expect(r.code, r.stderr).toBe(1);
    const b = JSON.parse(r.stdout).bounds[0];
    expect(b.verdict).toBe('refuted');
    expect(b.errorCount).toBeGreaterThan(0);
    expect(b.counterexamples.smallest.margin).toBeLessThan(-b.counterexamples.smallest.errorBound);
  });

  it('the budget is instance counts: a tiny budget still runs the minimum search, and the same audit gives the same counts', async () => {
    const { runAudit } = await import('../src/audit/runAudit.ts');
    const a = await runAudit({ file: 'examples/correct-bound.ts', seed: 's', budgetSeconds: 1e-9, instanceTimeoutSeconds: 10, outDir: out() });
    expect(a.verdict).toBe('survived');
    const b = await runAudit({ file: 'examples/correct-bound.ts', seed: 's', budgetSeconds: 1e-9, instanceTimeoutSeconds: 10, outDir: out() });
    expect(b.bounds[0].counts).toEqual(a.bounds[0].counts);
    expect(a.bounds[0].evaluated).toBeGreaterThanOrEqual(25); // the minimum random phase (searchOptionsFor)
  });

  it('the wall-clock safety stop before any instance is inconclusive, not ill-posed', async () => {
    const { runAudit } = await import('../src/audit/runAudit.ts');
    const r = await runAudit({ file: 'examples/correct-bound.ts', seed: 's', budgetSeconds: 3, instanceTimeoutSeconds: 10, outDir: out(), safetyStopMs: 0 });
    expect(r.verdict).toBe('inconclusive');
    expect(r.bounds[0].message).toMatch(/INCONCLUSIVE — the safety stop \(10× the budget of wall time\) came before any instance was evaluated/);
  });

  it('NaN and wrong types are ill-posed (exit 2, one line)', async () => {
    for (const [f, re] of [
      ['nan.ts', /rhs returned NaN on instance N=\d+/],
      ['wrong-type.ts', /rhs returned string "big"/],
    ] as const) {
      const r = await cli(['audit', `test/fixtures/audit/${f}`, '--budget', '3', '--out', out()]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
  });

  it('a module that fails to load is ill-posed (exit 2, one line; also with --json)', async () => {
    const dir = out();
    writeFileSync(join(dir, 'broken.ts'), 'export default {;\n');
    const r = await cli(['audit', join(dir, 'broken.ts'), '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/ill-posed: .*broken.ts failed to load/);
    const j = await cli(['audit', join(dir, 'broken.ts'), '--json', '--out', dir]);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout).verdict).toBe('ill-posed');
    const missing = await cli(['audit', join(dir, 'nope.ts')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/file not found/);
  });

  it('a hanging predicate is stopped by the per-instance timeout, named, and the audit goes on', async () => {
    const r = await cli(['audit', 'test/fixtures/audit/hanging.ts', '--budget', '4', '--instance-timeout', '1', '--json', '--out', out()]);
    const b = JSON.parse(r.stdout).bounds[0];
    expect(b.timeouts.length).toBeGreaterThan(0);
    expect(b.timeouts[0].instance).toMatch(/^N=5 /);
    expect(b.timeouts[0].message).toMatch(/timed out after 1 s/);
    expect(b.counts.holds).toBeGreaterThan(0);
    // Three hung instances stop the bound's search (each would cost the timeout): partial, not `survived`.
    expect(b.timeouts.length).toBe(3);
    expect(b.verdict).toBe('partial');
    expect(b.message).toMatch(/PARTIAL — 3 instances hung \(timed out after 1 s each\), so the search was stopped: \d+ planned instance\(s\) not evaluated/);
    expect(r.code).toBe(5);
  });

  it('Iris as a named distribution: survives, and the dropped duplicate is reported', async () => {
    const r = await cli(['audit', 'test/fixtures/audit/iris.ts', '--budget', '3', '--out', out()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/iris: dropped 1 duplicate row\(s\) \(row 143 = row 102\)/);
  });
});
