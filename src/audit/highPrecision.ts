import { Decimal } from 'decimal.js';
import { initNetwork } from '../ntk/network.ts';
import { type DecimalActivation, decimalActivation, exactDecimalIn } from './decimalActivations.ts';
import { activationOf, type AuditInstance, type Enclosure, isPlainRelu, labelsOf, limitingArchitecture } from './quantities.ts';

/**
 * Engine-independent high-precision oracle for the audit quantities (src/audit/quantities.ts), used
 * to confirm a counterexample before it is reported (confirm.ts). Everything here is recomputed from
 * the stored doubles — the data X and the weights initNetwork draws from the instance's seed — in
 * decimal.js arithmetic at DIGITS significant digits; the float64 engine (limiting.ts, lambdaMin.ts,
 * sigmaMin.ts, …) is not called. Its enclosures serve only as a starting bracket for the bisections.
 *
 * Kernels (same conventions as quantities.ts):
 *  - Gram XXᵀ, row norms, cosines.
 *  - Limiting NNGP/NTK, Nguyen–Mondelli–Montúfar 2021 (arXiv 2012.11654) eqs. (9)–(10) with c_σ = 2:
 *      G^{(1)} = XXᵀ, K^{(1)} = G^{(1)};  for l ≥ 2, with a = G_ii, b = G_jj, θ = ∠(x_i, x_j) at layer l − 1,
 *      G^{(l)}_ij = (√(ab)/π)(sin θ + (π − θ) cos θ),  Ġ^{(l)}_ij = (π − θ)/π,  K^{(l)} = K^{(l−1)}∘Ġ^{(l)} + G^{(l)};
 *      zero rows give zero rows/columns (σ'(0) = 0). G_ii = ‖x_i‖² at every layer, so √(ab) = ‖x_i‖‖x_j‖.
 *    The angle is never taken from a rounded cosine: θ = 2·atan2(‖x̂_i − x̂_j‖, ‖x̂_i + x̂_j‖) at layer 1
 *    (x̂ = x/‖x‖), and from layer to layer through s = sin²(θ/2):
 *      s' = (2πs − (sin θ − θ cos θ))/(2π),  θ' = 2·atan2(√s', √(1 − s'))
 *    (1 − cos θ' = [π(1 − cos θ) − (sin θ − θ cos θ)]/π; sin θ − θ cos θ by its Taylor series for θ < 1/4).
 *  - Other architectures (instances.activation / bias / parameterization, src/audit/architectures.ts), with the
 *    constants of src/ntk/limiting.ts taken exactly (c_1 = 1 or W_std²/d, c_l = 1/κ or W_std², B² = b_std²):
 *    the (a,b)-ReLU family with biases by the same layer map as limiting.ts, evaluated without cancellation
 *    (limitingAbReluDec), and erf by the closed forms of Williams 1997 (limitingErfDec). tanh and sigmoid have no
 *    closed form: their kernels raise NoOracle and the confirmation is `skipped` (confirm.ts), never `confirmed`.
 *  - H∞ of Du et al. (ICLR 2019, arXiv 1810.02054) on the unit-normalised rows (src/ntk/hInfinity.ts):
 *      H_ij = cos θ_ij (π − θ_ij)/(2π), H_ii = 1/2;
 *    for the (a,b)-ReLU family (a − b)²·H + ab·cos θ_ij, for erf cos θ_ij·(4/π)/√(9 − 4cos²θ_ij) (Williams 1997 at
 *    q1 = q2 = 1; src/ntk/hInfinityActivation.ts); other activations raise NoOracle.
 *  - μ_r(σ) (muDecOf): closed forms for the (a,b)-ReLU family, erf and GELU (src/ntk/activations/hermiteCoefficients.ts);
 *    tanh, sigmoid and softplus (a certified quadrature in the engine) raise NoOracle.
 *  - Finite network (empiricalNtkDec, featuresDec: σ_min(F_k), λ of the empirical NTK, the kernels 'empiricalNTK' and
 *    'jacobianGram') for EVERY activation record of the registry, in 'nmm' and in 'ntk' with biases — the networks the
 *    float engine certifies (src/ntk/empiricalNtkCertified.ts, quantities.ts finiteNetworkCertified): F_0 = X, G_l = F_{l−1}W_l,
 *    F_l = σ(G_l), B_L = 1, B_k = (B_{k+1}W_{k+1}ᵀ)∘σ'(G_k), K̄ = Σ_k (F_kF_kᵀ)∘(B_{k+1}B_{k+1}ᵀ) (src/ntk/empiricalNtk.ts),
 *    σ and σ' from decimalActivations.ts (|f̃ − σ(t)| ≤ u_D(S0 + L1|t|), |d̃f − σ'(t)| ≤ u_D·L1; S0 ≥ |σ(0)|,
 *    L1 ≥ sup|σ'|, L2 ≥ sup|σ''|). The normalised kernel is multiplied by ∏_{l=1}^{L−1} c/n_l with the engine's
 *    constant: c = 2/(a² + b²) exactly for the (a,b)-ReLU family (2 for ReLU), the double ĉ = fl(1/κ̂) of the
 *    record's secondMoment κ̂ for a smooth record. (a,b)-ReLU: a pre-activation within its decimal rounding bound of 0
 *    (but not exactly 0) makes the quantity unconfirmable (the kink); exactly 0 (no non-zero term) has σ(0) = σ'(0) = 0.
 *    Error model [DER], with float64 magnitudes (every float sum of non-negative terms times 1 + 1e-9, products below
 *    1e-280 with a non-zero term: NotConfirmable): forward, M_0 = |X|, ε_0 = u_D, P_l = M_{l−1}|W_l| ≥ |G_l|,
 *      |Ĝ_l − G_l| ≤ pe_l·P_l,  pe_l = ε_{l−1} + (n_{l−1} + 3)u_D  (the dot product, and the data/weights rounded to
 *      DIGITS + 10 digits),  M_l = (S0 + L1·P_l)(1 + 1e-8),  |F̂_l − F_l| ≤ ε_l·M_l,  ε_l = pe_l + 2u_D
 *    (|σ̃(Ĝ) − σ(G)| ≤ u_D(S0 + L1|Ĝ|) + L1|Ĝ − G|; for the (a,b)-ReLU family the slope |m| of the certified side
 *    replaces L1 and S0 = 0, so a dead ReLU unit has M = 0); backward, BM_L = 1, δ_L = 0, V_k = BM_{k+1}|W_{k+1}|ᵀ,
 *      BM_k = L1·V_k(1 + 1e-8),  |B̂_k − B_k| ≤ δ_k·BM_k,  δ_k = δ_{k+1} + (n_{k+1} + 6)u_D + 2(L2/L1)·pe_k·max P_k
 *    (|σ̃'(Ĝ) − σ'(G)| ≤ u_D·L1 + L2|Ĝ − G|; L2 = 0 on a certified side of the kink); kernel, per layer k,
 *    |P̃Q̃ − PQ| ≤ 1.01(2.01ε_k + 2.01δ_{k+1} + (n_k + n_{k+1} + 4)u_D)·a_ia_j with a_i = ‖M_{k,i}‖‖BM_{k+1,i}‖ (the Gram
 *    roundings and |F̂_iF̂_j − F_iF_j| ≤ 2.01ε M_iM_j), plus (2L + 6)u_D·a_ia_j for the sum over k and the normalisation
 *    (≤ 2L + 2 roundings), so ‖K̃ − K̄‖₂ ≤ ‖|ΔK|‖_F ≤ Σ_k c_k‖a_k‖² (rank one per layer); the allowance used is 10 times
 *    that, and 10·ε_k‖M_k‖_F for ‖F̂_k − F_k‖_F. At 50 digits it is ≈ 1e-45 relative for O(1) scales (smooth records
 *    with pre-activations of size P add 2(L2/L1)·pe·P).
 *    NTK parameterisation with biases (network.ts 'ntk'; the instance's network has W_std = 1, b_std = bias, the
 *    constants of limitingArchitecture): G_l = s_l·(F_{l−1}ω_l) + b_std·β_l with the REAL s_l = W_std/√n_{l−1}, computed
 *    in decimal (|s̃_l − s_l| ≤ 3u_D|s_l|: a square root and a quotient), and b̃ = b_std·β_l (one rounding). Forward:
 *      P_l = (|s_l|⁺·M_{l−1}|ω_l| + |b_std β_l|⁺)(1 + 1e-9),  pe_l = ε_{l−1} + (n_{l−1} + 6)u_D
 *    (|Ĝ − G| ≤ |s|(pe + 5u)·M|ω| + 3u|b|: the level of t = F_{l−1}ω_l, s̃, the product, b̃ and the sum); backward,
 *    B_k = (s_{k+1}·B_{k+1}ω_{k+1}ᵀ)∘σ'(G_k), V_k = |s_{k+1}|⁺·BM_{k+1}|ω_{k+1}|ᵀ(1 + 1e-9), δ_k gains 4u_D (s̃ and its
 *    product); kernel K = Σ_l (F̃F̃ᵀ)∘(B_lB_lᵀ) with F̃ = [s_lF_{l−1}, b_std·1] (src/ntk/empiricalNtk.ts kernelFeatures;
 *    the column only when b_std ≠ 0), magnitudes [|s_l|⁺M_{l−1}, |b_std|⁺] and level ε_{l−1} + 5u_D in place of (M, ε)
 *    above, n_{l−1} + 1 columns; no normalisation. lipschitzBound(k) is ∏ |s_l|‖ω_l‖₂ (quantities.ts lipschitzEnclosure).
 *
 * Spectra: λ_min / λ_max by bisection on the inertia of LDLᵀ = A − sI (no pivoting). By Sylvester's
 * law the number of negative pivots is the number of eigenvalues of A − sI + E below 0, where E is the
 * backward error of the factorisation, |E| ≤ γ_{n+1}|L||D||Lᵀ| (Higham, Accuracy and Stability of
 * Numerical Algorithms, 2nd ed., Thm 9.3, with U = DLᵀ); |L||D||Lᵀ| is positive semidefinite, so
 * ‖E‖₂ ≤ γ_{n+1}·tr(|L||D||Lᵀ|) = γ_{n+1}Σ_i Σ_j l_ij²|d_j|, which is computed for every count. Hence a
 * count of 0 proves λ_min(A) ≥ s − ‖E‖₂ and a count ≥ 1 proves λ_min(A) ≤ s + ‖E‖₂ (Weyl).
 *
 * Rounding of the decimal kernels themselves: each entry is a fixed, well-conditioned expression of at
 * most c = 2d + Σ n_l + 60·L operations on inputs of its own scale (no cancellation: angles as above),
 * so its error is ≤ c·u_D·(scale), u_D = 10^{1−DIGITS}. The allowance used is 10³ times that, and
 * ‖ΔA‖₂ ≤ ‖ΔA‖_F ≤ allowance·Σ_i scale_i. At 50 digits these terms are ~1e-40 relative: many orders
 * below the float64 widths they are compared with. Final enclosures are rounded outward to doubles.
 */

export const DIGITS = 50;
export const METHOD = `decimal.js, ${DIGITS} digits, LDLᵀ inertia`;
/** Largest N for which a counterexample is confirmed (the cost grows as N³ per inertia count). */
export const MAX_CONFIRM_N = 64;
/** Gram/LDLᵀ of larger order (σ_min(F_k) with N, n_k > MAX_ORDER; ‖W_l‖₂ with both dims > MAX_ORDER) are too costly (TooLarge). */
export const MAX_ORDER = 128;
/** Decimal multiply-adds allowed for one quantity's kernel (≈ 1.5 µs each): beyond, TooLarge. */
export const MAX_DECIMAL_OPS = 2e7;

const D = Decimal.clone({ precision: DIGITS, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -9e15, toExpPos: 9e15 });
type Dec = Decimal;
const UD = new D(10).pow(1 - DIGITS);
const ZERO = new D(0);
const ONE = new D(1);
const PI = new D(-1).acos();
const TWO_PI = PI.times(2);

/** A quantity the oracle cannot confirm on this instance (the counterexample is then not certified). */
export class NotConfirmable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotConfirmable';
  }
}

/**
 * No oracle for this quantity on the instance's architecture (the limiting kernels of tanh, sigmoid, gelu and softplus,
 * H∞ beyond the (a,b)-ReLU family and erf or with biases, μ_r of tanh, sigmoid and softplus): the counterexample is not
 * confirmed (confirm.ts), with this reason.
 */
export class NoOracle extends NotConfirmable {
  constructor(message: string) {
    super(message);
    this.name = 'NoOracle';
  }
}

/** The instance is beyond the oracle's cost limits (MAX_ORDER, MAX_DECIMAL_OPS): the counterexample is not confirmed (confirm.ts). */
export class TooLarge extends NotConfirmable {
  constructor(message: string) {
    super(message);
    this.name = 'TooLarge';
  }
}

// ------------------------------------------------------------------------------------------------
// Doubles ↔ decimals

const view = new DataView(new ArrayBuffer(8));

/** The exact value of a double as a decimal (no rounding). */
export function exactDecimal(x: number): Dec {
  if (!Number.isFinite(x)) throw new NotConfirmable(`non-finite input ${x}`);
  return exactDecimalIn(D, x);
}

/** A double input rounded to DIGITS + 10 digits (relative change ≤ u_D/1e10: inside the allowances). */
const dec = (x: number): Dec => exactDecimal(x).toSignificantDigits(DIGITS + 10);

function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  view.setFloat64(0, x);
  const b = view.getBigInt64(0);
  view.setBigInt64(0, x > 0 ? b + 1n : b - 1n);
  return view.getFloat64(0);
}
const nextDown = (x: number): number => -nextUp(-x);

/** The largest double ≤ v. */
export function downDouble(v: Dec): number {
  const x = v.toNumber();
  if (x === Infinity) return Number.MAX_VALUE;
  if (x === -Infinity) return -Infinity;
  return exactDecimal(x).gt(v) ? nextDown(x) : x;
}
/** The smallest double ≥ v. */
export function upDouble(v: Dec): number {
  const x = v.toNumber();
  if (x === -Infinity) return -Number.MAX_VALUE;
  if (x === Infinity) return Infinity;
  return exactDecimal(x).lt(v) ? nextUp(x) : x;
}

/** A decimal value with an absolute error bound, as a double enclosure (rounded outward). */
export function toEnclosure(lo: Dec, hi: Dec): Enclosure {
  const lower = downDouble(lo), upper = upDouble(hi);
  return { lower, upper, mid: 0.5 * lower + 0.5 * upper };
}

/** A decimal row-major matrix. */
export interface DecMatrix {
  rows: number;
  cols: number;
  data: Dec[];
}

export function decMatrix(m: { rows: number; cols: number; data: ArrayLike<number> }): DecMatrix {
  return { rows: m.rows, cols: m.cols, data: Array.from(m.data as ArrayLike<number>, (v) => dec(v)) };
}

/** Rounding allowance: 10³·c·u_D for c operations per entry (see the module comment). */
const allowance = (ops: number): Dec => UD.times(1000 * Math.max(1, ops));

// ------------------------------------------------------------------------------------------------
// Elementary functions: atan by a table of atan(k/64) and the reduction
// atan x = atan c + atan((x − c)/(1 + xc)), |(x − c)/(1 + xc)| ≤ 1/128, whose Taylor series then needs
// ~12 terms for DIGITS digits (decimal.js's own atan2 is ~1 ms per call).

const P60 = D.clone({ precision: DIGITS + 10 });
const FACT_INV: Dec[] = [];
const ODD_INV: Dec[] = [];
{
  let f = new P60(1);
  for (let n = 0; n < 40; n++) {
    if (n > 0) f = f.times(n);
    FACT_INV.push(new P60(1).div(f));
  }
  for (let n = 0; n < 80; n++) ODD_INV.push(new P60(1).div(2 * n + 1));
}
const ATAN_STEP = 64;
const ATAN_TABLE = new Map<number, Dec>();
function atanTable(k: number): Dec {
  let v = ATAN_TABLE.get(k);
  if (!v) {
    v = new P60(k).div(ATAN_STEP).atan();
    ATAN_TABLE.set(k, v);
  }
  return v;
}
const TINY = UD.times('1e-6');

/** atan x for 0 ≤ x ≤ 1. */
function atanUnit(x: Dec): Dec {
  const k = Math.min(ATAN_STEP, Math.max(0, Math.round(x.toNumber() * ATAN_STEP)));
  const c = new D(k).div(ATAN_STEP); // exact: k/64 has a finite decimal expansion
  const y = x.minus(c).div(ONE.plus(x.times(c)));
  const y2 = y.times(y);
  let s = y, pw = y;
  for (let n = 1; n < ODD_INV.length; n++) {
    pw = pw.times(y2).neg();
    const term = pw.times(ODD_INV[n]);
    s = s.plus(term);
    if (term.abs().lt(TINY)) break;
  }
  return atanTable(k).plus(s);
}

/** atan2(p, q) for p, q ≥ 0, not both 0 (in [0, π/2]). */
export function atan2Pos(p: Dec, q: Dec): Dec {
  if (p.isZero()) return new D(0);
  if (q.isZero()) return PI.div(2);
  return p.gt(q) ? PI.div(2).minus(atanUnit(q.div(p))) : atanUnit(p.div(q));
}

/** sin θ − θ cos θ for 0 ≤ θ ≤ π (series Σ_{k≥1} (−1)^{k+1} 2k θ^{2k+1}/(2k+1)! for θ < 1/4: no cancellation). */
function sinMinusThetaCos(theta: Dec, sin: Dec, cos: Dec): Dec {
  if (theta.gte(0.25)) return sin.minus(theta.times(cos));
  const t2 = theta.times(theta);
  let pw = theta.times(t2);
  let s = pw.div(3);
  const tiny = UD.times('1e-6').times(s.abs());
  // θ < 1/4: the k-th term is below 10^{-60}·θ³ by k = 19 (2k + 1 < FACT_INV.length).
  for (let k = 2; k < 20; k++) {
    pw = pw.times(t2);
    const term = pw.times(2 * k).times(FACT_INV[2 * k + 1]);
    s = k % 2 === 0 ? s.minus(term) : s.plus(term);
    if (term.lte(tiny)) break;
  }
  return s;
}

// ------------------------------------------------------------------------------------------------
// Kernels

export function gramDec(x: DecMatrix): DecMatrix {
  const n = x.rows, d = x.cols, X = x.data;
  const g: Dec[] = new Array<Dec>(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let s = ZERO;
      for (let k = 0; k < d; k++) {
        const a = X[i * d + k], b = X[j * d + k];
        if (!a.isZero() && !b.isZero()) s = s.plus(a.times(b));
      }
      g[i * n + j] = s;
      g[j * n + i] = s;
    }
  return { rows: n, cols: n, data: g };
}

/** A symmetric decimal matrix with a bound on ‖computed − exact‖₂. */
export interface DecSym {
  m: DecMatrix;
  error: Dec;
}

function traceAbs(m: DecMatrix): Dec {
  let t = ZERO;
  for (let i = 0; i < m.rows; i++) t = t.plus(m.data[i * m.cols + i].abs());
  return t;
}

/** The n × n limiting NTK K and NNGP G, each with the error bound al·Σ_i |M_ii| (the allowances of the module comment). */
function limitingPair(n: number, K: Dec[], G: Dec[], al: Dec): { ntk: DecSym; nngp: DecSym } {
  const ntk = { rows: n, cols: n, data: K }, nngp = { rows: n, cols: n, data: G };
  return { ntk: { m: ntk, error: al.times(traceAbs(ntk)) }, nngp: { m: nngp, error: al.times(traceAbs(nngp)) } };
}

/** XXᵀ and its rounding allowance (entry ops d, scale ‖x_i‖‖x_j‖, ‖·‖₂ ≤ allowance·Σ‖x_i‖²). */
export function gramWithError(x: DecMatrix): DecSym {
  const g = gramDec(x);
  return { m: g, error: allowance(x.cols + 2).times(traceAbs(g)) };
}

interface PairAngles {
  /** ‖x_i‖ */
  r: Dec[];
  /** θ_ij, sin θ_ij, cos θ_ij, s_ij = sin²(θ_ij/2), c_ij = cos²(θ_ij/2) for i < j (index i·n + j); undefined when a row is zero. */
  theta: (Dec | undefined)[];
  sin: Dec[];
  cos: Dec[];
  s: Dec[];
  c: Dec[];
}

function pairAngles(x: DecMatrix): PairAngles {
  const n = x.rows, d = x.cols, X = x.data;
  const r: Dec[] = [];
  const xh: Dec[][] = [];
  for (let i = 0; i < n; i++) {
    let s = ZERO;
    for (let k = 0; k < d; k++) s = s.plus(X[i * d + k].times(X[i * d + k]));
    const ri = s.sqrt();
    r.push(ri);
    xh.push(ri.isZero() ? [] : Array.from({ length: d }, (_, k) => X[i * d + k].div(ri)));
  }
  const theta: (Dec | undefined)[] = new Array(n * n).fill(undefined);
  const sin: Dec[] = new Array(n * n), cos: Dec[] = new Array(n * n), sv: Dec[] = new Array(n * n), cv: Dec[] = new Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (r[i].isZero() || r[j].isZero()) continue;
      let p2 = ZERO, q2 = ZERO;
      for (let k = 0; k < d; k++) {
        const a = xh[i][k], b = xh[j][k];
        const m = a.minus(b), pl = a.plus(b);
        p2 = p2.plus(m.times(m));
        q2 = q2.plus(pl.times(pl));
      }
      const tot = p2.plus(q2);
      const t = atan2Pos(p2.sqrt(), q2.sqrt()).times(2);
      theta[i * n + j] = t;
      sv[i * n + j] = p2.div(tot);
      cv[i * n + j] = q2.div(tot);
      cos[i * n + j] = q2.minus(p2).div(tot);
      sin[i * n + j] = p2.times(q2).sqrt().times(2).div(tot);
    }
  return { r, theta, sin, cos, s: sv, c: cv };
}

/** Limiting NTK K^{(L)} and NNGP G^{(L)} (nmm, c_σ = 2, ReLU, no bias) with rounding allowances. */
export function limitingDec(x: DecMatrix, depth: number): { ntk: DecSym; nngp: DecSym } {
  const n = x.rows;
  const g1 = gramDec(x);
  const K = g1.data.slice();
  const G = g1.data.slice();
  const ops = 2 * x.cols + 60 * depth + 60;
  if (depth > 1) {
    const pa = pairAngles(x);
    for (let i = 0; i < n; i++) {
      const ri2 = pa.r[i].times(pa.r[i]);
      G[i * n + i] = ri2;
      K[i * n + i] = ri2.times(depth);
    }
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        let th = pa.theta[i * n + j];
        const rr = pa.r[i].times(pa.r[j]);
        if (th === undefined) {
          K[i * n + j] = K[j * n + i] = ZERO;
          G[i * n + j] = G[j * n + i] = ZERO;
          continue;
        }
        let si = pa.sin[i * n + j], co = pa.cos[i * n + j], s = pa.s[i * n + j];
        let k = K[i * n + j], g = G[i * n + j];
        for (let l = 2; l <= depth; l++) {
          const pmt = PI.minus(th);
          const jf = si.plus(pmt.times(co)).div(PI); // cos θ^{(l)}
          g = rr.times(jf);
          k = k.times(pmt.div(PI)).plus(g);
          if (l < depth) {
            const s2 = s.times(TWO_PI).minus(sinMinusThetaCos(th, si, co)).div(TWO_PI);
            const c2 = ONE.minus(s2);
            const p = s2.sqrt(), q = c2.sqrt();
            th = atan2Pos(p, q).times(2);
            s = s2;
            co = c2.minus(s2);
            si = p.times(q).times(2);
          }
        }
        K[i * n + j] = K[j * n + i] = k;
        G[i * n + j] = G[j * n + i] = g;
      }
  }
  return limitingPair(n, K, G, allowance(ops));
}

/** The exact constants of an instance's limiting architecture of depth l: c_1 (G^{(1)} = c_1XXᵀ + B_1²), W_l², B_l². */
function architectureConstants(inst: AuditInstance, l: number): { c1: Dec; w2: Dec[]; b2: Dec[] } {
  const arch = limitingArchitecture(inst, l);
  const d = inst.x.cols;
  if (arch.parameterization === 'ntk') {
    const ws = dec(arch.wStd ?? 1), bs = dec(arch.bStd ?? 0);
    const w2 = ws.times(ws), b2 = bs.times(bs);
    return { c1: w2.div(d), w2: new Array<Dec>(l).fill(w2), b2: new Array<Dec>(l).fill(b2) };
  }
  const kappa = secondMomentDec(inst);
  return { c1: ONE, w2: Array.from({ length: l }, (_, k) => (k === 0 ? ONE : ONE.div(kappa))), b2: new Array<Dec>(l).fill(ZERO) };
}

/** κ = E[σ(g)²]: (a² + b²)/2 for the (a,b)-ReLU family, (2/π)·asin(2/3) for erf (Williams 1997 at q = 1). */
function secondMomentDec(inst: AuditInstance): Dec {
  const act = activationOf(inst) as { kind: string; a?: number; b?: number; name: string };
  if (act.kind === 'ab-relu') return dec(act.a!).pow(2).plus(dec(act.b!).pow(2)).div(2);
  if (act.kind === 'erf') return new D(2).div(3).asin().times(2).div(PI);
  throw new NoOracle(`no ${DIGITS}-digit closed form for the ${act.name} kernels (only the (a,b)-ReLU family and erf)`);
}

/** Rows x̃_i = (√c_1·x_i, B_1) (the bias column only when B_1 ≠ 0): G^{(1)} = X̃X̃ᵀ. */
function augmentedRows(x: DecMatrix, c1: Dec, b2: Dec): DecMatrix {
  const n = x.rows, d = x.cols, dd = d + (b2.isZero() ? 0 : 1);
  const sc = c1.sqrt(), bb = b2.sqrt();
  const data: Dec[] = new Array<Dec>(n * dd);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) data[i * dd + k] = c1.eq(ONE) ? x.data[i * d + k] : x.data[i * d + k].times(sc);
    if (dd > d) data[i * dd + d] = bb;
  }
  return { rows: n, cols: dd, data };
}

/**
 * Limiting K^{(L)}, G^{(L)} of an instance of any architecture the oracle has a closed form for: plain ReLU
 * (limitingDec), the (a,b)-ReLU family with biases (limitingAbReluDec), erf (limitingErfDec); NoOracle otherwise.
 */
export function limitingDecOf(inst: AuditInstance, x: DecMatrix, depth: number): { ntk: DecSym; nngp: DecSym } {
  if (isPlainRelu(inst)) return limitingDec(x, depth);
  const act = activationOf(inst) as { kind: string; a?: number; b?: number; name: string };
  const k = architectureConstants(inst, depth);
  if (act.kind === 'ab-relu') return limitingAbReluDec(x, depth, act.a!, act.b!, k);
  if (act.kind === 'erf') return limitingErfDec(x, depth, k);
  throw new NoOracle(`no ${DIGITS}-digit closed form for the ${act.name} kernels (only the (a,b)-ReLU family and erf)`);
}

/**
 * The (a,b)-ReLU family (src/ntk/activation.ts: J(θ) = [(a²+b²)g(π−θ) − 2ab·g(θ)]/(2π), J̇(θ) = [(a²+b²)(π−θ) + 2abθ]/(2π),
 * κ = (a²+b²)/2, g(θ) = sin θ − θ cos θ) with W_l², B_l²: for l ≥ 2, with r = √q, A = W²κ,
 *   q'_i = Aq_i + B²,  G'_ij = W² r_i r_j J(θ_ij) + B²,  Ġ'_ij = W² J̇(θ_ij) (0 when r_i r_j = 0),  K' = K∘Ġ' + G'.
 * The next angle is never taken from a rounded cosine: θ' = 2·atan2(√n⁻, √n⁺) with n∓ = √(q'_iq'_j) ∓ G'_ij written as
 * sums of non-negative terms (the derivation of src/ntk/limiting.ts's module comment):
 *   n⁻ = M + W² r_i r_j (κ − J),  n⁺ = M + 2B² + W² r_i r_j (κ + J),  M = A·B²(r_i − r_j)²/(√(q'_iq'_j) + A r_i r_j + B²),
 *   κ − J = [(a²+b²) f(θ) + 2ab g(θ)]/(2π) (ab ≥ 0), [(|a| − |b|)² f(θ) + 2|ab| h(θ)]/(2π) (ab < 0),
 *   κ + J = [π(a−b)² + (a²+b²) g(π−θ) + 2ab f(π−θ)]/(2π) (ab ≥ 0), [(a²+b²)(π + g(π−θ)) + 2|ab| g(θ)]/(2π) (ab < 0),
 * f(θ) = 2πs − g(θ), f(π−θ) = 2πc − g(π−θ), h(θ) = h(π−θ) = 2πs − 2g(θ) (θ ≤ π/2) or 2πc − 2g(π−θ), where s = sin²(θ/2),
 * c = cos²(θ/2) are carried separately (s' = n⁻/(n⁻ + n⁺), c' = n⁺/(n⁻ + n⁺)). Every entry is thus a fixed expression of
 * O(d + 120L) operations without cancellation beyond a factor 2⁶ (g for θ ≥ 1/4), covered by the allowance.
 */
export function limitingAbReluDec(x: DecMatrix, depth: number, a: number, b: number, k: { c1: Dec; w2: Dec[]; b2: Dec[] }): { ntk: DecSym; nngp: DecSym } {
  const n = x.rows;
  const xs = augmentedRows(x, k.c1, k.b2[0]);
  const G = gramDec(xs).data;
  const K = G.slice();
  const ops = 2 * xs.cols + 120 * depth + 120;
  if (depth > 1) {
    const A2 = dec(a).pow(2), B2s = dec(b).pow(2), AB = dec(a).times(dec(b));
    const p = A2.plus(B2s), kappa = p.div(2);
    const pa = pairAngles(xs);
    let r = pa.r.slice();
    const th = pa.theta.slice(), s = pa.s.slice(), c = pa.c.slice();
    const absDiff2 = dec(Math.abs(a)).minus(dec(Math.abs(b))).pow(2), abAbs = AB.abs();
    for (let l = 2; l <= depth; l++) {
      const W2 = k.w2[l - 1], B2 = k.b2[l - 1], A = W2.times(kappa);
      const q1 = r.map((ri) => A.times(ri.times(ri)).plus(B2));
      const r1 = q1.map((v) => v.sqrt());
      for (let i = 0; i < n; i++) {
        const gd = r[i].isZero() ? ZERO : W2.times(kappa);
        K[i * n + i] = K[i * n + i].times(gd).plus(q1[i]);
        G[i * n + i] = q1[i];
      }
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) {
          const ij = i * n + j, rr = r[i].times(r[j]);
          const t = th[ij];
          let g: Dec, gdot: Dec, kmj = ZERO, kpj = ZERO;
          if (t === undefined || rr.isZero()) {
            g = B2;
            gdot = ZERO;
          } else {
            const sn = s[ij].times(c[ij]).sqrt().times(2), cs = c[ij].minus(s[ij]);
            const eps = PI.minus(t);
            const gT = sinMinusThetaCos(t, sn, cs), gE = sinMinusThetaCos(eps, sn, cs.neg());
            const J = p.times(gE).minus(AB.times(2).times(gT)).div(TWO_PI);
            const Jd = p.times(eps).plus(AB.times(2).times(t)).div(TWO_PI);
            g = W2.times(rr).times(J).plus(B2);
            gdot = W2.times(Jd);
            if (l < depth) {
              const f = TWO_PI.times(s[ij]).minus(gT), fE = TWO_PI.times(c[ij]).minus(gE);
              if (!AB.isNegative()) {
                kmj = p.times(f).plus(AB.times(2).times(gT)).div(TWO_PI);
                kpj = PI.times(dec(a).minus(dec(b)).pow(2)).plus(p.times(gE)).plus(AB.times(2).times(fE)).div(TWO_PI);
              } else {
                const h = t.lte(PI.div(2)) ? TWO_PI.times(s[ij]).minus(gT.times(2)) : TWO_PI.times(c[ij]).minus(gE.times(2));
                kmj = absDiff2.times(f).plus(abAbs.times(2).times(h)).div(TWO_PI);
                kpj = p.times(PI.plus(gE)).plus(abAbs.times(2).times(gT)).div(TWO_PI);
              }
            }
          }
          G[ij] = G[j * n + i] = g;
          const kv = K[ij].times(gdot).plus(g);
          K[ij] = K[j * n + i] = kv;
          if (l < depth) {
            const dr = r[i].minus(r[j]);
            const den = r1[i].times(r1[j]).plus(A.times(rr)).plus(B2);
            const M = den.isZero() ? ZERO : A.times(B2).times(dr).times(dr).div(den);
            const nm = M.plus(W2.times(rr).times(kmj)), np = M.plus(B2.times(2)).plus(W2.times(rr).times(kpj));
            const tot = nm.plus(np);
            if (tot.isZero() || r1[i].isZero() || r1[j].isZero()) th[ij] = undefined;
            else {
              th[ij] = atan2Pos(nm.sqrt(), np.sqrt()).times(2);
              s[ij] = nm.div(tot);
              c[ij] = np.div(tot);
            }
          }
        }
      r = r1;
    }
  }
  return limitingPair(n, K, G, allowance(ops));
}

/**
 * erf (Williams 1997; src/ntk/activations/erf.ts): for l ≥ 2, with P_i = 1 + 2q_i and c = G_ij,
 *   G'_ij = W²·(2/π)·asin(2c/√(P_iP_j)) + B²,  Ġ'_ij = W²·(4/π)/√(1 + 2q_i + 2q_j + 4(q_iq_j − c²)),  K' = K∘Ġ' + G'.
 * asin's argument z has 1 − z² = D/(P_iP_j) with D ≥ 1, so every step has a condition number ≤ P_iP_j ≤ (1 + 2q_max)²;
 * the allowance is multiplied by ∏_l (1 + 2q_max^{(l)})² for that.
 */
export function limitingErfDec(x: DecMatrix, depth: number, k: { c1: Dec; w2: Dec[]; b2: Dec[] }): { ntk: DecSym; nngp: DecSym } {
  const n = x.rows;
  const xs = augmentedRows(x, k.c1, k.b2[0]);
  let G = gramDec(xs).data;
  let K = G.slice();
  let cond = ONE;
  const TWO_OVER_PI = new D(2).div(PI), FOUR_OVER_PI = new D(4).div(PI);
  for (let l = 2; l <= depth; l++) {
    const W2 = k.w2[l - 1], B2 = k.b2[l - 1];
    const q = Array.from({ length: n }, (_, i) => G[i * n + i]);
    const P = q.map((v) => v.times(2).plus(1));
    cond = cond.times(D.max(...P).pow(2));
    const G1: Dec[] = new Array<Dec>(n * n), K1: Dec[] = new Array<Dec>(n * n);
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        const cc = G[i * n + j];
        const Dd = P[i].plus(q[j].times(2)).plus(q[i].times(q[j]).minus(cc.times(cc)).times(4));
        const z = cc.times(2).div(P[i].times(P[j]).sqrt());
        const e1 = TWO_OVER_PI.times(D.min(ONE, D.max(ONE.neg(), z)).asin());
        const e2 = FOUR_OVER_PI.div(D.max(ONE, Dd).sqrt());
        const g = W2.times(e1).plus(B2);
        const kv = K[i * n + j].times(W2.times(e2)).plus(g);
        G1[i * n + j] = G1[j * n + i] = g;
        K1[i * n + j] = K1[j * n + i] = kv;
      }
    G = G1;
    K = K1;
  }
  const ops = 2 * xs.cols + 60 * depth + 60;
  return limitingPair(n, K, G, allowance(ops).times(cond));
}

/**
 * H∞ on the unit-normalised rows (zero rows are not normalisable: NotConfirmable, as the engine throws) for ReLU
 * (default), the (a,b)-ReLU family and erf (module comment).
 */
export function hInfinityDec(x: DecMatrix, act: { kind: string; name: string; a?: number; b?: number } = { kind: 'ab-relu', name: 'relu', a: 1, b: 0 }): DecSym {
  const n = x.rows;
  if (act.kind !== 'ab-relu' && act.kind !== 'erf') throw new NoOracle(`no ${DIGITS}-digit closed form for H∞ with activation ${act.name} (only the (a,b)-ReLU family and erf)`);
  const pa = pairAngles(x);
  const H: Dec[] = new Array<Dec>(n * n);
  const half = new D('0.5');
  const relu = act.kind === 'ab-relu' && act.a === 1 && act.b === 0;
  const s = act.kind === 'ab-relu' ? dec(act.a!).minus(dec(act.b!)).pow(2) : ZERO, p = act.kind === 'ab-relu' ? dec(act.a!).times(dec(act.b!)) : ZERO;
  const fourOverPi = new D(4).div(PI);
  for (let i = 0; i < n; i++) {
    if (pa.r[i].isZero()) throw new NotConfirmable(`H∞: sample ${i + 1} is zero`);
    H[i * n + i] = relu ? half : act.kind === 'erf' ? fourOverPi.div(new D(5).sqrt()) : s.times(half).plus(p);
  }
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const th = pa.theta[i * n + j]!;
      const c = pa.cos[i * n + j];
      const hr = c.times(PI.minus(th)).div(TWO_PI);
      H[i * n + j] = H[j * n + i] = relu ? hr : act.kind === 'erf' ? c.times(fourOverPi).div(new D(9).minus(c.times(c).times(4)).sqrt()) : s.times(hr).plus(p.times(c));
    }
  const m = { rows: n, cols: n, data: H };
  return { m, error: allowance(2 * x.cols + 80).times(traceAbs(m)) };
}

/**
 * The constants of an 'ntk' layer map in decimal: the real s_l = W_std/√n_{l−1} (|s̃_l − s_l| ≤ 3u_D|s_l|: the square root
 * and the quotient of a W_std rounded to DIGITS + 10 digits), sUp ≥ |s_l| as a double, the biases b_std·β_l (one rounding
 * each, |b̃ − b| ≤ 2u_D|b|) and bUp ≥ |b_std·β_l| entrywise as doubles; b_std itself (for the bias block of the kernel).
 */
interface NtkLayersDec {
  s: Dec[];
  sUp: number[];
  bias: Dec[][];
  bUp: Float64Array[];
  bStd: Dec;
}

/** A double ≥ |v| (v a decimal): the nearest double times 1 + 1e-9; its non-zero values must lie in [MAG_MIN, MAX]. */
function magUp(v: Dec, what: string): number {
  if (v.isZero()) return 0;
  const m = v.abs().toNumber() * (1 + 1e-9);
  if (!(m >= MAG_MIN && m <= MAX)) throw new NotConfirmable(`${what}: magnitudes outside the float64 range of the rounding model`);
  return m;
}

/**
 * The instance's network exactly as the engine draws it (initNetwork with the architecture of quantities.ts: in 'ntk'
 * W_std, b_std of limitingArchitecture, so W_std = 1 and b_std = bias), the weights (ω_l in 'ntk') as decimals, and in
 * 'ntk' the layer constants (NtkLayersDec).
 */
export function networkWeights(inst: AuditInstance): {
  dims: number[];
  weights: DecMatrix[];
  raw: { rows: number; cols: number; data: Float64Array }[];
  ntk?: NtkLayersDec;
} {
  const arch = limitingArchitecture(inst, inst.depth);
  const p = arch.parameterization === 'ntk' ? { parameterization: 'ntk' as const, wStd: arch.wStd ?? 1, bStd: arch.bStd ?? 0 } : {};
  const net = initNetwork({ inputDim: inst.x.cols, widths: inst.widths, init: inst.init, ...p }, inst.netSeed);
  const out = { dims: net.dims, weights: net.weights.map(decMatrix), raw: net.weights };
  if (!net.ntk) return out;
  const wStd = dec(net.ntk.wStd), bStd = dec(net.ntk.bStd);
  const s = net.dims.slice(0, -1).map((n) => wStd.div(new D(n).sqrt()));
  const bias = net.biases!.map((b) => Array.from(b, (v) => bStd.times(dec(v))));
  return {
    ...out,
    ntk: {
      s,
      sUp: s.map((v, l) => magUp(v, `s_${l + 1}`)),
      bias,
      bUp: bias.map((b, l) => Float64Array.from(b, (v) => magUp(v, `the biases of layer ${l + 1}`))),
      bStd,
    },
  };
}

function matMulDec(a: DecMatrix, b: DecMatrix): DecMatrix {
  const m = a.rows, p = a.cols, n = b.cols;
  const out: Dec[] = new Array<Dec>(m * n).fill(ZERO);
  for (let i = 0; i < m; i++)
    for (let k = 0; k < p; k++) {
      const aik = a.data[i * p + k];
      if (aik.isZero()) continue;
      for (let j = 0; j < n; j++) {
        const b_ = b.data[k * n + j];
        if (!b_.isZero()) out[i * n + j] = out[i * n + j].plus(aik.times(b_));
      }
    }
  return { rows: m, cols: n, data: out };
}

/**
 * The instance's finite network in decimal (module comment, "Finite network"). Forward: F_0 = X,
 * G_l = F_{l−1}W_l ('ntk': s_l·F_{l−1}ω_l + b_std·β_l), F_l = σ(G_l); with float64 magnitudes M_l ≥ |F_l| (exact and computed) and a relative level ε_l:
 * |F̂_l − F_l| ≤ ε_l·M_l entrywise. P_l ≥ |G_l| are the pre-activation magnitudes and ρ̄ = pe_l·P_l ≥ |Ĝ_l − G_l|.
 */
interface Features {
  /** F_0..F_k (decimal) */
  f: DecMatrix[];
  /** Pre-activations G_1..G_k and σ'(G_1)..σ'(G_k) (decimal) */
  g: DecMatrix[];
  df: DecMatrix[];
  /** M_0..M_k */
  mag: Float64Array[];
  /** P_1..P_k (index l − 1) */
  pre: Float64Array[];
  /** ε_0..ε_k, and pe_1..pe_k (index l − 1) */
  eps: number[];
  pe: number[];
}

const UD_NUM = UD.toNumber();
const MAX = Number.MAX_VALUE;
/** Magnitudes below this (with a non-zero term) are outside the float64 range of the rounding model. */
const MAG_MIN = 1e-280;

/** m ← m·c·(1 + 1e-9) entrywise (c ≥ 0 a double; an upper bound when m, c are), non-zero entries within [MAG_MIN, MAX]. */
function scaleMag(m: Float64Array, c: number, what: string): void {
  for (let t = 0; t < m.length; t++) {
    if (m[t] === 0) continue;
    m[t] *= c * (1 + 1e-9);
    if (c !== 0 && !(m[t] >= MAG_MIN && m[t] <= MAX)) throw new NotConfirmable(`${what}: magnitudes outside the float64 range of the rounding model`);
  }
}

/**
 * Σ_p A_ip|W_pj| in float64, times 1 + 1e-9 (an upper bound of the exact sum: its float error is ≤ p·2^-53 relative, and
 * products that underflow lose ≤ p·2^-1074 ≤ 1e-9·MAG_MIN). An entry with a term of two non-zero factors must lie in
 * [MAG_MIN, MAX] (else NotConfirmable); an entry without one is exactly 0, and so is the exact sum it bounds.
 */
function magMul(a: Float64Array, m: number, p: number, w: Float64Array, n: number, what: string): Float64Array {
  const out = new Float64Array(m * n);
  const support = new Uint8Array(m * n);
  for (let i = 0; i < m; i++)
    for (let k = 0; k < p; k++) {
      const aik = a[i * p + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) {
        const wkj = w[k * n + j];
        if (wkj === 0) continue;
        out[i * n + j] += aik * Math.abs(wkj);
        support[i * n + j] = 1;
      }
    }
  for (let t = 0; t < out.length; t++) {
    out[t] *= 1 + 1e-9;
    if (support[t] === 1 && !(out[t] >= MAG_MIN && out[t] <= MAX)) throw new NotConfirmable(`${what}: magnitudes outside the float64 range of the rounding model`);
  }
  return out;
}

/**
 * ≥ Σ_t m_t² over m[off, off + len) (non-negative doubles) as a decimal, without underflow or overflow: the float sum of
 * (m_t/max)², times 1 + 1e-9 (its rounding ≤ len·2^-52 relative), times max².
 */
function normSqUp(m: Float64Array, off: number, len: number): Dec {
  let mx = 0;
  for (let t = off; t < off + len; t++) mx = Math.max(mx, m[t]);
  if (mx === 0) return ZERO;
  let s = 0;
  for (let t = off; t < off + len; t++) s += (m[t] / mx) ** 2;
  return new D(mx).pow(2).times(s * (1 + 1e-9));
}

/** The decimal σ of the instance's activation record (decimalActivations.ts); NoOracle for a record it does not know. */
function activationDec(inst: AuditInstance): DecimalActivation {
  const rec = activationOf(inst) as { kind: string; name: string; a?: number; b?: number };
  try {
    return decimalActivation(rec, D);
  } catch (e) {
    if (e instanceof RangeError) throw new NoOracle(`no ${DIGITS}-digit evaluation of the activation ${rec.name}`);
    throw e;
  }
}

/**
 * Forward pass F_l = σ(F_{l−1}W_l) ('ntk': σ(s_l·F_{l−1}ω_l + b_std·β_l), ntkPreActivations), l = 1..k, in decimal.
 * Induction (module comment): with pe_l = ε_{l−1} + (n_{l−1} + 3)u ('ntk': + 6u), |Ĝ − G| ≤ pe_l·P_l; M_l = (S0 + L1·P_l)(1 + 1e-8); ε_l = pe_l + 2u. (a,b)-ReLU: a pre-activation with
 * |Ĝ| ≤ pe_l·P_l is within its rounding bound of the kink (NotConfirmable) unless P_l = 0 (then G = Ĝ = 0 exactly and
 * σ(0) = σ'(0) = 0, abRelu.ts); elsewhere the sign is certified and L1 is replaced by the slope |m| of that side.
 */
function forwardDec(x: DecMatrix, xRaw: Float64Array, net: ReturnType<typeof networkWeights>, act: DecimalActivation, k: number, from?: Features): Features {
  const N = x.rows;
  // `from`: the same pass to a smaller depth, continued (copied, so that a throw below leaves it intact)
  const fw: Features = from
    ? { f: [...from.f], g: [...from.g], df: [...from.df], mag: [...from.mag], pre: [...from.pre], eps: [...from.eps], pe: [...from.pe] }
    : { f: [x], g: [], df: [], mag: [Float64Array.from(xRaw, Math.abs)], pre: [], eps: [UD_NUM], pe: [] };
  for (let l = fw.f.length; l <= k; l++) {
    const w = net.weights[l - 1];
    const pre = matMulDec(fw.f[l - 1], w);
    const P = magMul(fw.mag[l - 1], N, w.rows, net.raw[l - 1].data, w.cols, `layer ${l}`);
    // 'ntk': Ĝ = s̃_l·(F̂W) + b̃_l, P = |s_l|·M|W| + |b_l| (module comment): three more roundings of size u_D·P
    if (net.ntk) ntkPreActivations(pre, P, net.ntk, l);
    const pe = fw.eps[l - 1] + (w.rows + (net.ntk ? 6 : 3)) * UD_NUM;
    const PE = new D(pe);
    const f: Dec[] = new Array<Dec>(pre.data.length),
      df: Dec[] = new Array<Dec>(pre.data.length);
    const M = new Float64Array(pre.data.length);
    for (let t = 0; t < pre.data.length; t++) {
      const v = pre.data[t];
      if (act.kink && (P[t] > 0 ? v.abs().lte(PE.times(P[t])) : !v.isZero()))
        throw new NotConfirmable(`a pre-activation of layer ${l} lies within its decimal rounding bound of the ${act.name} kink`);
      const e = act.eval(v);
      f[t] = e.f;
      df[t] = e.df;
      // (a,b)-ReLU: the slope of the certified side (exact: a, b or 0) in place of L1, so a dead ReLU unit has M = 0
      const lip = act.kink ? Math.abs(e.df.toNumber()) : act.l1;
      M[t] = (act.s0 + lip * P[t]) * (1 + 1e-8);
      // a non-zero bound must not have underflowed (e.g. leaky-relu with a tiny slope)
      if (!(M[t] <= MAX) || (lip !== 0 && P[t] !== 0 && M[t] < MAG_MIN))
        throw new NotConfirmable(`layer ${l}: magnitudes outside the float64 range of the rounding model`);
    }
    fw.g.push(pre);
    fw.f.push({ rows: N, cols: w.cols, data: f });
    fw.df.push({ rows: N, cols: w.cols, data: df });
    fw.mag.push(M);
    fw.pre.push(P);
    fw.pe.push(pe);
    fw.eps.push(pe + 2 * UD_NUM);
  }
  return fw;
}

/**
 * In place, the 'ntk' pre-activations of layer l from t̃ = F̂ω_l (N × n_l) and their magnitudes from P_t ≥ |t|, |t̃|:
 * Ĝ = s̃_l·t̃ + b̃_j, P = (sUp·P_t + bUp_j)(1 + 1e-9) (two float roundings). With |t̃ − t| ≤ pe·P_t, |s̃ − s| ≤ 3u|s|,
 * |b̃ − b| ≤ 2u|b| and a rounding u per operation, |Ĝ − G| ≤ |s|(pe + 5u)P_t + 3u|b| + O(u²) ≤ (pe + 6u)·P.
 */
function ntkPreActivations(pre: DecMatrix, P: Float64Array, ntk: NtkLayersDec, l: number): void {
  const s = ntk.s[l - 1], sUp = ntk.sUp[l - 1], b = ntk.bias[l - 1], bUp = ntk.bUp[l - 1], n = pre.cols;
  for (let t = 0; t < pre.data.length; t++) {
    const j = t % n;
    pre.data[t] = pre.data[t].times(s).plus(b[j]);
    P[t] = (sUp * P[t] + bUp[j]) * (1 + 1e-9);
    if (!(P[t] <= MAX) || (P[t] !== 0 && P[t] < MAG_MIN)) throw new NotConfirmable(`layer ${l}: magnitudes outside the float64 range of the rounding model`);
  }
}

/**
 * The forward pass of (x, net) to depth k, reused (and continued to a deeper k) across the quantities of one Oracle:
 * σ is the costly part. A layer deeper than a quantity reads is never computed for it (its kink test could throw).
 */
const FORWARD = new WeakMap<object, { x: DecMatrix; act: string; fw: Features }>();
function forwardCached(inst: AuditInstance, x: DecMatrix, net: ReturnType<typeof networkWeights>, act: DecimalActivation, k: number): Features {
  const c = FORWARD.get(net);
  const same = c !== undefined && c.x === x && c.act === act.name;
  if (same && c.fw.f.length > k) return c.fw;
  const fw = forwardDec(x, inst.x.data, net, act, k, same ? c.fw : undefined);
  FORWARD.set(net, { x, act: act.name, fw });
  return fw;
}

/**
 * Backward pass B_L = 1, B_k = (B_{k+1}W_{k+1}ᵀ)∘σ'(G_k) ('ntk': (s_{k+1}·B_{k+1}ω_{k+1}ᵀ)∘σ'(G_k), V_k and δ_k as in the
 * module comment), k = L−1..1, with magnitudes BM_k = L1·V_k(1 + 1e-8), V_k ≥ |B_{k+1}W_{k+1}ᵀ|
 * (magMul; (a,b)-ReLU: |m| for L1, the exact slope of the certified side), and levels δ_L = 0, δ_k = δ_{k+1} + (n_{k+1} + 4)u + 2u + 2(L2/L1)·pe_k·max P_k: |B̂_k − B_k| ≤ δ_k·BM_k.
 */
function backwardDec(fw: Features, net: ReturnType<typeof networkWeights>, act: DecimalActivation, L: number): { b: DecMatrix[]; mag: Float64Array[]; delta: number[] } {
  const N = fw.f[0].rows;
  const b: DecMatrix[] = new Array<DecMatrix>(L + 1);
  const mag: Float64Array[] = new Array<Float64Array>(L + 1);
  const delta: number[] = new Array<number>(L + 1).fill(0);
  b[L] = { rows: N, cols: 1, data: new Array<Dec>(N).fill(ONE) };
  mag[L] = new Float64Array(N).fill(1);
  for (let k = L - 1; k >= 1; k--) {
    const w = net.weights[k], wr = net.raw[k].data; // W_{k+1}: n_k × n_{k+1}
    const nk = w.rows, nk1 = w.cols;
    // V = BM_{k+1}|W_{k+1}|ᵀ: magMul of BM_{k+1} (N × n_{k+1}) with |W_{k+1}ᵀ|
    const wt = new Float64Array(nk1 * nk);
    for (let a = 0; a < nk; a++) for (let j = 0; j < nk1; j++) wt[j * nk + a] = wr[a * nk1 + j];
    const V = magMul(mag[k + 1], N, nk1, wt, nk, `back-propagated signal ${k}`);
    // 'ntk': v = s_{k+1}·B_{k+1}ω_{k+1}ᵀ, V ≥ |v| (times sUp and 1 + 1e-9 for the float product)
    const sc = net.ntk?.s[k];
    if (net.ntk) scaleMag(V, net.ntk.sUp[k], `back-propagated signal ${k}`);
    const out: Dec[] = new Array<Dec>(N * nk).fill(ZERO);
    const om = new Float64Array(N * nk);
    const dk = fw.df[k - 1].data, bn = b[k + 1].data;
    let maxP = 0;
    for (let t = 0; t < N * nk; t++) maxP = Math.max(maxP, fw.pre[k - 1][t]);
    for (let i = 0; i < N; i++)
      for (let a = 0; a < nk; a++) {
        const t = i * nk + a;
        const d = dk[t];
        const lip = act.kink ? Math.abs(d.toNumber()) : act.l1;
        om[t] = lip * V[t] * (1 + 1e-8);
        if (!(om[t] <= MAX) || (lip !== 0 && V[t] !== 0 && om[t] < MAG_MIN))
          throw new NotConfirmable(`back-propagated signal ${k}: magnitudes outside the float64 range of the rounding model`);
        if (d.isZero()) continue;
        let s = ZERO;
        for (let j = 0; j < nk1; j++) {
          const bv = bn[i * nk1 + j];
          if (!bv.isZero()) s = s.plus(bv.times(w.data[a * nk1 + j]));
        }
        out[t] = (sc ? s.times(sc) : s).times(d);
      }
    b[k] = { rows: N, cols: nk, data: out };
    mag[k] = om;
    // 'ntk': s̃_{k+1} (3u) and its product (u) add 4u
    delta[k] = delta[k + 1] + (nk1 + (net.ntk ? 10 : 6)) * UD_NUM + (act.l2 > 0 ? 2 * (act.l2 / act.l1) * fw.pe[k - 1] * maxP : 0);
    if (!(delta[k] <= MAX)) throw new NotConfirmable('back-propagated signals: magnitudes outside the float64 range of the rounding model');
  }
  return { b, mag, delta };
}

/**
 * The normalisation of quantities.ts (src/ntk/empiricalNtk.ts ntkNormalization, src/ntk/empiricalNtkCertified.ts):
 * ∏_{l=1}^{L−1} c/n_l with c = 1/κ, κ = (a² + b²)/2 exactly for the (a,b)-ReLU family (c = 2 for ReLU), and for a smooth
 * record the double ĉ = fl(1/κ̂) of the record's secondMoment κ̂, taken as the constant (the value the engine certifies).
 */
function normalizationDec(inst: AuditInstance, dims: number[]): Dec {
  if (inst.parameterization === 'ntk') return ONE; // the scales s_l are part of the network
  const rec = activationOf(inst) as { kind: string; a?: number; b?: number; secondMoment: number };
  const c =
    rec.kind === 'ab-relu'
      ? new D(2).div(exactDecimal(rec.a!).pow(2).plus(exactDecimal(rec.b!).pow(2)))
      : exactDecimal(1 / rec.secondMoment);
  let s = ONE;
  for (let l = 1; l < dims.length - 1; l++) s = s.times(c).div(dims[l]);
  return s;
}

/**
 * The features whose Gram enters the l-th term of the 'ntk' kernel (src/ntk/empiricalNtk.ts kernelFeatures):
 * F̃ = [s_l·F_{l−1}, b_std·1] (the bias column only when b_std ≠ 0), with magnitudes [sUp·M, |b_std|] and the level
 * ε + 5u_D: |fl(s̃F̂) − sF| ≤ |s̃||F̂ − F| + |s̃ − s||F| + u|s̃F̂| ≤ (ε + 4u + O(u²))|s|M; the column b_std is exact.
 */
function ntkKernelFeatures(f: DecMatrix, m: Float64Array, eps: number, ntk: NtkLayersDec, l: number): { f: DecMatrix; mag: Float64Array; eps: number } {
  const s = ntk.s[l - 1], sUp = ntk.sUp[l - 1], N = f.rows, n = f.cols;
  const bias = !ntk.bStd.isZero(), nn = n + (bias ? 1 : 0);
  const data: Dec[] = new Array<Dec>(N * nn);
  const mag = new Float64Array(N * nn);
  const sm = Float64Array.from(m);
  scaleMag(sm, sUp, `the features of layer ${l}`);
  const bUp = magUp(ntk.bStd, 'b_std');
  for (let i = 0; i < N; i++) {
    for (let a = 0; a < n; a++) {
      data[i * nn + a] = f.data[i * n + a].times(s);
      mag[i * nn + a] = sm[i * n + a];
    }
    if (bias) {
      data[i * nn + n] = ntk.bStd;
      mag[i * nn + n] = bUp;
    }
  }
  return { f: { rows: N, cols: nn, data }, mag, eps: eps + 5 * UD_NUM };
}

/**
 * The empirical NTK K̄ = Σ_k (F_kF_kᵀ)∘(B_{k+1}B_{k+1}ᵀ) of the instance's network ('ntk': F_k replaced by
 * [s_{k+1}F_k, b_std·1], ntkKernelFeatures), normalised by normalizationDec (or not: 'jacobianGram'; 1 in 'ntk'), with its rounding allowance (module comment): ‖K̃ − K‖₂ ≤ 10·s·Σ_k c_k·Σ_i ‖M_{k,i}‖²‖BM_{k+1,i}‖²,
 * c_k = 1.01(2.01ε_k + 2.01δ_{k+1} + (n_k + n_{k+1} + 2L + 10)u).
 */
export function empiricalNtkDec(inst: AuditInstance, x: DecMatrix, net = networkWeights(inst), normalize = true): DecSym {
  const L = inst.depth, N = x.rows;
  const act = activationDec(inst);
  const fw = forwardCached(inst, x, net, act, L - 1);
  const bw = backwardDec(fw, net, act, L);
  const K: Dec[] = new Array<Dec>(N * N).fill(ZERO);
  let err = ZERO;
  for (let k = 0; k < L; k++) {
    const { f: F, mag: mf, eps } = net.ntk ? ntkKernelFeatures(fw.f[k], fw.mag[k], fw.eps[k], net.ntk, k + 1) : { f: fw.f[k], mag: fw.mag[k], eps: fw.eps[k] };
    const Bk = bw.b[k + 1];
    const P = gramDec(F), Q = gramDec(Bk);
    let nonzero = false;
    for (let i = 0; i < N; i++)
      for (let j = i; j < N; j++) {
        const pq = P.data[i * N + j].times(Q.data[i * N + j]);
        if (!pq.isZero()) nonzero = true;
        const v = K[i * N + j].plus(pq);
        K[i * N + j] = v;
        K[j * N + i] = v;
      }
    const mb = bw.mag[k + 1];
    let sk = ZERO;
    for (let i = 0; i < N; i++) sk = sk.plus(normSqUp(mf, i * F.cols, F.cols).times(normSqUp(mb, i * Bk.cols, Bk.cols)));
    if (sk.isZero() && nonzero) throw new NotConfirmable('empirical NTK: a non-zero layer term with zero magnitudes');
    const ck = 1.01 * (2.01 * eps + 2.01 * bw.delta[k + 1] + (F.cols + Bk.cols + 2 * L + 10) * UD_NUM);
    if (!(ck <= MAX)) throw new NotConfirmable('empirical NTK: magnitudes outside the float64 range of the rounding model');
    err = err.plus(new D(ck).times(sk));
  }
  const scale = normalize ? normalizationDec(inst, net.dims) : ONE;
  return { m: { rows: N, cols: N, data: K.map((v) => v.times(scale)) }, error: err.times(scale).times(10) };
}

/** F_k (decimal) and a bound on ‖F̂_k − F_k‖_F ≤ 10·ε_k‖M_k‖_F. */
export function featuresDec(inst: AuditInstance, x: DecMatrix, k: number, net = networkWeights(inst)): { f: DecMatrix; error: Dec } {
  const fw = forwardCached(inst, x, net, activationDec(inst), k);
  const m = fw.mag[k];
  return { f: fw.f[k], error: new D(10 * fw.eps[k]).times(normSqUp(m, 0, m.length).sqrt()) };
}

// ------------------------------------------------------------------------------------------------
// Inertia (Sylvester) and bisection

/** Number of eigenvalues of A − sI + E below 0 (negative pivots of LDLᵀ) and the bound on ‖E‖₂. */
export function inertiaBelow(a: DecMatrix, s: Dec): { below: number; backward: Dec } {
  const n = a.rows;
  const w: Dec[] = new Array<Dec>(n * n);
  let scale = s.abs();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) w[i * n + j] = a.data[i * n + j];
    w[i * n + i] = a.data[i * n + i].minus(s);
    scale = D.max(scale, a.data[i * n + i].abs());
  }
  const tiny = UD.times(scale).plus(new D('1e-9000000'));
  const l: Dec[] = new Array<Dec>(n * n);
  const dpiv: Dec[] = new Array<Dec>(n);
  let below = 0;
  let zeroPivots = 0;
  for (let k = 0; k < n; k++) {
    let dk = w[k * n + k];
    if (dk.isZero()) {
      dk = tiny;
      zeroPivots++;
    }
    dpiv[k] = dk;
    if (dk.isNegative()) below++;
    const col: Dec[] = [];
    for (let i = k + 1; i < n; i++) {
      col.push(w[i * n + k]);
      l[i * n + k] = w[i * n + k].div(dk);
    }
    for (let i = k + 1; i < n; i++) {
      const lik = l[i * n + k];
      if (lik.isZero()) continue;
      for (let j = k + 1; j <= i; j++) {
        const c = col[j - k - 1];
        if (!c.isZero()) w[i * n + j] = w[i * n + j].minus(lik.times(c));
      }
    }
  }
  // tr(|L||D||Lᵀ|) = Σ_i Σ_{j≤i} l_ij²|d_j| (l_ii = 1), in float64 with a safety factor
  let tr = 0;
  for (let i = 0; i < n; i++) {
    tr += Math.abs(dpiv[i].toNumber());
    for (let j = 0; j < i; j++) {
      const v = l[i * n + j].toNumber();
      tr += v * v * Math.abs(dpiv[j].toNumber());
    }
  }
  if (!Number.isFinite(tr)) throw new NotConfirmable('LDLᵀ pivot growth overflows');
  const backward = new D(tr * 1.01)
    .times(UD.times(10 * (n + 3)))
    .plus(tiny.times(zeroPivots + 1))
    .plus(UD.times(scale).times(2));
  return { below, backward };
}

/** A bracket [lo, hi] of an extreme eigenvalue proven by two inertia counts, refinable by bisection. */
export class EigenBracket {
  lo: Dec;
  hi: Dec;
  /** Error terms (‖E‖₂ of the counts at lo and hi); the enclosure is [lo − eLo − δ, hi + eHi + δ]. */
  eLo: Dec;
  eHi: Dec;
  counts = 0;
  private readonly which: 'min' | 'max';
  private readonly a: DecMatrix;
  private readonly delta: Dec;

  /**
   * `start`: the engine's enclosure (doubles; only a first guess: each end is checked by a count and
   * pushed outward, up to Gershgorin's bounds, until it is proven).
   */
  constructor(a: DecSym, which: 'min' | 'max', start?: { lower: number; upper: number }) {
    this.a = a.m;
    this.which = which;
    this.delta = a.error;
    const n = a.m.rows;
    // Gershgorin: every eigenvalue lies in [min_i (a_ii − R_i), max_i (a_ii + R_i)]; diagonal entries bound λ_min from above, λ_max from below.
    let gLo: Dec | undefined, gHi: Dec | undefined, dMin: Dec | undefined, dMax: Dec | undefined;
    for (let i = 0; i < n; i++) {
      let r = ZERO;
      for (let j = 0; j < n; j++) if (j !== i) r = r.plus(a.m.data[i * n + j].abs());
      const di = a.m.data[i * n + i];
      const lo = di.minus(r), hi = di.plus(r);
      gLo = gLo === undefined || lo.lt(gLo) ? lo : gLo;
      gHi = gHi === undefined || hi.gt(gHi) ? hi : gHi;
      dMin = dMin === undefined || di.lt(dMin) ? di : dMin;
      dMax = dMax === undefined || di.gt(dMax) ? di : dMax;
    }
    const span = D.max(gHi!.minus(gLo!), UD);
    let lo: Dec, hi: Dec;
    if (start && Number.isFinite(start.lower) && Number.isFinite(start.upper) && start.lower <= start.upper) {
      const w = D.max(exactDecimal(start.upper).minus(exactDecimal(start.lower)), span.times('1e-14'));
      lo = exactDecimal(start.lower).minus(w);
      hi = exactDecimal(start.upper).plus(w);
    } else {
      lo = which === 'min' ? gLo! : dMax!;
      hi = which === 'min' ? dMin! : gHi!;
    }
    // Prove the lower end.
    // Outside Gershgorin's interval by `pad` (large enough to survive rounding to DIGITS digits) every count is decisive.
    const pad = span.plus(gLo!.abs()).plus(gHi!.abs()).times('1e-30');
    const outLo = gLo!.minus(pad), outHi = gHi!.plus(pad);
    // Move an end outwards (steps growing 4× from the bracket's width) until its count proves it, never
    // past Gershgorin's interval widened by `pad`.
    const prove = (end: Dec, ok: (below: number) => boolean, outward: -1 | 1, limit: Dec) => {
      let step = hi.minus(lo).abs().plus(pad);
      let c = this.count(end);
      while (!ok(c.below)) {
        if (outward < 0 ? end.lte(limit) : end.gte(limit)) throw new NotConfirmable('inertia count contradicts Gershgorin (pivot growth)');
        end = outward < 0 ? D.max(end.minus(step), limit) : D.min(end.plus(step), limit);
        step = step.times(4);
        c = this.count(end);
      }
      return { end, c };
    };
    const pLo = prove(lo, (b) => this.lowOk(b, n), -1, outLo);
    lo = pLo.end;
    const pHi = prove(hi, (b) => this.highOk(b, n), 1, outHi);
    hi = pHi.end;
    this.lo = lo;
    this.hi = hi;
    this.eLo = pLo.c.backward;
    this.eHi = pHi.c.backward;
  }

  private count(s: Dec) {
    this.counts++;
    return inertiaBelow(this.a, s);
  }
  /** At the lower end s: λ ≥ s is proven when (min) no eigenvalue is below s, (max) fewer than n are. */
  private lowOk(below: number, n: number): boolean {
    return this.which === 'min' ? below === 0 : below <= n - 1;
  }
  private highOk(below: number, n: number): boolean {
    return this.which === 'min' ? below >= 1 : below === n;
  }

  enclosure(): { lo: Dec; hi: Dec } {
    return { lo: this.lo.minus(this.eLo).minus(this.delta), hi: this.hi.plus(this.eHi).plus(this.delta) };
  }

  /** One bisection step. */
  bisect(): void {
    const mid = this.lo.plus(this.hi).div(2);
    const c = this.count(mid);
    if (this.lowOk(c.below, this.a.rows)) {
      this.lo = mid;
      this.eLo = c.backward;
    } else {
      this.hi = mid;
      this.eHi = c.backward;
    }
  }
}

// ------------------------------------------------------------------------------------------------
// The quantities of quantities.ts

/** One recomputed quantity: its current enclosure (doubles) and, for spectra, a refinement step. */
export interface OracleQuantity {
  enclosure(): Enclosure;
  /** Tightens the enclosure; false when it is already at double resolution (or cannot be tightened). */
  refine(): boolean;
  /** Inertia counts spent so far. */
  counts(): number;
}

const fixed = (lo: Dec, hi: Dec): OracleQuantity => {
  const e = toEnclosure(lo, hi);
  return { enclosure: () => e, refine: () => false, counts: () => 0 };
};

/** An oracle quantity whose enclosure `enc` narrows as the eigenvalue brackets `parts` are bisected (all together). */
function bisected(parts: EigenBracket[], enc: () => Enclosure): OracleQuantity {
  return {
    enclosure: enc,
    refine: () => {
      const e = enc();
      // Stop at double resolution: 8 ulps of the larger end (the decimal error terms are far below that).
      const ulp = Math.max(Math.abs(e.lower), Math.abs(e.upper)) * 2 ** -52 * 8;
      if (!(e.upper - e.lower > ulp) || parts.some((b) => b.counts > 400)) return false;
      for (const b of parts) b.bisect();
      return true;
    },
    counts: () => parts.reduce((s, b) => s + b.counts, 0),
  };
}

/** An eigenvalue quantity mapped through a monotone increasing f (e.g. √ for singular values). */
function spectral(b: EigenBracket, map: (lo: Dec, hi: Dec) => [Dec, Dec] = (l, h) => [l, h]): OracleQuantity {
  const enc = () => {
    const e = b.enclosure();
    const [l, h] = map(e.lo, e.hi);
    return toEnclosure(l, h);
  };
  return bisected([b], enc);
}

/** Lazily computed shared pieces of one instance. */
export class Oracle {
  readonly inst: AuditInstance;
  private readonly cache = new Map<string, unknown>();
  /** Engine enclosures used as starting brackets (key → enclosure), or none. */
  private readonly start: (key: string) => { lower: number; upper: number } | undefined;

  constructor(inst: AuditInstance, start: (key: string) => { lower: number; upper: number } | undefined = () => undefined) {
    this.inst = inst;
    this.start = start;
  }

  private get<T>(k: string, f: () => T): T {
    if (!this.cache.has(k)) this.cache.set(k, f());
    return this.cache.get(k) as T;
  }
  get x(): DecMatrix {
    return this.get('x', () => decMatrix(this.inst.x));
  }
  get normsSq(): Dec[] {
    return this.get('normsSq', () => {
      const { rows: n, cols: d, data } = this.x;
      return Array.from({ length: n }, (_, i) => {
        let s = ZERO;
        for (let k = 0; k < d; k++) s = s.plus(data[i * d + k].times(data[i * d + k]));
        return s;
      });
    });
  }
  get gram(): DecSym {
    return this.get('gram', () => gramWithError(this.x));
  }
  get limiting() {
    return this.get('limiting', () => limitingDecOf(this.inst, this.x, this.inst.depth));
  }
  get net() {
    return this.get('net', () => {
      // forward + backward passes and the per-layer Gram matrices of F_k and B_{k+1}
      const N = this.inst.x.rows, dims = [this.inst.x.cols, ...this.inst.widths, 1];
      let ops = 0;
      for (let l = 1; l < dims.length; l++) ops += 2 * N * dims[l - 1] * dims[l] + (N * N * (dims[l - 1] + dims[l])) / 2;
      // σ and σ' of a smooth record at 70 digits: one or two exp/ln/tanh, or erf's series / continued fraction; measured
      // 2–7 ms each on 2 cores at load 9–12, counted as 2000 multiply-adds
      if (activationOf(this.inst).kind !== 'ab-relu') for (let l = 1; l < dims.length - 1; l++) ops += 2000 * N * dims[l];
      if (ops > MAX_DECIMAL_OPS) throw new TooLarge(`the network quantities need ≈ ${ops.toExponential(1)} decimal operations (limit ${MAX_DECIMAL_OPS.toExponential(0)})`);
      return networkWeights(this.inst);
    });
  }

  /** `squared`: the quantity is the square root of the eigenvalue (σ_min, ‖W‖₂): its start is squared. */
  private bracket(key: string, m: DecSym, which: 'min' | 'max', squared = false): EigenBracket {
    if (m.m.rows > MAX_ORDER) throw new TooLarge(`${key}: matrix of order ${m.m.rows} > ${MAX_ORDER}`);
    let st = this.start(key);
    if (st && squared) st = { lower: Math.max(0, st.lower) ** 2, upper: st.upper ** 2 };
    return new EigenBracket(m, which, st);
  }

  /** The oracle for a tracked key of quantities.ts ('lambdaMinNTK', 'sigmaMinF(1)', 'mu(2)', …). */
  quantity(key: string): OracleQuantity {
    return this.get(`q:${key}`, () => this.make(key));
  }

  private make(key: string): OracleQuantity {
    const n = this.inst.x.rows, d = this.inst.x.cols;
    if ((this.inst.bias ?? 0) > 0 && /^(lambdaMinHInfinity$|\w+\(hInfinity\)$)/.test(key)) {
      throw new NoOracle(`${key} is defined for the network without biases only (this instance: b_std = ${this.inst.bias})`);
    }
    const rel = (v: Dec, ops: number) => {
      const e = allowance(ops).times(v.abs());
      return fixed(v.minus(e), v.plus(e));
    };
    const m = /^(sigmaMinF|lipschitzBound|mu)\((\d+)\)$/.exec(key);
    if (m) {
      const k = Number(m[2]);
      if (m[1] === 'mu') return rel(muDecOf(activationOf(this.inst) as { kind: string; name: string; a?: number; b?: number }, k), 4 * k + 10);
      if (m[1] === 'sigmaMinF') return this.sigmaMinF(k);
      return this.lipschitz(k);
    }
    switch (key) {
      case 'minNormSq':
        return rel(D.min(...this.normsSq), d + 2);
      case 'maxNormSq':
        return rel(D.max(...this.normsSq), d + 2);
      case 'minNorm':
        return rel(D.min(...this.normsSq).sqrt(), d + 4);
      case 'maxNorm':
        return rel(D.max(...this.normsSq).sqrt(), d + 4);
      case 'sumNormSq':
        return rel(D.sum(...this.normsSq), d + n + 2);
      case 'maxInnerProduct':
      case 'maxCosine': {
        if (n < 2) return fixed(ZERO, ZERO);
        const g = this.gram.m.data;
        const ns = this.normsSq;
        let best = ZERO, bestScale = ZERO;
        for (let i = 0; i < n; i++)
          for (let j = i + 1; j < n; j++) {
            let v = g[i * n + j].abs();
            const sc = ns[i].times(ns[j]).sqrt();
            if (key === 'maxCosine') v = sc.isZero() ? ZERO : v.div(sc);
            if (v.gt(best)) best = v;
            if (sc.gt(bestScale)) bestScale = sc;
          }
        // entry error ≤ allowance·‖x_i‖‖x_j‖ (inner products) or allowance (cosines, each a ratio of such)
        const e = allowance(d + 8).times(key === 'maxCosine' ? ONE : bestScale);
        const lo = D.max(ZERO, best.minus(e));
        const hi = key === 'maxCosine' ? D.min(ONE, best.plus(e)) : best.plus(e);
        return fixed(lo, hi);
      }
      case 'lambdaMinGram':
        return spectral(this.bracket(key, this.gram, 'min'));
      case 'lambdaMinNTK':
        return spectral(this.bracket(key, this.limiting.ntk, 'min'));
      case 'lambdaMaxNTK':
        return spectral(this.bracket(key, this.limiting.ntk, 'max'));
      case 'lambdaMinNNGP':
        return spectral(this.bracket(key, this.limiting.nngp, 'min'));
      case 'traceNTK': {
        // K^{(L)}_ii = L‖x_i‖² exactly (nmm); the decimal K's diagonal is that to rounding.
        const t = traceAbs(this.limiting.ntk.m);
        const e = this.limiting.ntk.error;
        return fixed(t.minus(e), t.plus(e));
      }
      case 'lambdaMinHInfinity':
        return spectral(this.bracket(key, this.get('hinf', () => hInfinityDec(this.x, activationOf(this.inst) as { kind: string; name: string; a?: number; b?: number })), 'min'));
      case 'lambdaMinEmpiricalNTK':
        return spectral(this.bracket(key, this.get('entk', () => empiricalNtkDec(this.inst, this.x, this.net)), 'min'));
      case 'minDistance':
      case 'separation':
        return this.minDistance(key === 'separation');
      case 'norm2X':
        return spectral(this.bracket(key, this.gram, 'max', true), (lo, hi) => [D.max(ZERO, lo).sqrt(), D.max(ZERO, hi).sqrt()]);
      default: {
        const kf = /^(lambdaMin|lambdaMax|trace|labelQuadForm)\((.+)\)$/.exec(key);
        if (kf) {
          const k = this.kernel(kf[2]);
          if (kf[1] === 'lambdaMin' || kf[1] === 'lambdaMax') return spectral(this.bracket(key, k, kf[1] === 'lambdaMin' ? 'min' : 'max'));
          if (kf[1] === 'trace') {
            let t = ZERO;
            for (let i = 0; i < n; i++) t = t.plus(k.m.data[i * n + i]);
            // |tr ΔK| ≤ N·‖ΔK‖₂
            const e = k.error.times(n);
            return fixed(t.minus(e), t.plus(e));
          }
          return this.labelQuadForm(kf[2], k);
        }
        throw new NotConfirmable(`no high-precision oracle for quantity ${key}`);
      }
    }
  }

  /** The decimal kernel behind a KernelName of quantities.ts. */
  private kernel(name: string): DecSym {
    const m = /^(gram|ntk|nngp|hInfinity|empiricalNTK|jacobianGram|ntk\((\d+)\)|nngp\((\d+)\))$/.exec(name);
    if (!m) throw new NotConfirmable(`no high-precision oracle for kernel ${name}`);
    const layer = m[2] ?? m[3];
    if (layer !== undefined) {
      const l = Number(layer);
      if (!(l >= 1 && l <= this.inst.depth)) throw new NotConfirmable(`${name} out of range`);
      const lk = l === this.inst.depth ? this.limiting : this.get(`limiting(${l})`, () => limitingDecOf(this.inst, this.x, l));
      return m[2] !== undefined ? lk.ntk : lk.nngp;
    }
    switch (name) {
      case 'gram':
        return this.gram;
      case 'ntk':
        return this.limiting.ntk;
      case 'nngp':
        return this.limiting.nngp;
      case 'hInfinity':
        return this.get('hinf', () => hInfinityDec(this.x, activationOf(this.inst) as { kind: string; name: string; a?: number; b?: number }));
      case 'jacobianGram':
        return this.get('jacobianGram', () => empiricalNtkDec(this.inst, this.x, this.net, false));
      default:
        return this.get('entk', () => empiricalNtkDec(this.inst, this.x, this.net));
    }
  }

  /**
   * yᵀK⁻¹y for the instance's labels (exact doubles): LDLᵀ solve of the decimal K̃ (no pivoting, K̃ positive
   * definite), which is exact for K̃ + E with ‖E‖₂ ≤ allowance(n²)·tr K̃ (Higham Thm 9.3 and the triangular
   * solves, tr(|L||D||Lᵀ|) = tr K̃ for D > 0). With δ = ‖K̃ − K‖₂ + ‖E‖₂ and λ ≤ λ_min(K) certified by inertia counts,
   * |yᵀK⁻¹y − yᵀ(K̃ + E)⁻¹y| ≤ ‖y‖²δ/(λ(λ − δ)).
   */
  private labelQuadForm(name: string, k: DecSym): OracleQuantity {
    const n = k.m.rows;
    const y = Array.from(labelsOf(this.inst), (v) => {
      if (!Number.isFinite(v)) throw new NotConfirmable('labels are not finite');
      return dec(v);
    });
    if (y.every((v) => v.isZero())) return fixed(ZERO, ZERO);
    const b = this.bracket(`lambdaMin(${name})`, k, 'min');
    const a = k.m.data;
    let tr = ZERO;
    for (let i = 0; i < n; i++) tr = tr.plus(a[i * n + i].abs());
    const delta = k.error.plus(allowance(n * n + 10).times(tr));
    // LDLᵀ
    const L: Dec[] = new Array<Dec>(n * n).fill(ZERO), dd: Dec[] = new Array<Dec>(n);
    for (let j = 0; j < n; j++) {
      let s = a[j * n + j];
      for (let p = 0; p < j; p++) s = s.minus(L[j * n + p].times(L[j * n + p]).times(dd[p]));
      if (!s.isPositive()) throw new NotConfirmable(`labelQuadForm(${name}): the kernel is not positive definite to ${DIGITS} digits`);
      dd[j] = s;
      for (let i = j + 1; i < n; i++) {
        let t = a[i * n + j];
        for (let p = 0; p < j; p++) t = t.minus(L[i * n + p].times(L[j * n + p]).times(dd[p]));
        L[i * n + j] = t.div(s);
      }
    }
    // yᵀ(LDLᵀ)⁻¹y = Σ z_i²/d_i with Lz = y
    const z: Dec[] = new Array<Dec>(n);
    let v = ZERO, yy = ZERO;
    for (let i = 0; i < n; i++) {
      let t = y[i];
      for (let p = 0; p < i; p++) t = t.minus(L[i * n + p].times(z[p]));
      z[i] = t;
      v = v.plus(t.times(t).div(dd[i]));
      yy = yy.plus(y[i].times(y[i]));
    }
    const enc = (): Enclosure => {
      const lam = b.enclosure().lo;
      if (!lam.minus(delta).isPositive()) return { lower: -Infinity, upper: Infinity, mid: v.toNumber() };
      const e = yy.times(delta).div(lam.times(lam.minus(delta)));
      return toEnclosure(D.max(ZERO, v.minus(e)), v.plus(e));
    };
    return bisected([b], enc);
  }

  /** min over pairs of ‖x_i − x_k‖ (and ‖x_i + x_k‖ for the separation), ± a rounding allowance of the square root. */
  private minDistance(antipodal: boolean): OracleQuantity {
    const { rows: n, cols: d, data } = this.x;
    if (n < 2) return fixed(new D(Infinity), new D(Infinity));
    let best: Dec | undefined;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++)
        for (const sg of antipodal ? [1, -1] : [1]) {
          let s = ZERO;
          for (let k = 0; k < d; k++) {
            const t = sg === 1 ? data[i * d + k].minus(data[j * d + k]) : data[i * d + k].plus(data[j * d + k]);
            s = s.plus(t.times(t));
          }
          if (best === undefined || s.lt(best)) best = s;
        }
    const v = best!.sqrt();
    const e = allowance(d + 4).times(v);
    return fixed(D.max(ZERO, v.minus(e)), v.plus(e));
  }

  /** σ_min(F_k) = √λ_min of the smaller of F_kF_kᵀ, F_kᵀF_k; ±‖F̂_k − F_k‖_F (Weyl). */
  private sigmaMinF(k: number): OracleQuantity {
    if (!(Number.isInteger(k) && k >= 0 && k <= this.inst.depth - 1)) throw new NotConfirmable(`sigmaMinF(${k}) out of range`);
    const order = Math.min(this.inst.x.rows, k === 0 ? this.inst.x.cols : this.inst.widths[k - 1]);
    if (order > MAX_ORDER) throw new TooLarge(`sigmaMinF(${k}): Gram of order ${order} > ${MAX_ORDER}`);
    const { f, error } = featuresDec(this.inst, this.x, k, this.net);
    const t = f.rows <= f.cols ? f : transposeDec(f);
    const g = gramWithError(t);
    const b = this.bracket(`sigmaMinF(${k})`, g, 'min', true);
    return spectral(b, (lo, hi) => [D.max(ZERO, lo).sqrt().minus(error), D.max(ZERO, hi).sqrt().plus(error)]);
  }

  /**
   * ∏_{l≤k} ‖W_l‖₂, ‖W‖₂ = √λ_max of the smaller of WWᵀ, WᵀW (W exact: the stored doubles); in 'ntk' W_l = s_lω_l, so
   * ∏ |s_l|‖ω_l‖₂ with the real s_l = W_std/√n_{l−1} (quantities.ts lipschitzEnclosure; s̃_l within 3u_D relative).
   */
  private lipschitz(k: number): OracleQuantity {
    if (!(Number.isInteger(k) && k >= 1 && k <= this.inst.depth)) throw new NotConfirmable(`lipschitzBound(${k}) out of range`);
    const net = this.net;
    let scale = ONE;
    if (net.ntk) for (let l = 0; l < k; l++) scale = scale.times(net.ntk.s[l].abs());
    const parts = net.weights.slice(0, k).map((w, l) => {
      if (Math.min(w.rows, w.cols) > MAX_ORDER) throw new TooLarge(`lipschitzBound(${k}): W_${l + 1} is ${w.rows} × ${w.cols}, Gram of order > ${MAX_ORDER}`);
      const t = w.rows <= w.cols ? w : transposeDec(w);
      // λ_max(W Wᵀ) = λ_max(WᵀW) = ‖W‖₂²; its start: a float64 power iteration (only a first guess, proven by the counts).
      const g = gramWithError(t);
      const v = powerEstimate(g.m.data.map((z) => z.toNumber()), g.m.rows);
      return new EigenBracket(g, 'max', Number.isFinite(v) && v > 0 ? { lower: v * (1 - 1e-9), upper: v * (1 + 1e-9) } : undefined);
    });
    const enc = () => {
      let lo = ONE, hi = ONE;
      for (const b of parts) {
        const e = b.enclosure();
        lo = lo.times(D.max(ZERO, e.lo).sqrt());
        hi = hi.times(D.max(ZERO, e.hi).sqrt());
      }
      // the square roots and products (4k roundings), and in 'ntk' s̃_l (3u_D each) and the k products of the scales
      const slack = allowance(8 * k);
      return toEnclosure(lo.times(scale).times(ONE.minus(slack)), hi.times(scale).times(ONE.plus(slack)));
    };
    return bisected(parts, enc);
  }
}

/** λ_max of a symmetric positive semidefinite float64 matrix by power iteration (a first guess only). */
function powerEstimate(a: number[], n: number): number {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let lam = 0;
  for (let it = 0; it < 300; it++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
      w[i] = s;
    }
    let nrm = 0;
    for (let i = 0; i < n; i++) nrm += w[i] * w[i];
    nrm = Math.sqrt(nrm);
    if (!(nrm > 0)) return 0;
    const prev = lam;
    lam = nrm;
    v = w.map((z) => z / nrm);
    if (Math.abs(lam - prev) <= 1e-15 * lam) break;
  }
  return lam;
}

function transposeDec(a: DecMatrix): DecMatrix {
  const out: Dec[] = new Array<Dec>(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j];
  return { rows: a.cols, cols: a.rows, data: out };
}

/**
 * μ_r(σ) for the activations with a closed form (src/ntk/activations/hermiteCoefficients.ts): the (a,b)-ReLU family
 * b·[r = 1] + (a − b)·μ_r(ReLU), erf ((2/√(3π))(2m)!(−1/3)^m/(m!√((2m+1)!)) at r = 2m + 1, 0 at even r) and GELU
 * ((−1)^{m−1}(2m + 1)(2m − 3)!!/(2^{m+1}√π√((2m)!)) at r = 2m ≥ 2, μ_0 = 1/(2√π), μ_1 = 1/2, 0 at odd r ≥ 3); other
 * activations (tanh, sigmoid, softplus: a quadrature) raise NoOracle.
 */
export function muDecOf(act: { kind: string; name: string; a?: number; b?: number }, r: number): Dec {
  if (act.kind === 'ab-relu') {
    // the slopes are the record's doubles, taken exactly (exactDecimal; `new D(x)` would read x's shortest decimal,
    // e.g. 0.1 for fl(0.1), off by 5.6e-18 relative); μ_1 = b + (a − b)/2 = (a + b)/2 is one rounding of an exact sum,
    // where b + 0.5·(a − b) would cancel when b ≈ −a (docs/activations.md#hermite-coefficients)
    const a = exactDecimal(act.a!), b = exactDecimal(act.b!);
    if (r === 1) return a.plus(b).div(2);
    return muDec(r).times(a.minus(b));
  }
  if (act.name === 'erf') {
    if (r % 2 === 0) return ZERO;
    const m = (r - 1) / 2;
    let p = ONE.div(new D(r).sqrt()); // (2m)!/(m!√((2m+1)!))·3^{−m} = (1/√(2m+1))·Π_j √((2j−1)(2j))/(3j)
    for (let j = 1; j <= m; j++) p = p.times(new D((2 * j - 1) * 2 * j).sqrt()).div(3 * j);
    return p.times(2).div(PI.times(3).sqrt()).times(m % 2 === 0 ? 1 : -1);
  }
  if (act.name === 'gelu') {
    if (r === 0) return ONE.div(PI.sqrt().times(2));
    if (r === 1) return new D('0.5');
    if (r % 2 === 1) return ZERO;
    let mu = new D(3).div(TWO_PI.sqrt().times(4));
    for (let m = 1; 2 * m < r; m++) mu = mu.times(-(2 * m + 3) * (2 * m - 1)).div(new D((2 * m + 1) * (2 * m + 2)).sqrt().times(2 * (2 * m + 1)));
    return mu;
  }
  throw new NoOracle(`mu(${r}): no ${DIGITS}-digit closed form for the Hermite coefficients of ${act.name} (only the (a,b)-ReLU family, erf and gelu)`);
}

/** μ_r(ReLU): μ_0 = 1/√(2π), μ_1 = 1/2, odd r ≥ 3: 0, μ_2 = 1/(2√π), μ_{r+2} = −(r−1)μ_r/√((r+1)(r+2)) (src/ntk/hermite.ts). */
export function muDec(r: number): Dec {
  if (r === 0) return ONE.div(TWO_PI.sqrt());
  if (r === 1) return new D('0.5');
  if (r % 2 === 1) return ZERO;
  let mu = ONE.div(PI.sqrt().times(2));
  for (let k = 2; k < r; k += 2) mu = mu.times(-(k - 1)).div(new D((k + 1) * (k + 2)).sqrt());
  return mu;
}
