import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditBound, runCatalog, UserError, type AnyTheorem } from '../src/index.ts';
import { parseNpy } from '../src/io/npy.ts';
import correct from '../examples/correct-bound.ts';
import wrong from '../examples/wrong-bound.ts';
import { cliInProcess } from './support/cliInProcess.ts';

/**
 * The programmatic API (src/api.ts) against the command line: auditBound on a bound object (searched in this
 * thread) returns the object `ntk-audit audit FILE --json` prints (searched in a worker thread that re-loads
 * FILE), and runCatalog the report.json of `ntk-audit run`, up to durations and output paths.
 */
const ROOT = new URL('..', import.meta.url).pathname;
const out = () => mkdtempSync(join(tmpdir(), 'ntk-audit-api-'));

/** Drops wall-clock fields and replaces the output directory (and the module path) by placeholders. */
function normalize(x: unknown, outDir: string): unknown {
  if (Array.isArray(x)) return x.map((v) => normalize(v, outDir));
  if (x && typeof x === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      if (['durationMs', 'ms', 'startedAt', 'finishedAt', 'totalMs', 'file'].includes(k)) continue;
      o[k] = normalize(v, outDir);
    }
    return o;
  }
  return typeof x === 'string' ? x.split(outDir).join('<out>') : x;
}

describe('auditBound', () => {
  it('a true bound object survives, with the verdict object the CLI prints for its file', async () => {
    const dir = out();
    const api = await auditBound(correct, { budget: 1, seed: 'api' });
    expect(api.verdict).toBe('survived');
    expect(api.file).toBeNull();
    expect(api.bounds[0].counts.holds).toBeGreaterThan(30);
    expect(api.bounds[0].counts.violated).toBe(0);
    const cli = await cliInProcess(['audit', 'examples/correct-bound.ts', '--budget', '1', '--seed', 'api', '--json', '--example-db', 'none', '--out', dir]);
    expect(cli.status).toBe(0);
    const printed = JSON.parse(cli.stdout);
    expect(printed.file).toBe(join(ROOT, 'examples/correct-bound.ts'));
    expect(normalize(api, api.outDir)).toEqual(normalize(printed, dir));
  });

  it('a false bound object is refuted with a certified counterexample, and equals the CLI output (worker thread) for its file', async () => {
    const dir = out(),
      apiDir = out();
    const api = await auditBound(wrong, { budget: 1, seed: 'api', outDir: apiDir });
    expect(api.verdict).toBe('refuted');
    const s = api.bounds[0].counterexamples.smallest!;
    // the certificate: the margin is negative beyond its rigorous error bound, and the .npy holds the N×d data
    expect(s.margin).toBeLessThan(-s.errorBound);
    expect(s.lhs).toBeLessThan(s.rhs);
    const x = parseNpy(readFileSync(s.npy));
    expect([x.rows, x.cols]).toEqual([s.N, s.d]);
    const cli = await cliInProcess(['audit', 'examples/wrong-bound.ts', '--budget', '1', '--seed', 'api', '--json', '--example-db', 'none', '--out', dir]);
    expect(cli.status).toBe(1);
    expect(normalize(api, apiDir)).toEqual(normalize(JSON.parse(cli.stdout), dir));
  });

  it('two bounds in two worker threads give what one after the other in this thread gives', async () => {
    const dir = out(),
      apiDir = out();
    const parallel = await auditBound([correct, wrong], {
      budget: 1,
      seed: 'two',
      module: join(ROOT, 'test/fixtures/audit/two-bounds.ts'),
      workers: 2,
      outDir: dir,
    });
    expect(parallel.bounds.map((b) => [b.id, b.verdict])).toEqual([
      ['example.trace-upper-bound', 'survived'],
      ['example.wrong-min-norm', 'refuted'],
    ]);
    expect(parallel.verdict).toBe('refuted');
    const serial = await auditBound([correct, wrong], { budget: 1, seed: 'two', outDir: apiDir });
    expect(normalize(parallel, dir)).toEqual(normalize(serial, apiDir));
  });

  it('in this thread as in a worker: a NaN side is ill-posed, sides that throw on some instances give partial', async () => {
    for (const [f, verdict] of [
      ['nan.ts', 'ill-posed'],
      ['throwing-some.ts', 'partial'],
    ] as const) {
      const module = join(ROOT, 'test/fixtures/audit', f);
      const mod = (await import(module)) as { default?: AnyTheorem; bound?: AnyTheorem };
      const b = (mod.default ?? mod.bound)!;
      const dir = out(),
        apiDir = out();
      const here = await auditBound(b, { budget: 1, seed: 'obs', outDir: apiDir });
      expect(here.verdict).toBe(verdict);
      const worker = await auditBound(b, { budget: 1, seed: 'obs', outDir: dir, module });
      expect(normalize(here, apiDir)).toEqual(normalize(worker, dir));
    }
  });

  it('bad input is a one-line UserError', async () => {
    await expect(auditBound({ id: 'x' } as never)).rejects.toThrow(UserError);
    await expect(auditBound(correct, { budget: 0 })).rejects.toThrow(/budget must be a positive number/);
    await expect(auditBound(correct, { workers: 2 })).rejects.toThrow(/workers = 2 needs the module/);
    await expect(auditBound(correct, { module: 'examples/wrong-bound.ts' })).rejects.toThrow(/does not export the bound example.trace-upper-bound/);
    await expect(auditBound([correct, correct])).rejects.toThrow(/two bounds share the id/);
  });
});

describe('runCatalog', () => {
  it('returns the report.json of `ntk-audit run` for the same selection, seed and budget', async () => {
    const dir = out(),
      apiDir = out();
    const theorem = 'presentation.hinf.inverse-norm-identity';
    const api = await runCatalog({ theorem, budget: 1, seed: 'api', outDir: apiDir });
    expect(api.theorems.map((t) => [t.id, t.status])).toEqual([[theorem, 'violated']]);
    expect(api.outcome?.exitCode).toBe(0); // a known-false claim refuted: as expected
    expect(JSON.parse(readFileSync(join(apiDir, 'report.json'), 'utf8'))).toEqual(api);
    const cli = await cliInProcess([
      'run',
      '--theorem',
      theorem,
      '--budget',
      '1',
      '--seed',
      'api',
      '--out',
      dir,
      '--format',
      'json',
      '--example-db',
      'none',
      '--workers',
      '1',
      '--json',
    ]);
    expect(cli.status).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
    expect(normalize(api, apiDir)).toEqual(normalize(JSON.parse(cli.stdout), dir));
  });
});
