/**
 * Small error-free transformations and interval constants shared by the activation records.
 */
import { type Interval, interval } from '../../linalg/interval.ts';
import { nextUp } from '../../linalg/ulp.ts';
import { exponentOf, ldexp } from '../../linalg/pow2.ts';

/** π ∈ PI_I (Math.PI < π < nextUp(Math.PI)). */
export const PI_I: Interval = interval(Math.PI, nextUp(Math.PI));
/** √π ∈ SQRT_PI_I. */
export const SQRT_PI_I: Interval = PI_I.sqrt();

const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp split)

/**
 * Dekker's TwoProduct (Higham, "Accuracy and Stability", §4.3, Veltkamp splitting): x·y = p + e exactly when
 * 2^-900 ≤ |x·y| ≤ 2^900 and |x|, |y| ≤ 2^995 (no overflow in the split, no underflow in e). Returns null
 * outside that range.
 */
function twoProduct(x: number, y: number): [number, number] | null {
  const p = x * y;
  const ap = Math.abs(p);
  if (p === 0 || !(ap >= 2 ** -900 && ap <= 2 ** 900) || Math.abs(x) > 2 ** 995 || Math.abs(y) > 2 ** 995) return null;
  let t = SPLITTER * x;
  const xh = t - (t - x),
    xl = x - xh;
  t = SPLITTER * y;
  const yh = t - (t - y),
    yl = y - yh;
  const e = xh * yh - p + xh * yl + xl * yh + xl * yl;
  return [p, e];
}

/**
 * An enclosure of max(0, q1·q2 − c²) (the determinant of [[q1, c], [c, q2]], clipped at the positive
 * semi-definite boundary) that keeps its relative accuracy when c² is close to q1q2: both products are
 * formed exactly (TwoProduct) and subtracted in interval arithmetic; outside the TwoProduct range, plain
 * interval arithmetic on (√q1√q2 − |c|)(√q1√q2 + |c|).
 */
export function determinantEnclosure(q1: number, q2: number, c: number): Interval {
  let det: Interval;
  const a = q1 === 0 || q2 === 0 ? ([0, 0] as [number, number]) : twoProduct(q1, q2);
  const b = c === 0 ? ([0, 0] as [number, number]) : twoProduct(c, c);
  if (a && b) {
    det = interval(a[0]).sub(b[0]).add(interval(a[1]).sub(b[1]));
  } else {
    const w = interval(q1).sqrt().mul(interval(q2).sqrt());
    const ac = Math.abs(c);
    det = w.sub(ac).mul(w.add(ac));
  }
  return interval(Math.max(0, det.lo), Math.max(0, det.hi));
}

/**
 * An enclosure of c* = the covariance c clipped into [−√(q1q2), √(q1q2)] (the nearest positive semi-definite
 * [[q1, c*], [c*, q2]]): c itself when |c| is below the enclosure of √q1·√q2, else the hull of c and ±√q1√q2.
 */
export function clippedCovariance(q1: number, q2: number, c: number): Interval {
  const w = interval(q1).sqrt().mul(interval(q2).sqrt());
  if (Math.abs(c) < w.lo) return interval(c);
  return c > 0 ? interval(Math.min(c, w.lo), Math.min(c, w.hi)) : interval(Math.max(c, -w.hi), Math.max(c, -w.lo));
}

/** x·2^k enclosed (exact unless it under- or overflows; then the outward-rounded interval product). */
export function scaleInterval(x: Interval, k: number): Interval {
  if (k === 0) return x;
  const lo = ldexp(x.lo, k),
    hi = ldexp(x.hi, k);
  if (
    (x.lo === 0 || (lo !== 0 && Number.isFinite(lo) && ldexp(lo, -k) === x.lo)) &&
    (x.hi === 0 || (hi !== 0 && Number.isFinite(hi) && ldexp(hi, -k) === x.hi))
  )
    return interval(lo, hi);
  const half = Math.trunc(k / 2);
  return x.mul(2 ** half).mul(2 ** (k - half));
}

/**
 * √D with D = 1 + 2q1 + 2q2 + 4·max(0, q1q2 − c²) = det(I + 2Σ) (Σ = [[q1, c], [c, q2]]), enclosed without
 * overflow for every finite q1, q2, c: with 2^e ≥ max(q1, q2, |c|)/2 (e ≥ 0), D·2^{-2e} = 2^{-2e} + 2(q1 + q2)2^{-2e}
 * + 4·det(Σ·2^{-e}) and √D = 2^e·√(D·2^{-2e}); det(Σ·2^{-e}) by determinantEnclosure (exact products).
 */
export function sqrtDetIPlus2Sigma(q1: number, q2: number, c: number): Interval {
  const m = Math.max(q1, q2, Math.abs(c));
  const e = m > 1 ? exponentOf(m) : 0;
  const q1s = ldexp(q1, -e),
    q2s = ldexp(q2, -e),
    cs = ldexp(c, -e);
  let det: Interval;
  if (ldexp(q1s, e) === q1 && ldexp(q2s, e) === q2 && ldexp(cs, e) === c) {
    det = determinantEnclosure(q1s, q2s, cs);
  } else {
    // a scaled entry lost bits to underflow: plain interval arithmetic on the enclosures of the scaled entries
    const w = scaleInterval(interval(q1), -e)
      .sqrt()
      .mul(scaleInterval(interval(q2), -e).sqrt());
    const ac = scaleInterval(interval(Math.abs(c)), -e);
    const d0 = w.sub(ac).mul(w.add(ac));
    det = interval(Math.max(0, d0.lo), Math.max(0, d0.hi));
  }
  const one = scaleInterval(interval(1), -2 * e);
  const lin = scaleInterval(
    scaleInterval(interval(q1), -e)
      .add(scaleInterval(interval(q2), -e))
      .mul(2),
    -e,
  );
  const Ds = one.add(lin).add(det.mul(4));
  return scaleInterval(Ds.sqrt(), e);
}
