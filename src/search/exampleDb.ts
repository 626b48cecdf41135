import { existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../io/atomic.ts';
import type { Descriptor } from '../theorem/types.ts';
import { parseArtifact } from './artifact.ts';

/**
 * The example database (in the manner of Hypothesis' example database): the descriptors of counterexamples
 * and near-misses of earlier runs, replayed before a claim's search so that a regression shows at once and a
 * hard-won near-miss is not lost to the next seed.
 *
 * Two sources, read in this order:
 *  - committed counterexample artifacts (fixtures/counterexamples/*.json): part of the commit, so a run still
 *    depends only on (commit, seed, budget);
 *  - a local cache (default .ntk-audit/examples/, one JSON file per key), written after each run with the
 *    claim's kept counterexamples and its closest calls. It makes a run depend on earlier runs too, so it is
 *    off under CI=true and with `--example-db none`; reports list what was replayed.
 * The key of a catalog claim (`ntk-audit run`) is its id; the key of an audited bound (`ntk-audit audit`,
 * src/audit/runAudit.ts) is its id plus a hash of its instance space, so that a changed space never
 * replays descriptors drawn from another one.
 * A malformed cache file is ignored with a warning; it is not overwritten: the next save renames it to
 * `<file>.corrupt` (or `.corrupt-2`, …) before writing the new one.
 */
export const EXAMPLES_FORMAT = 'ntk-audit/examples';

/** The local cache, relative to the working directory. */
export const DEFAULT_EXAMPLE_DB = '.ntk-audit/examples';

/** The cache directory of `--example-db FLAG`: FLAG, none (off), or by default DEFAULT_EXAMPLE_DB — off under CI=true. */
export function exampleDbDir(flag: string | undefined): string | null {
  if (flag !== undefined) return flag === 'none' ? null : resolve(flag);
  return process.env.CI ? null : resolve(DEFAULT_EXAMPLE_DB);
}

/** Entries kept per claim in the cache: counterexamples first, then near-misses by relative margin. */
export const MAX_EXAMPLES = 12;

const entrySchema = z.object({
  descriptor: z.record(z.string(), z.unknown()),
  role: z.enum(['counterexample', 'near-miss']),
  relativeMargin: z.number().nullable(),
});
export type ExampleEntry = z.infer<typeof entrySchema>;
const fileSchema = z.object({ format: z.literal(EXAMPLES_FORMAT), version: z.literal(1), theoremId: z.string(), entries: z.array(entrySchema) });

function fileOf(dir: string, theoremId: string): string {
  return join(dir, `${theoremId.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`);
}

/** The descriptors of committed counterexample artifacts, per claim (unreadable files are reported, not fatal). */
export function fixtureExamples(dir: string): { byTheorem: Map<string, Descriptor[]>; warnings: string[] } {
  const byTheorem = new Map<string, Descriptor[]>();
  const warnings: string[] = [];
  if (!existsSync(dir)) return { byTheorem, warnings };
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    try {
      const a = parseArtifact(readFileSync(join(dir, f), 'utf8'), f);
      const list = byTheorem.get(a.theoremId) ?? [];
      list.push(a.descriptor as Descriptor);
      byTheorem.set(a.theoremId, list);
    } catch (e) {
      warnings.push(`example database: ${join(dir, f)} skipped (${(e as Error).message.split('\n')[0]})`);
    }
  }
  return { byTheorem, warnings };
}

/** The cached entries of one key ([] when absent; a malformed file gives a warning and [], and `malformed`). */
export function readCachedExamples(dir: string, theoremId: string): { entries: ExampleEntry[]; warning?: string; malformed?: boolean } {
  const path = fileOf(dir, theoremId);
  if (!existsSync(path)) return { entries: [] };
  try {
    const parsed = fileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    if (parsed.theoremId !== theoremId) throw new Error(`names claim ${parsed.theoremId}`);
    return { entries: parsed.entries };
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0].replace(/\s+/g, ' ').slice(0, 200);
    return {
      entries: [],
      warning: `example database: ${path} ignored (${reason}); it is not overwritten: the next save renames it to ${basename(path)}.corrupt (or the next free .corrupt-N)`,
      malformed: true,
    };
  }
}

/** Renames a malformed cache file to the first free `<file>.corrupt`, `<file>.corrupt-2`, …; returns the new path. */
function moveAside(path: string): string {
  for (let k = 1; ; k++) {
    const to = `${path}.corrupt${k === 1 ? '' : `-${k}`}`;
    if (!existsSync(to)) {
      renameSync(path, to);
      return to;
    }
  }
}

/** Descriptors to replay for one claim: fixtures first, then the cache, without duplicates. */
export function examplesFor(
  theoremId: string,
  fixtures: Map<string, Descriptor[]>,
  cacheDir: string | null,
): { descriptors: Descriptor[]; warnings: string[] } {
  const seen = new Set<string>();
  const out: Descriptor[] = [];
  const warnings: string[] = [];
  const add = (d: Descriptor) => {
    const k = JSON.stringify(d);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(d);
    }
  };
  for (const d of fixtures.get(theoremId) ?? []) add(d);
  if (cacheDir) {
    const c = readCachedExamples(cacheDir, theoremId);
    if (c.warning) warnings.push(c.warning);
    for (const e of c.entries) add(e.descriptor as Descriptor);
  }
  return { descriptors: out, warnings };
}

/**
 * Merges a run's examples of one claim into the cache: counterexamples before near-misses, smallest relative
 * margin first, at most MAX_EXAMPLES; written atomically (a crash leaves the old file or the new one).
 * `drop`: descriptors the claim could not evaluate when replayed, removed from the cache.
 * A malformed file in the way is renamed first (never overwritten): its new path is returned as `movedAside`.
 */
export function saveExamples(
  dir: string,
  theoremId: string,
  fresh: readonly ExampleEntry[],
  drop: readonly Record<string, unknown>[] = [],
): { movedAside?: string } {
  if (fresh.length === 0 && drop.length === 0) return {};
  const cached = readCachedExamples(dir, theoremId);
  const old = cached.entries;
  const dropped = new Set(drop.map((d) => JSON.stringify(d)));
  if (fresh.length === 0 && !old.some((e) => dropped.has(JSON.stringify(e.descriptor)))) return {};
  const path = fileOf(dir, theoremId);
  // (a directory in the way is not moved: writing then fails, and the caller reports it)
  const movedAside = cached.malformed && statSync(path).isFile() ? moveAside(path) : undefined;
  const byKey = new Map<string, ExampleEntry>();
  for (const e of [...fresh, ...old]) {
    const k = JSON.stringify(e.descriptor);
    if (!byKey.has(k) && !dropped.has(k)) byKey.set(k, e);
  }
  const rank = (e: ExampleEntry) => (e.role === 'counterexample' ? 0 : 1);
  const entries = [...byKey.values()]
    .sort((a, b) => rank(a) - rank(b) || (a.relativeMargin ?? Infinity) - (b.relativeMargin ?? Infinity))
    .slice(0, MAX_EXAMPLES);
  writeFileAtomic(path, JSON.stringify({ format: EXAMPLES_FORMAT, version: 1, theoremId, entries }, null, 2) + '\n');
  return movedAside ? { movedAside } : {};
}
