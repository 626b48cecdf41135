import { up } from './blas.ts';
import { eigvalsh } from './eigh.ts';
import { lambdaMinCertified } from './lambdaMin.ts';
import { allFinite, ETA, type Matrix, trace } from './matrix.ts';
import { exponentOf, ldexp, ldexpDown, ldexpUp } from './pow2.ts';

/**
 * The spectral summary of a symmetric PSD kernel known as 2^log2Scale·k with ‖k − 2^{−log2Scale}K‖₂ ≤
 * errorBound: a certified enclosure of λ_min(K), estimates of λ_max(K) and tr K, in natural units.
 *
 * Every step works on 2^{−F}·K with entries of order 1 (the range of every eigenvalue routine), F =
 * log2Scale plus a power-of-two normalisation of k: ldexp is exact except for entries that underflow
 * (≤ ETA/2 each, so + N·ETA in the spectral bound). Entries below 2^-900·max|k_ij| (subnormal ones in
 * particular, on which the Householder reduction of eigh.ts loses its scale) are set to 0: a
 * perturbation ≤ 2^-900·max|k_ij| per entry, ≤ N·2^-900·max|k_ij| in spectral norm, added to the bound.
 * Results are mapped back with outward rounding (exact unless they under- or overflow).
 *
 * λ_min: lambdaMinCertified (a shifted Cholesky certificate; see lambdaMin.ts for its error bound), or
 * the estimate alone with [−∞, ∞] when `certified` is false. λ_max: eigvalsh for N ≤ EIGVALSH_MAX_N,
 * else power iteration (a Rayleigh quotient, a lower estimate); it is an estimate, not certified.
 */

/** Above this size λ_max comes from power iteration instead of a full eigendecomposition. */
export const EIGVALSH_MAX_N = 500;

export interface SpectralSummary {
  lambdaMin: { lower: number; estimate: number; upper: number };
  lambdaMinMethod: string;
  lambdaMinFactorizations: number;
  lambdaMax: number;
  lambdaMaxMethod: string;
  trace: number;
  /** errorBound in natural units (rounded up). */
  entryError: number;
  /** false when the enclosure is wider than |estimate| (not even its leading digit is certified). */
  useful: boolean;
  lambdaMinMs: number;
}

/** Why a summary cannot be given in float64: the kernel (or its bound) is beyond the double range. */
export type SpectralRangeError = { kind: 'entries' } | { kind: 'spectrum'; log2LambdaMax: number };

export function spectralSummary(k0: Matrix, errorBound0: number, log2Scale: number, opts: { certified?: boolean } = {}): SpectralSummary | SpectralRangeError {
  const uncertified = opts.certified === false;
  if (!allFinite(k0.data) || !(errorBound0 >= 0 && (errorBound0 < Infinity || uncertified))) return { kind: 'entries' };
  let k = k0, errorBound = errorBound0, F = log2Scale;
  const s = normalisingExponent(k);
  if (s !== 0) {
    k = { rows: k.rows, cols: k.cols, data: k.data.map((v) => ldexp(v, s)) };
    errorBound = up(ldexpUp(errorBound, s) + up(k.rows * ETA));
    F -= s;
  }
  let m = 0;
  for (let t = 0; t < k.data.length; t++) m = Math.max(m, Math.abs(k.data[t]));
  const tiny = m * 2 ** -900;
  if (k.data.some((v) => v !== 0 && Math.abs(v) < tiny)) {
    k = { rows: k.rows, cols: k.cols, data: k.data.map((v) => (Math.abs(v) < tiny ? 0 : v)) };
    errorBound = up(errorBound + up(up(k.rows * tiny) + ETA));
  }
  const t0 = performance.now();
  const lmS = uncertified ? { ...lambdaMinCertified(k), lower: -Infinity, upper: Infinity, method: 'estimate only (not certified)' } : lambdaMinCertified(k, { entryError: errorBound });
  const lambdaMinMs = performance.now() - t0;
  const lmaxS = k.rows <= EIGVALSH_MAX_N ? { value: eigvalsh(k).at(-1)!, method: 'eigvalsh (largest eigenvalue)' } : { value: powerIterationLambdaMax(k), method: 'power iteration (Rayleigh quotient)' };
  const lower = ldexpDown(lmS.lower, F), upper = ldexpUp(lmS.upper, F);
  const estimate = Math.min(Math.max(ldexp(lmS.estimate, F), lower), upper);
  const lambdaMax = ldexp(lmaxS.value, F);
  const tr = ldexp(trace(k), F);
  const entryError = ldexpUp(errorBound, F);
  if ((uncertified ? [lambdaMax, tr] : [lower, upper, lambdaMax, tr, entryError]).some((v) => !(Math.abs(v) < Number.MAX_VALUE))) {
    return { kind: 'spectrum', log2LambdaMax: F + (lmaxS.value > 0 ? exponentOf(lmaxS.value) : 0) };
  }
  return {
    lambdaMin: { lower, estimate, upper },
    lambdaMinMethod: F !== 0 ? `${lmS.method}, on 2^${-F}·K` : lmS.method,
    lambdaMinFactorizations: lmS.factorizations,
    lambdaMax,
    lambdaMaxMethod: lmaxS.method,
    trace: tr,
    entryError,
    useful: upper - lower <= Math.abs(estimate),
    lambdaMinMs,
  };
}

/** −floor(log2 max|k_ij|) when that maximum is outside [2^-200, 2^200], else 0 (no rescaling needed). */
function normalisingExponent(k: Matrix): number {
  let m = 0;
  for (let t = 0; t < k.data.length; t++) m = Math.max(m, Math.abs(k.data[t]));
  if (m === 0 || (m >= 2 ** -200 && m <= 2 ** 200)) return 0;
  return -exponentOf(m);
}

/**
 * λ_max of a symmetric PSD matrix by power iteration with the Rayleigh quotient (a lower bound on
 * λ_max, converging from below). Used only for large N, where a full eigendecomposition is costly.
 */
export function powerIterationLambdaMax(k: Matrix, maxIter = 500, relTol = 1e-12): number {
  const n = k.rows;
  const a = k.data;
  let v = new Float64Array(n);
  // Deterministic start with a component on every coordinate.
  for (let i = 0; i < n; i++) v[i] = 1 + ((i * 0.6180339887498949) % 1);
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  for (let i = 0; i < n; i++) v[i] /= norm;
  let lambda = 0;
  const w = new Float64Array(n);
  for (let it = 0; it < maxIter; it++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      const off = i * n;
      for (let j = 0; j < n; j++) s += a[off + j] * v[j];
      w[i] = s;
    }
    let rq = 0;
    let ww = 0;
    for (let i = 0; i < n; i++) {
      rq += v[i] * w[i];
      ww += w[i] * w[i];
    }
    const wn = Math.sqrt(ww);
    if (wn === 0) return 0;
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) next[i] = w[i] / wn;
    v = next;
    if (it > 0 && Math.abs(rq - lambda) <= relTol * Math.abs(rq)) return rq;
    lambda = rq;
  }
  return lambda;
}
