/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0), restricted to what a data set is: a 2-D
 * array of float64 or float32 in either byte order, C or Fortran order. The header dict is parsed
 * strictly (exactly the keys `descr`, `fortran_order`, `shape`; Python literal syntax only), and
 * every failure is a one-line {@link UserError} naming the file.
 *
 * Reference: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { writeFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import type { Matrix } from '../linalg/matrix.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** A value of the Python literal subset that can appear in an .npy header. */
type PyValue = string | boolean | number | PyValue[] | { tuple: PyValue[] } | { dict: Map<string, PyValue> };

class HeaderSyntaxError extends Error {}

function bad(name: string, msg: string): UserError {
  return new UserError(`${name}: ${msg}`);
}

/** Recursive-descent parser for the Python literal subset used by .npy headers. */
class PyLiteralParser {
  private pos = 0;
  constructor(private readonly s: string) {}

  parseTop(): PyValue {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.pos !== this.s.length) this.err(`unexpected ${JSON.stringify(this.s.slice(this.pos, this.pos + 10))} after the dict`);
    return v;
  }

  private err(msg: string): never {
    throw new HeaderSyntaxError(`${msg} (header offset ${this.pos})`);
  }

  private ws(): void {
    while (this.pos < this.s.length && /[ \t\r\n]/.test(this.s[this.pos])) this.pos++;
  }

  private value(): PyValue {
    const c = this.s[this.pos];
    if (c === undefined) this.err('unexpected end of header');
    if (c === '{') return this.dict();
    if (c === '(') return { tuple: this.sequence('(', ')') };
    if (c === '[') return this.sequence('[', ']');
    if (c === "'" || c === '"') return this.string();
    if (this.s.startsWith('True', this.pos)) return ((this.pos += 4), true);
    if (this.s.startsWith('False', this.pos)) return ((this.pos += 5), false);
    const m = /^[+-]?\d+L?/.exec(this.s.slice(this.pos, this.pos + 40));
    if (m) {
      this.pos += m[0].length;
      return Number(m[0].replace(/L$/, ''));
    }
    this.err(`unexpected ${JSON.stringify(this.s.slice(this.pos, this.pos + 10))}`);
  }

  private string(): string {
    const q = this.s[this.pos++];
    let out = '';
    for (;;) {
      const c = this.s[this.pos++];
      if (c === undefined) this.err('unterminated string');
      if (c === q) return out;
      if (c === '\\') {
        const e = this.s[this.pos++];
        if (e === undefined) this.err('unterminated string');
        out += e;
      } else out += c;
    }
  }

  private sequence(_open: string, close: string): PyValue[] {
    this.pos++; // open
    const items: PyValue[] = [];
    this.ws();
    while (this.s[this.pos] !== close) {
      items.push(this.value());
      this.ws();
      if (this.s[this.pos] === ',') {
        this.pos++;
        this.ws();
      } else if (this.s[this.pos] !== close) this.err(`expected ',' or '${close}'`);
    }
    this.pos++; // close
    return items;
  }

  private dict(): { dict: Map<string, PyValue> } {
    this.pos++; // {
    const d = new Map<string, PyValue>();
    this.ws();
    while (this.s[this.pos] !== '}') {
      if (this.s[this.pos] !== "'" && this.s[this.pos] !== '"') this.err('expected a string key');
      const k = this.string();
      if (d.has(k)) this.err(`duplicate key '${k}'`);
      this.ws();
      if (this.s[this.pos] !== ':') this.err(`expected ':' after key '${k}'`);
      this.pos++;
      this.ws();
      d.set(k, this.value());
      this.ws();
      if (this.s[this.pos] === ',') {
        this.pos++;
        this.ws();
      } else if (this.s[this.pos] !== '}') this.err("expected ',' or '}'");
    }
    this.pos++;
    return { dict: d };
  }
}

export interface NpyHeader {
  version: [number, number];
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the array data in the file. */
  dataOffset: number;
}

/** Parses and validates the magic string, version and header dict of an .npy buffer. */
export function parseNpyHeader(buf: Uint8Array, name = '.npy data'): NpyHeader {
  const fail = (msg: string): never => {
    throw bad(name, msg);
  };
  if (buf.length === 0) fail('file is empty');
  for (let i = 0; i < MAGIC.length; i++) {
    if (i >= buf.length) fail('truncated .npy file (incomplete magic string)');
    if (buf[i] !== MAGIC[i]) fail('not a .npy file (missing the \\x93NUMPY magic string)');
  }
  if (buf.length < 8) fail('truncated .npy file (no format version)');
  const major = buf[6];
  const minor = buf[7];
  if (![1, 2, 3].includes(major) || minor !== 0) fail(`unsupported .npy format version ${major}.${minor} (expected 1.0, 2.0 or 3.0)`);
  const lenBytes = major === 1 ? 2 : 4;
  if (buf.length < 8 + lenBytes) fail('truncated .npy file (no header length)');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const headerStart = 8 + lenBytes;
  const dataOffset = headerStart + headerLen;
  if (dataOffset > buf.length) fail(`truncated .npy file (header announces ${headerLen} bytes, only ${buf.length - headerStart} present)`);
  const headerBytes = buf.subarray(headerStart, dataOffset);
  let header: string;
  try {
    header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(headerBytes);
  } catch {
    throw bad(name, 'malformed .npy header (invalid UTF-8)');
  }
  let parsed: PyValue;
  try {
    parsed = new PyLiteralParser(header).parseTop();
  } catch (e) {
    if (e instanceof HeaderSyntaxError) throw bad(name, `malformed .npy header: ${e.message}`);
    throw e;
  }
  if (typeof parsed !== 'object' || parsed === null || !('dict' in parsed)) fail('malformed .npy header: not a dict');
  const dict = (parsed as { dict: Map<string, PyValue> }).dict;
  const expected = ['descr', 'fortran_order', 'shape'];
  for (const k of dict.keys()) if (!expected.includes(k)) fail(`malformed .npy header: unexpected key '${k}'`);
  for (const k of expected) if (!dict.has(k)) fail(`malformed .npy header: missing key '${k}'`);

  const descr = dict.get('descr');
  if (typeof descr !== 'string') fail('unsupported dtype: structured (record) arrays are not supported; save a plain 2-D float array');
  const fortran = dict.get('fortran_order');
  if (typeof fortran !== 'boolean') fail("malformed .npy header: 'fortran_order' must be True or False");
  const shapeV = dict.get('shape');
  if (typeof shapeV !== 'object' || shapeV === null || !('tuple' in shapeV)) fail("malformed .npy header: 'shape' must be a tuple");
  const shape: number[] = [];
  for (const s of (shapeV as { tuple: PyValue[] }).tuple) {
    if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0) fail("malformed .npy header: 'shape' must hold non-negative integers");
    shape.push(s as number);
  }
  return { version: [major, minor], descr: descr as string, fortranOrder: fortran as boolean, shape, dataOffset };
}

function describeDtype(descr: string): string {
  const kind = descr.replace(/^[<>|=]/, '')[0];
  const kinds: Record<string, string> = {
    i: 'signed integer',
    u: 'unsigned integer',
    b: 'boolean',
    c: 'complex',
    O: 'object (pickled Python objects)',
    U: 'unicode string',
    S: 'byte string',
    V: 'void/raw',
    M: 'datetime',
    m: 'timedelta',
    f: 'floating point of unsupported size',
  };
  return kinds[kind] ?? 'unknown';
}

/** Whether this host stores a double's bytes least significant first (as '<f8' does). */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/**
 * Decodes an .npy buffer holding a 2-D float64/float32 array into a row-major float64 Matrix.
 * Fortran-ordered arrays are transposed into C order. Non-finite entries are rejected.
 */
export function parseNpy(buf: Uint8Array, name = '.npy data'): Matrix {
  const fail = (msg: string): never => {
    throw bad(name, msg);
  };
  const h = parseNpyHeader(buf, name);
  const m = /^([<>])f([48])$/.exec(h.descr);
  if (!m) {
    throw bad(
      name,
      `unsupported dtype '${h.descr}' (${describeDtype(h.descr)}); expected float64 or float32 ('<f8', '<f4', '>f8', '>f4') — convert with x.astype(np.float64)`,
    );
  }
  const littleEndian = m[1] !== '>';
  const itemSize = Number(m[2]);
  if (h.shape.length !== 2) {
    const shapeStr = `(${h.shape.join(', ')}${h.shape.length === 1 ? ',' : ''})`;
    fail(
      `expected a 2-D array (samples × features), got ${h.shape.length}-D shape ${shapeStr}${h.shape.length === 1 ? ' — reshape with x.reshape(-1, 1) or x.reshape(1, -1)' : ''}`,
    );
  }
  const [rows, cols] = h.shape;
  const count = rows * cols;
  const needed = count * itemSize;
  const available = buf.length - h.dataOffset;
  if (available < needed) fail(`truncated .npy file: shape (${rows}, ${cols}) needs ${needed} data bytes, found ${available}`);
  if (available > needed) fail(`malformed .npy file: ${available - needed} unexpected bytes after the data of shape (${rows}, ${cols})`);
  if (rows === 0) fail('no rows (shape has 0 samples)');
  if (cols === 0) fail('zero columns (shape has 0 features)');
  if (itemSize === 8 && littleEndian && !h.fortranOrder && HOST_LITTLE_ENDIAN) {
    // The common case (NumPy's default '<f8', C order) on a little-endian host: the bytes ARE the doubles. One
    // copy (into a fresh, 8-byte aligned buffer) and a finiteness scan, instead of a DataView read per entry.
    const start = buf.byteOffset + h.dataOffset;
    const data = new Float64Array(new Uint8Array(buf.buffer, start, needed).slice().buffer);
    for (let k = 0; k < count; k++) {
      if (!Number.isFinite(data[k]))
        fail(`row ${Math.floor(k / cols) + 1}, column ${(k % cols) + 1}: value ${data[k]} is not finite (NaN and ±Inf are not allowed)`);
    }
    return { rows, cols, data };
  }
  const dv = new DataView(buf.buffer, buf.byteOffset + h.dataOffset, needed);
  const data = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const v = itemSize === 8 ? dv.getFloat64(k * 8, littleEndian) : dv.getFloat32(k * 4, littleEndian);
    // Fortran order: element k is (i, j) with k = j * rows + i.
    const i = h.fortranOrder ? k % rows : Math.floor(k / cols);
    const j = h.fortranOrder ? Math.floor(k / rows) : k % cols;
    if (!Number.isFinite(v)) fail(`row ${i + 1}, column ${j + 1}: value ${v} is not finite (NaN and ±Inf are not allowed)`);
    data[i * cols + j] = v;
  }
  return { rows, cols, data };
}

/** Serialises a matrix as an .npy (format 1.0, dtype '<f8', C order) buffer. */
export function matrixToNpyBuffer(m: Matrix): Uint8Array {
  if (m.data.length !== m.rows * m.cols) throw new RangeError(`matrixToNpyBuffer: data length ${m.data.length} ≠ ${m.rows}×${m.cols}`);
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${m.rows}, ${m.cols}), }`;
  // Pad with spaces and a final newline so that magic + version + length + header is a multiple of 64.
  const prefix = 10;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = dict + ' '.repeat(total - prefix - dict.length - 1) + '\n';
  if (header.length > 0xffff) throw new RangeError('matrixToNpyBuffer: header too long for format 1.0');
  const buf = Buffer.alloc(total + m.data.length * 8);
  buf.set(MAGIC, 0);
  buf[6] = 1;
  buf[7] = 0;
  buf.writeUInt16LE(header.length, 8);
  buf.write(header, prefix, 'latin1');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let k = 0; k < m.data.length; k++) dv.setFloat64(total + k * 8, m.data[k], true);
  return buf;
}

/** Writes a matrix to `path` as an .npy file (float64, C order); readable by `numpy.load`. */
export function writeNpy(path: string, m: Matrix): void {
  writeFileSync(path, matrixToNpyBuffer(m));
}
