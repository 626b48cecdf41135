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
 * No power-of-two rescaling: kernels beyond the float64 range throw a UserError.
 */
import type { Matrix } from '../linalg/matrix.ts';
import { ETA } from '../linalg/matrix.ts';
import { gammaUp, nonNegativeSumUpper, up } from '../linalg/blas.ts';
import { Interval, interval } from '../linalg/interval.ts';
import { UserError } from '../errors.ts';
import type { ActivationRecord } from './activations/record.ts';
import type { LayerKernels, LimitingKernels, ResolvedArchitecture } from './limiting.ts';

export function limitingKernelsSmooth(x: Matrix, res: ResolvedArchitecture, act: ActivationRecord, arch: { wStd?: number; bStd?: number }, keep: boolean): LimitingKernels {
  const n = x.rows, d = x.cols;
  const db = act.derivativeBounds;
  if (!db) throw new RangeError(`limitingKernelsSmooth: activation ${act.name} has no derivative bounds`);
  const L = res.depth;
  // exact constants: 'nmm' uses the doubles c_l as given; 'ntk' has W² = W_std², B² = b_std² and c_1 = W_std²/d
  const ws = arch.wStd ?? 1, bs = arch.bStd ?? 0;
  const W2: Interval[] = [], B2: Interval[] = [];
  for (let l = 0; l < L; l++) {
    if (res.parameterization === 'ntk') { W2.push(interval(ws).mul(ws)); B2.push(interval(bs).mul(bs)); }
    else { W2.push(interval(res.w2[l])); B2.push(interval(0)); }
  }
  const c1 = res.parameterization === 'ntk' ? W2[0].div(d) : W2[0];
  const tooLarge = (what: string) => new UserError(`limiting kernel with activation ${act.name}: ${what} exceed the float64 range; supported: kernel entries and W_std², b_std² below ≈ 1e308 (the power-of-two rescaling covers the (a,b)-ReLU family only — scale the data down)`);
  if (![...W2, ...B2, c1].every((v) => Number.isFinite(v.hi))) throw tooLarge('the weight or bias variances');
  const N = n * n;
  const gLo = new Float64Array(N), gHi = new Float64Array(N), kLo = new Float64Array(N), kHi = new Float64Array(N);
  // ---- layer 1: G = c1·XXᵀ + B², |fl(x_i·x_j) − x_i·x_j| ≤ γ_d Σ_k|x_ik x_jk| + d·ETA
  const gd = gammaUp(d);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0, sa = 0;
      for (let k = 0; k < d; k++) { const p = x.data[i * d + k] * x.data[j * d + k]; s += p; sa += Math.abs(p); }
      const e = up(up(gd * up(sa * (1 + gd))) + d * ETA);
      if (!Number.isFinite(s) || !Number.isFinite(e)) throw tooLarge('the entries of XXᵀ');
      const g = interval(s - e, s + e).mul(c1).add(B2[0]);
      const t = i * n + j;
      gLo[t] = g.lo; gHi[t] = g.hi; kLo[t] = g.lo; kHi[t] = g.hi;
    }
  }
  const layers: LayerKernels[] = [];
  if (keep) layers.push({ nngp: midMatrix(gLo, gHi, n), nngpDot: null });
  const { sup0, sup1, sup2, sup3 } = db;
  const nq = new Float64Array(n), rq = new Float64Array(n);
  for (let l = 2; l <= L; l++) {
    for (let i = 0; i < n; i++) { const t = i * n + i; const g = new Interval(gLo[t], gHi[t]); nq[i] = Math.max(0, g.mid); rq[i] = g.radius; }
    const dLo = keep ? new Float64Array(N) : null, dHi = keep ? new Float64Array(N) : null;
    const w2 = W2[l - 1], b2 = B2[l - 1];
    // new values are written after all pairs of the layer have read the old diagonal: diagonal last
    const order: number[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) order.push(i * n + j);
    for (let i = 0; i < n; i++) order.push(i * n + i);
    for (const t of order) {
      const i = Math.floor(t / n), j = t - i * n;
      const gOld = new Interval(gLo[t], gHi[t]);
      const c = i === j ? nq[i] : gOld.mid;
      const dcBase = i === j ? rq[i] : gOld.radius;
      const qi = nq[i], qj = nq[j];
      const w = Math.sqrt(qi) * Math.sqrt(qj);
      // ≥ max(0, |ĉ| − √(q̂_iq̂_j)) (w is within 2u of √q̂_i√q̂_j; 1 − 2^-50 = 1 − 8u): also when ĉ exceeds the exact
      // root by less than the rounding of w, where the record clips but |ĉ| ≤ w
      const clipAmt = Math.max(0, up(Math.abs(c) - w * (1 - 2 ** -50)));
      const dc = up(dcBase + clipAmt), dq = up(rq[i] + rq[j]);
      const du = act.dual(qi, qj, c);
      const lp = up(up(0.5 * sup2 * sup0 * dq) + up(sup1 * sup1 * dc));
      const ld = up(up(0.5 * sup3 * sup1 * dq) + up(sup2 * sup2 * dc));
      const gNew = w2.mul(du.phiPhi.add(interval(-lp, lp))).add(b2);
      const gDot = w2.mul(du.dphiDphi.add(interval(-ld, ld)));
      const kNew = new Interval(kLo[t], kHi[t]).mul(gDot).add(gNew);
      gLo[t] = gNew.lo; gHi[t] = gNew.hi; kLo[t] = kNew.lo; kHi[t] = kNew.hi;
      if (dLo && dHi) { dLo[t] = gDot.lo; dHi[t] = gDot.hi; }
    }
    if (keep) layers.push({ nngp: midMatrix(gLo, gHi, n), nngpDot: midMatrix(dLo!, dHi!, n) });
  }
  const G = midMatrix(gLo, gHi, n), K = midMatrix(kLo, kHi, n);
  let fG = 0, fK = 0, mG = 0, mK = 0;
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
    const t = i * n + j;
    const rg = new Interval(gLo[t], gHi[t]).radius, rk = new Interval(kLo[t], kHi[t]).radius;
    const m = i === j ? 1 : 2;
    fG += m * rg * rg; fK += m * rk * rk;
    mG = Math.max(mG, rg); mK = Math.max(mK, rk);
  }
  if (![...G.data, ...K.data].every(Number.isFinite) || !Number.isFinite(fG) || !Number.isFinite(fK)) {
    throw tooLarge('the kernel entries or their error bounds');
  }
  // ‖ΔK‖₂ ≤ ‖ΔK‖_F ≤ √(Σ r_ij²), rounded up: Σ of N = n² non-negative terms, each a product with one
  // rounding (m·r is exact, m ∈ {1, 2}), relative γ_{N+1} plus N·ETA for squares that underflow
  // (radii below ≈ 1.5e-154; docs/error-model.md#dual-kernels-of-the-activations-and-the-interval-fold).
  const frob = (s: number) => up(Math.sqrt(nonNegativeSumUpper(s, N, 1)));
  const out: LimitingKernels = {
    nngp: G,
    ntk: K,
    nngpErrorBound: frob(fG),
    ntkErrorBound: frob(fK),
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
      dualKernels: act.kind === 'erf' ? 'closed form in interval arithmetic (activations/erf.ts)' : 'certified 2-D trapezoidal rule (activations/smooth.ts)',
      errorPropagation: 'interval fold with Lipschitz widening of the dual kernels (limitingSmooth.ts)',
      ntkRecursion: 'K(l) = K(l-1)∘Ġ(l) + G(l), K(1) = G(1)',
    },
  };
  if (keep) out.layers = layers;
  return out;
}

function midMatrix(lo: Float64Array, hi: Float64Array, n: number): Matrix {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
    const t = i * n + j;
    const m = new Interval(lo[t], hi[t]).mid;
    data[t] = m; data[j * n + i] = m;
  }
  return { rows: n, cols: n, data };
}
