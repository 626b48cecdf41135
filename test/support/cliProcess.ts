import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');

/**
 * A source file newer than dist/'s build stamp (written by scripts/copy-assets.mjs, compared as
 * bin/ntk-audit.mjs compares it), or a sentence saying dist/ is not built; null when dist/ is current.
 */
export function staleSource(): string | null {
  const stamp = join(REPO, 'dist/.build-stamp');
  if (!existsSync(stamp)) return 'the sources (dist/ is not built)';
  const built = statSync(stamp).mtimeMs;
  for (const dir of ['src', 'properties', 'fixtures/counterexamples']) {
    for (const f of readdirSync(join(REPO, dir), { recursive: true, encoding: 'utf8' })) {
      if (/\.(ts|wasm|json)$/.test(f) && !f.endsWith('.test.ts') && statSync(join(REPO, dir, f)).mtimeMs > built) return join(dir, f);
    }
  }
  return null;
}

/**
 * Node's arguments that start the command line in a child process, for the tests that need a real process
 * (signals, the exit code a shell sees): the installed command's entry point bin/ntk-audit.mjs — the
 * compiled dist/, as users run it — when dist/ is current (CI builds it: `npm ci` runs `prepare`), else the
 * TypeScript sources under tsx (`npm run ntk-audit`). Both run the same main(); compiled, a child and its
 * worker threads start without the TypeScript loader, in about half the CPU time (a 4-claim run at budget
 * 2: 2.8 against 5.5 CPU-seconds).
 */
export function cliArgs(): string[] {
  args ??= staleSource() === null ? [join(REPO, 'bin/ntk-audit.mjs')] : ['--import', 'tsx', join(REPO, 'src/cli/main.ts')];
  return [...args];
}
let args: string[] | undefined;
