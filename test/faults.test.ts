import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReport } from '../src/report/write.ts';
import { readArtifact } from '../src/search/artifact.ts';
import { replayFile } from '../src/search/replay.ts';
import { catalog } from '../properties/index.ts';
import { createRng } from '../src/random/rng.ts';
import { cliInProcess } from './support/cliInProcess.ts';
import { cliArgs } from './support/cliProcess.ts';

/**
 * Faults: kill -9 and SIGINT at random moments of `ntk-audit run`. After each, the report files
 * are absent, the previous complete version or the new complete version (never truncated), and
 * every counterexample on disk is complete and replays to `violated`.
 *
 * Each trial is one combination of signal (SIGKILL, SIGINT) × workers (1, 2) × budget (2, 3, 4 s), so 12
 * trials cover each of them once; the moments are stratified over 150–2,650 ms (trial t at a random point
 * of the t-th of TRIALS equal slices, in a shuffled order), so early kills (start-up, first claim) and late
 * ones (report writing, or after the run ended) are all drawn. The children run the installed command's entry
 * point on the compiled dist/ when it is current (test/support/cliProcess.ts).
 */
const FILTER = 'planted.hinf.*,presentation.hinf.inverse-quadform-as-written,du2019.hinf.diagonal-half';
const TRIALS = Number(process.env.FAULT_TRIALS ?? 12);

describe('kill -9 and SIGINT during a run', () => {
  it(`leaves complete files in ${TRIALS} trials`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'ntk-faults-'));
    // A first complete run, in process (the same main() the children run; only the trials need signals): the "previous version".
    const first = await cliInProcess(['run', '--theorem', FILTER, '--budget', '2', '--out', out, '--format', 'json,md,junit'], { CI: 'true' });
    expect(first.status, first.stderr).toBe(0);
    const rng = createRng('faults');
    // slice t of the delay range goes to trial slot[t] (Fisher–Yates), so delay and combination are not tied
    const slot = Array.from({ length: TRIALS }, (_, t) => t);
    for (let t = TRIALS - 1; t > 0; t--) {
      const j = Math.floor(rng.next() * (t + 1));
      [slot[t], slot[j]] = [slot[j], slot[t]];
    }
    const outcomes: string[] = [];
    for (let t = 0; t < TRIALS; t++) {
      const signal = t % 2 === 0 ? 'SIGKILL' : 'SIGINT';
      const workers = 1 + (Math.floor(t / 2) % 2);
      const budget = 2 + (Math.floor(t / 4) % 3);
      const delay = 150 + Math.floor(((slot[t] + rng.next()) / TRIALS) * 2500);
      const child = spawn(
        process.execPath,
        [
          ...cliArgs(),
          'run',
          '--theorem',
          FILTER,
          '--budget',
          String(budget),
          '--seed',
          `f${t}`,
          '--out',
          out,
          '--format',
          'json,md,junit',
          '--workers',
          String(workers),
        ],
        { env: { ...process.env, CI: 'true' }, stdio: 'ignore' },
      );
      const timer = setTimeout(() => child.kill(signal), delay);
      const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
      clearTimeout(timer);
      outcomes.push(`${signal}/w${workers}/b${budget}@${delay}ms→${code}`);
      // Reports: complete (schema-valid, parseable) — previous or new, never partial.
      const rep = readReport(join(out, 'report.json'));
      // A complete run lists every theorem; a partial report after SIGINT says so.
      expect(rep.run.interrupted || rep.theorems.length === 4).toBe(true);
      expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/<\/testsuites>\s*$/);
      expect(readFileSync(join(out, 'summary.md'), 'utf8').length).toBeGreaterThan(0);
      // Counterexamples: every file complete and replays.
      const dir = join(out, 'counterexamples');
      if (existsSync(dir))
        for (const f of readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.'))) {
          readArtifact(join(dir, f));
          expect(replayFile(join(dir, f), catalog).outcome.verdict).toBe('violated');
        }
    }
    expect(outcomes.length).toBe(TRIALS);
    // every signal × workers × budget combination was tried (TRIALS ≥ 12)
    if (TRIALS >= 12) expect(new Set(outcomes.map((o) => o.split('@')[0])).size).toBe(12);
  }, 300_000);
});
