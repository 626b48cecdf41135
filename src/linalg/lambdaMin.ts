/**
 * Certified bounds on the smallest eigenvalue of a symmetric matrix K (typically a kernel / Gram matrix).
 *
 * Setting: K is the float64 matrix we hold; K_true the exact matrix it approximates, with
 * ‖K − K_true‖₂ ≤ entryError (the caller's bound on the error of forming K; 0 if K is the object of
 * interest). All bounds below are on λ_min(K_true) and are rigorous: every rounding error made while
 * computing them is accounted for (see the proofs next to each function). Estimates are not.
 *
 * References:
 *  - S. M. Rump, "Verification of positive definiteness", BIT Numer. Math. 46 (2006) 433–452:
 *    if the floating-point Cholesky factorisation of the symmetric float matrix Ã runs to completion,
 *    then λ_min(Ã) ≥ −c(Ã) with c(Ã) = γ_{n+1}/(1 − γ_{n+1})·tr(Ã) + n(2(n+2) + max ã_ii)·ETA
 *    (the first term from Higham Thm 10.3: L̂L̂ᵀ = Ã + ΔÃ, |ΔÃ| ≤ γ_{n+1}|L̂||L̂ᵀ|, and
 *    ‖|L̂||L̂ᵀ|‖₂ ≤ ‖L̂‖_F² ≤ tr(Ã)/(1 − γ_{n+1}); the second covers gradual underflow). We use 4× the
 *    underflow term (it is below 1e-300 for any n that fits in memory, so this costs nothing).
 *  - N. J. Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed. (SIAM 2002):
 *    Thm 10.3 (Cholesky), §3.1 (inner products), Weyl's inequality for the entryError term.
 *  - Parlett, "The Symmetric Eigenvalue Problem": Rayleigh quotient ≥ λ_min; shift-invert Lanczos.
 */
import { type Matrix, UNIT_ROUNDOFF, ETA, assertSquare, allFinite } from './matrix.ts';
import { exponentOf, ldexp, ldexpDown, ldexpUp } from './pow2.ts';
import { up, down, gammaUp, nonNegativeSumUpper, dot, norm2, normUp } from './blas.ts';
import { choleskyInPlace, solveLowerInPlace, solveUpperInPlace, solveLowerTransposeInPlace } from './cholesky.ts';
import { wasmMirrorLowerToUpper, withWorkArray } from './wasmKernels.ts';
import { eigh, eigvalshMinScaled, tridiagonalQL } from './eigh.ts';

/**
 * One pass over the lower triangle of the square matrix k and its mirror image: `ok` iff every entry is finite
 * and k_ij = k_ji for all j < i; then max|k_ij| and the smallest non-zero |k_ij| (∞ when K = 0) are those of the
 * whole matrix (the lower triangle and the diagonal hold every value). On the first violation it stops (the
 * range is then partial). Shared by assertSymmetricFinite and spectralSummary.ts so that the loop is optimised
 * code by its second caller: a pass over an N × N matrix that runs once spends most of its time before V8 has
 * optimised it (≈ 130,000 iterations, measured on a 1000 × 1000 pass).
 */
export function symmetricRange(k: Matrix): { ok: boolean; max: number; minNonZero: number } {
  const n = k.rows;
  const a = k.data;
  // The running max and min live in row-local variables, carried from row to row in a Float64Array: with
  // plain function-level accumulators V8's optimised code boxed a heap number per entry (measured: 16 MB of
  // young-generation garbage, 8 scavenges, per 1000 × 1000 pass; none this way).
  const acc = new Float64Array([0, Infinity]);
  for (let i = 0; i < n; i++) {
    const r = i * n;
    let max = acc[0];
    let minNonZero = acc[1];
    for (let j = 0; j <= i; j++) {
      const x = a[r + j];
      const v = Math.abs(x);
      if (!(v <= Number.MAX_VALUE) || x !== a[j * n + i]) return { ok: false, max, minNonZero };
      if (v > max) max = v;
      if (v < minNonZero && v !== 0) minNonZero = v;
    }
    acc[0] = max;
    acc[1] = minNonZero;
  }
  return { ok: true, max: acc[0], minNonZero: acc[1] };
}

/**
 * Throws RangeError unless k is square, all entries finite and k exactly symmetric; returns max|k_ij| and the
 * smallest non-zero |k_ij| (symmetricRange), which the callers need next (flushTiny, the prescaling). On a
 * violation the plain checks below find the error to report: the first non-finite entry anywhere has
 * precedence over the first asymmetric pair in row-major order.
 */
export function assertSymmetricFinite(k: Matrix, what: string): { max: number; minNonZero: number } {
  assertSquare(k, what);
  const r = symmetricRange(k);
  if (r.ok) return r;
  const n = k.rows;
  const a = k.data;
  if (!allFinite(a)) throw new RangeError(`${what}: matrix has a non-finite entry`);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) if (a[i * n + j] !== a[j * n + i]) throw new RangeError(`${what}: matrix is not exactly symmetric at (${i}, ${j})`);
  throw new Error(`${what}: symmetricRange reported a violation that neither check finds`);
}

/**
 * The caller's entryError (default 0), validated: a number ≥ 0, or +∞ (nothing is known about K_true; each
 * exported routine then returns its trivial answer, see there). NaN or a negative number throws RangeError.
 */
export function checkEntryError(e: number | undefined, what: string): number {
  const v = e ?? 0;
  if (!(v >= 0)) throw new RangeError(`${what}: entryError must be a number ≥ 0 (or +Infinity), got ${e}`);
  return v;
}

/**
 * A float R with ‖ΔÃ‖₂ + ‖D‖₂ ≤ R, for Ã = fl(K − sI) whose diagonal is `shiftedDiag` and whose
 * Cholesky factorisation has run to completion (so every ã_ii > 0):
 *   Rump's c(Ã) (above) plus ‖D‖₂ ≤ u·max|ã_ii|, D = Ã − (K − sI) the rounding of the diagonal
 *   subtraction (|fl(x) − x| ≤ u|fl(x)| for round to nearest; subtraction is exact in the subnormal range).
 * Every operation is wrapped in up() (see blas.ts), so R is not underestimated by rounding.
 */
export function rumpShiftTerm(shiftedDiag: Float64Array, n: number): number {
  let tr = 0;
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    const v = shiftedDiag[i];
    tr += Math.abs(v);
    if (Math.abs(v) > maxDiag) maxDiag = Math.abs(v);
  }
  const trUp = nonNegativeSumUpper(tr, n);
  const g = gammaUp(n + 1);
  const gq = up(g / down(1 - g));
  const underflow = up(up(4 * n) * up(up(2 * (n + 2)) + maxDiag) * ETA * 2); // 4n(2(n+2)+max)·ETA, doubled for the rounding of this line
  const diagTerm = up(UNIT_ROUNDOFF * maxDiag);
  return up(up(up(gq * trUp) + underflow) + diagTerm);
}

/**
 * Attempts the floating-point Cholesky factorisation of Ã = fl(K − sI) (into `work`, n × n). If it
 * succeeds, returns a float ℓ with λ_min(K) ≥ ℓ, where (proof) λ_min(K) = s + λ_min(K − sI)
 * ≥ s + λ_min(Ã) − ‖D‖₂ ≥ s − (c(Ã) + ‖D‖₂) ≥ s − R, and ℓ = down(s − R) ≤ s − R.
 * The factor L̂ is left in the lower triangle of `work`. Returns null if the factorisation fails.
 */
export function shiftedCholeskyLowerBound(k: Matrix, s: number, work: Float64Array): number | null {
  const n = k.rows;
  work.set(k.data);
  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = k.data[i * n + i] - s;
    if (!Number.isFinite(v)) return null;
    work[i * n + i] = v;
    diag[i] = v;
  }
  if (!choleskyInPlace(work, n).ok) return null;
  const r = rumpShiftTerm(diag, n);
  if (!Number.isFinite(r)) return null;
  return down(s - r);
}

/**
 * Proves λ_min(K_true) ≥ b with ONE Cholesky factorisation, or says it could not.
 *
 * Choice of shift: s = b + entryError + R₀ (+ a few ulps), R₀ = rumpShiftTerm of diag(K − (b + e)I)
 * (R only decreases as s grows while tr(Ã) > 0, up to the u·max|ã_ii| term, which the final check
 * covers). Certified iff the Cholesky of fl(K − sI) succeeds AND the a-posteriori bound
 * ℓ = down(down(s − R) − entryError) (λ_min(K_true) ≥ λ_min(K) − ‖K − K_true‖₂, Weyl) satisfies ℓ ≥ b.
 * Hence `certified` ⇒ λ_min(K_true) ≥ b, with every rounding error covered (Rump 2006, Higham Thm 10.3).
 * Conversely it certifies whenever λ_min(K) ≳ b + e + 2R (Higham Thm 10.7), R ≈ (n+1)u·tr(K).
 *
 * Throws RangeError for non-square, non-finite or not exactly symmetric K, non-finite b, bad entryError.
 * `lowerBound` is the proven ℓ (−Infinity if the factorisation failed).
 */
function certifyLambdaMinAtLeastUnscaled(k: Matrix, b: number, opts: { entryError?: number } = {}): { certified: boolean; shift: number; lowerBound: number } {
  assertSymmetricFinite(k, 'certifyLambdaMinAtLeast');
  if (!Number.isFinite(b)) throw new RangeError(`certifyLambdaMinAtLeast: b must be finite, got ${b}`);
  const e = checkEntryError(opts.entryError, 'certifyLambdaMinAtLeast');
  const n = k.rows;
  if (n === 0) return { certified: true, shift: b, lowerBound: Infinity }; // λ_min of the empty matrix: vacuous
  const s0 = up(b + e);
  const diag0 = new Float64Array(n);
  for (let i = 0; i < n; i++) diag0[i] = k.data[i * n + i] - s0;
  const r0 = rumpShiftTerm(diag0, n);
  const base = up(s0 + r0);
  const s = up(base + Math.abs(base) * 2 ** -48);
  if (!Number.isFinite(s)) return { certified: false, shift: s, lowerBound: -Infinity };
  // The factor lives in the WebAssembly workspace when possible (no copy in and out of the kernel).
  const l = withWorkArray(n * n, undefined, (w) => shiftedCholeskyLowerBound(k, s, w));
  if (l === null) return { certified: false, shift: s, lowerBound: -Infinity };
  const lower = down(l - e);
  return { certified: lower >= b, shift: s, lowerBound: lower };
}

/**
 * A rigorous upper bound on vᵀKv / vᵀv ≥ λ_min(K) for a float vector v (‖v‖_∞ ≤ 1 assumed for the
 * underflow term; callers normalise). See rayleighQuotientBounds for the proof; also returns the float
 * Rayleigh quotient num/den.
 */
export function rayleighQuotientUpper(k: Matrix, v: Float64Array): { upper: number; value: number } {
  const r = rayleighQuotientBounds(k, v);
  return { upper: r.upper, value: r.value };
}

/**
 * Rigorous lower ≤ ρ = vᵀKv / vᵀv ≤ upper for a float vector v (‖v‖_∞ ≤ 1 assumed for the underflow
 * term; callers normalise), and a float bound kvNormUpper ≥ ‖Kv‖₂ (exact product of the stored K and v)
 * and denLower ≤ vᵀv. Proof: with ŵ = fl(Kv), num = fl(vᵀŵ), den = fl(vᵀv):
 *   |ŵ_i − (Kv)_i| ≤ δ_i := γ_n Σ_j|k_ij v_j| + n·ETA,
 *   |num − vᵀKv| ≤ γ_n|v|ᵀ|ŵ| + γ_n|v|ᵀ|K||v| + (n² + n)ETA,  |den − vᵀv| ≤ γ_n vᵀv + n·ETA
 * (Higham §3.1, each inner product in any order), the |·| sums bounded above by nonNegativeSumUpper;
 * ‖Kv‖₂ ≤ ‖ŵ‖₂ + ‖δ‖₂, each norm bounded above by normUp (blas.ts).
 */
export function rayleighQuotientBounds(k: Matrix, v: Float64Array): { lower: number; upper: number; value: number; kvNormUpper: number; denLower: number } {
  const n = k.rows;
  const a = k.data;
  let num = 0;
  let absVKV = 0;
  let absVW = 0;
  const wHat = new Float64Array(n);
  const absKv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = i * n;
    let w = 0;
    let aw = 0;
    for (let j = 0; j < n; j++) {
      const t = a[r + j] * v[j];
      w += t;
      aw += Math.abs(t);
    }
    wHat[i] = w;
    absKv[i] = aw;
    num += v[i] * w;
    absVW += Math.abs(v[i] * w);
    absVKV += Math.abs(v[i]) * aw;
  }
  const den = dot(v, v, n);
  const gn = gammaUp(n);
  const absVKVUp = nonNegativeSumUpper(absVKV, n, n + 2);
  const absVWUp = nonNegativeSumUpper(absVW, n, 1);
  const numErr = up(up(gn * up(absVKVUp + absVWUp)) + up((n * n + n) * ETA));
  const numUp = up(num + numErr);
  const numLo = down(num - numErr);
  const denLo = down(down(den * down(1 - gn)) - n * ETA);
  const denHi = up(up(den * up(1 + gn)) + n * ETA);
  let upper: number;
  let lower: number;
  if (!(denLo > 0)) {
    upper = Infinity;
    lower = -Infinity;
  } else {
    upper = numUp >= 0 ? up(numUp / denLo) : up(numUp / denHi);
    lower = numLo >= 0 ? down(numLo / denHi) : down(numLo / denLo);
  }
  if (Number.isNaN(upper)) upper = Infinity; // overflow in the products: no information, never a false bound
  if (Number.isNaN(lower)) lower = -Infinity;
  // δ_i: Σ_j|k_ij v_j| ≤ nonNegativeSumUpper(fl sum, n, 1) (one rounding per product, one for |·| is exact).
  for (let i = 0; i < n; i++) absKv[i] = up(up(gn * nonNegativeSumUpper(absKv[i], n, 1)) + n * ETA);
  const kvNormUpper = up(normUp(wHat) + normUp(absKv));
  return { lower, upper, value: num / den, kvNormUpper: kvNormUpper === kvNormUpper ? kvNormUpper : Infinity, denLower: denLo };
}

/**
 * Gershgorin: λ_min(K) ≥ min_i (k_ii − Σ_{j≠i} |k_ij|), each term evaluated with safe rounding.
 * Always valid, usually weak; the last-resort lower bound.
 */
export function gershgorinLower(k: Matrix): number {
  const n = k.rows;
  let lower = Infinity;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < n; j++) if (j !== i) r += Math.abs(k.data[i * n + j]);
    lower = Math.min(lower, down(k.data[i * n + i] - nonNegativeSumUpper(r, Math.max(1, n - 1))));
  }
  return lower;
}

/** Deterministic start vector with no special structure (so it is not orthogonal to any eigenvector in practice). */
function startVector(n: number): Float64Array {
  const v = new Float64Array(n);
  let x = 0x9e3779b9 >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    v[i] = x / 4294967296 - 0.5 + 1 / Math.sqrt(n);
  }
  return v;
}

/**
 * Largest and second-largest eigenvalue of the symmetric tridiagonal T_m (diagonal alpha, off-diagonal
 * beta[0..m−2]) and the unit eigenvector y of the largest. Eigenvalues by implicit QL without vectors
 * (O(m²)); y by two steps of inverse iteration with σ = θ₁ + ε just above the spectrum, so that T − σI
 * is negative definite and its LDLᵀ (Thomas) factorisation is stable without pivoting.
 * Not rigorous (estimates only); `scratch` arrays have length ≥ m. Returns y = scratch.z (m entries).
 */
function topRitzPair(
  alpha: Float64Array,
  beta: Float64Array,
  m: number,
  scratch: { d: Float64Array; e: Float64Array; z: Float64Array; piv: Float64Array },
): { theta1: number; theta2: number; y: Float64Array } {
  const { d, e, z, piv } = scratch;
  for (let i = 0; i < m; i++) d[i] = alpha[i];
  e[0] = 0;
  for (let i = 1; i < m; i++) e[i] = beta[i - 1];
  tridiagonalQL(d, e, m, null);
  let t1 = -Infinity,
    t2 = -Infinity;
  for (let i = 0; i < m; i++) {
    const v = d[i];
    if (v > t1) {
      t2 = t1;
      t1 = v;
    } else if (v > t2) t2 = v;
  }
  let scale = Math.abs(t1);
  for (let i = 0; i < m; i++) scale = Math.max(scale, Math.abs(alpha[i]) + (i > 0 ? Math.abs(beta[i - 1]) : 0));
  const sigma = t1 + Math.max(scale * 1e-13, 1e-300);
  for (let i = 0; i < m; i++) z[i] = 1;
  // LDLᵀ of σI − T (positive definite): piv[i] > 0.
  piv[0] = sigma - alpha[0];
  for (let i = 1; i < m; i++) {
    const b = beta[i - 1];
    piv[i] = sigma - alpha[i] - (b * b) / piv[i - 1];
    if (!(piv[i] > 0)) piv[i] = Math.max(scale, 1e-300) * 1e-300; // cannot happen in exact arithmetic
  }
  const yv = z.subarray(0, m);
  for (let it = 0; it < 2; it++) {
    // solve (σI − T) x = z: forward (unit lower with multipliers −β/piv), diagonal, backward.
    for (let i = 1; i < m; i++) z[i] += (beta[i - 1] / piv[i - 1]) * z[i - 1];
    for (let i = 0; i < m; i++) z[i] /= piv[i];
    for (let i = m - 2; i >= 0; i--) z[i] += (beta[i] / piv[i]) * z[i + 1];
    let nrm = 0;
    for (let i = 0; i < m; i++) nrm = Math.max(nrm, Math.abs(z[i]));
    if (!(nrm > 0 && nrm < Infinity)) break;
    for (let i = 0; i < m; i++) z[i] /= nrm;
  }
  let ss = 0;
  for (let i = 0; i < m; i++) ss += z[i] * z[i];
  const inv = 1 / Math.sqrt(ss);
  for (let i = 0; i < m; i++) z[i] *= inv;
  return { theta1: t1, theta2: m > 1 ? t2 : NaN, y: yv };
}

/**
 * The vector kernels of a Lanczos step (shiftInvertLanczos), as small functions of their own: V8 optimises a
 * small function called at every step after a few calls, where the same loops inlined in the long Lanczos
 * routine ran unoptimised code for most of a one-shot run (measured, N = 1000 one-shot on the loaded
 * machine: ≈ 100 ms of the Lanczos routine's own time, for ≈ 30 steps of O(j·n) work). Same arithmetic, same
 * order: the results are bit-identical to the inlined loops.
 */
/** out[t] = x[t] / d, t < n. */
function divideInto(out: Float64Array, x: Float64Array, d: number, n: number): void {
  for (let t = 0; t < n; t++) out[t] = x[t] / d;
}

/** Σ_t x[t]·y[t] summed in order t = 0, 1, … (one accumulator). */
function dotSequential(x: Float64Array, y: Float64Array, n: number): number {
  let a = 0;
  for (let t = 0; t < n; t++) a += x[t] * y[t];
  return a;
}

/** Σ_t x[t]·y[t] with two accumulators (even and odd t), added at the end. */
function dotPairwise2(x: Float64Array, y: Float64Array, n: number): number {
  let c0 = 0,
    c1 = 0;
  let t = 0;
  for (; t + 1 < n; t += 2) {
    c0 += x[t] * y[t];
    c1 += x[t + 1] * y[t + 1];
  }
  if (t < n) c0 += x[t] * y[t];
  return c0 + c1;
}

/** w[u] −= c·q[u], u < n. */
function subtractMultiple(w: Float64Array, c: number, q: Float64Array, n: number): void {
  for (let u = 0; u < n; u++) w[u] -= c * q[u];
}

/**
 * Largest eigenpair of M = (L Lᵀ)⁻¹ by Lanczos with full reorthogonalisation (classical Gram–Schmidt
 * with the DGKS second pass). Each step costs two triangular solves (2n² flops) plus 4jn for reorthogonalisation;
 * memory: the basis, (steps + 1)·n doubles.
 * Returns θ ≈ λ_max(M) and the Ritz vector. Stops when the residual β_j|y_j| ≤ tol·θ.
 * Overwrites the strict upper triangle of `l` with Lᵀ (the lower triangle, L, is kept).
 */
export function shiftInvertLanczos(
  l: Float64Array,
  n: number,
  maxSteps: number,
  tol = 1e-10,
  /**
   * Optional extra stopping rule, checked with the residual test: given the largest Ritz value θ₁, the
   * second θ₂ (NaN at step 1) and the residual ρ = β_j|y_j|, return true to stop. lambdaMinCertified
   * uses it to stop as soon as the Ritz VALUE is accurate enough for the shifted Cholesky (≈ ρ²/(θ₁ − θ₂),
   * Kato–Temple), which needs far fewer steps than the residual test (the value converges twice as fast).
   */
  stopWhen?: (theta1: number, theta2: number, residual: number) => boolean,
  /** Start vector (default: a fixed pseudo-random one); e.g. the Ritz vector of an earlier, rougher shift. */
  start?: Float64Array,
): { theta: number; vector: Float64Array; steps: number; converged: boolean } {
  const m = Math.min(maxSteps, n);
  // Basis vectors are allocated as the iteration goes (not (m + 1)·n up front): with early stopping most
  // runs use 5–40 of the m ≤ 150 (at N = 4000 an up-front block would be 4.8 MB, 4 % of an N × N matrix).
  const Q: Float64Array[] = [new Float64Array(n)];
  const alpha = new Float64Array(m);
  const beta = new Float64Array(m);
  // Copy Lᵀ into the (unused) strict upper triangle so that the solve with Lᵀ reads contiguous rows in
  // dot-product form (≈ 2× faster than the column-oriented axpy form in V8).
  if (!wasmMirrorLowerToUpper(l, n)) for (let i = 0; i < n; i++) for (let k = 0; k < i; k++) l[k * n + i] = l[i * n + k];
  const v0 = start ?? startVector(n);
  const nv = norm2(v0);
  divideInto(Q[0], v0, nv, n);
  const w = new Float64Array(n);
  const tri = { d: new Float64Array(m), e: new Float64Array(m), z: new Float64Array(m), piv: new Float64Array(m) };
  let theta = 0;
  let y: Float64Array = new Float64Array(1);
  let steps = 0;
  let converged = false;
  for (let j = 0; j < m; j++) {
    const qj = Q[j];
    w.set(qj.subarray(0, n));
    solveLowerInPlace(l, n, w);
    solveUpperInPlace(l, n, w);
    alpha[j] = dotSequential(qj, w, n);
    // Full reorthogonalisation: classical Gram–Schmidt, repeated once more when the norm dropped by more
    // than 1/√2 (Daniel–Gragg–Kaufman–Stewart criterion, "twice is enough"); offsets, no subarrays.
    let normBefore = norm2(w);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i <= j; i++) {
        const qi = Q[i];
        subtractMultiple(w, dotPairwise2(qi, w, n), qi, n);
      }
      const normAfter = norm2(w);
      if (normAfter > Math.SQRT1_2 * normBefore) break;
      normBefore = normAfter;
    }
    const b = norm2(w);
    beta[j] = b;
    steps = j + 1;
    // Checking costs O(steps²) (eigenvalues of T_j by QL without vectors, the top eigenvector by inverse
    // iteration): negligible next to a Lanczos step (2n² + 4jn flops), so check every step (the full
    // tridiagonalEigen, O(steps³) with allocations, costs 0.044 ms/step at N = 100 even every 4th step).
    {
      const top = topRitzPair(alpha, beta, steps, tri);
      theta = top.theta1;
      y = top.y;
      const res = b * Math.abs(y[steps - 1]);
      if (!(b > 1e-300) || res <= tol * Math.abs(theta)) {
        converged = true;
        break;
      }
      if (stopWhen?.(theta, top.theta2, res)) break;
    }
    if (!(b > 0)) break;
    const qn = new Float64Array(n);
    divideInto(qn, w, b, n);
    Q.push(qn);
  }
  const vec = new Float64Array(n);
  for (let i = 0; i < steps; i++) {
    const yi = y[i];
    const qi = Q[i];
    for (let t = 0; t < n; t++) vec[t] += yi * qi[t];
  }
  return { theta, vector: vec, steps, converged };
}

function normaliseInf(v: Float64Array): Float64Array {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  if (m > 0) for (let i = 0; i < v.length; i++) v[i] /= m;
  return v;
}

export interface LambdaMinEnclosure {
  /** Rigorous: lower ≤ λ_min(K_true). */
  lower: number;
  /** Best estimate of λ_min(K) (not rigorous), clamped into [lower, upper]. */
  estimate: number;
  /** Rigorous: λ_min(K_true) ≤ upper. */
  upper: number;
  /** How the estimate and bounds were obtained, e.g. 'shift-invert-lanczos+cholesky'. */
  method: string;
  /** Number of O(n³/3) Cholesky factorisations performed. */
  factorizations: number;
}

/**
 * Up to this size the dense symmetric eigensolver gives the estimate. Crossover measured with the
 * WebAssembly Cholesky and tridiagonalisation (whole enclosure, µs, dense path / Lanczos path):
 * n = 48: 64 / 137, n = 64: 105 / 156, n = 96: 246 / 235, n = 128: 462 / 424. (With the JS
 * tridiagonalisation the crossover is at n ≈ 40, with the JS Cholesky too at n ≈ 64.)
 */
export const DENSE_EIGENSOLVER_MAX_N = 80;

/**
 * Enclosure lower ≤ λ_min(K_true) ≤ upper, plus an estimate.
 *
 * Algorithm:
 *  1. Estimate λ_min and an eigenvector v: for n ≤ DENSE_EIGENSOLVER_MAX_N (or if K − s₀I cannot be factorised for small
 *     negative s₀, i.e. K is clearly indefinite) by the dense eigensolver (eigh.ts); otherwise by
 *     shift-invert Lanczos on (K − s₀I)⁻¹ with one Cholesky factorisation, s₀ ∈ {0, −τ, −8τ, −64τ},
 *     τ = γ_{n+1}·Σ|k_ii|, stopped as soon as the Ritz value is within δ/16 of λ_min (Kato–Temple
 *     estimate), or — when that is predicted to take more steps than a factorisation costs — RE-SHIFTED:
 *     one more Cholesky at s₁ just below the estimate (≥ 5 % of the way back to s₀), and Lanczos on
 *     (K − s₁I)⁻¹ from the stage-1 Ritz vector, which then converges in a few steps. (Estimates only;
 *     a successful factorisation at s₁ is also a rigorous fall-back lower bound.)
 *  2. upper = Rayleigh quotient of v with its rounding bound + entryError (rayleighQuotientUpper).
 *     The estimate is the float Rayleigh quotient (quadratically accurate in the eigenvector error).
 *  3. lower from one more Cholesky of fl(K − sI), s = estimate − δ, δ = max(R/10, relTol·|estimate|)
 *     with R the Rump term; on failure δ ← 8δ (at most 6 tries); then the factorisations of step 1 and
 *     Gershgorin as fall-backs. lower = down(s − R − entryError) (see shiftedCholeskyLowerBound).
 *     After the Lanczos path, one step of inverse iteration with that factor refines v, and the smaller
 *     of the two rigorous Rayleigh-quotient upper bounds is returned.
 *  Cost: 2–3 factorisations (n³/3 flops each) + O(10–40) Lanczos steps (2n² + 4jn flops each); memory:
 *  ONE n × n work array besides K, plus the Lanczos basis ((steps + 1)·n doubles).
 *  Measured (bench/linalg.ts, warm JIT, median of 3 runs, loaded 2-vCPU machine; before → after):
 *  N = 100 0.83 → 0.44 ms, N = 200 3.2 → 2.15 ms, N = 400 16.2 → 13.3 ms, N = 1000 0.33 → 0.21 s.
 *  A caller who can accept a relative slack passes relTol (> 0): δ grows, Lanczos stops earlier.
 *
 * Error bound: both ends are rigorous (never lower > λ_min(K_true) or upper < λ_min(K_true)); the
 * width is typically R + δ ≈ 1.1·(n+1)u·tr(K) + entryError (below, as the lower bound costs the
 * Rump term) plus a few u‖K‖ (above). With λ_min ≪ R the lower bound is ≤ 0 — honest, not a bug.
 * The estimate is accurate to about u‖K‖₂ in absolute terms (backward stable), e.g. 1e-4 relative
 * at λ_min = 1e-12·λ_max.
 */
function lambdaMinCertifiedUnscaled(k: Matrix, opts: { entryError?: number; relTol?: number; work?: Float64Array } = {}): LambdaMinEnclosure {
  // Every factorisation and solve below runs on ONE n × n array: in the WebAssembly workspace when it
  // has room (the SIMD kernels then work in place); above its limit (n > ≈ 2200) in a transient
  // WebAssembly memory — the same peak memory as allocating the array — unless the caller lent `work`
  // to save that matrix, in which case the JS kernels run on `work` (memory first: ≈ 3–4× slower).
  // (A `work` that is K's own storage is not a lent buffer.)
  const lent = opts.work && opts.work !== k.data ? opts.work : undefined;
  return withWorkArray(k.rows * k.rows, lent, (work, inWasm) => lambdaMinCertifiedIn(k, opts, work, inWasm));
}

function lambdaMinCertifiedIn(
  k: Matrix,
  opts: { entryError?: number; relTol?: number; work?: Float64Array },
  work: Float64Array,
  inWasm: boolean,
): LambdaMinEnclosure {
  // (input validated by the exported wrapper lambdaMinCertified; scaling by a power of two keeps it valid)
  const e = checkEntryError(opts.entryError, 'lambdaMinCertified');
  const relTol = opts.relTol ?? 0;
  if (!(Number.isFinite(relTol) && relTol >= 0)) throw new RangeError(`lambdaMinCertified: relTol must be ≥ 0, got ${opts.relTol}`);
  const n = k.rows;
  if (n === 0) throw new RangeError('lambdaMinCertified: empty matrix');
  let factorizations = 0;
  let method: string;
  // The ONLY n × n work array: holds each Cholesky factor in turn (Lanczos keeps (m + 1)·n more, m ≤ 150).
  // LAPACK-style WORK: a caller may lend a buffer it no longer needs (e.g. the NNGP's) to save n² doubles.
  if (opts.work && opts.work.length < n * n) throw new RangeError(`lambdaMinCertified: work has ${opts.work.length} entries, needs ${n * n}`);
  let vector: Float64Array;
  let fallbackLower = -Infinity;

  let absTrace = 0;
  let maxAbsDiag = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.abs(k.data[i * n + i]);
    absTrace += v;
    if (v > maxAbsDiag) maxAbsDiag = v;
  }
  const tau = up(gammaUp(n + 1) * nonNegativeSumUpper(absTrace, n));
  const diagAt = new Float64Array(n);
  // δ(est): how far below the estimate the certifying Cholesky is attempted (see step 3 of the doc comment).
  // δ floor 2n·u·max|k_ii|: the typical size of Cholesky backward error when tr(K − sI) is small.
  const deltaAt = (est: number): number => {
    for (let i = 0; i < n; i++) diagAt[i] = k.data[i * n + i] - est;
    const rEst = rumpShiftTerm(diagAt, n);
    return Math.max(rEst / 10, relTol * Math.abs(est), 2 * n * UNIT_ROUNDOFF * maxAbsDiag, 64 * UNIT_ROUNDOFF * Math.abs(est), Number.MIN_VALUE);
  };

  // The first of `attempts` shifts est − δ, est − 8δ, est − 64δ, … at which the shifted Cholesky succeeds (a
  // failed factorisation: the shift is not below λ_min): its shift, its bound ℓ ≤ λ_min (the factor is left in
  // `work`) and the attempt's index; null if every attempt failed or the shift reached −∞.
  const backOffCholesky = (est: number, delta: number, attempts: number): { s: number; l: number; attempt: number } | null => {
    for (let attempt = 0; attempt < attempts; attempt++, delta *= 8) {
      const s = est - delta;
      if (s <= -Infinity) return null;
      factorizations++;
      const l = shiftedCholeskyLowerBound(k, s, work);
      if (l !== null) return { s, l, attempt };
    }
    return null;
  };

  let lanczosDone = false;
  let ritzEstimate = Infinity;
  if (n > DENSE_EIGENSOLVER_MAX_N) {
    for (const s0 of [0, -tau, -8 * tau, -64 * tau]) {
      factorizations++;
      const l0 = shiftedCholeskyLowerBound(k, s0, work);
      if (l0 === null) continue;
      fallbackLower = down(l0 - e);
      // Stage 1: Lanczos on (K − s₀I)⁻¹. Two ways to stop early (besides the residual test):
      //  (a) the Ritz value θ₁ pins λ_min = s₀ + 1/θ₁ to well within δ (error estimate ρ²/(θ₁ − θ₂)/θ₁²,
      //      Kato–Temple), so that the certifying Cholesky at est − δ succeeds;
      //  (b) RE-SHIFT: the estimate is already good relative to the gap λ₂ − λ₁ (err ≤ gap/10) but (a) is
      //      predicted (geometric rate of the last 3 steps) to need more steps than one factorisation and
      //      the few steps of stage 2 cost (factorInSteps below). Then one
      //      more Cholesky at s₁ = est − 8·err, just below λ_min, makes λ₁ − s₁ ≪ λ₂ − s₁ and Lanczos on
      //      (K − s₁I)⁻¹, started from the stage-1 Ritz vector, converges in a few steps.
      // Measured (bench/linalg.ts matrices, steps): N = 100: 28 → 7 + 4, N = 1000: 124 → 27 + 14.
      const errHist: number[] = [];
      let reshift = false;
      let lastErr = Infinity;
      // One factorisation in units of Lanczos steps. In the WebAssembly workspace: n³/3 flops at ≈ 9 / 13 /
      // 20 GFLOP/s (n ≈ 100 / 200 / ≥ 400) vs (2n² + 4jn) flops at ≈ 8 GFLOP/s + ≈ 8 µs per step (measured:
      // N = 200 0.12 ms vs 17–26 µs per step, N = 400 0.89 ms vs 51–61 µs, N = 1000 14.4 ms vs 240 µs). Plain
      // JS: ≈ 5 GFLOP/s (≈ 2.5 above n ≈ 1200, where the factor no longer fits in cache: 2.8 GFLOP/s at
      // N = 4000, 7.6 s) vs ≈ 1.6 GFLOP/s + ≈ 5 µs per step (ratio ≈ 3.5 at N = 100, 20 at 400, ≈ 500 at 4000).
      const cholFlopRate = inWasm ? (n < 150 ? 9e9 : n < 300 ? 13e9 : 20e9) : n <= 1200 ? 5e9 : 2.5e9;
      const stepRate = inWasm ? 8e9 : 1.6e9;
      const stepOverhead = inWasm ? 8e-6 : 5e-6;
      const factorInSteps = (j: number) => (n * n * n) / 3 / cholFlopRate / ((2 * n * n + 4 * j * n) / stepRate + stepOverhead);
      const mkStop =
        (shift: number, allowReshift: boolean) =>
        (t1: number, t2: number, res: number): boolean => {
          if (!(t1 > 0) || !(t2 < t1)) return false;
          const gap = t1 - t2;
          const errLambda = (res * res) / gap / (t1 * t1);
          errHist.push(errLambda);
          lastErr = errLambda;
          const est = shift + 1 / t1;
          const delta = deltaAt(est);
          if (res < 0.1 * gap && errLambda <= delta / 16) return true;
          if (!allowReshift || errHist.length < 6) return false;
          const gapLambda = t2 > 0 ? 1 / t2 - 1 / t1 : Infinity;
          if (!(errLambda <= 0.1 * gapLambda)) return false;
          const r = Math.cbrt(errLambda / errHist[errHist.length - 4]);
          // No measurable progress over the last 3 steps (r ≥ 1: the estimate is not monotone, e.g. while a
          // new Ritz value emerges) is no evidence of slow convergence: decide at a later step. (Treating it as
          // "remaining = ∞" re-shifted the N = 4000 NTK at step 21; it converges by step 42 without.)
          if (!(r < 1)) return false;
          const remaining = Math.log(delta / 16 / errLambda) / Math.log(r);
          if (remaining > factorInSteps(errHist.length) + 7) {
            // + the ≈ 4–10 steps of stage 2
            reshift = true;
            return true;
          }
          return false;
        };
      const lz = shiftInvertLanczos(work, n, Math.min(n, 150), 1e-10, mkStop(s0, true));
      vector = lz.vector;
      if (lz.theta > 0) ritzEstimate = s0 + 1 / lz.theta;
      method = `shift-invert-lanczos(${lz.steps}${lz.converged ? '' : ',unconverged'})`;
      lanczosDone = true;
      if (reshift && Number.isFinite(ritzEstimate)) {
        // The error estimate is rough this early (Lanczos may not have "seen" λ₁ yet: at N = 200 the estimate
        // was 3e-4 while the Ritz value sat on λ₂, 5e-3 above λ₁), so keep s₁ safely below λ_min: at least
        // 5 % of the way from the estimate back to s₀. A failed attempt costs a (partial) factorisation.
        const hit = backOffCholesky(ritzEstimate, Math.max(8 * lastErr, 0.05 * (ritzEstimate - s0)), 2);
        if (hit) {
          fallbackLower = Math.max(fallbackLower, down(hit.l - e));
          normaliseInf(vector);
          const lz2 = shiftInvertLanczos(work, n, Math.min(n, 150), 1e-10, mkStop(hit.s, false), vector);
          vector = lz2.vector;
          if (lz2.theta > 0) ritzEstimate = hit.s + 1 / lz2.theta;
          method += `+reshift-lanczos(${lz2.steps}${lz2.converged ? '' : ',unconverged'})`;
        }
      }
      break;
    }
    if (!lanczosDone) method = 'dense-eigh(indefinite)';
  }
  if (!lanczosDone && n <= DENSE_EIGENSOLVER_MAX_N) {
    // Small n: eigenvalues only (no eigenvector accumulation, ≈ 4/3·n³ instead of ≈ 9n³), then ONE
    // Cholesky at s = λ̃₁ − δ that is both the certificate (lower = s − R − e) and the operator of two
    // inverse-iteration steps for the vector of the Rayleigh upper bound (contraction ≈ δ/(λ₂ − s) per
    // step). Measured (whole enclosure): n = 32: 62 µs, n = 48: 158 µs, n = 64: 286 µs, against 113 / 340 / 761 µs
    // for the eigenvector-accumulating eigh alone; n = 8: 17 µs (fixed overheads).
    const est = eigvalshMinScaled(k, 1); // k validated and (if extreme) scaled by the exported wrapper
    const hit = Number.isFinite(est) ? backOffCholesky(est, deltaAt(est), 4) : null;
    if (hit) {
      const v = startVector(n);
      for (let it = 0; it < 2; it++) {
        solveLowerInPlace(work, n, v);
        solveLowerTransposeInPlace(work, n, v);
        normaliseInf(v);
      }
      if (allFinite(v)) {
        const rqSmall = rayleighQuotientUpper(k, v);
        const upperSmall = up(rqSmall.upper + e);
        const lowerSmall = down(hit.l - e);
        // The eigvalsh value is the better estimate (backward stable); the Rayleigh quotient may sit nearer λ₂ when λ₁ ≈ λ₂.
        const estimateSmall = Math.min(Math.max(Math.min(est, rqSmall.value), lowerSmall), upperSmall);
        return {
          lower: lowerSmall,
          estimate: estimateSmall,
          upper: upperSmall,
          method: `dense-eigvalsh+cholesky${hit.attempt > 0 ? `(backoff ${hit.attempt})` : ''}+inverse-iteration`,
          factorizations,
        };
      }
    }
  }
  if (!lanczosDone) {
    const ed = eigh(k);
    vector = new Float64Array(n);
    for (let i = 0; i < n; i++) vector[i] = ed.vectors.data[i * n];
    method ??= 'dense-eigh';
  }
  normaliseInf(vector!);
  const rq = rayleighQuotientUpper(k, vector!);
  let upper = up(rq.upper + e);
  let estimate0 = rq.value;
  // The certifying shift sits δ below the estimate; the Ritz value (not rigorous either) may be the closer of the two.
  const shiftBase = Math.min(estimate0, ritzEstimate);

  // Lower bound by a shifted Cholesky just below the estimate.
  let lower = -Infinity;
  let lowerMethod = 'cholesky';
  const hit = backOffCholesky(shiftBase, deltaAt(shiftBase), 6);
  if (hit) {
    lower = down(hit.l - e);
    if (hit.attempt > 0) lowerMethod = `cholesky(backoff ${hit.attempt})`;
    if (lanczosDone) {
      // One step of inverse iteration with the factor just computed (2n² flops): the shift is within δ of
      // λ_min, so the error of the vector shrinks by ≈ δ/(λ₂ − λ_min) and its Rayleigh quotient (another
      // rigorous upper bound) is accurate even when Lanczos stopped early. Keep the better upper bound.
      const y = Float64Array.from(vector!);
      solveLowerInPlace(work, n, y);
      solveLowerTransposeInPlace(work, n, y);
      if (allFinite(y)) {
        normaliseInf(y);
        const rq2 = rayleighQuotientUpper(k, y);
        const up2 = up(rq2.upper + e);
        if (up2 < upper) upper = up2;
        if (rq2.value < estimate0) estimate0 = rq2.value;
      }
    }
  }
  if (fallbackLower > lower) {
    lower = fallbackLower;
    lowerMethod = 'cholesky(first shift)';
  }
  if (lower === -Infinity) {
    lower = down(gershgorinLower(k) - e);
    lowerMethod = 'gershgorin';
  }
  const estimate = Math.min(Math.max(estimate0, lower), upper);
  return { lower, estimate, upper, method: `${method!}+${lowerMethod}`, factorizations };
}

// ---------------------------------------------------------------------------------------------
// Binary prescaling. Entries near the ends of the exponent range (data at scales 1e±150 give kernel
// entries near 1e±300) make the Cholesky's products overflow or underflow. K is multiplied by 2^s with
// s = −floor(log2 max|k_ij|) (pow2.ts ldexp: one rounding per entry, for every s in [−1023, 1074]).
// Scaling is exact for every entry that stays normal; entries that become subnormal lose at most ETA/2
// each, covered by adding n·ETA to the (scaled) entry error (‖ΔK‖₂ ≤ ‖ΔK‖_F ≤ n·ETA/2). Results are
// mapped back by 2^-s with outward rounding (ldexpDown / ldexpUp: exact unless they under- or overflow).
// ---------------------------------------------------------------------------------------------

/** The exponent s of the prescaling, 0 when m = max|k_ij| lies in [2^-200, 2^200] (or K = 0). */
function prescaleExponent(m: number): number {
  if (m === 0 || (m <= 2 ** 200 && m >= 2 ** -200)) return 0;
  return -exponentOf(m);
}

/**
 * Entries below 2^-900·max|k_ij| (in particular subnormal ones, on which eigh.ts's Householder reduction returns
 * NaN) set to 0, and the entry error widened by the change: ≤ 2^-900·max|k_ij| per entry, so ≤ n·2^-900·max|k_ij|
 * in spectral norm (‖·‖₂ ≤ ‖·‖_F). Returns k itself (same bits) when there is no such entry, and max|k_ij| (the
 * same before and after: only entries below it are changed).
 */
function flushTiny(k: Matrix, e: number, range: { max: number; minNonZero: number }): { k: Matrix; e: number; max: number } {
  const { max: m, minNonZero } = range;
  const tiny = m * 2 ** -900;
  if (!(minNonZero < tiny)) return { k, e, max: m };
  const data = k.data.map((v) => (Math.abs(v) < tiny ? 0 : v));
  return { k: { rows: k.rows, cols: k.cols, data }, e: up(e + up(up(k.rows * tiny) + ETA)), max: m };
}

function scaledByPow2(k: Matrix, s: number): Matrix {
  const data = new Float64Array(k.data.length);
  for (let i = 0; i < data.length; i++) data[i] = ldexp(k.data[i], s);
  return { rows: k.rows, cols: k.cols, data };
}

/**
 * Proves λ_min(K_true) ≥ b with ONE Cholesky factorisation (see certifyLambdaMinAtLeastUnscaled for
 * the error analysis); K is first scaled by a power of two when its entries are extreme.
 *
 * entryError: a bound on ‖K − K_true‖₂, ≥ 0 (default 0). +∞ means nothing is known about K_true: the
 * result is { certified: false, shift: b, lowerBound: −∞ } (docs/error-model.md#λ_min-certificates).
 * NaN or a negative entryError throws RangeError.
 */
export function certifyLambdaMinAtLeast(k0: Matrix, b: number, opts: { entryError?: number } = {}): { certified: boolean; shift: number; lowerBound: number } {
  const range = assertSymmetricFinite(k0, 'certifyLambdaMinAtLeast');
  const e0 = checkEntryError(opts.entryError, 'certifyLambdaMinAtLeast');
  if (e0 === Infinity) {
    if (!Number.isFinite(b)) throw new RangeError(`certifyLambdaMinAtLeast: b must be finite, got ${b}`);
    return { certified: false, shift: b, lowerBound: -Infinity };
  }
  const f = flushTiny(k0, e0, range);
  const k = f.k,
    e = f.e;
  const s = prescaleExponent(f.max);
  if (s === 0) return certifyLambdaMinAtLeastUnscaled(k, b, { ...opts, entryError: e });
  const eScaled = up(ldexpUp(e, s) + k.rows * ETA);
  // An entry error beyond 2^1023·max|k_ij| proves nothing (and does not fit in a double once scaled).
  if (!Number.isFinite(eScaled)) return { certified: false, shift: b, lowerBound: -Infinity };
  const r = certifyLambdaMinAtLeastUnscaled(scaledByPow2(k, s), ldexpDown(b, s), { entryError: eScaled });
  const lowerBound = ldexpDown(r.lowerBound, -s);
  return { certified: r.certified && lowerBound >= b, shift: ldexp(r.shift, -s), lowerBound };
}

/**
 * Enclosure lower ≤ λ_min(K_true) ≤ upper plus an estimate (see lambdaMinCertifiedUnscaled for the
 * algorithm and its error bound); K is first scaled by a power of two when its entries are extreme.
 *
 * entryError: a bound on ‖K − K_true‖₂, ≥ 0 (default 0). +∞ means nothing is known about K_true: the
 * enclosure is [−∞, +∞], with the estimate of λ_min(K) itself (computed as for entryError = 0) and a
 * method that says the entry error is unbounded (docs/error-model.md#λ_min-certificates).
 * NaN or a negative entryError throws RangeError.
 */
export function lambdaMinCertified(
  k0: Matrix,
  opts: { entryError?: number; relTol?: number /** Optional n×n scratch buffer (overwritten); saves one n×n allocation. */; work?: Float64Array } = {},
): LambdaMinEnclosure {
  const range = assertSymmetricFinite(k0, 'lambdaMinCertified');
  const e0 = checkEntryError(opts.entryError, 'lambdaMinCertified');
  if (e0 === Infinity) {
    const r = lambdaMinCertified(k0, { ...opts, entryError: 0 });
    return { ...r, lower: -Infinity, upper: Infinity, method: `entry error unbounded (estimate: ${r.method})` };
  }
  const f = flushTiny(k0, e0, range);
  const k = f.k,
    e = f.e;
  const s = prescaleExponent(f.max);
  // (a flushed copy: K's own storage lent as `work` is then the caller's matrix, not scratch — do not use it)
  if (f.k !== k0 && opts.work === k0.data) opts = { entryError: opts.entryError, relTol: opts.relTol };
  if (s === 0) return lambdaMinCertifiedUnscaled(k, f.k === k0 ? opts : { ...opts, entryError: e });
  const eScaled = up(ldexpUp(e, s) + k.rows * ETA);
  if (!Number.isFinite(eScaled)) {
    // e > 2^1023·max|k_ij|: Weyl with ‖K‖₂ ≤ n·max|k_ij| < e is all there is to say.
    const bound = up(e + up(k.rows * ldexpUp(2, -s))); // max|k_ij| < 2^(1−s)
    return { lower: -bound, estimate: 0, upper: bound, method: 'entry error beyond the float64 range of K', factorizations: 0 };
  }
  const r = lambdaMinCertifiedUnscaled(scaledByPow2(k, s), { ...opts, entryError: eScaled });
  const lower = ldexpDown(r.lower, -s),
    upper = ldexpUp(r.upper, -s);
  const estimate = Math.min(Math.max(ldexp(r.estimate, -s), lower), upper);
  return { ...r, lower, estimate, upper, method: `${r.method}, scaled by 2^${s}` };
}
