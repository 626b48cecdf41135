import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where this copy of ntk-audit runs from. The same modules run as TypeScript sources (src/, under tsx
 * or Vitest) and compiled (dist/src/, built by `npm run build` from tsconfig.build.json, which mirrors
 * the repository's layout under dist/: dist/src, dist/properties, and the run-time assets copied by
 * scripts/copy-assets.mjs). Paths to the package's own modules, workers and files go through here.
 */

/** True when running the compiled JavaScript in dist/ (the installed package and the `ntk-audit` command). */
export const COMPILED: boolean = import.meta.url.endsWith('.js');

/** The extension of the package's own modules: `.js` in dist/, `.ts` in src/. */
export const MODULE_EXT: '.js' | '.ts' = COMPILED ? '.js' : '.ts';

/** The package root, where package.json and bin/ are (this file is src/packagePaths.ts or dist/src/packagePaths.js). */
export const PACKAGE_ROOT: URL = new URL(COMPILED ? '../../' : '../', import.meta.url);

/** The theorem catalog (properties/index.ts, compiled: dist/properties/index.js), as a file URL. */
export const DEFAULT_CATALOG: string = new URL(`../properties/index${MODULE_EXT}`, import.meta.url).href;

/**
 * A source file newer than dist/'s build stamp (dist/.build-stamp, written by scripts/copy-assets.mjs and
 * compared the same way by bin/ntk-audit.mjs), as a path relative to the package root; a sentence when
 * dist/ is not built; null when dist/ is current. Only meaningful in a checkout (src/ beside dist/).
 */
export function staleSource(): string | null {
  const root = fileURLToPath(PACKAGE_ROOT);
  const stamp = join(root, 'dist/.build-stamp');
  if (!existsSync(stamp)) return 'the sources (dist/ is not built)';
  const built = statSync(stamp).mtimeMs;
  for (const dir of ['src', 'properties', 'fixtures/counterexamples']) {
    if (!existsSync(join(root, dir))) continue;
    for (const f of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })) {
      if (/\.(ts|wasm|json)$/.test(f) && !f.endsWith('.test.ts') && statSync(join(root, dir, f)).mtimeMs > built) return join(dir, f);
    }
  }
  return null;
}

/**
 * Whether worker threads started from the sources run the compiled dist/ instead: when dist/ is current
 * (every source older than its build stamp), a worker then starts without the TypeScript loader, which
 * costs ≈ 1 CPU-second per worker (an audit starts one per bound). NTK_AUDIT_WORKERS=source keeps them on
 * the sources. Decided once per process.
 */
function compiledWorkers(): boolean {
  if (COMPILED) return true;
  compiledWorkersCurrent ??= process.env.NTK_AUDIT_WORKERS !== 'source' && staleSource() === null;
  return compiledWorkersCurrent;
}
let compiledWorkersCurrent: boolean | undefined;

/** The compiled counterpart (dist/…/x.js) of one of the package's own source modules (…/x.ts). */
function compiledModule(source: URL): URL {
  const rel = fileURLToPath(source).slice(fileURLToPath(PACKAGE_ROOT).length);
  return new URL(`dist/${rel.replace(/\.ts$/, '.js')}`, PACKAGE_ROOT);
}

/**
 * The module a worker thread starts from, next to `base` (the caller's import.meta.url): compiled, the
 * worker's own module runs directly; from the sources, the compiled worker when dist/ is current
 * (compiledWorkers), else `bootstrap` (a plain .mjs file) that registers tsx first.
 */
export function workerEntry(base: string, bootstrap: string, main: string): URL {
  if (COMPILED) return new URL(`./${main}.js`, base);
  return compiledWorkers() ? compiledModule(new URL(`./${main}.ts`, base)) : new URL(`./${bootstrap}`, base);
}

/**
 * The catalog module as the workers of workerEntry load it: the package's default catalog becomes the workers' own
 * (its compiled copy when they run compiled); a user's catalog module is passed on as it is.
 */
export function workerCatalogModule(catalogModule: string): string {
  return catalogModule !== DEFAULT_CATALOG || COMPILED || !compiledWorkers() ? catalogModule : compiledModule(new URL(DEFAULT_CATALOG)).href;
}
