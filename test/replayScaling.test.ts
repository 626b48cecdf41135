import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog } from '../properties/index.ts';
import { searchCounts } from '../src/search/budget.ts';
import { searchTheorem } from '../src/search/search.ts';
import { cliInProcess } from './support/cliInProcess.ts';

describe('ntk-audit replay on scaling evidence', () => {
  it("states the law the re-fit was judged by (the catalog's), and the recorded one when they differ", async () => {
    const twin = catalog.find((t) => t.id === 'planted.nguyen2021.thm3.2.scaling-d^1.2')!;
    const dir = mkdtempSync(join(tmpdir(), 'ntk-replay-scaling-'));
    const run = searchTheorem(twin, { seed: 'ci', ...searchCounts(twin, 40, catalog.length), artifactsDir: dir });
    expect(run.status).toBe('violated');
    const path = run.scaling!.evidencePath!;
    const same = await cliInProcess(['replay', path]);
    expect(same.status).toBe(1);
    expect(same.stdout).toMatch(/claimed λ_min\(K\(L\)\) = Θ\(d\^1\.2\), exponent tolerance ±0\.1/);
    expect(same.stdout).not.toMatch(/recorded against/);
    // evidence recorded against another exponent: the verdict is the catalog law's, and so is the text
    const e = JSON.parse(readFileSync(path, 'utf8'));
    e.law.exponent = 1.3;
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, JSON.stringify(e));
    const other = await cliInProcess(['replay', edited]);
    expect(other.stdout).toMatch(/claimed λ_min\(K\(L\)\) = Θ\(d\^1\.2\)/);
    expect(other.stdout).toMatch(/recorded against λ_min\(K\(L\)\) = Θ\(d\^1\.3\)/);
    const json = JSON.parse((await cliInProcess(['replay', edited, '--json'])).stdout);
    expect(json.law.exponent).toBe(1.2);
    expect(json.recordedLaw.exponent).toBe(1.3);
  });

  it('a malformed evidence file is a one-line error (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ntk-replay-scaling-'));
    const cases = [
      '{"format":"ntk-audit/scaling-evidence"',
      '{"format":"ntk-audit/scaling-evidence","version":1}',
      JSON.stringify({
        format: 'ntk-audit/scaling-evidence',
        version: 1,
        theoremId: 'nguyen2021.thm3.2.scaling',
        theoremTitle: 'x',
        packageVersion: '0',
        runSeed: 's',
        law: { variable: 'd', quantity: 'q', relation: 'Theta', exponent: 1, tolerance: 0.1 },
        alpha: 0.001,
        status: 'violated',
        regimes: [{ regime: 'L=2, gaussian', slope: 1, slopeLow: 0.9, slopeHigh: 1.1, status: 'violated', draws: [{ descriptor: { foo: 1 }, x: 1, y: 1 }] }],
      }),
    ];
    for (const [i, text] of cases.entries()) {
      const f = join(dir, `bad${i}.json`);
      writeFileSync(f, text);
      const r = await cliInProcess(['replay', f]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
