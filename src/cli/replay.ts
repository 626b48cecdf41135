/** `ntk-audit replay FILE [--json]`: re-evaluates a counterexample artifact and prints its verdict. */
import { Command } from 'commander';
import { ExitRequest } from '../errors.ts';
import { replayFile } from '../search/replay.ts';
import { DEFAULT_CATALOG, loadCatalog } from './run.ts';

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('re-evaluate a counterexample artifact (no generator needed) and print its verdict; exit 1 when it is still violated')
    .argument('<file>', 'counterexample JSON (fixtures/counterexamples/*.json or reports/counterexamples/*.json)')
    .option('--json', 'print one JSON object')
    .action(async (file: string, raw: { json?: boolean }) => {
      const catalog = await loadCatalog(DEFAULT_CATALOG);
      const { artifact, outcome } = replayFile(file, catalog);
      const out = { theoremId: artifact.theoremId, verdict: outcome.verdict, relation: outcome.relation, lhs: outcome.lhs, rhs: outcome.rhs, margin: outcome.margin, errorBound: outcome.errorBound, recordedMargin: artifact.margin, conventions: artifact.conventions, packageVersion: artifact.packageVersion };
      if (raw.json) process.stdout.write(JSON.stringify(out) + '\n');
      else
        process.stdout.write(
          `${artifact.theoremId}: ${outcome.verdict}\n  ${artifact.theoremTitle}\n  lhs = ${outcome.lhs}  ${outcome.relation}  rhs = ${outcome.rhs}\n  margin = ${outcome.margin} (error bound ${outcome.errorBound}; recorded ${artifact.margin})\n  conventions: ${Object.entries(artifact.conventions).map(([k, v]) => `${k} = ${v}`).join('; ')}\n`,
        );
      if (outcome.verdict === 'violated') throw new ExitRequest(1);
    });
}
