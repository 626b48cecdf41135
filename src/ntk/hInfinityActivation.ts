/**
 * H∞ of Du, Zhai, Póczos, Singh (ICLR 2019, arXiv 1810.02054, eq. (3)) for any activation record
 * (activations/record.ts), σ' the record's derivative:
 *
 *   H∞_ij = E_{w∼N(0,I_d)}[x_iᵀx_j σ'(wᵀx_i)σ'(wᵀx_j)] = x_iᵀx_j · E[σ'(u)σ'(v)],
 *   (u, v) = (wᵀx_i, wᵀx_j) ∼ N(0, [[‖x_i‖², x_iᵀx_j], [x_iᵀx_j, ‖x_j‖²]]),
 *
 * i.e. the record's second dual kernel at the Gram entries, times the Gram entry. For ReLU this is hInfinity.ts
 * (x_iᵀx_j(π − θ_ij)/(2π)), which `hInfinityFor` returns unchanged.
 *
 * Enclosures (every entry an interval containing the exact value; the matrix returned is the midpoints, the error
 * bound the Frobenius norm of the radii, frobeniusUpper of limitingSmooth.ts):
 *  - Gram entries on the rows x̂_i = 2^{−k_i}x_i (rowsToUnitRange, largest |entry| in [1, 2)):
 *    |fl(x̂_iᵀx̂_j) − x̂_iᵀx̂_j| ≤ γ_d Σ|x̂_ik x̂_jk| + nz·ETA (Higham, "Accuracy and Stability", eq. (3.5), with one
 *    ETA per product of non-zero entries for gradual underflow), + 4d·ETA when the scaling itself underflowed an
 *    entry (as limitingSmooth.ts); then x_iᵀx_j = 2^{k_i+k_j}·x̂_iᵀx̂_j scaled outward (ldexpDown / ldexpUp).
 *  - `unitNorm` (Du et al.'s ‖x_i‖ = 1, taken on x_i/‖x_i‖ exactly): q_i = 1 exactly and c_ij = cos∠(x_i, x_j) =
 *    x̂_iᵀx̂_j/(‖x̂_i‖‖x̂_j‖) in interval arithmetic, intersected with [−1, 1]; a zero row has no direction (UserError).
 *  - E[σ'(u)σ'(v)] over the box (Q_i, Q_j, C_ij) of covariances: the record's point enclosure at the midpoints,
 *    moved by the Lipschitz constants of Price's theorem (∂/∂c E[σ'σ'] = E[σ''σ''], ∂/∂q_i = ½E[σ'''σ'], along the
 *    segment between two positive semi-definite covariances), |Δ| ≤ ½ sup|σ'''| sup|σ'| (Δq_i + Δq_j) +
 *    sup|σ''|²·Δc with Δc including the clipping of ĉ into [−√(q̂_iq̂_j), √(q̂_iq̂_j)], clipped to sup|σ'|²
 *    (Cauchy–Schwarz), and intersected with the record's `dualBox` when it has one — the rule limitingSmooth.ts
 *    applies to the layer map.
 *  - The (a,b)-ReLU family (σ' = a on t > 0, b on t < 0): E[σ'σ'] = [(a² + b²)(π − θ) + 2abθ]/(2π) and
 *    θ/(2π) = ½ − (π − θ)/(2π) give H∞(a, b) = (a − b)²·H∞(ReLU) + ab·XXᵀ, with H∞(ReLU) from hInfinity.ts (its
 *    cancellation-free angles and spectral bound, times an upper bound of (a − b)²) and the Gram entries above;
 *    the combination is done in interval arithmetic.
 * Range: every finite data matrix whose Gram entries ‖x_i‖², x_iᵀx_j and H∞ entries lie below 2^1024 ≈ 1.8e308
 * (with `unitNorm`: every finite data without a zero row); beyond it a KernelRangeError (a one-line UserError)
 * states this range. ReLU itself keeps hInfinity.ts's power-of-two-scaled result for larger data.
 */
import type { Matrix } from '../linalg/matrix.ts';
import { ETA } from '../linalg/matrix.ts';
import { gammaUp, up } from '../linalg/blas.ts';
import { Interval, interval } from '../linalg/interval.ts';
import { ldexp, ldexpDown, ldexpUp, rowsToUnitRange } from '../linalg/pow2.ts';
import { KernelRangeError, UserError } from '../errors.ts';
import type { ActivationRecord } from './activations/record.ts';
import { hInfinity, hInfinityUnitNorm } from './hInfinity.ts';
import { frobeniusUpper, scaledRowDot } from './limitingSmooth.ts';

export interface HInfinityResult {
  /** 2^log2Scale·matrix ≈ H∞. */
  matrix: Matrix;
  /** ≥ ‖2^{−log2Scale}H∞ − matrix‖₂. */
  errorBound: number;
  log2Scale: number;
}

/** The activation's σ' enters H∞; ReLU (1, 0) is the hInfinity.ts path. */
const isRelu = (act: ActivationRecord): boolean => act.kind === 'ab-relu' && act.name === 'relu';

/**
 * H∞ of the rows of x for the activation record `act` (module comment). `unitNorm`: on the exactly normalised rows
 * x_i/‖x_i‖ (Du et al.'s convention, the audit quantity). `rescale` is passed to hInfinity.ts for ReLU only.
 */
export function hInfinityFor(x: Matrix, act: ActivationRecord, opts: { unitNorm?: boolean; rescale?: boolean } = {}): HInfinityResult {
  if (!x.data.every(Number.isFinite)) throw new UserError('H∞: the data contain NaN or ±Infinity; supported: finite data');
  const unit = opts.unitNorm === true;
  if (isRelu(act)) return unit ? hInfinityUnitNorm(normalisedRows(x)) : hInfinity(x, undefined, { rescale: opts.rescale === true });
  const g = gramEnclosure(x, unit, act.name);
  const n = x.rows;
  const lo = new Float64Array(n * n),
    hi = new Float64Array(n * n);
  let extra = 0;
  if (act.kind === 'ab-relu') {
    const { a, b } = act as unknown as { a: number; b: number };
    const s = interval(a).sub(b).pow(2),
      p = interval(a).mul(b);
    const hr = unit ? hInfinityUnitNorm(normalisedRows(x)) : reluInRange(x, act.name);
    extra = up(s.hi * hr.errorBound);
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        const t = i * n + j;
        const h = s.mul(hr.matrix.data[t]).add(p.mul(g.c[t]));
        lo[t] = h.lo;
        hi[t] = h.hi;
      }
  } else {
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        const t = i * n + j;
        const h = g.c[t].mul(dphiDphiOverBox(act, g.q[i], g.q[j], g.c[t]));
        lo[t] = h.lo;
        hi[t] = h.hi;
      }
  }
  for (let t = 0; t < n * n; t++) if (!(Number.isFinite(lo[t]) && Number.isFinite(hi[t]))) throw rangeError(act.name, 'entries of H∞');
  const data = new Float64Array(n * n),
    r = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const t = i * n + j;
      const iv = new Interval(lo[t], hi[t]);
      data[t] = iv.mid;
      data[j * n + i] = iv.mid;
      r[t] = iv.radius;
    }
  const errorBound = up(frobeniusUpper(r, n) + extra);
  if (!Number.isFinite(errorBound)) throw rangeError(act.name, 'the error bound of H∞');
  return { matrix: { rows: n, cols: n, data }, errorBound, log2Scale: 0 };
}

function rangeError(name: string, what: string): KernelRangeError {
  return new KernelRangeError(
    `H∞ with activation ${name}: ${what} exceed 2^1024 ≈ 1.8e308; supported with this activation: finite data whose ‖x_i‖², x_iᵀx_j and H∞ entries stay below 2^1024 (only ReLU's H∞ is rescaled by powers of two beyond that)`,
  );
}

/** hInfinity.ts on x (no rescaling): its NumericalError beyond the float64 range becomes the range error. */
function reluInRange(x: Matrix, name: string): HInfinityResult {
  try {
    return hInfinity(x);
  } catch (e) {
    if (e instanceof Error && e.name === 'NumericalError') throw rangeError(name, 'entries of H∞');
    throw e;
  }
}

/**
 * The rows x_i/‖x_i‖ rounded (unit to within a few ulps; hInfinityUnitNorm bounds the effect of that on H∞(ReLU)),
 * computed on the rows scaled exactly by powers of two (so ‖·‖² neither under- nor overflows; a row whose scaling
 * is not exact — entries spanning more than 2^1022 — is refused).
 */
function normalisedRows(x: Matrix): Matrix {
  const n = x.rows,
    d = x.cols;
  const { data: xs, exact } = rowsToUnitRange(x.data, n, d);
  if (!exact)
    throw new UserError(
      'H∞ on unit-normalised rows: a row whose entries span more than 2^1022 loses its direction when scaled; supported: rows whose non-zero entries lie within a factor 2^1022 of each other',
    );
  for (let a = 0; a < n; a++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += xs[a * d + k] ** 2;
    if (!(s > 0)) throw new UserError(`H∞ on unit-normalised rows: sample ${a + 1} is zero (x/‖x‖ is undefined); supported: data without zero rows`);
    const inv = 1 / Math.sqrt(s);
    for (let k = 0; k < d; k++) xs[a * d + k] *= inv;
  }
  return { rows: n, cols: d, data: xs };
}

/**
 * Enclosures of ‖x_i‖² (q) and x_iᵀx_j (c, upper triangle with diagonal, row-major n × n), or with `unit` of 1 and
 * cos∠(x_i, x_j) (module comment).
 */
function gramEnclosure(x: Matrix, unit: boolean, name: string): { q: Interval[]; c: Interval[] } {
  const n = x.rows,
    d = x.cols;
  const { data: xs, exponents: kx, exact } = rowsToUnitRange(x.data, n, d);
  const gd = gammaUp(d);
  const extra = exact ? 0 : 4 * d * ETA;
  const S: Interval[] = new Array<Interval>(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const { s, e } = scaledRowDot(xs, d, i, j, gd, extra);
      S[i * n + j] = interval(s).add(interval(-e, e));
    }
  const q: Interval[] = [],
    c: Interval[] = new Array<Interval>(n * n);
  if (unit) {
    const one = interval(1);
    const root: Interval[] = [];
    for (let i = 0; i < n; i++) {
      // a non-zero scaled row has ‖x̂_i‖² ≥ 1 (its largest entry is in [1, 2)), so its enclosure is positive
      if (!(S[i * n + i].lo > 0))
        throw new UserError(`H∞ on unit-normalised rows: sample ${i + 1} is zero (x/‖x‖ is undefined); supported: data without zero rows`);
      root.push(S[i * n + i].sqrt());
      q.push(one);
    }
    for (let i = 0; i < n; i++) {
      c[i * n + i] = one;
      for (let j = i + 1; j < n; j++) {
        const v = S[i * n + j].div(root[i]).div(root[j]);
        c[i * n + j] = interval(Math.max(-1, Math.min(1, v.lo)), Math.min(1, Math.max(-1, v.hi)));
      }
    }
    return { q, c };
  }
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const t = i * n + j,
        s = S[t],
        k = kx[i] + kx[j];
      if (ldexp(s.hi, k) === Infinity || ldexp(s.lo, k) === -Infinity) throw rangeError(name, 'entries of XXᵀ');
      c[t] = interval(ldexpDown(s.lo, k), ldexpUp(s.hi, k));
    }
  for (let i = 0; i < n; i++) {
    const v = c[i * n + i];
    q.push(interval(Math.max(0, v.lo), Math.max(0, v.hi)));
  }
  return { q, c };
}

/** a·b rounded up for a, b ≥ 0, with 0·∞ = 0 (a zero radius needs no bound on the derivative). */
const prodUp = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : up(a * b));

/**
 * An enclosure of E[σ'(u)σ'(v)] valid for every positive semi-definite covariance with q1 ∈ Q1, q2 ∈ Q2, c ∈ C
 * (Q1, Q2 ⊂ [0, ∞)), from the record's point enclosure and derivative bounds (module comment).
 */
export function dphiDphiOverBox(act: ActivationRecord, Q1: Interval, Q2: Interval, C: Interval): Interval {
  const db = act.derivativeBounds;
  if (!db) throw new RangeError(`dphiDphiOverBox: activation ${act.name} has no derivative bounds`);
  const { sup1, sup2, sup3 } = db;
  const q1 = Math.max(0, Q1.mid),
    q2 = Math.max(0, Q2.mid),
    c = C.mid;
  const dq = up(Q1.radius + Q2.radius);
  const w = Math.sqrt(q1) * Math.sqrt(q2);
  // ≥ max(0, |ĉ| − √(q̂1q̂2)) (w is within 2u of √q̂1√q̂2; 1 − 2^-50 = 1 − 8u)
  const clipAmt = Math.max(0, up(Math.abs(c) - w * (1 - 2 ** -50)));
  const dc = up(C.radius + clipAmt);
  const ld = up(prodUp(prodUp(0.5 * sup3, sup1), dq) + prodUp(prodUp(sup2, sup2), dc));
  const cap = up(sup1 * sup1);
  const p = act.dual(q1, q2, c).dphiDphi.add(interval(-ld, ld));
  let dd = interval(Math.max(-cap, Math.min(cap, p.lo)), Math.min(cap, Math.max(-cap, p.hi)));
  const box = act.dualBox?.(Q1, Q2, C);
  if (box) {
    const b = box.dphiDphi;
    const lo = Math.max(dd.lo, b.lo),
      hi = Math.min(dd.hi, b.hi);
    // two enclosures of the same number: their intersection (their hull if rounding made them disjoint)
    dd = lo <= hi ? interval(lo, hi) : interval(Math.min(dd.lo, b.lo), Math.max(dd.hi, b.hi));
  }
  return dd;
}
