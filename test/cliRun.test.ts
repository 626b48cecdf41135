import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReport } from '../src/report/write.ts';
import { cliInProcess } from './support/cliInProcess.ts';
import { cliArgs } from './support/cliProcess.ts';
import { selectTheorems } from '../src/search/budget.ts';
import { catalog } from '../properties/index.ts';

const FILTER = 'du2019.hinf.*,planted.hinf.*';
/**
 * Budget 1 at these claims' cost hints (src/search/budget.ts) is 150 evaluations each: every phase (random,
 * shrinking, targeted, probes) runs, on 1 and 2 workers and on 2 shards, and the planted claims are refuted
 * with replayable counterexamples — what determinism and the baseline comparison are judged on.
 */
const BUDGET_SECONDS = 1;
const BUDGET = String(BUDGET_SECONDS);
/** Four and three runs with their reports: 42 s and 32 s on 2 cores at load ≈ 12. */
const RUNS_TIMEOUT = 180_000;

/** In process (src/cli/main.ts's main, output captured), with CI=true as in the child processes. */
async function run(args: string[]) {
  const r = await cliInProcess(args, { CI: 'true' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A real process: the installed command's entry point when dist/ is current, else the sources (test/support/cliProcess.ts). */
function cli(args: string[], timeout = 120_000) {
  const r = spawnSync(process.execPath, [...cliArgs(), ...args], { encoding: 'utf8', timeout, env: { ...process.env, CI: 'true' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** report.json without what may legitimately differ between runs: timestamps, timings, worker count, shard bookkeeping. */
function normalized(path: string): string {
  const r = JSON.parse(readFileSync(path, 'utf8'));
  delete r.run.startedAt;
  delete r.run.finishedAt;
  delete r.run.workers;
  delete r.run.shardsMerged;
  delete r.run.shard;
  delete r.timings;
  for (const t of r.theorems) delete t.timings;
  return JSON.stringify(r);
}

describe('ntk-audit run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-run-'));
  /**
   * The run on 1 worker (seed det) into dir/w1, made once: the reference of the determinism test and the
   * source of the baseline test's baseline (any run of the same selection, seed and budget gives the same
   * report, which is what the first test checks).
   */
  let w1: Promise<{ code: number; stderr: string }> | undefined;
  const runW1 = () => (w1 ??= run(['run', '--theorem', FILTER, '--budget', BUDGET, '--seed', 'det', '--workers', '1', '--out', join(dir, 'w1')]));

  it(
    'gives identical report.json for 1 and 2 workers, and for merged shards, whose counterexample files merge copies',
    async () => {
      const a = await runW1();
      expect(a.code, a.stderr).toBe(0);
      const b = await run(['run', '--theorem', FILTER, '--budget', BUDGET, '--seed', 'det', '--workers', '2', '--out', join(dir, 'w2')]);
      expect(b.code, b.stderr).toBe(0);
      expect(normalized(join(dir, 'w2', 'report.json'))).toBe(normalized(join(dir, 'w1', 'report.json')));
      for (const k of [1, 2])
        expect((await run(['run', '--theorem', FILTER, '--budget', BUDGET, '--seed', 'det', '--shard', `${k}/2`, '--out', join(dir, `s${k}`)])).code).toBe(0);
      const m = await run(['merge', join(dir, 's1', 'report.json'), join(dir, 's2', 'report.json'), '--out', join(dir, 'merged')]);
      expect(m.code, m.stderr).toBe(0);
      expect(normalized(join(dir, 'merged', 'report.json'))).toBe(normalized(join(dir, 'w1', 'report.json')));
      const merged = join(dir, 'merged');
      const rep = readReport(join(merged, 'report.json'));
      expect(rep.run.shardsMerged).toBe(2);
      // merge copies the counterexample files the shards' reports link to, and the files written beside them (their
      // .npy data), next to the merged report, byte for byte: its links (relative) resolve, in report.json and index.html
      const items = rep.theorems.flatMap((t) => t.counterexamples.items);
      const links = items.map((c) => c.artifact!);
      expect(links.length).toBeGreaterThanOrEqual(2);
      const html = readFileSync(join(merged, 'index.html'), 'utf8');
      for (const link of links) {
        expect(isAbsolute(link)).toBe(false);
        expect(existsSync(resolve(merged, link))).toBe(true);
        expect(html).toContain(link);
        const shard = [join(dir, 's1'), join(dir, 's2')].find((d) => existsSync(join(d, link)))!;
        const stem = link
          .split('/')
          .pop()!
          .replace(/\.json$/, '');
        const beside = readdirSync(join(shard, 'counterexamples')).filter((f) => f.startsWith(`${stem}.`));
        for (const f of beside) expect(readFileSync(join(merged, 'counterexamples', f))).toEqual(readFileSync(join(shard, 'counterexamples', f)));
      }
      // The replay command the merged report shows replays to `violated` (exit 1) from the report's folder,
      // through the installed bin script, from another working directory.
      const first = items[0];
      expect(first.replay).toBe(`npx ntk-audit replay ${first.artifact}`);
      const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/ntk-audit.mjs'), 'replay', first.artifact!, '--json'], { cwd: merged, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(1);
      expect(JSON.parse(r.stdout).verdict).toBe('violated');
    },
    RUNS_TIMEOUT,
  );

  it(
    'exits 1 on a baseline regression and 0 against its own baseline',
    async () => {
      const out = join(dir, 'w1');
      const first = await runW1();
      expect(first.code, first.stderr).toBe(0);
      const base = join(dir, 'baseline.json');
      const made = await run(['baseline', '--from', join(out, 'report.json'), '--out', base]);
      expect(made.code, made.stderr).toBe(0);
      const same = await run(['run', '--theorem', FILTER, '--budget', BUDGET, '--seed', 'det', '--out', join(dir, 'again'), '--baseline', base]);
      expect(same.code, same.stderr).toBe(0);
      const b = JSON.parse(readFileSync(base, 'utf8'));
      b.theorems['planted.hinf.gershgorin-reversed'].status = 'holds'; // pretend it held: it is violated now
      writeFileSync(base, JSON.stringify(b));
      // in process: the exit code a shell sees is that of main() (src/cli/main.ts), which the real processes of
      // the other tests check (exit 1 from replay, 2 from a bad flag, 130 after Ctrl-C)
      const r = await run(['run', '--theorem', FILTER, '--budget', BUDGET, '--seed', 'det', '--out', join(dir, 'again2'), '--baseline', base]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/REGRESSION: planted\.hinf\.gershgorin-reversed: held in the baseline, now violated/);
      // every artifact carries the failure, not only the exit code
      const o2 = join(dir, 'again2');
      const rep = readReport(join(o2, 'report.json'));
      expect(rep.outcome).toMatchObject({
        passed: false,
        exitCode: 1,
        baseline: { regressions: [{ id: 'planted.hinf.gershgorin-reversed', kind: 'verdict' }] },
      });
      expect(readFileSync(join(o2, 'summary.md'), 'utf8').split('\n')[0]).toMatch(/^✘ ntk-audit FAILED — 1 baseline regression \(exit 1\)$/);
      const html = readFileSync(join(o2, 'index.html'), 'utf8');
      expect(html).toMatch(/<section class="outcome failed"[^>]*><p class="headline"><strong>✘ FAILED — 1 baseline regression/);
      expect(html).toMatch(/baseline regression<\/span>/);
      const junit = readFileSync(join(o2, 'junit.xml'), 'utf8');
      expect(junit).toMatch(/<testsuites name="ntk-audit" tests="\d+" failures="1" errors="0"/);
      expect(junit).toMatch(/<testcase name="planted\.hinf\.gershgorin-reversed: baseline regression" classname="ntk-audit\.baseline"/);
      // and a passing run says so, naming the baseline it was compared with
      const ok = readReport(join(dir, 'again', 'report.json'));
      expect(ok.outcome).toMatchObject({ passed: true, exitCode: 0, baseline: { compared: 'verdicts and constants', regressions: [] } });
      expect(readFileSync(join(dir, 'again', 'summary.md'), 'utf8').split('\n')[0]).toMatch(
        /^✔ ntk-audit PASSED — \d+ claims as expected, no regression against the baseline/,
      );
      // a baseline is never overwritten silently
      const again = await run(['baseline', '--from', join(out, 'report.json'), '--out', base]);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/exists; pass --force to overwrite it/);
      expect(readFileSync(base, 'utf8')).toBe(JSON.stringify(b));
      expect((await run(['baseline', '--from', join(out, 'report.json'), '--out', base, '--force'])).code).toBe(0);
      expect(JSON.parse(readFileSync(base, 'utf8'))).toMatchObject({ seed: 'det', budgetSeconds: BUDGET_SECONDS });
    },
    RUNS_TIMEOUT,
  );

  it('rejects bad flags with one line and exit 2', async () => {
    for (const [i, args] of [
      ['run', '--shard', '3/2'],
      ['run', '--budget', '-1'],
      ['run', '--format', 'pdf'],
      ['run', '--theorem', 'no.such.*'],
      ['merge', join(dir, 'nope.json')],
      ['replay', join(dir, 'nope.json')],
    ].entries()) {
      const r = i === 0 ? cli(args) : await run(args); // the first through a real process
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('Ctrl-C ends with a partial report marked interrupted', async () => {
    const out = join(dir, 'int');
    const child = spawn(process.execPath, [...cliArgs(), 'run', '--theorem', FILTER, '--budget', '60', '--workers', '1', '--out', out], {
      env: { ...process.env, CI: 'true' },
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    // Interrupt once the first theorem has finished (its progress line has been printed), mid-way through the next.
    await new Promise<void>((res) => {
      const t = setInterval(() => {
        if (/\[\s*1\//.test(stderr)) {
          clearInterval(t);
          setTimeout(() => {
            child.kill('SIGINT');
            res();
          }, 300);
        }
      }, 50);
    });
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(code).toBe(130);
    expect(existsSync(join(out, 'report.json'))).toBe(true);
    const rep = readReport(join(out, 'report.json'));
    expect(rep.run.interrupted).toBe(true);
    expect(rep.theorems.length).toBeGreaterThanOrEqual(1);
    expect(rep.theorems.length).toBeLessThan(7);
    // the claims not run are named in every artifact, and the run reads as failed everywhere
    expect(rep.outcome!.passed).toBe(false);
    expect(rep.outcome!.exitCode).toBe(130);
    expect(rep.outcome!.notRun.length).toBeGreaterThan(0);
    expect(rep.theorems.length + rep.outcome!.notRun.length).toBe(selectTheorems(catalog, FILTER).length);
    expect(readFileSync(join(out, 'summary.md'), 'utf8').split('\n')[0]).toMatch(
      new RegExp(`^✘ ntk-audit FAILED — interrupted: ${rep.outcome!.notRun.length} claims? not run \\(exit 130\\)$`),
    );
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toMatch(/<section class="outcome failed"/);
    for (const id of rep.outcome!.notRun) expect(html).toContain(`<code>${id}</code>`);
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toMatch(new RegExp(`errors="${rep.outcome!.notRun.length}"`));
    for (const id of rep.outcome!.notRun) expect(junit).toContain(`name="${id}: not run"`);
  }, 120_000);
});
