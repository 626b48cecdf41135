import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { catalog } from '../properties/index.ts';
import { searchTheorem } from '../src/search/search.ts';
import type { AnyTheorem } from '../src/theorem/types.ts';

/**
 * docs/adding-a-claim.md walks a newcomer through one claim. Its module is taken from the page as written,
 * with only its relative imports pointed at this checkout, and run: the page stays a claim that compiles,
 * holds, and whose twin the same search refutes — the two files it says to touch are the whole change.
 */
const ROOT = resolve(import.meta.dirname, '..');
const page = readFileSync(join(ROOT, 'docs/adding-a-claim.md'), 'utf8');
const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const moduleBlock = blocks.find((b) => /^\/\/ properties\/\w+\.ts\n/.test(b));
const indexBlock = blocks.find((b) => b.includes('export const catalog'));

const dir = mkdtempSync(join(tmpdir(), 'ntk-adding-a-claim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function loadPageModule(): Promise<Record<string, unknown>> {
  const file = join(dir, 'claim.ts');
  const source = moduleBlock!
    .replaceAll(/from '\.\.\/(src\/[^']+)'/g, (_, p: string) => `from '${pathToFileURL(join(ROOT, p)).href}'`)
    .replaceAll(/from '\.\/([^']+)'/g, (_, p: string) => `from '${pathToFileURL(join(ROOT, 'properties', p)).href}'`);
  writeFileSync(file, source);
  return import(pathToFileURL(file).href);
}

describe('docs/adding-a-claim.md', () => {
  it('shows one module of properties/ and the one line of properties/index.ts', () => {
    expect(moduleBlock).toBeDefined();
    // every import of the module is relative to properties/ (the page names no other file to create)
    for (const m of moduleBlock!.matchAll(/from '([^']+)'/g)) expect(m[1]).toMatch(/^\.\.?\/(src\/|\w+\.ts$)/);
    expect(indexBlock).toMatch(/import \{ (\w+) \} from '\.\/\w+\.ts';[\s\S]*\.\.\.\1\]/);
    // properties/index.ts has the form the page shows: one import per module, one spread into `catalog`
    const index = readFileSync(join(ROOT, 'properties/index.ts'), 'utf8');
    expect(index).toMatch(/export const catalog: readonly AnyTheorem\[\] = \[/);
  });

  it("the page's claim holds and its planted twin is refuted by the same search", async () => {
    const mod = await loadPageModule();
    const theorems = Object.values(mod).find(Array.isArray) as AnyTheorem[];
    expect(theorems.map((t) => t.expectRefuted === true)).toEqual([false, true]);
    const [claim, twin] = theorems as [AnyTheorem, AnyTheorem];
    expect(twin.twinOf).toBe(claim.id);
    expect(catalog.some((t) => t.id === claim.id || t.id === twin.id)).toBe(false);
    const opts = { seed: 'adding-a-claim', numRuns: 24, targetedSteps: 0, pointSteps: 0, probeRuns: 0 };
    const held = searchTheorem(claim, opts);
    expect(held.status).toBe('holds');
    expect(held.counts.violated).toBe(0);
    const refuted = searchTheorem(twin, opts);
    expect(refuted.status).toBe('violated');
    expect(refuted.counts.violated).toBeGreaterThan(0);
  });
});
