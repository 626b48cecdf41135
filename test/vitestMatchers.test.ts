import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../src/vitest.ts';
import { ntkAuditMatchers } from '../src/vitest.ts';
import { auditBound } from '../src/api.ts';
import { parseNpy } from '../src/io/npy.ts';
import { readFileSync } from 'node:fs';
import correct from '../examples/correct-bound.ts';
import wrong from '../examples/wrong-bound.ts';
import { cliInProcess } from './support/cliInProcess.ts';

/**
 * The Vitest matchers of 'ntk-audit/vitest' (src/vitest.ts): they pass and fail on the audit's verdict, and a
 * failure message carries the smallest certified counterexample (checked against the audit's own result and
 * its .npy) and a replay command that works.
 */
const out = () => mkdtempSync(join(tmpdir(), 'ntk-audit-vitest-'));
const opts = { budget: 1, seed: 'matchers' };

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the expectation did not fail');
}

describe('ntk-audit/vitest matchers', () => {
  it('pass on the right verdicts, and .not inverts them', async () => {
    await expect(correct).toSurviveAudit(opts);
    await expect(wrong).toBeRefuted(opts);
    await expect(correct).not.toBeRefuted(opts);
    await expect(wrong).not.toSurviveAudit(opts);
  });

  it('a failing toSurviveAudit shows the smallest counterexample: N, d, depth, data, lhs, rhs, margin, error bound and a replay command that replays it', async () => {
    const dir = out();
    const msg = await failure(expect(wrong).toSurviveAudit({ ...opts, outDir: dir }));
    // the same audit, independently: every number the message shows is the audit's (shortest round-trip text)
    const s = (await auditBound(wrong, { ...opts, outDir: out() })).bounds[0].counterexamples.smallest!;
    expect(msg).toMatch(/^expected example\.wrong-min-norm to survive the audit \(budget 1 s, seed matchers\), but the verdict is refuted:/);
    expect(msg).toContain(`smallest counterexample: N=${s.N} d=${s.d} depth=2 `);
    expect(msg).toContain(`lhs = ${s.lhs}  >=  rhs = ${s.rhs}`);
    expect(msg).toContain(`margin = ${s.margin}, error bound = ${s.errorBound}`);
    expect(s.margin).toBeLessThan(-s.errorBound);
    const x = parseNpy(readFileSync(s.npy));
    expect(s.N * s.d).toBeLessThanOrEqual(64); // small: the data matrix is printed, row by row
    expect(msg).toContain(`data x (${s.N}×${s.d}, one row per sample):`);
    for (let i = 0; i < x.rows; i++) expect(msg).toContain(`[${Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols)).join(', ')}]`);
    const npy = /data \(\.npy\): (\S+)/.exec(msg)![1];
    expect(npy.startsWith(dir)).toBe(true);
    const replay = /replay: ntk-audit replay (\S+)/.exec(msg)![1];
    const r = await cliInProcess(['replay', replay, '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ theoremId: 'example.wrong-min-norm', verdict: 'violated', lhs: s.lhs, rhs: s.rhs });
  });

  it('a failing toBeRefuted names the verdict and the audit message; a failing .not.toBeRefuted shows the counterexample', async () => {
    const msg = await failure(expect(correct).toBeRefuted(opts));
    expect(msg).toMatch(
      /^expected example\.trace-upper-bound to be refuted \(budget 1 s, seed matchers\), but the verdict is survived:\nexample\.trace-upper-bound: survived — \d+ holds/,
    );
    const not = await failure(expect(wrong).not.toBeRefuted(opts));
    expect(not).toMatch(/^expected example\.wrong-min-norm not to be refuted/);
    expect(not).toMatch(/margin = -[0-9.e-]+, error bound = [0-9.e-]+/);
    expect(not).toMatch(/replay: ntk-audit replay \S+\.json/);
  });

  it('the matchers are plain functions of (received, options) as well', async () => {
    const r = await ntkAuditMatchers.toSurviveAudit(correct, opts);
    expect(r.pass).toBe(true);
    expect(r.message()).toMatch(/not to survive the audit .* but it survived/);
    await expect(ntkAuditMatchers.toBeRefuted('not a bound', opts)).rejects.toThrow(/auditBound: the argument is not a bound/);
  });
});
