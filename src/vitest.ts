/**
 * Vitest matchers for bounds made by defineBound ('ntk-audit/vitest'):
 *
 *   import 'ntk-audit/vitest';
 *   await expect(bound).toSurviveAudit({ budget: 5 });
 *   await expect(wrongBound).toBeRefuted({ budget: 5, seed: 'ci' });
 *   await expect(bound).not.toBeRefuted();
 *
 * Both run auditBound (src/api.ts) and are asynchronous (await them). A failure shows each refuted bound's
 * smallest certified counterexample — N, d, depth, the descriptor, the data (the matrix itself for N·d ≤ 64,
 * always the path of its .npy), lhs, rhs, the margin and its error bound — and the command that replays it;
 * for any other verdict, the audit's message. Options are auditBound's (budget, seed, module, workers,
 * outDir, instanceTimeout); artifacts go to a new temporary directory unless `outDir` is given.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { auditBound, type AuditBoundOptions, type AuditResult, type CounterexampleSummary } from './api.ts';
import { parseNpy } from './io/npy.ts';
import type { AnyTheorem } from './theorem/types.ts';

export type AuditMatcherOptions = AuditBoundOptions;

export interface NtkAuditMatchers<R = unknown> {
  /** The audit's verdict is 'survived' (every bound of an array survived). */
  toSurviveAudit(options?: AuditMatcherOptions): Promise<R>;
  /** The audit's verdict is 'refuted': some bound has a certified counterexample (or a rejected rate test). */
  toBeRefuted(options?: AuditMatcherOptions): Promise<R>;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  // biome-ignore lint/suspicious/noExplicitAny: Vitest's own declaration of Assertion has this default
  interface Assertion<T = any> extends NtkAuditMatchers<void> {}
}

/** The largest N·d whose data matrix is printed in full. */
const MAX_PRINTED_ENTRIES = 64;

const num = (x: number) => String(x);

function dataLines(c: CounterexampleSummary): string[] {
  const lines = [`    data (.npy): ${c.npy}`];
  if (c.N * c.d > MAX_PRINTED_ENTRIES) return lines;
  try {
    const x = parseNpy(readFileSync(c.npy), c.npy);
    const rows = Array.from({ length: x.rows }, (_, i) => `      [${Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols), num).join(', ')}]`);
    return [`    data x (${x.rows}×${x.cols}, one row per sample):`, ...rows, ...lines];
  } catch {
    return lines;
  }
}

/** The counterexample as text: what a failing matcher shows. */
export function formatCounterexample(label: string, c: CounterexampleSummary): string[] {
  const d = c.descriptor as Record<string, unknown>;
  const depth = typeof d.depth === 'number' ? d.depth : undefined;
  const rest = Object.entries(d)
    .filter(([k]) => !['n', 'd', 'depth'].includes(k))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${(k === 'widths' && depth !== undefined ? v.slice(0, Math.max(0, depth - 1)) : v).join(',')}]` : String(v)}`)
    .join(' ');
  const identity = c.relation === '==';
  return [
    `  ${label}: N=${c.N} d=${c.d}${depth !== undefined ? ` depth=${depth}` : ''} ${rest}`,
    ...dataLines(c),
    `    lhs = ${num(c.lhs)}  ${c.relation}  rhs = ${num(c.rhs)}`,
    identity
      ? `    |lhs − rhs| = ${num(c.residual ?? NaN)} = ${num(c.residualRatio ?? NaN)} × its error bound ${num(c.errorBound)} (found by ${c.foundBy})`
      : `    margin = ${num(c.margin ?? NaN)}, error bound = ${num(c.errorBound)} (margin < −error bound: certified; found by ${c.foundBy})`,
    ...(c.confirmation ? [`    high-precision confirmation: ${c.confirmation.status}${c.confirmation.reason ? ` (${c.confirmation.reason})` : ''}`] : []),
    `    artifact: ${c.artifact}`,
    `    replay: ntk-audit replay ${c.artifact}`,
  ];
}

/** The audit result as the text of a matcher's message. */
export function describeAudit(r: AuditResult): string {
  const out: string[] = [];
  for (const b of r.bounds) {
    out.push(b.message, `  statement: ${b.statement}`);
    const { smallest, worst } = b.counterexamples;
    if (smallest) out.push(...formatCounterexample('smallest counterexample', smallest));
    if (worst && worst.artifact !== smallest?.artifact) out.push(...formatCounterexample('worst counterexample', worst));
    if (b.scaling?.replay) out.push(`  evidence: ${b.scaling.evidence}`, `  replay: ${b.scaling.replay}`);
    for (const e of b.errors.slice(0, 3)) out.push(`  error on ${e.instance}: ${e.message}`);
    for (const t of b.timeouts.slice(0, 3)) out.push(`  timeout on ${t.instance}: ${t.message}`);
  }
  return out.join('\n');
}

const idsOf = (received: unknown) => (Array.isArray(received) ? received : [received]).map((b) => String((b as AnyTheorem | null)?.id ?? b)).join(', ');

async function audit(received: unknown, options: AuditMatcherOptions | undefined): Promise<AuditResult> {
  return auditBound(received as AnyTheorem | AnyTheorem[], options ?? {});
}

/**
 * A matcher that audits the received bound(s) and passes on the verdict `expected`; `to` completes
 * "expected … (not) to", `happened` says that it did.
 */
function verdictMatcher(expected: AuditResult['verdict'], to: string, happened: string) {
  return async (received: unknown, options?: AuditMatcherOptions) => {
    const r = await audit(received, options);
    const pass = r.verdict === expected;
    const run = `budget ${r.budgetSeconds} s, seed ${r.seed}`;
    return {
      pass,
      message: () =>
        pass
          ? `expected ${idsOf(received)} not to ${to} (${run}), but ${happened}:\n${describeAudit(r)}`
          : `expected ${idsOf(received)} to ${to} (${run}), but the verdict is ${r.verdict}:\n${describeAudit(r)}`,
    };
  };
}

export const ntkAuditMatchers = {
  toSurviveAudit: verdictMatcher('survived', 'survive the audit', 'it survived'),
  toBeRefuted: verdictMatcher('refuted', 'be refuted', 'it was'),
};

expect.extend(ntkAuditMatchers);
