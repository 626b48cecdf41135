import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAuditBound } from '../src/audit/defineBound.ts';
import { IllPosedError, loadProposal } from '../src/audit/proposal.ts';
import { moduleFormat } from '../src/io/userModule.ts';
import { cliInProcess } from './support/cliInProcess.ts';
import { esmProposal, traceBoundSpec } from './support/proposalSource.ts';

/**
 * Proposals load as Node loads the file (src/audit/userModule.ts): every extension TypeScript and
 * Node accept, in a folder whose package.json says "type": "commonjs" (what `npm init` writes) or
 * "module", or that has no package.json; `import … from 'ntk-audit'` / `require('ntk-audit')` find this
 * package without a node_modules/ntk-audit; the file named is the file loaded.
 */
const root = mkdtempSync(join(tmpdir(), 'ntk-formats-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SPEC = (id: string) => traceBoundSpec(id, { n: [2, 6], d: [2, 4], depth: [1, 2] });
const esm = (id: string, ts: boolean) =>
  `import { defineBound${ts ? ', type Quantities' : ''} } from 'ntk-audit';\nconst spec = ${SPEC(id)};\nexport default defineBound(spec);\n`;
const cjs = (id: string, named: boolean) =>
  `const { defineBound } = require('ntk-audit');\n${named ? 'exports.bound' : 'module.exports'} = defineBound(${SPEC(id)});\n`;

function folder(name: string, type: 'commonjs' | 'module' | null): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  if (type) writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type }));
  // Every extension; x.js and x.cjs each lie beside a TypeScript file of the same stem and another id.
  writeFileSync(join(dir, 'p.ts'), esm(`${name}.ts`, true));
  writeFileSync(join(dir, 'p.mts'), esm(`${name}.mts`, true));
  writeFileSync(join(dir, 'p.cts'), esmProposal(SPEC(`${name}.cts`)));
  writeFileSync(join(dir, 'p.mjs'), esm(`${name}.mjs`, false));
  writeFileSync(join(dir, 'p.cjs'), cjs(`${name}.cjs`, false));
  writeFileSync(join(dir, 'p.js'), type === 'module' ? esm(`${name}.js`, false) : cjs(`${name}.js`, true));
  return dir;
}

describe('proposal formats', () => {
  const dirs = { commonjs: folder('cjs', 'commonjs'), module: folder('esm', 'module'), none: folder('bare', null) };

  it('reads the module format from the extension and the nearest package.json', () => {
    expect(moduleFormat(join(dirs.commonjs, 'p.ts')).format).toBe('commonjs');
    expect(moduleFormat(join(dirs.module, 'p.ts')).format).toBe('module');
    expect(moduleFormat(join(dirs.module, 'p.cts')).format).toBe('commonjs');
    expect(moduleFormat(join(dirs.commonjs, 'p.mjs')).format).toBe('module');
    // the bare folder inherits from whatever is above the temporary directory (nothing, or a package.json)
    expect(moduleFormat(join(dirs.none, 'p.ts')).reason).toMatch(/package\.json/);
  });

  for (const [kind, dirName] of [
    ['commonjs', 'cjs'],
    ['module', 'esm'],
    ['none', 'bare'],
  ] as const) {
    it(`loads .ts .mts .cts .js .mjs .cjs in a folder with ${kind === 'none' ? 'no package.json' : `"type": "${kind}"`}`, async () => {
      for (const ext of ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs']) {
        const { bounds } = await loadProposal(join(dirs[kind], `p.${ext}`));
        expect(
          bounds.map((b) => b.id),
          `p.${ext}`,
        ).toEqual([`${dirName}.${ext}`]);
        expect(isAuditBound(bounds[0]), `p.${ext}`).toBe(true);
      }
    });
  }

  it('a CommonJS TypeScript file that needs an ES module fails in one line that says why', async () => {
    const file = join(dirs.commonjs, 'tla.ts');
    writeFileSync(file, `import { defineBound } from 'ntk-audit';\nawait Promise.resolve();\nexport default defineBound(${SPEC('tla')});\n`);
    const err = await loadProposal(file).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IllPosedError);
    expect((err as Error).message).not.toMatch(/[\r\n]/);
    expect((err as Error).message).toMatch(/loaded as CommonJS: no "type": "module" in .*package\.json; name it \.mts/);
  });

  it('a defineBound error in a CommonJS TypeScript file is reported as it is, without the module-format hint', async () => {
    const file = join(dirs.commonjs, 'badtex.ts');
    writeFileSync(file, esmProposal(`{ ...${SPEC('badtex')}, statementTex: 'x $$ y' }`));
    const err = await loadProposal(file).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IllPosedError);
    expect((err as Error).message).toMatch(/statementTex/);
    expect((err as Error).message).not.toMatch(/loaded as CommonJS/);
  });

  it('audits p.mjs, not the p.mts beside it, in the worker threads too (tsx loads them there)', async () => {
    const r = await cliInProcess(['audit', join(dirs.module, 'p.mjs'), '--budget', '1', '--json', '--out', join(root, 'out-mjs')], { CI: 'true' });
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { verdict: string; bounds: { id: string; evaluated: number }[] };
    expect(res.bounds.map((b) => b.id)).toEqual(['esm.mjs']);
    expect(res.bounds[0].evaluated).toBeGreaterThan(0);
  });

  it('audits a .ts proposal of a "type": "commonjs" folder end to end, in process (workers included)', async () => {
    const r = await cliInProcess(['audit', join(dirs.commonjs, 'p.ts'), '--budget', '1', '--json', '--out', join(root, 'out')], { CI: 'true' });
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { verdict: string; bounds: { id: string }[] };
    expect(res.verdict).toBe('survived');
    expect(res.bounds.map((b) => b.id)).toEqual(['cjs.ts']);
  });
});
