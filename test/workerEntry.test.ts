import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG, staleSource, workerCatalogModule, workerEntry } from '../src/packagePaths.ts';

/** The first message a worker posts (or its error), then the worker is stopped. */
function firstMessage(entry: URL, workerData: unknown, post?: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const w = new Worker(entry, { workerData, stdout: true, stderr: true });
    w.on('message', (m: Record<string, unknown>) => {
      if (m.type === 'ready' && post !== undefined) return void w.postMessage(post);
      void w.terminate();
      resolve(m);
    });
    w.on('error', reject);
  });
}

const runAuditModule = new URL('../src/audit/runAudit.ts', import.meta.url).href;
const runCatalogModule = new URL('../src/run/runCatalog.ts', import.meta.url).href;

describe('worker threads started from the sources', () => {
  it.runIf(staleSource() === null && process.env.NTK_AUDIT_WORKERS !== 'source')(
    'run the compiled dist/ when it is current, with the compiled default catalog',
    () => {
      const audit = workerEntry(runAuditModule, 'worker.mjs', 'workerMain');
      expect(fileURLToPath(audit)).toMatch(/dist\/src\/audit\/workerMain\.js$/);
      expect(existsSync(audit)).toBe(true);
      expect(fileURLToPath(workerEntry(runCatalogModule, 'worker.mjs', 'workerMain'))).toMatch(/dist\/src\/run\/workerMain\.js$/);
      expect(fileURLToPath(workerCatalogModule(DEFAULT_CATALOG))).toMatch(/dist\/properties\/index\.js$/);
      expect(workerCatalogModule('file:///elsewhere/catalog.ts')).toBe('file:///elsewhere/catalog.ts');
      expect(existsSync(new URL(workerCatalogModule(DEFAULT_CATALOG)))).toBe(true);
    },
  );

  // the fallback when dist/ is stale or absent (NTK_AUDIT_WORKERS=source forces it): the .mjs bootstraps
  // register tsx and load the TypeScript worker modules
  it('the TypeScript bootstraps load: the catalog worker answers a task, the audit worker reports a missing proposal', async () => {
    const run = await firstMessage(
      new URL('../src/run/worker.mjs', import.meta.url),
      { catalogModule: DEFAULT_CATALOG },
      { index: 7, theoremId: 'no.such.claim' },
    );
    expect(run).toMatchObject({ type: 'failed', index: 7 });
    expect(String(run.message)).toMatch(/theorem no\.such\.claim not found/);
    const audit = await firstMessage(new URL('../src/audit/worker.mjs', import.meta.url), {
      file: '/nonexistent/proposal.ts',
      boundId: 'x',
      options: {},
      deadline: 0,
      timedOut: {},
      done: {},
    });
    expect(audit.type).toBe('fatal');
    expect(String(audit.message)).toMatch(/nonexistent\/proposal\.ts/);
  }, 60_000);
});
