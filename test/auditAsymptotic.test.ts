import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliInProcess } from './support/cliInProcess.ts';

/**
 * `ntk-audit audit` on asymptotic bounds (defineBound({ asymptotic })), end to end through the CLI's main()
 * in process (test/support/cliInProcess.ts); the executable itself is run by test/audit.test.ts.
 */
async function cli(args: string[]) {
  const r = await cliInProcess(args);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('ntk-audit audit: asymptotic bounds', () => {
  it('a wrong exponent (Θ(d^1.2) for λ_min(K(L)), Theorem 3.2 of arXiv 2012.11654 says d^1) is refuted with replayable evidence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ntk-asym-'));
    // A large budget: the sweep (5 sizes × at most 6 draws) ends long before it, also on a loaded machine.
    const r = await cli(['audit', 'test/fixtures/audit/asymptotic-wrong.ts', '--budget', '30', '--json', '--out', dir]);
    expect(r.code).toBe(1);
    const b = JSON.parse(r.stdout).bounds[0];
    expect(b.verdict).toBe('refuted');
    expect(b.message).toMatch(/REFUTED — λ_min\(K\^\(L\)\) = Θ\(d\^1\.2\): fitted exponent 1\.0\d\d \[/);
    expect(b.scaling).toMatchObject({ relation: 'Theta', exponent: 1.2, tolerance: 0.1, variable: 'd', status: 'violated' });
    const bad = b.scaling.regimes.find((x: { status: string }) => x.status === 'violated');
    expect(bad.slopeHigh).toBeLessThan(1.1);
    expect(b.scaling.replay).toBe(`ntk-audit replay ${b.scaling.evidence}`);
    const ev = JSON.parse(readFileSync(b.scaling.evidence, 'utf8'));
    expect(ev.proposal.boundId).toBe('fixture.lambda-min-theta-d1.2');
    const rep = await cli(['replay', b.scaling.evidence, '--json']);
    expect(rep.code).toBe(1);
    expect(JSON.parse(rep.stdout)).toMatchObject({ theoremId: 'fixture.lambda-min-theta-d1.2', verdict: 'violated' });
  });

  it('the example (Θ(d) for λ_min(K(L)), two regimes) survives: exit 0, the fitted exponent of each regime inside [0.9, 1.1]', async () => {
    const r = await cli(['audit', 'examples/asymptotic-bound.ts', '--budget', '30', '--out', mkdtempSync(join(tmpdir(), 'ntk-asym-'))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/example\.lambda-min-theta-d: survived — λ_min\(K\^\(L\)\) = Θ\(d\^1\)/);
    expect(r.stdout).toMatch(/accepted exponents \[0\.9, 1\.1\]/);
    const fits = [...r.stdout.matchAll(/holds +N=8, L=\d, [a-z-]+: fitted exponent (\d\.\d+) \[(\d\.\d+), (\d\.\d+)\]/g)];
    expect(fits).toHaveLength(2);
    for (const [, , lo, hi] of fits) {
      expect(Number(lo)).toBeGreaterThanOrEqual(0.9);
      expect(Number(hi)).toBeLessThanOrEqual(1.1);
    }
    expect(r.stdout).toMatch(/verdict: survived/);
  });

  it('a noisy quantity on a tiny sweep is inconclusive: exit 4, with the interval and the reason', async () => {
    const r = await cli(['audit', 'test/fixtures/audit/asymptotic-noisy.ts', '--budget', '30', '--json', '--out', mkdtempSync(join(tmpdir(), 'ntk-asym-'))]);
    expect(r.code).toBe(4);
    const b = JSON.parse(r.stdout).bounds[0];
    expect(b.verdict).toBe('inconclusive');
    expect(b.message).toMatch(/INCONCLUSIVE — y = Θ\(d\^0\.5\): fitted exponent .* accepted \[0\.4, 0\.6\]; the interval is not decided by the band/);
    expect(b.scaling.regimes[0].slopeHigh - b.scaling.regimes[0].slopeLow).toBeGreaterThan(0.2);
  });

  it('a malformed asymptotic spec is ill-posed: exit 2, one line', async () => {
    const r = await cli(['audit', 'test/fixtures/audit/asymptotic-malformed.ts', '--budget', '1', '--out', mkdtempSync(join(tmpdir(), 'ntk-asym-'))]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/asymptotic\.sizes must span at least one decade/);
  });
});
