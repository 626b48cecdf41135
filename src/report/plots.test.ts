import { describe, expect, it } from 'vitest';
import { parseXml, xmlElements, xmlText, type XmlElement } from './escape.ts';
import { sampleReport } from './fixtures.ts';
import { checkSvg, heatCells, heatmapSvg, histogramBins, histogramSvg, scatterSvg, theoremPlots } from './plots.ts';

/** Items of the data marks of a given type (vega writes a <g class="mark-TYPE role-mark …"> per mark). */
function markItems(svg: string, type: string): XmlElement[] {
  const groups = xmlElements(parseXml(svg)).filter(
    (e) => e.name === 'g' && /(^| )role-mark( |$)/.test(e.attributes.class ?? '') && (e.attributes.class ?? '').split(' ').includes(`mark-${type}`),
  );
  return groups.flatMap((g) => g.children.filter((c): c is XmlElement => typeof c !== 'string'));
}

describe('histogramBins', () => {
  it('makes equal-width bins that count every finite value once', () => {
    const b = histogramBins([0, 0.1, 0.5, 0.9, 1, NaN, Infinity], 3);
    expect(b).toHaveLength(3);
    expect(b.map((x) => x.count)).toEqual([2, 1, 2]);
    expect(b[0].x0).toBe(0);
    expect(b[2].x1).toBe(1);
  });
  it('aligns an edge on the anchor so no bin straddles it', () => {
    const b = histogramBins([-0.35, -0.1, 0, 0.2, 0.7, 1], 4, 0);
    expect(b.reduce((s, x) => s + x.count, 0)).toBe(6);
    for (const x of b) expect(x.x0 < 0 && x.x1 > 0).toBe(false);
    expect(b.some((x) => x.x0 === 0)).toBe(true);
  });
  it('handles a single repeated value and no values', () => {
    expect(histogramBins([2, 2, 2])).toEqual([{ x0: 1.9, x1: 2.1, count: 3 }]);
    expect(histogramBins([NaN])).toEqual([]);
  });
});

describe('SVG plots', () => {
  it('a 3-bin histogram is well-formed SVG with exactly 3 bars and the reference rule', async () => {
    const svg = await histogramSvg(histogramBins([0, 0.1, 0.5, 0.9, 1], 3), { title: 'h', xTitle: 'x', reference: 0.5, idPrefix: 'h1' });
    checkSvg(svg);
    expect(parseXml(svg).name).toBe('svg');
    expect(markItems(svg, 'rect')).toHaveLength(3);
    expect(markItems(svg, 'rule')).toHaveLength(1);
  });

  it('a heat map has one cell (and one count label) per (key, value)', async () => {
    const cells = [
      { key: 'N', value: '2–8', count: 3 },
      { key: 'N', value: '9–24', count: 0 },
      { key: 'geometry', value: 'generic', count: 5 },
      { key: 'geometry', value: 'antipodal', count: 1 },
      { key: 'geometry', value: 'clustered', count: 2 },
    ];
    const svg = await heatmapSvg(cells, { title: 'cells', idPrefix: 'hm' });
    expect(markItems(svg, 'rect')).toHaveLength(5);
    expect(markItems(svg, 'text')).toHaveLength(5);
  });

  it('heat-map labels are whole even when a key has many values (wide labels are slanted, not cut to "antip…")', async () => {
    const values = ['generic', 'near-parallel', 'antipodal', 'clustered', 'duplicate', 'low-rank', 'orthogonal', 'sphere-cap', 'two-blobs', 'collinear'];
    const svg = await heatmapSvg(
      values.map((value, i) => ({ key: 'geometry', value, count: i })),
      { title: 'cells', idPrefix: 'hm2' },
    );
    for (const v of values) expect(svg).toContain(`>${v}<`);
    expect(svg).not.toContain('…');
  });

  it('a scatter has one point per input and a fitted line when given', async () => {
    const pts = [1, 10, 100].map((x) => ({ x, y: 2 * x, verdict: 'holds' }));
    const svg = await scatterSvg(pts, { title: 's', xTitle: 'N', yTitle: 'y', fit: { slope: 1, intercept: Math.log(2) }, idPrefix: 'sc' });
    expect(markItems(svg, 'symbol')).toHaveLength(3);
    expect(markItems(svg, 'line')).toHaveLength(1);
    const noFit = await scatterSvg(pts, { title: 's', xTitle: 'N', yTitle: 'y', idPrefix: 'sc2' });
    expect(markItems(noFit, 'line')).toHaveLength(0);
  });

  it('user text inside plots is escaped by vega and the structural check holds', async () => {
    const hostile = '</svg><script>alert(1)</script><img src=x onerror=alert(2)>';
    const svg = await heatmapSvg([{ key: hostile, value: `"><svg onload=alert(3)>`, count: 1 }], { title: hostile, idPrefix: 'x' });
    checkSvg(svg);
    // No live markup: the only '<' in the output start SVG elements; handlers appear only as escaped text.
    expect(svg).not.toMatch(/<script|<img|<svg onload/i);
    for (const e of xmlElements(parseXml(svg))) expect(Object.keys(e.attributes).filter((a) => /^on/i.test(a))).toEqual([]);
    const texts = xmlElements(parseXml(svg))
      .filter((e) => e.name === 'text')
      .map((e) => xmlText(e));
    expect(texts.some((t) => t.includes('</svg><script>'))).toBe(true);
  });

  it('checkSvg rejects handlers, scripts, foreign content and external references', () => {
    expect(() => checkSvg('<svg><g onclick="x"/></svg>')).toThrow(/event handler/);
    expect(() => checkSvg('<svg><script>x</script></svg>')).toThrow(/unexpected element/);
    expect(() => checkSvg('<svg><foreignObject/></svg>')).toThrow(/unexpected element/);
    expect(() => checkSvg('<svg><path href="http://e/x"/></svg>')).toThrow(/external/);
    expect(() => checkSvg('<svg><path fill="url(http://e/x)"/></svg>')).toThrow(/external/);
    expect(() => checkSvg('<svg><path></svg>')).toThrow();
  });

  it('per-theorem plots: all four for an asymptotic claim, deterministic output', async () => {
    const t = sampleReport().theorems.find((x) => x.scalingFit)!;
    const a = await theoremPlots(t, 'p2');
    expect(a.map((p) => p.kind)).toEqual(['margin', 'tightness', 'scaling', 'cells']);
    const scaling = a.find((p) => p.kind === 'scaling')!;
    expect(markItems(scaling.svg, 'line')).toHaveLength(1);
    const b = await theoremPlots(t, 'p2');
    expect(b.map((p) => p.svg)).toEqual(a.map((p) => p.svg));
    // ids are prefixed per plot so that several SVGs can share a page
    for (const p of a) for (const m of p.svg.matchAll(/\sid="([^"]+)"/g)) expect(m[1].startsWith('p2-')).toBe(true);
  });

  it('heatCells lists exercised and declared-but-missing cells', () => {
    const t = sampleReport().theorems[0];
    const cells = heatCells(t);
    for (const m of t.coverage.missing) {
      const [k, v] = m.split('=');
      expect(cells).toContainEqual({ key: k, value: v, count: 0 });
    }
    const exercised = cells.filter((c) => c.count > 0).length;
    expect(exercised).toBe(t.coverage.exercised);
  });
});
