/**
 * Seeded random streams. A stream is an Alea generator (J. Baagøe 2010: fast, 2^116 period, fully
 * determined by its seed string); there is no global generator. Child streams are derived from a
 * parent seed and a path of labels, so that a task's randomness depends only on (run seed, task
 * identity) and never on scheduling or the number of workers.
 *
 * Alea is implemented here rather than through seedrandom.alea: the uniform stream `next()` is
 * bit-identical to seedrandom 3.0.5's `alea(seed).double()` (rng.test.ts checks it), with the state
 * in plain fields. Normals come from a ziggurat on a per-stream xoshiro128** generator seeded from
 * the stream (see "Standard normal" below).
 */
import { dotInterleaved } from '../linalg/blas.ts';
import { wasmGaussianFill, wasmSphereFill, type ZigguratTables } from './wasmSampling.ts';

export interface Rng {
  readonly seed: string;
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
}

export type Seed = string | number;

const TWO_M32 = 2.3283064365386963e-10; // 2^-32
const TWO_M53 = 1.1102230246251565e-16; // 2^-53

/**
 * Baagøe's Mash hash, as in seedrandom's alea.js (seeding only): feeds `data` into the state n and
 * returns the new state; the hash value is (n >>> 0)·2⁻³². The state is passed in and out rather than
 * captured in a closure as in alea.js: a captured double is boxed, and every update allocated (650 →
 * ≈ 250 ns per stream created, the same values).
 */
function mashFeed(n: number, data: string): number {
  for (let i = 0; i < data.length; i++) {
    n += data.charCodeAt(i);
    let h = 0.02519603282416938 * n;
    n = h >>> 0;
    h -= n;
    h *= n;
    n = h >>> 0;
    h -= n;
    n += h * 0x100000000; // 2^32
  }
  return n;
}

/**
 * Alea with seedrandom's seeding and its 53-bit `double()` (two 32-bit steps per double). State:
 * s0, s1, s2 multiples of 2^-32 in [0, 1), carry c an integer.
 */
export class AleaRng implements Rng {
  // `declare`: no class-field initialisers (they would store `undefined` first, giving the fields a
  // tagged representation, and the sampling loop then boxed its doubles: measured 16 against 12.6 ns
  // per normal and 14 bytes of garbage per normal, on the Alea-driven ziggurat).
  declare readonly seed: string;
  declare s0: number;
  declare s1: number;
  declare s2: number;
  declare c: number;
  /** xoshiro128** state for normals (int32 words), seeded from this stream on the first normal. */
  declare g0: number;
  declare g1: number;
  declare g2: number;
  declare g3: number;
  declare gaussianSeeded: boolean;
  constructor(seed: string) {
    let n = 0xefc8249d;
    n = mashFeed(n, ' ');
    let s0 = (n >>> 0) * TWO_M32;
    n = mashFeed(n, ' ');
    let s1 = (n >>> 0) * TWO_M32;
    n = mashFeed(n, ' ');
    let s2 = (n >>> 0) * TWO_M32;
    n = mashFeed(n, seed);
    s0 -= (n >>> 0) * TWO_M32;
    if (s0 < 0) s0 += 1;
    n = mashFeed(n, seed);
    s1 -= (n >>> 0) * TWO_M32;
    if (s1 < 0) s1 += 1;
    n = mashFeed(n, seed);
    s2 -= (n >>> 0) * TWO_M32;
    if (s2 < 0) s2 += 1;
    this.seed = seed;
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.c = 1;
    this.g0 = 0;
    this.g1 = 0;
    this.g2 = 0;
    this.g3 = 0;
    this.gaussianSeeded = false;
  }

  next(): number {
    let t = 2091639 * this.s0 + this.c * TWO_M32;
    let c = t | 0;
    const a = t - c;
    t = 2091639 * this.s1 + c * TWO_M32;
    c = t | 0;
    const b = t - c;
    this.s0 = this.s2;
    this.s1 = a;
    this.s2 = b;
    this.c = c;
    return a + ((b * 0x200000) | 0) * TWO_M53;
  }
}

export function createRng(seed: Seed): Rng {
  return new AleaRng(String(seed));
}

/** Derives a child seed from a parent seed and labels (stable across runs and platforms). */
export function deriveSeed(seed: Seed, ...path: (string | number)[]): string {
  return [String(seed), ...path.map(String)].join('/');
}

export function childRng(seed: Seed, ...path: (string | number)[]): Rng {
  return createRng(deriveSeed(seed, ...path));
}

// ---------------------------------------------------------------------------------------------
// Standard normal: ziggurat (Marsaglia & Tsang 2000, in Doornik's ZIGNOR form, 2005), 128 layers.
// An exact rejection method (rectangles, wedges checked against the density, Marsaglia's exact
// tail beyond R). The fast path (98.8 % of draws) takes two 32-bit words of a xoshiro128**
// generator (Blackman & Vigna 2018) per candidate: a 53-bit uniform u ∈ [−1, 1) from the first word
// and the top 21 bits of the second, the layer from the second word's low 7 bits (unused by u).
// The xoshiro state belongs to the stream: it is seeded from the stream's Alea output (four 32-bit
// steps) on the stream's first normal; wedges and the tail draw from Alea (`next()`). Everything is
// a deterministic function of the seed and of the sequence of calls on the stream.
// Measured (Node 20, 2-core reference machine, 2·10^7 draws in 1000-element fills): 47 ns per
// normal with the Marsaglia polar method (5.1 Alea steps, a log and a sqrt per normal, the pair's
// second normal discarded); 11.7 ns for the ziggurat on Alea (latency-bound on Alea's carry chain,
// two steps per normal); 3.3 ns on xoshiro128**. With the polar method, sampling took 27 % of the
// search time on the 26 small claims of bench/throughput.ts. The uniform stream `next()` is the same
// whichever normal sampler follows it.
// Fills of ≥ 48 normals run the fast path in WebAssembly (wasmSampling.ts wasmGaussianFill,
// bit-identical: same words, same operations, the wedge/tail test called back here in the same order):
// 4.0–4.3 against 5.7–6.0 ns per normal for the JS loop in the same process (38,000-normal fills).

const ZIG_C = 128;
const ZIG_R = 3.442619855899;
const ZIG_V = 9.91256303526217e-3;
/** Layer abscissae X[0..128] (X[0] = V/f(R) for the base strip, X[128] = 0) and ratios X[i+1]/X[i]. */
const ZIG_X = new Float64Array(ZIG_C + 1);
const ZIG_RATIO = new Float64Array(ZIG_C);
{
  let f = Math.exp(-0.5 * ZIG_R * ZIG_R);
  ZIG_X[0] = ZIG_V / f;
  ZIG_X[1] = ZIG_R;
  ZIG_X[ZIG_C] = 0;
  for (let i = 2; i < ZIG_C; i++) {
    ZIG_X[i] = Math.sqrt(-2 * Math.log(ZIG_V / ZIG_X[i - 1] + f));
    f = Math.exp(-0.5 * ZIG_X[i] * ZIG_X[i]);
  }
  for (let i = 0; i < ZIG_C; i++) ZIG_RATIO[i] = ZIG_X[i + 1] / ZIG_X[i];
}

const ZIG_TABLES: ZigguratTables = { x: ZIG_X, ratio: ZIG_RATIO };

/** Uniform in (0, 1] (for logarithms). */
function uniformPositive(rng: Rng): number {
  return 1 - rng.next();
}

/** Marsaglia's exact tail |x| > R, sign by `negative`. */
function normalTail(rng: Rng, negative: boolean): number {
  let x: number, y: number;
  do {
    x = Math.log(uniformPositive(rng)) / ZIG_R;
    y = Math.log(uniformPositive(rng));
  } while (-2 * y < x * x);
  return negative ? x - ZIG_R : ZIG_R - x;
}

/** Wedge or tail of layer i for the candidate u·X[i] (the slow path, 1.2 % of draws). */
function zigguratSlow(rng: Rng, u: number, i: number): number | null {
  if (i === 0) return normalTail(rng, u < 0);
  const x = u * ZIG_X[i];
  const f0 = Math.exp(-0.5 * (ZIG_X[i] * ZIG_X[i] - x * x));
  const f1 = Math.exp(-0.5 * (ZIG_X[i + 1] * ZIG_X[i + 1] - x * x));
  return f1 + rng.next() * (f0 - f1) < 1 ? x : null;
}

/** Seeds the stream's xoshiro128** state from four Alea steps (never all zero). */
function seedGaussian(rng: AleaRng): void {
  const w = [0, 0, 0, 0];
  for (let k = 0; k < 4; k++) {
    const t = 2091639 * rng.s0 + rng.c * TWO_M32;
    rng.c = t | 0;
    rng.s0 = rng.s1;
    rng.s1 = rng.s2;
    rng.s2 = t - rng.c;
    w[k] = (rng.s2 * 0x100000000) | 0; // the step's 32 bits, exactly (s2 is a multiple of 2^-32)
  }
  if ((w[0] | w[1] | w[2] | w[3]) === 0) w[0] = 1;
  rng.g0 = w[0];
  rng.g1 = w[1];
  rng.g2 = w[2];
  rng.g3 = w[3];
  rng.gaussianSeeded = true;
}

/** Standard normal N(0,1) (ziggurat; see above). */
export function gaussian(rng: Rng): number {
  if (rng instanceof AleaRng) {
    const out = SINGLE;
    fillGaussianRange(rng, out, 0, 1, 1);
    return out[0];
  }
  for (;;) {
    // Any other Rng: the same algorithm on next() (the layer from a second draw).
    const u = 2 * rng.next() - 1;
    const i = Math.floor(rng.next() * ZIG_C);
    if (Math.abs(u) < ZIG_RATIO[i]) return u * ZIG_X[i];
    const z = zigguratSlow(rng, u, i);
    if (z !== null) return z;
  }
}
const SINGLE = new Float64Array(1);

/** Fills `out` with i.i.d. N(0, scale²) samples and returns it. */
export function fillGaussian(rng: Rng, out: Float64Array, scale = 1): Float64Array {
  fillGaussianRange(rng, out, 0, out.length, scale);
  return out;
}

/** Writes i.i.d. N(0, scale²) samples to out[start..end) (the same stream as fillGaussian on that range). */
export function fillGaussianRange(rng: Rng, out: Float64Array, start: number, end: number, scale: number): void {
  if (!(rng instanceof AleaRng)) {
    for (let i = start; i < end; i++) out[i] = scale * gaussian(rng);
    return;
  }
  if (!rng.gaussianSeeded) seedGaussian(rng);
  // Long ranges: the same loop in WebAssembly (bit-identical; the wedge/tail test stays here).
  if (end - start >= 48 && wasmGaussianFill(ZIG_TABLES, rng, out, start, end, scale, (u, i) => zigguratSlow(rng, u, i))) return;
  // xoshiro128** in locals (int32 words); the slow path draws from Alea and leaves them alone.
  let a = rng.g0 | 0, b = rng.g1 | 0, c = rng.g2 | 0, d = rng.g3 | 0;
  for (let k = start; k < end; k++) {
    for (;;) {
      let r1 = Math.imul(b, 5);
      r1 = Math.imul((r1 << 7) | (r1 >>> 25), 9);
      let t = b << 9;
      c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
      d = (d << 11) | (d >>> 21);
      let r2 = Math.imul(b, 5);
      r2 = Math.imul((r2 << 7) | (r2 >>> 25), 9);
      t = b << 9;
      c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
      d = (d << 11) | (d >>> 21);
      const u = 2 * ((r1 >>> 0) * TWO_M32 + (r2 >>> 11) * TWO_M53) - 1;
      const i = r2 & 0x7f;
      if (Math.abs(u) < ZIG_RATIO[i]) {
        out[k] = scale * (u * ZIG_X[i]);
        break;
      }
      const z = zigguratSlow(rng, u, i);
      if (z !== null) {
        out[k] = scale * z;
        break;
      }
    }
  }
  rng.g0 = a;
  rng.g1 = b;
  rng.g2 = c;
  rng.g3 = d;
}

/**
 * out[start..end) ← radius·z/‖z‖ for z the next end − start standard normals of the stream (redrawn
 * while z = 0, which has probability ≈ 0): uniform on the sphere of that radius (rotation invariance).
 * ‖z‖² by sumSquaresInterleaved; in WebAssembly when available (wasmSphereFill), with the same bits.
 */
export function fillSphereRange(rng: Rng, out: Float64Array, start: number, end: number, radius: number): void {
  if (rng instanceof AleaRng && end - start >= 48) {
    if (!rng.gaussianSeeded) seedGaussian(rng);
    if (wasmSphereFill(ZIG_TABLES, rng, out, start, end, radius, (u, i) => zigguratSlow(rng, u, i))) return;
  }
  let nrm2 = 0;
  do {
    fillGaussianRange(rng, out, start, end, 1);
    nrm2 = sumSquaresInterleaved(out, start, end);
  } while (nrm2 === 0);
  const s = radius / Math.sqrt(nrm2);
  for (let k = start; k < end; k++) out[k] *= s;
}

/**
 * Σ a[k]² over [start, end) in four interleaved partial sums s_r (k − start ≡ r mod 4, the last
 * entries added to s_0 in order), returned as (s_0 + s_2) + (s_1 + s_3): the order of the WebAssembly
 * kernel `sumSquares`. One sequential chain was latency-bound (≈ 2 ns per entry). Error ≤ γ_n Σa² (Higham §3.1).
 */
export function sumSquaresInterleaved(a: Float64Array, start: number, end: number): number {
  return dotInterleaved(a, a, start, end, true);
}

/** Uniform integer in [0, n). */
export function uniformInt(rng: Rng, n: number): number {
  return Math.floor(rng.next() * n);
}
