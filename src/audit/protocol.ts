import type { SearchOptions } from '../search/search.ts';
import type { Evaluation } from '../theorem/types.ts';

/** Messages and data shared by the audit main thread (runAudit.ts) and its worker (workerMain.ts). */
export type CachedResult = { broken: string | null; evaluation?: Evaluation } | { error: string; defect?: 'nan' | 'type' | 'timeout' };

/** What a search restarted after a timeout or a crash starts from (src/audit/observe.ts observeBound). */
export interface AuditProgress {
  /** Epoch ms after which new instances are skipped (budget spent). */
  deadline: number;
  /** The instances (keyed by their JSON descriptor) that timed out, with the message they fail with. */
  timedOut: Record<string, string>;
  /** The instances already evaluated, with their results. */
  done: Record<string, CachedResult>;
}

/** The worker's `workerData`: the module to load the bound from, its id, and the search to run. */
export interface AuditWorkerData extends AuditProgress {
  file: string;
  boundId: string;
  options: SearchOptions;
}

export const BUDGET_SPENT = 'ntk-audit: budget spent';
