import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The dependency direction of docs/architecture.md ("Layers"), enforced on every import of the package's
 * modules (static `import`/`export … from`, dynamic `import()`): a module may import its own layer or a
 * lower one, never a higher one. Lowest first:
 *   base (src/errors.ts, version.ts, packagePaths.ts) ← linalg ← random ← io ← ntk ← theorem ← search
 *   ← properties (the catalog) ← report ← audit ← run (catalog runs over worker threads) ← cli ← entry points
 *   (src/api.ts, index.ts, vitest.ts).
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAYERS = ['base', 'linalg', 'random', 'io', 'ntk', 'theorem', 'search', 'properties', 'report', 'audit', 'run', 'cli', 'entry'] as const;
const BASE_FILES = new Set(['errors', 'version', 'packagePaths']);
const ENTRY_FILES = new Set(['api', 'index', 'vitest']);

/** The layer of a repository file, or null for files outside the layered code (tests, benches, scripts). */
function layerOf(repoPath: string): (typeof LAYERS)[number] | null {
  const parts = repoPath.split('/');
  if (parts[0] === 'properties') return parts[1]?.endsWith('.test.ts') || parts[1] === 'catalogSearch.ts' ? null : 'properties';
  if (parts[0] !== 'src' || parts.length < 2) return null;
  if (parts.length === 2) {
    const stem = parts[1].replace(/\.(ts|mts|mjs|js)$/, '');
    if (BASE_FILES.has(stem)) return 'base';
    if (ENTRY_FILES.has(stem)) return 'entry';
    throw new Error(`src/${parts[1]}: a top-level module must be listed as base or entry in test/layers.test.ts`);
  }
  const layer = parts[1] as (typeof LAYERS)[number];
  if (!LAYERS.includes(layer)) throw new Error(`${repoPath}: folder src/${parts[1]} has no layer in test/layers.test.ts`);
  return layer;
}

/** The relative module specifiers a source file imports (static, re-exports and dynamic imports with a literal). */
function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [/\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g, /\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g, /^\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/gm];
  for (const p of patterns) for (const m of source.matchAll(p)) out.push(m[1]);
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const p = join(dir, name);
    if (statSync(join(ROOT, p)).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mjs)$/.test(name) && !name.endsWith('.test.ts') && !name.endsWith('.as.ts')) out.push(p.split(sep).join('/'));
  }
  return out;
}

describe('layers', () => {
  it('the checker sees the kinds of import the code uses', () => {
    const src = `import a from './a.ts';\nimport type { B } from '../b/b.ts';\nexport { c } from "./c.ts";\nconst d = await import('../d/d.ts');\nimport './e.ts';\nimport x from 'node:fs';`;
    expect(importSpecifiers(src).sort()).toEqual(['../b/b.ts', '../d/d.ts', './a.ts', './c.ts', './e.ts']);
    expect(layerOf('src/linalg/blas.ts')).toBe('linalg');
    expect(layerOf('src/ntk/activations/erf.ts')).toBe('ntk');
    expect(layerOf('src/api.ts')).toBe('entry');
    expect(layerOf('properties/nguyen2021.ts')).toBe('properties');
  });

  it('no module imports a higher layer', () => {
    const files = [...sourceFiles('src'), ...sourceFiles('properties')];
    expect(files.length).toBeGreaterThan(100);
    const upward: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      if (from === null) continue;
      for (const spec of importSpecifiers(readFileSync(join(ROOT, file), 'utf8'))) {
        const target = relative(ROOT, resolve(ROOT, dirname(file), spec))
          .split(sep)
          .join('/');
        const to = layerOf(target);
        if (to === null) continue;
        if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) upward.push(`${file} (${from}) imports ${target} (${to})`);
      }
    }
    expect(upward).toEqual([]);
  });
});

/**
 * The catalog computes no rounding bound of its own (docs/architecture.md: "the catalog does no numerics of its
 * own"; docs/adding-a-claim.md): every bound is carried by the outward-rounded intervals of src/linalg/interval.ts
 * or by an engine helper that states and tests its error bound. So properties/ neither calls the scalar
 * directed-rounding primitives nor imports them, or the unit roundoff, from src/linalg.
 */
const ROUNDING_PRIMITIVES = ['up', 'down', 'gammaUp', 'gamma', 'nonNegativeSumUpper', 'nextUp', 'nextDown', 'stepsUp', 'stepsDown', 'UNIT_ROUNDOFF', 'ETA'];

/** [file, name] of every rounding primitive a source file imports from src/linalg or calls. */
function roundingUses(file: string, source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/\bimport\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
    if (!/\/src\/linalg\//.test(m[2])) continue;
    for (const part of m[1].split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0];
      if (ROUNDING_PRIMITIVES.includes(name)) out.push(`${file}: imports ${name} from ${m[2]}`);
    }
  }
  for (const m of source.matchAll(/(?<![.\w])(up|down|gammaUp|nonNegativeSumUpper|nextUp|nextDown|stepsUp|stepsDown)\s*\(/g))
    out.push(`${file}: calls ${m[1]}(`);
  return out;
}

describe('the catalog does no rounding analysis of its own', () => {
  it('the checker sees imports and calls of the rounding primitives', () => {
    const src = `import { gammaUp, gram, up as roundUp } from '../src/linalg/blas.ts';\nimport { UNIT_ROUNDOFF } from '../src/linalg/matrix.ts';\nconst e = up(x + y) + gammaUp(3);\nconst i = interval(2).sqrt().hi; q.up(1);`;
    expect(roundingUses('f.ts', src)).toEqual([
      'f.ts: imports gammaUp from ../src/linalg/blas.ts',
      'f.ts: imports up from ../src/linalg/blas.ts',
      'f.ts: imports UNIT_ROUNDOFF from ../src/linalg/matrix.ts',
      'f.ts: calls up(',
      'f.ts: calls gammaUp(',
    ]);
  });

  it('properties/ neither imports nor calls up, gammaUp, nextUp, … or the unit roundoff', () => {
    const files = sourceFiles('properties');
    expect(files.length).toBeGreaterThan(10);
    const uses = files.flatMap((f) => roundingUses(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(uses).toEqual([]);
  });

  it('properties/ counts no roundings: no interval.roundoff(k) or interval.gamma(k)', () => {
    expect(roundingCounts('f.ts', 'const a = interval.roundoff(4).mul(x);\nconst g = interval.gamma (n + 2); const h = gammaLike(1);')).toEqual([
      'f.ts: roundoff(',
      'f.ts: gamma(',
    ]);
    const counts = sourceFiles('properties').flatMap((f) => roundingCounts(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(counts).toEqual([]);
  });
});

/** [file, call] of every rounding count (k·u or γ_k by hand) in a source file: `.roundoff(` and `.gamma(`. */
function roundingCounts(file: string, source: string): string[] {
  return [...source.matchAll(/\.(roundoff|gamma)\s*\(/g)].map((m) => `${file}: ${m[1]}(`);
}
