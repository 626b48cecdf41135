import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.ts';
import { replayCommand, summarize } from './build.ts';
import { computeOutcome } from './outcome.ts';
import type { Report, TheoremReport } from './schema.ts';

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
    if (report.tool.version !== first.tool.version)
      throw new UserError(`merge: ${path} was written by ntk-audit ${report.tool.version}, the first by ${first.tool.version}`);
    if (r.seed !== first.run.seed || r.budgetSeconds !== first.run.budgetSeconds || r.theoremFilter !== first.run.theoremFilter) {
      throw new UserError(
        `merge: ${path} has seed ${r.seed}, budget ${r.budgetSeconds}, filter ${r.theoremFilter ?? '(none)'}; the first report has seed ${first.run.seed}, budget ${first.run.budgetSeconds}, filter ${first.run.theoremFilter ?? '(none)'}`,
      );
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
      finishedAt: runs
        .map((r) => r.finishedAt)
        .sort()
        .at(-1)!,
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

/**
 * Copies the counterexample files a merged report links to (artifact JSON, its .npy data, scaling evidence)
 * from each shard's directory into `outDir`, so that the merged report's links resolve there. A link
 * `counterexamples/x.json` keeps its path; a link that points outside its shard's directory becomes
 * `counterexamples/<name>`. Returns the report with its links (and replay commands) rewritten, and the links
 * whose file was not found in its shard (left as they are).
 */
export function copyArtifacts(shards: readonly { path: string; report: Report }[], merged: Report, outDir: string): { report: Report; missing: string[] } {
  const dirOf = new Map<string, string>();
  for (const { path, report } of shards) for (const t of report.theorems) dirOf.set(t.id, dirname(resolve(path)));
  const missing: string[] = [];
  const copy = (shardDir: string, link: string): string => {
    const from = isAbsolute(link) ? link : resolve(shardDir, link);
    if (!existsSync(from)) {
      missing.push(link);
      return link;
    }
    const inside = !isAbsolute(link) && !relative(shardDir, from).startsWith('..');
    const rel = inside ? relative(shardDir, from).split(sep).join('/') : `counterexamples/${basename(from)}`;
    const to = join(outDir, rel);
    mkdirSync(dirname(to), { recursive: true });
    // The JSON and the files written beside it under the same name (<name>.npy, <name>.<field>.npy).
    const stem = basename(from).replace(/\.json$/, '');
    for (const f of readdirSync(dirname(from))) {
      if (f !== basename(from) && !f.startsWith(`${stem}.`)) continue;
      const src = join(dirname(from), f),
        dst = join(dirname(to), f);
      if (resolve(src) !== resolve(dst)) copyFileSync(src, dst);
    }
    return rel;
  };
  const theorems: TheoremReport[] = merged.theorems.map((t) => {
    const dir = dirOf.get(t.id);
    if (!dir) return t;
    const items = t.counterexamples.items.map((c) => {
      if (!c.artifact) return c;
      const rel = copy(dir, c.artifact);
      return { ...c, artifact: rel, replay: replayCommand(rel) };
    });
    let scaling = t.scaling;
    if (scaling?.evidence) {
      const rel = copy(dir, scaling.evidence);
      scaling = { ...scaling, evidence: rel, replay: replayCommand(rel) };
    }
    return { ...t, counterexamples: { ...t.counterexamples, items }, scaling };
  });
  return { report: { ...merged, theorems }, missing };
}
