import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../errors.ts';
import type { AnyTheorem } from '../theorem/types.ts';

/**
 * Loading a proposal module (`ntk-audit audit FILE.ts`). The CLI runs with the tsx loader
 * registered (`node --import tsx`, or bin/ntk-audit.mjs which calls tsx's register()), so a plain
 * dynamic import compiles TypeScript at run time and shares module instances with the CLI.
 * A proposal exports `default` or `bound`: one Theorem made by defineBound, or an array of them.
 * Any failure is a one-line UserError (exit 2: the proposal is ill-posed).
 */
export class IllPosedError extends UserError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'IllPosedError';
  }
}

function isTheoremLike(x: unknown): x is AnyTheorem {
  const t = x as AnyTheorem;
  return typeof x === 'object' && x !== null && typeof t.id === 'string' && typeof t.conclude === 'function' && typeof t.materialize === 'function' && typeof t.descriptors === 'object';
}

export async function loadProposal(file: string): Promise<{ path: string; bounds: AnyTheorem[] }> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UserError(`${file}: file not found`);
  if (statSync(path).isDirectory()) throw new UserError(`${file}: is a directory, expected a .ts/.mjs/.js module`);
  if (!['.ts', '.mts', '.js', '.mjs'].includes(extname(path).toLowerCase())) throw new UserError(`${file}: expected a TypeScript or JavaScript module (.ts, .mts, .js, .mjs)`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const text = msg.replace(/\s*\n\s*/g, ' ').trim();
    throw new IllPosedError(`ill-posed: ${file} failed to load: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`);
  }
  const exp = mod.default !== undefined ? mod.default : mod.bound;
  if (exp === undefined) throw new IllPosedError(`ill-posed: ${file} exports neither \`default\` nor \`bound\` (export the result of defineBound, or an array of them)`);
  const list = Array.isArray(exp) ? exp : [exp];
  if (list.length === 0) throw new IllPosedError(`ill-posed: ${file} exports an empty array of bounds`);
  list.forEach((t, i) => {
    if (!isTheoremLike(t)) throw new IllPosedError(`ill-posed: ${file}: export ${Array.isArray(exp) ? `[${i}] ` : ''}is not a bound (use defineBound from ntk-audit)`);
  });
  const ids = new Set<string>();
  for (const t of list as AnyTheorem[]) {
    if (ids.has(t.id)) throw new IllPosedError(`ill-posed: ${file}: two bounds share the id ${t.id}`);
    ids.add(t.id);
  }
  return { path, bounds: list as AnyTheorem[] };
}
