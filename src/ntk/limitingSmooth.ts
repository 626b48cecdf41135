/**
 * The limiting NNGP/NTK fold for activations outside the (a,b)-ReLU family (erf, tanh, sigmoid, …), evaluated
 * entirely in interval arithmetic (src/linalg/interval.ts): every entry of G^{(l)}, Ġ^{(l)}, K^{(l)} is an
 * interval that contains the exact value, and the returned matrices are the midpoints with the radii as error
 * bounds. Same layer map as limiting.ts (neural-tangents `stax` Dense/nonlinearity fold):
 *   G'_ij = W²·E[σ(u)σ(v)] + B²,  Ġ'_ij = W²·E[σ'(u)σ'(v)],  K'_ij = K_ij·Ġ'_ij + G'_ij,
 *   (u, v) ∼ N(0, [[G_ii, G_ij], [G_ij, G_jj]]).
 * The dual kernels come from the activation record (activations/record.ts), evaluated at the midpoints
 * (q̂_i, q̂_j, ĉ) and moved to every covariance of the input box by the Lipschitz constants of Price's theorem:
 *   |ΔE[σσ]|   ≤ ½ sup|σ''| sup|σ| (Δq_i + Δq_j) + sup|σ'|²·Δc,
 *   |ΔE[σ'σ']| ≤ ½ sup|σ'''| sup|σ'| (Δq_i + Δq_j) + sup|σ''|²·Δc,
 * valid along the segment between two positive semi-definite covariances (a convex set). The record evaluates
 * at ĉ clipped into [−√(q̂_iq̂_j), √(q̂_iq̂_j)]; the distance from the clipped ĉ to the exact c is at most the
 * radius of G_ij plus the clipping amount max(0, |ĉ| − √(q̂_iq̂_j)).
 * Constants and the first-layer Gram entries are formed in power-of-two-scaled form (every finite data, W_std and
 * b_std); the layer kernels themselves are doubles: an entry of G^(l), Ġ^(l) or K^(l) beyond 2^1024 throws a
 * UserError that states this range.
 */
import type { Matrix } from '../linalg/matrix.ts';
import { ETA } from '../linalg/matrix.ts';
import { gammaUp, up } from '../linalg/blas.ts';
import { Interval, interval } from '../linalg/interval.ts';
import { exponentOf, ldexp, ldexpDown, ldexpUp, rowsToUnitRange } from '../linalg/pow2.ts';
import { KernelRangeError } from '../errors.ts';
import type { ActivationRecord } from './activations/record.ts';
import type { LayerKernels, LimitingKernels, ResolvedArchitecture } from './limiting.ts';

export function limitingKernelsSmooth(
  x: Matrix,
  res: ResolvedArchitecture,
  act: ActivationRecord,
  arch: { wStd?: number; bStd?: number },
  keep: boolean,
): LimitingKernels {
  const n = x.rows,
    d = x.cols;
  const db = act.derivativeBounds;
  if (!db) throw new RangeError(`limitingKernelsSmooth: activation ${act.name} has no derivative bounds`);
  const L = res.depth;
  // Exact constants as binary factors v = m·2^e (m an interval of order 1): W², B² and c_1 stay representable for
  // every finite W_std, b_std (W_std = 1e200: W² = 2^1329·m), and the Gram entries of the first layer are formed
  // on rows scaled by powers of two (data at 1e200: x_iᵀx_j = 2^{k_i+k_j}·x̂_iᵀx̂_j), so nothing overflows or
  // underflows before the kernels themselves leave the float64 range.
  // 'nmm' uses the doubles c_l as given; 'ntk' has W² = W_std², B² = b_std² and c_1 = W_std²/d.
  const range =
    "supported with this activation: b_std² and every entry of G^(l), Ġ^(l) = W_std²·E[σ'(u)σ'(v)] and K^(l) (l = 1..L, G^(1) = W_std²XXᵀ/d + b_std²) below 2^1024 ≈ 1.8e308 (the power-of-two rescaling of whole kernels covers the (a,b)-ReLU family only)";
  const tooLarge = (what: string) => new KernelRangeError(`limiting kernel with activation ${act.name}: ${what} exceed 2^1024 ≈ 1.8e308; ${range}`);
  const ws = arch.wStd ?? 1,
    bs = arch.bStd ?? 0;
  const W2: ScaledInterval[] = [],
    B2: Interval[] = [];
  for (let l = 0; l < L; l++) {
    if (res.parameterization === 'ntk') {
      const f = factor(ws);
      W2.push({ m: interval(f.m).mul(f.m), e: 2 * f.e });
      const g = factor(bs);
      const b2 = scaleInterval(interval(g.m).mul(g.m), 2 * g.e);
      if (!b2) throw tooLarge('b_std²');
      B2.push(b2);
    } else {
      const f = factor(res.w2[l]);
      W2.push({ m: interval(f.m), e: f.e });
      B2.push(interval(0));
    }
  }
  const c1: ScaledInterval = res.parameterization === 'ntk' ? { m: W2[0].m.div(d), e: W2[0].e } : W2[0];
  if (!B2.every((v) => Number.isFinite(v.hi))) throw tooLarge('b_std²');
  const N = n * n;
  const gLo = new Float64Array(N),
    gHi = new Float64Array(N),
    kLo = new Float64Array(N),
    kHi = new Float64Array(N);
  // ---- layer 1: G = c1·XXᵀ + B² on the rows x̂_i = 2^{−k_i}x_i (rowsToUnitRange: exact unless a row spans more
  // than 2^1022, then each entry moves by ≤ ETA/2 while the row's largest entry is ≥ 1: |Δ(x̂_i·x̂_j)| ≤ 4d·ETA);
  // |fl(x̂_i·x̂_j) − x̂_i·x̂_j| ≤ γ_d Σ|x̂_ik x̂_jk| + d·ETA (Higham eq. 3.5 with gradual underflow)
  const { data: xs, exponents: kx, exact: xsExact } = rowsToUnitRange(x.data, n, d);
  const gd = gammaUp(d);
  const extra = xsExact ? 0 : 4 * d * ETA;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      // a zero row's products are exact zeros (scaledRowDot), which matters because the absolute terms are
      // multiplied by 2^{c_1.e + k_i + k_j}, e.g. 2^793 for W_std = 1e119
      const { s, e } = scaledRowDot(xs, d, i, j, gd, extra);
      const gs = scaleInterval(interval(s - e, s + e).mul(c1.m), c1.e + kx[i] + kx[j]);
      const g = gs?.add(B2[0]);
      if (!g || !Number.isFinite(g.lo) || !Number.isFinite(g.hi)) throw tooLarge('entries of the first-layer kernel G^(1)');
      const t = i * n + j;
      gLo[t] = g.lo;
      gHi[t] = g.hi;
      kLo[t] = g.lo;
      kHi[t] = g.hi;
    }
  }
  const layers: LayerKernels[] = [];
  if (keep) layers.push({ nngp: midMatrix(gLo, gHi, n), nngpDot: null });
  const { sup0, sup1, sup2, sup3 } = db;
  // sup|σ| over the Gaussian of variance ≤ q, in the sense used below (E|σ(v)|, and √E[σ(v)²] for the clipping):
  // sup0 for a bounded σ, a√q + b for an unbounded one with |σ(t)| ≤ a|t| + b (record.ts)
  const growth = db.growth;
  if (!(sup0 < Infinity) && !growth) throw new RangeError(`limitingSmooth: activation ${act.name} is unbounded and states no growth bound`);
  const supOn = (q: number): number => (sup0 < Infinity ? sup0 : up(up(growth!.a * up(Math.sqrt(q) * (1 + 2 ** -52))) + growth!.b));
  const l1 = db.l1;
  // ≥ 1/√(2πq) (Infinity at q = 0)
  const invSqrt2pi = (q: number): number => (q > 0 ? up(1 / (Math.sqrt(2 * Math.PI) * Math.sqrt(q) * (1 - 2 ** -50))) : Infinity);
  // ≥ |∂E[σσ]/∂q_i| = ½|E[σ''(u_i)σ(u_j)]| for q_i ∈ Qi, q_j ∈ Qj: min of ½ sup|σ''|·s0j and the l1 bound of record.ts
  const lipQ = (Qi: Interval, Qj: Interval, s0j: number): number => {
    const viaSup = up(0.5 * sup2 * s0j);
    if (!l1 || !(Qi.lo > 0)) return viaSup;
    const a = growth ? growth.a : 0,
      b = growth ? growth.b : sup0;
    const ratio = up(Math.sqrt(up(Qj.hi / Qi.lo)) * (1 + 2 ** -52));
    const viaL1 = up(0.5 * up(up(up(a * ratio) * l1.d2t) + up(up(up(a * up(Math.sqrt(Qj.hi) * (1 + 2 ** -52))) + b) * l1.d2)) * invSqrt2pi(Qi.lo));
    return Math.min(viaSup, viaL1);
  };
  const nq = new Float64Array(n),
    rq = new Float64Array(n);
  for (let l = 2; l <= L; l++) {
    const diagBox: Interval[] = [];
    for (let i = 0; i < n; i++) {
      const t = i * n + i;
      const g = new Interval(gLo[t], gHi[t]);
      nq[i] = Math.max(0, g.mid);
      rq[i] = g.radius;
      diagBox.push(interval(Math.max(0, g.lo), Math.max(0, g.hi)));
    }
    const dLo = keep ? new Float64Array(N) : null,
      dHi = keep ? new Float64Array(N) : null;
    const w2 = W2[l - 1],
      b2 = B2[l - 1];
    // new values are written after all pairs of the layer have read the old diagonal: diagonal last
    const order: number[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) order.push(i * n + j);
    for (let i = 0; i < n; i++) order.push(i * n + i);
    for (const t of order) {
      const i = Math.floor(t / n),
        j = t - i * n;
      const gOld = new Interval(gLo[t], gHi[t]);
      const c = i === j ? nq[i] : gOld.mid;
      const dcBase = i === j ? rq[i] : gOld.radius;
      const qi = nq[i],
        qj = nq[j];
      const w = Math.sqrt(qi) * Math.sqrt(qj);
      // ≥ max(0, |ĉ| − √(q̂_iq̂_j)) (w is within 2u of √q̂_i√q̂_j; 1 − 2^-50 = 1 − 8u): also when ĉ exceeds the exact
      // root by less than the rounding of w, where the record clips but |ĉ| ≤ w
      const clipAmt = Math.max(0, up(Math.abs(c) - w * (1 - 2 ** -50)));
      const dc = up(dcBase + clipAmt),
        dq = up(rq[i] + rq[j]);
      // Two enclosures of the dual kernels over the box of input covariances, intersected: the record's box
      // enclosure (if any: tight at large variances) and the point enclosure moved by the Lipschitz constants.
      const box = act.dualBox?.(diagBox[i], diagBox[j], i === j ? diagBox[i] : gOld);
      const du = act.dual(qi, qj, c);
      // ∂E[σσ]/∂q_i = ½E[σ''(u_i)σ(u_j)]: ≤ ½ sup|σ''|·E|σ(u_j)| with the variance of u_j at most the box's upper end
      const s0i = supOn(diagBox[i].hi),
        s0j = supOn(diagBox[j].hi);
      let lp: number, ld: number;
      if (l1) {
        // the variance-aware constants of record.ts (l1), each capped by the sup-based one; variances along the segment
        // lie in the boxes: q_i ≥ diagBox[i].lo, q_j ≤ diagBox[j].hi
        const Li = lipQ(diagBox[i], diagBox[j], s0j),
          Lj = lipQ(diagBox[j], diagBox[i], s0i);
        lp = up(up(up(Li * rq[i]) + up(Lj * rq[j])) + up(sup1 * sup1 * dc));
        const Di = 0.5 * sup1 * Math.min(sup3, up(l1.d3 * invSqrt2pi(diagBox[i].lo)));
        const Dj = 0.5 * sup1 * Math.min(sup3, up(l1.d3 * invSqrt2pi(diagBox[j].lo)));
        const Dc = sup2 * Math.min(sup2, up(l1.d2 * invSqrt2pi(Math.max(diagBox[i].lo, diagBox[j].lo))));
        ld = up(up(up(up(Di * rq[i]) + up(Dj * rq[j])) + up(Dc * dc)) * (1 + 2 ** -50));
      } else {
        lp = up(up(0.5 * sup2 * up(Math.max(s0i, s0j) * dq)) + up(sup1 * sup1 * dc));
        ld = up(up(0.5 * sup3 * sup1 * dq) + up(sup2 * sup2 * dc));
      }
      // |E[σ(u)σ(v)]| ≤ sup|σ|², |E[σ'(u)σ'(v)]| ≤ sup|σ'|² (Cauchy–Schwarz): the widened enclosures are clipped
      // to these, which keeps them finite when the input radius is large (q ≈ 1e200, radius ≈ 1e184)
      let pp = clipTo(du.phiPhi.add(interval(-lp, lp)), up(s0i * s0j));
      let dd = clipTo(du.dphiDphi.add(interval(-ld, ld)), up(sup1 * sup1));
      if (box) {
        pp = meet(pp, box.phiPhi);
        dd = meet(dd, box.dphiDphi);
      }
      const gs = scaleInterval(w2.m.mul(pp), w2.e);
      const gDot = scaleInterval(w2.m.mul(dd), w2.e);
      const over = () => tooLarge(`entries of G^(${l}), Ġ^(${l}) or K^(${l})`);
      if (!gs || !gDot) throw over();
      const gNew = gs.add(b2);
      const kNew = new Interval(kLo[t], kHi[t]).mul(gDot).add(gNew);
      if (![gNew.lo, gNew.hi, gDot.lo, gDot.hi, kNew.lo, kNew.hi].every(Number.isFinite)) throw over();
      gLo[t] = gNew.lo;
      gHi[t] = gNew.hi;
      kLo[t] = kNew.lo;
      kHi[t] = kNew.hi;
      if (dLo && dHi) {
        dLo[t] = gDot.lo;
        dHi[t] = gDot.hi;
      }
    }
    if (keep) layers.push({ nngp: midMatrix(gLo, gHi, n), nngpDot: midMatrix(dLo!, dHi!, n) });
  }
  const G = midMatrix(gLo, gHi, n),
    K = midMatrix(kLo, kHi, n);
  const rG = new Float64Array(N),
    rK = new Float64Array(N);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const t = i * n + j;
      rG[t] = new Interval(gLo[t], gHi[t]).radius;
      rK[t] = new Interval(kLo[t], kHi[t]).radius;
    }
  let mG = 0,
    mK = 0;
  for (let t = 0; t < N; t++) {
    mG = Math.max(mG, rG[t]);
    mK = Math.max(mK, rK[t]);
  }
  if (![...G.data, ...K.data, mG, mK].every(Number.isFinite)) throw tooLarge('the kernel entries or their error bounds');
  const out: LimitingKernels = {
    nngp: G,
    ntk: K,
    nngpErrorBound: frobeniusUpper(rG, n),
    ntkErrorBound: frobeniusUpper(rK, n),
    entrywiseBound: { nngp: 0, ntk: 0, absolute: Math.max(mG, mK) },
    log2Scale: 0,
    conventions: {
      parameterization: res.parameterization,
      activation: act.name,
      activationDerivative: act.derivativeConvention,
      depth: L,
      firstLayer: res.parameterization === 'nmm' ? `G1 = ${res.w2[0]}·XXᵀ` : `G1 = ${ws}²·XXᵀ/${d} + ${bs}²`,
      hiddenWeightVariance: L >= 2 ? (res.parameterization === 'ntk' ? `${ws}²` : res.w2.slice(1).join(',')) : '',
      biasVariance: res.parameterization === 'ntk' ? bs * bs : 0,
      dualKernels:
        act.dualMethod ??
        (act.kind === 'erf' ? 'closed form in interval arithmetic (activations/erf.ts)' : 'certified 2-D trapezoidal rule (activations/smooth.ts)'),
      errorPropagation: 'interval fold with Lipschitz widening of the dual kernels (limitingSmooth.ts)',
      ntkRecursion: 'K(l) = K(l-1)∘Ġ(l) + G(l), K(1) = G(1)',
    },
  };
  if (keep) out.layers = layers;
  return out;
}

/** x ∩ y for two enclosures of the same number (their hull if rounding made them disjoint: both stay valid). */
function meet(x: Interval, y: Interval): Interval {
  const lo = Math.max(x.lo, y.lo),
    hi = Math.min(x.hi, y.hi);
  return lo <= hi ? interval(lo, hi) : interval(Math.min(x.lo, y.lo), Math.max(x.hi, y.hi));
}

/** x ∩ [−b, b] (x ∩ [−b, b] is not empty when x encloses a value of modulus ≤ b). */
function clipTo(x: Interval, b: number): Interval {
  return interval(Math.max(-b, Math.min(b, x.lo)), Math.min(b, Math.max(-b, x.hi)));
}

/**
 * An enclosure of x·2^k for any integer k (ldexp rounded outward: exact unless it underflows; an end that
 * overflows is ±Infinity — then the Interval is not built and null is returned).
 */
function scaleInterval(x: Interval, k: number): Interval | null {
  const lo = ldexpDown(x.lo, k),
    hi = ldexpUp(x.hi, k);
  if (x.hi !== Infinity && (hi === Infinity || ldexp(x.hi, k) === Infinity)) return null;
  if (x.lo !== -Infinity && (lo === -Infinity || ldexp(x.lo, k) === -Infinity)) return null;
  return interval(lo, hi);
}

/** An interval times a power of two, m·2^e (m of order 1: constants beyond the float64 range stay exact). */
interface ScaledInterval {
  m: Interval;
  e: number;
}

/** v = m·2^e with m ∈ [1, 2) exactly (m = e = 0 for v = 0). */
function factor(v: number): { m: number; e: number } {
  if (v === 0) return { m: 0, e: 0 };
  const e = exponentOf(v);
  return { m: ldexp(Math.abs(v), -e), e };
}

/**
 * x̂_i·x̂_j of two rows of the power-of-two-scaled data (rowsToUnitRange) in floats, and e with |s − x̂_i·x̂_j| ≤ e:
 * γ_d Σ|x̂_ik x̂_jk| + nz·ETA (Higham eq. 3.5 with gradual underflow; nz counts the products of two non-zero
 * entries, the only ones that can underflow, so a zero row is exact), plus `extra` (4d·ETA when the scaling
 * itself rounded).
 */
export function scaledRowDot(xs: Float64Array, d: number, i: number, j: number, gd: number, extra: number): { s: number; e: number } {
  let s = 0,
    sa = 0,
    nz = 0;
  for (let k = 0; k < d; k++) {
    const a = xs[i * d + k],
      b = xs[j * d + k],
      p = a * b;
    s += p;
    sa += Math.abs(p);
    if (a !== 0 && b !== 0) nz++;
  }
  return { s, e: nz === 0 ? 0 : up(up(up(gd * up(sa * (1 + gd))) + nz * ETA) + extra) };
}

/**
 * ≥ ‖R‖_F for the symmetric R whose upper triangle (with diagonal) holds the radii r (row-major n × n): computed
 * on r·2^{−s} with max r·2^{−s} ∈ [1, 2) so that the squares neither overflow (radii ≈ 1e200) nor underflow
 * (radii ≈ 1e-170, whose squares would round to 0); a radius whose scaled value underflows is counted as ETA.
 * Σ of ≤ n² non-negative terms: relative error ≤ γ_{n²+2} (rounded up).
 */
export function frobeniusUpper(r: Float64Array, n: number): number {
  let m = 0;
  for (let t = 0; t < r.length; t++) m = Math.max(m, r[t]);
  if (m === 0) return 0;
  const sh = exponentOf(m);
  let s = 0;
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const v = r[i * n + j];
      if (v === 0) continue;
      const w = ldexpUp(v, -sh);
      s += (i === j ? 1 : 2) * w * w;
    }
  return ldexpUp(up(Math.sqrt(up(s * (1 + gammaUp(n * n + 2))))), sh);
}

function midMatrix(lo: Float64Array, hi: Float64Array, n: number): Matrix {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const t = i * n + j;
      const m = new Interval(lo[t], hi[t]).mid;
      data[t] = m;
      data[j * n + i] = m;
    }
  return { rows: n, cols: n, data };
}
