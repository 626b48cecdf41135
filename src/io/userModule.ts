import { existsSync, readFileSync } from 'node:fs';
import Module, { createRequire, register } from 'node:module';
import { dirname, extname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMPILED, MODULE_EXT } from '../packagePaths.ts';

/**
 * Loading a user's module — a proposal (`ntk-audit audit FILE`) or a catalog (`run --catalog FILE`) —
 * written in TypeScript or JavaScript, ES module or CommonJS, from any folder:
 *
 * - the format is Node's: .mts/.mjs are ES modules, .cts/.cjs CommonJS, and .ts/.js follow the `type` of
 *   the nearest package.json (CommonJS without one, as `npm init` writes it and as Node and TypeScript's
 *   NodeNext decide);
 * - ES modules load through `import()`; CommonJS TypeScript through tsx's `require` (tsx/cjs/api), which
 *   compiles TypeScript and `import`/`export` syntax to CommonJS as tsc would for that file, and CommonJS
 *   JavaScript through Node's `require`. tsx's ES-module
 *   hooks are registered (once, for the whole process) only when the package runs compiled from dist/;
 *   from the sources, tsx or Vitest already load TypeScript;
 * - `'ntk-audit'` in a user module is this running copy of the package (one module instance shared with
 *   the command, found even where the user's folder has no node_modules/ntk-audit): a resolve hook
 *   (node:module register) for ES modules, and Module._load for CommonJS `require`;
 * - the file named is the file loaded: `x.js` is never replaced by an `x.ts` beside it.
 *
 * The namespace returned has Node's shape for both formats: a CommonJS module's `module.exports` is its
 * `default` export (with its own properties as named exports) unless it was compiled from
 * `export` syntax (`__esModule`), whose exports are the names themselves.
 */

export const USER_MODULE_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** How Node loads `path`, and why (for error messages). */
export function moduleFormat(path: string): { format: 'module' | 'commonjs'; reason: string } {
  const ext = extname(path).toLowerCase();
  if (ext === '.mts' || ext === '.mjs') return { format: 'module', reason: `a ${ext} file` };
  if (ext === '.cts' || ext === '.cjs') return { format: 'commonjs', reason: `a ${ext} file` };
  for (let dir = dirname(path); ; ) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      let type: unknown;
      try {
        type = (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type;
      } catch {
        type = undefined;
      }
      return type === 'module' ? { format: 'module', reason: `"type": "module" in ${pkg}` } : { format: 'commonjs', reason: `no "type": "module" in ${pkg}` };
    }
    const up = dirname(dir);
    if (up === dir) return { format: 'commonjs', reason: 'no package.json above it' };
    dir = up;
  }
}

/** The package's own entry points, by the specifier a user module imports them with. */
function ownEntryPoints(): Record<string, string> {
  const out: Record<string, string> = { 'ntk-audit': new URL(`../index${MODULE_EXT}`, import.meta.url).href };
  const vitestEntry = new URL(`../vitest${MODULE_EXT}`, import.meta.url);
  if (existsSync(vitestEntry)) out['ntk-audit/vitest'] = vitestEntry.href;
  return out;
}

/**
 * Resolve hook (runs on node:module's hooks thread): maps the package's own specifiers to this copy,
 * passing the file URL on down the chain so that tsx's hooks still resolve (and later load) a .ts one.
 */
const SELF_RESOLVE_HOOK = `let targets = {};
export function initialize(data) { targets = data; }
export async function resolve(specifier, context, next) {
  return next(Object.hasOwn(targets, specifier) ? targets[specifier] : specifier, context);
}
`;

let esmReady: Promise<void> | undefined;
let cjsReady: Promise<void> | undefined;

function prepareEsm(): Promise<void> {
  esmReady ??= (async () => {
    if (COMPILED) (await import('tsx/esm/api')).register();
    register(`data:text/javascript,${encodeURIComponent(SELF_RESOLVE_HOOK)}`, { data: ownEntryPoints() });
  })();
  return esmReady;
}

function prepareCjs(): Promise<void> {
  cjsReady ??= (async () => {
    const own = new Map<string, unknown>();
    for (const [specifier, url] of Object.entries(ownEntryPoints())) {
      try {
        own.set(specifier, await import(url));
      } catch (e) {
        // 'ntk-audit/vitest' needs the optional peer vitest: without it a module that requires it gets Node's own error.
        if (specifier === 'ntk-audit') throw e;
      }
    }
    const m = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = m._load;
    m._load = function (this: unknown, request: string, ...rest: unknown[]) {
      return own.has(request) ? own.get(request) : load.call(this, request, ...rest);
    };
  })();
  return cjsReady;
}

/** Loads the user module at the absolute path `path` (checked to exist); its load errors propagate. */
export async function importUserModule(path: string): Promise<Record<string, unknown>> {
  const { format } = moduleFormat(path);
  if (format === 'module') {
    await prepareEsm();
    // tsx, when the importer is TypeScript (this module run from the sources), takes a file: URL's x.js /
    // x.mjs to an x.ts / x.mts beside it; an absolute path (a valid specifier on POSIX) is taken as is.
    const specifier = /\.m?js$/i.test(path) && sep === '/' ? path : pathToFileURL(path).href;
    return (await import(specifier)) as Record<string, unknown>;
  }
  await prepareCjs();
  // JavaScript through Node's own require: tsx's would take an `x.ts` (`x.cts`) beside `x.js` (`x.cjs`).
  const exports = (/\.c?js$/i.test(path) ? createRequire(path)(path) : (await import('tsx/cjs/api')).require(path, import.meta.url)) as unknown;
  if (typeof exports === 'object' && exports !== null && (exports as { __esModule?: unknown }).__esModule) return exports as Record<string, unknown>;
  return { ...(typeof exports === 'object' && exports !== null ? exports : {}), default: exports };
}
