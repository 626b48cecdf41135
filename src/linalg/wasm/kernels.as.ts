// AssemblyScript source of src/linalg/wasm/kernels.wasm (build: `npm run build:wasm`; a test checks that
// the committed binary is exactly what this source compiles to). Loaded and dispatched by ../wasmKernels.ts.
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
      let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s10 = f64x2.splat(0), s11 = f64x2.splat(0);
      let s20 = f64x2.splat(0), s21 = f64x2.splat(0), s30 = f64x2.splat(0), s31 = f64x2.splat(0);
      let k = 0;
      for (; k + 1 < j; k += 2) {
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
      if (k < j) {
        const o = <usize>k << 3;
        const b0 = load<f64>(q0 + o), b1 = load<f64>(q1 + o);
        const a0 = load<f64>(r0 + o), a1 = load<f64>(r1 + o), a2 = load<f64>(r2 + o), a3 = load<f64>(r3 + o);
        t00 += a0 * b0; t01 += a0 * b1; t10 += a1 * b0; t11 += a1 * b1;
        t20 += a2 * b0; t21 += a2 * b1; t30 += a3 * b0; t31 += a3 * b1;
      }
      const jo = <usize>j << 3;
      const ljj = load<f64>(q0 + jo);
      const l0 = (load<f64>(r0 + jo) - t00) / ljj;
      const l1 = (load<f64>(r1 + jo) - t10) / ljj;
      const l2 = (load<f64>(r2 + jo) - t20) / ljj;
      const l3 = (load<f64>(r3 + jo) - t30) / ljj;
      store<f64>(r0 + jo, l0); store<f64>(r1 + jo, l1); store<f64>(r2 + jo, l2); store<f64>(r3 + jo, l3);
      const m = load<f64>(q1 + jo);
      const lj1 = load<f64>(q1 + jo, 8);
      store<f64>(r0 + jo, (load<f64>(r0 + jo, 8) - t01 - l0 * m) / lj1, 8);
      store<f64>(r1 + jo, (load<f64>(r1 + jo, 8) - t11 - l1 * m) / lj1, 8);
      store<f64>(r2 + jo, (load<f64>(r2 + jo, 8) - t21 - l2 * m) / lj1, 8);
      store<f64>(r3 + jo, (load<f64>(r3 + jo, 8) - t31 - l3 * m) / lj1, 8);
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

/** b ← L⁻¹ b, L lower triangular in the lower triangle of the n × n matrix at l; 4 rows share each load of b. */
export function solveLower(l: usize, n: i32, b: usize): void {
  const rowBytes = <usize>n << 3;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = l + <usize>i * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let k = 0;
    for (; k + 1 < i; k += 2) { // i is a multiple of 4
      const o = <usize>k << 3;
      const bk = v128.load(b + o);
      s0 = f64x2.add(s0, f64x2.mul(v128.load(r0 + o), bk));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(r1 + o), bk));
      s2 = f64x2.add(s2, f64x2.mul(v128.load(r2 + o), bk));
      s3 = f64x2.add(s3, f64x2.mul(v128.load(r3 + o), bk));
    }
    const io = <usize>i << 3;
    const x0 = (load<f64>(b + io) - lo(s0)) / load<f64>(r0 + io);
    const x1 = (load<f64>(b + io, 8) - (lo(s1) + load<f64>(r1 + io) * x0)) / load<f64>(r1 + io, 8);
    const x2 = (load<f64>(b + io, 16) - (lo(s2) + load<f64>(r2 + io) * x0 + load<f64>(r2 + io, 8) * x1)) / load<f64>(r2 + io, 16);
    const x3 = (load<f64>(b + io, 24) - (lo(s3) + load<f64>(r3 + io) * x0 + load<f64>(r3 + io, 8) * x1 + load<f64>(r3 + io, 16) * x2)) / load<f64>(r3 + io, 24);
    store<f64>(b + io, x0); store<f64>(b + io, x1, 8); store<f64>(b + io, x2, 16); store<f64>(b + io, x3, 24);
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
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let k = i + 1;
    for (; k + 1 < n; k += 2) {
      const o = <usize>k << 3;
      const bk = v128.load(b + o);
      s0 = f64x2.add(s0, f64x2.mul(v128.load(r0 + o), bk));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(r1 + o), bk));
      s2 = f64x2.add(s2, f64x2.mul(v128.load(r2 + o), bk));
      s3 = f64x2.add(s3, f64x2.mul(v128.load(r3 + o), bk));
    }
    let t0 = lo(s0), t1 = lo(s1), t2 = lo(s2), t3 = lo(s3);
    if (k < n) {
      const o = <usize>k << 3;
      const bk = load<f64>(b + o);
      t0 += load<f64>(r0 + o) * bk; t1 += load<f64>(r1 + o) * bk; t2 += load<f64>(r2 + o) * bk; t3 += load<f64>(r3 + o) * bk;
    }
    const io = <usize>i << 3;
    const x3 = (load<f64>(b + io) - t3) / load<f64>(r3 + io);
    const x2 = (load<f64>(b + io - 8) - (t2 + load<f64>(r2 + io) * x3)) / load<f64>(r2 + io - 8);
    const x1 = (load<f64>(b + io - 16) - (t1 + load<f64>(r1 + io) * x3 + load<f64>(r1 + io - 8) * x2)) / load<f64>(r1 + io - 16);
    const x0 = (load<f64>(b + io - 24) - (t0 + load<f64>(r0 + io) * x3 + load<f64>(r0 + io - 8) * x2 + load<f64>(r0 + io - 16) * x1)) / load<f64>(r0 + io - 24);
    store<f64>(b + io, x3); store<f64>(b + io - 8, x2); store<f64>(b + io - 16, x1); store<f64>(b + io - 24, x0);
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
    if (xi != 0) {
      const x = f64x2.splat(xi);
      let k = 0;
      for (; k + 1 < i; k += 2) {
        const o = <usize>k << 3;
        v128.store(b + o, f64x2.sub(v128.load(b + o), f64x2.mul(x, v128.load(r + o))));
      }
      if (k < i) { const o = <usize>k << 3; store<f64>(b + o, load<f64>(b + o) - xi * load<f64>(r + o)); }
    }
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
        const jo = <usize>j << 3;
        store<f64>(g0 + jo, load<f64>(g0 + jo) + t00); store<f64>(g0 + jo, load<f64>(g0 + jo, 8) + t01, 8);
        store<f64>(g1 + jo, load<f64>(g1 + jo) + t10); store<f64>(g1 + jo, load<f64>(g1 + jo, 8) + t11, 8);
        store<f64>(g2 + jo, load<f64>(g2 + jo) + t20); store<f64>(g2 + jo, load<f64>(g2 + jo, 8) + t21, 8);
        store<f64>(g3 + jo, load<f64>(g3 + jo) + t30); store<f64>(g3 + jo, load<f64>(g3 + jo, 8) + t31, 8);
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

/**
 * Masked accumulation of a product of Jacobian factors (lipschitzEstimate.ts certifiedJacobian):
 * for every row c < d and every a < nIn with g[a] > 0,
 *   O[c, :] += J[c, a]·W[a, :]   and   Q[c, :] += P[c, a]·Wabs[a, :]
 * (J, P: d × nIn; W, Wabs: nIn × nOut; O, Q: d × nOut, accumulated in place). Each output entry
 * receives the same products in the same order (a ascending) as the JS loops — the two lanes run
 * over adjacent output entries, never within one sum — so the result is bit-identical.
 */
export function maskedAccumulate(J: usize, P: usize, g: usize, W: usize, Wabs: usize, d: i32, nIn: i32, nOut: i32, O: usize, Q: usize): void {
  const inBytes = <usize>nIn << 3;
  const outBytes = <usize>nOut << 3;
  for (let c = 0; c < d; c++) {
    const jc = J + <usize>c * inBytes, pc = P + <usize>c * inBytes;
    const oc = O + <usize>c * outBytes, qc = Q + <usize>c * outBytes;
    for (let a = 0; a < nIn; a++) {
      const ao = <usize>a << 3;
      if (!(load<f64>(g + ao) > 0)) continue;
      const v = load<f64>(jc + ao), pv = load<f64>(pc + ao);
      const wa = W + <usize>a * outBytes, ba = Wabs + <usize>a * outBytes;
      if (v != 0) {
        const vv = f64x2.splat(v);
        let j = 0;
        for (; j + 1 < nOut; j += 2) {
          const o = <usize>j << 3;
          v128.store(oc + o, f64x2.add(v128.load(oc + o), f64x2.mul(vv, v128.load(wa + o))));
        }
        if (j < nOut) { const o = <usize>j << 3; store<f64>(oc + o, load<f64>(oc + o) + v * load<f64>(wa + o)); }
      }
      if (pv != 0) {
        const pp = f64x2.splat(pv);
        let j = 0;
        for (; j + 1 < nOut; j += 2) {
          const o = <usize>j << 3;
          v128.store(qc + o, f64x2.add(v128.load(qc + o), f64x2.mul(pp, v128.load(ba + o))));
        }
        if (j < nOut) { const o = <usize>j << 3; store<f64>(qc + o, load<f64>(qc + o) + pv * load<f64>(ba + o)); }
      }
    }
  }
}

/**
 * Standard normals by the ziggurat of ../../random/rng.ts (Doornik's ZIGNOR, 128 layers, on a
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

/*
 * Gradient descent of ntk/twoLayer.ts `trainGd` (two-layer ReLU network, first layer trained): one
 * forward pass and one gradient step, bit-identical to its JS loops — every result is the same IEEE
 * operations in the same order (sums over q per (r, i), over i per (r, q), over r per sample i, and
 * the step's per-neuron sums added in order r). FOUR NEURONS per iteration, one per lane of two f64x2
 * registers A = (r, r+1), B = (r+2, r+3), sharing each broadcast x_iq: the weights are stored
 * transposed, wT (d × mp, wT[q·mp + r] = w_rq, mp = m rounded up to a multiple of 4), likewise w0T,
 * and pre-activations zT (n × mp). Padding lanes (r ≥ m) hold zeros and are masked out of every result.
 */

/** Lanes r, r+1 of an (· × mp) transposed array at row k. */
@inline function pair(p: usize, mp: i32, k: i32, r: i32): v128 { return v128.load(p + ((<usize>k * <usize>mp + <usize>r) << 3)); }

/** All-ones in the lanes of (r, r+1) that are real neurons (< m). */
@inline function laneMask(r: i32, m: i32): v128 {
  return i64x2.replace_lane(i64x2.replace_lane(i64x2.splat(0), 0, r < m ? -1 : 0), 1, r + 1 < m ? -1 : 0);
}

/** `if (v > cur) cur = v` of the JS loop (f64.max would differ on NaN). */
@inline function larger(cur: f64, v: f64): f64 { return v > cur ? v : cur; }

/** Sign changes of one register's lanes against the stored masks (valid lanes only). */
@inline function countChanges(sign0: usize, at: usize, posm: v128, valid: v128): f64 {
  const diff = v128.and(v128.xor(v128.load(sign0 + at), posm), valid); // −1 per changed lane
  return -<f64>(i64x2.extract_lane(diff, 0) + i64x2.extract_lane(diff, 1));
}

/**
 * Forward pass: for each neuron r, wn_r = (√(Σ_q w_rq²) × wc) × wc1 and movement Σ_q (w_rq − w0_rq)²
 * (order q); for each sample i, z_ri = Σ_q w_rq x_iq (order q; x row-major n × d), its sign against
 * sign0 (stored when first ≠ 0; 64-bit lane masks, n × mp), the certification test
 * |z_ri| ≤ (xn_i (E + gd·wn_r))·wc, and u_i += a_r z_ri, act_i += z_ri when z_ri > 0 (in order r) —
 * without branches: relu(s) = pmax(0, s) = (0 < s ? s : +0), and the JS loop's "add only when s > 0"
 * equals adding a_r·(+0) = ±0 to a sum that started at +0 (such a sum is never −0). u and act must be
 * zero on entry. out[0] = Σ_r wn_r, out[1] = max_r movement², out[2] = sign changes, out[3] = 1 if every
 * test passed (only evaluated while `certified` ≠ 0), else 0.
 */
export function gdForward(wT: usize, w0T: usize, x: usize, zT: usize, sign0: usize, xn: usize, a: usize, u: usize, act: usize, out: usize, m: i32, n: i32, d: i32, first: i32, certified: i32, E: f64, gd: f64, wc: f64, wc1: f64): void {
  const mp = (m + 3) & ~3;
  let sumWn: f64 = 0, maxMov: f64 = 0, changes: f64 = 0;
  let cert = certified;
  const zero = f64x2.splat(0), wcv = f64x2.splat(wc), wc1v = f64x2.splat(wc1), Ev = f64x2.splat(E), gdv = f64x2.splat(gd);
  for (let r = 0; r < m; r += 4) {
    let wnA = zero, mvA = zero, wnB = zero, mvB = zero;
    for (let q = 0; q < d; q++) {
      const tA = pair(wT, mp, q, r), tB = pair(wT, mp, q, r + 2);
      wnA = f64x2.add(wnA, f64x2.mul(tA, tA));
      wnB = f64x2.add(wnB, f64x2.mul(tB, tB));
      const dA = f64x2.sub(tA, pair(w0T, mp, q, r)), dB = f64x2.sub(tB, pair(w0T, mp, q, r + 2));
      mvA = f64x2.add(mvA, f64x2.mul(dA, dA));
      mvB = f64x2.add(mvB, f64x2.mul(dB, dB));
    }
    const wvA = f64x2.mul(f64x2.mul(f64x2.sqrt(wnA), wcv), wc1v), wvB = f64x2.mul(f64x2.mul(f64x2.sqrt(wnB), wcv), wc1v);
    // Σ wn and max movement in order r (r is always a real neuron; the others only if < m)
    sumWn += f64x2.extract_lane(wvA, 0);
    maxMov = larger(maxMov, f64x2.extract_lane(mvA, 0));
    if (r + 1 < m) { sumWn += f64x2.extract_lane(wvA, 1); maxMov = larger(maxMov, f64x2.extract_lane(mvA, 1)); }
    if (r + 2 < m) { sumWn += f64x2.extract_lane(wvB, 0); maxMov = larger(maxMov, f64x2.extract_lane(mvB, 0)); }
    if (r + 3 < m) { sumWn += f64x2.extract_lane(wvB, 1); maxMov = larger(maxMov, f64x2.extract_lane(mvB, 1)); }
    const vA = laneMask(r, m), vB = laneMask(r + 2, m);
    const ewA = f64x2.add(Ev, f64x2.mul(gdv, wvA)), ewB = f64x2.add(Ev, f64x2.mul(gdv, wvB)); // E + gd·wn_r
    const apA = v128.load(a + (<usize>r << 3)), apB = v128.load(a + (<usize>r << 3), 16);
    for (let i = 0; i < n; i++) {
      const xi = x + ((<usize>i * <usize>d) << 3);
      let accA = zero, accB = zero;
      for (let q = 0; q < d; q++) {
        const xv = f64x2.splat(load<f64>(xi + (<usize>q << 3)));
        accA = f64x2.add(accA, f64x2.mul(pair(wT, mp, q, r), xv));
        accB = f64x2.add(accB, f64x2.mul(pair(wT, mp, q, r + 2), xv));
      }
      const at = (<usize>i * <usize>mp + <usize>r) << 3;
      v128.store(zT + at, accA);
      v128.store(zT + at, accB, 16);
      const pA = f64x2.ge(accA, zero), pB = f64x2.ge(accB, zero);
      if (first) {
        v128.store(sign0 + at, pA);
        v128.store(sign0 + at, pB, 16);
      } else changes += countChanges(sign0, at, pA, vA) + countChanges(sign0, at + 16, pB, vB);
      if (cert) {
        const xv = f64x2.splat(load<f64>(xn + (<usize>i << 3)));
        const bad = v128.or(
          v128.and(f64x2.le(f64x2.abs(accA), f64x2.mul(f64x2.mul(xv, ewA), wcv)), vA), // |z| ≤ (xn_i·(E + gd·wn_r))·wc
          v128.and(f64x2.le(f64x2.abs(accB), f64x2.mul(f64x2.mul(xv, ewB), wcv)), vB));
        if (v128.any_true(bad)) cert = 0;
      }
      const rA = f64x2.pmax(zero, accA), rB = f64x2.pmax(zero, accB);
      const prA = f64x2.mul(apA, rA), prB = f64x2.mul(apB, rB);
      const io = <usize>i << 3;
      store<f64>(u + io, load<f64>(u + io) + f64x2.extract_lane(prA, 0) + f64x2.extract_lane(prA, 1) + f64x2.extract_lane(prB, 0) + f64x2.extract_lane(prB, 1));
      store<f64>(act + io, load<f64>(act + io) + f64x2.extract_lane(rA, 0) + f64x2.extract_lane(rA, 1) + f64x2.extract_lane(rB, 0) + f64x2.extract_lane(rB, 1));
    }
  }
  store<f64>(out, sumWn);
  store<f64>(out, maxMov, 8);
  store<f64>(out, changes, 16);
  store<f64>(out, <f64>cert, 24);
}

/**
 * Gradient step: for each neuron r, c_ri = z_ri ≥ 0 ? (a_r·s)·e_i : 0 (s = 1/√m), g_rq = Σ_i c_ri x_iq
 * in order i (the JS loop skips c = 0; adding ±0 here changes no sum: a sum started at +0 is never −0),
 * w_rq ← w_rq − η g_rq, and Σ g², Σ w² as Σ_r (Σ_q ·) (inner sums in order q, outer in order r: one
 * sequential chain over all (r, q) was latency-bound). c: 4n scratch doubles. out[0] = Σ g², out[1] = Σ w².
 */
export function gdBackward(wT: usize, x: usize, zT: usize, a: usize, e: usize, c: usize, out: usize, m: i32, n: i32, d: i32, invSqrtM: f64, eta: f64): void {
  const mp = (m + 3) & ~3;
  let g2: f64 = 0, w2: f64 = 0;
  const zero = f64x2.splat(0), etav = f64x2.splat(eta), sv = f64x2.splat(invSqrtM);
  for (let r = 0; r < m; r += 4) {
    const arA = f64x2.mul(v128.load(a + (<usize>r << 3)), sv), arB = f64x2.mul(v128.load(a + (<usize>r << 3), 16), sv);
    for (let i = 0; i < n; i++) {
      const at = (<usize>i * <usize>mp + <usize>r) << 3;
      const ev = f64x2.splat(load<f64>(e + (<usize>i << 3)));
      v128.store(c + (<usize>i << 5), v128.bitselect(f64x2.mul(arA, ev), zero, f64x2.ge(v128.load(zT + at), zero)));
      v128.store(c + (<usize>i << 5), v128.bitselect(f64x2.mul(arB, ev), zero, f64x2.ge(v128.load(zT + at, 16), zero)), 16);
    }
    let gsA = zero, wsA = zero, gsB = zero, wsB = zero;
    for (let q = 0; q < d; q++) {
      let gA = zero, gB = zero;
      for (let i = 0; i < n; i++) {
        const xv = f64x2.splat(load<f64>(x + ((<usize>i * <usize>d + <usize>q) << 3)));
        const ci = c + (<usize>i << 5);
        gA = f64x2.add(gA, f64x2.mul(v128.load(ci), xv));
        gB = f64x2.add(gB, f64x2.mul(v128.load(ci, 16), xv));
      }
      const wo = wT + ((<usize>q * <usize>mp + <usize>r) << 3);
      const tA = f64x2.sub(v128.load(wo), f64x2.mul(etav, gA)), tB = f64x2.sub(v128.load(wo, 16), f64x2.mul(etav, gB));
      v128.store(wo, tA);
      v128.store(wo, tB, 16);
      gsA = f64x2.add(gsA, f64x2.mul(gA, gA));
      wsA = f64x2.add(wsA, f64x2.mul(tA, tA));
      gsB = f64x2.add(gsB, f64x2.mul(gB, gB));
      wsB = f64x2.add(wsB, f64x2.mul(tB, tB));
    }
    g2 += f64x2.extract_lane(gsA, 0);
    w2 += f64x2.extract_lane(wsA, 0);
    if (r + 1 < m) { g2 += f64x2.extract_lane(gsA, 1); w2 += f64x2.extract_lane(wsA, 1); }
    if (r + 2 < m) { g2 += f64x2.extract_lane(gsB, 0); w2 += f64x2.extract_lane(wsB, 0); }
    if (r + 3 < m) { g2 += f64x2.extract_lane(gsB, 1); w2 += f64x2.extract_lane(wsB, 1); }
  }
  store<f64>(out, g2);
  store<f64>(out, w2, 8);
}

/**
 * Pre-activations z_ri = Σ_q w_rq x_iq (order q) of a two-layer network, ntk/twoLayer.ts
 * `preActivations`, bit-identical to its JS loop: w (m × d row-major), xT = Xᵀ (d × n), z (m × n
 * row-major); two samples per f64x2 register, one per lane, a last odd sample in scalar code.
 */
export function preActivations(w: usize, xT: usize, m: i32, n: i32, d: i32, z: usize): void {
  for (let r = 0; r < m; r++) {
    const wr = w + ((<usize>r * <usize>d) << 3), zr = z + ((<usize>r * <usize>n) << 3);
    let i = 0;
    for (; i + 1 < n; i += 2) {
      let acc = f64x2.splat(0);
      for (let q = 0; q < d; q++) acc = f64x2.add(acc, f64x2.mul(f64x2.splat(load<f64>(wr + (<usize>q << 3))), v128.load(xT + ((<usize>q * <usize>n + <usize>i) << 3))));
      v128.store(zr + (<usize>i << 3), acc);
    }
    if (i < n) {
      let s: f64 = 0;
      for (let q = 0; q < d; q++) s += load<f64>(wr + (<usize>q << 3)) * load<f64>(xT + ((<usize>q * <usize>n + <usize>i) << 3));
      store<f64>(zr + (<usize>i << 3), s);
    }
  }
}
