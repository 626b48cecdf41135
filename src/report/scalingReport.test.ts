import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { searchTheorem } from '../search/search.ts';
import { toyThetaClaim } from '../../test/support/toyClaim.ts';
import type { Evaluation } from '../theorem/types.ts';
import { assembleReport, theoremReport } from './build.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';

type D = { [k: string]: unknown; x: number; seed: string };

/** y = 3·x exactly, claimed Θ(x): holds with fitted constant 3 (a number of this sweep, not of any paper). */
const toy = toyThetaClaim<D>('toy.linear', {
  conventions: { x: 'size' },
  descriptors: fc.constant({ x: 10, seed: 's' }),
  conclude: (d): Evaluation => ({ lhs: 3 * d.x * (1 + 1e-3 * (d.seed.length % 3)), lhsError: 0, rhs: 0, rhsError: 0, relation: '>' }),
  regimes: ['A'],
  design: (p) => ({ x: p.size, seed: p.seed }),
});

describe('a scaling claim in the reports', () => {
  it("shows its fitted constant as fitted, not the paper's, and no per-draw margin or vacuity (its draws only certify y > 0)", async () => {
    const run = searchTheorem(toy, { seed: 's', numRuns: 0, scalingDraws: 4 });
    expect(run.status).toBe('holds');
    const t = theoremReport(toy, run, 1);
    expect(t.worstRelativeMargin).toBeNull();
    expect(t.vacuity).toBeNull();
    const report = assembleReport(
      [t],
      { seed: 's', budgetSeconds: 1, theoremFilter: null, shard: null, shardsMerged: 1, interrupted: false, startedAt: '', finishedAt: '', workers: 1 },
      1,
    );
    const md = renderMarkdown(report).replace(/\\(.)/g, '$1'),
      junit = renderJunit(report),
      html = await renderHtml(report);
    for (const doc of [md, junit, html]) {
      expect(doc).not.toMatch(/worst relative margin/);
      expect(doc).not.toMatch(/vacuous on/);
      expect(doc).toMatch(/not the paper('|&#39;)s constant/);
      expect(doc).toMatch(/y certified (>|&gt;) 0/);
    }
    expect(md).toMatch(/\| 3\.0\d* \(fitted, not the paper's\) \|/);
  });
});
