import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * A committed cache of slow high-precision reference values (50-digit quadratures), keyed by the oracle's own
 * source: each test computes its references with its decimal oracle as before, through `get(key, compute)`,
 * which returns the value stored in test/fixtures/references/NAME.json when that file was written by the SAME
 * oracle — the SHA-256 of the source files it lives in (the whole test file and any helper it imports) and of
 * decimal.js's version — and otherwise computes it live. So an edited oracle (or any edit of its file) never
 * reads values of the old one (the test is then as slow as without the cache, and says how to refresh it),
 * and a cached value is exactly what the oracle returned for that key.
 *
 * Refresh: NTK_WRITE_REFERENCES=1 npx vitest run <the test file>   (writes every value the file asks for).
 * Values are strings (decimal.js toString keeps every digit), keys name every input of the oracle.
 */
export interface ReferenceCache {
  get(key: string, compute: () => string[]): string[];
}

const DIR = resolve(import.meta.dirname, '../fixtures/references');

export function referenceCache(name: string, sources: readonly (string | URL)[]): ReferenceCache {
  const h = createHash('sha256');
  for (const src of sources) h.update(readFileSync(src)).update('\u0000');
  h.update(JSON.parse(readFileSync(resolve(import.meta.dirname, '../../node_modules/decimal.js/package.json'), 'utf8')).version as string);
  const hash = h.digest('hex');
  const file = join(DIR, `${name}.json`);
  const write = process.env.NTK_WRITE_REFERENCES === '1';
  let entries: Record<string, string[]> = {};
  if (existsSync(file)) {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { oracle: string; entries: Record<string, string[]> };
    if (doc.oracle === hash) entries = doc.entries;
    else if (!write)
      console.warn(`test/fixtures/references/${name}.json was written by another version of its oracle: computing live (refresh with NTK_WRITE_REFERENCES=1)`);
  }
  const written: Record<string, string[]> = {};
  return {
    get(key, compute) {
      if (!write && Object.hasOwn(entries, key)) return entries[key];
      const value = compute();
      if (write) {
        written[key] = value;
        mkdirSync(dirname(file), { recursive: true });
        const sorted = Object.fromEntries(Object.entries(written).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        writeFileSync(file, `${JSON.stringify({ oracle: hash, entries: sorted }, null, 1)}\n`);
      }
      return value;
    },
  };
}
