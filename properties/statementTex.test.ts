import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { renderMath, renderStatementTex, splitTex } from '../src/report/tex.ts';
import { catalog } from './index.ts';

/**
 * Every claim of the catalog states its mathematics in TeX for the HTML report (Theorem.statementTex,
 * convention of src/report/tex.ts): each math piece parses in KaTeX with throwOnError and strict LaTeX,
 * and the TeX form carries the same constants and relations as the Unicode statement — compared as the
 * multiset of decimal digits (½ = 1/2, superscript and subscript digits as digits) and the counts of
 * ≤, ≥, ≠ and =, which a changed constant, exponent or relation would break.
 */

const FRACTIONS: Record<string, string> = { '½': '12', '¼': '14', '¾': '34', '⅛': '18', '⅓': '13' };
const SUPER = '⁰¹²³⁴⁵⁶⁷⁸⁹',
  SUB = '₀₁₂₃₄₅₆₇₈₉';

/** Digits of a Unicode statement, sorted. */
function unicodeDigits(s: string): string {
  let out = '';
  for (const ch of s) {
    if (/[0-9]/.test(ch)) out += ch;
    else if (SUPER.includes(ch)) out += String(SUPER.indexOf(ch));
    else if (SUB.includes(ch)) out += String(SUB.indexOf(ch));
    else if (ch in FRACTIONS) out += FRACTIONS[ch];
  }
  return [...out].sort().join('');
}

/** Digits of a statementTex, sorted (command names have none; text segments are Unicode). */
function texDigits(s: string): string {
  return unicodeDigits(s.replace(/\\[A-Za-z]+/g, ''));
}

function unicodeRelations(s: string) {
  const count = (re: RegExp) => (s.match(re) ?? []).length;
  return { le: count(/≤/g), ge: count(/≥/g), ne: count(/≠/g), eq: count(/=/g) };
}

function texRelations(s: string) {
  const count = (re: RegExp) => (s.match(re) ?? []).length;
  return { le: count(/\\leq?(?![A-Za-z])|≤/g), ge: count(/\\geq?(?![A-Za-z])|≥/g), ne: count(/\\neq?(?![A-Za-z])|≠/g), eq: count(/(?<![<>!])=/g) };
}

describe('statementTex of the catalog', () => {
  it('every claim has one, and every math piece parses in KaTeX (throwOnError, strict)', () => {
    const missing = catalog.filter((t) => t.statementTex === undefined).map((t) => t.id);
    expect(missing).toEqual([]);
    for (const t of catalog) {
      const segments = splitTex(t.statementTex!);
      expect(
        segments.some((s) => s.kind === 'math'),
        `${t.id} has no math`,
      ).toBe(true);
      for (const s of segments)
        if (s.kind === 'math')
          expect(() => katex.renderToString(s.tex, { output: 'mathml', throwOnError: true, strict: 'error', trust: false }), `${t.id}: ${s.tex}`).not.toThrow();
      const html = renderStatementTex(t.statementTex!);
      expect(html).toContain('<math');
      expect(html.replace(/<annotation\b[^>]*>[^<]*<\/annotation>/g, ''), t.id).not.toContain('$');
    }
  });

  it('states the same constants and relations as the Unicode statement', () => {
    for (const t of catalog) {
      expect(texDigits(t.statementTex!), `${t.id}: digits of\n  ${t.statement}\n  ${t.statementTex}`).toBe(unicodeDigits(t.statement));
      expect(texRelations(t.statementTex!), `${t.id}: relations of\n  ${t.statement}\n  ${t.statementTex}`).toEqual(unicodeRelations(t.statement));
    }
  });

  it("every scaling law states its quantity and variable in TeX, with the quantity's digits", () => {
    const laws = catalog.filter((t) => t.scalingLaw);
    expect(laws.length).toBeGreaterThan(20);
    for (const t of laws) {
      const l = t.scalingLaw!;
      expect(l.quantityTex, t.id).toBeDefined();
      expect(l.variableTex, t.id).toBeDefined();
      expect(renderMath(`${l.quantityTex} = O({${l.variableTex}}^{${l.exponent}})`), t.id).toContain('<math');
      expect(texDigits(l.quantityTex!), `${t.id}: ${l.quantity} / ${l.quantityTex}`).toBe(unicodeDigits(l.quantity));
    }
  });

  it("a planted twin never shows its true claim's TeX under a different statement", () => {
    const byId = new Map(catalog.map((t) => [t.id, t]));
    for (const t of catalog) {
      if (t.twinOf === undefined) continue;
      const claim = byId.get(t.twinOf)!;
      if (t.statement !== claim.statement) expect(t.statementTex, t.id).not.toBe(claim.statementTex);
    }
  });
});
