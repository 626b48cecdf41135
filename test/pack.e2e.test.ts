import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staleSource } from '../src/packagePaths.ts';
import { esmProposal, traceBoundSpec } from './support/proposalSource.ts';

/**
 * The package as a user gets it: `npm pack` of the dist/ that `npm ci` built (`prepare`; packed with
 * --ignore-scripts, so that no rebuild rewrites dist/ under the test files running beside this one —
 * a dist/ older than the sources fails here instead), then `npm install`
 * of the tarball (and of Vitest, for the matchers) into a fresh CommonJS project as `npm init -y` writes
 * it; a "type": "module" project beside it reads the same installed tree through a symlinked
 * node_modules (Node and tsc resolve the package to one real path, so the package and its declarations
 * are the same files in both projects). In both, the README's proposal is audited with the installed
 * command (node_modules/.bin/ntk-audit; `npx ntk-audit` answers --help and --version), .cts / .mts / .js
 * proposals, a proposal outside the project, a consumer's strict tsc, and plain node's require and import.
 *
 * One install and a dozen processes take 1–2 minutes, so this file runs under CI=true (the CI job,
 * .ci/run) or NTK_E2E=1, and is skipped otherwise. The install uses the npm cache that `npm ci` filled
 * (--prefer-offline) and falls back to the registry.
 */
const RUN = process.env.CI === 'true' || process.env.NTK_E2E === '1';
const REPO = resolve(import.meta.dirname, '..');
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
const LONG = 300_000;
const VITEST_VERSION = JSON.parse(readFileSync(join(REPO, 'node_modules/vitest/package.json'), 'utf8')).version as string;

/** The environment of the parent npm (npm test) minus its per-run settings, which would leak into the temporary projects. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) || /^npm_config_(cache|registry|userconfig)$/i.test(k)) env[k] = v;
  return { ...env, NO_COLOR: '1', CI: 'true' };
}

function run(cmd: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(cmd: string, args: string[], cwd: string): string {
  const r = run(cmd, args, cwd);
  expect(r.status, `${cmd} ${args.join(' ')} in ${cwd}\n${r.stderr}\n${r.stdout}`).toBe(0);
  return r.stdout;
}

/** The README's example proposal (the `// my-bound.ts` block of "Auditing a new bound"). */
function readmeProposal(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const m = /```ts\n(\/\/ my-bound\.ts\n[\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no `// my-bound.ts` example');
  return m[1];
}

const SPEC = (id: string) => traceBoundSpec(id, { n: [2, 8], d: [2, 6], depth: [1, 3] });

/** A consumer of the API in TypeScript (type-checked, not run). */
const CONSUMER = `import { defineBound, interval, isAuditBound, lambdaMinCertified, limitingKernels, type Quantities, type Theorem } from 'ntk-audit';
const bound = defineBound({
  id: 'consumer.bound',
  statement: 'λ_min ≤ (L/N)·Σ‖x_i‖²',
  instances: { n: [2, 8], d: [2, 4], depth: [1, 2], data: ['gaussian'] },
  lhs: (q: Quantities) => q.lambdaMinNTK,
  relation: '<=',
  rhs: (q) => (q.L / q.N) * q.sumNormSq,
});
const yes: boolean = isAuditBound(bound);
const width: number = interval(1).hi - interval(1).lo;
const none: Theorem | undefined = undefined;
export const used = [yes, width, typeof lambdaMinCertified, typeof limitingKernels, none];
`;

/** The same from CommonJS TypeScript in the form verbatimModuleSyntax (tsc --init) asks for. */
const CONSUMER_REQUIRE = `import ntk = require('ntk-audit');
const bound = ntk.defineBound({ id: 'consumer.cjs', statement: 's', instances: { n: [2, 8] }, lhs: (q) => q.lambdaMinNTK, relation: '<=', rhs: (q) => q.sumNormSq });
const yes: boolean = ntk.isAuditBound(bound);
export = yes;
`;

/** One audit through the installed command (the project's node_modules/.bin/ntk-audit); returns the verdict and the ids of the bounds audited. */
function audit(cwd: string, file: string): { verdict: string; ids: string[] } {
  const r = run(join(cwd, 'node_modules/.bin/ntk-audit'), ['audit', file, '--budget', '2', '--json', '--out', 'audit-out'], cwd);
  expect(r.status, `audit ${file}: ${r.stderr}`).toBe(0);
  const res = JSON.parse(r.stdout) as { verdict: string; bounds: { id: string }[] };
  return { verdict: res.verdict, ids: res.bounds.map((b) => b.id) };
}

describe.skipIf(!RUN)('npm pack → npm install → npx ntk-audit', () => {
  const root = mkdtempSync(join(tmpdir(), 'ntk-pack-'));
  let tarball = '';
  let files: { path: string; size: number }[] = [];
  let packedSize = 0;
  const projects: Record<'commonjs' | 'module', string> = { commonjs: join(root, 'cjs'), module: join(root, 'esm') };

  beforeAll(() => {
    const stale = staleSource();
    if (stale) throw new Error(`dist/ is older than ${stale}: run \`npm run build\` first`);
    const out = ok('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', root], REPO);
    const info = (JSON.parse(out.slice(out.indexOf('['))) as { filename: string; size: number; files: { path: string; size: number }[] }[])[0];
    tarball = join(root, info.filename);
    files = info.files;
    packedSize = info.size;
    for (const [type, dir] of Object.entries(projects)) {
      mkdirSync(dir);
      ok('npm', ['init', '-y'], dir);
      if (type === 'module') ok('npm', ['pkg', 'set', 'type=module'], dir);
    }
    ok('npm', ['install', tarball, `vitest@${VITEST_VERSION}`, '--prefer-offline', '--no-audit', '--no-fund'], projects.commonjs);
    symlinkSync(join(projects.commonjs, 'node_modules'), join(projects.module, 'node_modules'), 'dir');
  }, LONG);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('packs only what runs: compiled JavaScript, declarations, the wasm, the catalog counterexamples, bin', () => {
    const paths = files.map((f) => f.path);
    for (const p of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'bin/ntk-audit.mjs',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/cli/main.js',
      'dist/src/audit/workerMain.js',
      'dist/src/run/workerMain.js',
      'dist/src/linalg/wasm/linalg.wasm',
      'dist/src/random/wasm/sampling.wasm',
      'dist/src/ntk/wasm/network.wasm',
      'dist/properties/index.js',
    ])
      expect(paths).toContain(p);
    expect(paths.filter((p) => /^(test|bench|fixtures|src|properties|examples|docs|scripts|reports|\.ci)\//.test(p))).toEqual([]);
    expect(paths.filter((p) => /\.test\.|\.map$|\.ts$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
    expect(paths.filter((p) => p.startsWith('dist/fixtures/')).every((p) => /^dist\/fixtures\/counterexamples\/[^/]+\.json$/.test(p))).toBe(true);
    // a guard against stray data, source maps or tests in the tarball (each adds far more than a module does):
    // 613 kB compressed with the gelu/softplus records, H∞ for every activation and three wasm modules
    expect(packedSize).toBeLessThan(700_000);
  });

  for (const type of ['commonjs', 'module'] as const) {
    // .cts and .mts fix their format whatever the project's type, so they are audited in the CommonJS project only
    it(
      `"type": "${type}": the README's my-bound.ts${type === 'commonjs' ? ', a .cts, a .mts' : ''} and x.js beside x.ts are audited`,
      () => {
        const dir = projects[type];
        expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type).toBe(type);
        writeFileSync(join(dir, 'my-bound.ts'), readmeProposal());
        expect(audit(dir, 'my-bound.ts')).toEqual({ verdict: 'survived', ids: ['my.bound'] });
        if (type === 'commonjs') {
          writeFileSync(join(dir, 'b.cts'), esmProposal(SPEC('b.cts')));
          writeFileSync(join(dir, 'b.mts'), esmProposal(SPEC('b.mts')));
          expect(audit(dir, 'b.cts').ids).toEqual(['b.cts']);
          expect(audit(dir, 'b.mts').ids).toEqual(['b.mts']);
        }
        writeFileSync(join(dir, 'x.ts'), esmProposal(SPEC('x.ts')));
        writeFileSync(
          join(dir, 'x.js'),
          type === 'module' ? esmProposal(SPEC('x.js')) : `const { defineBound } = require('ntk-audit');\nmodule.exports = defineBound(${SPEC('x.js')});\n`,
        );
        expect(audit(dir, 'x.js').ids).toEqual(['x.js']);
      },
      LONG,
    );

    it(
      `"type": "${type}": a consumer's tsc with tsc --init's defaults (verbatimModuleSyntax) has zero errors`,
      () => {
        // import/export syntax in the ES-module file, import = require in the CommonJS one
        const init = join(projects[type], 'init');
        mkdirSync(init);
        ok(process.execPath, [TSC, '--init'], init);
        writeFileSync(join(init, type === 'module' ? 'consumer.ts' : 'consumer.mts'), CONSUMER);
        writeFileSync(join(init, 'consumer-require.cts'), CONSUMER_REQUIRE);
        ok(process.execPath, [TSC, '-p', '.', '--noEmit'], init);
      },
      LONG,
    );

    it(
      `"type": "${type}": plain node requires and imports the package`,
      () => {
        const dir = projects[type];
        writeFileSync(
          join(dir, 'use.cjs'),
          `const m = require('ntk-audit');\nconsole.log(typeof m.defineBound, typeof m.lambdaMinCertified, require('ntk-audit/package.json').name);\n`,
        );
        expect(ok(process.execPath, ['use.cjs'], dir).trim()).toBe('function function ntk-audit');
        expect(ok(process.execPath, ['-e', "const m = require('ntk-audit'); console.log(m.interval(2).lo)"], dir).trim()).toBe('2');
        // the same ES module also checks that the WebAssembly kernels load from the installed dist/ (without them
        // the JS kernels run, slower): the workspace with the linalg module, and the sampling and network modules
        // on it (each returns false when its module is missing)
        const dist = (p: string) => JSON.stringify(pathToFileURL(join(dir, 'node_modules/ntk-audit/dist/src', p)).href);
        const probe = [
          `import { defineBound, isAuditBound } from 'ntk-audit';`,
          `const k = await import(${dist('linalg/wasmKernels.js')});`,
          `const s = await import(${dist('random/wasmSampling.js')});`,
          `const n = await import(${dist('ntk/wasmNetwork.js')});`,
          'const tables = { x: new Float64Array(129).fill(1), ratio: new Float64Array(128).fill(2) };',
          'const fill = s.wasmGaussianFill(tables, { g0: 1, g1: 2, g2: 3, g3: 4 }, new Float64Array(64), 0, 64, 1, () => 0);',
          'const pre = n.wasmPreActivations(new Float64Array(64 * 8).fill(1), 64, new Float64Array(16 * 8).fill(1), 16, 8, new Float64Array(64 * 16));',
          'console.log(typeof defineBound, typeof isAuditBound, k.wasmKernelsAvailable(), fill, pre);',
        ].join('\n');
        writeFileSync(join(dir, 'use.mjs'), `${probe}\n`);
        expect(ok(process.execPath, ['use.mjs'], dir).trim()).toBe('function function true true true');
      },
      LONG,
    );
  }

  it(
    "a consumer's strict tsc (NodeNext, library checks on) has zero errors in both projects: .ts, .mts and .cts consumers, one program",
    () => {
      // consumer.ts is CommonJS in one project and an ES module in the other; .mts and .cts fix their format
      const files = [
        join(projects.commonjs, 'consumer.ts'),
        join(projects.commonjs, 'consumer-m.mts'),
        join(projects.module, 'consumer.ts'),
        join(projects.module, 'consumer-c.cts'),
      ];
      for (const f of files) writeFileSync(f, CONSUMER);
      // every declaration file of the installed packages is checked (skipLibCheck off), the compiler's own lib.*.d.ts
      // are not (--skipDefaultLibCheck: a third of the check's 9 CPU-seconds, on files no package ships)
      ok(process.execPath, [TSC, '--strict', '--module', 'nodenext', '--noEmit', '--skipDefaultLibCheck', ...files], root);
    },
    LONG,
  );

  it(
    '"type": "commonjs": a Vitest file uses the matchers of ntk-audit/vitest, and a failing one shows the counterexample',
    () => {
      const dir = projects.commonjs;
      const wrong = `{ ...${SPEC('wrong.bound')}, statement: 'λ_min(K^(L)) ≤ 0', rhs: () => 0 }`;
      writeFileSync(
        join(dir, 'bounds.test.ts'),
        `import { expect, test } from 'vitest';
import 'ntk-audit/vitest';
import { defineBound } from 'ntk-audit';
const good = defineBound(${SPEC('good.bound')});
const wrong = defineBound(${wrong});
test('a true bound survives and is not refuted', async () => {
  await expect(good).toSurviveAudit({ budget: 1, seed: 'e2e' });
  await expect(good).not.toBeRefuted({ budget: 1, seed: 'e2e' });
});
test('a false bound is refuted', async () => {
  await expect(wrong).toBeRefuted({ budget: 1, seed: 'e2e' });
});
test('the expectation that a false bound survives fails', async () => {
  await expect(wrong).toSurviveAudit({ budget: 1, seed: 'e2e' });
});
`,
      );
      const r = run('npx', ['--no-install', 'vitest', 'run', 'bounds.test.ts'], dir);
      const out = r.stdout + r.stderr;
      // exactly the third test fails, and its message carries the counterexample and how to replay it
      expect(r.status, out).toBe(1);
      expect(out).toMatch(/2 passed/);
      expect(out).toMatch(/1 failed/);
      expect(out).toMatch(/the expectation that a false bound survives fails/);
      for (const word of [/\bN\b/, /\bd\b/, /lhs/, /rhs/, /margin/, /error bound/, /ntk-audit replay/]) expect(out).toMatch(word);
    },
    LONG,
  );

  it(
    'a proposal in a folder with no package.json and no node_modules finds the running ntk-audit',
    () => {
      const far = join(root, 'elsewhere');
      mkdirSync(far);
      writeFileSync(join(far, 'far.ts'), esmProposal(SPEC('far.ts')));
      expect(audit(projects.commonjs, join(far, 'far.ts'))).toEqual({ verdict: 'survived', ids: ['far.ts'] });
    },
    LONG,
  );

  it(
    'the installed command answers --help and --version (from package.json)',
    () => {
      const help = run('npx', ['--no-install', 'ntk-audit', '--help'], projects.module);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/audit \[options\] <file>/);
      expect(run('npx', ['--no-install', 'ntk-audit', '--version'], projects.module).stdout.trim()).toBe(
        JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version,
      );
    },
    LONG,
  );
});
