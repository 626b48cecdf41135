import { down, up } from '../linalg/blas.ts';
import { type LambdaMinEnclosure, lambdaMinCertified } from '../linalg/lambdaMin.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { inverseQuadraticForm } from '../linalg/quadForm.ts';
import { centredMoments } from '../linalg/moments.ts';
import { sampleData } from '../random/distributions.ts';
import { type Seed, childRng, fillGaussian } from '../random/rng.ts';
import { hInfinity } from './hInfinity.ts';
import { type TwoLayerNet, predict } from './twoLayer.ts';

/**
 * Arora, Du, Hu, Li, Wang (arXiv 1901.08584) Theorem 5.1 on a synthetic task
 * (docs/theorems.md#arora-du-hu-li-wang-2019-arxiv-190108584):
 * data uniform on S^{d−1}, labels y = sign(w*ᵀx) of a fixed Gaussian teacher w* (sign(0) := +1), each
 * label flipped independently with probability p. Flips are COUPLED across p: label i is flipped iff
 * U_i < p for one uniform U_i per sample, so the flip set grows with p on the same data draw.
 * The leading term √(2yᵀ(H∞)⁻¹y/n) is certified with lambdaMinCertified + inverseQuadraticForm.
 */

export interface TeacherTask {
  x: Matrix;
  y: Float64Array;
  /** The noiseless labels sign(w*ᵀx_i). */
  clean: Float64Array;
  teacher: Float64Array;
}

/** Teacher w* ~ N(0, I_d) from childRng(seed, 'teacher'); labels with p-flips (coupled U_i from 'flip'). */
export function teacherLabels(x: Matrix, teacher: Float64Array, p: number, flipSeed: Seed): { y: Float64Array; clean: Float64Array } {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`teacherLabels: p must be in [0, 1], got ${p}`);
  const n = x.rows,
    d = x.cols;
  const rng = childRng(flipSeed, 'flip');
  const y = new Float64Array(n),
    clean = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += teacher[c] * x.data[i * d + c];
    clean[i] = s >= 0 ? 1 : -1;
    y[i] = rng.next() < p ? -clean[i] : clean[i];
  }
  return { y, clean };
}

export function teacherTask(o: { n: number; d: number; p: number; seed: Seed }): TeacherTask {
  const x = sampleData(childRng(o.seed, 'data'), { family: 'unit-sphere' }, o.n, o.d);
  const teacher = fillGaussian(childRng(o.seed, 'teacher'), new Float64Array(o.d));
  return { x, teacher, ...teacherLabels(x, teacher, o.p, o.seed) };
}

export interface LeadingTerm {
  /** √(2yᵀ(H∞)⁻¹y/n) and a rigorous bound on its error (Infinity when λ_min(H∞) is not certified > 0). */
  value: number;
  error: number;
  quadraticForm: { value: number; errorBound: number };
  lambda0: LambdaMinEnclosure;
}

/**
 * √(2q/n), q = yᵀ(H∞)⁻¹y of the stored rows (hInfinity's spectral error bound as entryError). The square
 * root is monotone, so the error is the spread of √(2[q ± e_q]/n) around the value plus a few roundings.
 */
export function leadingTerm(x: Matrix, y: Float64Array, lambda0?: LambdaMinEnclosure): LeadingTerm {
  const h = hInfinity(x);
  const lam = lambda0 ?? lambdaMinCertified(h.matrix, { entryError: h.errorBound });
  const q = inverseQuadraticForm(h.matrix, y, { entryError: h.errorBound, lambdaMinLower: lam.lower });
  const n = x.rows;
  const value = Math.sqrt((2 * q.value) / n);
  if (!Number.isFinite(q.errorBound) || !(q.value > 0)) return { value, error: Infinity, quadraticForm: q, lambda0: lam };
  const hi = Math.sqrt(up((2 * up(q.value + q.errorBound)) / n));
  const lo = Math.sqrt(Math.max(0, down((2 * down(q.value - q.errorBound)) / n)));
  const error = up(Math.max(hi - value, value - lo) + 4 * 2 ** -53 * value);
  return { value, error, quadraticForm: q, lambda0: lam };
}

/**
 * 0-1 test error of the two-layer net (weights w) on nTest fresh points from the same distribution
 * (unit sphere, teacher labels, flips with probability p, streams childRng(seed, 'test…')): the fraction
 * of i with sign(u_i) ≠ y_i, sign(0) := +1. An unbiased estimate of the population 0-1 loss L_D.
 */
export function testError(net: TwoLayerNet, w: Float64Array, teacher: Float64Array, p: number, nTest: number, seed: Seed): number {
  const xt = sampleData(childRng(seed, 'test-data'), { family: 'unit-sphere' }, nTest, teacher.length);
  const { y } = teacherLabels(xt, teacher, p, `${String(seed)}/test`);
  const u = predict(net, xt, w);
  let wrong = 0;
  for (let i = 0; i < nTest; i++) if ((u[i] >= 0 ? 1 : -1) !== y[i]) wrong++;
  return wrong / nTest;
}

/** Average ranks (1-based; ties get the mean of their positions). */
function ranks(a: ArrayLike<number>): Float64Array {
  const n = a.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i] - a[j]);
  const r = new Float64Array(n);
  for (let s = 0; s < n; ) {
    let e = s;
    while (e + 1 < n && a[idx[e + 1]] === a[idx[s]]) e++;
    const avg = (s + e) / 2 + 1;
    for (let t = s; t <= e; t++) r[idx[t]] = avg;
    s = e + 1;
  }
  return r;
}

/** Spearman's rank correlation (Pearson correlation of average ranks); NaN when either side is constant. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError('spearman: lengths differ');
  const { saa, sab, sbb } = centredMoments(ranks(a), ranks(b));
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}
