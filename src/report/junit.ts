/**
 * junit.xml for CI dashboards: <testsuites> > one <testsuite> per source paper > one <testcase> per
 * theorem. An unexpected outcome (violated or inconclusive where "holds" was expected, or a known-false
 * claim that was not refuted) is a <failure>; status error is an <error>; skipped is <skipped/>.
 * Attributes tests / failures / errors / skipped / time on both levels; run metadata as properties.
 */
import { escapeXml as x, escapeXmlAttr as a } from './escape.ts';
import { countLabels, fmt, scalingLawText, scalingRegimeLines, sharpnessText, vacuityText } from './html.ts';
import { computeOutcome } from './outcome.ts';
import type { Report, TheoremReport } from './schema.ts';

type Outcome = 'pass' | 'failure' | 'error' | 'skipped';

export function junitOutcome(t: TheoremReport): Outcome {
  if (t.status === 'error') return 'error';
  if (t.status === 'skipped') return 'skipped';
  return t.asExpected ? 'pass' : 'failure';
}

function seconds(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0.000';
}

function summaryText(t: TheoremReport): string {
  const lines = [
    `${t.id}: ${t.status}${t.asExpected ? '' : ' (unexpected)'} — ${t.kind}`,
    `source: ${t.source.paper}${t.source.arxiv ? `, arXiv:${t.source.arxiv}` : ''}, ${t.source.statement}`,
    `instances: ${t.evaluated} (${countLabels(t).holds} ${t.counts.holds}, ${countLabels(t).violated} ${t.counts.violated}, inconclusive ${t.counts.inconclusive}, outside ${t.counts.outside})`,
    ...(t.identity
      ? [`identity residual |lhs − rhs| / error bound: max ${fmt(t.identity.maxResidualRatio, 3)} (≤ 1: consistent)`]
      : t.worstRelativeMargin !== null || !t.scaling
        ? [`worst relative margin: ${fmt(t.worstRelativeMargin)}`]
        : []),
  ];
  if (t.empiricalConstant)
    lines.push(
      `empirical constant: ${fmt(t.empiricalConstant.value)} (${t.empiricalConstant.aggregate} of ${t.empiricalConstant.quantity}${t.empiricalConstant.aggregate === 'fitted' ? `: ${t.empiricalConstant.description}` : ''})`,
    );
  if (t.twinOf) lines.push(`twin of: ${t.twinOf}`);
  const vac = vacuityText(t),
    sharp = sharpnessText(t);
  if (vac) lines.push(vac);
  if (sharp) lines.push(sharp);
  if (t.scaling) lines.push(`claimed ${scalingLawText(t.scaling)}: ${t.scaling.status}`, ...scalingRegimeLines(t.scaling));
  if (t.scalingFit)
    lines.push(
      `scaling: ${t.scalingFit.y} ~ ${t.scalingFit.x}^${fmt(t.scalingFit.slope, 3)} [${fmt(t.scalingFit.slopeLow, 3)}, ${fmt(t.scalingFit.slopeHigh, 3)}]`,
    );
  lines.push(
    `conventions: ${Object.entries(t.conventions)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join('; ')}`,
  );
  return lines.join('\n');
}

function failureBody(t: TheoremReport): string {
  const lines = [`${t.statement}`];
  if (t.highProbability)
    for (const c of t.highProbability.configs)
      lines.push(
        `${c.configKey}: ${c.failures}/${c.draws} failed draws, rate in [${fmt(c.failureRateLower, 3)}, ${fmt(c.failureRateUpper, 3)}], δ = ${fmt(c.delta)} — rate test ${c.status}`,
      );
  if (t.scaling)
    lines.push(
      `claimed ${scalingLawText(t.scaling)}: ${t.scaling.status}`,
      ...scalingRegimeLines(t.scaling),
      ...(t.scaling.replay ? [`evidence: ${t.scaling.replay}`] : []),
    );
  for (const c of t.counterexamples.items)
    lines.push(`${c.role} counterexample (found by ${c.foundBy}, relative margin ${fmt(c.relativeMargin)}): ${c.replay ?? 'no artifact'}`);
  return lines.join('\n');
}

function testcase(t: TheoremReport, classname: string): string {
  const outcome = junitOutcome(t);
  let inner = '';
  if (outcome === 'failure') {
    const type = t.expectRefuted ? 'not-refuted' : t.status;
    const message = t.expectRefuted
      ? `expected to be refuted, got ${t.status}`
      : t.status === 'violated'
        ? `violated: ${t.counterexamples.count} counterexample(s), ${t.identity ? `max |lhs − rhs| / error bound ${fmt(t.identity.maxResidualRatio, 3)}` : `worst relative margin ${fmt(t.worstRelativeMargin)}`}`
        : `${t.status}: expected to hold`;
    inner += `\n      <failure message="${a(message)}" type="${a(type)}">${x(failureBody(t))}</failure>`;
  } else if (outcome === 'error') {
    const first = t.errors[0]?.message ?? 'error';
    inner += `\n      <error message="${a(first)}" type="error">${x(t.errors.map((e) => `${e.message}\ndescriptor: ${JSON.stringify(e.descriptor)}`).join('\n\n'))}</error>`;
  } else if (outcome === 'skipped') {
    inner += `\n      <skipped message="${a(`skipped: ${t.title}`)}"/>`;
  }
  inner += `\n      <system-out>${x(summaryText(t))}</system-out>`;
  return `    <testcase name="${a(`${t.id}: ${t.title}`)}" classname="${a(classname)}" time="${seconds(t.timings.ms)}">${inner}\n    </testcase>`;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

function countsOf(ts: TheoremReport[]): Counts {
  const c: Counts = { tests: ts.length, failures: 0, errors: 0, skipped: 0, ms: 0 };
  for (const t of ts) {
    const o = junitOutcome(t);
    if (o === 'failure') c.failures++;
    else if (o === 'error') c.errors++;
    else if (o === 'skipped') c.skipped++;
    c.ms += t.timings.ms;
  }
  return c;
}

function countAttrs(c: Counts): string {
  return `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(c.ms)}"`;
}

export function renderJunit(report: Report): string {
  const groups = new Map<string, TheoremReport[]>();
  for (const t of report.theorems) {
    const g = groups.get(t.source.paper);
    if (g) g.push(t);
    else groups.set(t.source.paper, [t]);
  }
  const run = report.run;
  const props: [string, string][] = [
    ['seed', run.seed],
    ['version', report.tool.version],
    ['schemaVersion', String(report.schemaVersion)],
    ['budgetSeconds', String(run.budgetSeconds)],
    ['interrupted', String(run.interrupted)],
    ['shard', run.shard ? `${run.shard.index}/${run.shard.count}` : 'none'],
    ['shardsMerged', String(run.shardsMerged)],
  ];
  if (run.theoremFilter !== null) props.push(['theoremFilter', run.theoremFilter]);
  // Ant's schema wants a timestamp without a zone designator; the report's clock is UTC.
  const timestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.exec(run.startedAt)?.[0];
  const outcome = report.outcome ?? computeOutcome(report);
  const suites = [...groups.entries()].map(([paper, ts], i) => {
    const arxiv = ts.find((t) => t.source.arxiv)?.source.arxiv;
    const suiteProps = [...props, ...(arxiv ? [['arxiv', arxiv] as [string, string]] : [])];
    return `  <testsuite name="${a(paper)}" id="${i}" package="ntk-audit" ${countAttrs(countsOf(ts))}${timestamp ? ` timestamp="${timestamp}"` : ''}>
    <properties>
${suiteProps.map(([k, v]) => `      <property name="${a(k)}" value="${a(v)}"/>`).join('\n')}
    </properties>
${ts.map((t) => testcase(t, t.source.arxiv ? `arXiv:${t.source.arxiv}` : paper)).join('\n')}
  </testsuite>`;
  });
  // The outcome's own failures: each baseline regression is a failing testcase, each claim not run an error
  // (an interrupted run must not read as green), in a suite of their own.
  const extra: string[] = [];
  const regressions = outcome.baseline?.regressions ?? [];
  for (const r of regressions) {
    extra.push(`    <testcase name="${a(`${r.id}: baseline regression`)}" classname="ntk-audit.baseline" time="0.000">
      <failure message="${a(r.message)}" type="baseline-${a(r.kind)}">${x(`${r.message}\nbaseline: ${outcome.baseline!.file} (seed ${outcome.baseline!.seed}, budget ${outcome.baseline!.budgetSeconds}, ${outcome.baseline!.compared})`)}</failure>
    </testcase>`);
  }
  if (outcome.baseline && regressions.length === 0)
    extra.push(`    <testcase name="${a(`no regression against ${outcome.baseline.file}`)}" classname="ntk-audit.baseline" time="0.000"/>`);
  for (const id of outcome.notRun) {
    extra.push(`    <testcase name="${a(`${id}: not run`)}" classname="ntk-audit.not-run" time="0.000">
      <error message="${a(`${id} was not run: the run was interrupted`)}" type="not-run"/>
    </testcase>`);
  }
  const extraCounts: Counts = { tests: extra.length, failures: regressions.length, errors: outcome.notRun.length, skipped: 0, ms: 0 };
  if (extra.length) {
    suites.push(`  <testsuite name="ntk-audit outcome" id="${suites.length}" package="ntk-audit" ${countAttrs(extraCounts)}>
    <properties>
      <property name="headline" value="${a(outcome.headline)}"/>
      <property name="exitCode" value="${outcome.exitCode}"/>
    </properties>
${extra.join('\n')}
  </testsuite>`);
  }
  const all = countsOf(report.theorems);
  const total: Counts = {
    tests: all.tests + extraCounts.tests,
    failures: all.failures + extraCounts.failures,
    errors: all.errors + extraCounts.errors,
    skipped: all.skipped,
    ms: all.ms,
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="ntk-audit" ${countAttrs(total)}>
${suites.join('\n')}
</testsuites>
`;
}
