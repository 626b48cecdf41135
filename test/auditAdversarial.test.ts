import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliInProcess } from './support/cliInProcess.ts';

/** `ntk-audit audit` of a proposal with adversarial geometries (examples/adversarial-bound.ts), replay and example database. */
const out = () => mkdtempSync(join(tmpdir(), 'ntk-audit-adv-'));

describe('ntk-audit audit with instances.geometry', () => {
  it('refutes the example at budget 5; the counterexample replays, and its descriptor refutes again from the example database', async () => {
    const db = out();
    const r = await cliInProcess(['audit', 'examples/adversarial-bound.ts', '--budget', '5', '--json', '--out', out(), '--example-db', db]);
    expect(r.status).toBe(1);
    const b = JSON.parse(r.stdout).bounds[0];
    expect(b.verdict).toBe('refuted');
    const s = b.counterexamples.smallest;
    expect(s.margin).toBeLessThan(-s.errorBound);
    expect(Object.keys(s.descriptor)).toEqual(['n', 'd', 'depth', 'widths', 'init', 'data', 'normalize', 'seed', 'geometry', 'k', 'moves']);
    expect(b.conventions.geometry).toMatch(/near-duplicate/);
    expect(b.cells.some((c: { key: string }) => c.key === 'geometry')).toBe(true);
    const a = JSON.parse(readFileSync(s.artifact, 'utf8'));
    expect(a.confirmation).toMatchObject({ status: 'confirmed', verdict: 'violated' });
    const rep = await cliInProcess(['replay', s.artifact, '--json']);
    expect(rep.status).toBe(1);
    expect(JSON.parse(rep.stdout)).toMatchObject({ theoremId: 'example.hinf-without-separation', verdict: 'violated' });
    // a tiny budget with the saved examples: the recorded descriptors are re-materialised and violate again
    const again = await cliInProcess([
      'audit',
      'examples/adversarial-bound.ts',
      '--budget',
      '1',
      '--seed',
      'other',
      '--json',
      '--out',
      out(),
      '--example-db',
      db,
    ]);
    const b2 = JSON.parse(again.stdout).bounds[0];
    expect(b2.examples.replayed).toBeGreaterThan(0);
    expect(b2.examples.violated).toBeGreaterThan(0);
  });
});
