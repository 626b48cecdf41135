/**
 * CSV data sets: one sample per line, cells separated by commas. Rules:
 * - an optional header line is recognised only when *every* one of its cells is non-numeric;
 * - lines starting with `#` are comments (as written by `numpy.savetxt(..., header=...)`);
 * - trailing blank lines are ignored, blank lines elsewhere are an error;
 * - a cell may be wrapped in double quotes; surrounding spaces are ignored;
 * - numbers use the plain decimal syntax (`-1.5e-3`); NaN, ±Inf and overflowing values are rejected.
 * Errors are one-line {@link UserError}s naming the file, the line, the row (sample) and column.
 */
import { UserError } from '../errors.ts';
import type { Matrix } from '../linalg/matrix.ts';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** A cell that is (or, separated by spaces, consists of) numbers or NaN/Inf: never a header cell. */
function looksNumeric(cell: string): boolean {
  return cell.split(/\s+/).every((t) => NUMBER.test(t) || NON_FINITE.test(t));
}

function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

function show(cell: string): string {
  return JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);
}

/** Parses CSV text into a matrix; `name` (the file path) prefixes every error message. */
export function parseCsv(text: string, name = 'CSV data'): Matrix {
  const fail = (msg: string): never => {
    throw new UserError(`${name}: ${msg}`);
  };
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
  const lines = text.split(/\r\n|\n|\r/);
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === '') last--;
  if (last < 0) fail('file is empty (no data lines)');

  const data: number[] = [];
  let cols = -1;
  let rows = 0;
  let header: { line: number; cells: number } | null = null;
  let seenContent = false;

  for (let li = 0; li <= last; li++) {
    const raw = lines[li];
    const lineNo = li + 1;
    if (raw.trim() === '') fail(`line ${lineNo}: blank line inside the data (only trailing blank lines are allowed)`);
    if (raw.trimStart().startsWith('#')) continue;
    const cells = raw.split(',').map(unquote);

    if (!seenContent) {
      seenContent = true;
      if (cells.some((c) => c !== '') && cells.every((c) => c === '' || !looksNumeric(c))) {
        header = { line: lineNo, cells: cells.length };
        continue;
      }
    }
    const where = `line ${lineNo} (row ${rows + 1})`;
    if (cols === -1) {
      cols = cells.length;
      if (header && header.cells !== cols) fail(`${where}: has ${cols} column(s) but the header on line ${header.line} has ${header.cells}`);
    } else if (cells.length !== cols) {
      fail(`${where}: ragged rows — has ${cells.length} column(s), expected ${cols} like the first data row`);
    }
    for (let j = 0; j < cells.length; j++) {
      const c = cells[j];
      const at = `${where}, column ${j + 1}`;
      if (c === '') fail(`${at}: empty cell`);
      if (NON_FINITE.test(c)) fail(`${at}: value ${show(c)} is not finite (NaN and ±Inf are not allowed)`);
      if (!NUMBER.test(c)) {
        const hint = cols === 1 && /\s/.test(c) ? ' (cells must be separated by commas)' : '';
        fail(`${at}: non-numeric value ${show(c)}${hint}`);
      }
      const v = Number(c);
      if (!Number.isFinite(v)) fail(`${at}: value ${show(c)} overflows float64`);
      data.push(v);
    }
    rows++;
  }
  if (rows === 0) fail(header ? 'no rows (only a header line)' : 'no rows (only comments)');
  return { rows, cols, data: Float64Array.from(data) };
}
