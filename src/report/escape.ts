/**
 * Escaping for every output format of the reports (HTML, SVG/XML, Markdown) and a minimal XML
 * well-formedness parser used to check the SVG produced by vega and the JUnit XML.
 *
 * Everything that comes from a theorem module, a descriptor, an error message or the command line is
 * user-supplied text: it goes through one of these functions before it reaches an output file.
 */

/** Characters that are not allowed in XML 1.0 (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
// eslint-disable-next-line no-control-regex
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 forbids are control characters
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Any value as display text (strings as-is, everything else through a deterministic JSON form). */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * HTML/XML text and attribute-value escaping: & < > " ' and ` become entities, characters that are
 * invalid in XML are replaced by U+FFFD. The result is safe in element content and in a quoted
 * attribute value; it can never close a <style>, <script> or <textarea>, nor leave an attribute.
 */
export function escapeHtml(value: unknown): string {
  return toText(value)
    .replace(XML_INVALID, '\uFFFD')
    .replace(/[&<>"'`]/g, (c) => ENTITIES[c]);
}

/** Same rules as HTML (XML 1.0 text and attribute values). */
export const escapeXml = escapeHtml;

/** XML attribute value that keeps tabs and line breaks through attribute-value normalisation. */
export function escapeXmlAttr(value: unknown): string {
  return escapeXml(value).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

/**
 * A fragment identifier / id attribute for a user-supplied id: ASCII letters, digits, '-' and '.'
 * kept, everything else as _XX hex (injective, deterministic), prefixed so it never starts with a digit.
 */
export function anchorId(id: string, prefix = 't-'): string {
  let out = prefix;
  for (const ch of id) {
    if (/[A-Za-z0-9.-]/.test(ch)) out += ch;
    else out += `_${ch.codePointAt(0)!.toString(16)}_`;
  }
  return out;
}

/**
 * Markdown (GitHub-flavoured) inline text that renders as the text itself and reads cleanly as plain text
 * (summary.md is also printed to CI logs): only the characters that could open a Markdown construct in their
 * context are backslash-escaped —
 *  - always: backslash before ASCII punctuation, backtick (code span), `*` (emphasis, also intraword),
 *    `~` (strikethrough), `[` (links and images: without it no `](` can link), `$` (GitHub math);
 *  - `_` where it could open emphasis (CommonMark: a left-flanking run that is not right-flanking or follows
 *    punctuation; text outside counts as whitespace): λ_min, x_i or max_{i<j} stay as they are;
 *  - `<` that could start raw HTML or an autolink (`</`, `<!`, `<?`, a tag name ended by space, `/`, `>` or the
 *    end of the text, `<scheme:`) — not the `<` of `i<j`; `&` that would start an entity;
 *  - `|` in table cells (`inTable`, the default);
 *  - extended autolinks (`://`, `www.`, e-mail `@`); outside tables, a leading `#`, `>`, `+`, `-`, `=` or `1.`
 *    (block syntax, which a table cell cannot start);
 * newlines become spaces. So `max_{i<j}|⟨x_i,x_j⟩| ≤ 2√(log(N/δ)/d)` stays as it is outside tables.
 */
export function escapeMarkdown(value: unknown, opts: { inTable?: boolean } = {}): string {
  const inTable = opts.inTable ?? true;
  const s = toText(value)
    .replace(XML_INVALID, '\uFFFD')
    .replace(/\r\n|\r|\n/g, ' ');
  const ws = (c: string | undefined) => c === undefined || /\s/u.test(c);
  const punct = (c: string | undefined) => c !== undefined && /[\p{P}\p{S}]/u.test(c);
  const word = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
  const asciiPunct = (c: string | undefined) => c !== undefined && /[!-/:-@[-`{-~]/.test(c);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i],
      prev = s[i - 1],
      next = s[i + 1];
    let esc = false;
    if (c === '\\') esc = asciiPunct(next);
    else if (c === '`' || c === '*' || c === '~' || c === '[' || c === '$') esc = true;
    else if (c === '_') {
      const left = !ws(next) && (!punct(next) || ws(prev) || punct(prev));
      const right = !ws(prev) && (!punct(prev) || ws(next) || punct(next));
      esc = left && (!right || punct(prev));
    } else if (c === '<') esc = /^<(?:[/!?]|[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$)|[A-Za-z][A-Za-z0-9+.-]{1,31}:)/.test(s.slice(i));
    else if (c === '&') esc = /^&#?[A-Za-z0-9]+;/.test(s.slice(i));
    else if (c === '|') esc = inTable;
    else if (c === ':') esc = s.startsWith('//', i + 1);
    else if (c === '.') esc = /(^|[^A-Za-z0-9])www$/i.test(s.slice(0, i)) || (!inTable && /^\s*\d+$/.test(s.slice(0, i)));
    else if (c === ')') esc = !inTable && /^\s*\d+$/.test(s.slice(0, i));
    else if (c === '@') esc = word(prev) && /^@[A-Za-z0-9-]+\./.test(s.slice(i));
    else if ('#>+-='.includes(c)) esc = !inTable && /^\s*$/.test(s.slice(0, i)); // block syntax: not inside a table cell
    out += esc ? `\\${c}` : c;
  }
  return out;
}

/**
 * A Markdown code span holding arbitrary text; usable inside a GFM table cell (pipes are escaped,
 * which GFM honours inside code spans in tables) and never closed early by backticks in the text.
 */
export function markdownCode(value: unknown, inTable = true): string {
  let s = toText(value)
    .replace(XML_INVALID, '\uFFFD')
    .replace(/\r\n|\r|\n/g, ' ');
  if (inTable) s = s.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') || s === '' ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** A fenced Markdown code block whose fence is longer than any backtick run in the text. */
export function markdownCodeBlock(value: unknown, lang = ''): string {
  const s = toText(value).replace(XML_INVALID, '\uFFFD');
  const longest = Math.max(2, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${s}\n${fence}`;
}

// ------------------------------------------------------------------------------------------------
// A minimal XML parser: enough to prove well-formedness of the SVG we inline and of the JUnit XML we
// write, and to walk the tree (element names, attributes, children). No DTDs, no external entities.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string, at: number): string {
  return s.replace(/&([^;&\s]*);?/g, (m, body: string) => {
    if (!m.endsWith(';')) throw new SyntaxError(`XML: bare '&' near offset ${at}`);
    if (body in PREDEFINED) return PREDEFINED[body];
    const num = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
    if (num) return String.fromCodePoint(num[1] ? parseInt(num[1], 16) : parseInt(num[2], 10));
    throw new SyntaxError(`XML: unknown entity &${body}; near offset ${at}`);
  });
}

/** Parses an XML document (optional declaration, comments, one root element). Throws SyntaxError if it is not well-formed. */
export function parseXml(src: string): XmlElement {
  let i = 0;
  const fail = (msg: string): never => {
    throw new SyntaxError(`XML: ${msg} at offset ${i}`);
  };
  const skipMisc = () => {
    for (;;) {
      while (i < src.length && /\s/.test(src[i])) i++;
      if (src.startsWith('<?', i)) {
        const e = src.indexOf('?>', i);
        if (e < 0) fail('unterminated processing instruction');
        i = e + 2;
      } else if (src.startsWith('<!--', i)) {
        const e = src.indexOf('-->', i + 4);
        if (e < 0) fail('unterminated comment');
        i = e + 3;
      } else if (src.startsWith('<!DOCTYPE', i)) {
        fail('DOCTYPE not supported');
      } else return;
    }
  };
  const readName = (): string => {
    const m = NAME.exec(src.slice(i, i + 200));
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  const parseElement = (): XmlElement => {
    if (src[i] !== '<') fail("expected '<'");
    i++;
    const name = readName();
    const attributes: Record<string, string> = {};
    for (;;) {
      const ws = i;
      while (i < src.length && /\s/.test(src[i])) i++;
      if (src.startsWith('/>', i)) {
        i += 2;
        return { name, attributes, children: [] };
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      if (i === ws) fail('expected whitespace before attribute');
      const an = readName();
      while (/\s/.test(src[i] ?? '')) i++;
      if (src[i] !== '=') fail(`expected '=' after attribute ${an}`);
      i++;
      while (/\s/.test(src[i] ?? '')) i++;
      const q = src[i];
      if (q !== '"' && q !== "'") fail('expected a quoted attribute value');
      const end = src.indexOf(q, i + 1);
      if (end < 0) fail('unterminated attribute value');
      const raw = src.slice(i + 1, end);
      if (raw.includes('<')) fail(`'<' in attribute value of ${an}`);
      if (an in attributes) fail(`duplicate attribute ${an}`);
      attributes[an] = decodeEntities(raw, i);
      i = end + 1;
    }
    const children: XmlNode[] = [];
    for (;;) {
      if (i >= src.length) fail(`unclosed element <${name}>`);
      if (src.startsWith('</', i)) {
        i += 2;
        const close = readName();
        if (close !== name) fail(`</${close}> closes <${name}>`);
        while (/\s/.test(src[i] ?? '')) i++;
        if (src[i] !== '>') fail("expected '>'");
        i++;
        return { name, attributes, children };
      }
      if (src.startsWith('<!--', i)) {
        const e = src.indexOf('-->', i + 4);
        if (e < 0) fail('unterminated comment');
        i = e + 3;
      } else if (src.startsWith('<![CDATA[', i)) {
        const e = src.indexOf(']]>', i);
        if (e < 0) fail('unterminated CDATA');
        children.push(src.slice(i + 9, e));
        i = e + 3;
      } else if (src[i] === '<') {
        children.push(parseElement());
      } else {
        const next = src.indexOf('<', i);
        const end = next < 0 ? src.length : next;
        const text = src.slice(i, end);
        if (text.includes(']]>')) fail("']]>' in text");
        children.push(decodeEntities(text, i));
        i = end;
      }
    }
  };
  skipMisc();
  const root = parseElement();
  skipMisc();
  if (i !== src.length) fail('content after the root element');
  return root;
}

/** All elements of a tree, depth first (the root included). */
export function xmlElements(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    out.push(e);
    for (const c of e.children) if (typeof c !== 'string') walk(c);
  };
  walk(root);
  return out;
}

/** Text content of an element (concatenated descendants). */
export function xmlText(e: XmlNode): string {
  return typeof e === 'string' ? e : e.children.map(xmlText).join('');
}
