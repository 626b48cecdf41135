/**
 * `ntk-audit merge SHARD.json… [--out DIR] [--format …]`: combines shard reports into one, and copies the
 * counterexample files they link to next to it (src/report/merge.ts), so that its links resolve.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitRequest } from '../errors.ts';
import { copyArtifacts, mergeReports } from '../report/merge.ts';
import { parseFormats, readReport, writeReports } from '../report/write.ts';

export function registerMergeCommand(program: Command): void {
  program
    .command('merge')
    .description('merge shard reports (ntk-audit run --shard k/n) into the report of the whole run')
    .argument('<reports...>', 'report.json of every shard')
    .option('--out <dir>', 'output directory (default reports)')
    .option('--format <list>', 'report formats: json,html,md,junit (default all)')
    .action(async (paths: string[], raw: { out?: string; format?: string }) => {
      const shards = paths.map((path) => ({ path, report: readReport(path) }));
      const outDir = resolve(raw.out ?? 'reports');
      const formats = parseFormats(raw.format ?? 'json,html,md,junit');
      const { report: merged, missing } = copyArtifacts(shards, mergeReports(shards), outDir);
      for (const m of missing)
        process.stderr.write(`ntk-audit: merge: counterexample file ${m} not found next to its shard report: its link is kept as it is\n`);
      await writeReports(merged, outDir, formats);
      process.stderr.write(`ntk-audit: merged ${paths.length} shard report(s), ${merged.theorems.length} theorems, into ${outDir}\n`);
      if (merged.summary.unexpected.length > 0) throw new ExitRequest(1);
    });
}
