import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toyClaim } from '../../test/support/toyClaim.ts';
import { parseNpy } from '../io/npy.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { searchTheorem } from '../search/search.ts';
import type { Evaluation, Theorem } from '../theorem/types.ts';
import { assembleReport, relativeArtifactPaths, theoremReport } from './build.ts';
import { parseXml, xmlElements, xmlText, type XmlElement } from './escape.ts';
import { readReport, writeReports } from './write.ts';

/**
 * The counterexample data of the HTML report (src/report/cxData.ts, html.ts), end to end through the code
 * path of `ntk-audit run`: search with an artifacts directory, theoremReport, relative artifact paths,
 * writeReports. The cells are compared with the artifact's JSON strings and, independently of any decimal
 * formatting, with the doubles of the .npy file (src/io/npy.ts).
 */

type D = { [k: string]: unknown; k: number };
type I = { x: Matrix; y?: Float64Array };

/** Awkward doubles: −0, the smallest subnormal, a subnormal, the smallest normal, the largest finite, 0.1 + 0.2, … */
const HARD = [
  -0,
  5e-324,
  -1.2345e-310,
  2.2250738585072014e-308,
  1.7976931348623157e308,
  0.1 + 0.2,
  -123456789.12345679,
  1 / 3,
  2 ** 53 + 2,
  -4.9406564584124654e-324,
];
const valueAt = (i: number, j: number, cols: number) => HARD[(i * cols + j) % HARD.length] * (j % 3 === 2 ? -1 : 1);

/** A claim violated on every instance (lhs 1 ≤ rhs 0), whose instance is an N × d data set (with labels when `labels`). */
function toy(id: string, n: number, d: number, labels: boolean): Theorem<D, I> {
  return toyClaim({
    id,
    title: id,
    kind: 'deterministic',
    statement: '1 ≤ 0',
    descriptors: fc.record({ k: fc.constant(1) }),
    materialize: () => ({
      x: { rows: n, cols: d, data: Float64Array.from({ length: n * d }, (_, t) => valueAt(Math.floor(t / d), t % d, d)) },
      ...(labels ? { y: Float64Array.from({ length: n }, (_, i) => HARD[(i + 3) % HARD.length]) } : {}),
    }),
    conclude: (): Evaluation => ({ lhs: 1, lhsError: 0, rhs: 0, rhsError: 0, relation: '<=' }),
  });
}

const dir = mkdtempSync(join(tmpdir(), 'ntk-cxdata-'));
const wide = toy('toy.wide', 3, 11, true); // d > 8: 8 of 11 columns shown
const narrow = toy('toy.narrow', 16, 2, false); // N = 16: still a table, no labels
const tall = toy('toy.tall', 17, 2, true); // N > 16: no table
const catalog = [wide, narrow, tall];

async function writeRun(outDir: string, opts: { dropArtifact?: string } = {}) {
  const reports = catalog.map((t) => {
    const run = searchTheorem(t, { seed: 's', numRuns: 3, artifactsDir: join(outDir, 'counterexamples') });
    const r = relativeArtifactPaths(theoremReport(t, run, 0), outDir);
    if (t.id !== opts.dropArtifact) return r;
    return { ...r, counterexamples: { ...r.counterexamples, items: r.counterexamples.items.map((c) => ({ ...c, artifact: null, replay: null })) } };
  });
  const report = assembleReport(
    reports,
    { seed: 's', budgetSeconds: 1, theoremFilter: null, shard: null, shardsMerged: 1, interrupted: false, startedAt: 'a', finishedAt: 'b', workers: 1 },
    0,
  );
  await writeReports(report, outDir, ['json', 'html'], { catalog });
  return { html: readFileSync(join(outDir, 'index.html'), 'utf8'), report: readReport(join(outDir, 'report.json')) };
}

/** The counterexample blocks of claim `id` (each a well-formed fragment), parsed. */
function items(html: string, id: string): XmlElement[] {
  const start = html.indexOf(`<section class="theorem" id="t-${id}">`);
  expect(start).toBeGreaterThan(0);
  const section = html.slice(start, html.indexOf('</section>', start));
  return [...section.matchAll(/<div class="cx-item">[\s\S]*?<\/div>/g)].map((m) => parseXml(m[0]));
}
const byName = (e: XmlElement, name: string) => xmlElements(e).filter((x) => x.name === name);
const cellRows = (table: XmlElement) =>
  byName(byName(table, 'tbody')[0], 'tr').map((tr) => tr.children.filter((c): c is XmlElement => typeof c !== 'string').map(xmlText));

describe('counterexample data in index.html', () => {
  it('N ≤ 16: a table in <details> whose cells are the artifact numbers (JSON strings and .npy doubles), 8 of d columns, labels y', async () => {
    const { html, report } = await writeRun(dir);
    for (const t of [wide, narrow]) {
      const rep = report.theorems.find((x) => x.id === t.id)!;
      const blocks = items(html, t.id);
      expect(blocks.length).toBe(rep.counterexamples.items.length);
      for (const [k, block] of blocks.entries()) {
        const c = rep.counterexamples.items[k];
        const artifact = JSON.parse(readFileSync(join(dir, c.artifact!), 'utf8')) as {
          instance: { x: { $matrix: { rows: number; cols: number; data: string[] } }; y?: { $f64: string[] } };
        };
        const m = artifact.instance.x.$matrix;
        const npyFile = c.artifact!.replace(/\.json$/, '.x.npy');
        const npy = parseNpy(readFileSync(join(dir, npyFile)));
        expect([npy.rows, npy.cols]).toEqual([m.rows, m.cols]);
        // links to the JSON and to the .npy, relative to the report's folder
        const hrefs = byName(block, 'a').map((a) => a.attributes.href);
        expect(hrefs).toEqual([c.artifact, npyFile]);
        const details = byName(block, 'details').filter((d) => d.attributes.class === 'cx-data');
        expect(details).toHaveLength(1);
        const shown = Math.min(8, m.cols);
        expect(xmlText(byName(details[0], 'summary')[0])).toContain(m.cols > 8 ? `${shown} of ${m.cols} columns shown` : `all ${m.cols} columns`);
        const rows = cellRows(byName(details[0], 'table')[0]);
        expect(rows).toHaveLength(m.rows);
        for (let i = 0; i < m.rows; i++) {
          const [index, ...cells] = rows[i];
          expect(index).toBe(String(i));
          expect(cells).toHaveLength(shown + (artifact.instance.y ? 1 : 0));
          for (let j = 0; j < shown; j++) {
            expect(cells[j]).toBe(m.data[i * m.cols + j]);
            expect(Object.is(Number(cells[j]), npy.data[i * npy.cols + j])).toBe(true); // exact, −0 included
            expect(Object.is(Number(cells[j]), valueAt(i, j, m.cols))).toBe(true);
          }
          if (artifact.instance.y) expect(cells[shown]).toBe(artifact.instance.y.$f64[i]);
        }
      }
    }
    // the awkward values are there, in their shortest round-trip form
    const wideCells = cellRows(byName(items(html, 'toy.wide')[0], 'table').find((x) => x.attributes.class === 'data')!).flat();
    for (const s of ['-0', '5e-324', '2.2250738585072014e-308', '1.7976931348623157e+308', '0.30000000000000004']) expect(wideCells).toContain(s);
  });

  it('N > 16: no table, but the size and the link to the .npy', async () => {
    const { html, report } = await writeRun(dir);
    const c = report.theorems.find((x) => x.id === 'toy.tall')!.counterexamples.items[0];
    const [block] = items(html, 'toy.tall');
    expect(byName(block, 'table').filter((x) => x.attributes.class === 'data')).toHaveLength(0);
    expect(byName(block, 'a').map((a) => a.attributes.href)).toEqual([c.artifact, c.artifact!.replace(/\.json$/, '.x.npy')]);
    expect(xmlText(block)).toContain('X is 17 × 2 (more than 16 samples: no table');
  });

  it('without an artifact, the data are materialised from the descriptor by the claim', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ntk-cxdata-noart-'));
    const { html } = await writeRun(out, { dropArtifact: 'toy.narrow' });
    const [block] = items(html, 'toy.narrow');
    expect(byName(block, 'a')).toHaveLength(0);
    const details = byName(block, 'details').find((d) => d.attributes.class === 'cx-data')!;
    expect(xmlText(byName(details, 'summary')[0])).toContain('materialised from the descriptor');
    const rows = cellRows(byName(details, 'table')[0]);
    for (let i = 0; i < 16; i++) for (let j = 0; j < 2; j++) expect(Object.is(Number(rows[i][1 + j]), valueAt(i, j, 2))).toBe(true);
  });

  it('hostile artifact names and contents are escaped: links stay relative paths, notes stay text', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ntk-cxdata-xss-'));
    await writeRun(out);
    const cxDir = join(out, 'counterexamples');
    const src = readdirSync(cxDir).find((f) => f.startsWith('toy.wide') && f.endsWith('.json'))!;
    const a = JSON.parse(readFileSync(join(cxDir, src), 'utf8'));
    const evil = `javascript:alert(1)"><img src=x onerror=alert(2)>.json`;
    // the instance holds markup where a number should be: the decoder refuses it, and its message is shown as text
    a.instance.x.$matrix.data[0] = '</td></table><script>alert(3)</script>';
    writeFileSync(join(cxDir, evil), JSON.stringify(a));
    const { report } = await writeRun(out);
    const t = report.theorems.find((x) => x.id === 'toy.wide')!;
    const hostile = {
      ...report,
      theorems: [
        {
          ...t,
          counterexamples: {
            ...t.counterexamples,
            items: [{ ...t.counterexamples.items[0], artifact: `counterexamples/${evil}`, replay: `npx ntk-audit replay 'counterexamples/${evil}'` }],
          },
        },
      ],
    };
    await writeReports(hostile, out, ['html'], { catalog });
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script|<img/i);
    for (const m of html.matchAll(/\shref="([^"]*)"/g)) expect(m[1]).toMatch(/^(#|https:\/\/arxiv\.org\/abs\/|(?!\/\/)[^:]*$)/);
    const [block] = items(html, 'toy.wide');
    expect(byName(block, 'a')[0].attributes.href).toBe(`counterexamples/${encodeURIComponent(evil)}`);
    expect(xmlText(block)).toMatch(/data not shown: .*<\/td><\/table><script>alert\(3\)<\/script>/);
    expect(byName(block, 'table').filter((x) => x.attributes.class === 'data')).toHaveLength(0);
  });
});
