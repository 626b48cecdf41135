import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReport } from '../src/report/write.ts';
import { readArtifact } from '../src/search/artifact.ts';
import { replayFile } from '../src/search/replay.ts';
import { catalog } from '../properties/index.ts';
import { createRng } from '../src/random/rng.ts';

/**
 * Faults: kill -9 and SIGINT at random moments of `ntk-audit run`. After each, the report files
 * are absent, the previous complete version or the new complete version (never truncated), and
 * every counterexample on disk is complete and replays to `violated`.
 */
const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const FILTER = 'planted.hinf.*,presentation.hinf.inverse-quadform-as-written,du2019.hinf.diagonal-half';
const TRIALS = Number(process.env.FAULT_TRIALS ?? 20);

describe('kill -9 and SIGINT during a run', () => {
  it(`leaves complete files in ${TRIALS} trials`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'ntk-faults-'));
    // A first complete run: the "previous version".
    const first = spawnSync(process.execPath, [...CLI, 'run', '--theorem', FILTER, '--budget', '2', '--out', out, '--format', 'json,md,junit'], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(first.status, first.stderr).toBe(0);
    const rng = createRng('faults');
    const outcomes: string[] = [];
    for (let t = 0; t < TRIALS; t++) {
      const signal = t % 2 === 0 ? 'SIGKILL' : 'SIGINT';
      const delay = 150 + Math.floor(rng.next() * 2500);
      const child = spawn(process.execPath, [...CLI, 'run', '--theorem', FILTER, '--budget', String(2 + (t % 3)), '--seed', `f${t}`, '--out', out, '--format', 'json,md,junit', '--workers', String(1 + (t % 2))], { env: { ...process.env, CI: 'true' }, stdio: 'ignore' });
      const timer = setTimeout(() => child.kill(signal), delay);
      const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
      clearTimeout(timer);
      outcomes.push(`${signal}@${delay}ms→${code}`);
      // Reports: complete (schema-valid, parseable) — previous or new, never partial.
      const rep = readReport(join(out, 'report.json'));
      // A complete run lists every theorem; a partial report after SIGINT says so.
      expect(rep.run.interrupted || rep.theorems.length === 4).toBe(true);
      expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/<\/testsuites>\s*$/);
      expect(readFileSync(join(out, 'summary.md'), 'utf8').length).toBeGreaterThan(0);
      // Counterexamples: every file complete and replays.
      const dir = join(out, 'counterexamples');
      if (existsSync(dir)) for (const f of readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.'))) {
        readArtifact(join(dir, f));
        expect(replayFile(join(dir, f), catalog).outcome.verdict).toBe('violated');
      }
    }
    expect(outcomes.length).toBe(TRIALS);
  }, 300_000);
});
