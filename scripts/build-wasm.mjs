// `npm run build:wasm`: compiles every module of scripts/wasm-modules.mjs with the AssemblyScript
// compiler (devDependency), in one process, to its committed binary — or, with `--out-dir DIR`, to
// DIR/<name>.wasm (src/linalg/wasmKernels.test.ts compares those with the committed binaries). Prints
// a JSON object {committed binary: written file}.
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { ASC_FLAGS, WASM_MODULES } from './wasm-modules.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--out-dir');
const outDir = at >= 0 ? resolve(process.argv[at + 1]) : null;
const written = {};
for (const { source, binary } of WASM_MODULES) {
  const out = outDir ? join(outDir, basename(binary)) : join(root, binary);
  mkdirSync(dirname(out), { recursive: true });
  const { error, stderr } = await asc.main([source, ...ASC_FLAGS, '-o', out], { stdout: process.stderr, stderr: process.stderr, baseDir: root });
  if (error) {
    console.error(`${source}: ${error.message}${stderr ? `\n${stderr}` : ''}`);
    process.exit(1);
  }
  written[binary] = out;
}
console.log(JSON.stringify(written));
