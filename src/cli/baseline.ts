/** `ntk-audit baseline [--from reports/report.json] [--out fixtures/baseline.json] [--tolerance 0.25] [--force]`: refuses to overwrite without --force. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { baselineFromReport } from '../report/baseline.ts';
import { readReport } from '../report/write.ts';

export function registerBaselineCommand(program: Command): void {
  program
    .command('baseline')
    .description('write a CI baseline (verdicts and empirical constants) from a report.json')
    .option('--from <report>', 'report to take the baseline from (default reports/report.json)')
    .option('--out <file>', 'baseline file (default fixtures/baseline.json)')
    .option('--tolerance <x>', 'relative tolerance on empirical constants (default 0.25)')
    .option('--force', 'overwrite an existing baseline file')
    .action((raw: { from?: string; out?: string; tolerance?: string; force?: boolean }) => {
      const report = readReport(raw.from ?? 'reports/report.json');
      if (report.run.interrupted) throw new UserError('refusing to make a baseline from an interrupted run');
      const tol = raw.tolerance === undefined ? 0.25 : Number(raw.tolerance);
      if (!(tol > 0 && Number.isFinite(tol))) throw new UserError(`--tolerance must be a positive number, got ${JSON.stringify(raw.tolerance)}`);
      const out = raw.out ?? 'fixtures/baseline.json';
      if (existsSync(out) && !raw.force) throw new UserError(`baseline: ${out} exists; pass --force to overwrite it`);
      writeFileAtomic(out, JSON.stringify(baselineFromReport(report, tol), null, 2) + '\n');
      process.stderr.write(
        `ntk-audit: baseline of ${report.theorems.length} claims (seed ${report.run.seed}, budget ${report.run.budgetSeconds}) written to ${out}\n`,
      );
    });
}
