/**
 * The programmatic audit (`auditBound`, `auditFile`; exported from 'ntk-audit' by src/api.ts): the verdict
 * object `ntk-audit audit FILE --json` prints for the bounds the file exports (the command is: load the file,
 * auditBound, print). Budgets are seconds of search at the calibrated single-core rate, turned into instance
 * counts: the verdict depends on (bounds, budget, seed) only, never on the machine's speed, its load, or `workers`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.ts';
import type { AnyTheorem } from '../theorem/types.ts';
import { loadProposal } from './proposal.ts';
import { auditBounds, type AuditResult } from './runAudit.ts';

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

/** An option that must be a positive (integer) number, `dflt` when absent; a one-line UserError otherwise. */
export function positive(name: string, x: unknown, dflt: number, integer = false): number {
  if (x === undefined) return dflt;
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x)))
    throw new UserError(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(x)}`);
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
    if (!isBound(b))
      throw new UserError(`auditBound: ${Array.isArray(bound) ? `bound [${i}]` : 'the argument'} is not a bound (make it with defineBound from ntk-audit)`);
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
  return auditBounds(bounds, {
    module,
    workers,
    seed: options.seed ?? DEFAULT_AUDIT_SEED,
    budgetSeconds,
    instanceTimeoutSeconds,
    outDir,
    exampleDb: options.exampleDb ? resolve(options.exampleDb) : null,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
}

/** Audits the bounds a proposal module exports (`ntk-audit audit FILE`), each in a worker thread. */
export async function auditFile(file: string | URL, options: Omit<AuditBoundOptions, 'module'> = {}): Promise<AuditResult> {
  const path = file instanceof URL || file.startsWith('file:') ? fileURLToPath(file) : file;
  const { bounds } = await loadProposal(path);
  return auditBound(bounds, { ...options, module: path });
}
