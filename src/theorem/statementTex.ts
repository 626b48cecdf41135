/**
 * The TeX form of a claim's statement (`Theorem.statementTex`, src/theorem/types.ts): text with inline math
 * between single dollar signs,
 *   'For even $r \ge 2$: $\lambda_{\mathrm{min}}(G^{(2)}) \ge 2\mu_r(\sigma)^2 \ldots$'
 * Text outside `$…$` is plain text; `\$` there is a literal dollar sign. Inside `$…$` is LaTeX math
 * (rendered and checked by src/report/tex.ts). Display math (`$$…$$`) is not part of the convention.
 * Pure string functions: the theorem layer composes statements with them without loading a renderer.
 */

export type TexSegment = { kind: 'text'; text: string } | { kind: 'math'; tex: string };

/** Splits a statementTex into text and math segments; throws an Error on an unbalanced or empty `$…$`. */
export function splitTex(s: string): TexSegment[] {
  const out: TexSegment[] = [];
  let text = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\' && s[i + 1] === '$') {
      text += '$';
      i += 2;
    } else if (c === '$') {
      // math runs to the next `$` not escaped as `\$` (a backslash pair `\\` is a TeX line break, not an escape)
      let j = i + 1;
      while (j < s.length && s[j] !== '$') j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) throw new Error(`unbalanced $ at offset ${i}`);
      const tex = s.slice(i + 1, j);
      if (tex.trim() === '') throw new Error(`empty math $…$ at offset ${i} (display math $$…$$ is not supported)`);
      if (text) out.push({ kind: 'text', text });
      text = '';
      out.push({ kind: 'math', tex });
      i = j + 1;
    } else {
      text += c;
      i++;
    }
  }
  if (text) out.push({ kind: 'text', text });
  return out;
}

/** Plain text as a statementTex text segment: `$` escaped (for composing a statementTex from a Unicode note). */
export function texText(s: string): string {
  return s.replace(/\$/g, '\\$');
}
