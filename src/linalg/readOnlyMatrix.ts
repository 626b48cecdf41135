import { down, gammaUp, up } from './blas.ts';
import { lambdaMinCertified } from './lambdaMin.ts';
import { ETA, type Matrix } from './matrix.ts';
import { exponentOf, ldexp, ldexpDown, ldexpIsExact, ldexpUp } from './pow2.ts';
import { lambdaMaxCertified } from './norm.ts';
import { certifiedSolve, inverseQuadraticForm } from './quadForm.ts';

/**
 * A symmetric matrix known to rounding: the computed entries M̂ and a bound `spectralError` ≥ ‖M̂ − M‖₂ on the
 * distance to the exact matrix M it stands for (every entry error is also ≤ spectralError, since |Δ_ij| ≤ ‖Δ‖₂).
 *
 * READ-ONLY: the entries live in a private copy; get(i, j) reads one, toArray() returns a fresh copy, and there is
 * no setter, so a caller cannot change the matrix an engine cached. Instances are frozen.
 */
export class ReadOnlyMatrix {
  readonly #data: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** ≥ ‖M̂ − M‖₂ (+∞ when the matrix is NOT certified). */
  readonly spectralError: number;
  /** ≥ max_ij |M̂_ij − M_ij|. */
  readonly entryError: number;
  /** What the matrix is (e.g. 'ntk', 'nngp(2)', 'hInfinity'). */
  readonly name: string;

  constructor(m: Matrix, spectralError: number, name: string, entryError = spectralError) {
    if (m.rows * m.cols !== m.data.length)
      throw new RangeError(`ReadOnlyMatrix(${name}): ${m.rows}×${m.cols} needs ${m.rows * m.cols} entries, got ${m.data.length}`);
    this.#data = Float64Array.from(m.data);
    this.rows = m.rows;
    this.cols = m.cols;
    const finite = this.#data.every(Number.isFinite);
    this.spectralError = finite && spectralError >= 0 ? spectralError : Infinity;
    this.entryError = finite && entryError >= 0 ? Math.min(entryError, this.spectralError) : Infinity;
    this.name = name;
    Object.freeze(this);
  }

  get(i: number, j: number): number {
    if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && j >= 0 && i < this.rows && j < this.cols))
      throw new RangeError(`${this.name}.get(${i}, ${j}): index out of range (${this.rows}×${this.cols})`);
    return this.#data[i * this.cols + j];
  }

  /** A bound on |M̂_ij − M_ij| (uniform over the entries). */
  errorBound(i: number, j: number): number {
    this.get(i, j);
    return this.entryError;
  }

  /** True when the error bound is finite. */
  get certified(): boolean {
    return this.spectralError <= Number.MAX_VALUE;
  }

  /** A fresh row-major copy of the entries. */
  toArray(): Float64Array {
    return Float64Array.from(this.#data);
  }

  /** A fresh copy as an array of rows. */
  toRows(): number[][] {
    return Array.from({ length: this.rows }, (_, i) => Array.from(this.#data.subarray(i * this.cols, (i + 1) * this.cols)));
  }

  /** A fresh Matrix copy (for engine routines). */
  toMatrix(): Matrix {
    return { rows: this.rows, cols: this.cols, data: this.toArray() };
  }
}

/** An enclosure [lower, upper] of an exact value; [−∞, +∞] when not certified. */
export interface Bounds {
  lower: number;
  upper: number;
  estimate: number;
}

const NOT_CERTIFIED = (estimate = NaN): Bounds => ({ lower: -Infinity, upper: Infinity, estimate });

function square(m: ReadOnlyMatrix, what: string): void {
  if (m.rows !== m.cols) throw new RangeError(`${what}: ${m.name} is ${m.rows}×${m.cols}, not square`);
  if (m.rows === 0) throw new RangeError(`${what}: ${m.name} is empty`);
}

/** Enclosure of λ_min(M) (lambdaMinCertified with entryError = spectralError: Weyl). */
export function lambdaMinOf(m: ReadOnlyMatrix): Bounds {
  square(m, 'lambdaMin');
  if (!m.certified) return NOT_CERTIFIED();
  const r = lambdaMinCertified(m.toMatrix(), { entryError: m.spectralError });
  return { lower: r.lower, upper: r.upper, estimate: r.estimate };
}

/** Enclosure of λ_max(M) (lambdaMaxCertified, Weyl). */
export function lambdaMaxOf(m: ReadOnlyMatrix): Bounds {
  square(m, 'lambdaMax');
  if (!m.certified) return NOT_CERTIFIED();
  const r = lambdaMaxCertified(m.toMatrix(), { entryError: m.spectralError });
  return { lower: r.lower, upper: r.upper, estimate: r.estimate };
}

/**
 * Enclosure of tr M = Σ_i M_ii: the computed sum has error ≤ γ_{n−1}Σ|M̂_ii| + n·ETA (Higham §3.1; sums of
 * doubles underflow exactly) and |tr M̂ − tr M| ≤ n·entryError.
 */
export function traceOf(m: ReadOnlyMatrix): Bounds {
  square(m, 'trace');
  if (!m.certified) return NOT_CERTIFIED();
  const n = m.rows;
  let t = 0,
    a = 0;
  for (let i = 0; i < n; i++) {
    const v = m.get(i, i);
    t += v;
    a += Math.abs(v);
  }
  if (!Number.isFinite(t) || !Number.isFinite(a)) return NOT_CERTIFIED(t);
  const e = up(up(up(n * m.entryError) + up(gammaUp(n) * up(a * up(1 + gammaUp(n))))) + n * ETA);
  return { lower: down(t - e), upper: up(t + e), estimate: t };
}

/**
 * Enclosure of yᵀM⁻¹y for a positive definite M (inverseQuadraticForm; y is taken as exact).
 *
 * Scaling: M̂ and y are first multiplied by powers of two, M' = 2^-a·M̂ and y' = 2^-b·y with 2^a ≤ max|M̂_ij| < 2^(a+1)
 * and 2^b ≤ max|y_i| < 2^(b+1), so that ‖y'‖², λ_min(M')² and the residual neither over- nor underflow for
 * kernels and labels anywhere in the double range; yᵀM⁻¹y = 2^(2b−a)·y'ᵀM'⁻¹y'. The scaling of M̂ is exact except
 * for entries that become subnormal (≤ ETA/2 each, ≤ n·ETA/2 in ‖·‖₂, added to the error bound); y is scaled only
 * when that is exact for every entry (otherwise b = 0).
 */
export function inverseQuadraticFormOf(m: ReadOnlyMatrix, y: ArrayLike<number>): Bounds {
  square(m, 'quadForm');
  if (y.length !== m.rows) throw new RangeError(`quadForm: y has length ${y.length}, ${m.name} is ${m.rows}×${m.rows}`);
  const yy = Float64Array.from(y);
  if (!yy.every(Number.isFinite)) throw new RangeError('quadForm: y has a non-finite entry');
  if (!m.certified) return NOT_CERTIFIED();
  if (yy.every((v) => v === 0)) return { lower: 0, upper: 0, estimate: 0 };
  const n = m.rows;
  const a0 = m.toArray();
  let mMax = 0,
    yMax = 0;
  for (const v of a0) mMax = Math.max(mMax, Math.abs(v));
  for (const v of yy) yMax = Math.max(yMax, Math.abs(v));
  if (mMax === 0) return NOT_CERTIFIED();
  const a = exponentOf(mMax);
  let b = exponentOf(yMax);
  if (!yy.every((v) => ldexpIsExact(v, -b))) b = 0;
  let lost = false;
  const ms = a0.map((v) => {
    const w = ldexp(v, -a);
    if (ldexp(w, a) !== v) lost = true;
    return w;
  });
  const ys = yy.map((v) => ldexp(v, -b));
  const eps = up(ldexpUp(m.spectralError, -a) + (lost ? up(n * ETA) : 0));
  if (!(eps <= Number.MAX_VALUE)) return NOT_CERTIFIED();
  const scaled = { rows: n, cols: n, data: ms };
  const lm = lambdaMinCertified(scaled, { entryError: eps });
  if (!(lm.lower > 0)) return NOT_CERTIFIED();
  const r = inverseQuadraticForm(scaled, ys, { entryError: eps, lambdaMinLower: lm.lower });
  if (!(r.errorBound <= Number.MAX_VALUE) || !Number.isFinite(r.value)) return NOT_CERTIFIED(r.value);
  const f = 2 * b - a;
  // M⁻¹ is positive definite: the exact value is ≥ 0
  const lower = Math.max(0, ldexpDown(Math.max(0, down(r.value - r.errorBound)), f));
  // beyond the double range: the half-line [Number.MAX_VALUE, +∞], with the largest double as its estimate
  return { lower, upper: ldexpUp(up(r.value + r.errorBound), f), estimate: Math.min(ldexp(r.value, f), Number.MAX_VALUE) };
}

/** x̂ ≈ M⁻¹b with ‖x̂ − M⁻¹b‖₂ ≤ errorBound (certifiedSolve; +∞ when not certified). */
export function solveOf(m: ReadOnlyMatrix, b: ArrayLike<number>): { x: Float64Array; errorBound: number } {
  square(m, 'solve');
  if (b.length !== m.rows) throw new RangeError(`solve: b has length ${b.length}, ${m.name} is ${m.rows}×${m.rows}`);
  const bb = Float64Array.from(b);
  if (!bb.every(Number.isFinite)) throw new RangeError('solve: b has a non-finite entry');
  if (!m.certified) return { x: new Float64Array(m.rows).fill(NaN), errorBound: Infinity };
  const lm = lambdaMinOf(m);
  if (!(lm.lower > 0)) return { x: new Float64Array(m.rows).fill(NaN), errorBound: Infinity };
  return certifiedSolve(m.toMatrix(), bb, { entryError: m.spectralError, lambdaMinLower: lm.lower });
}

/**
 * Σ_k c_k M_k (exact double coefficients c_k, t terms, all n × n) as a ReadOnlyMatrix with a rigorous error:
 * each entry is a sum of t products computed in floating point, error ≤ γ_{2t}·Σ_k |c_k||M̂_k,ij| + 2t·ETA
 * (Higham eq. 3.5, products that underflow lose ≤ ETA/2), so ‖fl − Σ c_k M̂_k‖₂ ≤ n·max_ij(that) (‖·‖₂ ≤ ‖·‖_F);
 * plus Σ_k |c_k|·spectralError_k for the inputs' own errors (triangle inequality).
 */
export function linearCombination(terms: readonly (readonly [number, ReadOnlyMatrix])[], name = 'combination'): ReadOnlyMatrix {
  if (terms.length === 0) throw new RangeError('combine: no terms');
  const n = terms[0][1].rows,
    c0 = terms[0][1].cols;
  for (const [c, m] of terms) {
    if (!(m instanceof ReadOnlyMatrix)) throw new RangeError('combine: every term must be [coefficient, matrix] with a matrix from q.matrix or combine');
    if (m.rows !== n || m.cols !== c0) throw new RangeError(`combine: ${m.name} is ${m.rows}×${m.cols}, expected ${n}×${c0}`);
    if (!Number.isFinite(c)) throw new RangeError(`combine: coefficient ${c} is not finite`);
  }
  const t = terms.length;
  const arrays = terms.map(([, m]) => m.toArray());
  const out = new Float64Array(n * c0);
  let maxAbs = 0;
  for (let p = 0; p < out.length; p++) {
    let s = 0,
      a = 0;
    for (let k = 0; k < t; k++) {
      s += terms[k][0] * arrays[k][p];
      a += Math.abs(terms[k][0] * arrays[k][p]);
    }
    out[p] = s;
    if (a > maxAbs) maxAbs = a;
  }
  const g = gammaUp(2 * t);
  const entryRound = up(up(g * up(maxAbs * up(1 + g))) + 2 * t * ETA);
  let inherited = 0,
    inheritedEntry = 0;
  for (const [c, m] of terms) {
    inherited = up(inherited + up(Math.abs(c) * m.spectralError));
    inheritedEntry = up(inheritedEntry + up(Math.abs(c) * m.entryError));
  }
  const spectral = up(inherited + up(Math.max(n, c0) * entryRound));
  const entry = up(inheritedEntry + entryRound);
  return new ReadOnlyMatrix({ rows: n, cols: c0, data: out }, Number.isFinite(spectral) ? spectral : Infinity, name, Number.isFinite(entry) ? entry : Infinity);
}
