// Second step of `npm run build` (after `tsc -p tsconfig.build.json`): copies the files the compiled
// package reads at run time into dist/, at the same relative places as in the repository, so that
// dist/src and dist/properties find them as src/ and properties/ do — the WebAssembly modules
// (scripts/wasm-modules.mjs) and the catalog's committed counterexamples, replayed by `ntk-audit run`
// (src/cli/run.ts, CATALOG_FIXTURES) — then writes dist/.build-stamp, which bin/ntk-audit.mjs compares
// with the sources' modification times.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASM_MODULES } from './wasm-modules.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const copy = (from, to) => {
  mkdirSync(dirname(join(root, to)), { recursive: true });
  copyFileSync(join(root, from), join(root, to));
};
for (const { binary } of WASM_MODULES) copy(binary, join('dist', binary));
rmSync(join(root, 'dist/fixtures'), { recursive: true, force: true });
for (const f of readdirSync(join(root, 'fixtures/counterexamples')).filter((n) => n.endsWith('.json'))) {
  copy(join('fixtures/counterexamples', f), join('dist/fixtures/counterexamples', f));
}
writeFileSync(join(root, 'dist/.build-stamp'), `${new Date().toISOString()}\n`);
