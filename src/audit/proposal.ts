import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import type { AnyTheorem } from '../theorem/types.ts';
import { importUserModule, moduleFormat, USER_MODULE_EXTENSIONS } from '../io/userModule.ts';

/**
 * Loading a proposal module (`ntk-audit audit FILE`): TypeScript or JavaScript, ES module or CommonJS,
 * from any folder (src/audit/userModule.ts). A proposal exports `default` or `bound` (a CommonJS one
 * may also assign to `module.exports`): one Theorem made by defineBound, or an array of them.
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
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof t.id === 'string' &&
    typeof t.conclude === 'function' &&
    typeof t.materialize === 'function' &&
    typeof t.descriptors === 'object'
  );
}

export async function loadProposal(file: string): Promise<{ path: string; bounds: AnyTheorem[] }> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UserError(`${file}: file not found`);
  const kinds = USER_MODULE_EXTENSIONS.join(', ');
  if (statSync(path).isDirectory()) throw new UserError(`${file}: is a directory, expected a TypeScript or JavaScript module (${kinds})`);
  if (!USER_MODULE_EXTENSIONS.includes(extname(path).toLowerCase())) throw new UserError(`${file}: expected a TypeScript or JavaScript module (${kinds})`);
  let mod: Record<string, unknown>;
  try {
    mod = await importUserModule(path);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const text = msg.replace(/\s*\n\s*/g, ' ').trim();
    const { format, reason } = moduleFormat(path);
    // The format hint is for load failures only: an error of the proposal's own (a defineBound check) is not about it.
    const own = e instanceof UserError || (e instanceof Error && e.name === 'UserError');
    const how = format === 'commonjs' && !own ? ` (loaded as CommonJS: ${reason}; name it .mts, or set "type": "module", for an ES module)` : '';
    throw new IllPosedError(`ill-posed: ${file} failed to load: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}${how}`);
  }
  // `default` unless it is a CommonJS module's exports object holding `bound` (`exports.bound = …`).
  // A catalog module of `ntk-audit run --catalog` (export `catalog`) is a proposal too, so that its artifacts replay.
  const exp =
    mod.default !== undefined && (mod.bound === undefined || Array.isArray(mod.default) || isTheoremLike(mod.default))
      ? mod.default
      : (mod.bound ?? (Array.isArray(mod.catalog) ? mod.catalog : undefined));
  if (exp === undefined)
    throw new IllPosedError(`ill-posed: ${file} exports neither \`default\` nor \`bound\` (export the result of defineBound, or an array of them)`);
  const list = Array.isArray(exp) ? exp : [exp];
  if (list.length === 0) throw new IllPosedError(`ill-posed: ${file} exports an empty array of bounds`);
  list.forEach((t, i) => {
    if (!isTheoremLike(t))
      throw new IllPosedError(`ill-posed: ${file}: export ${Array.isArray(exp) ? `[${i}] ` : ''}is not a bound (use defineBound from ntk-audit)`);
  });
  const ids = new Set<string>();
  for (const t of list as AnyTheorem[]) {
    if (ids.has(t.id)) throw new IllPosedError(`ill-posed: ${file}: two bounds share the id ${t.id}`);
    ids.add(t.id);
  }
  return { path, bounds: list as AnyTheorem[] };
}
