/**
 * `ntk-audit run`: the main job. Runs the catalog (or the theorems matching --theorem) over worker
 * threads with deterministic per-theorem seeds, writes counterexample artifacts as soon as they are
 * found, then report.json / index.html / summary.md / junit.xml atomically.
 *
 * `--json` also prints the report (report.json; what runCatalog of src/api.ts returns) on stdout.
 *
 * Exit codes: 0 everything as expected; 1 an unexpected verdict (a claim violated or not holding, a
 * known-false claim not refuted, a theorem error) or a baseline regression; 2 usage or input error;
 * 130 interrupted (Ctrl-C; a partial report marked interrupted is written).
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { ExitRequest, UserError } from '../errors.ts';
import { assembleReport, relativeArtifactPaths } from '../report/build.ts';
import { readBaseline } from '../report/baseline.ts';
import type { Report } from '../report/schema.ts';
import { parseFormats, REPORT_FILES, reportJson, writeReports, type ReportFormat } from '../report/write.ts';
import { planTasks, runCatalog } from '../run/runCatalog.ts';
import type { AnyTheorem, Descriptor } from '../theorem/types.ts';
import { DEFAULT_EXAMPLE_DB, exampleDbDir, examplesFor, fixtureExamples, saveExamples } from '../search/exampleDb.ts';
import { createProgress } from './progress.ts';
import { DEFAULT_CATALOG } from '../packagePaths.ts';
import { importUserModule } from '../io/userModule.ts';

export { DEFAULT_CATALOG };
export const DEFAULT_BUDGET = 240;
export const DEFAULT_SEED = 'ntk-audit';
/** The committed counterexamples of the catalog, replayed first whenever the default catalog runs. */
export const CATALOG_FIXTURES = fileURLToPath(new URL('../../fixtures/counterexamples', import.meta.url));

export interface RunRequest {
  filter: string | null;
  budgetSeconds: number;
  seed: string;
  workers: number;
  shard: { index: number; count: number } | null;
  outDir: string;
  baseline: string | null;
  formats: ReportFormat[];
  catalogModule: string;
  live: boolean;
  /** Progress lines on stderr (default true; the programmatic runCatalog turns them off). */
  progress?: boolean;
  /** Local example cache directory, or null (`--example-db none`, or CI=true by default). */
  exampleDb: string | null;
  /** Committed counterexample artifacts replayed first (the default catalog's fixtures), or null. */
  fixturesDir: string | null;
}

export function parseShard(s: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  if (!m) throw new UserError(`--shard must look like K/N (e.g. 1/4), got ${JSON.stringify(s)}`);
  const index = Number(m[1]),
    count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new UserError(`--shard ${s}: need 1 ≤ K ≤ N`);
  return { index, count };
}

function positiveNumber(flag: string, s: string, integer = false): number {
  const x = Number(s);
  if (s.trim() === '' || !Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x)))
    throw new UserError(`${flag} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(s)}`);
  return x;
}

export function parseRunOptions(raw: Record<string, string | boolean | undefined>): RunRequest {
  return {
    filter: typeof raw.theorem === 'string' ? raw.theorem : null,
    budgetSeconds: raw.budget !== undefined ? positiveNumber('--budget', String(raw.budget)) : DEFAULT_BUDGET,
    seed: raw.seed !== undefined ? String(raw.seed) : DEFAULT_SEED,
    workers: raw.workers !== undefined ? positiveNumber('--workers', String(raw.workers), true) : Math.max(1, availableParallelism()),
    shard: raw.shard !== undefined ? parseShard(String(raw.shard)) : null,
    outDir: resolve(raw.out !== undefined ? String(raw.out) : 'reports'),
    baseline: raw.baseline !== undefined ? String(raw.baseline) : null,
    formats: parseFormats(raw.format !== undefined ? String(raw.format) : 'json,html,md,junit'),
    catalogModule: raw.catalog !== undefined ? pathToFileURL(resolve(String(raw.catalog))).href : DEFAULT_CATALOG,
    live: Boolean(process.stderr.isTTY) && !process.env.CI && !raw.quiet,
    exampleDb: exampleDbDir(raw.exampleDb !== undefined ? String(raw.exampleDb) : undefined),
    fixturesDir: raw.catalog !== undefined ? null : CATALOG_FIXTURES,
  };
}

export async function loadCatalog(moduleUrl: string): Promise<readonly AnyTheorem[]> {
  let mod: { catalog?: readonly AnyTheorem[] };
  try {
    mod = (moduleUrl === DEFAULT_CATALOG ? await import(moduleUrl) : await importUserModule(fileURLToPath(moduleUrl))) as { catalog?: readonly AnyTheorem[] };
  } catch (e) {
    throw new UserError(`cannot load catalog ${moduleUrl}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(mod.catalog)) throw new UserError(`catalog module ${moduleUrl} does not export an array named catalog`);
  return mod.catalog;
}

/** Runs the request; returns the report written and the exit code. */
export async function executeRun(req: RunRequest, signal?: AbortSignal): Promise<{ report: Report; exitCode: number; lines: string[] }> {
  const catalog = await loadCatalog(req.catalogModule);
  const baseline = req.baseline ? readBaseline(req.baseline) : null; // read (and validated) before any work
  // example database: committed counterexamples, then the local cache (src/search/exampleDb.ts)
  const exampleWarnings: string[] = [];
  const fixtures = req.fixturesDir ? fixtureExamples(req.fixturesDir) : { byTheorem: new Map<string, Descriptor[]>(), warnings: [] };
  exampleWarnings.push(...fixtures.warnings);
  const examples = new Map<string, Descriptor[]>();
  for (const t of catalog) {
    const e = examplesFor(t.id, fixtures.byTheorem, req.exampleDb);
    exampleWarnings.push(...e.warnings);
    if (e.descriptors.length > 0 || req.exampleDb) examples.set(t.id, e.descriptors);
  }
  const tasks = planTasks(catalog, { seed: req.seed, budgetSeconds: req.budgetSeconds, filter: req.filter, shard: req.shard, examples });
  if (tasks.length === 0)
    throw new UserError(`no theorem matches ${req.filter ?? '(all)'}${req.shard ? ` in shard ${req.shard.index}/${req.shard.count}` : ''}`);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const progress = req.progress === false ? { onEvent: () => {}, stop: () => {} } : createProgress(tasks.length, { live: req.live });
  let result;
  try {
    result = await runCatalog(
      catalog,
      {
        seed: req.seed,
        budgetSeconds: req.budgetSeconds,
        filter: req.filter,
        shard: req.shard,
        workers: req.workers,
        artifactsDir: join(req.outDir, 'counterexamples'),
        catalogModule: req.catalogModule,
        examples,
        onProgress: (e) => progress.onEvent(e),
      },
      signal,
    );
  } finally {
    progress.stop();
  }
  const report = assembleReport(
    result.reports.map((t) => relativeArtifactPaths(t, req.outDir)),
    {
      seed: req.seed,
      budgetSeconds: req.budgetSeconds,
      theoremFilter: req.filter,
      shard: req.shard,
      shardsMerged: 1,
      interrupted: result.interrupted,
      startedAt,
      finishedAt: new Date().toISOString(),
      workers: req.workers,
    },
    Math.round(performance.now() - t0),
    { notRun: result.pending, baseline: baseline && req.baseline ? { file: req.baseline, baseline } : null },
  );
  // the outcome (and with it the exit code) is part of every artifact: computed before anything is written
  await writeReports(report, req.outDir, req.formats, { catalog });
  const outcome = report.outcome!;
  const lines: string[] = exampleWarnings.map((w) => `ntk-audit: ${w}`);
  for (const t of report.theorems)
    for (const k of t.examples?.skipped ?? [])
      lines.push(
        `ntk-audit: example database: an example of ${t.id} cannot be evaluated and was skipped${req.exampleDb ? ' (dropped from the cache)' : ''}: ${k.message.slice(0, 200)}`,
      );
  if (req.exampleDb) {
    let replayed = 0;
    // The cache is a convenience: a cache that cannot be written (a directory where a file should be, a
    // read-only disk) is a warning, never the run's failure.
    const unsaved: string[] = [];
    for (const t of report.theorems) {
      if (!t.examples) continue;
      replayed += t.examples.replayed;
      try {
        saveExamples(
          req.exampleDb,
          t.id,
          t.examples.save.map((e) => ({ descriptor: e.descriptor, role: e.role, relativeMargin: e.relativeMargin })),
          t.examples.skipped.map((k) => k.descriptor),
        );
      } catch (e) {
        unsaved.push(
          `${t.id} (${String((e as Error).message ?? e)
            .split('\n')[0]
            .slice(0, 200)})`,
        );
      }
    }
    lines.push(
      `ntk-audit: example database ${req.exampleDb}: ${replayed} example(s) replayed, ${unsaved.length ? `closest calls NOT saved for ${unsaved.length} claim(s), first: ${unsaved[0]}` : 'closest calls saved'} (--example-db none to run without it)`,
    );
  }
  const s = report.summary;
  lines.push(
    `ntk-audit: ${s.theorems} theorem(s), ${s.instances} instances: ${Object.entries(s.byStatus)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}; ${s.counterexamples} counterexample(s)`,
  );
  for (const id of s.unexpected) {
    const t = report.theorems.find((x) => x.id === id)!;
    lines.push(
      `ntk-audit: UNEXPECTED ${t.status}: ${id}${t.expectRefuted ? ' (known-false claim not refuted)' : ''}${t.errors[0] ? ` — ${t.errors[0].message}` : ''}`,
    );
  }
  if (outcome.baseline) {
    for (const n of outcome.baseline.notes) lines.push(`ntk-audit: baseline: ${n}`);
    for (const r of outcome.baseline.regressions) lines.push(`ntk-audit: REGRESSION: ${r.message}`);
  }
  lines.push(`ntk-audit: reports in ${req.outDir} (${req.formats.map((f) => REPORT_FILES[f]).join(', ')})`);
  if (result.interrupted) lines.push(`ntk-audit: interrupted: partial report written (${result.pending.length} theorem(s) not run)`);
  lines.push(`ntk-audit: ${outcome.headline}`);
  const exitCode = outcome.exitCode;
  return { report, exitCode, lines };
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the theorem catalog (random + targeted counterexample search) and write claim-coverage reports')
    .option('--theorem <glob>', 'only theorems whose id matches (glob, comma-separated alternatives)')
    .option('--budget <seconds>', `total single-core budget in seconds, turned into fixed instance counts (default ${DEFAULT_BUDGET})`)
    .option('--seed <s>', `run seed (default ${DEFAULT_SEED})`)
    .option('--workers <n>', 'worker threads (default: number of cores); results do not depend on it')
    .option('--shard <k/n>', 'run only shard k of n (deterministic partition; combine with ntk-audit merge)')
    .option('--out <dir>', 'output directory (default reports)')
    .option('--baseline <file>', 'compare with a committed baseline and fail on regressions')
    .option('--format <list>', 'report formats: json,html,md,junit (default all)')
    .option('--catalog <module>', 'catalog module exporting `catalog` (default: the built-in catalog)')
    .option('--quiet', 'plain progress lines even on a terminal')
    .option('--json', 'also print the report (report.json, what runCatalog of the API returns) on stdout')
    .option(
      '--example-db <dir>',
      `example database: replay the closest calls of earlier runs first, save this run's (default ${DEFAULT_EXAMPLE_DB}; none to disable; off under CI=true)`,
    )
    .action(async (raw: Record<string, string | boolean | undefined>) => {
      const req = parseRunOptions(raw);
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        const { exitCode, lines, report } = await executeRun(req, controller.signal);
        for (const l of lines) process.stderr.write(`${l}\n`);
        if (raw.json) process.stdout.write(reportJson(report));
        if (exitCode !== 0) throw new ExitRequest(exitCode);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
