/**
 * Independent high-precision references for the kernel tests (hostile.test.ts, kernelRange.test.ts):
 * the limiting NNGP/NTK recursion (Nguyen–Mondelli–Montúfar 2021, arXiv 2012.11654, eqs. (9)–(10), and
 * neural-tangents' 'ntk' parameterisation, src/ntk/limiting.ts module comment), H∞ (Du et al. 2019,
 * arXiv 1810.02054, H_ij = x_iᵀx_j(π − θ_ij)/(2π)) and λ_min of a small symmetric matrix, all in decimal.js
 * at PREC significant digits on the EXACT values of the stored doubles (subnormals included). Decimal's
 * exponent range is unbounded for these purposes, so nothing under- or overflows.
 *
 * Angles of the first layer come from the half-angle formula θ = 2·atan2(‖û − v̂‖, ‖û + v̂‖) (no cancellation
 * for near-parallel pairs), later layers from acos of the propagated cosine (at PREC digits harmless for the
 * random and structured inputs used here: at 50 digits an angle of 1e-20 keeps 10 digits). λ_min by bisection on the inertia of LDLᵀ(A − σI) (Sylvester).
 */
import DecimalImport from 'decimal.js';
import type { Decimal as DecimalClass } from 'decimal.js';
import type { Matrix } from '../src/linalg/matrix.ts';
import { foldDecimal } from './support/decimalFold.ts';

const DecimalCtor = ((DecimalImport as unknown as { default?: unknown }).default ?? DecimalImport) as typeof DecimalClass;
export const PREC = 50;
export const Dm = DecimalCtor.clone({ precision: PREC, toExpNeg: -9e15, toExpPos: 9e15, minE: -9e15, maxE: 9e15 });
export type Dec = DecimalClass;
const PI = new Dm(-1).acos();
const TWO = new Dm(2);

/** The exact value of a double (x = m·2^-e with m an integer). */
export function exactDec(x: number): Dec {
  if (x === 0) return new Dm(0);
  // x = m·2^-e with m an integer of at most 53 bits (so that new Dm(m) is exact): doubling or halving a
  // double is exact in these ranges
  let m = x,
    e = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    e++;
  }
  while (Math.abs(m) >= 2 ** 53) {
    m /= 2;
    e--;
  }
  return e === 0 ? new Dm(m) : e > 0 ? new Dm(m).div(TWO.pow(e)) : new Dm(m).mul(TWO.pow(-e));
}

export interface RefArch {
  depth: number;
  parameterization?: 'nmm' | 'ntk';
  wStd?: number;
  bStd?: number;
  /**
   * The activation: an (a,b)-ReLU member φ(t) = a·t (t > 0), b·t (t < 0), φ'(0) = 0 (default ReLU, a = 1, b = 0),
   * or 'erf' (closed forms of Williams 1997). src/ntk/activation.ts and activations/erf.ts state the conventions.
   */
  activation?: { a: number; b: number } | 'erf';
  /** 'nmm': the weight variance c_l of the layers l ≥ 2 (default 2, ReLU's 1/κ). */
  hiddenWeightVariance?: Dec;
}

/**
 * E[φ(u)φ(v)] and E[φ'(u)φ'(v)] for (u, v) ∼ N(0, [[qi, g], [g, qj]]) with angle θ (when known from the row
 * half-angle formula; else acos of the clipped cosine). (a,b)-ReLU (Cho & Saul 2009, arc-cosine kernel of degree 1,
 * with E[relu(u)relu(−v)] the same kernel at π − θ): √(qiqj)·[(a²+b²)g(π−θ) − 2ab·g(θ)]/(2π) and
 * [(a²+b²)(π−θ) + 2abθ]/(2π), g(θ) = sin θ − θ cos θ; zero when qi or qj is 0. erf (Williams 1997):
 * (2/π)asin(2g/√((1+2qi)(1+2qj))) and (4/π)/√(1 + 2qi + 2qj + 4(qiqj − g²)).
 */
function dualDec(act: RefArch['activation'], qi: Dec, qj: Dec, g: Dec, theta: Dec | null): { pp: Dec; dd: Dec } {
  if (act === 'erf') {
    const w = qi.mul(qj).sqrt();
    const c = Dm.max(w.neg(), Dm.min(w, g));
    let r = c.mul(2).div(qi.mul(2).add(1).mul(qj.mul(2).add(1)).sqrt());
    r = Dm.max(-1, Dm.min(1, r));
    const det = Dm.max(0, qi.mul(qj).sub(c.mul(c)));
    return { pp: r.asin().mul(2).div(PI), dd: new Dm(4).div(PI).div(qi.add(qj).mul(2).add(1).add(det.mul(4)).sqrt()) };
  }
  if (!(qi.gt(0) && qj.gt(0))) return { pp: new Dm(0), dd: new Dm(0) };
  const a = exactDec(act?.a ?? 1),
    b = exactDec(act?.b ?? 0);
  let th = theta;
  if (th === null) {
    let c = g.div(qi.mul(qj).sqrt());
    if (c.gt(1)) c = new Dm(1);
    if (c.lt(-1)) c = new Dm(-1);
    th = c.acos();
  }
  const gf = (t: Dec) => t.sin().sub(t.mul(t.cos()));
  const p = a.mul(a).add(b.mul(b)),
    m2 = a.mul(b).mul(2);
  const pp = qi
    .mul(qj)
    .sqrt()
    .mul(p.mul(gf(PI.sub(th))).sub(m2.mul(gf(th))))
    .div(PI.mul(2));
  const dd = p.mul(PI.sub(th)).add(m2.mul(th)).div(PI.mul(2));
  return { pp, dd };
}

function rowsDec(x: Matrix): Dec[][] {
  const out: Dec[][] = [];
  for (let i = 0; i < x.rows; i++) out.push(Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols), exactDec));
  return out;
}

function dotDec(u: Dec[], v: Dec[]): Dec {
  let s = new Dm(0);
  for (let k = 0; k < u.length; k++) s = s.add(u[k].mul(v[k]));
  return s;
}

/** Angle between u and v (π/2 if either is zero), by the half-angle formula. */
function angleDec(u: Dec[], v: Dec[]): Dec {
  const nu = dotDec(u, u).sqrt(),
    nv = dotDec(v, v).sqrt();
  if (nu.isZero() || nv.isZero()) return PI.div(2);
  let dm = new Dm(0),
    dp = new Dm(0);
  for (let k = 0; k < u.length; k++) {
    const a = u[k].div(nu),
      b = v[k].div(nv);
    dm = dm.add(a.sub(b).pow(2));
    dp = dp.add(a.add(b).pow(2));
  }
  return Dm.atan2(dm.sqrt(), dp.sqrt()).mul(2);
}

/**
 * G^{(L)} and K^{(L)} for the activation of `arch` (default ReLU): nmm (c_1 = 1, c_l = 2 or hiddenWeightVariance,
 * no bias) or ntk (G1 = W²XXᵀ/d + b², layer map with W², b²). `peak` is the largest |entry| of every G^{(l)},
 * Ġ^{(l)} = W²E[φ'φ'] and K^{(l)}, l = 1..L, and of b².
 */
export function referenceLimiting(x: Matrix, arch: RefArch): { G: Dec[][]; K: Dec[][]; peak: Dec } {
  const n = x.rows,
    d = x.cols;
  const X = rowsDec(x);
  const ntk = arch.parameterization === 'ntk';
  const W2 = ntk ? exactDec(arch.wStd ?? 1).pow(2) : (arch.hiddenWeightVariance ?? new Dm(2));
  const B2 = ntk ? exactDec(arch.bStd ?? 0).pow(2) : new Dm(0);
  const first = ntk ? W2.div(d) : new Dm(1);
  // layer 1, with the angles of the (scaled, bias-augmented) rows
  const aug = X.map((r) => (ntk ? [...r.map((v) => v.mul(first.sqrt())), B2.sqrt()] : r));
  const G1: Dec[][] = [],
    theta1: Dec[][] = [];
  for (let i = 0; i < n; i++) {
    G1.push([]);
    theta1.push([]);
    for (let j = 0; j < n; j++) {
      G1[i].push(dotDec(aug[i], aug[j]));
      theta1[i].push(i === j ? new Dm(0) : angleDec(aug[i], aug[j]));
    }
  }
  let peak = B2;
  const peakOf = (M: Dec[][]) => {
    for (const r of M) for (const v of r) peak = Dm.max(peak, v.abs());
  };
  peakOf(G1);
  const { G, K } = foldDecimal(
    G1,
    arch.depth,
    (l, i, j, G) => {
      // the angle of layer l − 1: the rows' half-angle formula for layer 1, else acos of the clipped cosine
      const theta = i === j ? new Dm(0) : l === 2 ? theta1[i][j] : acosAngle(G[i][i], G[j][j], G[i][j]);
      const { pp: J, dd: Jdot } = dualDec(arch.activation, G[i][i], G[j][j], G[i][j], theta);
      const g = W2.mul(J).add(B2),
        gDot = W2.mul(Jdot);
      peak = Dm.max(peak, g.abs(), gDot.abs());
      return { g, gDot };
    },
    (_l, _G, K) => peakOf(K),
  );
  return { G, K, peak };
}

/** The angle of a covariance [[qi, g], [g, qj]]: acos of g/√(qi·qj) clipped to [−1, 1], π/2 if qi·qj = 0. */
function acosAngle(qi: Dec, qj: Dec, g: Dec): Dec {
  const s = qi.mul(qj).sqrt();
  if (s.isZero()) return PI.div(2);
  let c = g.div(s);
  if (c.gt(1)) c = new Dm(1);
  if (c.lt(-1)) c = new Dm(-1);
  return c.acos();
}

/** H∞_ij = x_iᵀx_j(π − θ_ij)/(2π) of the stored rows (the `kernel h-infinity` convention; H_ii = ‖x_i‖²/2). */
export function referenceHInfinity(x: Matrix): Dec[][] {
  const X = rowsDec(x);
  return X.map((u, i) =>
    X.map((v, j) =>
      i === j
        ? dotDec(u, u).div(2)
        : dotDec(u, v)
            .mul(PI.sub(angleDec(u, v)))
            .div(PI.mul(2)),
    ),
  );
}

/** Number of eigenvalues of the symmetric A below σ (inertia of LDLᵀ(A − σI); a zero pivot is nudged). */
function countBelow(a: Dec[][], sigma: Dec, tiny: Dec): number {
  const n = a.length;
  const m = a.map((r, i) => r.map((v, j) => (i === j ? v.sub(sigma) : v)));
  let neg = 0;
  for (let k = 0; k < n; k++) {
    let p = m[k][k];
    if (p.isZero()) p = tiny;
    if (p.lt(0)) neg++;
    for (let i = k + 1; i < n; i++) {
      const f = m[i][k].div(p);
      for (let j = k + 1; j < n; j++) m[i][j] = m[i][j].sub(f.mul(m[k][j]));
    }
  }
  return neg;
}

/** [lo, hi] ∋ λ_min(A), width ≤ 2^-bits·‖A‖_F (plus the PREC-digit rounding of the entries, covered by the slack). */
export function lambdaMinBracket(a: Dec[][], bits = 120): { lo: Dec; hi: Dec } {
  let f = new Dm(0);
  for (const r of a) for (const v of r) f = f.add(v.mul(v));
  f = f.sqrt();
  if (f.isZero()) return { lo: new Dm(0), hi: new Dm(0) };
  const tiny = f.mul(new Dm(10).pow(-PREC - 5));
  let lo = f.neg().mul(1.0001),
    hi = f.mul(1.0001);
  const slack = f.mul(new Dm(10).pow(-(PREC - 12)));
  for (let it = 0; it < bits; it++) {
    const mid = lo.add(hi).div(2);
    if (countBelow(a, mid, tiny) >= 1) hi = mid;
    else lo = mid;
  }
  return { lo: lo.sub(slack), hi: hi.add(slack) };
}

/** [lo, hi] ∋ λ_max(A) = −λ_min(−A) (lambdaMinBracket of −A). */
export function lambdaMaxBracket(a: Dec[][], bits = 120): { lo: Dec; hi: Dec } {
  const b = lambdaMinBracket(
    a.map((r) => r.map((v) => v.neg())),
    bits,
  );
  return { lo: b.hi.neg(), hi: b.lo.neg() };
}

export function traceDec(a: Dec[][]): Dec {
  return a.reduce((s, r, i) => s.add(r[i]), new Dm(0));
}

/** lower ≤ [lo, hi] ∩ … ≤ upper: the float enclosure [lower, upper] meets the bracket (cannot have missed λ). */
export function encloses(lower: number, upper: number, br: { lo: Dec; hi: Dec }): boolean {
  return exactDec(lower).lte(br.hi) && exactDec(upper).gte(br.lo);
}

export const MAX_DEC = exactDec(Number.MAX_VALUE);
