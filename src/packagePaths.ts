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
 * The module a worker thread starts from, next to `base` (the caller's import.meta.url): compiled, the
 * worker's own module runs directly; from the sources, `bootstrap` (a plain .mjs file) registers tsx first.
 */
export function workerEntry(base: string, bootstrap: string, main: string): URL {
  return new URL(COMPILED ? `./${main}.js` : `./${bootstrap}`, base);
}
