// AssemblyScript source of src/linalg/wasm/linalg.wasm (build: `npm run build:wasm`; a test checks that
// the committed binary is exactly what this source compiles to). Loaded and dispatched by ../wasmKernels.ts,
// which owns the WebAssembly.Memory this module imports (the workspace shared with the sampling and
// network modules, src/random/wasm and src/ntk/wasm).
//
// Dense kernels on row-major n × n float64 storage in linear memory, using 128-bit SIMD (f64x2): the
// same algorithms and storage conventions as the plain-JS kernels in ../cholesky.ts, with the inner
// products split into two lanes. Every error bound stated there holds here too: Higham's bounds for
// Cholesky (Thm 10.3) and triangular solves (Thm 8.5) hold for ANY order of evaluation of the inner
// products (Lemma 8.4), and no fused multiply-add is used (relaxed SIMD is not enabled), so every
// product and sum is an IEEE-754 double operation rounded to nearest; sqrt is correctly rounded.
//
// Why hand-written WebAssembly: measured on the reference machine (2-vCPU Zen 3, Node 20.20), the
// register-blocked JS Cholesky reaches 2.9–4.6 GFLOP/s; this kernel 9 (N = 100), 13 (200), 21–23
// (400–1000) GFLOP/s, on par with OpenBLAS's dpotrf on one core.

import { axpy } from './vector.as';

@inline function lo(v: v128): f64 { return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1); }

/** Σ_{k<len} p[k]·q[k] (two lanes, two accumulators per lane). */
@inline function dot(p: usize, q: usize, len: i32): f64 {
  let s = f64x2.splat(0);
  let t = f64x2.splat(0);
  let k = 0;
  for (; k + 3 < len; k += 4) {
    const o = <usize>k << 3;
    s = f64x2.add(s, f64x2.mul(v128.load(p + o), v128.load(q + o)));
    t = f64x2.add(t, f64x2.mul(v128.load(p + o, 16), v128.load(q + o, 16)));
  }
  let r = lo(f64x2.add(s, t));
  for (; k < len; k++) r += load<f64>(p + (<usize>k << 3)) * load<f64>(q + (<usize>k << 3));
  return r;
}

/**
 * The 4 × 2 block shared by cholesky and gram: t_ab = Σ_{k0≤k<k1} p_a[k]·q_b[k] for the rows p_0..p_3 at r0..r3 and
 * q_0, q_1 at q0, q1 (two lanes per sum over k, one scalar step for an odd length; 8 two-lane accumulators, 6 vector
 * loads per 2 k), then, at the pairs d_a[0], d_a[1] (d0..d3):
 *  - gram (cholesky = false): d_a[b] += t_ab;
 *  - cholesky: columns j, j + 1 of L in rows p_a, with jo = 8j and d_a = p_a + jo:
 *    L[a][j] = (A[a][j] − t_a0)/L[j][j], L[a][j+1] = (A[a][j+1] − t_a1 − L[a][j]·L[j+1][j])/L[j+1][j+1].
 * `cholesky` is a constant at both calls, so each inlined copy keeps only its own epilogue (no branch).
 */
@inline function block4x2(r0: usize, r1: usize, r2: usize, r3: usize, q0: usize, q1: usize, k0: i32, k1: i32, d0: usize, d1: usize, d2: usize, d3: usize, jo: usize, cholesky: bool): void {
  let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s10 = f64x2.splat(0), s11 = f64x2.splat(0);
  let s20 = f64x2.splat(0), s21 = f64x2.splat(0), s30 = f64x2.splat(0), s31 = f64x2.splat(0);
  let k = k0;
  for (; k + 1 < k1; k += 2) {
    const o = <usize>k << 3;
    const b0 = v128.load(q0 + o), b1 = v128.load(q1 + o);
    const a0 = v128.load(r0 + o), a1 = v128.load(r1 + o), a2 = v128.load(r2 + o), a3 = v128.load(r3 + o);
    s00 = f64x2.add(s00, f64x2.mul(a0, b0)); s01 = f64x2.add(s01, f64x2.mul(a0, b1));
    s10 = f64x2.add(s10, f64x2.mul(a1, b0)); s11 = f64x2.add(s11, f64x2.mul(a1, b1));
    s20 = f64x2.add(s20, f64x2.mul(a2, b0)); s21 = f64x2.add(s21, f64x2.mul(a2, b1));
    s30 = f64x2.add(s30, f64x2.mul(a3, b0)); s31 = f64x2.add(s31, f64x2.mul(a3, b1));
  }
  let t00 = lo(s00), t01 = lo(s01), t10 = lo(s10), t11 = lo(s11);
  let t20 = lo(s20), t21 = lo(s21), t30 = lo(s30), t31 = lo(s31);
  if (k < k1) {
    const o = <usize>k << 3;
    const b0 = load<f64>(q0 + o), b1 = load<f64>(q1 + o);
    const a0 = load<f64>(r0 + o), a1 = load<f64>(r1 + o), a2 = load<f64>(r2 + o), a3 = load<f64>(r3 + o);
    t00 += a0 * b0; t01 += a0 * b1; t10 += a1 * b0; t11 += a1 * b1;
    t20 += a2 * b0; t21 += a2 * b1; t30 += a3 * b0; t31 += a3 * b1;
  }
  if (cholesky) {
    const ljj = load<f64>(q0 + jo);
    const l0 = (load<f64>(d0) - t00) / ljj;
    const l1 = (load<f64>(d1) - t10) / ljj;
    const l2 = (load<f64>(d2) - t20) / ljj;
    const l3 = (load<f64>(d3) - t30) / ljj;
    store<f64>(d0, l0); store<f64>(d1, l1); store<f64>(d2, l2); store<f64>(d3, l3);
    const m = load<f64>(q1 + jo);
    const lj1 = load<f64>(q1 + jo, 8);
    store<f64>(d0, (load<f64>(d0, 8) - t01 - l0 * m) / lj1, 8);
    store<f64>(d1, (load<f64>(d1, 8) - t11 - l1 * m) / lj1, 8);
    store<f64>(d2, (load<f64>(d2, 8) - t21 - l2 * m) / lj1, 8);
    store<f64>(d3, (load<f64>(d3, 8) - t31 - l3 * m) / lj1, 8);
  } else {
    store<f64>(d0, load<f64>(d0) + t00); store<f64>(d0, load<f64>(d0, 8) + t01, 8);
    store<f64>(d1, load<f64>(d1) + t10); store<f64>(d1, load<f64>(d1, 8) + t11, 8);
    store<f64>(d2, load<f64>(d2) + t20); store<f64>(d2, load<f64>(d2, 8) + t21, 8);
    store<f64>(d3, load<f64>(d3) + t30); store<f64>(d3, load<f64>(d3, 8) + t31, 8);
  }
}

/** Computes L[r][c] for c in [c0, r] (columns < c0 done). Returns r on a non-positive/NaN/∞ pivot, else −1. */
function finishRow(a: usize, n: i32, r: i32, c0: i32): i32 {
  const rr = a + ((<usize>r * <usize>n) << 3);
  for (let c = c0; c < r; c++) {
    const cc = a + ((<usize>c * <usize>n) << 3);
    const co = <usize>c << 3;
    store<f64>(rr + co, (load<f64>(rr + co) - dot(rr, cc, c)) / load<f64>(cc + co));
  }
  const ro = <usize>r << 3;
  const d = load<f64>(rr + ro) - dot(rr, rr, r);
  if (!(d > 0 && d < Infinity)) return r;
  store<f64>(rr + ro, Math.sqrt(d));
  return -1;
}

/**
 * In-place lower Cholesky A = L Lᵀ of the n × n matrix at byte address a (reads the lower triangle,
 * overwrites it with L; the strict upper triangle is untouched). Returns −1 on success, else the index
 * of the failing row (the matrix is then partially overwritten). Row-oriented (Cholesky–Banachiewicz),
 * 4 rows of L against 2 earlier rows per block: 8 two-lane accumulators, 6 vector loads per 2 k.
 */
export function cholesky(a: usize, n: i32): i32 {
  const rowBytes = <usize>n << 3;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = a + <usize>i * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
    for (let j = 0; j < i; j += 2) { // i is a multiple of 4, so j + 1 < i
      const q0 = a + <usize>j * rowBytes, q1 = q0 + rowBytes;
      const jo = <usize>j << 3;
      block4x2(r0, r1, r2, r3, q0, q1, 0, j, r0 + jo, r1 + jo, r2 + jo, r3 + jo, jo, true);
    }
    for (let r = i; r < i + 4; r++) {
      const f = finishRow(a, n, r, i);
      if (f >= 0) return f;
    }
  }
  for (; i < n; i++) {
    const f = finishRow(a, n, i, 0);
    if (f >= 0) return f;
  }
  return -1;
}

/**
 * Four rows of a triangular solve: t_a = Σ_{k0≤k<k1} p_a[k]·b[k] for the rows p_0..p_3 at r0..r3 (the 4 rows share
 * each load of b[k]; two lanes per sum, one scalar step for an odd length backward), then the 4 × 4 diagonal block by
 * substitution, io = 8i: forward (lower = true, rows i..i+3 of L at r0..r3) or backward (rows i−3..i of U).
 * `lower` is a constant at both calls, so each inlined copy keeps only its own substitution.
 */
@inline function solveBlock4(r0: usize, r1: usize, r2: usize, r3: usize, b: usize, k0: i32, k1: i32, io: usize, lower: bool): void {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  let k = k0;
  for (; k + 1 < k1; k += 2) {
    const o = <usize>k << 3;
    const bk = v128.load(b + o);
    s0 = f64x2.add(s0, f64x2.mul(v128.load(r0 + o), bk));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(r1 + o), bk));
    s2 = f64x2.add(s2, f64x2.mul(v128.load(r2 + o), bk));
    s3 = f64x2.add(s3, f64x2.mul(v128.load(r3 + o), bk));
  }
  let t0 = lo(s0), t1 = lo(s1), t2 = lo(s2), t3 = lo(s3);
  if (!lower && k < k1) { // (forward: k1 = i is a multiple of 4, the length is even)
    const o = <usize>k << 3;
    const bk = load<f64>(b + o);
    t0 += load<f64>(r0 + o) * bk; t1 += load<f64>(r1 + o) * bk; t2 += load<f64>(r2 + o) * bk; t3 += load<f64>(r3 + o) * bk;
  }
  if (lower) {
    const x0 = (load<f64>(b + io) - t0) / load<f64>(r0 + io);
    const x1 = (load<f64>(b + io, 8) - (t1 + load<f64>(r1 + io) * x0)) / load<f64>(r1 + io, 8);
    const x2 = (load<f64>(b + io, 16) - (t2 + load<f64>(r2 + io) * x0 + load<f64>(r2 + io, 8) * x1)) / load<f64>(r2 + io, 16);
    const x3 = (load<f64>(b + io, 24) - (t3 + load<f64>(r3 + io) * x0 + load<f64>(r3 + io, 8) * x1 + load<f64>(r3 + io, 16) * x2)) / load<f64>(r3 + io, 24);
    store<f64>(b + io, x0); store<f64>(b + io, x1, 8); store<f64>(b + io, x2, 16); store<f64>(b + io, x3, 24);
  } else {
    const x3 = (load<f64>(b + io) - t3) / load<f64>(r3 + io);
    const x2 = (load<f64>(b + io - 8) - (t2 + load<f64>(r2 + io) * x3)) / load<f64>(r2 + io - 8);
    const x1 = (load<f64>(b + io - 16) - (t1 + load<f64>(r1 + io) * x3 + load<f64>(r1 + io - 8) * x2)) / load<f64>(r1 + io - 16);
    const x0 = (load<f64>(b + io - 24) - (t0 + load<f64>(r0 + io) * x3 + load<f64>(r0 + io - 8) * x2 + load<f64>(r0 + io - 16) * x1)) / load<f64>(r0 + io - 24);
    store<f64>(b + io, x3); store<f64>(b + io - 8, x2); store<f64>(b + io - 16, x1); store<f64>(b + io - 24, x0);
  }
}

/** b ← L⁻¹ b, L lower triangular in the lower triangle of the n × n matrix at l; 4 rows share each load of b. */
export function solveLower(l: usize, n: i32, b: usize): void {
  const rowBytes = <usize>n << 3;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = l + <usize>i * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
    solveBlock4(r0, r1, r2, r3, b, 0, i, <usize>i << 3, true);
  }
  for (; i < n; i++) {
    const r = l + <usize>i * rowBytes;
    const io = <usize>i << 3;
    store<f64>(b + io, (load<f64>(b + io) - dot(r, b, i)) / load<f64>(r + io));
  }
}

/** b ← U⁻¹ b, U upper triangular in the upper triangle of the n × n matrix at u; 4 rows share each load of b. */
export function solveUpper(u: usize, n: i32, b: usize): void {
  const rowBytes = <usize>n << 3;
  let i = n - 1;
  for (; i >= 3; i -= 4) {
    const r3 = u + <usize>i * rowBytes, r2 = r3 - rowBytes, r1 = r2 - rowBytes, r0 = r1 - rowBytes; // rows i, i−1, i−2, i−3
    solveBlock4(r0, r1, r2, r3, b, i + 1, n, <usize>i << 3, false);
  }
  for (; i >= 0; i--) {
    const r = u + <usize>i * rowBytes;
    const io = <usize>i << 3;
    const len = n - i - 1;
    store<f64>(b + io, (load<f64>(b + io) - dot(r + io + 8, b + io + 8, len)) / load<f64>(r + io));
  }
}

/** b ← L⁻ᵀ b, L lower triangular in the lower triangle at l (column-oriented: rows of L read contiguously). */
export function solveLowerTranspose(l: usize, n: i32, b: usize): void {
  const rowBytes = <usize>n << 3;
  for (let i = n - 1; i >= 0; i--) {
    const r = l + <usize>i * rowBytes;
    const io = <usize>i << 3;
    const xi = load<f64>(b + io) / load<f64>(r + io);
    store<f64>(b + io, xi);
    if (xi != 0) axpy(b, r, -xi, i); // b[0..i) −= x_i·L[i][0..i)
  }
}

/** Copies the strict lower triangle of the n × n matrix at a into its strict upper triangle (U = Lᵀ). */
export function mirrorLowerToUpper(a: usize, n: i32): void {
  const rowBytes = <usize>n << 3;
  for (let i = 1; i < n; i++) {
    const ri = a + <usize>i * rowBytes;
    for (let k = 0; k < i; k++) store<f64>(a + <usize>k * rowBytes + (<usize>i << 3), load<f64>(ri + (<usize>k << 3)));
  }
}

/**
 * G = X Xᵀ for the n × d matrix X at x (row-major), written to the n × n matrix at g (which must not
 * overlap x): the lower triangle is accumulated in 4 × 2 blocks of two-lane inner products over panels
 * of 256 columns, then mirrored, so G is exactly symmetric. Error bound as blas.ts `gram` (Higham §3.1,
 * any summation order): |fl(G) − G| ≤ γ_d |X||X|ᵀ.
 */
export function gram(x: usize, n: i32, d: i32, g: usize): void {
  const rowX = <usize>d << 3;
  const rowG = <usize>n << 3;
  memory.fill(g, 0, <usize>n * rowG);
  for (let k0 = 0; k0 < d; k0 += 256) {
    const k1 = min(d, k0 + 256);
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const r0 = x + <usize>i * rowX, r1 = r0 + rowX, r2 = r1 + rowX, r3 = r2 + rowX;
      const g0 = g + <usize>i * rowG, g1 = g0 + rowG, g2 = g1 + rowG, g3 = g2 + rowG;
      for (let j = 0; j + 1 <= i + 3; j += 2) { // j ends at i + 4: the diagonal 4 × 4 block is included
        const q0 = x + <usize>j * rowX, q1 = q0 + rowX;
        const jo = <usize>j << 3;
        block4x2(r0, r1, r2, r3, q0, q1, k0, k1, g0 + jo, g1 + jo, g2 + jo, g3 + jo, jo, false);
      }
    }
    for (; i < n; i++) {
      const r0 = x + <usize>i * rowX;
      const gi = g + <usize>i * rowG;
      for (let j = 0; j <= i; j++) {
        const q0 = x + <usize>j * rowX;
        const ko = <usize>k0 << 3;
        const jo = <usize>j << 3;
        store<f64>(gi + jo, load<f64>(gi + jo) + dot(r0 + ko, q0 + ko, k1 - k0));
      }
    }
  }
  // mirror the lower triangle (the diagonal 4 × 4 blocks also wrote above the diagonal: same sums, overwritten)
  for (let i = 0; i < n; i++) {
    const gi = g + <usize>i * rowG;
    for (let j = i + 1; j < n; j++) store<f64>(gi + (<usize>j << 3), load<f64>(g + <usize>j * rowG + (<usize>i << 3)));
  }
}

/**
 * Householder reduction of the symmetric n × n matrix at w (row-major; both triangles hold A) to
 * tridiagonal form, eigenvalues only: EISPACK tred2 / JAMA `tred2` without accumulating the
 * transformations, exactly the loops of eigh.ts `householderTridiagonalize(…, false)` with the inner
 * k-loops in two lanes. On return d[0..n−1] is the diagonal and e[1..n−1] the subdiagonal (e[0] = 0);
 * w is overwritten. Backward stable (Wilkinson): the tridiagonal is orthogonally similar to A + E,
 * ‖E‖₂ ≤ c·n·u·‖A‖₂ — the order of summation does not change the bound.
 */
export function tridiagonalize(w: usize, n: i32, d: usize, e: usize): void {
  const rowBytes = <usize>n << 3;
  for (let j = 0; j < n; j++) store<f64>(d + (<usize>j << 3), load<f64>(w + <usize>j * rowBytes + (<usize>(n - 1) << 3)));
  for (let i = n - 1; i > 0; i--) {
    const io = <usize>i << 3;
    let scale: f64 = 0;
    let h: f64 = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(load<f64>(d + (<usize>k << 3)));
    if (scale == 0) {
      store<f64>(e + io, load<f64>(d + io - 8));
      for (let j = 0; j < i; j++) {
        const jo = <usize>j << 3;
        store<f64>(d + jo, load<f64>(w + <usize>j * rowBytes + io - 8));
        store<f64>(w + <usize>j * rowBytes + io, 0);
        store<f64>(w + <usize>i * rowBytes + jo, 0);
      }
    } else {
      for (let k = 0; k < i; k++) {
        const ko = <usize>k << 3;
        const v = load<f64>(d + ko) / scale;
        store<f64>(d + ko, v);
        h += v * v;
      }
      let f = load<f64>(d + io - 8);
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      store<f64>(e + io, scale * g);
      h -= f * g;
      store<f64>(d + io - 8, f - g);
      memory.fill(e, 0, io);
      // e ← (lower-triangle rows of w) · d, and the row i of w ← d (V[j][i] = d[j])
      for (let j = 0; j < i; j++) {
        const jo = <usize>j << 3;
        const rj = w + <usize>j * rowBytes;
        f = load<f64>(d + jo);
        store<f64>(w + <usize>i * rowBytes + jo, f);
        let gs = f64x2.splat(0);
        const fv = f64x2.splat(f);
        let k = j + 1;
        for (; k + 1 <= i - 1; k += 2) {
          const ko = <usize>k << 3;
          const v = v128.load(rj + ko);
          gs = f64x2.add(gs, f64x2.mul(v, v128.load(d + ko)));
          v128.store(e + ko, f64x2.add(v128.load(e + ko), f64x2.mul(v, fv)));
        }
        let gg = load<f64>(e + jo) + load<f64>(rj + jo) * f + lo(gs);
        for (; k <= i - 1; k++) {
          const ko = <usize>k << 3;
          const v = load<f64>(rj + ko);
          gg += v * load<f64>(d + ko);
          store<f64>(e + ko, load<f64>(e + ko) + v * f);
        }
        store<f64>(e + jo, gg);
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        const jo = <usize>j << 3;
        const v = load<f64>(e + jo) / h;
        store<f64>(e + jo, v);
        f += v * load<f64>(d + jo);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) {
        const jo = <usize>j << 3;
        store<f64>(e + jo, load<f64>(e + jo) - hh * load<f64>(d + jo));
      }
      // rank-2 update of the top-left i × i block (rows j, columns k ≥ j)
      for (let j = 0; j < i; j++) {
        const jo = <usize>j << 3;
        const rj = w + <usize>j * rowBytes;
        f = load<f64>(d + jo);
        g = load<f64>(e + jo);
        const fv = f64x2.splat(f), gv = f64x2.splat(g);
        let k = j;
        for (; k + 1 <= i - 1; k += 2) {
          const ko = <usize>k << 3;
          v128.store(rj + ko, f64x2.sub(v128.load(rj + ko), f64x2.add(f64x2.mul(fv, v128.load(e + ko)), f64x2.mul(gv, v128.load(d + ko)))));
        }
        for (; k <= i - 1; k++) {
          const ko = <usize>k << 3;
          store<f64>(rj + ko, load<f64>(rj + ko) - (f * load<f64>(e + ko) + g * load<f64>(d + ko)));
        }
        store<f64>(d + jo, load<f64>(rj + io - 8));
        store<f64>(rj + io, 0);
      }
    }
    store<f64>(d + io, h);
  }
  // as tred2 without accumulation: d[i] ← diagonal (the reflections' h were stored in d)
  for (let i = 0; i < n; i++) {
    const ro = <usize>i * rowBytes + (<usize>i << 3);
    store<f64>(d + (<usize>i << 3), load<f64>(w + ro));
  }
  store<f64>(e, 0);
}
