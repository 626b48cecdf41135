/**
 * Plots of a theorem's report as static SVG strings, rendered on the server: vega-lite → vega →
 * `View({ renderer: 'none' }).toSVG()` (no canvas, no DOM). The SVG is checked before it is returned
 * (well-formed, only plain drawing elements, no event handlers, no external references) and its ids
 * are prefixed so that several plots can be inlined in one page. Output is deterministic.
 *
 * User text (axis titles, cell keys and values) reaches vega only as data and titles; vega escapes it
 * when it writes SVG text, and the structural check below would reject anything else.
 */
import { Error as VEGA_LOG_ERROR, None as VEGA_LOG_NONE, View, logger, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { parseXml, xmlElements } from './escape.ts';
import type { TheoremReport } from './schema.ts';

export type PlotKind = 'margin' | 'tightness' | 'scaling' | 'cells';

export interface Plot {
  kind: PlotKind;
  title: string;
  /** Inline SVG markup (checked, ids prefixed). */
  svg: string;
  /** What was left out (non-finite values, …), if anything. */
  note?: string;
}

export interface HistogramBin {
  x0: number;
  x1: number;
  count: number;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';
const CONFIG = {
  background: 'white',
  font: FONT,
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 'normal' as const, gridColor: '#eee', labelColor: '#333', titleColor: '#333' },
  header: { labelFontSize: 11, labelColor: '#333' },
  legend: { labelFontSize: 10, titleFontSize: 10 },
  title: { fontSize: 12, fontWeight: 'bold' as const, anchor: 'start' as const, color: '#222' },
};

/** Caps user text that goes into a title (vega also truncates long labels with an ellipsis). */
function short(s: string, n = 60): string {
  const chars = [...s];
  return chars.length <= n ? s : `${chars.slice(0, n - 1).join('')}…`;
}

/**
 * Equal-width bins covering [min, max] (Sturges' rule unless `bins` is given); non-finite values are
 * ignored. With `anchor` inside the range, the bins are shifted so that `anchor` is a bin edge (no bin
 * straddles it; there may be one bin more).
 */
export function histogramBins(values: readonly number[], bins?: number, anchor?: number): HistogramBin[] {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return [];
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  if (lo === hi) {
    const w = lo === 0 ? 1 : Math.abs(lo) * 0.05;
    return [{ x0: lo - w, x1: hi + w, count: v.length }];
  }
  const k = Math.max(1, Math.min(60, Math.floor(bins ?? Math.ceil(Math.log2(v.length)) + 1)));
  const w = (hi - lo) / k;
  let start = lo;
  let n = k;
  if (anchor !== undefined && Number.isFinite(anchor) && anchor > lo && anchor < hi) {
    start = anchor - Math.ceil((anchor - lo) / w - 1e-9) * w;
    n = Math.max(1, Math.ceil((hi - start) / w - 1e-9));
  }
  const edge = (i: number) => (anchor !== undefined && Math.abs(start + i * w - anchor) < w * 1e-9 ? anchor : start + i * w);
  const out: HistogramBin[] = Array.from({ length: n }, (_, i) => ({
    x0: i === 0 ? Math.min(lo, start) : edge(i),
    x1: i === n - 1 ? Math.max(hi, edge(n)) : edge(i + 1),
    count: 0,
  }));
  for (const x of v) {
    let i = Math.min(n - 1, Math.max(0, Math.floor((x - start) / w)));
    // Keep values exactly at the anchor (or rounding-close to an edge) on the right side of it.
    while (i > 0 && x < out[i].x0) i--;
    while (i < n - 1 && x >= out[i].x1) i++;
    out[i].count++;
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// SVG rendering and checking

const ALLOWED_ELEMENTS = new Set([
  'svg',
  'g',
  'path',
  'rect',
  'line',
  'circle',
  'ellipse',
  'polyline',
  'polygon',
  'text',
  'tspan',
  'title',
  'desc',
  'defs',
  'clipPath',
  'linearGradient',
  'radialGradient',
  'stop',
]);

/**
 * Structural check of an SVG string: well-formed XML, only plain drawing elements, no event-handler
 * attributes, no references that leave the document. Throws if any of these fails.
 */
export function checkSvg(svg: string): void {
  const root = parseXml(svg);
  if (root.name !== 'svg') throw new Error(`plot: root element is <${root.name}>, not <svg>`);
  for (const e of xmlElements(root)) {
    if (!ALLOWED_ELEMENTS.has(e.name)) throw new Error(`plot: unexpected element <${e.name}> in SVG`);
    for (const [name, value] of Object.entries(e.attributes)) {
      if (/^on/i.test(name)) throw new Error(`plot: event handler attribute ${name} in SVG`);
      if (/href$/i.test(name) && !value.startsWith('#')) throw new Error(`plot: external reference ${name}="${value}" in SVG`);
      if (/url\(\s*['"]?(?!#)/i.test(value)) throw new Error(`plot: external url() in attribute ${name}`);
    }
  }
}

/**
 * Renames every id (and every reference to it) to `${prefix}-${k}`, k in order of appearance: vega
 * numbers gradients and clip paths with a process-wide counter, which would make the output depend on
 * what was rendered before and collide between SVGs inlined in one page.
 */
function renameIds(svg: string, prefix: string): string {
  const map = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!map.has(m[1])) map.set(m[1], `${prefix}-${map.size + 1}`);
  if (map.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)"/g, (_m, a: string, id: string) => `${a}${map.get(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (m, id: string) => (map.has(id) ? `url(#${map.get(id)})` : m))
    .replace(/(href=")#([^"]+)"/g, (m, a: string, id: string) => (map.has(id) ? `${a}#${map.get(id)}"` : m));
}

/** Compiles a vega-lite spec and renders it to a checked SVG string. */
export async function vegaLiteToSvg(spec: TopLevelSpec, idPrefix = 'plot'): Promise<string> {
  // vega-lite's compile warnings (e.g. about faceted independent scales) are not the reader's business.
  const vg = compile(spec, { config: CONFIG, logger: logger(VEGA_LOG_NONE) }).spec;
  const view = new View(parse(vg), { renderer: 'none', logLevel: VEGA_LOG_ERROR });
  try {
    let svg = await view.toSVG();
    svg = renameIds(svg, idPrefix.replace(/[^A-Za-z0-9_-]/g, '_'));
    // Let the SVG scale down in narrow layouts; accessible name from the chart description.
    svg = svg.replace(/^<svg /, '<svg role="img" focusable="false" ');
    checkSvg(svg);
    return svg;
  } finally {
    view.finalize();
  }
}

// ------------------------------------------------------------------------------------------------
// Chart builders (pure data → spec) and the per-theorem plots

/** A histogram of pre-binned counts with an optional vertical reference line (e.g. margin 0). */
export async function histogramSvg(
  bins: HistogramBin[],
  opts: { title: string; xTitle: string; reference?: number; idPrefix?: string; width?: number },
): Promise<string> {
  const spec: TopLevelSpec = {
    title: short(opts.title, 70),
    width: opts.width ?? 320,
    height: 150,
    data: {
      values: bins.map((b) => ({
        ...b,
        side: opts.reference === undefined ? 'all' : b.x1 <= opts.reference ? 'below' : b.x0 >= opts.reference ? 'above' : 'straddles',
      })),
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'x0', type: 'quantitative', bin: 'binned', title: short(opts.xTitle), axis: { tickCount: 6, format: '~g' } },
          x2: { field: 'x1' },
          y: { field: 'count', type: 'quantitative', title: 'instances', axis: { tickMinStep: 1, format: 'd' } },
          color: {
            field: 'side',
            type: 'nominal',
            legend: null,
            scale: { domain: ['below', 'straddles', 'above', 'all'], range: ['#d9534f', '#f0ad4e', '#5b9bd5', '#5b9bd5'] },
          },
        },
      },
      ...(opts.reference !== undefined
        ? [
            {
              data: { values: [{ r: opts.reference }] },
              mark: { type: 'rule' as const, color: '#333', strokeDash: [4, 3] },
              encoding: { x: { field: 'r', type: 'quantitative' as const } },
            },
          ]
        : []),
    ],
  } as TopLevelSpec;
  return vegaLiteToSvg(spec, opts.idPrefix);
}

export interface ScatterPoint {
  x: number;
  y: number;
  verdict: string;
}

/** A quantitative channel of the scatter plot on a logarithmic scale. */
function logAxis(field: 'x' | 'y', title: string) {
  return { field, type: 'quantitative', scale: { type: 'log', nice: false, padding: 8 }, title: short(title), axis: { format: '~g', tickCount: 5 } };
}

/** Scatter on log–log axes with an optional fitted power law y = exp(intercept)·x^slope. */
export async function scatterSvg(
  points: ScatterPoint[],
  opts: { title: string; xTitle: string; yTitle: string; fit?: { slope: number; intercept: number }; idPrefix?: string },
): Promise<string> {
  const xs = points.map((p) => p.x);
  const lo = Math.min(...xs),
    hi = Math.max(...xs);
  const line =
    opts.fit && Number.isFinite(opts.fit.slope) && Number.isFinite(opts.fit.intercept) && hi > lo
      ? Array.from({ length: 2 }, (_, i) => {
          const x = i === 0 ? lo : hi;
          return { x, y: Math.exp(opts.fit!.intercept) * x ** opts.fit!.slope };
        })
      : [];
  const spec = {
    title: short(opts.title, 70),
    width: 320,
    height: 180,
    layer: [
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 28, opacity: 0.75 },
        encoding: {
          x: logAxis('x', opts.xTitle),
          y: logAxis('y', opts.yTitle),
          color: {
            field: 'verdict',
            type: 'nominal',
            title: 'verdict',
            scale: { domain: ['holds', 'violated', 'inconclusive'], range: ['#5b9bd5', '#d9534f', '#f0ad4e'] },
          },
        },
      },
      ...(line.length
        ? [
            {
              data: { values: line },
              mark: { type: 'line', color: '#222', strokeWidth: 1.5, strokeDash: [5, 3] },
              encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
            },
          ]
        : []),
    ],
  } as TopLevelSpec;
  return vegaLiteToSvg(spec, opts.idPrefix);
}

export interface HeatCell {
  key: string;
  value: string;
  count: number;
}

/** One heat-map row per cell key (its own x axis of cell values), colour = instances; zero cells (declared but never exercised) in red text. */
export async function heatmapSvg(cells: HeatCell[], opts: { title: string; idPrefix?: string }): Promise<string> {
  const keys = [...new Set(cells.map((c) => c.key))];
  const maxValues = Math.max(1, ...keys.map((k) => cells.filter((c) => c.key === k).length));
  const step = Math.max(58, Math.min(96, Math.floor(580 / maxValues)));
  const maxCount = Math.max(1, ...cells.map((c) => c.count));
  const data = cells.map((c, i) => ({ ...c, order: i, label: String(c.count), missing: c.count === 0 }));
  // Cell values are never cut off: labels wider than a cell (≈ 6 px per character at 10 px) are slanted
  // and may use up to 200 px, so "antipodal" stays "antipodal", not "antip…".
  const longest = Math.max(0, ...cells.map((c) => [...c.value].length));
  const slanted = longest * 6 > step - 4;
  const labelAxis = slanted
    ? { labelAngle: -35, labelAlign: 'right', labelBaseline: 'middle', labelLimit: 200, orient: 'bottom', domain: false, ticks: false }
    : { labelAngle: 0, labelLimit: step - 4, orient: 'bottom', domain: false, ticks: false };
  const spec = {
    title: short(opts.title, 70),
    data: { values: data },
    facet: {
      row: { field: 'key', type: 'nominal', sort: keys, title: null, header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold', labelLimit: 120 } },
    },
    resolve: { scale: { x: 'independent' }, axis: { x: 'independent' } },
    spacing: 6,
    spec: {
      width: { step },
      height: 26,
      encoding: { x: { field: 'value', type: 'ordinal', sort: { field: 'order', op: 'min' }, title: null, axis: labelAxis } },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
          encoding: {
            color: {
              condition: { test: 'datum.missing', value: '#fbe3e1' },
              field: 'count',
              type: 'quantitative',
              title: 'instances',
              scale: { scheme: 'blues', domainMin: 0, type: 'sqrt' },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 10, fontWeight: 'bold' },
          encoding: {
            text: { field: 'label' },
            color: {
              condition: [
                { test: 'datum.missing', value: '#c9302c' },
                { test: `datum.count > ${maxCount * 0.45}`, value: 'white' },
              ],
              value: '#111',
            },
          },
        },
      ],
    },
  } as unknown as TopLevelSpec;
  return vegaLiteToSvg(spec, opts.idPrefix);
}

function finite(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Numeric-aware order of cell values ("2" < "10" < "25–48", "generic" < "near-parallel"). */
function compareCellValues(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Histogram of the values of a per-theorem plot, about log₂ n + 2 bins (at most 24), one bin edge at the reference line. */
function referenceHistogram(values: number[], opts: { title: string; xTitle: string; reference: number; idPrefix: string }): Promise<string> {
  return histogramSvg(histogramBins(values, Math.min(24, Math.ceil(Math.log2(values.length)) + 2), opts.reference), opts);
}

/** Histogram of the relative margins (instances inside the assumptions). */
export async function marginPlot(t: TheoremReport, idPrefix: string): Promise<Plot | null> {
  const inside = t.instances.filter((i) => i.verdict !== 'outside');
  if (t.relation === '==') {
    // An identity has no signed margin: its residual |lhs − rhs| in units of the error bound (≤ 1: consistent).
    const ratios = inside
      .map((i) => (i.margin === 0 ? 0 : finite(i.margin) && finite(i.errorBound) && i.errorBound > 0 ? Math.abs(i.margin) / i.errorBound : NaN))
      .filter(finite);
    if (ratios.length === 0) return null;
    const svg = await referenceHistogram(ratios, {
      title: 'Identity residual |lhs − rhs| / error bound (≤ 1: consistent)',
      xTitle: '|lhs − rhs| / error bound',
      reference: 1,
      idPrefix: `${idPrefix}-margin`,
    });
    const dropped = inside.length - ratios.length;
    return { kind: 'margin', title: 'Residual distribution', svg, ...(dropped ? { note: `${dropped} instance(s) without a finite residual not shown` } : {}) };
  }
  const vals = inside.map((i) => i.relativeMargin).filter(finite);
  if (vals.length === 0) return null;
  const dropped = inside.length - vals.length;
  const svg = await referenceHistogram(vals, {
    title: 'Relative margin (< 0: violated)',
    xTitle: 'relative margin',
    reference: 0,
    idPrefix: `${idPrefix}-margin`,
  });
  return {
    kind: 'margin',
    title: 'Margin distribution',
    svg,
    ...joinNotes(
      dropped ? `${dropped} non-finite margin(s) not shown` : undefined,
      shownNote(t.instances.filter((i) => i.verdict !== 'outside').length, t.evaluated - t.counts.outside),
    ),
  };
}

/** "400 of 30,000 instances shown" when the report keeps fewer instances than the claim evaluated. */
function shownNote(kept: number, evaluated: number): string | undefined {
  return kept < evaluated
    ? `${kept.toLocaleString('en-US')} of ${evaluated.toLocaleString('en-US')} instances shown (the report keeps the first ${kept.toLocaleString('en-US')})`
    : undefined;
}

function joinNotes(...notes: (string | undefined)[]): { note?: string } {
  const n = notes.filter((x): x is string => Boolean(x));
  return n.length ? { note: n.join('; ') } : {};
}

/**
 * Histogram of value / bound (lhs / rhs). When the positive ratios span more than three decades (one outlier
 * at 1e226 would put every other instance in the first bin), the histogram is of log₁₀(lhs / rhs) instead,
 * with the reference at 0 (= bound attained); non-positive ratios are then counted in the note.
 */
export async function tightnessPlot(t: TheoremReport, idPrefix: string): Promise<Plot | null> {
  const inside = t.instances.filter((i) => i.verdict !== 'outside');
  const vals = inside.map((i) => (finite(i.lhs) && finite(i.rhs) && i.rhs !== 0 ? i.lhs / i.rhs : NaN)).filter(finite);
  if (vals.length === 0) return null;
  const dropped = inside.length - vals.length;
  const pos = vals.filter((v) => v > 0);
  const logScale = pos.length >= 2 && Math.max(...pos) / Math.min(...pos) > 1e3;
  const shown = logScale ? pos.map((v) => Math.log10(v)) : vals;
  const nonPositive = vals.length - pos.length;
  const svg = await referenceHistogram(shown, {
    ...(logScale
      ? { title: 'Tightness: log₁₀(lhs / rhs) (0 = bound attained)', xTitle: 'log₁₀(lhs / rhs)', reference: 0 }
      : { title: 'Tightness: lhs / rhs (1 = bound attained)', xTitle: 'lhs / rhs', reference: 1 }),
    idPrefix: `${idPrefix}-tightness`,
  });
  return {
    kind: 'tightness',
    title: logScale ? 'Tightness distribution (log scale: the ratios span more than three decades)' : 'Tightness distribution',
    svg,
    ...joinNotes(
      dropped ? `${dropped} instance(s) without a finite lhs/rhs not shown` : undefined,
      logScale && nonPositive ? `${nonPositive} instance(s) with lhs/rhs ≤ 0 not shown on the log scale` : undefined,
      shownNote(inside.length, t.evaluated - t.counts.outside),
    ),
  };
}

const SIZE_KEYS = ['N', 'n', 'd', 'L', 'depth', 'width', 'm'];

/**
 * Scatter of a quantity against a size (N, d, L, width) on log axes: the scaling fit's x and y when
 * there is one (with the fitted line), else the empirical constant's quantity against the first size
 * found in the instances' quantities.
 */
export async function scalingPlot(t: TheoremReport, idPrefix: string): Promise<Plot | null> {
  const inside = t.instances.filter((i) => i.verdict !== 'outside' && i.quantities);
  let xName: string | undefined, yName: string | undefined;
  if (t.scalingFit) {
    xName = t.scalingFit.x;
    yName = t.scalingFit.y;
  } else if (t.empiricalConstant) {
    yName = t.empiricalConstant.quantity;
    xName = SIZE_KEYS.find((k) => inside.some((i) => finite(i.quantities?.[k])));
  }
  if (!xName || !yName) return null;
  const points: ScatterPoint[] = [];
  for (const i of inside) {
    const x = i.quantities?.[xName!],
      y = i.quantities?.[yName!];
    if (finite(x) && finite(y) && x > 0 && y > 0) points.push({ x, y, verdict: i.verdict });
  }
  if (points.length === 0) return null;
  let fit: { slope: number; intercept: number } | undefined;
  const sf = t.scalingFit;
  if (sf && finite(sf.slope)) {
    let intercept = sf.intercept;
    if (!finite(intercept)) {
      // The report does not carry the intercept: the least-squares intercept for the given slope on the points shown.
      const mx = points.reduce((s, p) => s + Math.log(p.x), 0) / points.length;
      const my = points.reduce((s, p) => s + Math.log(p.y), 0) / points.length;
      intercept = my - sf.slope * mx;
    }
    fit = { slope: sf.slope, intercept };
  }
  const title = sf ? `${yName} vs ${xName} (log–log)${fit ? `, slope ${fmtShort(fit.slope)}` : ''}` : `${yName} vs ${xName} (log–log)`;
  const svg = await scatterSvg(points, { title, xTitle: xName, yTitle: yName, ...(fit ? { fit } : {}), idPrefix: `${idPrefix}-scaling` });
  return { kind: 'scaling', title: 'Scaling', svg };
}

function fmtShort(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

/** Cells of the assumption space: exercised (with counts) and declared-but-missing (0). */
export function heatCells(t: TheoremReport): HeatCell[] {
  const byKey = new Map<string, Map<string, number>>();
  for (const [k, vals] of Object.entries(t.coverage.cells)) {
    const m = new Map<string, number>();
    for (const [v, c] of Object.entries(vals)) m.set(v, c);
    byKey.set(k, m);
  }
  for (const miss of t.coverage.missing) {
    const eq = miss.indexOf('=');
    const k = eq < 0 ? miss : miss.slice(0, eq),
      v = eq < 0 ? '' : miss.slice(eq + 1);
    if (!byKey.has(k)) byKey.set(k, new Map());
    if (!byKey.get(k)!.has(v)) byKey.get(k)!.set(v, 0);
  }
  const out: HeatCell[] = [];
  for (const [key, m] of byKey) for (const value of [...m.keys()].sort(compareCellValues)) out.push({ key, value, count: m.get(value)! });
  return out;
}

export async function cellsPlot(t: TheoremReport, idPrefix: string): Promise<Plot | null> {
  const cells = heatCells(t);
  if (cells.length === 0) return null;
  const svg = await heatmapSvg(cells, { title: 'Instances per assumption cell (red 0 = never exercised)', idPrefix: `${idPrefix}-cells` });
  return { kind: 'cells', title: 'Assumption coverage', svg };
}

/** All plots of one theorem (those that have data), in a fixed order. */
export async function theoremPlots(t: TheoremReport, idPrefix: string): Promise<Plot[]> {
  const plots = await Promise.all([marginPlot(t, idPrefix), tightnessPlot(t, idPrefix), scalingPlot(t, idPrefix), cellsPlot(t, idPrefix)]);
  return plots.filter((p): p is Plot => p !== null);
}
