import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { loadFilePopulation, loadNamedPopulation, NAMED_DATASETS, type NamedDataset } from '../io/datasets.ts';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.ts';
import { writeNpy } from '../io/npy.ts';
import { artifactFileName, type Artifact } from '../search/artifact.ts';
import { examplesFor, saveExamples, type ExampleEntry } from '../search/exampleDb.ts';
import {
  highProbabilityConfigVerdict,
  residualRatio,
  type CounterexampleRef,
  type InstanceRecord,
  type SearchOptions,
  type TheoremRun,
} from '../search/search.ts';
import type { AnyTheorem, Descriptor, Verdict } from '../theorem/types.ts';
import { scalingDraws, type ScalingResult } from '../search/scaling.ts';
import { RELATION_SYMBOL } from './asymptotic.ts';
import { AUDIT_BOUND, AUDIT_SPACE, boundOrigin, decodeAuditInstance, isAuditBound } from './defineBound.ts';
import { type Confirmation, confirmHighProbability, confirmRun, type HighProbabilityConfirmation, type RunConfirmation } from './confirm.ts';
import { DIGITS, MAX_CONFIRM_N } from './highPrecision.ts';
import { loadProposal } from './proposal.ts';
import { observeBound } from './observe.ts';
import { proposalRecord } from './provenance.ts';
import { type AuditWorkerData, BUDGET_SPENT, type CachedResult } from './protocol.ts';
import { searchTheorem } from '../search/search.ts';
import { targetedCounts } from '../search/budget.ts';
import { UserError } from '../errors.ts';
import { workerEntry } from '../packagePaths.ts';

/**
 * `ntk-audit audit` and the programmatic auditBound (src/api.ts): runs each bound of a proposal in a worker thread
 * (or, for a bound given as an object with no module to re-load it from, in this thread) (random + shrinking +
 * targeted search, src/search/search.ts) and turns the run into one of three verdicts:
 *
 *   refuted      — a certified counterexample exists (margin < −error bound, see defineBound.ts); for a
 *                  high-probability bound: the exact binomial test rejects "failure rate ≤ δ" (a single
 *                  failed draw is allowed, with rate δ, and is reported as a failed draw, never as a
 *                  counterexample);
 *   survived     — the budget was spent without one, and some instance held (for a high-probability
 *                  bound: some configuration's rate test was consistent with δ and could have failed);
 *   partial      — no refutation and some instances held, but the bound's sides threw or timed out on part
 *                  of its instance space: that part was not tested (its cells are listed); never `survived`;
 *   inconclusive — no refutation, but nothing held either: every evaluated instance (or draw) was
 *                  within its error bound, or the rate tests had too few conclusive draws;
 *   ill-posed — the proposal failed to load, its lhs/rhs returned NaN or a wrong type, or it threw
 *               (or timed out, or never met its own assumptions) on every instance.
 *
 * Robustness: a synchronous infinite loop cannot be interrupted in-thread, so the worker posts a
 * heartbeat before each instance and the main thread terminates it when an instance runs longer
 * than the per-instance limit; a new worker is spawned with the results already obtained (so done
 * instances are not re-evaluated) and the timed-out instance marked as failed, and the
 * deterministic search goes on from there. Instances that throw are reported and skipped.
 *
 * Example database (src/search/exampleDb.ts, `--example-db`): before its search, an inequality bound first
 * replays the descriptors saved by earlier audits under its key (exampleKey: the bound's id and its instance
 * space), and after it saves its reported counterexamples and its closest calls (the smallest positive
 * relative margins). Replayed examples are evaluated IN ADDITION to the budget's instance counts (they do not
 * count toward the budget; the wall-clock safety stop covers them too), so the verdict is a function of the
 * seed, the budget and the saved examples. High-probability bounds (a replayed failed draw would bias the
 * rate test) and asymptotic bounds (a designed sweep) do not use it.
 */

export type AuditVerdict = 'refuted' | 'survived' | 'partial' | 'inconclusive' | 'ill-posed';

export interface AuditOptions {
  file: string;
  seed: string;
  budgetSeconds: number;
  instanceTimeoutSeconds: number;
  outDir: string;
  onEvent?: (line: string) => void;
  /** The wall-clock safety stop per bound, in ms (default: SAFETY_FACTOR × the bound's budget, at least SAFETY_FLOOR_MS). */
  safetyStopMs?: number;
  /** Example database directory (src/search/exampleDb.ts); null or absent: none. */
  exampleDb?: string | null;
}

export interface CounterexampleSummary {
  N: number;
  d: number;
  descriptor: Descriptor;
  lhs: number;
  rhs: number;
  relation: string;
  /** rhs − lhs or lhs − rhs (< −errorBound); null for an identity (relation '=='), which has no signed margin. */
  margin: number | null;
  errorBound: number;
  /** null for an identity. */
  relativeMargin: number | null;
  /** Identities only: |lhs − rhs|, and it in units of the error bound (> 1: inconsistent). */
  residual?: number;
  residualRatio?: number;
  foundBy: string;
  artifact: string;
  npy: string;
  replay: string;
  /** The high-precision confirmation recorded in the artifact (confirm.ts). */
  confirmation?: { status: Confirmation['status']; verdict?: string; ms?: number; reason?: string };
}

export interface CellSummary {
  key: string;
  value: string;
  counts: Record<Verdict, number>;
  /** For high-probability bounds a cell is never 'refuted' by its failed draws (the rate test decides). */
  status: 'refuted' | 'survived' | 'inconclusive' | 'outside' | 'not exercised';
}

export interface BoundAudit {
  id: string;
  statement: string;
  /** The statement's TeX form (text with inline $…$ math), when the bound gives one. */
  statementTex?: string;
  verdict: AuditVerdict;
  message: string;
  evaluated: number;
  counts: Record<Verdict, number>;
  errors: { instance: string; message: string }[];
  errorCount: number;
  timeouts: { instance: string; message: string }[];
  budgetSpent: boolean;
  counterexamples: { count: number; smallest?: CounterexampleSummary; worst?: CounterexampleSummary; confirmation?: RunConfirmation['summary'] };
  /** High-probability bounds: the rate test of each configuration (failed draws are evidence for it, not counterexamples). */
  highProbability?: TheoremRun['highProbability'];
  tightness?: { instances: number; minRelativeMargin: number; medianRelativeMargin: number; maxRatio: number; medianRatio: number; ratio: string };
  /**
   * Asymptotic bounds: the sweep, each regime's fitted exponent with its interval, and the verdict they
   * give; for a refutation the evidence file (every draw's descriptor) and the command that replays it.
   */
  scaling?: ScalingResult & { evidence?: string; replay?: string };
  cells: CellSummary[];
  respawns: number;
  durationMs: number;
  conventions: Record<string, string | number | boolean>;
  /**
   * The example database: the key, the saved examples replayed before the search (`violated`: how many of
   * them were certified violations before the high-precision confirmation) and how many this audit saved.
   */
  examples?: { key: string; replayed: number; violated: number; saved: number };
}

export interface AuditResult {
  verdict: AuditVerdict;
  /** For an ill-posed audit: the message of the first ill-posed bound. */
  message?: string;
  /** The module the bounds were loaded from (null: bounds given as objects, with no module). */
  file: string | null;
  seed: string;
  budgetSeconds: number;
  instanceTimeoutSeconds: number;
  bounds: BoundAudit[];
  outDir: string;
  durationMs: number;
  /** The example database used (null: none, `--example-db none` or CI=true) and its warnings (malformed or unwritable files). */
  exampleDb: { dir: string; warnings: string[] } | null;
}

/**
 * The example-database key of a bound: its id and a hash of its instance space (AUDIT_SPACE: the resolved
 * ranges and sources, a data file by its bytes) — or of the proposal module's text when the space is a
 * fast-check arbitrary, which has no other identity.
 */
export function exampleKey(theorem: AnyTheorem, moduleText: string): string {
  const space = isAuditBound(theorem) ? theorem[AUDIT_SPACE] : undefined;
  const h = createHash('sha256')
    .update(theorem.id)
    .update('\0')
    .update(space !== undefined ? `space ${space.identity}` : `module ${moduleText}`)
    .digest('hex');
  return `${theorem.id}--${h.slice(0, 12)}`;
}

const emptyCounts = (): Record<Verdict, number> => ({ holds: 0, violated: 0, inconclusive: 0, outside: 0 });

/** Short human description of a descriptor. */
export function describeInstance(desc: Descriptor): string {
  const d = desc as Record<string, unknown>;
  if (typeof d.n === 'number' && typeof d.depth === 'number') {
    const widths = Array.isArray(d.widths) ? (d.widths as number[]).slice(0, (d.depth as number) - 1) : [];
    const geometry =
      typeof d.geometry === 'string'
        ? ` geometry=${d.geometry}(k=${String(d.k)})${Array.isArray(d.moves) && d.moves.length ? ` moved rows=[${(d.moves as { row: number }[]).map((m) => m.row).join(',')}]` : ''}`
        : '';
    return `N=${d.n} d=${d.d} L=${d.depth}${widths.length ? ` widths=[${widths.join(',')}]` : ''} init=${d.init} data=${d.data}${d.normalize && d.normalize !== 'none' ? `/${d.normalize}` : ''} seed=${d.seed}${geometry}`;
  }
  return JSON.stringify(desc).slice(0, 160);
}

type WorkerOutcome =
  | { kind: 'done'; run: TheoremRun }
  | { kind: 'timeout'; key: string; descriptor: Descriptor }
  | { kind: 'defect'; key: string; descriptor: Descriptor; message: string }
  | { kind: 'fatal'; message: string };

function runWorker(
  wd: AuditWorkerData,
  timeoutMs: number,
  onResult: (key: string, d: Descriptor, r: CachedResult) => void,
  onProgress: (n: number) => void,
): Promise<WorkerOutcome> {
  return new Promise((resolve) => {
    const w = new Worker(workerEntry(import.meta.url, 'worker.mjs', 'workerMain'), { workerData: wd, stdout: false, stderr: false });
    let timer: NodeJS.Timeout | undefined;
    let current: { key: string; descriptor: Descriptor } | undefined;
    let settled = false;
    const finish = (o: WorkerOutcome) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      void w.terminate();
      resolve(o);
    };
    w.on('message', (m: { type: string; key: string; descriptor: Descriptor; result: CachedResult; run: TheoremRun; message: string; evaluated: number }) => {
      if (m.type === 'start') {
        current = { key: m.key, descriptor: m.descriptor };
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => finish({ kind: 'timeout', ...current! }), timeoutMs);
      } else if (m.type === 'result') {
        if (timer) clearTimeout(timer);
        timer = undefined;
        onResult(m.key, m.descriptor, m.result);
        if ('error' in m.result && (m.result.defect === 'nan' || m.result.defect === 'type'))
          finish({ kind: 'defect', key: m.key, descriptor: m.descriptor, message: m.result.error });
      } else if (m.type === 'progress') onProgress(m.evaluated);
      else if (m.type === 'done') finish({ kind: 'done', run: m.run });
      else if (m.type === 'fatal') finish({ kind: 'fatal', message: m.message });
    });
    w.on('error', (e) => finish({ kind: 'fatal', message: e.message.split('\n')[0] }));
    w.on('exit', (code) => finish({ kind: 'fatal', message: `audit worker exited with code ${code}` }));
  });
}

/** `boundsInAudit`: the number of bounds audited together (high-probability tests are Bonferroni-corrected over all of them). */
export function searchOptionsFor(theorem: AnyTheorem, budgetSeconds: number, seed: string, boundsInAudit = 1): SearchOptions {
  const evals = Math.max(40, Math.round(budgetSeconds * (theorem.costHint ?? 25)));
  if (theorem.kind === 'high-probability') {
    const hpConfigs = Math.min(12, Math.max(3, Math.round(Math.sqrt(evals) / 6)));
    return { seed, numRuns: 0, hpConfigs, hpDraws: Math.max(20, Math.floor(evals / hpConfigs)), claimsInRun: boundsInAudit };
  }
  // Asymptotic bounds: the budget's evaluations shared over sizes × regimes, clamped to the bound's draws.
  if (theorem.scalingLaw) return { seed, numRuns: 0, scalingDraws: scalingDraws(theorem.scalingLaw, evals), claimsInRun: boundsInAudit };
  return { seed, numRuns: Math.max(25, Math.round(evals * 0.6)), ...targetedCounts(theorem, evals), claimsInRun: boundsInAudit };
}

const fmtLevel = (a: number) => (a >= 1e-3 ? String(Number(a.toPrecision(3))) : a.toExponential(2));

function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))];
}

function tightnessOf(records: InstanceRecord[], relation: string): BoundAudit['tightness'] {
  const rs = records.filter((r) => r.verdict === 'holds' || r.verdict === 'inconclusive');
  if (rs.length === 0) return undefined;
  if (relation === '==') {
    // An identity has no signed margin: its residual |lhs − rhs| in units of the error bound (≤ 1: consistent).
    const res = rs.map((r) => residualRatio(r)).sort((a, b) => a - b);
    return {
      instances: rs.length,
      minRelativeMargin: NaN,
      medianRelativeMargin: NaN,
      maxRatio: res[res.length - 1],
      medianRatio: quantile(res, 0.5),
      ratio: '|lhs − rhs|/error bound',
    };
  }
  const margins = rs
    .map((r) => r.relativeMargin)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const upper = relation === '<=' || relation === '<';
  const ratios = rs
    .filter((r) => r.lhs > 0 && r.rhs > 0)
    .map((r) => (upper ? r.lhs / r.rhs : r.rhs / r.lhs))
    .sort((a, b) => a - b);
  return {
    instances: rs.length,
    minRelativeMargin: margins[0] ?? NaN,
    medianRelativeMargin: quantile(margins, 0.5),
    maxRatio: ratios.length ? ratios[ratios.length - 1] : NaN,
    medianRatio: quantile(ratios, 0.5),
    ratio: upper ? 'lhs/rhs' : 'rhs/lhs',
  };
}

function cellsOf(theorem: AnyTheorem, records: InstanceRecord[]): CellSummary[] {
  const rateTested = theorem.kind === 'high-probability';
  const map = new Map<string, CellSummary>();
  const get = (key: string, value: string) => {
    const k = `${key}\u0000${value}`;
    if (!map.has(k)) map.set(k, { key, value, counts: emptyCounts(), status: 'not exercised' });
    return map.get(k)!;
  };
  for (const [key, values] of Object.entries(theorem.cellSpace ?? {})) for (const v of values) get(key, v);
  for (const r of records) for (const [key, value] of Object.entries(r.cells ?? {})) get(key, value).counts[r.verdict]++;
  for (const c of map.values()) {
    const n = c.counts;
    c.status =
      n.violated > 0 && !rateTested
        ? 'refuted'
        : n.holds > 0
          ? 'survived'
          : n.inconclusive > 0 || n.violated > 0
            ? 'inconclusive'
            : n.outside > 0
              ? 'outside'
              : 'not exercised';
  }
  return [...map.values()];
}

/** Where the artifacts of a bound say it comes from (src/audit/provenance.ts): its module and data file. */
interface BoundSource {
  /** Module exported from, re-loaded by the worker threads (null: searched in this thread). */
  module: string | null;
  /** The proposal file recorded in artifacts (the module, else the file that called defineBound). */
  proposal: string | null;
  dataFile?: string;
}

function writeCounterexample(ref: CounterexampleRef, dir: string, src: BoundSource, confirmation?: Confirmation): CounterexampleSummary {
  const name = artifactFileName(ref.artifact);
  const path = join(dir, name);
  const a: Artifact & { proposal?: ReturnType<typeof proposalRecord> } = {
    ...ref.artifact,
    ...(src.proposal ? { proposal: proposalRecord(path, src.proposal, ref.artifact.theoremId, src.dataFile) } : {}),
    ...(confirmation ? { confirmation } : {}),
  };
  writeFileAtomic(path, JSON.stringify(a, null, 2) + '\n');
  const inst = decodeAuditInstance(ref.artifact.instance);
  const npy = path.replace(/\.json$/, '.npy');
  writeNpy(npy, inst.x);
  return {
    N: inst.x.rows,
    d: inst.x.cols,
    descriptor: ref.descriptor,
    lhs: Number(ref.artifact.lhs),
    rhs: Number(ref.artifact.rhs),
    relation: ref.artifact.relation,
    ...(ref.artifact.relation === '=='
      ? { margin: null, errorBound: ref.errorBound, relativeMargin: null, residual: Math.abs(ref.margin), residualRatio: residualRatio(ref) }
      : { margin: ref.margin, errorBound: ref.errorBound, relativeMargin: ref.relativeMargin }),
    foundBy: ref.foundBy,
    artifact: path,
    npy,
    replay: `ntk-audit replay ${path}`,
    ...(confirmation
      ? {
          confirmation:
            confirmation.status === 'skipped'
              ? { status: 'skipped' as const, reason: confirmation.reason }
              : {
                  status: confirmation.status,
                  verdict: confirmation.verdict,
                  ms: confirmation.ms,
                  ...(confirmation.reason ? { reason: confirmation.reason } : {}),
                },
        }
      : {}),
  };
}

/** What auditBound needs of the example database: the key, the descriptors to replay, where to save, its warnings. */
interface BoundExamples {
  dir: string;
  key: string;
  descriptors: Descriptor[];
  /** Saved descriptors outside the bound's instance space (a file edited by hand): not replayed, dropped at the save. */
  outside: Descriptor[];
  warnings: string[];
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/**
 * The search of one bound in this thread, with the same observation as a worker (observe.ts) and the same
 * outcomes, so that its result equals a worker's. A synchronous infinite loop in the bound's sides cannot be
 * interrupted here: the per-instance time limit needs a worker (a module to re-load the bound from).
 */
function runInProcess(theorem: AnyTheorem, wd: AuditWorkerData, onResult: (key: string, d: Descriptor, r: CachedResult) => void): WorkerOutcome {
  let defect: WorkerOutcome | undefined;
  const data = { done: { ...wd.done }, timedOut: { ...wd.timedOut }, deadline: wd.deadline };
  const observed = observeBound(theorem, data, (m) => {
    if (defect || m.type !== 'result') return;
    onResult(m.key, m.descriptor, m.result);
    if ('error' in m.result && (m.result.defect === 'nan' || m.result.defect === 'type')) {
      // A worker is stopped here; in process the search is run out without evaluating anything new.
      defect = { kind: 'defect', key: m.key, descriptor: m.descriptor, message: m.result.error };
      data.deadline = -Infinity;
    }
  });
  try {
    const run = searchTheorem(observed, wd.options);
    return defect ?? { kind: 'done', run: structuredClone(run) };
  } catch (e) {
    return defect ?? { kind: 'fatal', message: firstLine(e) };
  }
}

async function auditOne(
  theorem: AnyTheorem,
  src: BoundSource,
  opts: Omit<AuditOptions, 'file'>,
  deadline: number,
  boundsInAudit: number,
  db?: BoundExamples,
): Promise<BoundAudit> {
  const t0 = Date.now();
  const say = opts.onEvent ?? (() => {});
  const done: Record<string, CachedResult> = {};
  const timedOut: Record<string, string> = {};
  const errors: { instance: string; message: string }[] = [];
  const timeouts: { instance: string; message: string }[] = [];
  let errorCount = 0;
  let budgetSpent = false;
  let respawns = 0;
  /** Instances the search asked for after the time budget ran out (not evaluated). */
  let cutOff = 0;
  /** Cells (theorem.cells) of the instances whose sides threw or timed out: the part of the space not tested. */
  const untested = new Map<string, number>();
  const noteUntested = (d: Descriptor) => {
    for (const [k, v] of Object.entries(theorem.cells?.(d) ?? {})) untested.set(`${k}=${v}`, (untested.get(`${k}=${v}`) ?? 0) + 1);
  };
  const onResult = (key: string, d: Descriptor, r: CachedResult) => {
    if ('error' in r && r.error === BUDGET_SPENT) {
      cutOff++;
      return;
    }
    done[key] = r; // a respawned worker answers these without running user code again
    if ('error' in r) {
      errorCount++;
      noteUntested(d);
      if (errors.length < 20) errors.push({ instance: describeInstance(d), message: r.error });
      if (errorCount === 1 && !r.defect) say(`${theorem.id}: instance ${describeInstance(d)}: ${r.error} (reported; the audit goes on)`);
    }
  };
  const base = {
    id: theorem.id,
    statement: theorem.statement,
    ...(theorem.statementTex !== undefined ? { statementTex: theorem.statementTex } : {}),
    conventions: theorem.conventions,
  };
  /**
   * The bound's audit: what every outcome reports (failures, respawns, duration) around the outcome's own fields,
   * its verdict (`head`), what was evaluated (`found`) and what was found (`tail`), in the key order of `--json`.
   */
  const audited = (
    head: Pick<BoundAudit, 'verdict' | 'message' | 'scaling'>,
    found: Pick<BoundAudit, 'evaluated' | 'counts'>,
    tail: Pick<BoundAudit, 'counterexamples' | 'highProbability' | 'tightness' | 'cells'>,
  ): BoundAudit => ({
    ...base,
    ...head,
    ...found,
    errors,
    errorCount,
    timeouts,
    budgetSpent,
    ...tail,
    respawns,
    durationMs: Date.now() - t0,
  });
  const dir = join(opts.outDir, 'counterexamples');
  // A refuted asymptotic bound's evidence (the whole sweep) is written by the search itself.
  const options: SearchOptions = {
    ...searchOptionsFor(theorem, opts.budgetSeconds, opts.seed, boundsInAudit),
    ...(theorem.scalingLaw ? { artifactsDir: dir } : {}),
    ...(db ? { examples: db.descriptors } : {}),
  };
  let run: TheoremRun | undefined;
  // After MAX_TIMEOUTS hung instances the rest of the search is not run (each would cost the instance
  // timeout): the bound is stopped and answers inconclusive, naming the instances that hung.
  let stopAt = deadline;
  let stoppedByTimeouts = false;
  for (;;) {
    const wd: AuditWorkerData = { file: src.module ?? '', boundId: theorem.id, options, deadline: stopAt, timedOut, done };
    const out = src.module ? await runWorker(wd, opts.instanceTimeoutSeconds * 1000, onResult, () => {}) : runInProcess(theorem, wd, onResult);
    if (out.kind === 'timeout') {
      const msg = `instance timed out after ${opts.instanceTimeoutSeconds} s (stopped; a synchronous loop in lhs/rhs/assume?)`;
      timedOut[out.key] = msg;
      timeouts.push({ instance: describeInstance(out.descriptor), message: msg });
      noteUntested(out.descriptor);
      respawns++;
      if (timeouts.length >= MAX_TIMEOUTS && !stoppedByTimeouts) {
        stoppedByTimeouts = true;
        stopAt = 0; // the respawned worker answers from `done` and cuts off every instance not yet evaluated
        say(
          `${theorem.id}: instance ${describeInstance(out.descriptor)} timed out after ${opts.instanceTimeoutSeconds} s: ${MAX_TIMEOUTS} instances hung, the rest of this bound's search is not run`,
        );
      } else
        say(
          `${theorem.id}: instance ${describeInstance(out.descriptor)} timed out after ${opts.instanceTimeoutSeconds} s: worker restarted, the audit goes on`,
        );
      if (respawns > 50) {
        run = undefined;
        break;
      }
      continue;
    }
    if (out.kind === 'defect' || out.kind === 'fatal') {
      const where = out.kind === 'defect' ? ` on instance ${describeInstance(out.descriptor)}` : '';
      return audited(
        { verdict: 'ill-posed', message: `ill-posed: ${theorem.id}: ${out.message}${where}` },
        { evaluated: 0, counts: emptyCounts() },
        { counterexamples: { count: 0 }, cells: [] },
      );
    }
    run = out.run;
    break;
  }
  budgetSpent = Object.values(done).length > 0 && (stoppedByTimeouts || Date.now() > deadline);
  // Before any counterexample is reported it is re-verified in decimal arithmetic (confirm.ts, highPrecision.ts);
  // violations that fail it count as inconclusive. (User sides run here in the main thread once more, on
  // the instances they already completed on in the worker.)
  let confirmed: RunConfirmation | undefined;
  if (run && run.counts.violated > 0 && isAuditBound(theorem) && theorem.kind !== 'high-probability' && !theorem.scalingLaw) {
    confirmed = confirmRun(theorem, run);
    run = confirmed.run;
    const f = confirmed.summary;
    if (f.failed > 0)
      say(`${theorem.id}: ${f.failed} float counterexample(s) not confirmed in ${DIGITS}-digit arithmetic (not reported; first: ${f.failures[0].reason})`);
  }
  // A rejected rate test refutes only on failed draws re-verified like counterexamples (confirm.ts).
  let hpConfirmed: HighProbabilityConfirmation | undefined;
  if (run && theorem.kind === 'high-probability' && isAuditBound(theorem) && (run.highProbability?.configs ?? []).some((c) => c.status === 'rejected')) {
    hpConfirmed = confirmHighProbability(theorem, run, highProbabilityConfigVerdict);
    run = hpConfirmed.run;
    const f = hpConfirmed.summary;
    if (f.failed > 0)
      say(`${theorem.id}: ${f.failed} failed draw(s) not confirmed in ${DIGITS}-digit arithmetic (counted inconclusive; first: ${f.failures[0].reason})`);
  }
  const counts = run ? run.counts : emptyCounts();
  const records = run ? run.records : [];
  const cex: BoundAudit['counterexamples'] = { count: run?.counterexamples.count ?? 0, ...(confirmed ? { confirmation: confirmed.summary } : {}) };
  // Refuted: a certified (and, where checked, confirmed) violation for a deterministic bound, a rejected
  // rate test for a high-probability one (its failed draws alone never refute it). Decided from the
  // counts, not from the search's status: that is 'error' as soon as one instance threw or was cut
  // off by the budget, which must not hide a counterexample found on the others.
  if (theorem.scalingLaw) {
    const r = scalingVerdict(theorem, run, src, { counts, errorCount, errors, timeouts, cutOff, deadline });
    return audited(r, { evaluated: run?.evaluated ?? 0, counts }, { counterexamples: { count: 0 }, cells: [] });
  }
  const refuted =
    run !== undefined &&
    (theorem.kind === 'high-probability'
      ? (run.highProbability?.configs ?? []).some((c) => c.status === 'rejected')
      : counts.violated > 0 && run.counterexamples.count > 0);
  const examples =
    db && run?.examples
      ? { key: db.key, replayed: run.examples.replayed, violated: run.examples.violated, saved: saveBoundExamples(db, run, refuted) }
      : undefined;
  if (run && refuted) {
    const { smallest, worst } = run.counterexamples;
    if (smallest) cex.smallest = writeCounterexample(smallest, dir, src, confirmed?.smallest?.confirmation ?? hpConfirmed?.evidence?.confirmation);
    if (worst) cex.worst = writeCounterexample(worst, dir, src, confirmed?.worst?.confirmation ?? hpConfirmed?.evidence?.confirmation);
  }
  const hp = theorem.kind === 'high-probability' ? run?.highProbability : undefined;
  const conclusive = counts.holds + counts.violated + counts.inconclusive;
  let verdict: AuditVerdict;
  let message: string;
  const failures = errorCount + timeouts.length;
  if (refuted && hp) {
    const rejected = hp.configs.filter((c) => c.status === 'rejected');
    const c = rejected[0];
    verdict = 'refuted';
    message = `${theorem.id}: REFUTED — the failure rate exceeds δ = ${c.delta} in ${rejected.length} of ${hp.configs.length} configuration(s) (exact binomial test at level ${fmtLevel(hp.alpha)}: ${c.failures} failed draws of ${c.draws}, rate ≥ ${c.failureRateLower.toPrecision(3)}${hpConfirmed ? `; ${hpConfirmed.summary.confirmed} failed draw(s) re-verified with their quantities recomputed in ${DIGITS}-digit arithmetic${hpConfirmed.summary.skipped ? `, ${hpConfirmed.summary.skipped} not re-checked: N > ${MAX_CONFIRM_N}` : ''}, enough for the test to reject on them alone` : ''})`;
  } else if (refuted) {
    verdict = 'refuted';
    message = `${theorem.id}: REFUTED — ${counts.violated} certified counterexample(s) in ${conclusive + counts.outside} instances`;
    if (confirmed)
      message += ` (${confirmed.summary.confirmed} confirmed with their quantities recomputed in ${DIGITS}-digit arithmetic${confirmed.summary.skipped ? `, ${confirmed.summary.skipped} not re-checked: ${confirmed.summary.skips?.[0]?.reason ?? `N > ${MAX_CONFIRM_N} or beyond the oracle's cost limits`}` : ''})`;
  } else if (conclusive === 0 && failures > 0) {
    verdict = 'ill-posed';
    const first = timeouts[0] && errors.length === 0 ? timeouts[0] : (errors[0] ?? timeouts[0]);
    message = `ill-posed: ${theorem.id}: failed on every instance (${failures}); first: ${first.message} on instance ${first.instance}`;
  } else if (conclusive === 0 && counts.outside > 0) {
    verdict = 'ill-posed';
    const broken = records.find((r) => r.brokenAssumption)?.brokenAssumption ?? '?';
    message = `ill-posed: ${theorem.id}: no instance of the stated space meets the assumptions (${counts.outside} tried; first broken: ${broken})`;
  } else if (conclusive === 0 && Date.now() > deadline) {
    verdict = 'inconclusive';
    message = `${theorem.id}: INCONCLUSIVE — the safety stop (${SAFETY_FACTOR}× the budget of wall time) came before any instance was evaluated (the machine is much slower or busier than the calibration, or the bound is very slow)`;
  } else if (conclusive === 0) {
    verdict = 'ill-posed';
    message = `ill-posed: ${theorem.id}: no instance was evaluated`;
  } else if (hp) {
    const consistent = hp.configs.filter((c) => c.status === 'consistent').length;
    const drawn = hp.configs.reduce((s, c) => s + c.draws, 0);
    const failed = hp.configs.reduce((s, c) => s + c.failures, 0);
    const undecided = hp.configs.reduce((s, c) => s + c.inconclusive, 0);
    verdict = consistent > 0 ? (failures > 0 ? 'partial' : 'survived') : 'inconclusive';
    message = `${theorem.id}: ${consistent > 0 ? (failures > 0 ? 'PARTIAL' : 'survived') : 'INCONCLUSIVE'} — rate test consistent with δ in ${consistent} of ${hp.configs.length} configuration(s); ${failed} failed draw(s), ${undecided} inconclusive, of ${drawn} draws (a failed draw is allowed with rate δ)`;
  } else if (counts.holds === 0) {
    verdict = 'inconclusive';
    message = `${theorem.id}: INCONCLUSIVE — no instance held or failed beyond its error bound (${counts.inconclusive} inconclusive, ${counts.outside} outside the assumptions)`;
  } else if (cutOff > 0 && stoppedByTimeouts) {
    verdict = 'partial';
    message = `${theorem.id}: PARTIAL — ${MAX_TIMEOUTS} instances hung (timed out after ${opts.instanceTimeoutSeconds} s each), so the search was stopped: ${cutOff} planned instance(s) not evaluated; ${counts.holds} holds, ${counts.inconclusive} inconclusive so far`;
  } else if (cutOff > 0) {
    // The time budget stopped the search before the instances it planned: what was not evaluated was not tested.
    verdict = 'inconclusive';
    message = `${theorem.id}: INCONCLUSIVE — the safety stop (${SAFETY_FACTOR}× the budget of wall time) came before the search was done (${cutOff} planned instance(s) not evaluated; ${counts.holds} holds, ${counts.inconclusive} inconclusive so far): the machine is much slower or busier than the calibration, or the bound is very slow`;
  } else if (failures > 0) {
    // Instances where the sides threw or hung were not tested: the bound survived only on the rest.
    verdict = 'partial';
    message = `${theorem.id}: PARTIAL — no counterexample where the bound could be evaluated (${counts.holds} holds, ${counts.inconclusive} inconclusive, ${counts.outside} outside the assumptions), but its sides failed on ${failures} instance(s), which were not tested`;
  } else {
    verdict = 'survived';
    message = `${theorem.id}: survived — ${counts.holds} holds, ${counts.inconclusive} inconclusive, ${counts.outside} outside the assumptions`;
  }
  // Float-certified violations (or failed draws of a rejected rate test) that the oracle could not confirm are
  // neither a refutation nor evidence that the bound holds: the bound cannot be said to have survived.
  const pending = verdict === 'refuted' ? 0 : (hpConfirmed?.summary.failed ?? 0) + (confirmed ? confirmed.summary.failed + confirmed.summary.unconfirmed : 0);
  if (pending > 0 && (verdict === 'survived' || verdict === 'partial')) {
    verdict = 'inconclusive';
    message = `${theorem.id}: INCONCLUSIVE — ${pending} float-certified violation(s) could not be confirmed in ${DIGITS}-digit arithmetic, so the bound is neither refuted nor shown to hold (${counts.holds} holds, ${counts.inconclusive} inconclusive, ${counts.outside} outside the assumptions)`;
  }
  if (verdict !== 'refuted' && hpConfirmed && hpConfirmed.summary.failed > 0) {
    const f = hpConfirmed.summary;
    message += `; the rate test rejected on float failed draws, but ${f.failed} of them were not confirmed in ${DIGITS}-digit arithmetic (counted inconclusive; first: ${f.failures[0].reason})`;
  }
  if (verdict !== 'refuted' && confirmed && confirmed.summary.failed + confirmed.summary.unconfirmed > 0) {
    const f = confirmed.summary;
    message += `; ${f.failed + f.unconfirmed} float violation(s) not confirmed in ${DIGITS}-digit arithmetic (counted inconclusive${f.failures[0] ? `; first: ${f.failures[0].reason}` : ''})`;
  }
  const tight = tightnessOf(records, isAuditBound(theorem) ? (theorem[AUDIT_BOUND].relation ?? '<=') : '<=');
  if (failures > 0 && verdict !== 'ill-posed') message += `; ${errorCount} instance(s) threw, ${timeouts.length} timed out (listed)`;
  const untestedCells = [...untested.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  if (verdict === 'partial' && untestedCells.length)
    message += `; untested cells: ${untestedCells.slice(0, 8).join(', ')}${untestedCells.length > 8 ? ', …' : ''}`;
  return {
    ...audited(
      { verdict, message },
      { evaluated: run?.evaluated ?? 0, counts },
      { counterexamples: cex, ...(hp ? { highProbability: hp } : {}), ...(tight ? { tightness: tight } : {}), cells: cellsOf(theorem, records) },
    ),
    ...(examples ? { examples } : {}),
  };
}

/**
 * Saves a bound's examples: the counterexamples the audit reports (after the high-precision confirmation;
 * none unless refuted) and the closest calls the search offered; descriptors the bound could not evaluate
 * when replayed are dropped. A file that cannot be written is a warning, never the audit's failure.
 * Returns the number of entries offered.
 */
function saveBoundExamples(db: BoundExamples, run: TheoremRun, refuted: boolean): number {
  const { smallest, worst } = run.counterexamples;
  const entries: ExampleEntry[] = [];
  if (refuted)
    for (const ref of [smallest, worst])
      if (ref)
        entries.push({
          descriptor: ref.descriptor as Record<string, unknown>,
          role: 'counterexample',
          relativeMargin: Number.isFinite(ref.relativeMargin) ? ref.relativeMargin : null,
        });
  for (const e of run.examples?.save ?? [])
    if (e.role === 'near-miss') entries.push({ descriptor: e.descriptor as Record<string, unknown>, role: 'near-miss', relativeMargin: e.relativeMargin });
  try {
    // (a malformed file was reported when read, and is renamed, not overwritten)
    saveExamples(db.dir, db.key, entries, [...db.outside, ...(run.examples?.skipped ?? []).map((k) => k.descriptor)] as Record<string, unknown>[]);
  } catch (e) {
    db.warnings.push(
      `example database: examples of ${db.key} NOT saved (${String((e as Error).message ?? e)
        .split('\n')[0]
        .slice(0, 200)})`,
    );
  }
  return entries.length;
}

const fmt3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

/**
 * The verdict of an asymptotic bound (src/audit/asymptotic.ts) from its sweep: refuted when a regime's
 * slope interval lies outside the band, survived when every regime's lies inside, otherwise inconclusive
 * (with the reason: unusable draws, the budget, or an interval too wide); ill-posed when no draw could be
 * evaluated at all. The evidence file of a refutation records the proposal, so that `ntk-audit replay`
 * finds the bound.
 */
function scalingVerdict(
  theorem: AnyTheorem,
  run: TheoremRun | undefined,
  src: BoundSource,
  c: {
    counts: Record<Verdict, number>;
    errorCount: number;
    errors: { instance: string; message: string }[];
    timeouts: { instance: string; message: string }[];
    cutOff: number;
    deadline: number;
  },
): Pick<BoundAudit, 'verdict' | 'message' | 'scaling'> {
  const id = theorem.id;
  const sc = run?.scaling;
  const conclusive = c.counts.holds + c.counts.violated + c.counts.inconclusive;
  const failures = c.errorCount + c.timeouts.length;
  if (!sc || conclusive === 0) {
    if (failures > 0) {
      const first = c.errors[0] ?? c.timeouts[0];
      return {
        verdict: 'ill-posed',
        message: `ill-posed: ${id}: failed on every draw of the sweep (${failures}); first: ${first.message} on instance ${first.instance}`,
      };
    }
    if (c.counts.outside > 0)
      return { verdict: 'ill-posed', message: `ill-posed: ${id}: no draw of the sweep meets the assumptions (${c.counts.outside} tried)` };
    if (c.cutOff > 0 || Date.now() > c.deadline)
      return {
        verdict: 'inconclusive',
        message: `${id}: INCONCLUSIVE — stopped before any draw of the sweep was evaluated (the safety stop at ${SAFETY_FACTOR}× the budget of wall time, or ${MAX_TIMEOUTS} hung draws)`,
      };
    return { verdict: 'ill-posed', message: `ill-posed: ${id}: no draw of the sweep was evaluated` };
  }
  const law = `${sc.quantity} = ${RELATION_SYMBOL[sc.relation]}(${sc.variable.includes('·') ? `(${sc.variable})` : sc.variable}^${sc.exponent})`;
  const b = (v: number) => String(Number(v.toPrecision(12)));
  const band =
    sc.relation === 'Theta'
      ? `[${b(sc.exponent - sc.tolerance)}, ${b(sc.exponent + sc.tolerance)}]`
      : sc.relation === 'O'
        ? `≤ ${b(sc.exponent + sc.tolerance)}`
        : `≥ ${b(sc.exponent - sc.tolerance)}`;
  const slopes = (rs: typeof sc.regimes) =>
    rs.map((r) => `${fmt3(r.slope)} [${fmt3(r.slopeLow)}, ${fmt3(r.slopeHigh)}]${sc.regimes.length > 1 ? ` (${r.regime})` : ''}`).join('; ');
  let scaling: BoundAudit['scaling'] = sc;
  if (sc.status === 'violated') {
    const bad = sc.regimes.filter((r) => r.status === 'violated');
    if (sc.evidencePath) {
      // The proposal that defines the bound, so that `ntk-audit replay` can load it (the catalog does not have it).
      const e = JSON.parse(readFileSync(sc.evidencePath, 'utf8')) as Record<string, unknown>;
      if (src.proposal)
        writeFileAtomic(sc.evidencePath, JSON.stringify({ ...e, proposal: proposalRecord(sc.evidencePath, src.proposal, id, src.dataFile) }, null, 2) + '\n');
      scaling = { ...sc, evidence: sc.evidencePath, replay: `ntk-audit replay ${sc.evidencePath}` };
    }
    return {
      verdict: 'refuted',
      message: `${id}: REFUTED — ${law}: fitted exponent ${slopes(bad)} lies outside the accepted ${band} (tolerance ±${sc.tolerance}; Student-t interval at level ${fmtLevel(sc.alpha)} per regime; ${bad.length} of ${sc.regimes.length} regime(s))`,
      scaling,
    };
  }
  if (sc.status === 'holds')
    return {
      verdict: 'survived',
      message: `${id}: survived — ${law}: fitted exponent ${slopes(sc.regimes)} inside the accepted ${band} in every regime (tolerance ±${sc.tolerance}; level ${fmtLevel(sc.alpha)} per regime)`,
      scaling,
    };
  const unusable = sc.regimes.reduce((s, r) => s + r.unusable, 0);
  const why =
    c.cutOff > 0
      ? `the sweep was stopped before it was done (${c.cutOff} draw(s) not evaluated: the safety stop at ${SAFETY_FACTOR}× the budget of wall time, or ${MAX_TIMEOUTS} hung draws)`
      : unusable > 0
        ? `${unusable} draw(s) unusable (quantity not certified > 0 with relative error ≤ 1e-3, outside the assumptions, or failed): a fit without them could be biased`
        : `the interval is not decided by the band (too few draws or too noisy a quantity: more sizes, more draws, or a wider tolerance)`;
  return { verdict: 'inconclusive', message: `${id}: INCONCLUSIVE — ${law}: fitted exponent ${slopes(sc.regimes)}, accepted ${band}; ${why}`, scaling };
}

/** What was dropped from the data files / data sets the bounds draw from (duplicates, zero rows). */
export function dataWarnings(bounds: readonly AnyTheorem[]): string[] {
  const out = new Set<string>();
  for (const b of bounds) {
    if (!isAuditBound(b)) continue;
    const inst = b[AUDIT_BOUND].instances as { data?: unknown };
    const data = inst && typeof inst === 'object' && !(inst instanceof fc.Arbitrary) ? inst.data : undefined;
    const names: string[] = Array.isArray(data)
      ? data.filter((x: string) => (NAMED_DATASETS as readonly string[]).includes(x))
      : data && typeof data === 'object' && 'dataset' in data
        ? [String((data as { dataset: string }).dataset)]
        : [];
    for (const n of names) for (const w of loadNamedPopulation(n as NamedDataset).warnings) out.add(w);
    if (data && typeof data === 'object' && 'file' in data) {
      // the file defineBound resolved (relative paths: against the proposal's directory)
      const f = boundOrigin(b).dataFile ?? (data as { file: string | URL }).file;
      for (const w of loadFilePopulation(f instanceof URL ? fileURLToPath(f) : f.startsWith('file:') ? fileURLToPath(f) : f).warnings) out.add(w);
    }
  }
  return [...out];
}

/** The wall-clock safety stop of an audit: 10 × its budget, and never under 2 minutes. */
export const SAFETY_FACTOR = 10;
/** Hung instances (each stopped after --instance-timeout) after which a bound's search is stopped. */
export const MAX_TIMEOUTS = 3;
export const SAFETY_FLOOR_MS = 120_000;

/** How bounds given as objects are audited (src/api.ts): where their module is, and how many worker threads. */
export interface AuditBoundsOptions extends Omit<AuditOptions, 'file'> {
  /**
   * The module (file path) that exports the bounds (`default` or `bound`, src/audit/proposal.ts): each bound's
   * search then runs in a worker thread that re-loads it, with the per-instance time limit. Null: in this thread.
   */
  module: string | null;
  /** Bounds searched at the same time, each in its own worker thread (needs `module`; results do not depend on it). */
  workers: number;
}

/**
 * Audits bounds made by defineBound. The budget is shared by the bounds and turned into instance counts
 * (searchOptionsFor): what is tested does not depend on the machine's speed or load, nor on `workers`. The clock
 * is only a safety stop, at SAFETY_FACTOR times a bound's share (at least SAFETY_FLOOR_MS): a run that slow ends
 * inconclusive.
 */
export async function auditBounds(bounds: readonly AnyTheorem[], opts: AuditBoundsOptions): Promise<AuditResult> {
  const t0 = Date.now();
  if (bounds.length === 0) throw new UserError('audit: no bound given');
  if (!opts.module && opts.workers > 1) {
    const origin = boundOrigin(bounds[0]).module;
    throw new UserError(
      `audit: workers = ${opts.workers} needs the module that exports the bounds (option \`module\`${origin ? `, e.g. ${JSON.stringify(origin)}` : ''}), for the worker threads to load them; without it the bounds are audited in this thread (workers = 1)`,
    );
  }
  const ids = new Set<string>();
  for (const b of bounds) {
    if (ids.has(b.id)) throw new UserError(`audit: two bounds share the id ${b.id}`);
    ids.add(b.id);
  }
  for (const w of dataWarnings(bounds)) opts.onEvent?.(w);
  const dbDir = opts.exampleDb ?? null;
  const warnings: string[] = [];
  const moduleTexts = new Map<string, string>();
  const moduleText = (file: string | null | undefined): string => {
    if (!file) return '';
    if (!moduleTexts.has(file)) moduleTexts.set(file, existsSync(file) ? readFileSync(file, 'utf8') : '');
    return moduleTexts.get(file) ?? '';
  };
  const examplesOf = (b: AnyTheorem, module: string | null): BoundExamples | undefined => {
    if (!dbDir || b.kind === 'high-probability' || b.scalingLaw) return undefined;
    const key = exampleKey(b, moduleText(module));
    const found = examplesFor(key, new Map(), dbDir);
    warnings.push(...found.warnings);
    // Only descriptors the bound's space can draw are replayed: one outside it could refute the bound where it claims nothing.
    const space = isAuditBound(b) ? b[AUDIT_SPACE] : undefined;
    const outside = space ? found.descriptors.filter((d) => !space.contains(d)) : [];
    if (outside.length)
      warnings.push(
        `example database: ${outside.length} saved example(s) of ${key} outside its instance space ignored (and dropped), first: ${JSON.stringify(outside[0]).slice(0, 160)}`,
      );
    return { dir: dbDir, key, descriptors: found.descriptors.filter((d) => !outside.includes(d)), outside, warnings };
  };
  const results: BoundAudit[] = new Array<BoundAudit>(bounds.length);
  const share = (opts.budgetSeconds * 1000) / bounds.length;
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < bounds.length; i = next++) {
      const origin = boundOrigin(bounds[i]);
      const src: BoundSource = {
        module: opts.module,
        proposal: opts.module ?? origin.module ?? null,
        ...(origin.dataFile ? { dataFile: origin.dataFile } : {}),
      };
      const deadline = Date.now() + (opts.safetyStopMs ?? Math.max(SAFETY_FACTOR * share, SAFETY_FLOOR_MS));
      results[i] = await auditOne(
        bounds[i],
        src,
        { ...opts, budgetSeconds: opts.budgetSeconds / bounds.length },
        deadline,
        bounds.length,
        examplesOf(bounds[i], src.proposal),
      );
    }
  };
  await Promise.all(Array.from({ length: opts.module ? Math.max(1, Math.min(opts.workers, bounds.length)) : 1 }, lane));
  const verdict: AuditVerdict = results.some((r) => r.verdict === 'ill-posed')
    ? 'ill-posed'
    : results.some((r) => r.verdict === 'refuted')
      ? 'refuted'
      : results.some((r) => r.verdict === 'partial')
        ? 'partial'
        : results.some((r) => r.verdict === 'inconclusive')
          ? 'inconclusive'
          : 'survived';
  const illPosed = results.find((b) => b.verdict === 'ill-posed');
  return {
    verdict,
    ...(illPosed ? { message: illPosed.message } : {}),
    file: opts.module,
    seed: opts.seed,
    budgetSeconds: opts.budgetSeconds,
    instanceTimeoutSeconds: opts.instanceTimeoutSeconds,
    bounds: results,
    outDir: opts.outDir,
    durationMs: Date.now() - t0,
    exampleDb: dbDir ? { dir: dbDir, warnings } : null,
  };
}

/** `ntk-audit audit FILE`: loads the proposal module and audits its bounds, each in a worker thread. */
export async function runAudit(opts: AuditOptions & { workers?: number }): Promise<AuditResult> {
  const { path, bounds } = await loadProposal(opts.file);
  const { file: _file, ...rest } = opts;
  return auditBounds(bounds, { ...rest, module: path, workers: opts.workers ?? 1 });
}
