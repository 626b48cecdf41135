import type { Decimal } from 'decimal.js';

/**
 * σ and σ' of every activation record of the registry (src/ntk/activations/registry.ts) in decimal.js arithmetic at
 * any precision P, written from the definitions and independent of the float64 records (whose fn, deriv and enclose
 * are never called): the finite network of the 50-digit oracle (highPrecision.ts) and the 90-digit reference network
 * of src/ntk/empiricalNtkCertifiedSmooth.test.ts both use it.
 *
 * Accuracy (R = 10^{1−P}, the unit of the caller's precision): for every decimal t,
 *   |f̃ − σ(t)| ≤ R·(S0 + L1·|t|),   |d̃f − σ'(t)| ≤ R·L1,
 * with the constants below: S0 ≥ |σ(0)|, L1 ≥ sup|σ'| (so |σ(t)| ≤ S0 + L1|t|), L2 ≥ sup|σ''| (smooth records).
 * The bound is relative to the growth bound S0 + L1|t| (what the forward error model of highPrecision.ts needs),
 * not to |σ(t)|. Its parts:
 *  - evaluation at WP = P + 20 digits, then one rounding to P digits (≤ R/2 of |σ(t)| ≤ S0 + L1|t|, resp. |σ'| ≤ L1);
 *  - decimal.js's exp is correctly rounded and ln within 1 ulp (decimal.js 10.6 source comments); tanh (sinh/cosh with
 *    7 guard digits) is assumed within 10 ulps; every formula below is a short chain of such operations without
 *    cancellation beyond a factor 10⁷ (erfc's argument conditioning 2z² ≤ 4·10⁶ at |t| ≤ 2000 for gelu; 1 − erf for
 *    erfc(z ≤ 6) is formed with extra digits, erfPair), so the WP-level error is ≤ 10^{-(P+5)}·(S0 + L1|t|), inside R/2;
 *  - truncations: erf's series and erfc's continued fraction stop 10^{-WP} relative from their value (bounds at the
 *    functions);
 *  - saturation: for |t| > T_SAT = 2000 the limits are returned (tanh ±1; sigmoid 1, 0; softplus max(t, 0); erf ±1;
 *    gelu t, 0; σ' 0 or gelu's 1), off by ≤ e^{-2000}·max(1, |t|) < 10^{-860}·(S0 + L1|t|).
 * The (a,b)-ReLU family (abRelu.ts: σ(t) = a·t (t > 0), b·t (t < 0), σ(0) = σ'(0) = 0) is one product with the exact
 * slopes (relative R/2); its kink at 0 is decided by the caller, which knows the rounding bound of t.
 */
export interface DecimalActivation {
  readonly name: string;
  /** The (a,b)-ReLU family: σ' jumps at 0 (the caller decides a pre-activation near 0; σ(0) = σ'(0) = 0). */
  readonly kink: boolean;
  /** Upper bounds on |σ(0)|, sup|σ'|, sup|σ''| (0 for the (a,b)-ReLU family: σ' is constant on each side). */
  readonly s0: number;
  readonly l1: number;
  readonly l2: number;
  /** σ(t), σ'(t) at the caller's precision, within the bounds of the module comment. */
  eval(t: Decimal): { f: Decimal; df: Decimal };
}

type Ctor = typeof Decimal;

/** Beyond |t| = T_SAT the saturated values are returned (module comment). */
export const T_SAT = 2000;

const view = new DataView(new ArrayBuffer(8));

/** The exact value of a finite double x = m·2^e as a decimal of C (decimal.js keeps every digit a constructor is given). */
export function exactDecimalIn(C: Ctor, x: number): Decimal {
  if (!Number.isFinite(x)) throw new RangeError(`${x} is not a finite double`);
  if (x === 0) return new C(0);
  if (Number.isInteger(x) && Math.abs(x) <= 2 ** 53) return new C(x);
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const ex = Number((bits >> 52n) & 0x7ffn);
  let m = bits & ((1n << 52n) - 1n);
  let e: number;
  if (ex === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = ex - 1075;
  }
  const v = e >= 0 ? new C((m << BigInt(e)).toString()) : new C(`${(m * 5n ** BigInt(-e)).toString()}e-${-e}`);
  return neg ? v.neg() : v;
}

/** Working-precision context for a caller's constructor: WP = P + 20, with √π, √2, √(2π). */
interface Work {
  W: Ctor;
  sqrtPi: Decimal;
  sqrt2: Decimal;
  sqrt2Pi: Decimal;
  tiny: Decimal;
}
const WORK = new Map<number, Work>();
/** The context of C.precision + extra digits (default 20: WP), cached per precision. */
function work(C: Ctor, extra = 20): Work {
  const P = C.precision + extra;
  let w = WORK.get(P);
  if (!w) {
    const W = C.clone({ precision: P, rounding: 6, minE: -9e15, maxE: 9e15 });
    const pi = new W(-1).acos();
    w = { W, sqrtPi: pi.sqrt(), sqrt2: new W(2).sqrt(), sqrt2Pi: pi.times(2).sqrt(), tiny: new W(10).pow(-P) };
    WORK.set(P, w);
  }
  return w;
}

/**
 * erf(a), 0 < a ≤ 6, by the series of positive terms (Abramowitz & Stegun 7.1.6)
 *   erf(a) = (2/√π)e^{−a²} Σ_{n≥0} τ_n,  τ_0 = a,  τ_{n+1} = τ_n·2a²/(2n + 3).
 * Once the ratio 2a²/(2n + 3) is ≤ 1/2 (it decreases with n), the tail after τ_n is ≤ τ_n; the sum stops there when
 * τ_n ≤ 10^{-WP}·Σ (truncation ≤ 10^{-WP} relative). All terms are positive: no cancellation.
 */
function erfSeries(w: Work, a: Decimal): Decimal {
  const a2 = a.times(a).times(2);
  let term = a,
    sum = a;
  for (let n = 0; n < 100000; n++) {
    const r = a2.div(2 * n + 3);
    term = term.times(r);
    sum = sum.plus(term);
    if (r.lte(0.5) && term.lte(sum.times(w.tiny))) break;
  }
  return sum.times(a.times(a).neg().exp()).times(2).div(w.sqrtPi);
}

/**
 * erfc(z), z > 6, by the continued fraction (Abramowitz & Stegun 7.1.14)
 *   √π e^{z²} erfc(z) = 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + ⋯))))).
 * Its elements are positive, so consecutive convergents C_{k−1}, C_k (Wallis' recurrences, sums of positive terms)
 * lie on either side of the value (even convergents increase, odd ones decrease: Khinchin, Continued Fractions, §1,
 * Theorems 4–5, after the equivalence transformation to unit numerators); it stops when |C_k − C_{k−1}| ≤ 10^{-WP}·C_k.
 */
function erfcFraction(w: Work, z: Decimal): Decimal {
  const { W } = w;
  let a2 = new W(1),
    a1 = new W(0),
    b2 = new W(0),
    b1 = new W(1);
  let prev = new W(0);
  for (let k = 1; k < 100000; k++) {
    const num = k === 1 ? new W(1) : new W(k - 1).div(2);
    const a = z.times(a1).plus(num.times(a2)),
      b = z.times(b1).plus(num.times(b2));
    a2 = a1;
    a1 = a;
    b2 = b1;
    b1 = b;
    const c = a.div(b);
    if (k > 1 && c.minus(prev).abs().lte(c.times(w.tiny))) return c.times(z.times(z).neg().exp()).div(w.sqrtPi);
    prev = c;
  }
  throw new RangeError(`erfc(${z.toString()}): the continued fraction did not converge`);
}

/** ln(1 + y) for 0 < y ≤ 1/16: Σ (−1)^{k+1}y^k/k, stopped when a term is ≤ 10^{-WP}·y (alternating, decreasing terms). */
function log1pSeries(w: Work, y: Decimal): Decimal {
  let pw = y,
    sum = y;
  const stop = y.times(w.tiny);
  for (let k = 2; k < 1000; k++) {
    pw = pw.times(y).neg();
    const term = pw.div(k);
    sum = sum.plus(term);
    if (term.abs().lte(stop)) break;
  }
  return sum;
}

/**
 * erf(a) and erfc(a) for a > 0 (a ≤ T_SAT). a ≤ 6: the series, at WP + ⌈a²/2.3⌉ + 2 digits so that erfc = 1 − erf, which
 * cancels ≈ a²/ln 10 digits (erfc(a) ≥ e^{−a²}/(2a√π) there), keeps WP; a > 6: the continued fraction.
 */
function erfPair(w: Work, a: Decimal): { erf: Decimal; erfc: Decimal } {
  if (a.lte(6)) {
    const wx = work(w.W, Math.ceil(a.toNumber() ** 2 / 2.3) + 2);
    const X = wx.W;
    const e = erfSeries(wx, new X(a));
    return { erf: new w.W(e), erfc: new w.W(new X(1).minus(e)) };
  }
  const c = erfcFraction(w, a);
  return { erf: new w.W(1).minus(c), erfc: c };
}

function abRelu(C: Ctor, name: string, a: number, b: number): DecimalActivation {
  const A = exactDecimalIn(C, a),
    B = exactDecimalIn(C, b);
  return {
    name,
    kink: true,
    s0: 0,
    l1: Math.max(Math.abs(a), Math.abs(b)),
    l2: 0,
    eval: (t) => {
      if (t.isZero()) return { f: new C(0), df: new C(0) }; // σ(0) = σ'(0) = 0 (abRelu.ts)
      const m = t.isPositive() ? A : B;
      return { f: m.times(t), df: m };
    },
  };
}

/** σ and σ' of a smooth record at WP digits for a non-zero t with |t| ≤ T_SAT (zero and saturation handled by smooth()). */
type Core = (w: Work, t: Decimal, neg: boolean, a: Decimal) => { f: Decimal; df: Decimal };

function smooth(
  C: Ctor,
  name: string,
  s0: number,
  l1: number,
  l2: number,
  at0: (w: Work) => { f: Decimal | number; df: Decimal | number },
  sat: (pos: boolean, t: Decimal) => { f: Decimal; df: Decimal },
  core: Core,
): DecimalActivation {
  return {
    name,
    kink: false,
    s0,
    l1,
    l2,
    eval: (t) => {
      const w = work(C);
      if (t.isZero()) {
        const z = at0(w);
        return { f: new C(z.f), df: new C(z.df) };
      }
      if (t.abs().gt(T_SAT)) return sat(t.isPositive(), t);
      const tw = new w.W(t);
      const r = core(w, tw, tw.isNegative(), tw.abs());
      return { f: new C(r.f), df: new C(r.df) };
    },
  };
}

/**
 * The decimal activation of a record (by its kind, name and, for the (a,b)-ReLU family, its slopes a, b), at the
 * precision of C. Constants: tanh L1 = 1, L2 = 4/(3√3) = 0.7698…; sigmoid S0 = 1/2, L1 = 1/4, L2 = 1/(6√3) = 0.0962…;
 * softplus S0 = ln 2, L1 = 1, L2 = 1/4; erf L1 = 2/√π = 1.1284…, L2 = (4/√π)/√(2e) = 0.9679…; gelu L1 = σ'(√2) =
 * 1.12890…, L2 = 2φ(0) = 0.7979… (gelu.ts's derivative bounds, derived there). Throws a RangeError for any other name.
 */
export function decimalActivation(rec: { kind: string; name: string; a?: number; b?: number }, C: Ctor): DecimalActivation {
  if (rec.kind === 'ab-relu') return abRelu(C, rec.name, rec.a!, rec.b!);
  const one = (pos: boolean) => new C(pos ? 1 : -1);
  switch (rec.name) {
    case 'tanh':
      // a < 1: decimal.js tanh and σ' = (1 − tanh)(1 + tanh) (tanh a < 0.77: no cancellation); else (1 − e)/(1 + e) and
      // σ' = 4e/(1 + e)², e = e^{−2a} ≤ e^{−2} (no cancellation)
      return smooth(
        C,
        'tanh',
        0,
        1,
        0.7699,
        () => ({ f: 0, df: 1 }),
        (pos) => ({ f: one(pos), df: new C(0) }),
        (w, _t, neg, a) => {
          const one = new w.W(1);
          if (a.lt(1)) {
            const th = a.tanh();
            return { f: neg ? th.neg() : th, df: one.minus(th).times(one.plus(th)) };
          }
          const e = a.times(-2).exp();
          const ope = e.plus(1);
          const th = one.minus(e).div(ope);
          return { f: neg ? th.neg() : th, df: e.times(4).div(ope.times(ope)) };
        },
      );
    case 'sigmoid':
      // e = e^{−|t|}: σ = 1/(1 + e) (t > 0), e/(1 + e) (t < 0); σ' = e/(1 + e)²
      return smooth(
        C,
        'sigmoid',
        0.5,
        0.25,
        0.0963,
        () => ({ f: 0.5, df: 0.25 }),
        (pos) => ({ f: new C(pos ? 1 : 0), df: new C(0) }),
        (_w, _t, neg, a) => {
          const e = a.neg().exp();
          const ope = e.plus(1);
          return { f: neg ? e.div(ope) : new _w.W(1).div(ope), df: e.div(ope.times(ope)) };
        },
      );
    case 'softplus':
      // max(t, 0) + ln(1 + y), y = e^{−|t|}; σ' = sigmoid. ln(1 + y) for y ≤ 1/16 by its alternating series (truncation
      // ≤ the first omitted term), so softplus(t ≪ 0) ≈ y is relatively accurate too
      return smooth(
        C,
        'softplus',
        0.6932,
        1,
        0.25,
        (w) => ({ f: new w.W(2).ln(), df: 0.5 }),
        (pos, t) => ({ f: pos ? t : new C(0), df: new C(pos ? 1 : 0) }),
        (w, t, neg, a) => {
          const e = a.neg().exp();
          const ope = e.plus(1);
          const l = e.lte(0.0625) ? log1pSeries(w, e) : ope.ln();
          return { f: neg ? l : t.plus(l), df: neg ? e.div(ope) : new w.W(1).div(ope) };
        },
      );
    case 'erf':
      return smooth(
        C,
        'erf',
        0,
        1.1284,
        0.968,
        (w) => ({ f: 0, df: new w.W(2).div(w.sqrtPi) }),
        (pos) => ({ f: one(pos), df: new C(0) }),
        (w, t, neg, a) => {
          const v = erfPair(w, a).erf;
          return { f: neg ? v.neg() : v, df: t.times(t).neg().exp().times(2).div(w.sqrtPi) };
        },
      );
    case 'gelu':
      // Φ(t) = 1 − erfc(t/√2)/2 (t > 0), erfc(|t|/√2)/2 (t < 0); σ = tΦ, σ' = Φ + tφ (absolute error relative to
      // Φ + |t|φ ≤ 1.25 ≤ L1 where it cancels, near its zero t ≈ −0.75)
      return smooth(
        C,
        'gelu',
        0,
        1.129,
        0.798,
        () => ({ f: 0, df: 0.5 }),
        (pos, t) => ({ f: pos ? t : new C(0), df: new C(pos ? 1 : 0) }),
        (w, t, neg, a) => {
          const c = erfPair(w, a.div(w.sqrt2)).erfc.div(2);
          const Phi = neg ? c : new w.W(1).minus(c);
          const phi = t.times(t).div(-2).exp().div(w.sqrt2Pi);
          return { f: t.times(Phi), df: Phi.plus(t.times(phi)) };
        },
      );
    default:
      throw new RangeError(`no decimal evaluation of the activation ${rec.name}`);
  }
}
