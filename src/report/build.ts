import { relative, sep } from 'node:path';
import type { CounterexampleRef, TheoremRun } from '../search/search.ts';
import { quantile } from '../search/stats.ts';
import type { AnyTheorem } from '../theorem/types.ts';
import { PACKAGE_VERSION } from '../version.ts';
import type { Baseline } from './baseline.ts';
import { computeOutcome } from './outcome.ts';
import { REPORT_SCHEMA_VERSION, type CounterexampleReport, type Report, type TheoremReport } from './schema.ts';

/** Finite numbers as-is, anything else as null (JSON has no NaN or Infinity). */
export function finiteOrNull(x: number | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

function finiteRecord(q: Record<string, number> | undefined): Record<string, number | null> | undefined {
  if (!q) return undefined;
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(q)) out[k] = finiteOrNull(v);
  return out;
}

/** |lhs − rhs| / error bound of an identity's counterexample (its margin is −|lhs − rhs|). */
function residualRatio(ref: Pick<CounterexampleRef, 'margin' | 'errorBound'>): number {
  const r = Math.abs(ref.margin);
  return r === 0 ? 0 : ref.errorBound > 0 ? r / ref.errorBound : Infinity;
}

export function replayCommand(artifactPath: string): string {
  return `npx ntk-audit replay ${artifactPath}`;
}

/**
 * Artifact paths in a report are relative to the report's directory (portable, and identical for
 * runs written to different directories); the replay command is meant to be run from there.
 */
export function relativeArtifactPaths(t: TheoremReport, reportDir: string): TheoremReport {
  const items = t.counterexamples.items.map((c) => {
    if (!c.artifact) return c;
    const rel = relative(reportDir, c.artifact).split(sep).join('/');
    return { ...c, artifact: rel, replay: replayCommand(rel) };
  });
  let scaling = t.scaling;
  if (scaling?.evidence) {
    const rel = relative(reportDir, scaling.evidence).split(sep).join('/');
    scaling = { ...scaling, evidence: rel, replay: replayCommand(rel) };
  }
  return { ...t, counterexamples: { ...t.counterexamples, items }, scaling };
}

/** Turns one theorem's search result into its report section (everything but timings is deterministic). */
export function theoremReport(theorem: AnyTheorem, run: TheoremRun, ms: number, maxInstances = 400): TheoremReport {
  const inside = run.records.filter((r) => r.verdict !== 'outside');
  const tight = inside
    .map((r) => (r.rhs !== 0 && Number.isFinite(r.lhs / r.rhs) ? r.lhs / r.rhs : NaN))
    .filter((t) => Number.isFinite(t))
    .sort((a, b) => a - b);
  const cells: Record<string, Record<string, number>> = {};
  for (const r of run.records)
    for (const [k, v] of Object.entries(r.cells ?? {})) {
      cells[k] ??= {};
      cells[k][v] = (cells[k][v] ?? 0) + 1;
    }
  let declared: number | null = null;
  const missing: string[] = [];
  if (theorem.cellSpace) {
    declared = 0;
    for (const [k, values] of Object.entries(theorem.cellSpace))
      for (const v of values) {
        declared++;
        if (!cells[k]?.[v]) missing.push(`${k}=${v}`);
      }
  }
  const exercised = Object.values(cells).reduce((s, c) => s + Object.keys(c).length, 0);
  const cx = (role: 'smallest' | 'worst', ref: CounterexampleRef | undefined): CounterexampleReport[] =>
    ref
      ? [
          {
            role,
            descriptor: ref.descriptor as Record<string, unknown>,
            // An identity has no signed margin: its residual in units of its error bound instead.
            relativeMargin: ref.artifact.relation === '==' ? null : finiteOrNull(ref.relativeMargin),
            margin: ref.artifact.relation === '==' ? null : finiteOrNull(ref.margin),
            errorBound: finiteOrNull(ref.errorBound),
            foundBy: ref.foundBy,
            lhs: finiteOrNull(Number(ref.artifact.lhs)),
            rhs: finiteOrNull(Number(ref.artifact.rhs)),
            relation: ref.artifact.relation,
            ...(ref.artifact.relation === '==' ? { residualRatio: finiteOrNull(residualRatio(ref)) } : {}),
            artifact: ref.artifactPath ?? null,
            replay: ref.artifactPath ? replayCommand(ref.artifactPath) : null,
          },
        ]
      : [];
  const { smallest, worst } = run.counterexamples;
  return {
    id: theorem.id,
    title: theorem.title,
    statement: theorem.statement,
    ...(theorem.statementTex !== undefined ? { statementTex: theorem.statementTex } : {}),
    source: theorem.source,
    kind: theorem.kind,
    conventions: theorem.conventions,
    constants: theorem.constants,
    status: run.status,
    expectRefuted: run.expectRefuted,
    asExpected: run.asExpected,
    evaluated: run.evaluated,
    counts: run.counts,
    probeCounts: run.probeCounts,
    // A scaling claim's per-draw conclusion is only "y certified > 0": its margins and vacuity say nothing
    // about the claim (judged by the exponent), so they are not reported.
    worstRelativeMargin: run.relation === '==' || run.scaling ? null : finiteOrNull(run.worstRelativeMargin),
    relation: run.relation ?? null,
    identity: run.identity
      ? {
          instances: run.identity.instances,
          maxResidualRatio: finiteOrNull(run.identity.maxResidualRatio),
          medianResidualRatio: finiteOrNull(run.identity.medianResidualRatio),
        }
      : null,
    tightness: tight.length
      ? { min: tight[0], p10: quantile(tight, 0.1), median: quantile(tight, 0.5), p90: quantile(tight, 0.9), max: tight[tight.length - 1] }
      : null,
    coverage: { cells, exercised, declared, missing },
    empiricalConstant: run.empiricalConstant ? { ...run.empiricalConstant, value: finiteOrNull(run.empiricalConstant.value) } : null,
    twinOf: theorem.twinOf ?? null,
    examples: run.examples
      ? {
          replayed: run.examples.replayed,
          violated: run.examples.violated,
          save: run.examples.save.map((e) => ({
            descriptor: e.descriptor as Record<string, unknown>,
            role: e.role,
            relativeMargin: finiteOrNull(e.relativeMargin ?? undefined),
          })),
          skipped: run.examples.skipped.map((e) => ({ descriptor: e.descriptor as Record<string, unknown>, message: e.message })),
        }
      : null,
    vacuity: run.scaling ? null : (run.vacuity ?? null),
    sharpness: finiteOrNull(run.sharpness),
    scaling: run.scaling
      ? {
          variable: run.scaling.variable,
          quantity: run.scaling.quantity,
          ...(theorem.scalingLaw?.quantityTex !== undefined && theorem.scalingLaw.variableTex !== undefined
            ? { quantityTex: theorem.scalingLaw.quantityTex, variableTex: theorem.scalingLaw.variableTex }
            : {}),
          relation: run.scaling.relation,
          exponent: run.scaling.exponent,
          tolerance: run.scaling.tolerance,
          alpha: run.scaling.alpha,
          sizes: run.scaling.sizes,
          drawsPerSize: run.scaling.drawsPerSize,
          status: run.scaling.status,
          fittedConstant: finiteOrNull(run.scaling.fittedConstant),
          evidence: run.scaling.evidencePath ?? null,
          replay: run.scaling.evidencePath ? replayCommand(run.scaling.evidencePath) : null,
          regimes: run.scaling.regimes.map((r) => ({
            regime: r.regime,
            draws: r.draws,
            points: r.points,
            unusable: r.unusable,
            slope: finiteOrNull(r.slope),
            slopeLow: finiteOrNull(r.slopeLow),
            slopeHigh: finiteOrNull(r.slopeHigh),
            intercept: finiteOrNull(r.intercept),
            r2: finiteOrNull(r.r2),
            status: r.status,
          })),
        }
      : null,
    scalingFit: run.scalingFit
      ? {
          x: run.scalingFit.x,
          y: run.scalingFit.y,
          description: run.scalingFit.description,
          slope: finiteOrNull(run.scalingFit.slope),
          slopeLow: finiteOrNull(run.scalingFit.slopeLow),
          slopeHigh: finiteOrNull(run.scalingFit.slopeHigh),
          r2: finiteOrNull(run.scalingFit.r2),
          n: run.scalingFit.n,
          expectedSlope: run.scalingFit.expectedSlope ?? null,
          consistent: run.scalingFit.consistent ?? null,
        }
      : null,
    highProbability: run.highProbability ?? null,
    counterexamples: { count: run.counterexamples.count, items: [...cx('smallest', smallest), ...(worst && worst !== smallest ? cx('worst', worst) : [])] },
    errors: run.errors.map((e) => ({ descriptor: e.descriptor as Record<string, unknown>, message: e.message })),
    fastCheck: run.fastCheck ? { seed: run.fastCheck.seed, path: run.fastCheck.path ?? null, numShrinks: run.fastCheck.numShrinks ?? null } : null,
    instances: run.records.slice(0, maxInstances).map((r) => ({
      phase: r.phase,
      verdict: r.verdict,
      relativeMargin: finiteOrNull(r.relativeMargin),
      margin: finiteOrNull(r.margin),
      errorBound: finiteOrNull(r.errorBound),
      lhs: finiteOrNull(r.lhs),
      rhs: finiteOrNull(r.rhs),
      ...(r.brokenAssumption ? { brokenAssumption: r.brokenAssumption } : {}),
      ...(r.probeVerdict ? { probeVerdict: r.probeVerdict } : {}),
      ...(r.quantities ? { quantities: finiteRecord(r.quantities) } : {}),
      ...(r.cells ? { cells: r.cells } : {}),
    })),
    timings: { ms },
  };
}

export function summarize(theorems: TheoremReport[]): Report['summary'] {
  const byStatus: Record<string, number> = {};
  for (const t of theorems) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
  return {
    theorems: theorems.length,
    byStatus,
    unexpected: theorems.filter((t) => !t.asExpected && t.status !== 'skipped').map((t) => t.id),
    instances: theorems.reduce((s, t) => s + t.evaluated, 0),
    counterexamples: theorems.reduce((s, t) => s + t.counterexamples.count, 0),
  };
}

/** The report of a run, with its outcome (src/report/outcome.ts) computed from `notRun` and an optional baseline. */
export function assembleReport(
  theorems: TheoremReport[],
  run: Omit<Report['run'], 'node'>,
  totalMs: number,
  outcome: { notRun?: readonly string[]; baseline?: { file: string; baseline: Baseline } | null } = {},
): Report {
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'ntk-audit', version: PACKAGE_VERSION },
    run: { ...run, node: process.version },
    summary: summarize(theorems),
    theorems,
    outcome: null,
    timings: { totalMs },
  };
  report.outcome = computeOutcome(report, outcome);
  return report;
}
