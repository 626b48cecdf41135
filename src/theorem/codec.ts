import type { Matrix } from '../linalg/matrix.ts';

/**
 * Exact JSON encoding of instances for counterexample artifacts. Float64 values are written as
 * round-trip strings (ECMAScript Number#toString gives the shortest decimal that parses back to the
 * same double, so the value is exact), with NaN, ±Infinity and −0 spelled out. Matrices and
 * Float64Arrays are tagged so that an artifact can be replayed without the generator that made it.
 */

export type Encoded =
  | null
  | boolean
  | string
  | { $num: string }
  | { $f64: string[] }
  | { $matrix: { rows: number; cols: number; data: string[] } }
  | Encoded[]
  | { [key: string]: Encoded };

export function encodeNumber(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

export function decodeNumber(s: unknown, where: string): number {
  if (typeof s !== 'string' || s.trim() === '') throw new CodecError(`${where}: expected a number string, got ${JSON.stringify(s)}`);
  if (s === 'NaN') return NaN;
  if (s === '-0') return -0;
  const x = Number(s);
  if (Number.isNaN(x)) throw new CodecError(`${where}: ${JSON.stringify(s)} is not a number`);
  return x;
}

function isMatrix(v: unknown): v is Matrix {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as Matrix).data instanceof Float64Array &&
    Number.isInteger((v as Matrix).rows) &&
    Number.isInteger((v as Matrix).cols)
  );
}

export function encodeValue(v: unknown): Encoded {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return { $num: encodeNumber(v) };
  if (v instanceof Float64Array || v instanceof Float32Array) return { $f64: Array.from(v, encodeNumber) };
  if (isMatrix(v)) return { $matrix: { rows: v.rows, cols: v.cols, data: Array.from(v.data, encodeNumber) } };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (typeof v === 'object') {
    const out: { [key: string]: Encoded } = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined && typeof x !== 'function') out[k] = encodeValue(x);
    return out;
  }
  throw new CodecError(`cannot encode a value of type ${typeof v}`);
}

export function decodeValue(e: unknown, where = 'instance'): unknown {
  if (e === null || typeof e === 'boolean' || typeof e === 'string') return e;
  if (typeof e === 'number') return e; // plain JSON numbers are accepted as written
  if (Array.isArray(e)) return e.map((x, i) => decodeValue(x, `${where}[${i}]`));
  if (typeof e === 'object') {
    const o = e as Record<string, unknown>;
    if ('$num' in o) return decodeNumber(o.$num, where);
    if ('$f64' in o) {
      if (!Array.isArray(o.$f64)) throw new CodecError(`${where}: $f64 must be an array of number strings`);
      return Float64Array.from(o.$f64, (s, i) => decodeNumber(s, `${where}[${i}]`));
    }
    if ('$matrix' in o) {
      const m = o.$matrix as Record<string, unknown> | null;
      if (!m || typeof m !== 'object') throw new CodecError(`${where}: $matrix must be an object`);
      const { rows, cols, data } = m as { rows: unknown; cols: unknown; data: unknown };
      if (!Number.isInteger(rows) || !Number.isInteger(cols) || (rows as number) < 0 || (cols as number) < 0)
        throw new CodecError(`${where}: $matrix needs non-negative integer rows and cols`);
      if (!Array.isArray(data) || data.length !== (rows as number) * (cols as number))
        throw new CodecError(`${where}: $matrix data must hold rows × cols = ${(rows as number) * (cols as number)} entries`);
      return { rows: rows as number, cols: cols as number, data: Float64Array.from(data, (s, i) => decodeNumber(s, `${where}.data[${i}]`)) } satisfies Matrix;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = decodeValue(x, `${where}.${k}`);
    return out;
  }
  throw new CodecError(`${where}: unexpected ${typeof e}`);
}

export class CodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecError';
  }
}
