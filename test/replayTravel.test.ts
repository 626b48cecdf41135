import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliInProcess } from './support/cliInProcess.ts';

/**
 * Replays that travel (src/audit/provenance.ts): an audit artifact records its proposal and data file
 * relative to itself with their SHA-256, so a folder holding all three can move and replay from any working
 * directory; a changed file is a one-line error. That `merge` copies the counterexample files its report
 * links to (src/report/merge.ts) is checked on the merged shards of test/cliRun.test.ts.
 */
const ROOT = new URL('..', import.meta.url).pathname;
const INDEX = pathToFileURL(join(ROOT, 'src/index.ts')).href;
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `ntk-audit-${p}-`));

/** Runs the CLI in process from the working directory `cwd`. */
async function cliIn(cwd: string, args: string[]) {
  const here = process.cwd();
  process.chdir(cwd);
  try {
    return await cliInProcess(args);
  } finally {
    process.chdir(here);
  }
}

/**
 * A folder with a false bound over a data file named by a path relative to the proposal:
 * λ_min(K^(2)) ≥ min_i ‖x_i‖²/2 fails for ≥ 3 points in the plane (Nguyen–Mondelli–Montúfar, arXiv 2012.11654:
 * λ_min of the NTK is not bounded below by the smallest norm once N > d).
 */
function proposalFolder(): string {
  const dir = join(tmp('travel'), 'proposal');
  mkdirSync(dir);
  const rows = Array.from({ length: 12 }, (_, i) => `${Math.cos(0.5 * i + 0.1) * (1 + i / 8)},${Math.sin(0.5 * i + 0.1) * (1 + i / 8)}`);
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n'); // an ES module, as in a project using ntk-audit
  writeFileSync(join(dir, 'points.csv'), `x1,x2\n${rows.join('\n')}\n`);
  writeFileSync(
    join(dir, 'bound.ts'),
    `import { defineBound } from '${INDEX}';\nexport default defineBound({\n  id: 'travel.min-norm',\n  statement: 'λ_min(K^(2)) ≥ min_i ‖x_i‖² / 2 on points.csv',\n  instances: { n: [3, 12], depth: [2, 2], data: { file: 'points.csv' } },\n  lhs: (q) => q.lambdaMinNTK,\n  relation: '>=',\n  rhs: (q) => q.minNormSq / 2,\n  costHint: 60,\n});\n`,
  );
  return dir;
}

describe('replays that travel', () => {
  it('an audit artifact replays after its folder moved, from a third working directory, and a changed proposal or data file is a one-line error', async () => {
    const dir = proposalFolder();
    // audited from the repository root: the data file is found next to the proposal, not in the working directory
    const audit = await cliInProcess(['audit', join(dir, 'bound.ts'), '--budget', '1', '--seed', 'travel', '--json', '--out', join(dir, 'audit')]);
    expect(audit.stderr).toBe('');
    expect(audit.status).toBe(1);
    const s = JSON.parse(audit.stdout).bounds[0].counterexamples.smallest;
    const name = s.artifact.slice(join(dir, 'audit').length + 1);
    const recorded = JSON.parse(readFileSync(s.artifact, 'utf8')).proposal;
    expect(recorded).toMatchObject({ file: '../../bound.ts', boundId: 'travel.min-norm', data: { file: '../../points.csv' } });
    expect(recorded.sha256).toMatch(/^[0-9a-f]{64}$/);

    // the artifact alone, copied elsewhere: the proposal is found where it was at the audit
    const alone = join(tmp('alone'), name.split('/').pop()!);
    writeFileSync(alone, readFileSync(s.artifact));
    const a = await cliIn(tmp('cwd'), ['replay', alone, '--json']);
    expect(a.status).toBe(1);
    expect(JSON.parse(a.stdout)).toMatchObject({ verdict: 'violated', lhs: s.lhs, rhs: s.rhs });

    const moved = join(tmp('moved'), 'elsewhere');
    renameSync(dirname(dir), moved);
    const artifact = join(moved, 'proposal', 'audit', name);
    expect(existsSync(s.artifact)).toBe(false);
    const r = await cliIn(tmp('cwd'), ['replay', artifact, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ theoremId: 'travel.min-norm', verdict: 'violated', lhs: s.lhs, rhs: s.rhs, margin: s.margin });

    // the proposal's bytes changed: exit 2, one line naming the file and the hash mismatch
    const bound = join(moved, 'proposal', 'bound.ts');
    appendFileSync(bound, '// edited\n');
    const changed = await cliIn(tmp('cwd'), ['replay', artifact]);
    expect(changed.status).toBe(2);
    expect(changed.stdout).toBe('');
    const line = changed.stderr.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain(`the proposal ${bound} changed since ${artifact} was written (sha256 `);
    expect(line).toMatch(/recorded [0-9a-f]{16}…/);

    // an artifact whose proposal record is an absolute path without a hash replays from that path
    const old = JSON.parse(readFileSync(artifact, 'utf8'));
    writeFileSync(bound, readFileSync(bound, 'utf8').replace('// edited\n', ''));
    const legacy = join(tmp('legacy'), 'old.json');
    writeFileSync(legacy, JSON.stringify({ ...old, proposal: { file: bound, boundId: 'travel.min-norm' } }));
    const back = await cliIn(tmp('cwd'), ['replay', legacy, '--json']);
    expect(back.status).toBe(1);
    expect(JSON.parse(back.stdout)).toMatchObject({ verdict: 'violated', lhs: s.lhs });

    // the data file changed: named too
    appendFileSync(join(moved, 'proposal', 'points.csv'), '0.5,0.25\n');
    const data = await cliIn(tmp('cwd'), ['replay', artifact]);
    expect(data.status).toBe(2);
    expect(data.stderr.trim()).toMatch(
      new RegExp(`^ntk-audit: replay: the data file ${join(moved, 'proposal', 'points.csv').replace(/[.]/g, '\\.')} changed since`),
    );
  });
});
