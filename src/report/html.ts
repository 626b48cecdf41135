/**
 * index.html: one self-contained, script-free page in the spirit of a code-coverage index (Istanbul /
 * lcov): run metadata, a summary, a per-theorem table, then one section per theorem with its plots
 * inlined as SVG. No external resource of any kind; a Content-Security-Policy forbids scripts and
 * every fetch, so the page cannot run or load anything even if some text escaped our escaping.
 *
 * Every user-supplied string goes through escapeHtml; numbers are formatted here; the only raw markup
 * inserted is the SVG from plots.ts, which is checked there (well-formed, no handlers, no external
 * references). Output is deterministic: no clock, no random ids.
 */
import { computeOutcome } from './outcome.ts';
import { anchorId, escapeHtml as h, toText } from './escape.ts';
import { theoremPlots, type Plot } from './plots.ts';
import type { CounterexampleReport, Report, TheoremReport } from './schema.ts';
import { encodeNumber } from '../theorem/codec.ts';
import { MAX_DATA_COLS, MAX_DATA_ROWS, type CounterexampleData, type CounterexampleDataSource } from './cxData.ts';
import { renderMath, renderStatementTex } from './tex.ts';

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** The conventions note shown at the top of every human-readable report. */
export const CONVENTIONS_NOTE = [
  'A data set is N × d, one sample per row. Networks follow Nguyen–Mondelli–Montúfar (2021): f₀ = x, f_l = σ(W_lᵀ f_{l−1}) for l < L, f_L = W_Lᵀ f_{L−1} (scalar output), W_l entries N(0, β_l²) (β_l = 1 by default), no biases. Empirical NTK K̄ = J Jᵀ; limiting NTK K^(L) = lim Π_{l<L} (2/n_l) · K̄.',
  "Other parameterisations (neural-tangents' ntk / standard, W_std, b_std) are named options, never silent rescalings: each theorem lists the conventions it was checked under. A mismatch of conventions is the most common source of false counterexamples — compare them with the paper before trusting a violation.",
  'Verdicts: holds = margin > error bound; violated = margin < −error bound inside the assumptions (a certified counterexample); inconclusive = |margin| ≤ error bound; outside = assumptions not met (probes of the claim’s boundary, never counterexamples). High-probability claims are rejected only when the exact (Clopper–Pearson) lower bound of the failure rate exceeds δ, Bonferroni-corrected over every test of the run; their failed draws are evidence for that test, never counterexamples by themselves, and an inconclusive draw is not a success. Identities (==) are consistent when |lhs − rhs| ≤ error bound: they are shown as that ratio, not as a signed margin.',
];

// ------------------------------------------------------------------------------------------------
// Formatting

/** Compact, deterministic number formatting; null/non-finite as an em dash. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (Number.isInteger(x) && a < 1e7) return String(x);
  if (a >= 1e-3 && a < 1e6) return String(Number(x.toPrecision(digits)));
  const [m, e] = x.toExponential(digits - 1).split('e');
  return `${String(Number(m))}e${e.startsWith('+') ? e.slice(1) : e}`;
}

/**
 * The per-claim "worst" figure: the smallest relative margin for inequalities, and for identities
 * (relation '==') the largest residual |lhs − rhs| in units of its error bound — ≤ 1 is consistent.
 */
export function worstText(t: TheoremReport): string {
  if (t.identity) return `|lhs − rhs| ≤ ${fmt(t.identity.maxResidualRatio, 3)}·err`;
  return fmt(t.worstRelativeMargin);
}

/** Column labels of the verdict counts: a high-probability claim's violated draws are failed draws, not counterexamples. */
export function countLabels(t: Pick<TheoremReport, 'kind' | 'relation'> & { scaling?: unknown }): { holds: string; violated: string } {
  if (t.kind === 'high-probability') return { holds: 'holds', violated: 'failed draws' };
  // a draw of a scaling sweep "holds" when its y is certified > 0: a usable draw, not a check of the claim
  if (t.scaling) return { holds: 'y certified > 0', violated: 'y not > 0' };
  if (t.relation === '==') return { holds: 'consistent', violated: 'inconsistent' };
  return { holds: 'holds', violated: 'violated' };
}

function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

const STATUS_ORDER = ['violated', 'error', 'inconclusive', 'holds', 'skipped'];

function badge(status: string): string {
  return `<span class="badge s-${h(status.replace(/[^a-z-]/g, ''))}">${h(status)}</span>`;
}

/** Status badge plus the expectation flag (unexpected outcome, or expected refutation). */
function statusCell(t: TheoremReport): string {
  let flag = '';
  if (t.status !== 'skipped' && !t.asExpected)
    flag = ` <span class="flag unexpected" title="${h(t.expectRefuted ? 'expected to be refuted' : 'expected to hold')}">unexpected</span>`;
  else if (t.expectRefuted && t.status === 'violated')
    flag = ' <span class="flag expected" title="a known-false proposal, refuted as expected">known false</span>';
  return `${badge(t.status)}${flag}`;
}

function coverageLevel(ratio: number): string {
  return ratio >= 0.8 ? 'high' : ratio >= 0.5 ? 'medium' : 'low';
}

function coverageBar(t: TheoremReport): string {
  const { exercised, declared, missing } = t.coverage;
  if (declared === null || declared === 0) return `<span class="bar-label muted">${h(exercised)} cells (no declared space)</span>`;
  // Declared cells that were exercised; `exercised` may also count cells outside the declared space (boundary probes).
  const covered = Math.max(0, declared - missing.length);
  const extra = exercised - covered;
  const ratio = Math.max(0, Math.min(1, covered / declared));
  const w = Math.round(ratio * 1000) / 10;
  return `<div class="cov ${coverageLevel(ratio)}"><div class="bar" role="img" aria-label="${h(`${covered} of ${declared} declared cells exercised`)}"><span style="width:${w}%"></span></div><span class="bar-label">${h(pct(ratio))} <span class="muted">${h(covered)}/${h(declared)}${extra > 0 ? ` +${h(extra)} outside` : ''}</span></span></div>`;
}

function empiricalConstantText(t: TheoremReport): string {
  const e = t.empiricalConstant;
  if (!e) return '<span class="muted">—</span>';
  return `<span title="${h(`${e.aggregate} of ${e.quantity}: ${e.description}`)}">${h(fmt(e.value))}</span>`;
}

/** Escaped text with break opportunities after dots and slashes (for long ids in narrow columns). */
function breakable(s: string): string {
  return s
    .split(/(?<=[./])/)
    .map((p) => h(p))
    .join('<wbr>');
}

function marginClass(x: number | null): string {
  return x === null ? '' : x < 0 ? ' neg' : x < 0.05 ? ' tight' : '';
}

// ------------------------------------------------------------------------------------------------
// Page parts

function header(r: Report): string {
  const run = r.run;
  const shard = run.shard ? `shard ${run.shard.index}/${run.shard.count}` : run.shardsMerged > 1 ? `merged from ${run.shardsMerged} shards` : 'single run';
  const items: [string, string][] = [
    ['tool', `${h(r.tool.name)} ${h(r.tool.version)} <span class="muted">(report schema v${h(r.schemaVersion)})</span>`],
    ['seed', `<code>${h(run.seed)}</code>`],
    ['budget', `${h(fmt(run.budgetSeconds))} s`],
    ['filter', run.theoremFilter === null ? '<span class="muted">all theorems</span>' : `<code>${h(run.theoremFilter)}</code>`],
    ['shards', h(shard)],
    ['workers', h(run.workers)],
    ['node', h(run.node)],
    ['started', `<time>${h(run.startedAt)}</time>`],
    ['finished', `<time>${h(run.finishedAt)}</time>`],
    ['duration', h(fmtMs(r.timings.totalMs))],
  ];
  return `<header>
<h1>ntk-audit <span class="h1-sub">claim coverage</span></h1>
${run.interrupted ? '<p class="interrupted" role="alert"><strong>Interrupted run.</strong> The budget ran out or the run was stopped before every theorem was explored; counts below are partial.</p>\n' : ''}<dl class="meta">${items.map(([k, v]) => `<div><dt>${h(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>
<details class="conventions"><summary>Conventions (parameterisation, c_σ, σ'(0), normalisation, verdicts)</summary>${CONVENTIONS_NOTE.map((p) => `<p>${h(p)}</p>`).join('')}</details>
</header>`;
}

/**
 * The outcome banner, first thing on the page: passed or failed as the exit code says, with the baseline
 * regressions (linked to their claims) and the claims not run.
 */
function outcomeBanner(r: Report): string {
  const o = r.outcome ?? computeOutcome(r);
  const items: string[] = [];
  if (o.baseline) {
    const b = o.baseline;
    items.push(
      b.regressions.length
        ? `<p><strong>Baseline regressions (${h(b.regressions.length)})</strong> against <code>${h(b.file)}</code> (seed <code>${h(b.seed)}</code>, budget ${h(fmt(b.budgetSeconds))}, ${h(b.compared)}):</p><ul>${b.regressions.map((x) => `<li><a href="#${h(anchorId(x.id))}"><code>${h(x.id)}</code></a> — ${h(x.message)}</li>`).join('')}</ul>`
        : `<p>Baseline <code>${h(b.file)}</code> (seed <code>${h(b.seed)}</code>, budget ${h(fmt(b.budgetSeconds))}): no regression (${h(b.compared)} compared).</p>`,
    );
    for (const n of b.notes) items.push(`<p class="muted">${h(n)}</p>`);
  }
  if (o.notRun.length) items.push(`<p><strong>Not run (${h(o.notRun.length)}):</strong> ${o.notRun.map((id) => `<code>${h(id)}</code>`).join(' ')}</p>`);
  return `<section class="outcome ${o.passed ? 'passed' : 'failed'}" role="${o.passed ? 'status' : 'alert'}" aria-label="outcome"><p class="headline"><strong>${o.passed ? '✔' : '✘'} ${h(o.headline)}</strong></p>${items.join('')}</section>`;
}

function summaryLine(r: Report): string {
  const s = r.summary;
  const parts = STATUS_ORDER.filter((k) => s.byStatus[k]).map((k) => `<span class="sum-item">${badge(k)} ${h(s.byStatus[k])}</span>`);
  for (const [k, v] of Object.entries(s.byStatus)) if (!STATUS_ORDER.includes(k) && v) parts.push(`<span class="sum-item">${badge(k)} ${h(v)}</span>`);
  const regressions = r.outcome?.baseline?.regressions.length ?? 0;
  const notRun = r.outcome?.notRun.length ?? 0;
  const unexpected = s.unexpected.length
    ? `<span class="sum-item"><span class="flag unexpected">unexpected</span> ${h(s.unexpected.length)}: ${s.unexpected.map((id) => `<a href="#${h(anchorId(id))}">${h(id)}</a>`).join(', ')}</span>`
    : regressions || notRun
      ? `<span class="sum-item">verdicts as expected, but ${regressions ? `${h(regressions)} baseline regression${regressions === 1 ? '' : 's'}` : ''}${regressions && notRun ? ' and ' : ''}${notRun ? `${h(notRun)} claim${notRun === 1 ? '' : 's'} not run` : ''}</span>`
      : '<span class="sum-item ok">all outcomes as expected</span>';
  return `<section class="summary" aria-label="summary"><p><strong>${h(s.theorems)}</strong> theorems · <strong>${h(s.instances)}</strong> instances · <strong>${h(s.counterexamples)}</strong> counterexamples</p><p>${parts.join(' ')} ${unexpected}</p></section>`;
}

/**
 * Failures first: claims with an unexpected verdict, then claims with a baseline regression, then the rest,
 * each group in catalog order (the order of report.json, which stays the catalog's).
 */
export function failuresFirst(r: Report): TheoremReport[] {
  const regressed = new Set((r.outcome?.baseline?.regressions ?? []).map((x) => x.id));
  const rank = (t: TheoremReport) => (t.status !== 'skipped' && !t.asExpected ? 0 : regressed.has(t.id) ? 1 : 2);
  return r.theorems
    .map((t, i) => ({ t, i }))
    .sort((a, b) => rank(a.t) - rank(b.t) || a.i - b.i)
    .map((x) => x.t);
}

const STATUS_FILTERS = ['holds', 'violated', 'inconclusive', 'error'] as const;
const KIND_FILTERS = ['deterministic', 'high-probability', 'asymptotic'] as const;

/** CSS-only filters of the index (radio buttons; the page runs no script): by outcome and by kind. */
function indexFilters(): string {
  const radio = (group: string, id: string, label: string, checked = false) =>
    `<input type="radio" name="${group}" id="${id}"${checked ? ' checked' : ''}><label for="${id}">${h(label)}</label>`;
  return `<div class="filters" role="group" aria-label="filter the index"><span class="muted">show:</span> ${radio('fs', 'fs-all', 'all', true)}${radio('fs', 'fs-attention', 'needs attention')}${STATUS_FILTERS.map((st) => radio('fs', `fs-${st}`, st)).join('')}${radio('fs', 'fs-known-false', 'known false')} <span class="muted">kind:</span> ${radio('fk', 'fk-all', 'all', true)}${KIND_FILTERS.map((k) => radio('fk', `fk-${k}`, k)).join('')}</div>`;
}

const FILTER_CSS = [
  '.filters input{position:absolute;opacity:0;pointer-events:none}.filters label{display:inline-block;border:1px solid var(--line);border-radius:12px;padding:1px 9px;margin:2px;cursor:pointer;font-size:12px}.filters input:checked+label{background:#24292f;color:#fff;border-color:#24292f}.filters input:focus-visible+label{outline:2px solid #0969da}',
  '.index-wrap:has(#fs-attention:checked) tr.t-row:not(.attention){display:none}',
  ...STATUS_FILTERS.map((st) => `.index-wrap:has(#fs-${st}:checked) tr.t-row:not(.st-${st}){display:none}`),
  '.index-wrap:has(#fs-known-false:checked) tr.t-row:not(.known-false){display:none}',
  ...KIND_FILTERS.map((k) => `.index-wrap:has(#fk-${k}:checked) tr.t-row:not(.k-${k}){display:none}`),
].join('\n');

function indexTable(r: Report): string {
  const regressed = new Set((r.outcome?.baseline?.regressions ?? []).map((x) => x.id));
  const rows = failuresFirst(r)
    .map((t) => {
      const unexpected = t.status !== 'skipped' && !t.asExpected;
      const cls = [
        't-row',
        `st-${t.status}`,
        `k-${t.kind}`,
        unexpected ? 'row-unexpected' : '',
        unexpected || regressed.has(t.id) ? 'attention' : '',
        t.expectRefuted ? 'known-false' : '',
      ]
        .filter(Boolean)
        .join(' ');
      return `<tr class="${h(cls)}">
<td class="id"><a href="#${h(anchorId(t.id))}"><code>${breakable(t.id)}</code></a></td>
<td class="title">${h(t.title)}</td>
<td>${h(t.kind)}</td>
<td class="status">${statusCell(t)}</td>
<td class="num">${h(t.evaluated)}</td>
<td class="coverage">${coverageBar(t)}</td>
<td class="num${t.identity ? (t.identity.maxResidualRatio !== null && t.identity.maxResidualRatio <= 1 ? ' ok' : ' bad') : marginClass(t.worstRelativeMargin)}">${h(worstText(t))}</td>
<td class="num">${empiricalConstantText(t)}</td>
</tr>`;
    })
    .join('\n');
  return `<div class="index-wrap">${indexFilters()}<table class="index">
<caption>Theorems (failures first)</caption>
<thead><tr><th scope="col">Id</th><th scope="col">Title</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col" class="num">Instances</th><th scope="col">Assumption cells</th><th scope="col" class="num" title="smallest relative margin (&lt; 0: violated); for identities the largest |lhs − rhs| / error bound (≤ 1: consistent)">Worst rel. margin / residual</th><th scope="col" class="num">Empirical constant</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}

function kvTable(caption: string, rows: [string, string][], cls = 'kv'): string {
  if (!rows.length) return '';
  return `<table class="${cls}"><caption>${h(caption)}</caption><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

function json(value: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(value, null, 2) ?? toText(value);
  } catch {
    s = toText(value);
  }
  return h(s);
}

const REL_SYMBOL = { Theta: 'Θ', O: 'O', Omega: 'Ω' } as const;

/** "λ_min = Θ(d^1) ± 0.1": the claimed law of a scaling claim, as plain text. */
export function scalingLawText(sc: NonNullable<TheoremReport['scaling']>): string {
  return `${sc.quantity} = ${REL_SYMBOL[sc.relation]}(${sc.variable}^${fmt(sc.exponent, 3)}), exponent tolerance ±${fmt(sc.tolerance, 3)}`;
}

/**
 * The claimed law as MathML when the law states its quantity and variable in TeX (ScalingLaw.quantityTex,
 * variableTex), else (or when they do not render) as escaped plain text.
 */
export function scalingLawHtml(sc: NonNullable<TheoremReport['scaling']>): string {
  if (sc.quantityTex === undefined || sc.variableTex === undefined) return h(scalingLawText(sc));
  const rel = { Theta: String.raw`\Theta`, O: 'O', Omega: String.raw`\Omega` }[sc.relation];
  try {
    return `${renderMath(`${sc.quantityTex} = ${rel}\\bigl({${sc.variableTex}}^{${fmt(sc.exponent, 3)}}\\bigr)`)}${h(`, exponent tolerance ±${fmt(sc.tolerance, 3)}`)}`;
  } catch {
    return h(scalingLawText(sc));
  }
}

/** One line per regime: "L=2, gaussian: slope 1.02 [1.00, 1.04] over 40 draws — holds". */
export function scalingRegimeLines(sc: NonNullable<TheoremReport['scaling']>): string[] {
  return sc.regimes.map(
    (r) =>
      `${r.regime}: slope ${fmt(r.slope, 3)} [${fmt(r.slopeLow, 3)}, ${fmt(r.slopeHigh, 3)}] over ${r.points} draws${r.unusable ? ` (${r.unusable} unusable)` : ''} — ${r.status}`,
  );
}

/** "vacuous on 3 of 120 conclusive instances (2.5 %)", or null when no instance was conclusive. */
export function vacuityText(t: TheoremReport): string | null {
  const v = t.vacuity;
  if (!v) return null;
  return `vacuous on ${v.vacuous} of ${v.instances} conclusive instances (${fmt(100 * v.rate, 3)} %)`;
}

/** "sharpness (largest lhs/rhs) 0.93", with the ratio named by the relation. */
export function sharpnessText(t: TheoremReport): string | null {
  if (t.sharpness === null) return null;
  const ratio = t.relation === '>=' || t.relation === '>' ? 'rhs/lhs' : 'lhs/rhs';
  return `sharpness (largest ${ratio}) ${fmt(t.sharpness, 4)}`;
}

function verdictTable(t: TheoremReport): string {
  const row = (label: string, c: TheoremReport['counts']) =>
    `<tr><th scope="row">${h(label)}</th><td class="num v-holds">${h(c.holds)}</td><td class="num v-violated">${h(c.violated)}</td><td class="num v-inconclusive">${h(c.inconclusive)}</td><td class="num v-outside">${h(c.outside)}</td></tr>`;
  const probes = t.probeCounts.holds + t.probeCounts.violated + t.probeCounts.inconclusive + t.probeCounts.outside;
  const label = countLabels(t);
  return `<table class="counts"><caption>Verdicts</caption><thead><tr><th></th><th scope="col" class="num">${h(label.holds)}</th><th scope="col" class="num">${h(label.violated)}</th><th scope="col" class="num">inconclusive</th><th scope="col" class="num">outside</th></tr></thead><tbody>${row('instances', t.counts)}${probes ? row('boundary probes', t.probeCounts) : ''}</tbody></table>`;
}

function detailsTable(t: TheoremReport): string {
  const rows: [string, string][] = [['evaluated', h(t.evaluated)]];
  if (t.identity)
    rows.push([
      'identity residual',
      `|lhs − rhs| / error bound: max <strong class="${t.identity.maxResidualRatio !== null && t.identity.maxResidualRatio <= 1 ? 'ok' : 'bad'}">${h(fmt(t.identity.maxResidualRatio, 3))}</strong> · median ${h(fmt(t.identity.medianResidualRatio, 3))} over ${h(t.identity.instances)} instances (≤ 1: consistent)`,
    ]);
  else if (t.worstRelativeMargin !== null || !t.scaling)
    rows.push(['worst relative margin', `<span class="${marginClass(t.worstRelativeMargin).trim()}">${h(fmt(t.worstRelativeMargin))}</span>`]);
  if (t.tightness) {
    const q = t.tightness;
    rows.push(['tightness lhs/rhs', `min ${h(fmt(q.min))} · p10 ${h(fmt(q.p10))} · median ${h(fmt(q.median))} · p90 ${h(fmt(q.p90))} · max ${h(fmt(q.max))}`]);
  }
  if (t.empiricalConstant) {
    const e = t.empiricalConstant;
    rows.push([
      'empirical constant',
      `<strong>${h(fmt(e.value))}</strong> <span class="muted">(${h(e.aggregate)} of <code>${h(e.quantity)}</code>)</span><br>${h(e.description)}`,
    ]);
  }
  if (t.twinOf)
    rows.push([
      'twin of',
      `<a href="#${h(anchorId(t.twinOf))}"><code>${h(t.twinOf)}</code></a> <span class="muted">(a stronger version of that claim: it must be refuted for the claim's own verdict to have teeth)</span>`,
    ]);
  const vac = vacuityText(t),
    sharp = sharpnessText(t);
  if (vac)
    rows.push([
      'vacuity',
      `<span class="${t.vacuity && t.vacuity.rate > 0.1 ? 'bad' : ''}">${h(vac)}</span> <span class="muted">(instances where the inequality could not have failed)</span>`,
    ]);
  if (sharp) rows.push(['sharpness', h(sharp)]);
  if (t.scaling) {
    const sc = t.scaling;
    const regimeRows = sc.regimes
      .map(
        (r) =>
          `<tr><td>${h(r.regime)}</td><td class="num">${h(fmt(r.slope, 3))}</td><td class="num">[${h(fmt(r.slopeLow, 3))}, ${h(fmt(r.slopeHigh, 3))}]</td><td class="num">${h(r.points)}${r.unusable ? ` (+${h(r.unusable)} unusable)` : ''}</td><td class="num">${h(fmt(r.r2, 3))}</td><td><span class="badge s-${h(r.status)}">${h(r.status)}</span></td></tr>`,
      )
      .join('');
    rows.push([
      'scaling verdict',
      `claimed <strong>${scalingLawHtml(sc)}</strong> · sizes ${h(sc.sizes.join(', '))} × ${h(sc.drawsPerSize)} draws per regime · slope intervals at level ${h(fmt(sc.alpha, 3))} each · <span class="badge s-${h(sc.status)}">${h(sc.status)}</span>` +
        `<table class="scaling"><thead><tr><th scope="col">regime</th><th scope="col" class="num">slope</th><th scope="col" class="num">interval</th><th scope="col" class="num">draws</th><th scope="col" class="num">R²</th><th scope="col">verdict</th></tr></thead><tbody>${regimeRows}</tbody></table>` +
        `<span class="muted">fitted constant C of y ≈ C·${h(sc.variable)}<sup>${h(fmt(sc.exponent, 3))}</sup>: ${h(fmt(sc.fittedConstant))} (FITTED over the sweep, not the paper's constant)</span>` +
        (sc.replay ? `<p class="replay-label">Replay the sweep:</p><pre class="replay"><code>${h(sc.replay)}</code></pre>` : ''),
    ]);
  }
  if (t.scalingFit) {
    const f = t.scalingFit;
    const expected = f.expectedSlope
      ? ` · expected [${h(fmt(f.expectedSlope.low))}, ${h(fmt(f.expectedSlope.high))}] ${f.consistent === null ? '' : f.consistent ? '<span class="ok">consistent</span>' : '<span class="bad">inconsistent</span>'}`
      : '';
    rows.push([
      'scaling fit',
      `<code>${h(f.y)}</code> ∝ <code>${h(f.x)}</code><sup>${h(fmt(f.slope, 3))}</sup> · 95% CI [${h(fmt(f.slopeLow, 3))}, ${h(fmt(f.slopeHigh, 3))}] · R² ${h(fmt(f.r2, 3))} · n = ${h(f.n)}${expected}<br>${h(f.description)}`,
    ]);
  }
  if (t.fastCheck)
    rows.push([
      'fast-check',
      `seed <code>${h(t.fastCheck.seed)}</code>${t.fastCheck.path ? ` · path <code>${h(t.fastCheck.path)}</code>` : ''}${t.fastCheck.numShrinks !== null ? ` · ${h(t.fastCheck.numShrinks)} shrinks` : ''}`,
    ]);
  rows.push(['time', h(fmtMs(t.timings.ms))]);
  return kvTable(
    'Details',
    rows.map(([k, v]) => [h(k), v]),
  );
}

function conventionsTable(t: TheoremReport): string {
  const entries = Object.entries(t.conventions);
  if (!entries.length) return '<p class="muted">No conventions recorded.</p>';
  return kvTable(
    'Conventions',
    entries.map(([k, v]) => [h(k), h(v)]),
    'kv conventions',
  );
}

function constantsTable(t: TheoremReport): string {
  if (!t.constants.length) return '';
  return `<table class="constants"><caption>Constants</caption><thead><tr><th scope="col">name</th><th scope="col" class="num">value</th><th scope="col">provenance</th><th scope="col">note</th></tr></thead><tbody>${t.constants
    .map(
      (c) =>
        `<tr><td><code>${h(c.name)}</code></td><td class="num">${h(fmt(c.value, 6))}</td><td><span class="prov p-${h(c.provenance)}">${h(c.provenance)}</span></td><td>${h(c.note)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

function highProbabilityTable(t: TheoremReport): string {
  const hp = t.highProbability;
  if (!hp) return '';
  return `<table class="hp"><caption>Rate tests over the random draw: exact one-sided binomial test of "failure rate ≤ δ", level ${h(fmt(hp.alpha, 3))} each (Bonferroni over every test of the run). A failed draw is allowed with rate δ; only a rejected test refutes the claim.</caption><thead><tr><th scope="col">configuration</th><th scope="col" class="num">δ</th><th scope="col" class="num">draws</th><th scope="col" class="num">failed draws</th><th scope="col" class="num">outside</th><th scope="col" class="num">inconclusive</th><th scope="col" class="num">failure rate (lower – upper)</th><th scope="col">test</th></tr></thead><tbody>${hp.configs
    .map(
      (c) =>
        `<tr class="${c.rejected ? 'row-rejected' : ''}"><td><code>${h(c.configKey)}</code></td><td class="num">${h(fmt(c.delta))}</td><td class="num">${h(c.draws)}</td><td class="num">${h(c.failures)}</td><td class="num">${h(c.outside)}</td><td class="num">${h(c.inconclusive)}</td><td class="num">${h(fmt(c.failureRateLower, 3))} – ${h(fmt(c.failureRateUpper, 3))}</td><td>${c.status === 'rejected' ? '<span class="badge s-violated">rejected</span>' : c.status === 'consistent' ? '<span class="ok">consistent</span>' : '<span class="badge s-inconclusive">inconclusive</span>'}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

function missingCells(t: TheoremReport): string {
  if (!t.coverage.missing.length) return '';
  return `<p class="missing"><strong>Cells never exercised (${h(t.coverage.missing.length)}):</strong> ${t.coverage.missing.map((m) => `<code>${h(m)}</code>`).join(' ')}</p>`;
}

function errorsList(t: TheoremReport): string {
  if (!t.errors.length) return '';
  return `<div class="errors"><h3>Errors (${h(t.errors.length)})</h3><ol>${t.errors
    .map(
      (e) => `<li><pre class="message">${h(e.message)}</pre><details><summary>descriptor</summary><pre><code>${json(e.descriptor)}</code></pre></details></li>`,
    )
    .join('')}</ol></div>`;
}

/** A descriptor as rows of (dotted key, value): numbers to 6 significant digits, long arrays summarised. */
export function descriptorRows(d: Record<string, unknown>, prefix = ''): [string, string][] {
  const rows: [string, string][] = [];
  for (const [k, v] of Object.entries(d)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) rows.push(...descriptorRows(v as Record<string, unknown>, key));
    else if (Array.isArray(v))
      rows.push([key, v.length <= 8 ? `[${v.map((x) => (typeof x === 'number' ? fmt(x, 6) : JSON.stringify(x))).join(', ')}]` : `${v.length} values`]);
    else rows.push([key, typeof v === 'number' ? fmt(v, 6) : String(v)]);
  }
  return rows;
}

/**
 * A link to a file beside the report (an artifact path relative to the report's folder, '/'-separated): every
 * segment percent-encoded, so the href is a path that never names a scheme (':' becomes %3A) nor, with its
 * leading slashes folded into one, a host ('//host/…').
 */
export function fileHref(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/').replace(/^\/+/, '/');
}

function fileLink(path: string, label: string): string {
  return `<a href="${h(fileHref(path))}">${h(label)}</a>`;
}

/** The artifact's JSON and the .npy of its data, as links (the replay command runs from the report's folder). */
function cxFiles(c: CounterexampleReport, data: CounterexampleData | null): string {
  if (!c.artifact) return '';
  const npy = data?.npy ? ` · data ${data.x.rows} × ${data.x.cols} as .npy: ${fileLink(data.npy, data.npy)}` : '';
  return `<p class="muted">Artifact (JSON, exact instance): ${fileLink(c.artifact, c.artifact)}${npy}</p>`;
}

/**
 * The data of a counterexample with N ≤ MAX_DATA_ROWS as a table inside <details>: X (the first MAX_DATA_COLS
 * columns) and y where the instance has labels, every number as its shortest round-trip decimal (reading a
 * cell back gives the same double; −0 is written -0). Larger data sets: their size and the .npy link only.
 */
function cxDataBlock(data: CounterexampleData | null, note: string | null): string {
  if (!data) return note ? `<p class="muted">${h(note)}</p>` : '';
  const { x, y } = data;
  const origin = data.from === 'artifact' ? 'from the artifact' : 'materialised from the descriptor (no artifact beside this report)';
  if (x.rows > MAX_DATA_ROWS)
    return `<p class="muted">Data: X is ${h(x.rows)} × ${h(x.cols)} (more than ${h(MAX_DATA_ROWS)} samples: no table${data.npy ? '; see the .npy above' : ''}).</p>`;
  const cols = Math.min(x.cols, MAX_DATA_COLS);
  const shown = cols < x.cols ? `${cols} of ${x.cols} columns shown${data.npy ? ' (all in the .npy above)' : ''}` : `all ${x.cols} columns`;
  const head = `<tr><th scope="col">i</th>${Array.from({ length: cols }, (_, j) => `<th scope="col" class="num">X[i,${j}]</th>`).join('')}${y ? '<th scope="col" class="num">y[i]</th>' : ''}</tr>`;
  const rows = Array.from({ length: x.rows }, (_, i) => {
    const cells = Array.from({ length: cols }, (_, j) => `<td class="num">${h(encodeNumber(x.data[i * x.cols + j]))}</td>`).join('');
    return `<tr><th scope="row">${i}</th>${cells}${y ? `<td class="num">${h(encodeNumber(y[i]))}</td>` : ''}</tr>`;
  }).join('');
  return `<details class="cx-data"><summary>Data: X ${h(x.rows)} × ${h(x.cols)}${y ? ' and labels y' : ''}, ${h(shown)}; ${h(origin)}; indices from 0 as in the .npy</summary><table class="data"><thead>${head}</thead><tbody>${rows}</tbody></table></details>`;
}

/** An identity's counterexample: |lhs − rhs| / error bound (reports of older versions: from the signed margin). */
export function identityRatio(c: { residualRatio?: number | null; margin: number | null; errorBound: number | null }): number | null {
  if (c.residualRatio !== undefined) return c.residualRatio;
  return c.margin === null || c.errorBound === null ? null : c.margin === 0 ? 0 : c.errorBound > 0 ? Math.abs(c.margin) / c.errorBound : Infinity;
}

function counterexamples(t: TheoremReport, dataOf?: CounterexampleDataSource): string {
  const cx = t.counterexamples;
  if (!cx.count && !cx.items.length) return '';
  return `<div class="cx"><h3>Counterexamples (${h(cx.count)} found${cx.items.length ? `, ${h(cx.items.length)} kept` : ''})</h3>${cx.items
    .map((c) => {
      const sides =
        c.lhs !== null && c.rhs !== null
          ? `<tr><th scope="row">lhs ${h(c.relation ?? '')} rhs</th><td><code>${h(fmt(c.lhs, 10))}</code> ${h(c.relation ?? 'vs')} <code>${h(fmt(c.rhs, 10))}</code> <span class="bad">(fails)</span></td></tr>`
          : '';
      const desc = descriptorRows(c.descriptor)
        .map(([k, v]) => `<tr><th scope="row"><code>${h(k)}</code></th><td>${h(v)}</td></tr>`)
        .join('');
      const { data, note } = dataOf ? dataOf(t.id, c) : { data: null, note: null };
      return `<div class="cx-item">
<p><span class="badge s-violated">${h(c.role)}</span> found by <strong>${h(c.foundBy)}</strong> · ${c.relation === '==' ? `|lhs − rhs| / error bound <strong class="neg">${h(fmt(identityRatio(c)))}</strong> (&gt; 1: inconsistent)` : `relative margin <strong class="neg">${h(fmt(c.relativeMargin))}</strong> · margin ${h(fmt(c.margin))}`} · error bound ${h(fmt(c.errorBound))}</p>
<table class="kv cx-table"><tbody>${sides}${desc}</tbody></table>
${c.replay ? `<p class="replay-label">Replay (from this report's folder; the data are in the .npy files beside the JSON):</p><pre class="replay"><code>${h(c.replay)}</code></pre>` : '<p class="muted">No artifact written (run without an artifacts directory).</p>'}
${cxFiles(c, data)}
${cxDataBlock(data, note)}
<details><summary>descriptor (JSON)</summary><pre><code>${json(c.descriptor)}</code></pre></details>
</div>`;
    })
    .join('\n')}</div>`;
}

function plotsBlock(plots: Plot[]): string {
  if (!plots.length) return '';
  return `<div class="plots">${plots.map((p) => `<figure class="plot plot-${h(p.kind)}">${p.svg}<figcaption>${h(p.title)}${p.note ? ` <span class="muted">(${h(p.note)})</span>` : ''}</figcaption></figure>`).join('')}</div>`;
}

function sourceLine(t: TheoremReport): string {
  const s = t.source;
  const arxiv = s.arxiv ? ` · <a href="https://arxiv.org/abs/${h(encodeURIComponent(s.arxiv))}" rel="noreferrer noopener">arXiv:${h(s.arxiv)}</a>` : '';
  return `<p class="source">${h(s.paper)}${arxiv} · <strong>${h(s.statement)}</strong></p>`;
}

/**
 * The statement: its TeX form rendered as MathML (src/report/tex.ts) when the claim has one, else the
 * Unicode statement. A TeX form that does not render (a report.json written by other code) falls back
 * to the Unicode statement, saying why.
 */
function statementHtml(t: TheoremReport): string {
  if (t.statementTex === undefined) return h(t.statement);
  try {
    return renderStatementTex(t.statementTex);
  } catch (e) {
    return `${h(t.statement)} <span class="muted">(TeX form not rendered: ${h((e as Error).message.split('\n')[0])})</span>`;
  }
}

function theoremSection(t: TheoremReport, plots: Plot[], regressions: readonly { id: string; message: string }[], dataOf?: CounterexampleDataSource): string {
  const reg = regressions.filter((x) => x.id === t.id);
  return `<section class="theorem" id="${h(anchorId(t.id))}">
<h2><code>${h(t.id)}</code> ${statusCell(t)}${reg.length ? ' <span class="flag unexpected">baseline regression</span>' : ''} <span class="kind">${h(t.kind)}</span></h2>
${reg.map((x) => `<p class="interrupted" role="alert">${h(x.message)}</p>`).join('')}
<p class="t-title">${h(t.title)}</p>
${sourceLine(t)}
<blockquote class="statement">${statementHtml(t)}</blockquote>
<div class="grid">
<div>${verdictTable(t)}${detailsTable(t)}</div>
<div>${conventionsTable(t)}${constantsTable(t)}</div>
</div>
${highProbabilityTable(t)}
${plotsBlock(plots)}
${missingCells(t)}
${errorsList(t)}
${counterexamples(t, dataOf)}
<p class="top"><a href="#top">↑ index</a></p>
</section>`;
}

const STYLE = `
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg-soft:#f6f8fa;--green:#1a7f37;--red:#cf222e;--amber:#9a6700;--purple:#8250df;--grey:#6e7781;--blue:#0969da}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:1240px;padding:20px 28px 60px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:#fff}
h1{font-size:24px;margin:0 0 8px}.h1-sub{font-weight:400;color:var(--muted)}
h2{font-size:17px;margin:0 0 4px;display:flex;flex-wrap:wrap;gap:8px;align-items:center;overflow-wrap:anywhere}
h3{font-size:15px;margin:18px 0 6px}
a{color:var(--blue);text-decoration:none}a:hover{text-decoration:underline}
code,pre{font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
code{background:var(--bg-soft);border-radius:4px;padding:1px 4px;overflow-wrap:anywhere}
pre{background:var(--bg-soft);border:1px solid var(--line);border-radius:6px;padding:8px 10px;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;margin:4px 0}
pre code{background:none;padding:0}
.muted{color:var(--muted)}.ok{color:var(--green)}.bad,.neg{color:var(--red)}.tight{color:var(--amber)}
.outcome{border-radius:6px;padding:8px 12px;margin:8px 0 12px;border:1px solid}.outcome.passed{background:#dafbe1;border-color:#4ac26b}.outcome.failed{background:#ffebe9;border-color:#ff8182}.outcome .headline{font-size:1.1em;margin:0}
.interrupted{background:#ffebe9;border:1px solid #ff8182;color:var(--red);border-radius:6px;padding:8px 12px;margin:8px 0 12px}
dl.meta{display:flex;flex-wrap:wrap;gap:4px 22px;margin:6px 0 10px;padding:0}
dl.meta div{display:flex;gap:6px}dt{color:var(--muted)}dd{margin:0}
details.conventions{background:var(--bg-soft);border:1px solid var(--line);border-radius:6px;padding:6px 12px;margin:8px 0;font-size:13px}
details.conventions summary{font-weight:600;cursor:pointer}details.conventions p{margin:6px 0}
.summary{border-top:1px solid var(--line);border-bottom:1px solid var(--line);margin:14px 0;padding:6px 0}
.summary p{margin:4px 0;display:flex;flex-wrap:wrap;gap:6px 16px;align-items:center}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;line-height:20px;color:#fff;background:var(--grey);white-space:nowrap}
.s-holds{background:var(--green)}.s-violated{background:var(--red)}.s-inconclusive{background:#bf8700}.s-error{background:var(--purple)}.s-skipped{background:var(--grey)}
.flag{display:inline-block;border-radius:10px;padding:0 7px;font-size:11.5px;line-height:18px;border:1px solid;white-space:nowrap}
.flag.unexpected{color:var(--red);border-color:var(--red);background:#fff5f5;font-weight:600}
.flag.expected{color:var(--green);border-color:#8fd19e;background:#f0fff4}
table{border-collapse:collapse;margin:6px 0 12px}
caption{text-align:left;font-weight:600;padding:2px 0 4px;color:var(--fg)}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:var(--bg-soft);font-weight:600;font-size:12.5px;white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.index{width:100%}
table.index caption{font-size:16px}
table.index td.id{min-width:150px;max-width:260px}
table.index td.id code{overflow-wrap:normal;word-break:normal}
table.index td.title{min-width:230px;max-width:360px;overflow-wrap:anywhere}
table.index tr:hover td{background:#f6f8fa}
tr.row-unexpected td:first-child{box-shadow:inset 3px 0 0 var(--red)}
tr.row-rejected td{background:#fff5f5}
.cov{display:flex;align-items:center;gap:6px;min-width:150px}
.bar{flex:0 0 72px;height:10px;background:#eaeef2;border-radius:5px;overflow:hidden}
.bar span{display:block;height:100%}
.cov.high .bar span{background:#2da44e}.cov.medium .bar span{background:#d4a72c}.cov.low .bar span{background:#e5534b}
.bar-label{font-size:12.5px;white-space:nowrap}
.theorem{border-top:2px solid var(--line);padding-top:16px;margin-top:26px}
.theorem:target{background:linear-gradient(#fffbdd,#fff 120px)}
.t-title{font-size:15px;font-weight:600;margin:4px 0;overflow-wrap:anywhere}
.kind{font-size:12px;color:var(--muted);font-weight:400;border:1px solid var(--line);border-radius:10px;padding:0 7px}
.source{color:var(--muted);margin:2px 0 8px;overflow-wrap:anywhere}
blockquote.statement{margin:8px 0 12px;padding:8px 14px;border-left:4px solid #8c959f;background:var(--bg-soft);overflow-wrap:anywhere}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:0 28px}
table.kv th{color:var(--muted);font-weight:500;white-space:nowrap}
table.kv td{overflow-wrap:anywhere}
table.conventions td{font-size:13px}
.v-violated{color:var(--red)}.v-holds{color:var(--green)}
.prov{font-size:11.5px;border-radius:10px;padding:0 7px;border:1px solid var(--line);white-space:nowrap}
.p-paper{background:#ddf4ff}.p-derived{background:#fbefff}.p-user{background:#fff8c5}.p-fitted{background:#dafbe1}
.plots{display:flex;flex-wrap:wrap;align-items:flex-start;gap:14px;margin:8px 0}
figure.plot{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px;background:#fff;max-width:100%;overflow-x:auto}
figure.plot svg{display:block;max-width:100%;height:auto}
figcaption{font-size:12px;color:var(--muted);margin-top:4px}
.missing code{margin-right:4px}
.errors pre.message{border-color:#d8b9ff;background:#fbf7ff;color:#512a97}
.cx-item{border:1px solid #ffcecb;background:#fffafa;border-radius:6px;padding:4px 12px;margin:8px 0}
.cx-item p{margin:6px 0}
.replay-label{margin:6px 0 0}
pre.replay{background:#fff;border-color:#ffcecb}
table.data{font-size:12px;margin:4px 0}table.data td,table.data th{padding:1px 6px}table.data td{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
details summary{cursor:pointer;color:var(--muted);font-size:12.5px}
.top{font-size:12px;text-align:right;margin:4px 0 0}
footer{margin-top:40px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:8px}
@media print{.theorem{break-inside:avoid-page}details{display:block}}
`;

/**
 * Renders the whole report as one self-contained HTML document (no scripts, no external resources).
 * `counterexampleData` (src/report/cxData.ts): the data of each counterexample, shown as a table for N ≤ 16.
 */
export async function renderHtml(report: Report, opts: { counterexampleData?: CounterexampleDataSource } = {}): Promise<string> {
  const plots = await Promise.all(report.theorems.map((t, i) => theoremPlots(t, `p${i}`)));
  const title = `ntk-audit report — seed ${report.run.seed}${report.run.interrupted ? ' (interrupted)' : ''}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${h(`${report.tool.name} ${report.tool.version}`)}">
<title>${h(title)}</title>
<style>${STYLE}
${FILTER_CSS}</style>
</head>
<body id="top">
${outcomeBanner(report)}
${header(report)}
${summaryLine(report)}
${indexTable(report)}
${failuresFirst(report)
  .map((t) => theoremSection(t, plots[report.theorems.indexOf(t)], report.outcome?.baseline?.regressions ?? [], opts.counterexampleData))
  .join('\n')}
<footer>Generated by ${h(report.tool.name)} ${h(report.tool.version)} · report schema v${h(report.schemaVersion)} · this page runs no scripts and loads nothing from the network.</footer>
</body>
</html>
`;
}
