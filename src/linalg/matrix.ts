/**
 * Dense row-major float64 matrices with explicit shapes. Every numerical routine in src/linalg and
 * src/ntk takes and returns this plain record; there is no class and no hidden state.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major: entry (i, j) is data[i * cols + j]. Length rows * cols. */
  readonly data: Float64Array;
}

/** Unit roundoff of IEEE binary64 (round to nearest): u = 2^-53. */
export const UNIT_ROUNDOFF = 2 ** -53;
/** Smallest positive subnormal binary64 number. */
export const ETA = 2 ** -1074;

/** γ_k = k u / (1 − k u) (Higham, Accuracy and Stability, Lemma 3.1); Infinity if k u ≥ 1. */
export function gamma(k: number): number {
  const ku = k * UNIT_ROUNDOFF;
  return ku < 1 ? ku / (1 - ku) : Infinity;
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

export function fromRows(rows: ArrayLike<ArrayLike<number>>): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0].length;
  const m = zeros(r, c);
  for (let i = 0; i < r; i++) {
    if (rows[i].length !== c) throw new RangeError(`fromRows: row ${i} has ${rows[i].length} entries, expected ${c}`);
    for (let j = 0; j < c; j++) m.data[i * c + j] = rows[i][j];
  }
  return m;
}

export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

export function clone(m: Matrix): Matrix {
  return { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) };
}

export function get(m: Matrix, i: number, j: number): number {
  return m.data[i * m.cols + j];
}

export function row(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

export function transpose(m: Matrix): Matrix {
  const t = zeros(m.cols, m.rows);
  const { rows, cols, data } = m;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t.data[j * rows + i] = data[i * cols + j];
  return t;
}

export function assertSquare(m: Matrix, what = 'matrix'): void {
  if (m.rows !== m.cols) throw new RangeError(`${what} must be square, got ${m.rows}×${m.cols}`);
}

/** Largest |a_ij − a_ji|; 0 for an exactly symmetric matrix. */
export function asymmetry(m: Matrix): number {
  assertSquare(m);
  const n = m.rows;
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) worst = Math.max(worst, Math.abs(m.data[i * n + j] - m.data[j * n + i]));
  return worst;
}

/** Copies the upper triangle onto the lower one (in place) and returns m. */
export function symmetrizeFromUpper(m: Matrix): Matrix {
  assertSquare(m);
  const n = m.rows;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) m.data[j * n + i] = m.data[i * n + j];
  return m;
}

export function trace(m: Matrix): number {
  assertSquare(m);
  let s = 0;
  for (let i = 0; i < m.rows; i++) s += m.data[i * m.cols + i];
  return s;
}

export function diagonal(m: Matrix): Float64Array {
  assertSquare(m);
  const d = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) d[i] = m.data[i * m.cols + i];
  return d;
}

/** True when every entry is finite (no NaN, no ±Infinity). */
export function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/**
 * The power of two p with p·max|a_ij| ∈ [1, 2) (p = 2^1023 when max|a_ij| < 2^-1023, as 2^1024 overflows),
 * or 1 when max|a_ij| already lies in [2^-200, 2^200].
 * Scaling by p is exact for every entry that stays normal; routines whose products would overflow or
 * underflow (Cholesky, Householder) scale extreme inputs by it and scale the results back.
 */
export function binaryScaleFactor(a: Matrix): number {
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i]));
  if (m === 0 || !Number.isFinite(m) || (m <= 2 ** 200 && m >= 2 ** -200)) return 1;
  return 2 ** Math.min(1023, -Math.floor(Math.log2(m)));
}

export function scaledCopy(a: Matrix, p: number): Matrix {
  const data = new Float64Array(a.data.length);
  for (let i = 0; i < data.length; i++) data[i] = a.data[i] * p;
  return { rows: a.rows, cols: a.cols, data };
}
