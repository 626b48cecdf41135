#!/usr/bin/env node
// Entry point of the `ntk-audit` command: runs the compiled CLI in dist/ (built by `npm run build`,
// which `prepare` runs on `npm ci`, `npm install` in the repository and `npm pack`). In a checkout
// of the repository (src/ next to dist/), a source file newer than the build gives a one-line
// warning: `npm run build` refreshes dist/, and `npm run ntk-audit -- …` runs the sources with tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const entry = new URL('dist/src/cli/main.js', root);
if (!existsSync(entry)) {
  process.stderr.write('ntk-audit: dist/ is not built (run `npm run build`, or `npm run ntk-audit -- …` to run the TypeScript sources)\n');
  process.exit(2);
}
if (existsSync(new URL('src/cli/main.ts', root))) {
  const stamp = new URL('dist/.build-stamp', root);
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const newer = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = new URL(e.isDirectory() ? `${e.name}/` : e.name, dir);
      if (e.isDirectory() ? newer(p) : /\.(ts|wasm|json)$/.test(e.name) && !e.name.endsWith('.test.ts') && statSync(p).mtimeMs > built) return p;
    }
    return null;
  };
  const stale = newer(new URL('src/', root)) ?? newer(new URL('properties/', root)) ?? newer(new URL('fixtures/counterexamples/', root));
  if (stale)
    process.stderr.write(
      `ntk-audit: warning: dist/ is older than ${stale.pathname.slice(root.pathname.length)}; run \`npm run build\` (this run uses the older build)\n`,
    );
}
await import(entry.href);
