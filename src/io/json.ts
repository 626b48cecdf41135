/**
 * JSON data sets: either an array of equal-length arrays of numbers (`[[1, 2], [3, 4]]`), or an
 * object whose `data` property is such an array (`{"data": [[1, 2], [3, 4]], "source": "..."}`;
 * other properties are ignored). Errors are one-line {@link UserError}s naming the file, the row
 * (sample) and the column, 1-based.
 */
import { UserError } from '../errors.ts';
import type { Matrix } from '../linalg/matrix.ts';

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** Turns V8's JSON.parse message into one line, with line:column instead of a byte position. */
function describeSyntaxError(text: string, e: unknown): string {
  let msg = e instanceof Error ? e.message : String(e);
  const pos = /at position (\d+)/.exec(msg);
  msg = msg
    .replace(/,?\s*"(?:[^"\\]|\\.)*"(?:\.\.\.)? is not valid JSON/, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (pos) {
    const p = Number(pos[1]);
    const before = text.slice(0, p);
    const line = before.split('\n').length;
    const col = p - before.lastIndexOf('\n');
    msg = msg.replace(/\s*in JSON at position \d+.*$/, '').replace(/\s*at position \d+.*$/, '');
    msg += ` (line ${line}, column ${col})`;
  }
  if (/unexpected end of JSON input/i.test(msg)) msg += ' (the file is incomplete)';
  return msg;
}

/** Parses JSON text into a matrix; `name` (the file path) prefixes every error message. */
export function parseJsonData(text: string, name = 'JSON data'): Matrix {
  const fail = (msg: string): never => {
    throw new UserError(`${name}: ${msg}`);
  };
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') fail('file is empty');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${name}: malformed JSON: ${describeSyntaxError(text, e)}`);
  }
  let rowsV: unknown = doc;
  let prefix = '';
  if (!Array.isArray(doc)) {
    // JSON.parse gives an array, a plain object or a primitive: checked by hand, without a schema library
    // (src/io/data.ts imports this module, so zod here cost every `kernel` run its ≈ 0.1 s import).
    if (typeof doc !== 'object' || doc === null) fail(`expected an array of rows or an object {"data": [[...], ...]}, got ${kindOf(doc)}`);
    rowsV = (doc as Record<string, unknown>).data;
    prefix = '"data": ';
    if (rowsV === undefined) fail('expected an array of rows or an object with a "data" property, got an object without "data"');
    if (!Array.isArray(rowsV)) fail(`"data" must be an array of rows, got ${kindOf(rowsV)}`);
  }
  const rowsA = rowsV as unknown[];
  if (rowsA.length === 0) fail(`${prefix}no rows (empty array)`);
  if (rowsA.every((r) => typeof r === 'number')) {
    fail(
      `${prefix}expected an array of rows (arrays of numbers), got a flat array of ${rowsA.length} numbers — write [[x1], [x2], ...] for d = 1 or [[x1, x2, ...]] for a single sample`,
    );
  }
  const first = rowsA[0];
  if (!Array.isArray(first)) fail(`${prefix}row 1: expected an array of numbers, got ${kindOf(first)}`);
  const cols = (first as unknown[]).length;
  if (cols === 0) fail(`${prefix}zero columns (row 1 is an empty array)`);
  const rows = rowsA.length;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = rowsA[i];
    if (!Array.isArray(r)) fail(`${prefix}row ${i + 1}: expected an array of numbers, got ${kindOf(r)}`);
    const ra = r as unknown[];
    if (ra.length !== cols) fail(`${prefix}row ${i + 1}: ragged rows — has ${ra.length} column(s), expected ${cols} like row 1`);
    for (let j = 0; j < cols; j++) {
      const v = ra[j];
      const at = `${prefix}row ${i + 1}, column ${j + 1}`;
      if (typeof v !== 'number') {
        const hint = v === null ? ' (JSON.stringify writes NaN and ±Inf as null; they are not allowed)' : '';
        fail(`${at}: expected a number, got ${kindOf(v)}${hint}`);
      }
      if (!Number.isFinite(v)) fail(`${at}: value ${String(v)} is not finite (overflows float64)`);
      data[i * cols + j] = v as number;
    }
  }
  return { rows, cols, data };
}
