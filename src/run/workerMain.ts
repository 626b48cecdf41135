import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { AnyTheorem } from '../theorem/types.ts';
import { type PostSearch, runOneTheorem, type TaskRequest } from './runCatalog.ts';
import { importUserModule } from '../io/userModule.ts';
import { DEFAULT_CATALOG } from '../packagePaths.ts';

/**
 * One worker: loads the catalog module named in workerData, then runs theorems on request and posts
 * back their report sections. Progress messages are throttled to a few per second.
 */
const { catalogModule } = workerData as { catalogModule: string };
// The built-in catalog is one of the package's own modules; a --catalog module is the user's (any format).
const mod = (catalogModule === DEFAULT_CATALOG ? await import(catalogModule) : await importUserModule(fileURLToPath(catalogModule))) as {
  catalog: readonly AnyTheorem[];
};
const byId = new Map(mod.catalog.map((t) => [t.id, t]));
// A user catalog may hold bounds made by defineBound: their violations are confirmed in high precision before
// they are reported, as in `ntk-audit audit` (loaded only for such a catalog).
const post: PostSearch | undefined =
  catalogModule === DEFAULT_CATALOG ? undefined : { ...(await import('../audit/catalogConfirm.ts')), catalogFile: fileURLToPath(catalogModule) };

parentPort!.on('message', (msg: TaskRequest) => {
  const theorem = byId.get(msg.theoremId);
  if (!theorem) {
    parentPort!.postMessage({ type: 'failed', index: msg.index, message: `theorem ${msg.theoremId} not found in ${catalogModule}` });
    return;
  }
  let last = 0;
  const report = runOneTheorem(
    theorem,
    msg,
    (p) => {
      const now = Date.now();
      if (now - last > 200) {
        last = now;
        parentPort!.postMessage({ type: 'progress', index: msg.index, ...p });
      }
    },
    post,
  );
  parentPort!.postMessage({ type: 'done', index: msg.index, report });
});
parentPort!.postMessage({ type: 'ready' });
