import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AUDIT_SPACE, defineBound } from '../src/audit/defineBound.ts';
import { exampleKey } from '../src/audit/runAudit.ts';
import { DEFAULT_EXAMPLE_DB, exampleDbDir } from '../src/search/exampleDb.ts';
import { cliInProcess } from './support/cliInProcess.ts';

/**
 * The example database of `ntk-audit audit` (src/audit/runAudit.ts, src/search/exampleDb.ts), on a false bound
 * that fails on one cell of 121 (test/fixtures/audit/needle.ts): the random search of a tiny budget misses it,
 * a larger one finds it, and from then on the tiny audit refutes it from the saved examples.
 */
const NEEDLE = 'test/fixtures/audit/needle.ts';
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

async function audit(args: string[], env: Record<string, string | undefined> = {}) {
  const r = await cliInProcess(['audit', NEEDLE, '--json', '--out', tmp('ntk-auditdb-out-'), ...args], env);
  return { code: r.status, stderr: r.stderr, j: JSON.parse(r.stdout) };
}

describe('ntk-audit audit with an example database', () => {
  it('saved counterexamples refute at a tiny budget what its random search misses; --example-db none does not use them; a damaged file is kept, not overwritten', async () => {
    const db = tmp('ntk-auditdb-');
    const tiny = ['--budget', '0.01', '--seed', 'b'];
    // without the database the tiny budget misses the needle
    const miss = await audit([...tiny, '--example-db', 'none']);
    expect(miss.code, miss.stderr).toBe(0);
    expect(miss.j.verdict).toBe('survived');
    expect(miss.j.exampleDb).toBeNull();
    expect(miss.j.bounds[0].examples).toBeUndefined();

    // a larger budget finds it and saves it (with the closest calls) under the bound's key
    const found = await audit(['--budget', '8', '--seed', 'a', '--example-db', db]);
    expect(found.code, found.stderr).toBe(1);
    const b0 = found.j.bounds[0];
    expect(b0.counterexamples.smallest.descriptor).toMatchObject({ n: 37, d: 23 });
    expect(b0.counterexamples.smallest.foundBy).not.toBe('example');
    expect(b0.examples).toMatchObject({ replayed: 0, violated: 0 });
    const files = readdirSync(db);
    expect(files).toEqual([`${b0.examples.key}.json`]);
    expect(b0.examples.key).toMatch(/^fixture\.needle--[0-9a-f]{12}$/);
    const saved = JSON.parse(readFileSync(join(db, files[0]), 'utf8'));
    expect(saved.entries[0]).toMatchObject({ role: 'counterexample', descriptor: { n: 37, d: 23 } });
    expect(saved.entries.some((e: { role: string }) => e.role === 'near-miss')).toBe(true);

    // the tiny audit again, now with the database: refuted at once, by the replayed example
    const hit = await audit([...tiny, '--example-db', db]);
    expect(hit.code, hit.stderr).toBe(1);
    const b1 = hit.j.bounds[0];
    expect(b1.verdict).toBe('refuted');
    expect(b1.counterexamples.smallest.foundBy).toBe('example');
    expect(b1.counterexamples.smallest.descriptor).toEqual(b0.counterexamples.smallest.descriptor);
    expect(b1.examples.replayed).toBe(saved.entries.length);
    expect(b1.examples.violated).toBeGreaterThan(0);
    // the examples come on top of the budget: the same search, plus the replayed descriptors it did not draw
    expect(b1.evaluated).toBeGreaterThan(miss.j.bounds[0].evaluated);
    expect(b1.evaluated).toBeLessThanOrEqual(miss.j.bounds[0].evaluated + saved.entries.length);
    expect(hit.stderr).toBe('');

    // saved descriptors outside the bound's space (a file edited by hand) are not replayed: N = 41 fails the
    // bound, but lies beyond its space (N ≤ 40), where it claims nothing; they are dropped from the file
    const db2 = tmp('ntk-auditdb-fenced-');
    const outside = [{ ...b0.counterexamples.smallest.descriptor, n: 41 }, {}];
    writeFileSync(
      join(db2, files[0]),
      JSON.stringify({ ...saved, entries: outside.map((descriptor) => ({ descriptor, role: 'counterexample', relativeMargin: -0.5 })) }),
    );
    const fenced = await audit([...tiny, '--example-db', db2]);
    expect(fenced.code, fenced.stderr).toBe(0);
    expect(fenced.j.bounds[0].counts).toEqual(miss.j.bounds[0].counts);
    expect(fenced.j.bounds[0].examples.replayed).toBe(0);
    expect(fenced.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^ntk-audit: example database: 2 saved example\(s\) of fixture\.needle--[0-9a-f]{12} outside its instance space ignored \(and dropped\), first: \{"n":41,/,
      ),
    ]);
    const after = JSON.parse(readFileSync(join(db2, files[0]), 'utf8')).entries;
    expect(after.length).toBeGreaterThan(0);
    for (const e of after) expect(e).toMatchObject({ role: 'near-miss' });

    // a damaged database file: one line on stderr, the file kept byte for byte, the audit as without it
    const damaged = '{"format": "ntk-audit/examples", "version": 1, "entries": [{"descr';
    writeFileSync(join(db, files[0]), damaged);
    const bad = await audit([...tiny, '--example-db', db]);
    expect(bad.code, bad.stderr).toBe(0);
    expect(bad.j.bounds[0].counts).toEqual(miss.j.bounds[0].counts);
    const lines = bad.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^ntk-audit: example database: .*${files[0].replace(/\./g, '\\.')} ignored \\(.*\\); it is not overwritten: the next save renames it to ${files[0].replace(/\./g, '\\.')}\\.corrupt`,
      ),
    );
    expect(bad.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(readFileSync(join(db, `${files[0]}.corrupt`), 'utf8')).toBe(damaged);
    expect(JSON.parse(readFileSync(join(db, files[0]), 'utf8')).entries.length).toBeGreaterThan(0);
  });

  it('is off under CI=true unless a directory is named; the key follows the instance space', () => {
    const saved = process.env.CI;
    try {
      process.env.CI = 'true';
      expect(exampleDbDir(undefined)).toBeNull();
      expect(exampleDbDir('some/dir')).toBe(resolve('some/dir'));
      delete process.env.CI;
      expect(exampleDbDir(undefined)).toBe(resolve(DEFAULT_EXAMPLE_DB));
      expect(exampleDbDir('none')).toBeNull();
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
    const bound = (n: [number, number], d?: [number, number]) =>
      defineBound({ id: 'k.b', statement: 's', instances: { n, ...(d ? { d } : {}) }, lhs: () => 0, relation: '<=', rhs: () => 1 });
    const k = (t: ReturnType<typeof bound>, text = 'module A') => exampleKey(t, text);
    // the same space (the default d written out or not) gives the same key, whatever the module's text
    expect(k(bound([2, 8]))).toBe(k(bound([2, 8], [2, 16]), 'module B'));
    // another space, another key
    expect(k(bound([2, 9]))).not.toBe(k(bound([2, 8])));
    expect(k(bound([2, 8], [2, 15]))).not.toBe(k(bound([2, 8])));
    // every descriptor the space draws is in it; a step outside any range, or a stray key, is not
    const t = bound([2, 8], [3, 5]);
    const space = t[AUDIT_SPACE]!;
    const drawn = fc.sample(t.descriptors, { seed: 1, numRuns: 300 });
    for (const d of drawn) expect(space.contains(d)).toBe(true);
    const d0 = drawn[0];
    for (const bad of [
      { ...d0, n: 9 },
      { ...d0, n: 1 },
      { ...d0, d: 6 },
      { ...d0, depth: 3 },
      { ...d0, widths: [65] },
      { ...d0, widths: [] },
      { ...d0, init: 'he' },
      { ...d0, data: 'mnist' },
      { ...d0, normalize: 'unit' },
      { ...d0, seed: '2147483648' },
      { ...d0, seed: 7 },
      { ...d0, extra: 1 },
      null,
      [],
    ])
      expect(space.contains(bad)).toBe(false);
    expect(existsSync(NEEDLE)).toBe(true);
  });
});
