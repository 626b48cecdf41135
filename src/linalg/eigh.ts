/**
 * Symmetric eigenproblem: Householder tridiagonalisation + implicit QL with Wilkinson-type shifts
 * (EISPACK tred2/tql2, as in JAMA), rewritten on a flat Float64Array.
 *
 * Why hand-written: ml-matrix's EigenvalueDecomposition is the JAMA port over arrays of arrays, it
 * always accumulates eigenvectors and reads columns with stride n. Here the working array is stored
 * transposed (W = Vᵀ) so that every inner loop of tred2/tql2 is contiguous, and `eigvalsh` skips the
 * accumulation entirely. Measured against ml-matrix EVD (assumeSymmetric) at N = 400: eigh 0.165 s vs
 * 0.355 s (2.1×), eigvalsh 0.039 s (9×); at N = 200: 0.024 / 0.006 s vs 0.057 s. numpy eigvalsh is still
 * 4–10× faster than this eigvalsh (bench/linalg.ts), so lambdaMin.ts avoids it above N = 64.
 *
 * Error bound (Higham, Accuracy and Stability, 2nd ed., §19.3 and Thm 19.4 for the Householder part;
 * Wilkinson/Parlett for QL): the computed eigenvalues are the exact eigenvalues of A + ΔA with
 * ‖ΔA‖₂ ≤ p(n)·u·‖A‖₂, p a modest polynomial; hence |λ̂_i − λ_i| ≤ p(n)·u·‖A‖₂ (Weyl). The bound is
 * normwise: tiny eigenvalues are accurate in the absolute, not relative, sense. The computed
 * eigenvectors are orthonormal to O(n u). These are a-priori estimates, not certificates — certified
 * enclosures are in lambdaMin.ts.
 */
import { type Matrix, assertSquare, allFinite, binaryScaleFactor, scaledCopy } from './matrix.ts';
import { wasmTridiagonalize } from './wasmKernels.ts';

const EPS = 2 ** -52;

/**
 * Householder reduction to tridiagonal form of the symmetric n × n matrix whose entries are in `w`
 * (symmetric, so the storage order is immaterial). On return `d` holds the diagonal, `e[1..n-1]` the
 * subdiagonal (e[0] = 0), and, if `accumulate`, `w` holds Vᵀ (row k of w = column k of the orthogonal
 * V with A = V T Vᵀ). Port of EISPACK tred2 (via JAMA) with V stored transposed.
 */
export function householderTridiagonalize(w: Float64Array, n: number, d: Float64Array, e: Float64Array, accumulate: boolean): void {
  // V[r][c] ≡ w[c * n + r]
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1];
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        w[i * n + j] = f; // V[j][i] = f
        const cj = j * n;
        g = e[j] + w[cj + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const v = w[cj + k]; // V[k][j]
          g += v * d[k];
          e[k] += v * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        const cj = j * n;
        for (let k = j; k <= i - 1; k++) w[cj + k] -= f * e[k] + g * d[k];
        d[j] = w[cj + i - 1];
        w[cj + i] = 0; // V[i][j]
      }
    }
    d[i] = h;
  }
  if (accumulate) {
    for (let i = 0; i < n - 1; i++) {
      w[i * n + n - 1] = w[i * n + i]; // V[n-1][i] = V[i][i]
      w[i * n + i] = 1;
      const h = d[i + 1];
      const ci1 = (i + 1) * n;
      if (h !== 0) {
        for (let k = 0; k <= i; k++) d[k] = w[ci1 + k] / h;
        for (let j = 0; j <= i; j++) {
          const cj = j * n;
          let g = 0;
          for (let k = 0; k <= i; k++) g += w[ci1 + k] * w[cj + k];
          for (let k = 0; k <= i; k++) w[cj + k] -= g * d[k];
        }
      }
      for (let k = 0; k <= i; k++) w[ci1 + k] = 0;
    }
    for (let j = 0; j < n; j++) {
      d[j] = w[j * n + n - 1];
      w[j * n + n - 1] = 0;
    }
    w[(n - 1) * n + n - 1] = 1;
  } else {
    for (let j = 0; j < n; j++) d[j] = w[j * n + j];
  }
  e[0] = 0;
}

function hypot(a: number, b: number): number {
  const x = Math.abs(a), y = Math.abs(b);
  const m = x > y ? x : y;
  if (m === 0) return 0;
  const p = x / m, q = y / m;
  return m * Math.sqrt(p * p + q * q);
}

/**
 * Implicit QL iteration on the symmetric tridiagonal matrix (diagonal d[0..n-1], subdiagonal
 * e[1..n-1], e[0] ignored) — EISPACK tql2. Overwrites d with the eigenvalues (unsorted) and e with
 * junk. If `w` is given (n × n, rows = vectors), the rotations are applied to its rows, so that on
 * entry w = Vᵀ from householderTridiagonalize (or the identity) yields the eigenvectors as rows of w.
 * Throws if an eigenvalue fails to converge in 60 iterations (never observed for finite input).
 */
export function tridiagonalQL(d: Float64Array, e: Float64Array, n: number, w: Float64Array | null): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  if (n > 0) e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1) {
      if (Math.abs(e[m]) <= EPS * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new Error('tridiagonalQL: no convergence');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = 1, c3 = 1;
        const el1 = e[l + 1];
        let s = 0, s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (w) {
            const a0 = i * n, a1 = (i + 1) * n;
            for (let k = 0; k < n; k++) {
              const hk = w[a1 + k];
              const vk = w[a0 + k];
              w[a1 + k] = s * vk + c * hk;
              w[a0 + k] = c * vk - s * hk;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

function checkSymmetricFinite(a: Matrix, what: string): void {
  assertSquare(a, what);
  if (!allFinite(a.data)) throw new RangeError(`${what}: non-finite entry`);
  const n = a.rows;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++)
      if (a.data[i * n + j] !== a.data[j * n + i]) throw new RangeError(`${what}: matrix is not exactly symmetric at (${i}, ${j})`);
}

/**
 * The dense symmetric eigensolver shared by eigvalsh and eigh: checks a (square, finite, exactly symmetric; else
 * RangeError naming `what`), scales it by a power of two p (entries near 1e±300 would overflow in the reduction;
 * eigenvectors are scale-invariant, the eigenvalues are divided by p again), reduces it to tridiagonal
 * form and runs the QL iteration. Returns the eigenvalues d (unordered) and, with `vectors`, w holding the
 * eigenvector of d[k] in its row k.
 */
function symmetricQL(a: Matrix, what: string, vectors: boolean): { d: Float64Array; w: Float64Array } {
  checkSymmetricFinite(a, what);
  const n = a.rows;
  const p = binaryScaleFactor(a);
  const w = p === 1 ? Float64Array.from(a.data) : scaledCopy(a, p).data;
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  householderTridiagonalize(w, n, d, e, vectors);
  tridiagonalQL(d, e, n, vectors ? w : null);
  if (p !== 1) for (let i = 0; i < n; i++) d[i] /= p;
  return { d, w };
}

/** All eigenvalues of the symmetric matrix a, ascending. Throws RangeError on non-finite or non-symmetric input. */
export function eigvalsh(a: Matrix): Float64Array {
  return symmetricQL(a, 'eigvalsh', false).d.sort();
}

/**
 * Smallest eigenvalue of the symmetric matrix a: Householder tridiagonalisation, then bisection on
 * Sturm counts for λ_min alone (O(n) per step, ≈ 55 steps) instead of the QL iteration for all n
 * eigenvalues. Measured (n = 16 / 32 / 48): QL 6.6 / 23 / 52 µs on top of the JS reduction's 3.2 / 20 / 61 µs;
 * bisection 2 / 4 / 6 µs. The reduction runs in WebAssembly SIMD when available (wasmKernels.ts): the whole
 * eigvalshMin then takes 6.5 / 17 / 36 µs (n = 16 / 32 / 48), 67 µs at n = 64.
 * Error as eigvalsh (backward stable, ≈ n·u·‖A‖ absolute).
 * Throws RangeError on non-finite or non-symmetric input.
 */
export function eigvalshMin(a: Matrix): number {
  checkSymmetricFinite(a, 'eigvalshMin');
  return eigvalshMinScaled(a, binaryScaleFactor(a));
}

/**
 * eigvalshMin for a matrix the caller has already checked (square, finite, exactly symmetric) and
 * whose binary scale factor p it knows (lambdaMinCertified has done both for its own input: the two
 * O(n²) passes were ≈ 2 % of the H∞ claims' search time).
 */
export function eigvalshMinScaled(a: Matrix, p: number): number {
  const n = a.rows;
  if (n === 0) return NaN;
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (!wasmTridiagonalize(a.data, n, p, d, e)) {
    const w = p === 1 ? Float64Array.from(a.data) : scaledCopy(a, p).data;
    householderTridiagonalize(w, n, d, e, false);
  }
  return smallestEigenvalueTridiagonal(d, e.subarray(1), n) / p;
}

/**
 * Eigen-decomposition A = V diag(values) Vᵀ of a symmetric matrix: values ascending, column k of
 * `vectors` the unit eigenvector for values[k]. Throws RangeError on non-finite or non-symmetric input.
 */
export function eigh(a: Matrix): { values: Float64Array; vectors: Matrix } {
  const n = a.rows;
  const { d, w } = symmetricQL(a, 'eigh', true);
  const order = Array.from({ length: n }, (_, k) => k).sort((p, q) => d[p] - d[q]);
  const values = new Float64Array(n);
  const v = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const src = order[c];
    values[c] = d[src];
    for (let r = 0; r < n; r++) v[r * n + c] = w[src * n + r];
  }
  return { values, vectors: { rows: n, cols: n, data: v } };
}

/**
 * Eigenvalues and eigenvectors of the symmetric tridiagonal T (diag d, off-diagonal off[0..n-2]),
 * ascending; vectors as ROWS of the returned n × n array (row k ↔ values[k]). Inputs are not modified.
 */
export function tridiagonalEigen(d: ArrayLike<number>, off: ArrayLike<number>, n: number): { values: Float64Array; vectorRows: Float64Array } {
  const dd = new Float64Array(n);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) dd[i] = d[i];
  for (let i = 1; i < n; i++) e[i] = off[i - 1];
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) w[i * n + i] = 1;
  tridiagonalQL(dd, e, n, w);
  const order = Array.from({ length: n }, (_, k) => k).sort((p, q) => dd[p] - dd[q]);
  const values = new Float64Array(n);
  const rows = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    values[c] = dd[order[c]];
    rows.set(w.subarray(order[c] * n, order[c] * n + n), c * n);
  }
  return { values, vectorRows: rows };
}

/**
 * Number of eigenvalues of the symmetric tridiagonal T (diag d, off-diagonal off[0..n-2]) that are
 * < x (Sturm sequence / LDLᵀ inertia, Parlett "The Symmetric Eigenvalue Problem" §7.9).
 */
export function sturmCount(d: ArrayLike<number>, off: ArrayLike<number>, n: number, x: number): number {
  let count = 0;
  let q = 1;
  for (let i = 0; i < n; i++) {
    const b2 = i > 0 ? off[i - 1] * off[i - 1] : 0;
    q = d[i] - x - (i > 0 ? b2 / q : 0);
    if (q === 0) q = -EPS * (Math.abs(d[i]) + Math.abs(x) + 1e-300);
    if (q < 0) count++;
  }
  return count;
}

/**
 * Smallest eigenvalue of a symmetric tridiagonal matrix by bisection on the Sturm count, until the
 * bracket is ≤ 4u·max|T|-ish (span = max Gershgorin |end|): the Sturm count itself is only backward
 * stable to a few u·‖T‖ (Demmel, Dhillon & Ren 1995; it is monotone in x in IEEE arithmetic), so
 * bisecting further buys nothing — and near λ = 0 it would run into the subnormals (≈ 1100 steps).
 * Error: |result − λ_min(T)| ≲ c·n·u·‖T‖ (same order as the QL iteration's).
 */
export function smallestEigenvalueTridiagonal(d: ArrayLike<number>, off: ArrayLike<number>, n: number): number {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const r = (i > 0 ? Math.abs(off[i - 1]) : 0) + (i < n - 1 ? Math.abs(off[i]) : 0);
    lo = Math.min(lo, d[i] - r);
    hi = Math.max(hi, d[i] + r);
  }
  const span = Math.max(Math.abs(lo), Math.abs(hi));
  lo -= EPS * span + 1e-300;
  hi += EPS * span + 1e-300;
  const tol = 4 * EPS * span;
  for (let it = 0; it < 2000; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi || hi - lo <= tol) break;
    if (sturmCount(d, off, n, mid) >= 1) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}
