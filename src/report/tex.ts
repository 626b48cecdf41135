/**
 * Statements as mathematics: the TeX form of a claim (`Theorem.statementTex`, src/theorem/types.ts)
 * rendered at report-build time by KaTeX to pure MathML (https://katex.org/docs/options: `output:
 * 'mathml'`), which browsers render natively — no script, no font, no stylesheet in the page.
 *
 * CONVENTION. A statementTex is text with inline math between single dollar signs:
 *   'For even $r \ge 2$: $\lambda_{\mathrm{min}}(G^{(2)}) \ge 2\mu_r(\sigma)^2 \ldots$'
 * Text outside `$…$` is plain text (HTML-escaped on output, never interpreted as TeX or HTML); `\$`
 * there is a literal dollar sign. Inside `$…$` is KaTeX's LaTeX math, parsed with `throwOnError`,
 * `strict: 'error'` (only LaTeX-compatible input: e.g. a Unicode symbol KaTeX does not know is an error) and no trusted
 * commands (`\href`, `\url`, `\includegraphics`, `\htmlClass`, … are rejected, not rendered). Display
 * math (`$$…$$`) is not part of the convention.
 *
 * The output is additionally checked against an allow-list of MathML elements and attributes, so a
 * hostile statementTex cannot put any other markup into the page even through a KaTeX defect.
 */
import katex from 'katex';
import { splitTex } from '../theorem/statementTex.ts';
import { escapeHtml, parseXml, xmlElements } from './escape.ts';

export { splitTex, texText, type TexSegment } from '../theorem/statementTex.ts';

/** MathML elements KaTeX emits for LaTeX math (and its wrapper span). */
const ELEMENTS = new Set([
  'span',
  'math',
  'semantics',
  'annotation',
  'mrow',
  'mi',
  'mn',
  'mo',
  'ms',
  'mtext',
  'mspace',
  'msub',
  'msup',
  'msubsup',
  'munder',
  'mover',
  'munderover',
  'mfrac',
  'msqrt',
  'mroot',
  'mstyle',
  'mpadded',
  'mphantom',
  'menclose',
  'mtable',
  'mtr',
  'mtd',
  'mlabeledtr',
  'mmultiscripts',
  'mprescripts',
  'none',
]);
/** Presentation attributes only: no href, no src, no event handler, no style. */
const ATTRIBUTES = new Set([
  'class',
  'xmlns',
  'encoding',
  'mathvariant',
  'stretchy',
  'fence',
  'separator',
  'lspace',
  'rspace',
  'minsize',
  'maxsize',
  'symmetric',
  'largeop',
  'movablelimits',
  'accent',
  'accentunder',
  'width',
  'height',
  'depth',
  'voffset',
  'linethickness',
  'scriptlevel',
  'displaystyle',
  'mathcolor',
  'mathbackground',
  'notation',
  'columnalign',
  'rowalign',
  'columnspacing',
  'rowspacing',
  'columnlines',
  'rowlines',
  'frame',
  'framespacing',
  'equalrows',
  'equalcolumns',
  'align',
  'display',
  'form',
  'mathsize',
  'side',
  'minlabelspacing',
  'dir',
]);

const TAG = /<\/?([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*\s*\/?)>/g;

/** Children of the MathML elements with a fixed number of arguments (MathML Core). */
const ARITY: Record<string, number> = { msub: 2, msup: 2, msubsup: 3, munder: 2, mover: 2, munderover: 3, mfrac: 2, mroot: 2 };

const KATEX_OPTIONS = { output: 'mathml', displayMode: false, throwOnError: true, strict: 'error', maxSize: 20, maxExpand: 1000 } as const;

/** One math segment as MathML; throws on a parse error, an untrusted command or markup outside the allow-list. */
export function renderMath(tex: string): string {
  const untrusted: string[] = [];
  const html = katex.renderToString(tex, {
    ...KATEX_OPTIONS,
    // record and refuse: with trust false KaTeX renders the command's name in red instead of failing
    trust: (ctx) => {
      untrusted.push(ctx.command);
      return false;
    },
    macros: {},
  });
  if (untrusted.length) throw new Error(`untrusted command ${untrusted[0]} in math "${tex}"`);
  for (const m of html.matchAll(TAG)) {
    if (!ELEMENTS.has(m[1])) throw new Error(`element <${m[1]}> not allowed in rendered math "${tex}"`);
    const attrs = m[2].replace(/="[^"]*"/g, '').trim();
    for (const a of attrs ? attrs.split(/\s+/) : [])
      if (a !== '/' && !ATTRIBUTES.has(a)) throw new Error(`attribute ${a} not allowed in rendered math "${tex}"`);
  }
  if (/[<>]/.test(html.replace(TAG, ''))) throw new Error(`stray markup in rendered math "${tex}"`);
  // Script and fraction elements with the wrong number of children are invalid MathML, which browsers lay out
  // as a plain row: KaTeX writes \lambda_{\min} as <msub> with three children (write \lambda_{\mathrm{min}}).
  for (const e of xmlElements(parseXml(html))) {
    const n = ARITY[e.name];
    const children = e.children.filter((c) => typeof c !== 'string').length;
    if (n !== undefined && children !== n)
      throw new Error(`invalid MathML: <${e.name}> with ${children} children instead of ${n} in "${tex}" (a subscript \\min or \\max: write \\mathrm{min})`);
  }
  return html;
}

/** A whole statementTex as HTML: text segments escaped, math segments as MathML. Throws an Error when it does not render. */
export function renderStatementTex(s: string): string {
  return splitTex(s)
    .map((seg) => (seg.kind === 'text' ? escapeHtml(seg.text) : renderMath(seg.tex)))
    .join('');
}

/** Null when the statementTex renders, else the reason (one line), e.g. for a UserError at definition time. */
export function statementTexProblem(s: string): string | null {
  try {
    renderStatementTex(s);
    return null;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}
