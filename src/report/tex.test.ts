import { describe, expect, it } from 'vitest';
import { HOSTILE_ID, sampleReport } from './fixtures.ts';
import { renderHtml } from './html.ts';
import { reportSchema, type Report } from './schema.ts';
import { renderMath, renderStatementTex, splitTex, statementTexProblem, texText } from './tex.ts';

/** Start tags with their quoted attribute values blanked out (what a browser would treat as attribute names). */
function tagsWithoutValues(doc: string): string[] {
  return (doc.match(/<[a-zA-Z][^<>]*>/g) ?? []).map((t) => t.replace(/"[^"]*"|'[^']*'/g, '""'));
}

/** The inner HTML of each statement blockquote. */
function statementBlocks(html: string): string[] {
  return [...html.matchAll(/<blockquote class="statement">([\s\S]*?)<\/blockquote>/g)].map((m) => m[1]);
}

describe('splitTex', () => {
  it('splits text and $…$ math; \\$ outside math is a dollar sign', () => {
    expect(splitTex(String.raw`For $x \ge 0$: costs \$5, $y$`)).toEqual([
      { kind: 'text', text: 'For ' },
      { kind: 'math', tex: String.raw`x \ge 0` },
      { kind: 'text', text: ': costs $5, ' },
      { kind: 'math', tex: 'y' },
    ]);
    expect(splitTex(String.raw`$a \$ b$`)).toEqual([{ kind: 'math', tex: String.raw`a \$ b` }]);
    expect(splitTex('no math')).toEqual([{ kind: 'text', text: 'no math' }]);
  });
  it('rejects an unbalanced or empty $', () => {
    expect(() => splitTex('a $x')).toThrow(/unbalanced/);
    expect(() => splitTex('a $$x$$')).toThrow(/empty/);
    expect(() => splitTex(String.raw`a $x\$`)).toThrow(/unbalanced/);
  });
  it('texText escapes every dollar of plain text', () => {
    const s = 'costs $5 and $6';
    expect(splitTex(texText(s))).toEqual([{ kind: 'text', text: s }]);
  });
});

describe('renderStatementTex', () => {
  it('renders math as pure MathML and escapes the text', () => {
    const html = renderStatementTex(String.raw`If <b>x</b> & $\lambda_{\mathrm{min}}(H^{\infty}) \ge \frac{1}{2}$.`);
    expect(html.startsWith('If &lt;b&gt;x&lt;/b&gt; &amp; <span class="katex"><math xmlns="http://www.w3.org/1998/Math/MathML">')).toBe(true);
    expect(html).toContain('<mfrac><mn>1</mn><mn>2</mn></mfrac>');
    expect(html).toContain('<mi>λ</mi>');
    // MathML only: no KaTeX HTML rendering (which would need its stylesheet and fonts)
    expect(html).not.toContain('katex-html');
    expect(html).not.toMatch(/\sstyle=/);
  });

  it('rejects LaTeX-incompatible input, parse errors and untrusted commands', () => {
    expect(() => renderMath('é = 1')).toThrow(/strict mode/);
    expect(() => renderMath(String.raw`\frac{1}`)).toThrow(/KaTeX parse error/);
    expect(() => renderMath(String.raw`\notacommand x`)).toThrow(/Undefined control sequence/);
    for (const hostile of [
      String.raw`\href{javascript:alert(1)}{x}`,
      String.raw`\url{javascript:alert(1)}`,
      String.raw`\includegraphics{http://example.com/x.png}`,
    ]) {
      expect(() => renderMath(hostile), hostile).toThrow(/untrusted command/);
    }
    for (const hostile of [String.raw`\htmlClass{x}{y}`, String.raw`\htmlStyle{color:red}{y}`, String.raw`\htmlId{top}{y}`, String.raw`\htmlData{x=1}{y}`]) {
      expect(() => renderMath(hostile), hostile).toThrow();
    }
    expect(statementTexProblem(String.raw`ok $\href{javascript:x}{y}$`)).toMatch(/untrusted command \\href/);
    expect(statementTexProblem(String.raw`ok $x$`)).toBeNull();
    // KaTeX writes a subscript \min as an <msub> with three children, which Chromium lays out as a plain row
    expect(() => renderMath(String.raw`\lambda_{\min}(H)`)).toThrow(/invalid MathML: <msub> with 3 children/);
    expect(renderMath(String.raw`\lambda_{\mathrm{min}}(H)`)).toContain(
      '<msub><mi>λ</mi><mrow><mi mathvariant="normal">m</mi><mi mathvariant="normal">i</mi><mi mathvariant="normal">n</mi></mrow></msub>',
    );
  });

  it('cannot emit markup from hostile TeX: closing tags and script are characters', () => {
    const html = renderStatementTex(
      String.raw`</blockquote><script>alert(1)</script> $</math><script>alert(2)</script>$ $\text{<img src=x onerror=alert(3)>}$`,
    );
    expect(html).not.toMatch(/<script|<img|<\/blockquote|<\/math><script/i);
    for (const tag of tagsWithoutValues(html)) expect(tag).not.toMatch(/\s(on[a-z]+|src|href|style)\s*=/i);
    expect(html).toContain('&lt;/blockquote&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('statements in index.html', () => {
  const TEX = String.raw`If $x_i \nparallel x_j$ for all $i \ne j$, then $\lambda_{\mathrm{min}}(H^{\infty}) > 0$ — costs \$0.`;
  const HOSTILE_TEX = String.raw`$\href{javascript:alert(1)}{x}$ </blockquote><script>alert(1)</script>`;
  function withTex(): Report {
    const r = sampleReport();
    return {
      ...r,
      theorems: r.theorems.map((t, i) => (t.id === HOSTILE_ID ? { ...t, statementTex: HOSTILE_TEX } : i % 2 === 0 ? { ...t, statementTex: TEX } : t)),
    };
  }

  it('renders a statementTex as <math>, the others as their Unicode statement, and no raw $', async () => {
    const report = withTex();
    expect(() => reportSchema.parse(report)).not.toThrow();
    expect(reportSchema.parse(report).theorems.filter((t) => t.statementTex === TEX)).toHaveLength(
      report.theorems.filter((t) => t.statementTex === TEX).length,
    );
    const html = await renderHtml(report);
    const blocks = statementBlocks(html);
    expect(blocks).toHaveLength(report.theorems.length);
    const withMath = blocks.filter((b) => b.includes('<math'));
    expect(withMath).toHaveLength(report.theorems.filter((t) => t.statementTex === TEX).length);
    for (const b of withMath) {
      expect(b.match(/<math\b/g)).toHaveLength(3);
      expect(b).toContain('— costs $0.');
    }
    // the dollar signs of the TeX never reach the page, except the escaped literal one
    expect(html.replace(/— costs \$0\./g, '')).not.toContain('$');
  });

  it('a statementTex that does not render falls back to the Unicode statement, saying why', async () => {
    const report = withTex();
    const html = await renderHtml(report);
    const hostile = report.theorems.find((t) => t.id === HOSTILE_ID)!;
    const section = html.slice(html.indexOf(`<section class="theorem" id="t-hostile`));
    const block = statementBlocks(section)[0];
    expect(block).toContain('TeX form not rendered: untrusted command \\href');
    expect(block.startsWith(renderStatementTex(texText(hostile.statement)))).toBe(true);
    expect(html).not.toMatch(/<script/i);
    for (const tag of tagsWithoutValues(html)) expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
  });

  it('the claimed law of a scaling claim is MathML when the law has a TeX form, text otherwise', async () => {
    const r = sampleReport();
    const i = r.theorems.findIndex((t) => t.scaling);
    const t = r.theorems[i];
    const plain = await renderHtml(r);
    expect(plain).toContain(`claimed <strong>${'λ_min(K(L)) = Θ(d^1), exponent tolerance ±0.1'}</strong>`);
    const withTex: Report = {
      ...r,
      theorems: r.theorems.map((x, k) =>
        k === i ? { ...t, scaling: { ...t.scaling!, quantityTex: String.raw`\lambda_{\mathrm{min}}(K^{(L)})`, variableTex: 'd' } } : x,
      ),
    };
    expect(() => reportSchema.parse(withTex)).not.toThrow();
    const html = await renderHtml(withTex);
    const law = /claimed <strong>([\s\S]*?)<\/strong>/.exec(html.slice(html.indexOf(`id="t-${t.id}"`)))![1];
    expect(law).toContain('<math');
    expect(law).toContain('<mi mathvariant="normal">Θ</mi>');
    expect(law).toContain('<msup><mi>d</mi><mn>1</mn></msup>');
    expect(law.endsWith(', exponent tolerance ±0.1')).toBe(true);
    // a TeX form that does not render falls back to the text
    const bad: Report = {
      ...r,
      theorems: r.theorems.map((x, k) =>
        k === i ? { ...t, scaling: { ...t.scaling!, quantityTex: String.raw`\href{javascript:x}{y}`, variableTex: 'd' } } : x,
      ),
    };
    expect(await renderHtml(bad)).toContain(`claimed <strong>${'λ_min(K(L)) = Θ(d^1), exponent tolerance ±0.1'}</strong>`);
  });

  it('a report without statementTex renders exactly as the Unicode statements', async () => {
    const r = sampleReport();
    const html = await renderHtml(r);
    expect(html).not.toContain('<math');
    expect(statementBlocks(html)).toHaveLength(r.theorems.length);
  });
});
