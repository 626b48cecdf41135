import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Longest files first, by the seconds measured per file in test/support/fileCosts.json (written by
 * scripts/test-file-costs.mjs from a Vitest JSON report): on a 2-worker machine the two workers then end
 * together instead of one worker starting the longest file last (longest-processing-time-first list
 * scheduling is within 4/3 of the best makespan: R. L. Graham, SIAM J. Appl. Math. 17 (1969) 416–429). Vitest's own order needs the results cache of an earlier
 * run, which a clean clone in CI does not have. Files not in the table run after the listed ones, in
 * Vitest's order.
 */
const COSTS: Readonly<Record<string, number>> = JSON.parse(readFileSync(new URL('./fileCosts.json', import.meta.url), 'utf8'));

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const rank = new Map(base.map((f, k) => [f, k]));
    const cost = (f: TestSpecification): number => COSTS[relative(this.ctx.config.root, f.moduleId).split('\\').join('/')] ?? -1;
    return [...base].sort((a, b) => cost(b) - cost(a) || rank.get(a)! - rank.get(b)!);
  }
}
