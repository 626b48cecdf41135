/**
 * Certified Hermite coefficients of the activation records (docs/activations.md#hermite-coefficients,
 * docs/conventions.md#hermite-coefficients):
 *
 *   μ_r(σ) = E[σ(g) h_r(g)],  h_r = He_r/√(r!),  g ∼ N(0, 1),
 *
 * each returned as an Interval (src/linalg/interval.ts) that contains the exact value.
 *
 * Closed forms (relative rounding bounds stated at each function): the (a,b)-ReLU family (../hermite.ts), erf
 * (erf.ts), GELU (below). For tanh, sigmoid and softplus: the trapezoidal rule on the real line, with the error bound
 * of Trefethen & Weideman, SIAM Review 56 (2014), Thm 5.1, for an integrand w analytic in the strip |Im z| < a with
 * ∫|w(x + ib)|dx ≤ M for |b| < a:  |h·Σ_k w(kh) − ∫w| ≤ 2M/(e^{2πa/h} − 1). Here w(z) = σ(z)h_r(z)φ(z), and:
 *  - |φ(x + ib)| = φ(x)e^{b²/2};
 *  - |h_r(z)| ≤ √(r!)·ρ^{−r}·e^{ρ|z| + ρ²/2} for every ρ > 0 (Cauchy's estimate on the generating function
 *    Σ_n He_n(z)tⁿ/n! = e^{zt − t²/2}, |e^{zt − t²/2}| ≤ e^{ρ|z| + ρ²/2} on |t| = ρ); we take ρ = max(1, √(r/2));
 *  - |σ(x + ib)| ≤ s0 + s1|x| on |b| ≤ a (per activation, QuadratureSpec);
 *  - with |z| ≤ |x| + a, ∫_0^∞ e^{ρx}φ = e^{ρ²/2}Φ(ρ) ≤ e^{ρ²/2} and ∫_0^∞ x e^{ρx}φ = φ(0) + ρe^{ρ²/2}Φ(ρ) ≤ (0.4 + ρ)e^{ρ²/2}:
 *      M ≤ 2(s0 + s1(0.4 + ρ))·√(r!)·ρ^{−r}·exp(a²/2 + ρa + ρ²).
 * Truncation to the nodes |kh| ≤ T: on the real line |h_r(x)| ≤ k·e^{x²/4}, k = 1.086435 (Cramér's inequality,
 * Abramowitz & Stegun 22.14.17, |H_n(x)| ≤ k2^{n/2}√(n!)e^{x²/2}, with He_n(x) = 2^{−n/2}H_n(x/√2)), and
 * |σ(x)| ≤ t0 + t1|x|, so |w(x)| ≤ f(x) = k(t0 + t1|x|)e^{−x²/4}/√(2π), decreasing for |x| ≥ T = 13. Each of the two
 * tails of the integral and of the sum is at most ∫_T^∞ f ≤ (k/√(2π))e^{−T²/4}(2t0/T + 2t1) (the sum's tail by
 * monotonicity), so the truncation error is ≤ 4 times that (below 2e-18 for every record here).
 * Rounding: the nodes x = k/16 are exact, and so is E_r = 16^r·He_r(k/16), an integer (BigInt) by the recurrence
 * E_{r+1} = k·E_r − 256·r·E_{r−1}; h_r(x) = E_r·16^{−r}/√(r!) and σ(x), φ(x) (Math.exp, Math.log, Math.tanh assumed
 * within LIBM_ULPS ulps, as in interval.ts) and the sums are evaluated in interval arithmetic, so every h_r(x) is
 * relatively accurate to a few ulps (an interval recurrence in floating point would widen like |h_r(ix)|, by up to
 * e^{√r|x|}). The symmetric nodes ±x are summed together, (σ(x) ± σ(−x))h_r(x). With h = 2^-4 the discretisation bound is below 1e-30 for r ≤ 64.
 * Beyond R_QUADRATURE = 64, Parseval: Σ_r μ_r² = E[σ(g)²] = κ, so |μ_r|² ≤ κ − Σ_{k ≤ 64} μ_k² (κ's upper end from the
 * record's `dual(1, 1, 1)`), a valid but coarse enclosure.
 */
import { type Interval, LIBM_ULPS, interval } from '../../linalg/interval.ts';
import { UNIT_ROUNDOFF } from '../../linalg/matrix.ts';
import { nextUp, stepsDown, stepsUp } from '../../linalg/ulp.ts';
import { reluHermiteCoefficient } from '../hermite.ts';
import { PI_I } from './exact.ts';

/** The largest r whose coefficient comes from the quadrature (beyond: the Parseval bound). */
export const R_QUADRATURE = 64;
const STEP = 2 ** -4;
const T_CUT = 13;
const CRAMER = 1.086436;
const SQRT_2PI_I = PI_I.mul(2).sqrt();

/** [v − e|v|, v + e|v|] rounded outward (e: a relative error bound, e ≤ 1e-3). */
export function relativeEnclosure(v: number, e: number): Interval {
  if (v === 0) return interval(0);
  const r = nextUp(Math.abs(v) * e * (1 + 4 * UNIT_ROUNDOFF));
  return interval(v).add(interval(-r, r));
}

function checkR(r: number): void {
  if (!Number.isInteger(r) || r < 0) throw new RangeError(`Hermite coefficient: r must be an integer ≥ 0, got ${r}`);
}

/**
 * μ_r of the (a,b)-ReLU family φ(t) = b·t + (a − b)·relu(t): b·[r = 1] + (a − b)·μ_r(ReLU) (μ_r(t) = δ_{r1}), with
 * μ_r(ReLU) of ../hermite.ts (relative error ≤ (2.5r + 4)u there), combined in interval arithmetic.
 */
export function abReluHermiteEnclosure(a: number, b: number, r: number): Interval {
  checkR(r);
  if (r === 1) return interval(a).add(b).div(2); // μ_1(ReLU) = 1/2 exactly
  const relu = relativeEnclosure(reluHermiteCoefficient(r), (2.5 * r + 4) * UNIT_ROUNDOFF);
  const v = interval(a).sub(b).mul(relu);
  return r === 1 ? v.add(b) : v;
}

/**
 * μ_r ≠ 0 of a coefficient sequence that decreases in absolute value (erf, GELU beyond their first terms): below 2^-900
 * the float value may have lost relative accuracy to underflow, and the exact value is then below 2^-899 in
 * absolute value (the sequence decreases, and where it was last a normal double its relative error was tiny).
 */
export function decayingEnclosure(v: number, e: number): Interval {
  const tiny = 2 ** -900;
  if (Math.abs(v) < tiny) return interval(-2 * tiny, 2 * tiny);
  return relativeEnclosure(v, e);
}

/**
 * μ_r(GELU), GELU(t) = tΦ(t) [derivation in docs/activations.md#hermite-coefficients]: with t·h_r = √(r+1)h_{r+1} + √r h_{r−1},
 * μ_r(tΦ) = √(r+1)μ_{r+1}(Φ) + √r μ_{r−1}(Φ); by Gaussian integration by parts E[Φ(g)He_j(g)] = E[Φ^{(j)}(g)] =
 * E[φ^{(j−1)}(g)] = ∫(−1)^{j−1}He_{j−1}φ² = (1/(2√π))(−1/2)^{(j−1)/2}(j − 2)!! for odd j (0 for even j ≥ 2;
 * φ² = ψ/(2√π), ψ the N(0, ½) density, and E[He_n(Z/√2)] = (−1/2)^{n/2}(n − 1)!!). Hence
 *   μ_0 = 1/(2√π), μ_1 = 1/2, μ_r = 0 for odd r ≥ 3, and for r = 2m ≥ 2
 *   μ_{2m} = (−1)^{m−1}(2m + 1)(2m − 3)!!/(2^{m+1}√π·√((2m)!)),  (−1)!! = 1,
 * evaluated by μ_2 = 3/(4√(2π)), μ_{2m+2} = −μ_{2m}(2m + 3)(2m − 1)/(2(2m + 1)√((2m + 1)(2m + 2))) (no overflow).
 * Rounding: μ_2 within 3u; each step four roundings (√, the product in the denominator, the product, the quotient;
 * the integer products are exact for r < 2^25): relative error ≤ (3 + 4(m − 1))u + O(u²) ≤ (2r + 4)u, stated (2.5r + 8)u.
 */
export function geluHermite(r: number): number {
  checkR(r);
  if (r === 0) return 1 / (2 * Math.sqrt(Math.PI));
  if (r === 1) return 0.5;
  if (r % 2 === 1) return 0;
  let mu = 3 / (4 * Math.sqrt(2 * Math.PI));
  for (let m = 1; 2 * m < r; m++) mu = (-mu * ((2 * m + 3) * (2 * m - 1))) / (2 * (2 * m + 1) * Math.sqrt((2 * m + 1) * (2 * m + 2)));
  return mu;
}

export function geluHermiteEnclosure(r: number): Interval {
  if (r > 2 ** 24) throw new RangeError(`geluHermiteEnclosure: r ≤ 2^24, got ${r}`);
  if (r >= 3 && r % 2 === 1) return interval(0);
  return decayingEnclosure(geluHermite(r), (2.5 * r + 8) * UNIT_ROUNDOFF);
}

/** What the trapezoidal rule needs to know about σ (module comment). */
export interface QuadratureSpec {
  /** A key for the memo (the record's name). */
  readonly key: string;
  /** An enclosure of σ(x) at a double x. */
  value(x: number): Interval;
  /** Strip half-width a (σ analytic on |Im z| < a) and |σ(x + ib)| ≤ s0 + s1|x| for |b| ≤ a. */
  readonly a: number;
  readonly s0: number;
  readonly s1: number;
  /** |σ(x)| ≤ t0 + t1|x| on the real line. */
  readonly t0: number;
  readonly t1: number;
  /** Coefficients known exactly (by symmetry), or undefined. */
  exact(r: number): number | undefined;
}

/** The bound 2M/(e^{2πa/h} − 1) of the module comment for coefficient r (rounded up with a factor-2 margin). */
export function discretisationBound(spec: QuadratureSpec, r: number, h = STEP): number {
  const rho = Math.max(1, Math.sqrt(r / 2));
  let lnFact = 0;
  for (let j = 2; j <= r; j++) lnFact += Math.log(j);
  const logM = Math.log(2 * (spec.s0 + spec.s1 * (0.4 + rho))) + (spec.a * spec.a) / 2 + rho * spec.a + rho * rho + lnFact / 2 - r * Math.log(rho);
  const q = (2 * Math.PI * spec.a) / h;
  // 2M/(e^q − 1) ≤ 4M·e^{−q} when e^q ≥ 2; the factor 2 covers the rounding of the exponent's few terms
  if (!(q > 1)) return Infinity;
  return 2 * Math.exp(logM - q + Math.log(4));
}

/** The truncation bound 4·(k/√(2π))e^{−T²/4}(2t0/T + 2t1) of the module comment (factor-2 margin). */
export function truncationBound(spec: QuadratureSpec): number {
  return 2 * 4 * (CRAMER / Math.sqrt(2 * Math.PI)) * Math.exp((-T_CUT * T_CUT) / 4) * ((2 * spec.t0) / T_CUT + 2 * spec.t1);
}

const MEMO = new Map<string, Interval[]>();

/** An enclosure of a BigInt (Number() rounds to nearest: one ulp either side). */
function bigIntEnclosure(n: bigint): Interval {
  const v = Number(n);
  return interval(stepsDown(v, 1), stepsUp(v, 1));
}

/**
 * Enclosures of the trapezoidal sums h·Σ_{|kh| ≤ 13} σ(kh)h_r(kh)φ(kh), r = 0..R, with step h = 2^−s (s = 0..4), without
 * the discretisation and truncation bounds (hermiteByQuadrature adds them; tests use coarser steps to check the
 * discretisation bound against the exact sums).
 */
export function trapezoidalHermiteSums(spec: QuadratureSpec, s: number, R: number): Interval[] {
  if (!(Number.isInteger(s) && s >= 0 && s <= 4)) throw new RangeError(`trapezoidalHermiteSums: s must be an integer in [0, 4], got ${s}`);
  const step = 2 ** -s;
  // scale[r] ∋ 2^{−sr}/√(r!): h_r(k·2^{−s}) = E_r·scale[r] with the integers E_r = 2^{sr}·He_r(k·2^{−s})
  const scale: Interval[] = [];
  let fact = 1n;
  for (let r = 0; r <= R; r++) {
    if (r > 0) fact *= BigInt(r);
    scale.push(interval(2 ** (-s * r)).div(bigIntEnclosure(fact).sqrt()));
  }
  const acc: Interval[] = [];
  for (let j = 0; j <= R; j++) acc.push(interval(0));
  const K = T_CUT / step;
  const fourS = 1n << BigInt(2 * s);
  for (let k = 0; k <= K; k++) {
    const x = k * step; // exact, and so is x² (k ≤ 208)
    const w = interval(-0.5 * x * x)
      .exp()
      .mul(step)
      .div(SQRT_2PI_I);
    const fPlus = spec.value(x).mul(w);
    const fMinus = k === 0 ? interval(0) : spec.value(-x).mul(w);
    // σ(x)h_r(x) + σ(−x)h_r(−x) = (σ(x) + (−1)^r σ(−x))·h_r(x)
    const fEven = fPlus.add(fMinus),
      fOdd = fPlus.sub(fMinus);
    // He_{r+1}(x) = x·He_r(x) − r·He_{r−1}(x), so E_{r+1} = k·E_r − 4^s·r·E_{r−1}: exact integers
    const kb = BigInt(k);
    let ePrev = 1n,
      e = kb;
    acc[0] = acc[0].add(fEven.mul(scale[0]));
    if (R >= 1) acc[1] = acc[1].add(fOdd.mul(bigIntEnclosure(kb).mul(scale[1])));
    for (let r = 1; r < R; r++) {
      const next = kb * e - fourS * BigInt(r) * ePrev;
      ePrev = e;
      e = next;
      if (e !== 0n) acc[r + 1] = acc[r + 1].add(((r + 1) % 2 === 0 ? fEven : fOdd).mul(bigIntEnclosure(e).mul(scale[r + 1])));
    }
  }
  return acc;
}

/** Enclosures of μ_0..μ_64(σ) by the certified trapezoidal rule (module comment); memoised per spec.key. */
export function hermiteByQuadrature(spec: QuadratureSpec): Interval[] {
  const hit = MEMO.get(spec.key);
  if (hit) return hit;
  const R = R_QUADRATURE;
  const acc = trapezoidalHermiteSums(spec, 4, R);
  const trunc = truncationBound(spec);
  const out: Interval[] = [];
  for (let r = 0; r <= R; r++) {
    const ex = spec.exact(r);
    if (ex !== undefined) {
      out.push(interval(ex));
      continue;
    }
    const e = nextUp(discretisationBound(spec, r) + trunc);
    out.push(acc[r].add(interval(-e, e)));
  }
  MEMO.set(spec.key, out);
  return out;
}

/**
 * μ_r for every r ≥ 0 from the quadrature's table: r ≤ 64 the table, beyond the Parseval bound
 * |μ_r| ≤ √(κ − Σ_{k ≤ 64} μ_k²) with κ ≤ kappaHi() (module comment).
 */
export function quadratureHermiteEnclosure(spec: QuadratureSpec, kappaHi: () => number): (r: number) => Interval {
  let tail: Interval | undefined;
  return (r: number) => {
    checkR(r);
    const ex = spec.exact(r);
    if (ex !== undefined) return interval(ex);
    const table = hermiteByQuadrature(spec);
    if (r <= R_QUADRATURE) return table[r];
    if (!tail) {
      let s = interval(0);
      for (const m of table) {
        const m2lo = m.lo <= 0 && m.hi >= 0 ? 0 : Math.min(m.lo * m.lo, m.hi * m.hi);
        s = s.add(interval(m2lo).mul(1 - 4 * UNIT_ROUNDOFF).lo);
      }
      const t = interval(kappaHi()).sub(s).hi;
      const b = interval(Math.max(0, t)).sqrt().hi;
      tail = interval(-b, b);
    }
    return tail;
  };
}

/**
 * Σ_{r > R} μ_r² ≤ (R + 1 − k)!/(R + 1)! · sup|σ^{(k)}|², for 1 ≤ k ≤ R + 1: Gaussian integration by parts gives
 * μ_r(σ) = μ_{r−k}(σ^{(k)})·√((r − k)!/r!), and Σ_j μ_j(σ^{(k)})² = E[σ^{(k)}(g)²] ≤ sup|σ^{(k)}|² (Parseval); the factor
 * (r − k)!/r! decreases in r. Used to check Parseval with a tail bound.
 */
export function hermiteTailBound(R: number, k: number, supK: number): number {
  let f = 1;
  for (let j = 0; j < k; j++) f /= R + 1 - j;
  return nextUp(f * supK * supK * (1 + 8 * k * UNIT_ROUNDOFF));
}

/** σ = tanh: odd, so μ_r = 0 for even r; |tanh(x + iy)| ≤ max(1, tan|y|) (docs/activations.md), a = 3π/8. */
export const TANH_HERMITE_SPEC: QuadratureSpec = {
  key: 'tanh',
  value: (x: number) => {
    const t = Math.tanh(x);
    return interval(Math.max(-1, stepsDown(t, LIBM_ULPS)), Math.min(1, stepsUp(t, LIBM_ULPS)));
  },
  a: (3 * Math.PI) / 8,
  s0: 1 + Math.SQRT2 + 1e-12, // tan(3π/8) = 1 + √2
  s1: 0,
  t0: 1,
  t1: 0,
  exact: (r: number) => (r % 2 === 0 ? 0 : undefined),
};

/**
 * σ = sigmoid = (1 + tanh(t/2))/2: σ − 1/2 is odd, so μ_0 = 1/2 and μ_r = 0 for even r ≥ 2; on |Im z| ≤ 3π/4,
 * |σ| ≤ (1 + tan(3π/8))/2 = 1 + √2/2.
 */
export const SIGMOID_HERMITE_SPEC: QuadratureSpec = {
  key: 'sigmoid',
  value: (x: number) => interval(1).div(interval(-x).exp().add(1)),
  a: (3 * Math.PI) / 4,
  s0: 1 + Math.SQRT2 / 2 + 1e-12,
  s1: 0,
  t0: 1,
  t1: 0,
  exact: (r: number) => (r === 0 ? 0.5 : r % 2 === 0 ? 0 : undefined),
};

/**
 * σ = softplus = log(1 + e^t): σ(t) − t/2 is even (σ(t) − σ(−t) = t), so μ_1 = 1/2 and μ_r = 0 for odd r ≥ 3; analytic
 * on |Im z| < π, and |σ(x + iy)| ≤ |x| + |y| + 1.05 for |y| ≤ π/2 (softplus.ts), a = π/2; |σ(x)| ≤ |x| + ln 2 on ℝ.
 */
export const SOFTPLUS_HERMITE_SPEC: QuadratureSpec = {
  key: 'softplus',
  value: (x: number) => (x >= 0 ? interval(x).add(interval(-x).exp().add(1).log()) : interval(x).exp().add(1).log()),
  a: Math.PI / 2,
  s0: Math.PI / 2 + 1.05 + 1e-12,
  s1: 1,
  t0: Math.LN2 + 1e-12,
  t1: 1,
  exact: (r: number) => (r === 1 ? 0.5 : r % 2 === 1 ? 0 : undefined),
};
