/**
 * Hadamard (entrywise) powers of a symmetric matrix with a rigorous error bound, and the Gershgorin
 * form used by Nguyen–Mondelli–Montúfar 2021 (arXiv 2012.11654v5, proof of Theorem 3.2, step (c) of
 * docs/theorems.md#theorem-32-and-its-proof-chain).
 */
import { gammaUp, up } from './blas.ts';
import type { Matrix } from './matrix.ts';
import { ETA } from './matrix.ts';

/**
 * A^{∘r} (entrywise r-th power, r ≥ 1 integer) of the float matrix A that approximates A_true with
 * |A_ij − (A_true)_ij| ≤ entryError for every entry. Returns the computed power and
 *   errorBound ≥ ‖fl(A^{∘r}) − A_true^{∘r}‖₂ and entryErrorBound ≥ max_ij |fl(A^{∘r}) − A_true^{∘r}|_ij,
 * from the entrywise bound |fl(a^r) − t^r| ≤ γ_{r−1}|a|^r + r·e·(|a| + e)^{r−1} + r·ETA (repeated
 * multiplication: r − 1 roundings; mean value theorem for t ↦ t^r on [a − e, a + e]) and
 * ‖E‖₂ ≤ ‖E‖_F ≤ N·max|E_ij|. Every step of the bound is rounded upwards. entryError = +∞ gives
 * errorBound = entryErrorBound = +∞ (docs/error-model.md#λ_min-certificates); NaN or a negative entryError throws.
 */
export function hadamardPower(a: Matrix, r: number, entryError = 0): { matrix: Matrix; errorBound: number; entryErrorBound: number } {
  if (!Number.isInteger(r) || r < 1) throw new RangeError(`hadamardPower: r must be an integer ≥ 1, got ${r}`);
  // entryError = +∞ (nothing known about A_true) makes both bounds +∞ through the formula; NaN or < 0 throws.
  if (!(entryError >= 0)) throw new RangeError(`hadamardPower: entryError must be a number ≥ 0 (or +Infinity), got ${entryError}`);
  const src = a.data;
  const out = new Float64Array(src.length);
  // The entry bound e(v) below depends on |v| only and is non-decreasing in it (every step is a
  // monotone rounded operation on non-negative numbers; |fl(v^r)| = fl(|v|^r)), so its maximum over
  // the entries is e(max |v|): evaluated once instead of per entry, with the same result bit for bit.
  // Per entry it was ~2r + 6 calls of up(); measured (bench/throughput.ts's counts, steady state):
  // chain-b 110 → 93 µs and chain-c 57 → 43 µs per instance (N ≤ 32, r ≤ 8).
  let maxAbs = 0; // NaN entries have a NaN bound, which never raised the maximum: ignored, as before
  for (let t = 0; t < src.length; t++) {
    const v = src[t];
    let p = v;
    for (let k = 1; k < r; k++) p *= v;
    out[t] = p;
    const av = Math.abs(v);
    if (av > maxAbs) maxAbs = av;
  }
  let worst = 0;
  if (src.length > 0) {
    const g = r > 1 ? gammaUp(r - 1) : 0;
    let p = maxAbs;
    for (let k = 1; k < r; k++) p *= maxAbs;
    let q = 1;
    const base = up(maxAbs + entryError);
    for (let k = 1; k < r; k++) q = up(q * base);
    const e = up(up(g * up(Math.abs(p))) + up(r * up(entryError * q)) + r * ETA);
    if (e > worst) worst = e;
  }
  return { matrix: { rows: a.rows, cols: a.cols, data: out }, errorBound: up(up(a.rows) * worst), entryErrorBound: worst };
}

/**
 * Gershgorin lower bound on λ_min of a symmetric A in the form of step (c) of
 * docs/theorems.md#theorem-32-and-its-proof-chain:
 *   λ_min(A) ≥ min_i A_ii − (N − 1)·max_{i≠j}|A_ij|,
 * returned with an error bound for the float evaluation given |ΔA_ij| ≤ entryError
 * (|Δ| ≤ entryError·N + u·|value| + rounding of the product).
 */
export function gershgorinUniform(a: Matrix, entryError = 0): { value: number; error: number; minDiag: number; maxOff: number } {
  const n = a.rows;
  let minDiag = Infinity,
    maxOff = 0;
  for (let i = 0; i < n; i++) {
    minDiag = Math.min(minDiag, a.data[i * n + i]);
    for (let j = 0; j < n; j++) if (j !== i) maxOff = Math.max(maxOff, Math.abs(a.data[i * n + j]));
  }
  const prod = (n - 1) * maxOff;
  const value = minDiag - prod;
  const error = up(up(entryError * n) + up(4 * 2 ** -53 * up(Math.abs(minDiag) + prod)) + ETA);
  return { value, error, minDiag, maxOff };
}
