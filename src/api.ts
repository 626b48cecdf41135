/**
 * The programmatic API (exported from 'ntk-audit'): the same audits as the command line, with the same
 * verdict objects. `ntk-audit audit FILE --json` prints exactly what auditBound returns for the bounds the
 * file exports (the command is: load the file, auditBound, print), and `ntk-audit run` writes as report.json
 * exactly what runCatalog returns.
 *
 * Budgets are seconds of search at the calibrated single-core rate, turned into instance counts: the
 * verdict depends on (bounds, budget, seed) only, never on the machine's speed, its load, or `workers`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from './errors.ts';
import { defineBound } from './audit/defineBound.ts';
export { defineBound };
export { auditBound, auditFile, DEFAULT_AUDIT_BUDGET, DEFAULT_AUDIT_SEED, DEFAULT_INSTANCE_TIMEOUT, type AuditBoundOptions } from './audit/auditBound.ts';
import { positive } from './audit/auditBound.ts';
import type { ReportFormat } from './report/write.ts';
import type { Report } from './report/schema.ts';
import type { RunRequest } from './cli/run.ts';

export type { AuditResult, AuditVerdict, BoundAudit, CellSummary, CounterexampleSummary } from './audit/runAudit.ts';
export type { Report, TheoremReport, CounterexampleReport } from './report/schema.ts';
export type { ReportFormat } from './report/write.ts';

export interface RunCatalogOptions {
  /** Total single-core budget in seconds, turned into fixed instance counts (default 240). */
  budget?: number;
  /** Run seed (default 'ntk-audit'). */
  seed?: string;
  /** Worker threads (default 1); results do not depend on it. */
  workers?: number;
  /** Only the theorems whose id matches (glob, comma-separated alternatives). */
  theorem?: string;
  /** Only shard `index` of `count` (deterministic partition; combine with `ntk-audit merge`). */
  shard?: { index: number; count: number };
  /** Output directory for the reports and counterexample artifacts (default: a new temporary directory). */
  outDir?: string;
  /** Report files to write (default ['json']). */
  formats?: readonly ReportFormat[];
  /** Module exporting `catalog` (default: the built-in catalog, whose committed counterexamples are replayed first). */
  catalog?: string | URL;
  /** A committed baseline to compare with (its regressions are in `outcome.baseline`). */
  baseline?: string;
  /** Example database directory (src/search/exampleDb.ts): replays earlier closest calls first and saves this run's. Default: none. */
  exampleDb?: string;
}

/**
 * Runs the theorem catalog (`ntk-audit run`) and returns the report — the object report.json holds (validated
 * against the report schema; `outcome.exitCode` is the exit code of the command).
 */
export async function runCatalog(options: RunCatalogOptions = {}): Promise<Report> {
  // Loaded on use: the report writers pull in vega, whose module graph has a top-level await, and the package's
  // entry point must stay require()-able from CommonJS (Node ≥ 20.19 requires ES modules without top-level await).
  const { reportJson, REPORT_FORMATS } = await import('./report/write.ts');
  const { CATALOG_FIXTURES, DEFAULT_BUDGET, DEFAULT_CATALOG, DEFAULT_SEED, executeRun } = await import('./cli/run.ts');
  const formats = [...(options.formats ?? ['json'])];
  const bad = formats.find((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad !== undefined || formats.length === 0)
    throw new UserError(`formats: choose from ${REPORT_FORMATS.join(', ')}, got ${JSON.stringify(options.formats)}`);
  const s = options.shard;
  if (s !== undefined && !(Number.isInteger(s.index) && Number.isInteger(s.count) && s.count >= 1 && s.index >= 1 && s.index <= s.count))
    throw new UserError(`shard: need integers 1 ≤ index ≤ count, got ${JSON.stringify(s)}`);
  const catalog = options.catalog;
  const req: RunRequest = {
    filter: options.theorem ?? null,
    budgetSeconds: positive('budget', options.budget, DEFAULT_BUDGET),
    seed: options.seed ?? DEFAULT_SEED,
    workers: positive('workers', options.workers, 1, true),
    shard: s ?? null,
    outDir: options.outDir !== undefined ? resolve(options.outDir) : mkdtempSync(join(tmpdir(), 'ntk-audit-')),
    baseline: options.baseline ?? null,
    formats,
    catalogModule:
      catalog === undefined
        ? DEFAULT_CATALOG
        : catalog instanceof URL
          ? catalog.href
          : catalog.startsWith('file:')
            ? catalog
            : pathToFileURL(resolve(catalog)).href,
    live: false,
    progress: false,
    exampleDb: options.exampleDb !== undefined ? resolve(options.exampleDb) : null,
    fixturesDir: catalog === undefined ? CATALOG_FIXTURES : null,
  };
  const { report } = await executeRun(req);
  return JSON.parse(reportJson(report)) as Report;
}
