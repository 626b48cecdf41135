import { z } from 'zod';
import { parseValidatedJson, readTextFile } from '../io/validatedJson.ts';
import type { Report } from './schema.ts';

/**
 * CI regression baseline: the verdict and empirical constant of every claim for one (seed, budget).
 * `compareWithBaseline` fails on a claim that held and now fails or turns inconclusive, on a
 * known-false claim that is no longer refuted, and on an empirical constant that moved by more than
 * the stated relative tolerance.
 */
export const BASELINE_FORMAT = 'ntk-audit/baseline';

export const baselineSchema = z.object({
  format: z.literal(BASELINE_FORMAT),
  version: z.literal(1),
  seed: z.string(),
  budgetSeconds: z.number(),
  /** Relative tolerance on empirical constants: |new − old| ≤ tolerance·|old|. */
  tolerance: z.number().positive(),
  theorems: z.record(
    z.string(),
    z.object({ status: z.enum(['holds', 'violated', 'inconclusive', 'error', 'skipped']), empiricalConstant: z.number().nullable() }),
  ),
});
export type Baseline = z.infer<typeof baselineSchema>;

export function baselineFromReport(report: Report, tolerance = 0.25): Baseline {
  const theorems: Baseline['theorems'] = {};
  for (const t of report.theorems) theorems[t.id] = { status: t.status, empiricalConstant: t.empiricalConstant?.value ?? null };
  return { format: BASELINE_FORMAT, version: 1, seed: report.run.seed, budgetSeconds: report.run.budgetSeconds, tolerance, theorems };
}

export interface Regression {
  id: string;
  kind: 'verdict' | 'constant';
  message: string;
}

/**
 * Verdicts are always compared. Empirical constants are compared only when the run has the baseline's seed
 * and budget: they are then deterministic, so any move beyond the tolerance is a change of the code. With
 * another seed or budget a constant moves legitimately (other instances, more of them) by an amount no
 * recorded figure bounds, so it is not compared and the result says so (`compared: 'verdicts only'`).
 */
export function compareWithBaseline(
  report: Report,
  baseline: Baseline,
): { regressions: Regression[]; notes: string[]; compared: 'verdicts and constants' | 'verdicts only' } {
  const regressions: Regression[] = [];
  const notes: string[] = [];
  const sameRun = report.run.seed === baseline.seed && report.run.budgetSeconds === baseline.budgetSeconds;
  if (!sameRun) {
    notes.push(
      `baseline made with seed ${baseline.seed}, budget ${baseline.budgetSeconds}; this run used seed ${report.run.seed}, budget ${report.run.budgetSeconds}: verdicts compared, empirical constants not compared`,
    );
  }
  for (const t of report.theorems) {
    const b = baseline.theorems[t.id];
    if (!b) {
      notes.push(`${t.id}: not in the baseline (new claim)`);
      continue;
    }
    if (b.status === 'holds' && t.status !== 'holds')
      regressions.push({ id: t.id, kind: 'verdict', message: `${t.id}: held in the baseline, now ${t.status}` });
    if (b.status === 'violated' && t.expectRefuted && t.status !== 'violated')
      regressions.push({ id: t.id, kind: 'verdict', message: `${t.id}: a known-false claim that the baseline refuted is now ${t.status}` });
    if (!sameRun) continue;
    const now = t.empiricalConstant?.value ?? null;
    if (b.empiricalConstant !== null && now !== null) {
      const scale = Math.abs(b.empiricalConstant);
      if (Math.abs(now - b.empiricalConstant) > baseline.tolerance * scale) {
        regressions.push({
          id: t.id,
          kind: 'constant',
          message: `${t.id}: empirical constant ${now.toPrecision(6)} moved more than ${baseline.tolerance * 100}% from the baseline ${b.empiricalConstant.toPrecision(6)}`,
        });
      }
    } else if (b.empiricalConstant !== null && now === null && t.status !== 'skipped') {
      regressions.push({ id: t.id, kind: 'constant', message: `${t.id}: the baseline has an empirical constant, this run has none` });
    }
  }
  return { regressions, notes, compared: sameRun ? 'verdicts and constants' : 'verdicts only' };
}

export function readBaseline(path: string): Baseline {
  return parseBaseline(readTextFile(path, 'baseline'), `baseline ${path}`);
}

export function parseBaseline(text: string, name = 'baseline'): Baseline {
  return parseValidatedJson(text, baselineSchema, name);
}
