import { Worker } from 'node:worker_threads';
import { theoremReport } from '../report/build.ts';
import type { TheoremReport } from '../report/schema.ts';
import type { AnyTheorem, Descriptor } from '../theorem/types.ts';
import { searchCounts, selectTheorems, shardOf } from '../search/budget.ts';
import { searchTheorem, type SearchOptions, type TheoremRun } from '../search/search.ts';
import { workerCatalogModule, workerEntry } from '../packagePaths.ts';

/**
 * Runs a catalog over worker threads. Each theorem is one task whose randomness depends only on
 * (run seed, theorem id) and whose counts depend only on (budget, theorem), so
 * the same seed and budget give identical results whatever the number of workers or shards.
 * Results are put back in catalog order.
 */
export interface CatalogRunOptions {
  seed: string;
  budgetSeconds: number;
  filter?: string | null;
  shard?: { index: number; count: number } | null;
  workers: number;
  artifactsDir?: string;
  /** Example-database descriptors per claim id, replayed before its search (src/search/exampleDb.ts). */
  examples?: ReadonlyMap<string, readonly Descriptor[]>;
  /** Module exporting `catalog: AnyTheorem[]` (loaded by each worker). */
  catalogModule: string;
  onProgress?: (e: ProgressEvent) => void;
}

export type ProgressEvent =
  | { type: 'start'; index: number; theoremId: string; planned: number }
  | { type: 'progress'; index: number; theoremId: string; evaluated: number; worstRelativeMargin: number; phase: string }
  | { type: 'done'; index: number; theoremId: string; report: TheoremReport };

export interface TaskRequest {
  index: number;
  theoremId: string;
  options: SearchOptions;
}

export function planTasks(
  catalog: readonly AnyTheorem[],
  opts: Pick<CatalogRunOptions, 'seed' | 'budgetSeconds' | 'filter' | 'shard' | 'artifactsDir' | 'examples'>,
): TaskRequest[] {
  const selected = selectTheorems(catalog, opts.filter);
  const tasks = selected.map((t, index) => {
    const examples = opts.examples?.get(t.id);
    return {
      index,
      theoremId: t.id,
      options: {
        seed: opts.seed,
        ...searchCounts(t, opts.budgetSeconds, catalog.length),
        ...(opts.artifactsDir ? { artifactsDir: opts.artifactsDir } : {}),
        ...(examples ? { examples } : {}),
      },
    };
  });
  return shardOf(tasks, opts.shard ?? null);
}

export function plannedEvaluations(o: SearchOptions): number {
  return o.numRuns + (o.targetedSteps ?? 0) + (o.pointSteps ?? 0) + (o.probeRuns ?? 0) + (o.hpConfigs ?? 0) * (o.hpDraws ?? 0);
}

/**
 * What a catalog worker does to a run after its search (src/audit/catalogConfirm.ts: the high-precision
 * confirmation of the violations of bounds made by defineBound, which then writes their artifacts itself).
 */
export interface PostSearch {
  needsConfirmation(theorem: AnyTheorem): boolean;
  confirmCatalogRun(theorem: AnyTheorem, run: TheoremRun, artifactsDir: string | undefined, catalogModule?: string): TheoremRun;
  /** The file of the catalog module (recorded in artifacts, for `ntk-audit replay`). */
  catalogFile?: string;
}

/** Runs one theorem in this thread and returns its report section. */
export function runOneTheorem(
  theorem: AnyTheorem,
  task: TaskRequest,
  onProgress?: (p: { evaluated: number; worstRelativeMargin: number; phase: string }) => void,
  post?: PostSearch,
): TheoremReport {
  const t0 = performance.now();
  const confirm = post?.needsConfirmation(theorem) === true;
  // A violation to be confirmed is written as an artifact only after its confirmation.
  const { artifactsDir, ...rest } = task.options;
  let run = searchTheorem(theorem, { ...(confirm ? rest : task.options), ...(onProgress ? { onProgress } : {}) });
  if (confirm) run = post!.confirmCatalogRun(theorem, run, artifactsDir, post!.catalogFile);
  return { order: task.index, ...theoremReport(theorem, run, Math.round(performance.now() - t0)) };
}

export interface CatalogRunResult {
  reports: TheoremReport[];
  interrupted: boolean;
  /** Tasks that did not finish (interrupted run). */
  pending: string[];
}

/**
 * Runs the planned tasks on `workers` threads. `signal` aborts the run: workers are terminated,
 * the completed theorems are returned and the rest listed as pending.
 */
export async function runCatalog(catalog: readonly AnyTheorem[], opts: CatalogRunOptions, signal?: AbortSignal): Promise<CatalogRunResult> {
  const tasks = planTasks(catalog, opts);
  const done = new Map<number, TheoremReport>();
  const queue = [...tasks];
  const nWorkers = Math.max(1, Math.min(opts.workers, tasks.length));
  const workers: Worker[] = [];
  let interrupted = false;
  await new Promise<void>((resolve, reject) => {
    if (tasks.length === 0) return resolve();
    let finishedWorkers = 0;
    const finishOne = () => {
      finishedWorkers++;
      if (finishedWorkers === nWorkers) resolve();
    };
    const onAbort = () => {
      interrupted = true;
      for (const w of workers) void w.terminate();
      resolve();
    };
    if (signal) {
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
    }
    for (let k = 0; k < nWorkers; k++) {
      const w = new Worker(workerEntry(import.meta.url, 'worker.mjs', 'workerMain'), {
        workerData: { catalogModule: workerCatalogModule(opts.catalogModule) },
      });
      workers.push(w);
      const next = () => {
        const task = queue.shift();
        if (!task) {
          void w.terminate().then(finishOne);
          return;
        }
        opts.onProgress?.({ type: 'start', index: task.index, theoremId: task.theoremId, planned: plannedEvaluations(task.options) });
        w.postMessage(task);
      };
      w.on(
        'message',
        (m: { type: string; index: number; report?: TheoremReport; message?: string; evaluated?: number; worstRelativeMargin?: number; phase?: string }) => {
          if (m.type === 'ready') next();
          else if (m.type === 'progress') {
            const t = tasks.find((x) => x.index === m.index)!;
            opts.onProgress?.({
              type: 'progress',
              index: m.index,
              theoremId: t.theoremId,
              evaluated: m.evaluated!,
              worstRelativeMargin: m.worstRelativeMargin!,
              phase: m.phase!,
            });
          } else if (m.type === 'done') {
            done.set(m.index, m.report!);
            opts.onProgress?.({ type: 'done', index: m.index, theoremId: m.report!.id, report: m.report! });
            next();
          } else if (m.type === 'failed') reject(new Error(m.message));
        },
      );
      w.on('error', (e) => {
        if (!interrupted) reject(e);
      });
    }
  });
  const reports = tasks.filter((t) => done.has(t.index)).map((t) => done.get(t.index)!);
  const pending = tasks.filter((t) => !done.has(t.index)).map((t) => t.theoremId);
  return { reports, interrupted, pending };
}
