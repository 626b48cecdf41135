import type { Baseline } from './baseline.ts';
import { compareWithBaseline } from './baseline.ts';
import type { Report } from './schema.ts';

export type Outcome = NonNullable<Report['outcome']>;

/** Exit codes of `ntk-audit run` (README "Exit codes"). */
export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_INTERRUPTED = 130;

/**
 * The outcome of a run, from its report, the claims it did not run and an optional baseline: the same facts
 * the exit code is computed from, so that every artifact can show them. Failed when some verdict is not the
 * catalog's expectation, when the baseline reports a regression, or when the run was interrupted (exit 130).
 */
export function computeOutcome(report: Report, opts: { notRun?: readonly string[]; baseline?: { file: string; baseline: Baseline } | null } = {}): Outcome {
  const unexpected = report.summary.unexpected;
  const notRun = [...(opts.notRun ?? [])];
  const interrupted = report.run.interrupted;
  let baseline: Outcome['baseline'] = null;
  if (opts.baseline) {
    const b = opts.baseline.baseline;
    const cmp = compareWithBaseline(report, b);
    baseline = {
      file: opts.baseline.file,
      seed: b.seed,
      budgetSeconds: b.budgetSeconds,
      compared: cmp.compared,
      regressions: cmp.regressions,
      notes: cmp.notes,
    };
  }
  const regressions = baseline?.regressions.length ?? 0;
  const exitCode = interrupted ? EXIT_INTERRUPTED : unexpected.length > 0 || regressions > 0 ? EXIT_FAILED : EXIT_PASSED;
  const passed = exitCode === EXIT_PASSED;
  const reasons: string[] = [];
  if (unexpected.length) reasons.push(`${unexpected.length} unexpected verdict${unexpected.length === 1 ? '' : 's'}`);
  if (regressions) reasons.push(`${regressions} baseline regression${regressions === 1 ? '' : 's'}`);
  if (interrupted) reasons.push(`interrupted: ${notRun.length} claim${notRun.length === 1 ? '' : 's'} not run`);
  const ran = report.theorems.length;
  const headline = passed
    ? `PASSED — ${ran} claim${ran === 1 ? '' : 's'} as expected${baseline ? `, no regression against the baseline ${baseline.file} (${baseline.compared})` : ''}`
    : `FAILED — ${reasons.join(' · ')} (exit ${exitCode})`;
  return { passed, exitCode, headline, unexpected: [...unexpected], notRun, interrupted, baseline };
}
