/**
 * Exact Hermite coefficients of the half-monomials t^a·1{t > 0} (a = 1: ReLU σ; a = 0: the step σ'
 * with σ'(0) = 0), by exact integer arithmetic — independent of the closed form (r−3)!! of
 * hermite.ts and of quadrature (docs/theorems.md#hermite-coefficients-of-relu).
 *
 *   μ_r(f) = E[f(g) h_r(g)],  h_r = He_r/√(r!),  He_r(t) = Σ_{k ≤ r/2} (−1)^k r!/(k!(r−2k)! 2^k) t^{r−2k},
 *   E[t^a 1{t>0} t^m] = M_{m+a},  M_j := ∫_0^∞ t^j φ(t) dt =  2^p p!/√(2π)   (j = 2p + 1),
 *                                                            (2p − 1)!!/2     (j = 2p, (−1)!! = 1).
 * All j = r − 2k + a share the parity of r + a, so
 *   r + a odd:  μ_r = S/(√(r!)·√(2π)),  S = Σ_k (−1)^k c_k 2^p p!        (BigInt, exact)
 *   r + a even: μ_r = S/(2√(r!)),        S = Σ_k (−1)^k c_k (2p − 1)!!    (BigInt, exact)
 * Error: the only roundings are Number(S), Number(r!) (round to nearest, ≤ u each), one √ (≤ u),
 * √(2π) (Math.PI is within u/2 relative of π, doubling is exact, √ halves it and adds ≤ u), one
 * product and one division (≤ u each): relative error ≤ 6u (+ O(u²)); we state 8u.
 */
import { UNIT_ROUNDOFF } from '../linalg/matrix.ts';

// Tables of exact n! and (2p − 1)!!, extended on demand. Recomputing them from scratch for every
// term made the exact side O(r²) BigInt products per coefficient (r ≤ 150). Measured
// (bench/throughput.ts's counts, steady state): hermite.closed-form 77 → 38 µs and
// hermite.derivative 42 → 7 µs per instance.
const FACTORIALS: bigint[] = [1n];
const ODD_DOUBLE_FACTORIALS: bigint[] = [1n]; // index p: (2p − 1)!!, (−1)!! = 1

function factorial(n: number): bigint {
  if (n < 2) return 1n;
  for (let i = FACTORIALS.length; i <= n; i++) FACTORIALS.push(FACTORIALS[i - 1] * BigInt(i));
  return FACTORIALS[n];
}

function doubleFactorialOdd(p: number): bigint {
  // (2p − 1)!! = 1·3·…·(2p − 1), with (−1)!! = 1
  for (let i = ODD_DOUBLE_FACTORIALS.length; i <= p; i++) ODD_DOUBLE_FACTORIALS.push(ODD_DOUBLE_FACTORIALS[i - 1] * BigInt(2 * i - 1));
  return ODD_DOUBLE_FACTORIALS[Math.max(0, p)];
}

/** The exact integer S and the form of μ_r = S/(√(r!)·√(2π)) ('gaussian') or S/(2√(r!)) ('half'). */
export function hermiteHalfMonomialNumerator(a: 0 | 1, r: number): { s: bigint; form: 'gaussian' | 'half' } {
  if (!Number.isInteger(r) || r < 0) throw new RangeError(`r must be an integer ≥ 0, got ${r}`);
  if (a !== 0 && a !== 1) throw new RangeError(`a must be 0 or 1, got ${a}`);
  const rf = factorial(r);
  let s = 0n;
  const odd = (r + a) % 2 === 1;
  for (let k = 0; 2 * k <= r; k++) {
    const c = rf / (factorial(k) * factorial(r - 2 * k) * (1n << BigInt(k)));
    const j = r - 2 * k + a;
    const m = odd ? (1n << BigInt((j - 1) / 2)) * factorial((j - 1) / 2) : doubleFactorialOdd(j / 2);
    s += (k % 2 === 0 ? 1n : -1n) * c * m;
  }
  return { s, form: odd ? 'gaussian' : 'half' };
}

/** μ_r(t^a 1{t>0}) in float64 with a rigorous absolute error bound (|value|·8u; exactly 0 when S = 0). */
export function hermiteHalfMonomialExact(a: 0 | 1, r: number): { value: number; error: number } {
  if (r > 150) throw new RangeError(`hermiteHalfMonomialExact: r ≤ 150 (r! must fit in float64), got ${r}`);
  const { s, form } = hermiteHalfMonomialNumerator(a, r);
  const sqrtFact = Math.sqrt(Number(factorial(r)));
  const value = form === 'gaussian' ? Number(s) / (sqrtFact * Math.sqrt(2 * Math.PI)) : Number(s) / (2 * sqrtFact);
  return { value, error: Math.abs(value) * 8 * UNIT_ROUNDOFF };
}
