import { describe, expect, it } from 'vitest';
import { catalog } from '../../properties/index.ts';
import { anchorId } from './escape.ts';
import { searchTheorem } from '../search/search.ts';
import { theoremReport } from './build.ts';
import { sampleReport } from './fixtures.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { reportSchema } from './schema.ts';

/**
 * Identities (relation '==') hold when |lhs − rhs| ≤ error bound: every report shows that ratio
 * (≤ 1: consistent), never a signed "worst margin" that would read as a violation.
 */
describe('identity claims in reports', () => {
  it('a catalog identity run through the search reports its residual ratio, and no signed margin', () => {
    const t = catalog.find((c) => c.id === 'nguyen2021.limiting.diagonal')!;
    const run = searchTheorem(t, { seed: 'identity', numRuns: 40, targetedSteps: 0 });
    expect(run.status).toBe('holds');
    expect(run.relation).toBe('==');
    const inside = run.records.filter((r) => r.verdict !== 'outside');
    // Independent recomputation of the ratio from the recorded margins and error bounds.
    const ratios = inside.map((r) => (r.margin === 0 ? 0 : Math.abs(r.margin) / r.errorBound));
    expect(run.identity!.instances).toBe(inside.length);
    expect(run.identity!.maxResidualRatio).toBe(Math.max(...ratios));
    expect(run.identity!.maxResidualRatio).toBeLessThanOrEqual(1);
    const rep = theoremReport(t, run, 1);
    expect(rep.worstRelativeMargin).toBeNull();
    expect(rep.identity!.maxResidualRatio).toBe(run.identity!.maxResidualRatio);
  });

  it('an inequality keeps its signed worst margin and has no identity summary', () => {
    const t = catalog.find((c) => c.id === 'du2019.hinf.offdiagonal-envelope')!;
    const run = searchTheorem(t, { seed: 'identity', numRuns: 30, targetedSteps: 0 });
    expect(run.relation).not.toBe('==');
    expect(run.identity).toBeUndefined();
    expect(theoremReport(t, run, 1).worstRelativeMargin).not.toBeNull();
  });

  it('HTML, Markdown and JUnit show |lhs − rhs| / error bound for the identity, with a caption that matches', async () => {
    const report = sampleReport();
    reportSchema.parse(report);
    const id = report.theorems.find((t) => t.relation === '==')!;
    const ratio = id.identity!.maxResidualRatio!;
    const html = await renderHtml(report);
    const section = html.slice(html.indexOf(`id="${anchorId('nmm2021.limiting.diagonal')}"`));
    const own = section.slice(0, section.indexOf('</section>'));
    expect(own).toMatch(/identity residual/);
    expect(own).toMatch(/≤ 1: consistent/);
    expect(own).not.toMatch(/worst relative margin/);
    expect(own).not.toMatch(/&lt; 0: violated|< 0: violated/);
    const md = renderMarkdown(report);
    const row = md.split('\n').find((l) => l.includes('nmm2021.limiting.diagonal') && l.startsWith('|'))!;
    expect(row).toContain(`≤ ${String(Number(ratio.toPrecision(3)))}·err`);
    expect(renderJunit(report)).toMatch(/identity residual \|lhs − rhs\| \/ error bound: max/);
  });
});
