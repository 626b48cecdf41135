import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { fromRows, type Matrix, toRows } from '../linalg/matrix.ts';
import { matrixToNpyBuffer, parseNpyHeader, readDataFile, validateDataMatrix, writeNpy } from './data.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ntk-audit-io-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** Builds an .npy file by hand: magic, version, header length, padded header dict, payload. */
function npyBytes(dict: string, payload: Uint8Array, version: 1 | 2 | 3 = 1): Buffer {
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = dict + ' '.repeat(total - prefix - dict.length - 1) + '\n';
  const head = Buffer.alloc(prefix);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) head.writeUInt16LE(header.length, 8);
  else head.writeUInt32LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, version === 3 ? 'utf8' : 'latin1'), Buffer.from(payload)]);
}

function floats(values: number[], size: 4 | 8, littleEndian = true): Uint8Array {
  const buf = new Uint8Array(values.length * size);
  const dv = new DataView(buf.buffer);
  values.forEach((v, k) => (size === 8 ? dv.setFloat64(k * 8, v, littleEndian) : dv.setFloat32(k * 4, v, littleEndian)));
  return buf;
}

function expectUserError(fn: () => unknown, ...patterns: RegExp[]): UserError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a UserError').toBeInstanceOf(UserError);
  const err = caught as UserError;
  expect(err.exitCode).toBe(2);
  expect(err.message).not.toMatch(/\n/);
  for (const p of patterns) expect(err.message).toMatch(p);
  return err;
}

const X = fromRows([
  [1, -2.5, 3e-300],
  [0.1, 1 / 3, -0],
]);

describe('npy round trip', () => {
  it('writeNpy → readDataFile preserves every bit (float64, C order)', () => {
    const p = join(dir, 'rt.npy');
    writeNpy(p, X);
    const y = readDataFile(p);
    expect(y.rows).toBe(2);
    expect(y.cols).toBe(3);
    expect(Array.from(y.data)).toEqual(Array.from(X.data));
    expect(Object.is(y.data[5], -0)).toBe(true);
  });

  it('matrixToNpyBuffer writes a 64-byte aligned v1.0 header ending in a newline', () => {
    const buf = matrixToNpyBuffer(X);
    const h = parseNpyHeader(buf);
    expect(h).toMatchObject({ version: [1, 0], descr: '<f8', fortranOrder: false, shape: [2, 3] });
    expect(h.dataOffset % 64).toBe(0);
    expect(buf[h.dataOffset - 1]).toBe(0x0a);
    expect(buf.length).toBe(h.dataOffset + 6 * 8);
  });

  it('reads a hand-written float32 file (<f4) exactly', () => {
    const vals = [1.5, -2, 0.1, 3, 4, 5];
    const p = file('f4.npy', npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", floats(vals, 4)));
    const y = readDataFile(p);
    expect([y.rows, y.cols]).toEqual([3, 2]);
    expect(Array.from(y.data)).toEqual(vals.map(Math.fround));
  });

  it('reads big-endian >f8 and >f4', () => {
    const vals = [1, 2, 3, 4];
    const p8 = file('be8.npy', npyBytes("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 2), }", floats(vals, 8, false)));
    const p4 = file('be4.npy', npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", floats(vals, 4, false)));
    expect(Array.from(readDataFile(p8).data)).toEqual(vals);
    expect(Array.from(readDataFile(p4).data)).toEqual(vals);
  });

  it('transposes Fortran-ordered arrays into row-major order', () => {
    // Matrix [[1, 2, 3], [4, 5, 6]] stored column by column.
    const p = file('fortran.npy', npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", floats([1, 4, 2, 5, 3, 6], 8)));
    expect(toRows(readDataFile(p))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('accepts format versions 2.0 and 3.0, double-quoted keys and a header without trailing comma', () => {
    const p2 = file('v2.npy', npyBytes('{"descr": "<f8", "fortran_order": False, "shape": (1, 2)}', floats([7, 8], 8), 2));
    const p3 = file('v3.npy', npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", floats([7, 8], 8), 3));
    expect(Array.from(readDataFile(p2).data)).toEqual([7, 8]);
    expect(Array.from(readDataFile(p3).data)).toEqual([7, 8]);
  });
});

describe('CSV', () => {
  it('reads plain rows, a header, CRLF, comments, quotes and trailing blank lines', () => {
    const a = readDataFile(file('a.csv', '1,2,3\n4,5,6\n'));
    expect(toRows(a)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = readDataFile(file('b.csv', '\ufeff"x1", x2 ,x3\r\n1, -2.5e-3 ,+3\r\n.5,6.,7\r\n\r\n  \n'));
    expect(toRows(b)).toEqual([
      [1, -2.5e-3, 3],
      [0.5, 6, 7],
    ]);
    const c = readDataFile(file('c.csv', '# x1,x2\n1,2\n# middle comment\n3,4'));
    expect(toRows(c)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const d = readDataFile(file('UPPER.CSV', '5\n6\n'));
    expect([d.rows, d.cols]).toEqual([2, 1]);
  });

  it('round-trips float64 values written with full precision', () => {
    const vals = [0.1 + 0.2, Math.PI, -1e-308, 5e-324, 1.7976931348623157e308];
    const m = readDataFile(file('prec.csv', vals.map(String).join(',') + '\n'));
    expect(Array.from(m.data)).toEqual(vals);
  });

  it.each([
    ['empty file', 'empty.csv', '', /empty\.csv: file is empty/],
    ['only blank lines', 'blank.csv', '\n\n  \n', /no data lines/],
    ['header only', 'hdr.csv', 'a,b,c\n', /no rows \(only a header line\)/],
    ['ragged rows', 'ragged.csv', '1,2,3\n4,5\n', /ragged\.csv: line 2 \(row 2\): ragged rows — has 2 column\(s\), expected 3/],
    ['non-numeric cell', 'text.csv', '1,2\n3,abc\n', /text\.csv: line 2 \(row 2\), column 2: non-numeric value "abc"/],
    ['mixed first row', 'mixed.csv', 'x,1\n2,3\n', /line 1 \(row 1\), column 1: non-numeric value "x"/],
    ['NaN', 'nan.csv', '1,2\nNaN,3\n', /line 2 \(row 2\), column 1: value "NaN" is not finite/],
    ['Inf', 'inf.csv', '1,-inf\n', /line 1 \(row 1\), column 2: value "-inf" is not finite/],
    ['overflow', 'big.csv', '1,1e400\n', /column 2: value "1e400" overflows float64/],
    ['empty cell', 'cell.csv', '1,,3\n', /line 1 \(row 1\), column 2: empty cell/],
    ['blank line inside', 'gap.csv', '1,2\n\n3,4\n', /line 2: blank line inside the data/],
    ['header width', 'hw.csv', 'a,b,c\n1,2\n', /has 2 column\(s\) but the header on line 1 has 3/],
    ['space separated', 'space.csv', '1 2\n3 4\n', /line 1 \(row 1\), column 1: non-numeric value "1 2" \(cells must be separated by commas\)/],
    ['hex is not a number', 'hex.csv', '0x10,1\n', /non-numeric value "0x10"/],
  ])('%s → UserError', (_label, name, content, pattern) => {
    const p = file(name, content);
    expectUserError(() => readDataFile(p), pattern);
  });
});

describe('JSON', () => {
  it('reads an array of rows and a {"data": …} object', () => {
    expect(toRows(readDataFile(file('a.json', '[[1, 2], [3.5, -4e-2]]')))).toEqual([
      [1, 2],
      [3.5, -0.04],
    ]);
    expect(toRows(readDataFile(file('b.json', '{"data": [[1], [2]], "source": "test"}')))).toEqual([[1], [2]]);
  });

  it.each([
    ['empty file', 'e.json', '', /e\.json: file is empty/],
    ['whitespace only', 'ws.json', '  \n', /ws\.json: file is empty/],
    ['malformed', 'bad.json', '[[1, 2],\n [3, ]]', /bad\.json: malformed JSON: Unexpected token/],
    ['truncated', 'trunc.json', '[[1, 2],\n [3, ', /trunc\.json: malformed JSON: Unexpected end of JSON input \(the file is incomplete\)/],
    ['no rows', 'norows.json', '[]', /no rows/],
    ['no rows in data', 'norows2.json', '{"data": []}', /"data": no rows/],
    ['zero columns', 'zerocols.json', '[[], []]', /zero columns/],
    ['ragged', 'ragged.json', '[[1, 2], [3]]', /row 2: ragged rows — has 1 column\(s\), expected 2/],
    ['string cell', 'str.json', '[[1, 2], [3, "4"]]', /row 2, column 2: expected a number, got string "4"/],
    ['null cell', 'null.json', '[[1, null]]', /row 1, column 2: expected a number, got null \(JSON\.stringify writes NaN/],
    ['overflow', 'big.json', '[[1e999]]', /row 1, column 1: value Infinity is not finite/],
    ['flat array', 'flat.json', '[1, 2, 3]', /flat array of 3 numbers/],
    ['row not an array', 'rowobj.json', '[[1], {"a": 1}]', /row 2: expected an array of numbers, got an object/],
    ['object without data', 'nodata.json', '{"x": [[1]]}', /object without "data"/],
    ['data not an array', 'dataobj.json', '{"data": 5}', /"data" must be an array of rows, got number 5/],
    ['scalar document', 'scalar.json', '42', /expected an array of rows or an object/],
  ])('%s → UserError', (_label, name, content, pattern) => {
    const p = file(name, content);
    expectUserError(() => readDataFile(p), pattern);
  });
});

describe('file and .npy errors', () => {
  const ok = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
  const four = floats([1, 2, 3, 4], 8);

  it('missing file, directory, unknown extension', () => {
    expectUserError(() => readDataFile(join(dir, 'nope.csv')), /nope\.csv: file not found/);
    mkdirSync(join(dir, 'folder.csv'), { recursive: true });
    expectUserError(() => readDataFile(join(dir, 'folder.csv')), /folder\.csv: is a directory/);
    expectUserError(() => readDataFile(file('data.txt', '1,2')), /data\.txt: unsupported file extension '\.txt'/);
    expectUserError(() => readDataFile(file('noext', '1,2')), /unsupported file extension '\(none\)'/);
  });

  it.each([
    ['empty file', () => new Uint8Array(0), /e0\.npy: file is empty/],
    ['not npy', () => Buffer.from('hello world, not numpy'), /not a \.npy file/],
    ['truncated magic', () => Buffer.from([0x93, 0x4e, 0x55]), /truncated \.npy file/],
    ['truncated header', () => npyBytes(ok, four).subarray(0, 40), /truncated \.npy file \(header announces/],
    [
      'truncated data',
      () => npyBytes(ok, four).subarray(0, parseNpyHeader(npyBytes(ok, four)).dataOffset + 20),
      /truncated \.npy file: shape \(2, 2\) needs 32 data bytes, found 20/,
    ],
    ['trailing bytes', () => npyBytes(ok, floats([1, 2, 3, 4, 5], 8)), /8 unexpected bytes after the data/],
    ['bad version', () => Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 4, 0]), Buffer.alloc(60)]), /unsupported \.npy format version 4\.0/],
    ['integer dtype', () => npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }", four), /unsupported dtype '<i8' \(signed integer\)/],
    ['object dtype', () => npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (2, 2), }", four), /unsupported dtype '\|O' \(object/],
    ['structured dtype', () => npyBytes("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", four), /structured/],
    ['1-D', () => npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", four), /expected a 2-D array .* 1-D shape \(4,\)/],
    ['3-D', () => npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 2), }", four), /3-D shape \(1, 2, 2\)/],
    ['0 rows', () => npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", new Uint8Array(0)), /no rows/],
    ['0 columns', () => npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 0), }", new Uint8Array(0)), /zero columns/],
    ['missing key', () => npyBytes("{'descr': '<f8', 'shape': (2, 2), }", four), /missing key 'fortran_order'/],
    ['extra key', () => npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'x': 1}", four), /unexpected key 'x'/],
    ['duplicate key', () => npyBytes("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}", four), /duplicate key 'descr'/],
    ['bad fortran_order', () => npyBytes("{'descr': '<f8', 'fortran_order': 0, 'shape': (2, 2), }", four), /'fortran_order' must be True or False/],
    ['shape as list', () => npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': [2, 2], }", four), /'shape' must be a tuple/],
    ['garbage in header', () => npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), } junk", four), /malformed \.npy header/],
    ['unterminated', () => npyBytes("{'descr': '<f8, 'fortran_order': False", four), /malformed \.npy header/],
    ['NaN entry', () => npyBytes(ok, floats([1, 2, Number.NaN, 4], 8)), /row 2, column 1: value NaN is not finite/],
    [
      'Inf entry (float32)',
      () => npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", floats([1, Infinity, 3, 4], 4)),
      /row 1, column 2: value Infinity is not finite/,
    ],
  ])('%s → UserError', (label, bytes, pattern) => {
    const p = file(`e${label === 'empty file' ? 0 : label.replace(/\W+/g, '_')}.npy`, bytes());
    expectUserError(() => readDataFile(p), pattern, /\.npy: /);
  });
});

describe('validateDataMatrix', () => {
  const dup: Matrix = fromRows([
    [1, 2],
    [0, 0],
    [1, 2],
    [3, 4],
    [-0, 0],
  ]);

  it('reports duplicates (−0 = +0) and zero rows as warnings when allowed', () => {
    const r = validateDataMatrix(dup, { allowDuplicates: true, allowZeroRows: true, name: 'x.csv' });
    expect(r.duplicates).toEqual([
      { first: 0, second: 2 },
      { first: 1, second: 4 },
    ]);
    expect(r.zeroRows).toEqual([1, 4]);
    expect(r.warnings).toHaveLength(2);
    expect(r.warnings[0]).toMatch(/x\.csv: 2 duplicate sample\(s\) \(rows 3 = 1, 5 = 2\); the kernel matrix is singular/);
    expect(r.warnings[1]).toMatch(/2 all-zero sample\(s\) \(row 2, 5\)/);
  });

  it('throws by default', () => {
    expectUserError(() => validateDataMatrix(dup), /duplicate sample/);
    expectUserError(() => validateDataMatrix(dup, { allowDuplicates: true }), /all-zero sample/);
    expectUserError(() => validateDataMatrix(fromRows([[1], [0]])), /all-zero/);
  });

  it('clean data has no warnings; shape and finiteness are always checked', () => {
    expect(validateDataMatrix(X).warnings).toEqual([]);
    expectUserError(() => validateDataMatrix({ rows: 0, cols: 3, data: new Float64Array(0) }), /no rows/);
    expectUserError(() => validateDataMatrix({ rows: 2, cols: 0, data: new Float64Array(0) }), /zero columns/);
    expectUserError(() => validateDataMatrix({ rows: 2, cols: 2, data: new Float64Array(3) }), /does not match shape/);
    expectUserError(
      () =>
        validateDataMatrix(
          fromRows([
            [1, 2],
            [3, Number.NaN],
          ]),
        ),
      /row 2, column 2: value NaN is not finite/,
    );
  });

  it('finds duplicates among many rows (hash collisions resolved exactly)', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => [i % 7, Math.floor(i / 7), 0.5]);
    rows.push([3, 10, 0.5]);
    const r = validateDataMatrix(fromRows(rows), { allowDuplicates: true });
    expect(r.duplicates).toEqual([{ first: 73, second: 2000 }]);
  });
});

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { timeout: 60_000 }).status === 0;
if (!hasNumpy) console.warn('skipping the numpy interoperability test: python3 with numpy is not available');

describe.skipIf(!hasNumpy)('numpy interoperability', () => {
  it('reads float64, float32, Fortran-ordered and big-endian arrays saved by numpy.save, and numpy reads writeNpy', () => {
    const script = `
import numpy as np, sys
d = sys.argv[1]
x = np.array([[0.1, -2.0, 3e-300], [1/3, 5.0, -7.25]])
np.save(d + '/np64.npy', x)
np.save(d + '/np32.npy', x.astype(np.float32))
np.save(d + '/npF.npy', np.asfortranarray(x))
np.save(d + '/npBE.npy', x.astype('>f8'))
y = np.load(d + '/ours.npy')
assert y.dtype == np.float64 and y.shape == (2, 3) and y.flags['C_CONTIGUOUS'], (y.dtype, y.shape)
assert (y == np.array([[1.0, -2.5, 3e-300], [0.1, 1/3, -0.0]])).all()
print('ok')
`;
    writeNpy(join(dir, 'ours.npy'), X);
    const r = spawnSync('python3', ['-c', script, dir], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok');
    const expected = [0.1, -2.0, 3e-300, 1 / 3, 5.0, -7.25];
    expect(Array.from(readDataFile(join(dir, 'np64.npy')).data)).toEqual(expected);
    expect(Array.from(readDataFile(join(dir, 'npF.npy')).data)).toEqual(expected);
    expect(Array.from(readDataFile(join(dir, 'npBE.npy')).data)).toEqual(expected);
    const f32 = readDataFile(join(dir, 'np32.npy'));
    expect([f32.rows, f32.cols]).toEqual([2, 3]);
    expect(Array.from(f32.data)).toEqual(expected.map(Math.fround));
  });
});

describe('normalizeRows at any scale', () => {
  it("'unit' and 'sqrt-d' give every non-zero row its target norm, for rows from 5e-324 to 1e300 (checked in 60-digit decimal)", async () => {
    const { Decimal } = await import('decimal.js');
    const { normalizeRows } = await import('./datasets.ts');
    Decimal.set({ precision: 60 });
    const rows = [
      [1e200, 1],
      [1e-170, 0],
      [5e-324, 5e-324],
      [1e300, -1e300],
      [3, 4],
    ];
    for (const how of ['unit', 'sqrt-d'] as const) {
      const x = { rows: rows.length, cols: 2, data: Float64Array.from(rows.flat()) };
      normalizeRows(x, how);
      const target = how === 'unit' ? new Decimal(1) : new Decimal(2).sqrt();
      for (let i = 0; i < rows.length; i++) {
        const norm = new Decimal(x.data[2 * i])
          .pow(2)
          .plus(new Decimal(x.data[2 * i + 1]).pow(2))
          .sqrt();
        expect(norm.minus(target).abs().div(target).toNumber(), `${how} row ${i}: ${x.data[2 * i]}, ${x.data[2 * i + 1]}`).toBeLessThan(8 * 2 ** -53);
      }
    }
  });
});
