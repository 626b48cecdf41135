import type { SearchOptions } from '../search/search.ts';
import type { Evaluation } from '../theorem/types.ts';

/** Messages and data shared by the audit main thread (runAudit.ts) and its worker (workerMain.ts). */
export type CachedResult = { broken: string | null; evaluation?: Evaluation } | { error: string; defect?: 'nan' | 'type' | 'timeout' };

export interface AuditWorkerData {
  file: string;
  boundId: string;
  options: SearchOptions;
  /** Epoch ms after which new instances are skipped (budget spent). */
  deadline: number;
  timedOut: Record<string, string>;
  done: Record<string, CachedResult>;
}

export const BUDGET_SPENT = 'ntk-audit: budget spent';
