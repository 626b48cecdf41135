import { down, up } from './blas.ts';
import { lambdaMinCertified, symmetricRange } from './lambdaMin.ts';
import { lambdaMaxCertified } from './norm.ts';
import { ETA, type Matrix, trace } from './matrix.ts';
import { exponentOf, ldexp, ldexpDown, ldexpUp } from './pow2.ts';

/**
 * The spectral summary of a symmetric PSD kernel known as 2^log2Scale·k with ‖k − 2^{−log2Scale}K‖₂ ≤
 * errorBound: certified enclosures of λ_min(K) and λ_max(K), and tr K (of the float kernel), in natural units.
 *
 * Every step works on 2^{−F}·K with entries of order 1 (the range of every eigenvalue routine), F =
 * log2Scale plus a power-of-two normalisation of k: ldexp is exact except for entries that underflow
 * (≤ ETA/2 each, so + N·ETA in the spectral bound). Entries below 2^-900·max|k_ij| (subnormal ones in
 * particular, on which the Householder reduction of eigh.ts loses its scale) are set to 0: a
 * perturbation ≤ 2^-900·max|k_ij| per entry, ≤ N·2^-900·max|k_ij| in spectral norm, added to the bound.
 * Results are mapped back with outward rounding (exact unless they under- or overflow).
 *
 * λ_min: lambdaMinCertified (a shifted Cholesky certificate; see lambdaMin.ts for its error bound);
 * λ_max: lambdaMaxCertified (norm.ts: a Rayleigh-quotient lower bound, and Kato's bound or a Cholesky of
 * tI − K above). When `certified` is false both are the estimates alone, with [−∞, ∞].
 */

export interface SpectralSummary {
  lambdaMin: { lower: number; estimate: number; upper: number };
  lambdaMinMethod: string;
  lambdaMinFactorizations: number;
  /** Certified λ_max(K) ∈ [lower, upper] ([−∞, ∞] when not certified); estimate is the best point value. */
  lambdaMax: { lower: number; estimate: number; upper: number };
  lambdaMaxMethod: string;
  trace: number;
  /** The caller's errorBound in natural units (rounded up). */
  entryError: number;
  /** false when the enclosure is wider than |estimate| (not even its leading digit is certified). */
  useful: boolean;
  lambdaMinMs: number;
}

/** Why a summary cannot be given in float64: the kernel (or its bound) is beyond the double range. */
export type SpectralRangeError = { kind: 'entries' } | { kind: 'spectrum'; log2LambdaMax: number };

export function spectralSummary(
  k0: Matrix,
  errorBound0: number,
  log2Scale: number,
  opts: {
    certified?: boolean;
    /**
     * An enclosure of λ_min(2^log2Scale·K) in natural units already computed by the kernel's own engine routine
     * (e.g. empiricalNtkLambdaMin): used as given, and lambdaMinCertified is not run a second time.
     */
    lambdaMin?: { lower: number; estimate: number; upper: number; method: string; factorizations?: number };
  } = {},
): SpectralSummary | SpectralRangeError {
  const uncertified = opts.certified === false;
  // One pass over the entries for finiteness, max|k_ij| and the smallest non-zero |k_ij|: symmetricRange, the
  // loop that lambdaMinCertified and lambdaMaxCertified then run again (as optimised code), when K is square,
  // finite and symmetric; otherwise the plain pass (which finds non-finite entries wherever they are).
  const sr = k0.rows === k0.cols && k0.data.length === k0.rows * k0.cols ? symmetricRange(k0) : { ok: false, max: 0, minNonZero: Infinity };
  let { finite, max: m, minNonZero } = sr.ok ? { finite: true, max: sr.max, minNonZero: sr.minNonZero } : absRange(k0.data);
  if (!finite || !(errorBound0 >= 0 && (errorBound0 < Infinity || uncertified))) return { kind: 'entries' };
  let k = k0,
    errorBound = errorBound0,
    F = log2Scale;
  const s = normalisingExponent(m);
  if (s !== 0) {
    k = { rows: k.rows, cols: k.cols, data: k.data.map((v) => ldexp(v, s)) };
    errorBound = up(ldexpUp(errorBound, s) + up(k.rows * ETA));
    F -= s;
    ({ max: m, minNonZero } = absRange(k.data)); // (entries that underflow when scaled are 0 now)
  }
  const tiny = m * 2 ** -900;
  if (minNonZero < tiny) {
    k = { rows: k.rows, cols: k.cols, data: k.data.map((v) => (Math.abs(v) < tiny ? 0 : v)) };
    errorBound = up(errorBound + up(up(k.rows * tiny) + ETA));
  }
  // A bound so large against the entries that it does not fit in the scaled units (≥ 2^1023·max|k_ij|): the
  // eigenvalues of the scaled k are enclosed without it, and the bound is added in natural units (Weyl).
  const weyl = !uncertified && !(errorBound < Infinity);
  const eNat = weyl ? ldexpUp(errorBound0, log2Scale) : 0;
  const eIn = uncertified || weyl ? 0 : errorBound;
  const t0 = performance.now();
  let lower: number, upper: number, estimate: number, lmMethod: string, lmFactorizations: number;
  if (opts.lambdaMin) {
    ({ lower, upper, estimate } = opts.lambdaMin);
    lmMethod = opts.lambdaMin.method;
    lmFactorizations = opts.lambdaMin.factorizations ?? 0;
  } else {
    const lmS = uncertified
      ? { ...lambdaMinCertified(k), lower: -Infinity, upper: Infinity, method: 'estimate only (not certified)' }
      : lambdaMinCertified(k, { entryError: eIn });
    lower = weyl ? down(ldexpDown(lmS.lower, F) - eNat) : ldexpDown(lmS.lower, F);
    upper = weyl ? up(ldexpUp(lmS.upper, F) + eNat) : ldexpUp(lmS.upper, F);
    estimate = Math.min(Math.max(ldexp(lmS.estimate, F), lower), upper);
    lmMethod = F !== 0 ? `${lmS.method}, on 2^${-F}·K` : lmS.method;
    lmFactorizations = lmS.factorizations;
  }
  const lambdaMinMs = performance.now() - t0;
  const lmaxS = lambdaMaxCertified(k, { entryError: eIn });
  const maxLower = uncertified ? -Infinity : weyl ? down(ldexpDown(lmaxS.lower, F) - eNat) : ldexpDown(lmaxS.lower, F);
  const maxUpper = uncertified ? Infinity : weyl ? up(ldexpUp(lmaxS.upper, F) + eNat) : ldexpUp(lmaxS.upper, F);
  const maxEstimate = Math.min(Math.max(ldexp(lmaxS.estimate, F), maxLower), maxUpper);
  const tr = ldexp(trace(k), F);
  const entryError = ldexpUp(errorBound0, log2Scale); // the kernel's own bound (the widening for the scaling is internal)
  if ((uncertified ? [maxEstimate, tr] : [lower, upper, maxLower, maxUpper, tr, entryError]).some((v) => !(Math.abs(v) < Number.MAX_VALUE))) {
    return { kind: 'spectrum', log2LambdaMax: F + (lmaxS.estimate > 0 ? exponentOf(lmaxS.estimate) : 0) };
  }
  return {
    lambdaMin: { lower, estimate, upper },
    lambdaMinMethod: lmMethod,
    lambdaMinFactorizations: lmFactorizations,
    lambdaMax: { lower: maxLower, estimate: maxEstimate, upper: maxUpper },
    lambdaMaxMethod: uncertified ? 'power iteration (estimate only, not certified)' : lmaxS.method,
    trace: tr,
    entryError,
    useful: upper - lower <= Math.abs(estimate),
    lambdaMinMs,
  };
}

/** −floor(log2 m), m = max|k_ij|, when m is outside [2^-200, 2^200], else 0 (no rescaling needed). */
function normalisingExponent(m: number): number {
  if (m === 0 || (m >= 2 ** -200 && m <= 2 ** 200)) return 0;
  return -exponentOf(m);
}

/** Whether every entry is finite; max |a_i| and the smallest non-zero |a_i| (∞ if none) over the finite ones. */
function absRange(a: Float64Array): { finite: boolean; max: number; minNonZero: number } {
  let finite = true;
  let max = 0;
  let minNonZero = Infinity;
  for (let t = 0; t < a.length; t++) {
    const v = Math.abs(a[t]);
    if (!(v <= Number.MAX_VALUE)) {
      finite = false;
      continue;
    }
    if (v > max) max = v;
    if (v < minNonZero && v !== 0) minNonZero = v;
  }
  return { finite, max, minNonZero };
}
