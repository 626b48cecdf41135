/**
 * Spectral and Frobenius norms, with certified upper bounds.
 *
 * ‖W‖₂² = λ_max(W Wᵀ) = λ_max(Wᵀ W): we work with the smaller Gram matrix G (min(r, c) square),
 * formed by `gram` with its rounding bound E_G (blas.ts, Higham §3.1), and certify λ_max(G) ≤ t by a
 * successful Cholesky of fl(tI − G) with Rump's shift term (Rump 2006, BIT 46; see lambdaMin.ts), i.e.
 * λ_min(−G) ≥ −t. Lower bounds on λ_max come from a Rayleigh quotient with its rounding bound.
 */
import { type Matrix, transpose } from './matrix.ts';
import { exponentOf, ldexpDown, ldexpUp } from './pow2.ts';
import { withWorkArray } from './wasmKernels.ts';
import { up, down, gram, gramRoundingBound, norm2, normUp, dot, matvec, nonNegativeSumUpper } from './blas.ts';
import { shiftedCholeskyLowerBound, rayleighQuotientBounds, rumpShiftTerm, assertSymmetricFinite, checkEntryError } from './lambdaMin.ts';

/** ‖W‖_F, computed with scaling (relative error ≤ γ_{rc+2}, no spurious overflow). */
export function frobeniusNorm(w: Matrix): number {
  return norm2(w.data);
}

function negated(g: Matrix): Matrix {
  const d = new Float64Array(g.data.length);
  for (let i = 0; i < d.length; i++) d[i] = -g.data[i];
  return { rows: g.rows, cols: g.cols, data: d };
}

/** Power iteration for the dominant eigenpair of a symmetric PSD matrix (estimate only). */
export function powerIteration(g: Matrix, maxIter = 500, tol = 1e-15): { value: number; vector: Float64Array } {
  const n = g.rows;
  let v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = 1 + ((i * 0.618033988749895) % 1) * 0.5;
  let nv = norm2(v);
  for (let i = 0; i < n; i++) v[i] /= nv;
  let lam = 0;
  let w = new Float64Array(n);
  for (let it = 0; it < maxIter; it++) {
    matvec(g, v, w);
    const next = dot(v, w);
    nv = norm2(w);
    if (!(nv > 0)) return { value: 0, vector: v };
    for (let i = 0; i < n; i++) w[i] /= nv;
    const tmp = v;
    v = w;
    w = tmp;
    if (Math.abs(next - lam) <= tol * Math.abs(next)) {
      lam = next;
      break;
    }
    lam = next;
  }
  return { value: lam, vector: v };
}

/**
 * A float ≥ λ_max(G) from the Rayleigh-quotient bounds of a vector v (rayleighQuotientBounds) when the top
 * eigenvalue is separated from the rest, with no factorisation; null when the separation cannot be shown.
 *
 * Kato's bound (T. Kato, J. Phys. Soc. Japan 4 (1949) 334; Parlett, "The Symmetric Eigenvalue Problem",
 * §10.5): for symmetric G = Σ λ_i u_i u_iᵀ, unit v with c_i = u_iᵀv, ρ = vᵀGv and ε² = ‖Gv‖² − ρ², if
 * λ_2 ≤ α < ρ then λ_1 ≤ ρ + ε²/(ρ − α). Proof: every term of Σ_i (λ_i − λ_1)(λ_i − α)c_i² is ≥ 0 (0 for
 * i = 1, a product of two numbers ≤ 0 for i ≥ 2), and the sum equals ‖Gv‖² − (λ_1 + α)ρ + λ_1α
 * = ε² + ρ(ρ − α) − λ_1(ρ − α), so λ_1(ρ − α) ≤ ε² + ρ(ρ − α).
 * The separation α from the Frobenius norm: λ_2² ≤ Σ_{i≥2} λ_i² = ‖G‖_F² − λ_1² ≤ ‖G‖_F² − ρ_lo² whenever
 * 0 < ρ_lo ≤ ρ ≤ λ_1 (Rayleigh). Evaluated with ρ ∈ [ρ_lo, ρ_hi], ‖Gv‖ ≤ kvNormUpper, vᵀv ≥ denLower:
 *   ε² ≤ kvNormUpper²/denLower − ρ_lo², and λ_1 ≤ ρ_hi + ε²_hi/(ρ_lo − α), every operation rounded outward.
 * It holds for kernels with a dominant top eigenvalue (an NTK on uncentred data: λ_1 ≈ N·mean k_ij, the
 * others summing to about tr K). Cost O(n²), against n³/3 for the Cholesky certificate.
 */
export function separatedTopUpperBound(
  g: Matrix,
  rq: { lower: number; upper: number; kvNormUpper: number; denLower: number },
  /** max|g_ij| when the caller knows it exactly and every entry is finite (assertSymmetricFinite returns it). */
  gMaxAbs?: number,
): number | null {
  if (!(rq.lower > 0 && rq.upper < Infinity && rq.kvNormUpper < Infinity && rq.denLower > 0)) return null;
  // Everything is evaluated on 2^-p·G, p the exponent of ρ_hi, so that the squares below neither under- nor
  // overflow; the scalings are rounded outward (ldexpDown / ldexpUp), the result mapped back likewise.
  const p = exponentOf(rq.upper);
  const rhoLo = ldexpDown(rq.lower, -p),
    rhoHi = ldexpUp(rq.upper, -p);
  const kvHi = ldexpUp(rq.kvNormUpper, -p);
  const rhoLoSq = down(rhoLo * rhoLo);
  const froG = normUp(g.data, 0, g.data.length, gMaxAbs);
  if (!(froG < Infinity)) return null;
  const fro = ldexpUp(froG, -p);
  const alphaSq = up(up(fro * fro) - rhoLoSq);
  const alpha = alphaSq > 0 ? up(Math.sqrt(alphaSq)) : 0;
  const sep = down(rhoLo - alpha);
  if (!(sep > 0)) return null;
  const s = up(up(kvHi * kvHi) / rq.denLower);
  const epsSq = Math.max(0, up(s - rhoLoSq));
  const bound = ldexpUp(up(rhoHi + up(epsSq / sep)), p);
  return bound < Infinity ? bound : null;
}

/**
 * Enclosure of λ_max(G_true) for symmetric G with ‖G − G_true‖₂ ≤ entryError:
 *  lower = Rayleigh quotient of the power-iteration vector, minus its rounding bound and entryError;
 *  upper = separatedTopUpperBound (Kato's bound, O(n²)) + entryError when the top eigenvalue is shown to be
 *  separated; otherwise t + entryError where fl(tI − G) has a successful Cholesky and the Rump term is
 *  subtracted (λ_max(G) = −λ_min(−G) ≤ −shiftedCholeskyLowerBound(−G, −t)); t starts at est(1 + 2^-40) and
 *  backs off geometrically; last resort: the Gershgorin bound max_i Σ_j |g_ij|.
 *  `method` names the certificate of the upper end.
 *  entryError ≥ 0 (default 0); +∞ (nothing known about G_true) gives [−∞, +∞] with the estimate of λ_max(G)
 *  itself; NaN or a negative entryError throws RangeError (docs/error-model.md#λ_max).
 */
export function lambdaMaxCertified(g: Matrix, opts: { entryError?: number } = {}): { lower: number; estimate: number; upper: number; method: string } {
  const range = assertSymmetricFinite(g, 'lambdaMaxCertified');
  const e = checkEntryError(opts.entryError, 'lambdaMaxCertified');
  if (e === Infinity) {
    const r = lambdaMaxCertified(g, { entryError: 0 });
    return { lower: -Infinity, estimate: r.estimate, upper: Infinity, method: `entry error unbounded (estimate: ${r.method})` };
  }
  const n = g.rows;
  if (n === 0) throw new RangeError('lambdaMaxCertified: empty matrix');
  const pi = powerIteration(g);
  const est = pi.value;
  const v = pi.vector;
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(v[i]));
  if (m > 0) for (let i = 0; i < n; i++) v[i] /= m;
  const rq = rayleighQuotientBounds(g, v);
  const lower = down(rq.lower - e);
  const kato = separatedTopUpperBound(g, rq, g.data.length === n * n ? range.max : undefined);
  let upper = Infinity;
  let method = 'power iteration';
  // Kato's bound exceeds ρ by ε²/(ρ − α); the Cholesky certificate's first attempt by its shift t − est plus
  // the Rump term of fl(tI − G), ≈ (n + 1)u·tr(tI − G) (lambdaMin.ts). Kato is taken alone when it is at least
  // as tight as that prediction (N = 1000 NTK: 5.7e-8 against 3.6e-6 above ρ); otherwise the Cholesky runs
  // and the smaller upper bound wins (a small separation ρ − α makes Kato's term large).
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(g.data[i * n + i]));
  const gap0 = Math.max(Math.abs(est), scale) * 2 ** -40 + Number.MIN_VALUE;
  const choleskyExcess = (): number => {
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = est + gap0 - g.data[i * n + i];
    return gap0 + rumpShiftTerm(d, n);
  };
  if (kato !== null && kato - rq.upper <= choleskyExcess()) {
    upper = up(kato + e);
    method += ' + Kato bound (Frobenius gap)';
  } else {
    const neg = negated(g);
    // The factor in the WebAssembly workspace when it has room (its SIMD Cholesky), as lambdaMin.ts does.
    // Measured, N = 1000 H∞ (kernel h-infinity), everything after the power iteration: 0.41 s with a plain
    // Float64Array → 0.23 s (loaded 2-vCPU machine, one run each).
    upper = withWorkArray(n * n, undefined, (work) => {
      let gap = gap0;
      for (let attempt = 0; attempt < 8; attempt++) {
        const l = shiftedCholeskyLowerBound(neg, -(est + gap), work);
        if (l !== null) return up(-l + e);
        gap *= 64;
      }
      return Infinity;
    });
    method += ' + Cholesky of tI − G';
    if (kato !== null && up(kato + e) < upper) {
      upper = up(kato + e);
      method = 'power iteration + Kato bound (Frobenius gap)';
    }
  }
  if (upper === Infinity) {
    let best = 0;
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let j = 0; j < n; j++) r += Math.abs(g.data[i * n + j]);
      best = Math.max(best, nonNegativeSumUpper(r, n));
    }
    upper = up(best + e);
    method = 'power iteration + Gershgorin';
  }
  return { lower, estimate: Math.min(Math.max(est, lower), upper), upper, method };
}

function smallerGram(w: Matrix): { g: Matrix; err: number } {
  const x = w.rows <= w.cols ? w : transpose(w);
  return { g: gram(x), err: gramRoundingBound(x) };
}

/** Estimate of ‖W‖₂ (power iteration on the smaller Gram matrix; not rigorous). */
export function norm2Estimate(w: Matrix): number {
  if (w.rows === 0 || w.cols === 0) return 0;
  const { g } = smallerGram(w);
  return Math.sqrt(Math.max(0, powerIteration(g).value));
}

/**
 * Certified upper bound on ‖W‖₂: sqrt of the certified upper bound on λ_max(G) for G the smaller Gram
 * matrix formed in floating point, with entryError = gramRoundingBound (γ_d‖W‖_F² + N d ETA).
 * Typical relative overestimate: 2^-41 + (Rump term + Gram term)/‖W‖₂² ≈ (n² + d)u·‖W‖_F²/‖W‖₂².
 * Throws RangeError on non-finite input.
 */
export function norm2UpperBound(w: Matrix): number {
  for (let i = 0; i < w.data.length; i++) if (!Number.isFinite(w.data[i])) throw new RangeError('norm2UpperBound: non-finite entry');
  if (w.rows === 0 || w.cols === 0) return 0;
  const { g, err } = smallerGram(w);
  const r = lambdaMaxCertified(g, { entryError: err });
  return up(Math.sqrt(Math.max(0, r.upper)));
}

/** Certified lower bound on ‖W‖₂ (Rayleigh quotient of the smaller Gram matrix, minus rounding). */
export function norm2LowerBound(w: Matrix): number {
  if (w.rows === 0 || w.cols === 0) return 0;
  const { g, err } = smallerGram(w);
  const r = lambdaMaxCertified(g, { entryError: err });
  return r.lower > 0 ? down(Math.sqrt(r.lower)) : 0;
}
