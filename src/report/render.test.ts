import { beforeAll, describe, expect, it } from 'vitest';
import { anchorId, escapeHtml, parseXml, xmlElements, xmlText, type XmlElement } from './escape.ts';
import { HOSTILE_DESCRIPTOR, HOSTILE_ID, HOSTILE_TITLE, sampleReport } from './fixtures.ts';
import { CSP, fileHref, renderHtml } from './html.ts';
import { junitOutcome, renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { reportSchema, type Report } from './schema.ts';

/** Start tags with their quoted attribute values blanked out (what a browser would treat as attribute names). */
function tagsWithoutValues(doc: string): string[] {
  return (doc.match(/<[a-zA-Z][^<>]*>/g) ?? []).map((t) => t.replace(/"[^"]*"|'[^']*'/g, '""'));
}

let report: Report;
let html: string;
beforeAll(async () => {
  report = sampleReport();
  html = await renderHtml(report);
});

describe('sampleReport', () => {
  it('is schema-valid and covers every status and kind', () => {
    expect(() => reportSchema.parse(report)).not.toThrow();
    expect(new Set(report.theorems.map((t) => t.status))).toEqual(
      new Set(['holds', 'violated', 'inconclusive', 'error', 'skipped'].filter((s) => report.theorems.some((t) => t.status === s))),
    );
    for (const s of ['holds', 'violated', 'error', 'skipped']) expect(report.theorems.some((t) => t.status === s)).toBe(true);
    for (const k of ['deterministic', 'high-probability', 'asymptotic']) expect(report.theorems.some((t) => t.kind === k)).toBe(true);
    expect(report.theorems.some((t) => t.title === HOSTILE_TITLE)).toBe(true);
    expect(report.summary.unexpected.length).toBeGreaterThan(0);
  });
});

describe('renderHtml', () => {
  it('is one self-contained document: CSP forbids scripts, nothing external', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">`);
    expect(CSP).toContain("default-src 'none'");
    expect(CSP).not.toMatch(/script-src/);
    expect(html).not.toMatch(/<script|<link\b|<iframe|<object|<embed|<img\b|@import|@font-face/i);
    for (const tag of tagsWithoutValues(html)) expect(tag).not.toMatch(/\s(src|srcset|background|poster|data)\s*=/i);
    // Only href attributes: in-page anchors, plain arXiv links and relative links to the artifact files beside
    // the report (navigation on click, not a load); a file link has no ':' anywhere (no scheme) and does not start with '//' (no host).
    for (const m of html.matchAll(/\shref="([^"]*)"/g)) expect(m[1]).toMatch(/^(#|https:\/\/arxiv\.org\/abs\/|(?!\/\/)[^:]*$)/);
    for (const p of ['//evil.example/x.json', '///a/b', 'javascript:alert(1)', 'a/../b c.json']) expect(fileHref(p)).toMatch(/^(?!\/\/)[^:]*$/);
    for (const t of report.theorems)
      for (const c of t.counterexamples.items) if (c.artifact) expect(html).toContain(`href="${c.artifact.split('/').map(encodeURIComponent).join('/')}"`);
    expect(html).not.toMatch(/url\((?!#)/);
  });

  it('lists every theorem in the index with an anchor to its section', () => {
    const tbody = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
    expect(tbody.match(/<tr\b/g)).toHaveLength(report.theorems.length);
    for (const t of report.theorems) {
      const a = anchorId(t.id);
      expect(html).toContain(`href="#${a}"`);
      expect(html).toContain(`<section class="theorem" id="${a}">`);
      expect(html).toContain(escapeHtml(t.title));
    }
    expect(html.match(/<section class="theorem"/g)).toHaveLength(report.theorems.length);
  });

  it('shows metadata, summary counts, counterexamples with replay commands and HP configs', () => {
    expect(html).toContain(escapeHtml(report.run.seed));
    expect(html).toContain('class="interrupted"');
    expect(html).toContain('Conventions');
    expect(html).toContain(`<strong>${report.summary.instances}</strong> instances`);
    for (const t of report.theorems) for (const c of t.counterexamples.items) if (c.replay) expect(html).toContain(`<code>${escapeHtml(c.replay)}</code>`);
    for (const t of report.theorems) for (const c of t.highProbability?.configs ?? []) expect(html).toContain(escapeHtml(c.configKey));
    for (const t of report.theorems) for (const e of t.errors) expect(html).toContain(escapeHtml(e.message));
    // index row + section per unexpected claim, the summary line, and one flag per baseline regression
    expect(html.match(/class="flag unexpected"/g)!.length).toBe(2 * report.summary.unexpected.length + 1 + report.outcome!.baseline!.regressions.length);
  });

  it('inlines the plots as SVG, deterministically', async () => {
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(10);
    expect(await renderHtml(report)).toBe(html);
  });

  it('never emits the hostile strings as live markup', () => {
    expect(html).not.toContain(HOSTILE_TITLE);
    expect(html).not.toContain(HOSTILE_DESCRIPTOR);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<svg onload/i);
    expect(html.match(/<\/style/gi)).toHaveLength(1); // our own, in the head
    expect(html.indexOf('</style>')).toBeLessThan(html.indexOf('</head>'));
    // no tag carries an event handler (handlers appear only as escaped text or inside quoted values)
    for (const tag of tagsWithoutValues(html)) expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).toContain(escapeHtml(HOSTILE_TITLE));
    expect(html).toContain(escapeHtml(HOSTILE_ID));
  });
});

describe('degenerate reports', () => {
  it('an empty run and a theorem without any instance render in every format', async () => {
    const empty: Report = { ...report, theorems: [], summary: { theorems: 0, byStatus: {}, unexpected: [], instances: 0, counterexamples: 0 }, outcome: null };
    expect(await renderHtml(empty)).toContain('<strong>0</strong> theorems');
    expect(renderMarkdown(empty)).toContain('**0 theorems**');
    expect(parseXml(renderJunit(empty)).attributes.tests).toBe('0');
    const bare = {
      ...report.theorems[0],
      instances: [],
      tightness: null,
      worstRelativeMargin: null,
      empiricalConstant: null,
      coverage: { cells: {}, exercised: 0, declared: null, missing: [] },
    };
    const one: Report = { ...report, theorems: [bare] };
    expect(await renderHtml(one)).toContain(escapeHtml(bare.id));
    expect(renderMarkdown(one)).toContain(bare.id);
  });
});

/** junit testcases of the sample's outcome: one per baseline regression, one per claim not run. */
const outcomeCases = 1 + 2;

describe('renderMarkdown', () => {
  const md = () => renderMarkdown(report);
  it('has a table with one row per theorem and every id', () => {
    const lines = md().split('\n');
    const header = lines.findIndex((l) => l.startsWith('| | Theorem'));
    const rows = [];
    for (let i = header + 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i]);
    expect(rows).toHaveLength(report.theorems.length);
    // every row has the same number of (unescaped) cell separators as the header
    const cols = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    for (const r of rows) expect(cols(r)).toBe(cols(lines[header]));
    for (const t of report.theorems) expect(md()).toContain(t.id.replace(/\|/g, '\\|'));
  });
  it('includes markers, counterexample replay commands and the conventions note', () => {
    const m = md();
    expect(m).toContain('✔ holds');
    expect(m).toContain('✘ violated');
    expect(m).toContain('**unexpected**');
    for (const t of report.theorems) for (const c of t.counterexamples.items) if (c.replay) expect(m).toContain(`\n${c.replay}\n`);
    expect(m).toContain('<summary>Conventions</summary>');
  });
  it('escapes user text outside code', () => {
    const m = md();
    const outsideCode = m.replace(/(`{3,})[^\n]*\n[\s\S]*?\n\1/g, '').replace(/(`+)[^`]*?\1/g, '');
    // a backslash-escaped < is literal text in Markdown: only unescaped tags would be HTML
    expect(outsideCode).not.toMatch(/(?<!\\)<(script|img|b>|i>)/);
    expect(m).toContain('\\<script>alert(1)\\</script>');
  });
});

describe('renderJunit', () => {
  let root: XmlElement;
  beforeAll(() => {
    root = parseXml(renderJunit(report));
  });
  const attr = (e: XmlElement, n: string) => Number(e.attributes[n]);

  it('is well-formed: testsuites > testsuite per paper > testcase per theorem', () => {
    expect(root.name).toBe('testsuites');
    const suites = root.children.filter((c): c is XmlElement => typeof c !== 'string');
    expect(suites.every((s) => s.name === 'testsuite')).toBe(true);
    // one suite per paper, then the outcome's suite (baseline regressions, claims not run)
    expect(suites.map((s) => s.attributes.name)).toEqual([...new Set(report.theorems.map((t) => t.source.paper)), 'ntk-audit outcome']);
    const cases = xmlElements(root).filter((e) => e.name === 'testcase');
    expect(cases).toHaveLength(report.theorems.length + outcomeCases);
    for (const t of report.theorems) expect(cases.some((c) => c.attributes.name.startsWith(`${t.id}: `))).toBe(true);
    for (const e of [root, ...suites]) for (const a of ['tests', 'failures', 'errors', 'skipped', 'time']) expect(Number.isFinite(attr(e, a))).toBe(true);
  });

  it('counts failures, errors and skipped correctly at both levels', () => {
    const outcomes = report.theorems.map(junitOutcome);
    const n = (o: string) => outcomes.filter((x) => x === o).length;
    const regressions = report.outcome!.baseline!.regressions.length,
      notRun = report.outcome!.notRun.length;
    expect(attr(root, 'tests')).toBe(report.theorems.length + outcomeCases);
    expect(attr(root, 'failures')).toBe(n('failure') + regressions);
    expect(attr(root, 'errors')).toBe(n('error') + notRun);
    expect(attr(root, 'skipped')).toBe(n('skipped'));
    expect(n('failure')).toBeGreaterThan(0);
    const all = xmlElements(root);
    expect(all.filter((e) => e.name === 'failure')).toHaveLength(n('failure') + regressions);
    expect(all.filter((e) => e.name === 'error')).toHaveLength(n('error') + notRun);
    expect(all.filter((e) => e.name === 'skipped')).toHaveLength(n('skipped'));
    for (const s of all.filter((e) => e.name === 'testsuite')) {
      const cs = s.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === 'testcase');
      expect(attr(s, 'tests')).toBe(cs.length);
      expect(attr(s, 'failures')).toBe(cs.filter((c) => c.children.some((x) => typeof x !== 'string' && x.name === 'failure')).length);
    }
    // a known-false claim that was refuted passes; the unexpected violation fails
    const tc = (id: string) => all.find((e) => e.name === 'testcase' && e.attributes.name.startsWith(`${id}: `))!;
    expect(tc('du2019.lemma3.1.known-false').children.some((x) => typeof x !== 'string' && x.name === 'failure')).toBe(false);
    expect(tc('oymak2020.lemma5.unexpected').children.some((x) => typeof x !== 'string' && x.name === 'failure')).toBe(true);
  });

  it('carries seed and version as properties and round-trips hostile text', () => {
    const props = xmlElements(root).filter((e) => e.name === 'property');
    expect(props.some((p) => p.attributes.name === 'seed' && p.attributes.value === report.run.seed)).toBe(true);
    expect(props.some((p) => p.attributes.name === 'version' && p.attributes.value === report.tool.version)).toBe(true);
    const hostile = xmlElements(root).find((e) => e.name === 'testcase' && e.attributes.name === `${HOSTILE_ID}: ${HOSTILE_TITLE}`)!;
    expect(hostile).toBeDefined();
    expect(xmlText(hostile)).toContain(HOSTILE_DESCRIPTOR);
  });
});

describe('teeth and scaling verdicts in every format', () => {
  it('twin, vacuity, sharpness and the per-regime slopes appear in HTML, summary.md and junit.xml', async () => {
    const md = renderMarkdown(report);
    const junit = renderJunit(report);
    // summary.md escapes Markdown punctuation with backslashes: compare its text without them
    for (const doc of [html, md.replace(/\\(.)/g, '$1'), junit]) {
      expect(doc).toMatch(/twin of/);
      expect(doc).toMatch(/vacuous on 3 of 69 conclusive instances/);
      expect(doc).toMatch(/sharpness \(largest lhs\/rhs\) 0\.734/);
      expect(doc).toMatch(/L=2, gaussian/);
      expect(doc).toMatch(/Θ\(d\^1\), exponent tolerance ±0\.1/);
    }
    expect(html).toMatch(/FITTED over the sweep, not the paper/);
    expect(junit).toMatch(/slope 1\.02 \[1\.01, 1\.02\] over 39 draws \(1 unusable\) — inconclusive/);
  });
});

describe('the outcome in every artifact (sample: unexpected verdicts, a baseline regression, claims not run)', () => {
  it('report.json, summary.md (first line), HTML (banner first, per claim) and junit.xml all show it', () => {
    const o = report.outcome!;
    expect(reportSchema.parse(JSON.parse(JSON.stringify(report))).outcome).toEqual(o);
    expect(o.passed).toBe(false);
    const md = renderMarkdown(report);
    expect(md.split('\n')[0]).toBe(`✘ ntk-audit ${o.headline}`);
    expect(md).toMatch(/\*\*Not run \(2\):\*\* `nmm2021\.thm5\.1\.not-run` `arora2019\.thm4\.1\.not-run`/);
    // the banner is the first element of the body, before the header and the index
    expect(html.indexOf('<section class="outcome failed"')).toBeGreaterThan(html.indexOf('<body'));
    expect(html.indexOf('<section class="outcome failed"')).toBeLessThan(html.indexOf('<header'));
    expect(html).toMatch(/Baseline regressions \(1\)/);
    const section = html.slice(html.indexOf(`id="${anchorId('nmm2021.thm4.1.lower')}"`));
    expect(section.slice(0, 600)).toMatch(/baseline regression<\/span>/);
    const junit = renderJunit(report);
    const top = /<testsuites name="ntk-audit" tests="(\d+)" failures="(\d+)" errors="(\d+)"/.exec(junit)!;
    const perClaim = report.theorems.map((t) => junitOutcome(t));
    expect(Number(top[1])).toBe(report.theorems.length + 1 + 2);
    expect(Number(top[2])).toBe(perClaim.filter((x) => x === 'failure').length + 1);
    expect(Number(top[3])).toBe(perClaim.filter((x) => x === 'error').length + 2);
    expect(junit).toContain('name="arora2019.thm4.1.not-run: not run"');
  });
});

describe('summary.md through an independent Markdown renderer (markdown-it, GFM tables, raw HTML and linkify on)', () => {
  it('renders every title and id as its own text: no HTML, link, emphasis or math formed from user text', async () => {
    const MarkdownIt = (await import('markdown-it')).default;
    const mdIt = new MarkdownIt({ html: true, linkify: true });
    const out = mdIt.render(renderMarkdown(report));
    expect(out).not.toMatch(/<(script|img|b|i)\b/);
    expect(out).not.toMatch(/<a href/);
    // the rendered text (tags removed, entities decoded) holds every title exactly, and the hostile one too
    const decode = (s: string) =>
      s
        .replace(/<[^>]+>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&');
    const text = decode(out);
    for (const t of report.theorems) expect(text).toContain(t.title);
    expect(text).toContain(HOSTILE_TITLE);
  });
  it('reads cleanly as plain text: mathematical titles carry no backslash outside the table', () => {
    const lines = renderMarkdown(report)
      .split('\n')
      .filter((l) => l.startsWith('- '));
    const plain = report.theorems.filter((t) => /^[^`*~[$<&\\]*$/.test(t.title) && !/(^|[\s\p{P}])_/u.test(t.title));
    expect(plain.length).toBeGreaterThan(3);
    for (const t of plain)
      expect(
        lines.some((l) => l.includes(t.title)),
        t.title,
      ).toBe(true);
  });
});
