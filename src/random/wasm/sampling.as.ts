// AssemblyScript source of src/random/wasm/sampling.wasm (build: `npm run build:wasm`; a test checks that
// the committed binary is exactly what this source compiles to). Loaded and dispatched by ../wasmSampling.ts,
// on the WebAssembly workspace of src/linalg/wasmKernels.ts (imported memory: this module owns no memory
// and no data; it works in the workspace's scratch area, bytes [0, WASM_SCRATCH_BYTES)).
//
// 128-bit SIMD (f64x2) and i32 arithmetic without fused multiply-add (relaxed SIMD is not enabled): every
// product and sum is an IEEE-754 double operation rounded to nearest, in the order of the JS loops of
// ../rng.ts, so the results are bit-identical to them.

/**
 * Standard normals by the ziggurat of ../rng.ts (Doornik's ZIGNOR, 128 layers, on a
 * xoshiro128** stream), FAST PATH ONLY, bit-identical to the JS loop `fillGaussianRange`: per candidate
 * two xoshiro steps, u = 2(w1·2⁻³² + (w2 ≫ 11)·2⁻⁵³) − 1, layer i = w2 & 127, accept if |u| < ratio[i]
 * and store scale·(u·X[i]) (the same IEEE operations in the same order). Writes out[k] for k = start, …
 * until end (returns −1) or until a candidate falls outside its rectangle (returns that k, with u at
 * st + 16 and i at st + 24): the caller runs the wedge/tail test (which draws from the stream's Alea
 * generator, never from xoshiro), stores the value or rejects, and calls again from k + 1 or k.
 * State at st: the four int32 xoshiro words (read on entry, written back on return). Tables: X[0..128]
 * at tx, ratio[0..127] at tr.
 */
export function gaussianFill(st: usize, tx: usize, tr: usize, out: usize, start: i32, end: i32, scale: f64): i32 {
  let a = load<i32>(st), b = load<i32>(st, 4), c = load<i32>(st, 8), d = load<i32>(st, 12);
  let k = start;
  for (; k < end; k++) {
    let r1 = b * 5;
    r1 = rotl<i32>(r1, 7) * 9;
    let t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
    d = rotl<i32>(d, 11);
    let r2 = b * 5;
    r2 = rotl<i32>(r2, 7) * 9;
    t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
    d = rotl<i32>(d, 11);
    const u = 2 * (<f64>(<u32>r1) * 2.3283064365386963e-10 + <f64>(<u32>r2 >>> 11) * 1.1102230246251565e-16) - 1;
    const io = <usize>(r2 & 0x7f) << 3;
    if (!(Math.abs(u) < load<f64>(tr + io))) {
      store<f64>(st, u, 16);
      store<i32>(st, r2 & 0x7f, 24);
      break;
    }
    store<f64>(out + (<usize>k << 3), scale * (u * load<f64>(tx + io)));
  }
  store<i32>(st, a); store<i32>(st, b, 4); store<i32>(st, c, 8); store<i32>(st, d, 12);
  return k < end ? k : -1;
}

/**
 * Σ_{k<len} p[k]² in four interleaved partial sums, s_r over k ≡ r (mod 4) for k < 4⌊len/4⌋ and the
 * remaining entries added to s_0 in order; returns (s_0 + s_2) + (s_1 + s_3) — the order
 * random/distributions.ts uses in JS, so both give the same bits. Error ≤ γ_len Σ p[k]² (Higham §3.1).
 */
export function sumSquares(p: usize, len: i32): f64 {
  let a = f64x2.splat(0), b = f64x2.splat(0);
  let k = 0;
  for (; k + 3 < len; k += 4) {
    const o = <usize>k << 3;
    const x = v128.load(p + o), y = v128.load(p + o, 16);
    a = f64x2.add(a, f64x2.mul(x, x));
    b = f64x2.add(b, f64x2.mul(y, y));
  }
  let s0 = f64x2.extract_lane(a, 0);
  for (; k < len; k++) { const v = load<f64>(p + (<usize>k << 3)); s0 += v * v; }
  return (s0 + f64x2.extract_lane(b, 0)) + (f64x2.extract_lane(a, 1) + f64x2.extract_lane(b, 1));
}

/** p[k] ← p[k]·s for k < len. */
export function scaleInPlace(p: usize, len: i32, s: f64): void {
  const ss = f64x2.splat(s);
  let k = 0;
  for (; k + 1 < len; k += 2) { const o = <usize>k << 3; v128.store(p + o, f64x2.mul(v128.load(p + o), ss)); }
  if (k < len) { const o = <usize>k << 3; store<f64>(p + o, load<f64>(p + o) * s); }
}
