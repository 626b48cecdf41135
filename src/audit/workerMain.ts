import { parentPort, workerData } from 'node:worker_threads';
import { searchTheorem } from '../search/search.ts';
import { observeBound } from './observe.ts';
import { loadProposal } from './proposal.ts';
import type { AuditWorkerData } from './protocol.ts';

/**
 * One audit worker (see runAudit.ts): loads the module that exports the bound, wraps the bound so that
 * user code is observable from the main thread (observe.ts), and runs searchTheorem. A worker respawned
 * after a timeout receives the results already obtained and the instances that timed out, so the
 * deterministic search replays to the same point and goes on.
 */

const data = workerData as AuditWorkerData;
const port = parentPort!;

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

try {
  const { bounds } = await loadProposal(data.file);
  const base = bounds.find((b) => b.id === data.boundId);
  if (!base) throw new Error(`bound ${data.boundId} not found in ${data.file}`);
  let last = 0;
  const run = searchTheorem(
    observeBound(base, data, (m) => port.postMessage(m)),
    {
      ...data.options,
      onProgress: (p) => {
        const now = Date.now();
        if (now - last > 250) {
          last = now;
          port.postMessage({ type: 'progress', ...p });
        }
      },
    },
  );
  port.postMessage({ type: 'done', run });
} catch (e) {
  port.postMessage({ type: 'fatal', message: firstLine(e) });
}
