/**
 * summary.md: a GitHub-flavoured Markdown summary for a CI job (e.g. $GITHUB_STEP_SUMMARY).
 * Plain-text status markers (✔ ✘ ? ! –), one table row per theorem, the unexpected outcomes, every
 * kept counterexample with its replay command, and the conventions note. User text is escaped
 * (Markdown punctuation, table pipes, HTML); code goes in code spans / fences that it cannot close.
 */
import { escapeMarkdown as md, markdownCode, markdownCodeBlock } from './escape.ts';
import { CONVENTIONS_NOTE, countLabels, fmt, identityRatio, scalingLawText, scalingRegimeLines, sharpnessText, vacuityText, worstText } from './html.ts';
import { computeOutcome } from './outcome.ts';
import type { Report, TheoremReport } from './schema.ts';

/** Inline text outside tables: pipes need no escape there. */
const text = (v: unknown) => md(v, { inTable: false });

export const STATUS_MARKER: Record<TheoremReport['status'], string> = { holds: '✔', violated: '✘', inconclusive: '?', error: '!', skipped: '–' };

function statusText(t: TheoremReport): string {
  const flag = t.status !== 'skipped' && !t.asExpected ? ' **unexpected**' : t.expectRefuted && t.status === 'violated' ? ' (known false, as expected)' : '';
  return `${STATUS_MARKER[t.status]} ${t.status}${flag}`;
}

function cellsText(t: TheoremReport): string {
  const { exercised, declared, missing } = t.coverage;
  if (declared === null || declared === 0) return `${exercised}`;
  const covered = Math.max(0, declared - missing.length);
  return `${covered}/${declared} (${Math.round((covered / declared) * 100)}%)`;
}

function durationText(ms: number): string {
  return ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function renderMarkdown(report: Report): string {
  const { run, summary: s } = report;
  const out: string[] = [];
  const o = report.outcome ?? computeOutcome(report);
  // first line: the outcome, as the exit code says it (readable in a log and as Markdown)
  out.push(`${o.passed ? '✔' : '✘'} ntk-audit ${o.headline}`, '');
  out.push('## ntk-audit — claim coverage', '');
  if (o.baseline?.regressions.length) {
    out.push(
      `**Baseline regressions** (against ${markdownCode(o.baseline.file, false)}, seed ${markdownCode(o.baseline.seed, false)}, budget ${md(fmt(o.baseline.budgetSeconds))}, ${md(o.baseline.compared)}):`,
      '',
    );
    for (const r of o.baseline.regressions) out.push(`- ✘ ${markdownCode(r.id, false)} — ${md(r.message)}`);
    out.push('');
  } else if (o.baseline)
    out.push(
      `Baseline ${markdownCode(o.baseline.file, false)} (seed ${markdownCode(o.baseline.seed, false)}, budget ${md(fmt(o.baseline.budgetSeconds))}): no regression, ${md(o.baseline.compared)} compared.`,
      '',
    );
  if (o.notRun.length) out.push(`**Not run (${o.notRun.length}):** ${o.notRun.map((id) => markdownCode(id, false)).join(' ')}`, '');
  if (run.interrupted)
    out.push('> **✘ Interrupted run:** the budget ran out or the run was stopped before every theorem was explored; counts are partial.', '');
  const shard = run.shard ? `shard ${run.shard.index}/${run.shard.count}` : run.shardsMerged > 1 ? `merged from ${run.shardsMerged} shards` : 'single run';
  out.push(
    `${md(report.tool.name)} ${md(report.tool.version)} · seed ${markdownCode(run.seed, false)} · budget ${md(fmt(run.budgetSeconds))} s · ${md(shard)} · ${md(durationText(report.timings.totalMs))}${run.theoremFilter !== null ? ` · filter ${markdownCode(run.theoremFilter, false)}` : ''}`,
    '',
  );
  const byStatus = (['holds', 'violated', 'inconclusive', 'error', 'skipped'] as const)
    .filter((k) => s.byStatus[k])
    .map((k) => `${STATUS_MARKER[k]} ${k} ${s.byStatus[k]}`);
  out.push(
    `**${s.theorems} theorems** · ${s.instances} instances · ${s.counterexamples} counterexamples · ${byStatus.join(' · ')}${s.unexpected.length ? ` · **${s.unexpected.length} unexpected**` : ' · all as expected'}`,
    '',
  );

  out.push(
    '| | Theorem | Kind | Status | Instances | Cells | Worst rel. margin (identities: max residual / error bound) | Empirical constant |',
    '|---|---|---|---|---:|---|---:|---:|',
  );
  for (const t of report.theorems) {
    out.push(
      `| ${STATUS_MARKER[t.status]} | ${markdownCode(t.id)} ${md(t.title)} | ${md(t.kind)} | ${statusText(t)} | ${t.evaluated} | ${md(cellsText(t))} | ${md(worstText(t))} | ${md(t.empiricalConstant ? `${fmt(t.empiricalConstant.value)}${t.empiricalConstant.aggregate === 'fitted' ? " (fitted, not the paper's)" : ''}` : '—')} |`,
    );
  }
  out.push('');

  out.push('### Theorems', '');
  for (const t of report.theorems) {
    const src = `${text(t.source.paper)}${t.source.arxiv ? `, arXiv:${text(t.source.arxiv)}` : ''}, ${text(t.source.statement)}`;
    const label = countLabels(t);
    const parts = [
      `${t.evaluated} instances (${label.holds} ${t.counts.holds} · ${label.violated} ${t.counts.violated} · inconclusive ${t.counts.inconclusive} · outside ${t.counts.outside})`,
    ];
    if (t.counterexamples.count) parts.push(`${t.counterexamples.count} counterexample${t.counterexamples.count === 1 ? '' : 's'}`);
    if (t.identity)
      parts.push(
        `identity residual |lhs − rhs| / error bound: max ${md(fmt(t.identity.maxResidualRatio, 3))}, median ${md(fmt(t.identity.medianResidualRatio, 3))} (≤ 1: consistent)`,
      );
    else if (t.worstRelativeMargin !== null) parts.push(`worst relative margin ${md(fmt(t.worstRelativeMargin))}`);
    if (t.empiricalConstant)
      parts.push(
        `empirical constant ${md(fmt(t.empiricalConstant.value))} (${md(t.empiricalConstant.aggregate)} of ${markdownCode(t.empiricalConstant.quantity, false)}${t.empiricalConstant.aggregate === 'fitted' ? `: ${md(t.empiricalConstant.description)}` : ''})`,
      );
    if (t.twinOf) parts.push(`twin of ${markdownCode(t.twinOf, false)}`);
    const vac = vacuityText(t),
      sharp = sharpnessText(t);
    if (vac) parts.push(md(vac));
    if (sharp) parts.push(md(sharp));
    if (t.scaling)
      parts.push(
        `claimed ${md(scalingLawText(t.scaling))}: ${t.scaling.status}; ${scalingRegimeLines(t.scaling)
          .map((l) => md(l))
          .join('; ')}${t.scaling.replay ? `; replay: ${markdownCode(t.scaling.replay, false)}` : ''}`,
      );
    if (t.scalingFit)
      parts.push(
        `slope ${md(fmt(t.scalingFit.slope, 3))} \\[${md(fmt(t.scalingFit.slopeLow, 3))}, ${md(fmt(t.scalingFit.slopeHigh, 3))}\\]${t.scalingFit.consistent === null ? '' : t.scalingFit.consistent ? ' consistent' : ' **inconsistent**'}`,
      );
    if (t.highProbability) {
      const cs = t.highProbability.configs;
      const n = (st: string) => cs.filter((c) => c.status === st).length;
      parts.push(
        `${cs.length} rate tests (level ${md(fmt(t.highProbability.alpha, 3))} each): ${n('rejected')} rejected, ${n('consistent')} consistent, ${n('inconclusive')} inconclusive`,
      );
    }
    if (t.errors.length) parts.push(`${t.errors.length} error${t.errors.length === 1 ? '' : 's'}: ${md(t.errors[0].message)}`);
    if (t.coverage.missing.length) parts.push(`cells never exercised: ${t.coverage.missing.map((m) => markdownCode(m, false)).join(' ')}`);
    out.push(
      `- ${STATUS_MARKER[t.status]} ${markdownCode(t.id, false)} **${t.status}**${t.status !== 'skipped' && !t.asExpected ? ' **unexpected**' : ''} — ${text(t.title)} (${src})  `,
      `  ${parts.join(' · ')}`,
    );
  }
  out.push('');

  const withCx = report.theorems.filter((t) => t.counterexamples.items.length);
  if (withCx.length) {
    out.push('### Counterexamples', '');
    for (const t of withCx)
      for (const c of t.counterexamples.items) {
        const how =
          c.relation === '=='
            ? `|lhs − rhs| / error bound ${md(fmt(identityRatio(c)))} (> 1: inconsistent; error bound ${md(fmt(c.errorBound))})`
            : `relative margin ${md(fmt(c.relativeMargin))} (margin ${md(fmt(c.margin))}, error bound ${md(fmt(c.errorBound))})`;
        out.push(`${markdownCode(t.id, false)} — ${md(c.role)}, found by ${md(c.foundBy)}, ${how}`, '');
        out.push(c.replay ? markdownCodeBlock(c.replay, 'sh') : '_no artifact written_', '');
      }
  }

  out.push('<details><summary>Conventions</summary>', '');
  for (const p of CONVENTIONS_NOTE) out.push(md(p), '');
  out.push('</details>', '');
  return out.join('\n');
}
