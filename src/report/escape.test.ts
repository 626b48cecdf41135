import { describe, expect, it } from 'vitest';
import { anchorId, escapeHtml, escapeMarkdown, escapeXmlAttr, markdownCode, markdownCodeBlock, parseXml, xmlElements, xmlText } from './escape.ts';

describe('escapeHtml', () => {
  it('escapes the five XML specials and the backtick', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;');
  });
  it('cannot close a style or script element, nor leave an attribute', () => {
    for (const s of ['</style><script>alert(1)</script>', '" onmouseover="alert(1)', "' autofocus onfocus='x"]) {
      const e = escapeHtml(s);
      expect(e).not.toMatch(/[<>"']/);
    }
  });
  it('replaces characters that are invalid in XML and formats non-strings deterministically', () => {
    expect(escapeHtml('a\u0000b\u0007c\uD800')).toBe('a\uFFFDb\uFFFDc\uFFFD');
    expect(escapeHtml({ a: '<x>' })).toBe('{&quot;a&quot;:&quot;&lt;x&gt;&quot;}');
    expect(escapeHtml(null)).toBe('null');
    expect(escapeXmlAttr('a\nb\tc')).toBe('a&#10;b&#9;c');
  });
});

describe('anchorId', () => {
  it('is injective on distinct ids and uses only safe characters', () => {
    const ids = ['du2019.thm3.1', 'a b', 'a_b', 'a/b', '"><script>', 'λ'];
    const out = ids.map((i) => anchorId(i));
    expect(new Set(out).size).toBe(ids.length);
    for (const o of out) expect(o).toMatch(/^t-[A-Za-z0-9._-]+$/);
  });
});

describe('markdown escaping', () => {
  it('neutralises pipes, backticks, HTML and link syntax', () => {
    const e = escapeMarkdown('a | b `c` <img src=x> [l](http://e) *em* _u_ ~~s~~ $x$ &amp; www.e.org a@b.org\nnext');
    expect(e).not.toMatch(/(?<!\\)[|`[*~$]/);
    expect(e).not.toMatch(/(?<!\\)<[A-Za-z/!?]/);
    expect(e).not.toMatch(/(?<!\\)&amp;|(?<!\\)_u|(?<!\\):\/\/|www(?!\\)\.|(?<!\\)@b/);
    expect(e).not.toContain('\n');
    for (const lead of ['# h', '> q', '- l', '+ l', '= s', '12. n', '3) n']) {
      expect(escapeMarkdown(lead, { inTable: false })).toMatch(/^\s*\d*\\/);
      expect(escapeMarkdown(lead)).toBe(lead); // a table cell cannot start a block
    }
    expect(escapeMarkdown('-1')).toBe('-1');
    expect(escapeMarkdown('1.954e-7')).toBe('1.954e-7');
  });
  it('leaves mathematical titles readable: nothing escaped outside tables, only pipes inside', () => {
    const titles = [
      'max_{i<j}|⟨x_i,x_j⟩| ≤ 2√(log(N/δ)/d) w.p. ≥ 1 − δ',
      'λ_min(K(L)) ≥ c·μ_2(σ)²·d',
      'PLANTED (constant halved): yᵀ(H∞)⁻¹y ≤ ‖y‖₂² / (2 λ_min(H∞))',
      'E[σ(u)σ(v)] = (√(1−ρ²) + (π − arccos ρ)ρ)/(2π)',
    ];
    for (const t of titles) {
      const expected = t.replace(/\[/g, '\\[');
      expect(escapeMarkdown(t, { inTable: false })).toBe(expected);
      expect(escapeMarkdown(t)).toBe(expected.replace(/\|/g, '\\|'));
    }
    // an underscore after punctuation could open emphasis (CommonMark flanking rules): escaped
    expect(escapeMarkdown('K(L)_ii = L‖x_i‖²')).toBe('K(L)\\_ii = L‖x_i‖²');
  });
  it('code spans and blocks are never closed by backticks in the text', () => {
    expect(markdownCode('a ``` b | c')).toBe('```` a ``` b \\| c ````'.replace('```` a', '````a').replace('c ````', 'c````'));
    const block = markdownCodeBlock('echo ```\nx', 'sh');
    expect(block.startsWith('````sh\n')).toBe(true);
    expect(block.endsWith('\n````')).toBe(true);
  });
});

describe('parseXml', () => {
  it('parses well-formed XML with entities, comments and CDATA', () => {
    const root = parseXml('<?xml version="1.0"?><!-- c --><a x="1 &amp; 2"><b/>t&lt;<![CDATA[<raw>]]><c y=\'&#65;\'>z</c></a>');
    expect(root.name).toBe('a');
    expect(root.attributes.x).toBe('1 & 2');
    expect(xmlElements(root).map((e) => e.name)).toEqual(['a', 'b', 'c']);
    expect(xmlText(root)).toBe('t<<raw>z');
  });
  it.each([
    ['<a><b></a>', 'mismatched'],
    ['<a x="1" x="2"/>', 'duplicate attribute'],
    ['<a>&</a>', 'bare &'],
    ['<a>&nbsp;</a>', 'unknown entity'],
    ['<a x=1/>', 'unquoted attribute'],
    ['<a/><b/>', 'two roots'],
    ['<a x="<"/>', '< in attribute'],
    ['<a>', 'unclosed'],
  ])('rejects %s (%s)', (src) => {
    expect(() => parseXml(src)).toThrow(SyntaxError);
  });
});
