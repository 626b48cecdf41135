import { UserError } from '../errors.ts';
import { summarize } from './build.ts';
import { computeOutcome } from './outcome.ts';
import type { Report } from './schema.ts';

/**
 * Combines shard reports (`ntk-audit run --shard k/n`) into the report an unsharded run with the
 * same seed and budget gives: per-theorem results depend only on (seed, budget, selection), so the
 * merge concatenates the theorem sections in catalog order and recomputes the summary. Only the
 * run metadata differs (shard = null, shardsMerged = n, the time span and worker count).
 */
export function mergeReports(reports: readonly { path: string; report: Report }[]): Report {
  if (reports.length === 0) throw new UserError('merge: no reports given');
  const first = reports[0].report;
  const count = first.run.shard?.count ?? 1;
  const seen = new Set<number>();
  const ids = new Set<string>();
  for (const { path, report } of reports) {
    const r = report.run;
    if (report.tool.version !== first.tool.version) throw new UserError(`merge: ${path} was written by ntk-audit ${report.tool.version}, the first by ${first.tool.version}`);
    if (r.seed !== first.run.seed || r.budgetSeconds !== first.run.budgetSeconds || r.theoremFilter !== first.run.theoremFilter) {
      throw new UserError(`merge: ${path} has seed ${r.seed}, budget ${r.budgetSeconds}, filter ${r.theoremFilter ?? '(none)'}; the first report has seed ${first.run.seed}, budget ${first.run.budgetSeconds}, filter ${first.run.theoremFilter ?? '(none)'}`);
    }
    if (!r.shard) throw new UserError(`merge: ${path} is not a shard report (run with --shard k/n)`);
    if (r.shard.count !== count) throw new UserError(`merge: ${path} is shard ${r.shard.index}/${r.shard.count}, expected shards of ${count}`);
    if (seen.has(r.shard.index)) throw new UserError(`merge: shard ${r.shard.index}/${count} given twice (${path})`);
    seen.add(r.shard.index);
    for (const t of report.theorems) {
      if (ids.has(t.id)) throw new UserError(`merge: theorem ${t.id} appears in more than one shard`);
      ids.add(t.id);
    }
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !seen.has(k));
  if (missing.length) throw new UserError(`merge: missing shard(s) ${missing.map((k) => `${k}/${count}`).join(', ')}`);
  const theorems = reports.flatMap((r) => r.report.theorems).sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const runs = reports.map((r) => r.report.run);
  const merged: Report = {
    schemaVersion: first.schemaVersion,
    tool: first.tool,
    run: {
      ...first.run,
      shard: null,
      shardsMerged: count,
      interrupted: runs.some((r) => r.interrupted),
      startedAt: runs.map((r) => r.startedAt).sort()[0],
      finishedAt: runs.map((r) => r.finishedAt).sort().at(-1)!,
      workers: Math.max(...runs.map((r) => r.workers)),
    },
    summary: summarize(theorems),
    theorems,
    outcome: null,
    timings: { totalMs: Math.max(...reports.map((r) => r.report.timings.totalMs)) },
  };
  // claims not run in any shard stay not run; a baseline is compared by `run`, not by `merge`
  merged.outcome = computeOutcome(merged, { notRun: reports.flatMap((r) => r.report.outcome?.notRun ?? []) });
  return merged;
}
