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
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from './errors.ts';
import { defineBound } from './audit/defineBound.ts';
export { defineBound };
import { auditBounds, type AuditResult } from './audit/runAudit.ts';
import { loadProposal } from './audit/proposal.ts';
import type { ReportFormat } from './report/write.ts';
import type { Report } from './report/schema.ts';
import type { AnyTheorem } from './theorem/types.ts';
import type { RunRequest } from './cli/run.ts';

export type { AuditResult, AuditVerdict, BoundAudit, CellSummary, CounterexampleSummary } from './audit/runAudit.ts';
export type { Report, TheoremReport, CounterexampleReport } from './report/schema.ts';
export type { ReportFormat } from './report/write.ts';

/** The defaults of `ntk-audit audit`. */
export const DEFAULT_AUDIT_BUDGET = 30;
export const DEFAULT_AUDIT_SEED = 'ntk-audit';
export const DEFAULT_INSTANCE_TIMEOUT = 10;

export interface AuditBoundOptions {
  /** Search effort in seconds at the calibrated single-core rate, turned into instance counts (default 30). */
  budget?: number;
  /** Search seed (default 'ntk-audit'): the same bounds, budget and seed give the same verdict object. */
  seed?: string;
  /**
   * Bounds searched at the same time, each in a worker thread (default 1). A worker re-loads its bound from
   * `module`; without `module` the bounds are searched one after the other in this thread (workers must be 1).
   */
  workers?: number;
  /**
   * The module that exports the bounds (`default` or `bound`: one bound or an array), as a path or file URL
   * (e.g. `new URL('./my-bound.ts', import.meta.url)`). With it each bound runs in a worker thread and an
   * instance that runs longer than `instanceTimeout` is stopped; without it the bound runs in this thread,
   * where a synchronous infinite loop in its sides cannot be interrupted.
   */
  module?: string | URL;
  /** Directory for the counterexample artifacts (default: a new temporary directory). */
  outDir?: string;
  /** Per-instance time limit in seconds, in worker threads (default 10). */
  instanceTimeout?: number;
  /**
   * Example database directory (src/search/exampleDb.ts): the counterexamples and closest calls saved by earlier
   * audits of the same bound over the same instance space are replayed first, in addition to the budget, and this
   * audit's are saved. Default: none (the CLI's default is .ntk-audit/examples, off under CI=true).
   */
  exampleDb?: string | null;
  /** Progress and warning lines (data rows dropped, instances that threw or timed out). */
  onEvent?: (line: string) => void;
}

function positive(name: string, x: unknown, dflt: number, integer = false): number {
  if (x === undefined) return dflt;
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x))) throw new UserError(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(x)}`);
  return x;
}

function isBound(x: unknown): x is AnyTheorem {
  const t = x as AnyTheorem;
  return typeof x === 'object' && x !== null && typeof t.id === 'string' && typeof t.conclude === 'function' && typeof t.materialize === 'function';
}

/**
 * Audits one bound made by defineBound, or several: random + shrinking + targeted counterexample search, then
 * one verdict — 'survived', 'refuted' (with the smallest and worst certified counterexamples, written as
 * replayable artifacts), 'partial', 'inconclusive' or 'ill-posed' — the object `ntk-audit audit --json` prints.
 */
export async function auditBound(bound: AnyTheorem | readonly AnyTheorem[], options: AuditBoundOptions = {}): Promise<AuditResult> {
  const bounds = Array.isArray(bound) ? (bound as readonly AnyTheorem[]) : [bound as AnyTheorem];
  bounds.forEach((b, i) => {
    if (!isBound(b)) throw new UserError(`auditBound: ${Array.isArray(bound) ? `bound [${i}]` : 'the argument'} is not a bound (make it with defineBound from ntk-audit)`);
  });
  const budgetSeconds = positive('budget', options.budget, DEFAULT_AUDIT_BUDGET);
  const instanceTimeoutSeconds = positive('instanceTimeout', options.instanceTimeout, DEFAULT_INSTANCE_TIMEOUT);
  const workers = positive('workers', options.workers, 1, true);
  if (options.seed !== undefined && typeof options.seed !== 'string') throw new UserError(`seed must be a string, got ${JSON.stringify(options.seed)}`);
  let module: string | null = null;
  if (options.module !== undefined) {
    const m = options.module;
    const path = m instanceof URL || m.startsWith('file:') ? fileURLToPath(m) : resolve(m);
    // The module's instance is the one already loaded: check that it exports these bounds before any worker loads it.
    const exported = (await loadProposal(path)).bounds.map((b) => b.id);
    const missing = bounds.find((b) => !exported.includes(b.id));
    if (missing) throw new UserError(`auditBound: module ${path} does not export the bound ${missing.id} (it exports ${exported.join(', ')})`);
    module = path;
  }
  const outDir = options.outDir !== undefined ? resolve(options.outDir) : mkdtempSync(join(tmpdir(), 'ntk-audit-'));
  return auditBounds(bounds, { module, workers, seed: options.seed ?? DEFAULT_AUDIT_SEED, budgetSeconds, instanceTimeoutSeconds, outDir, exampleDb: options.exampleDb ? resolve(options.exampleDb) : null, ...(options.onEvent ? { onEvent: options.onEvent } : {}) });
}

/** Audits the bounds a proposal module exports (`ntk-audit audit FILE`), each in a worker thread. */
export async function auditFile(file: string | URL, options: Omit<AuditBoundOptions, 'module'> = {}): Promise<AuditResult> {
  const path = file instanceof URL || file.startsWith('file:') ? fileURLToPath(file) : file;
  const { bounds } = await loadProposal(path);
  return auditBound(bounds, { ...options, module: path });
}

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
  if (bad !== undefined || formats.length === 0) throw new UserError(`formats: choose from ${REPORT_FORMATS.join(', ')}, got ${JSON.stringify(options.formats)}`);
  const s = options.shard;
  if (s !== undefined && !(Number.isInteger(s.index) && Number.isInteger(s.count) && s.count >= 1 && s.index >= 1 && s.index <= s.count)) throw new UserError(`shard: need integers 1 ≤ index ≤ count, got ${JSON.stringify(s)}`);
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
    catalogModule: catalog === undefined ? DEFAULT_CATALOG : catalog instanceof URL ? catalog.href : catalog.startsWith('file:') ? catalog : pathToFileURL(resolve(catalog)).href,
    live: false,
    progress: false,
    exampleDb: options.exampleDb !== undefined ? resolve(options.exampleDb) : null,
    fixturesDir: catalog === undefined ? CATALOG_FIXTURES : null,
  };
  const { report } = await executeRun(req);
  return JSON.parse(reportJson(report)) as Report;
}
