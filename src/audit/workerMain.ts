import { parentPort, workerData } from 'node:worker_threads';
import { searchTheorem } from '../search/search.ts';
import type { AnyTheorem, Descriptor, Evaluation } from '../theorem/types.ts';
import { TheoremEvaluationError } from '../theorem/verdict.ts';
import { loadProposal } from './proposal.ts';
import { type AuditWorkerData, BUDGET_SPENT, type CachedResult } from './protocol.ts';

/**
 * One audit worker (see runAudit.ts): loads the proposal, wraps the bound so that user code is
 * observable from the main thread, and runs searchTheorem. Before each new instance it posts a
 * heartbeat ('start' with the descriptor); after it, the result. A worker respawned after a
 * timeout receives the results already obtained (`done`, answered without re-running user code)
 * and the instances that timed out (`timedOut`, which now fail at once), so the deterministic
 * search replays to the same point and goes on.
 */

const data = workerData as AuditWorkerData;
const port = parentPort!;

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

function wrap(base: AnyTheorem): AnyTheorem {
  const done = data.done;
  const record = (key: string, descriptor: Descriptor, result: CachedResult) => {
    done[key] = result;
    port.postMessage({ type: 'result', key, descriptor, result });
  };
  const fail = (key: string, descriptor: Descriptor, stage: string, e: unknown): never => {
    const defect = e instanceof Error && e.name === 'ProposalDefectError' ? ((e as Error & { defect: 'nan' | 'type' }).defect) : undefined;
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
          // Not evaluated: the main thread counts these (an audit cut short by its budget cannot claim `survived`).
          port.postMessage({ type: 'result', key, descriptor: desc, result: { error: BUDGET_SPENT } });
          throw new TheoremEvaluationError(BUDGET_SPENT);
        }
        port.postMessage({ type: 'start', key, descriptor: desc });
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

try {
  const { bounds } = await loadProposal(data.file);
  const base = bounds.find((b) => b.id === data.boundId);
  if (!base) throw new Error(`bound ${data.boundId} not found in ${data.file}`);
  let last = 0;
  const run = searchTheorem(wrap(base), {
    ...data.options,
    onProgress: (p) => {
      const now = Date.now();
      if (now - last > 250) {
        last = now;
        port.postMessage({ type: 'progress', ...p });
      }
    },
  });
  port.postMessage({ type: 'done', run });
} catch (e) {
  port.postMessage({ type: 'fatal', message: firstLine(e) });
}
