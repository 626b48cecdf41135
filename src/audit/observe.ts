import type { AnyTheorem, Descriptor, Evaluation } from '../theorem/types.ts';
import { TheoremEvaluationError } from '../theorem/verdict.ts';
import { type AuditProgress, BUDGET_SPENT, type CachedResult } from './protocol.ts';

/** What an observed bound reports to the audit's main loop (src/audit/runAudit.ts), in a worker thread or in process. */
export type AuditMessage =
  | { type: 'start'; key: string; descriptor: Descriptor }
  | { type: 'result'; key: string; descriptor: Descriptor; result: CachedResult };

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/**
 * Wraps a bound so that its user code is observable: before each new instance a heartbeat ('start' with the
 * descriptor), after it the result. Results already obtained (`data.done`) are answered without running user
 * code again and instances that timed out (`data.timedOut`) fail at once, so a deterministic search restarted
 * with them replays to the same point and goes on. After `data.deadline` new instances are not evaluated.
 */
export function observeBound(base: AnyTheorem, data: AuditProgress, post: (m: AuditMessage) => void): AnyTheorem {
  const done = data.done;
  const record = (key: string, descriptor: Descriptor, result: CachedResult) => {
    done[key] = result;
    post({ type: 'result', key, descriptor, result });
  };
  const fail = (key: string, descriptor: Descriptor, stage: string, e: unknown): never => {
    const defect = e instanceof Error && e.name === 'ProposalDefectError' ? (e as Error & { defect: 'nan' | 'type' }).defect : undefined;
    const message = `${stage}${stage === 'lhs/rhs' ? '' : ' threw'}: ${firstLine(e)}`;
    record(key, descriptor, { error: message, ...(defect ? { defect } : {}) });
    throw new TheoremEvaluationError(message);
  };
  return {
    ...base,
    materialize(desc: Descriptor) {
      const key = JSON.stringify(desc);
      const prev = done[key];
      if (prev && 'error' in prev) throw new TheoremEvaluationError(prev.error);
      if (data.timedOut[key]) throw new TheoremEvaluationError(data.timedOut[key]);
      if (!prev) {
        if (Date.now() > data.deadline) {
          // Not evaluated: the main loop counts these (an audit cut short by its budget cannot claim `survived`).
          post({ type: 'result', key, descriptor: desc, result: { error: BUDGET_SPENT } });
          throw new TheoremEvaluationError(BUDGET_SPENT);
        }
        post({ type: 'start', key, descriptor: desc });
      }
      try {
        return base.materialize(desc);
      } catch (e) {
        return fail(key, desc, 'materialize', e);
      }
    },
    assumptions(inst: unknown, desc: Descriptor) {
      const key = JSON.stringify(desc);
      const prev = done[key];
      if (prev && 'broken' in prev) return prev.broken;
      let broken: string | null = null;
      try {
        broken = base.assumptions(inst, desc);
      } catch (e) {
        fail(key, desc, 'assume', e);
      }
      if (broken !== null) record(key, desc, { broken });
      return broken;
    },
    conclude(inst: unknown, desc: Descriptor) {
      const key = JSON.stringify(desc);
      const prev = done[key];
      if (prev && 'evaluation' in prev && prev.evaluation) return prev.evaluation;
      let ev: Evaluation | undefined;
      try {
        ev = base.conclude(inst, desc);
      } catch (e) {
        fail(key, desc, 'lhs/rhs', e);
      }
      record(key, desc, { broken: null, evaluation: ev! });
      return ev!;
    },
  };
}
