/**
 * Loading data sets (N × d, one sample per row) from .csv, .json and .npy files, and checking them.
 * Every problem a user can fix is reported as a one-line {@link UserError} that names the file and,
 * where it applies, the row (sample, 1-based) and column (feature, 1-based).
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { UserError } from '../errors.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { parseCsv } from './csv.ts';
import { parseJsonData } from './json.ts';
import { parseNpy } from './npy.ts';

export { parseCsv } from './csv.ts';
export { parseJsonData } from './json.ts';
export { matrixToNpyBuffer, parseNpy, parseNpyHeader, writeNpy } from './npy.ts';

export const DATA_EXTENSIONS = ['.csv', '.json', '.npy'] as const;

function readBytes(path: string): Buffer {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserError(`${path}: file not found`);
    if (code === 'EACCES') throw new UserError(`${path}: permission denied`);
    throw new UserError(`${path}: cannot read file (${code ?? (e as Error).message})`);
  }
  if (st.isDirectory()) throw new UserError(`${path}: is a directory, expected a data file`);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw new UserError(`${path}: permission denied`);
    throw new UserError(`${path}: cannot read file (${code ?? (e as Error).message})`);
  }
  if (buf.length === 0) throw new UserError(`${path}: file is empty`);
  return buf;
}

function decodeText(buf: Buffer, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new UserError(`${path}: not a UTF-8 text file`);
  }
}

/**
 * Reads a data matrix (N × d, one sample per row) from `path`, choosing the format by extension
 * (.csv, .json, .npy; case-insensitive). The result has N ≥ 1, d ≥ 1 and only finite entries.
 */
export function readDataFile(path: string): Matrix {
  const ext = extname(path).toLowerCase();
  if (!(DATA_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new UserError(`${path}: unsupported file extension '${ext || '(none)'}' (expected ${DATA_EXTENSIONS.join(', ')})`);
  }
  const buf = readBytes(path);
  switch (ext) {
    case '.npy':
      return parseNpy(buf, path);
    case '.csv':
      return parseCsv(decodeText(buf, path), path);
    default:
      return parseJsonData(decodeText(buf, path), path);
  }
}

export interface DataValidationOptions {
  /** Accept repeated samples (they make every kernel matrix singular). Default false. */
  allowDuplicates?: boolean;
  /** Accept all-zero samples (they give a zero row and column in the NTK). Default false. */
  allowZeroRows?: boolean;
  /** Name used in messages (a file path). Default 'data'. */
  name?: string;
}

export interface DataValidationReport {
  /** Pairs of identical samples, 0-based, `first < second`; each later copy is paired with the first. */
  duplicates: Array<{ first: number; second: number }>;
  /** 0-based indices of all-zero samples. */
  zeroRows: number[];
  /**
   * 0-based indices of non-zero samples whose squared norm Σ_k x_k² underflows to 0 in float64 (every
   * |x_k| < 2^-537 ≈ 2e-162, e.g. a row of 1e-170 entries): as singular as zero rows for float64 arithmetic.
   */
  underflowRows: number[];
  /** One-line human-readable warnings (1-based row numbers), empty when the data are clean. */
  warnings: string[];
}

function listRows(idx: number[], max = 5): string {
  const shown = idx.slice(0, max).map((i) => String(i + 1));
  return shown.join(', ') + (idx.length > max ? ` and ${idx.length - max} more` : '');
}

/**
 * Checks a data matrix: the shape (N ≥ 1, d ≥ 1, data length), finiteness (always errors), and
 * reports duplicate samples, all-zero samples and samples whose squared norm underflows to 0. Those are
 * legal data but make kernel matrices singular (the last ones to float64 precision); they are errors
 * unless allowed (allowZeroRows covers both kinds of zero rows), and are always listed in the warnings.
 */
export function validateDataMatrix(m: Matrix, opts: DataValidationOptions = {}): DataValidationReport {
  const name = opts.name ?? 'data';
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0) {
    throw new UserError(`${name}: invalid shape ${m.rows}×${m.cols}`);
  }
  if (m.rows === 0) throw new UserError(`${name}: no rows`);
  if (m.cols === 0) throw new UserError(`${name}: zero columns`);
  if (m.data.length !== m.rows * m.cols) throw new UserError(`${name}: data length ${m.data.length} does not match shape ${m.rows}×${m.cols}`);
  const { rows, cols, data } = m;
  // One loop over the rows for every check (finiteness, zero and underflowing rows, the duplicate hash): the
  // data are read once, and a one-shot command runs one loop before V8 has optimised it instead of three.
  // A non-finite entry throws at once, so the first one in row-major order is the one reported, as before.
  const zeroRows: number[] = [];
  const underflowRows: number[] = [];
  // Exact duplicates (with −0 = +0), by hashing each row's bits then comparing candidates exactly.
  const duplicates: Array<{ first: number; second: number }> = [];
  const buckets = new Map<number, number[]>();
  const scratch = new Float64Array(1);
  const words = new Uint32Array(scratch.buffer);
  const sameRow = (a: number, b: number): boolean => {
    for (let j = 0; j < cols; j++) if (data[a * cols + j] !== data[b * cols + j]) return false;
    return true;
  };
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    let zero = true;
    let sq = 0;
    let h = 0x811c9dc5;
    for (let j = 0; j < cols; j++) {
      const v = data[r + j];
      if (!Number.isFinite(v)) throw new UserError(`${name}: row ${i + 1}, column ${j + 1}: value ${v} is not finite`);
      zero = zero && v === 0;
      sq += v * v;
      scratch[0] = v === 0 ? 0 : v;
      h = Math.imul(h ^ words[0], 0x01000193);
      h = Math.imul(h ^ words[1], 0x01000193);
    }
    if (zero) zeroRows.push(i);
    else if (sq === 0) underflowRows.push(i);
    const bucket = buckets.get(h);
    if (bucket === undefined) {
      buckets.set(h, [i]);
      continue;
    }
    const first = bucket.find((b) => sameRow(b, i));
    if (first === undefined) bucket.push(i);
    else duplicates.push({ first, second: i });
  }

  const warnings: string[] = [];
  if (duplicates.length > 0) {
    const shown = duplicates.slice(0, 5).map((p) => `${p.second + 1} = ${p.first + 1}`);
    const more = duplicates.length > 5 ? ` and ${duplicates.length - 5} more` : '';
    warnings.push(`${name}: ${duplicates.length} duplicate sample(s) (rows ${shown.join(', ')}${more}); the kernel matrix is singular (λ_min = 0)`);
  }
  if (zeroRows.length > 0) {
    warnings.push(`${name}: ${zeroRows.length} all-zero sample(s) (row ${listRows(zeroRows)}); the kernel matrix is singular (λ_min = 0)`);
  }
  const zeroWarning = warnings.length - 1;
  if (underflowRows.length > 0) {
    warnings.push(
      `${name}: ${underflowRows.length} sample(s) whose squared norm underflows to 0 in float64 (row ${listRows(underflowRows)}); like all-zero samples they make the kernel matrix singular to float64 precision (λ_min ≤ K_ii, below 1e-300 unless the weights are very large)`,
    );
  }
  if (duplicates.length > 0 && !opts.allowDuplicates) throw new UserError(warnings[0]);
  if (zeroRows.length > 0 && !opts.allowZeroRows) throw new UserError(warnings[zeroWarning]);
  if (underflowRows.length > 0 && !opts.allowZeroRows) throw new UserError(warnings[warnings.length - 1]);
  return { duplicates, zeroRows, underflowRows, warnings };
}
