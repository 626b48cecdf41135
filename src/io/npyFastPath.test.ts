/**
 * parseNpy's '<f8' C-order path (src/io/npy.ts: one copy of the payload, then a finiteness scan) against an
 * independent decoder: Buffer.readDoubleLE on each 8-byte little-endian field, which shares no code with it.
 * Every entry must be the same double (Object.is: −0 and +0 differ), whatever the alignment of the payload in
 * memory, and the first non-finite entry must be named by its row and column.
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { parseNpy } from './npy.ts';

/** An .npy v1 file by hand: magic, version, header length, a header dict padded to a multiple of 64 bytes. */
function npyFile(dict: string, payload: Buffer): Buffer {
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = dict + ' '.repeat(total - 10 - dict.length - 1) + '\n';
  const head = Buffer.alloc(10);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), payload]);
}

/** Doubles that exercise every byte: signed zeros, subnormals, extremes, non-representable decimals. */
const SPECIAL = [0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 0.1, -1 / 3, Math.PI, 1e-300, 123456789.125];

function payloadOf(values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 8);
  values.forEach((v, k) => b.writeDoubleLE(v, k * 8));
  return b;
}

/** Deterministic doubles with random bit patterns (finite only): a 32-bit LCG fills both halves of each double. */
function randomFinite(count: number): number[] {
  const out: number[] = [];
  const b = Buffer.alloc(8);
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  while (out.length < count) {
    b.writeUInt32LE(next(), 0);
    b.writeUInt32LE(next(), 4);
    const v = b.readDoubleLE(0);
    if (Number.isFinite(v)) out.push(v);
  }
  return out;
}

describe("parseNpy, '<f8' in C order", () => {
  const rows = 7,
    cols = 5;
  const values = [...SPECIAL, ...randomFinite(rows * cols - SPECIAL.length)];
  const file = npyFile(`{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`, payloadOf(values));

  it.each([0, 1, 3, 5, 8])('is bit-identical to Buffer.readDoubleLE with the file at byte offset %i of its buffer', (shift) => {
    const host = Buffer.alloc(file.length + shift + 3);
    file.copy(host, shift);
    const view = host.subarray(shift, shift + file.length);
    const m = parseNpy(view, 'x.npy');
    expect([m.rows, m.cols]).toEqual([rows, cols]);
    const dataStart = file.length - rows * cols * 8;
    for (let k = 0; k < rows * cols; k++) {
      const ref = view.readDoubleLE(dataStart + 8 * k);
      if (!Object.is(m.data[k], ref)) throw new Error(`entry ${k}: ${m.data[k]} vs ${ref}`);
    }
    // the matrix owns its storage: changing the file's bytes afterwards does not change it
    const before = m.data[0];
    view.fill(0xff, dataStart, dataStart + 8);
    expect(Object.is(m.data[0], before)).toBe(true);
  });

  it.each([
    [NaN, 2, 3],
    [Infinity, 7, 5],
    [-Infinity, 1, 1],
  ])('names the first non-finite entry (%s at row %i, column %i)', (bad, row, col) => {
    const v = values.slice();
    v[(row - 1) * cols + (col - 1)] = bad;
    if (row < rows) v[rows * cols - 1] = NaN; // a later one is not the one reported
    const f = npyFile(`{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`, payloadOf(v));
    expect(() => parseNpy(f, 'x.npy')).toThrow(UserError);
    expect(() => parseNpy(f, 'x.npy')).toThrow(`row ${row}, column ${col}: value ${bad} is not finite`);
  });
});
