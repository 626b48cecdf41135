/**
 * Two-layer ReLU network of Du, Zhai, Póczos, Singh (arXiv 1810.02054) and Arora, Du, Hu, Li, Wang
 * (arXiv 1901.08584),
 * docs/theorems.md#h-infinity-and-theorem-31 and
 * docs/theorems.md#arora-du-hu-li-wang-2019-arxiv-190108584, trained by full-batch gradient descent on the first
 * layer only:
 *
 *   f(W, a, x) = (1/√m) Σ_r a_r σ(w_rᵀx),  σ = ReLU,  w_r(0) ~ N(0, κ² I_d),  a_r uniform ±1 (fixed),
 *   Φ(W) = ½‖u − y‖²,   ∂Φ/∂w_r = (a_r/√m) Σ_i (u_i − y_i) 1{w_rᵀx_i ≥ 0} x_i,
 *   w_r(k+1) = w_r(k) − η ∂Φ/∂w_r.
 *
 * Also: the finite Gram H(k)_ij = (x_iᵀx_j/m) Σ_r 1{w_rᵀx_i ≥ 0, w_rᵀx_j ≥ 0}, activation-pattern
 * changes, weight movement, and the linear recursion ũ(k+1) = ũ(k) − ηH(ũ(k) − y), ũ(0) = 0, whose
 * residual norm is √Σ(1 − ηλ_i)^{2k}(v_iᵀy)² (Arora et al. Thm 4.1's main term).
 *
 * Layout: data x is N × d row-major (one sample per row); weights W are m × d row-major (row r = w_r);
 * pre-activations are stored m × N (entry r·N + i = w_rᵀx_i). One GD step costs ≈ 4·N·m·d flops.
 *
 * Rounding (train): a forward error analysis in the model of blas.ts (Higham §2.2), carried along the
 * run, for the exact GD started from the same float weights. While every activation indicator is
 * certified (|ẑ_ir| > ‖x_i‖E_k + γ_d‖ŵ_r‖‖x_i‖, E_k ≥ ‖Ŵ(k) − W(k)‖_F), exact and computed runs share the
 * pattern; then u = J vec(W) with J_{i,(r,·)} = (a_r/√m)1_ir x_iᵀ and JJᵀ = H(k), so one exact step is the
 * affine map W ↦ W − ηJᵀ(JW − y), whose linear part I − ηJᵀJ has norm ≤ ℓ := max(1, ηΛ − 1) with
 * Λ = min(Σ_i‖x_i‖², max_i Σ_j|x_iᵀx_j|) ≥ λ_max(JᵀJ) = λ_max(H(k)) (trace, resp. Gershgorin with counts/m ≤ 1). Hence E_{k+1} ≤ ℓE_k + ρ_k, ρ_k the rounding of one computed step
 * from Ŵ(k):  |Δu_i| ≤ (1/√m)(γ_d‖x_i‖Σ_r‖ŵ_r‖ + γ_{m+3}Σ_rσ(ẑ_ir)), |Δe_i| ≤ |Δu_i| + u|ê_i|,
 * ‖Δg‖_F ≤ Σ_i|Δe_i|‖x_i‖ + γ_{n+3}Σ_i|ê_i|‖x_i‖, ρ_k = η‖Δg‖_F + γ_3(‖Ŵ(k+1)‖_F + 2η‖ĝ‖_F).
 * Residual norms: |‖ê‖ − ‖e‖| ≤ ‖Δe‖ + √(Σ‖x_i‖²)E_k + γ_{n+2}‖ê‖. If an indicator cannot be certified,
 * every later bound is +∞ (the run is still returned; callers then report inconclusive).
 * Bounds are evaluated in floating point and widened (×(1 + 1e−10)).
 * Other activation records (TrainOptions.activation): predictActivation, finiteGramActivation and trainGdActivation
 * use the record's fn and deriv in JS, without a rounding analysis (reported NOT certified).
 */
import type { Matrix } from '../linalg/matrix.ts';
import { UNIT_ROUNDOFF, gamma } from '../linalg/matrix.ts';
import { gram } from '../linalg/blas.ts';
import { eigh } from '../linalg/eigh.ts';
import { childRng, fillGaussian } from '../random/rng.ts';
import { type GdWorkspace, wasmGdWorkspace, wasmPreActivations } from './wasmNetwork.ts';
import type { ActivationRecord } from './activations/record.ts';

export interface TwoLayerNet {
  m: number;
  d: number;
  /** Initial scale κ: w_r(0) ~ N(0, κ² I). */
  kappa: number;
  /** m × d, row r = w_r. */
  w: Float64Array;
  /** Output weights, each ±1. */
  a: Float64Array;
}

/** Seeded initialisation: w from childRng(seed, 'twoLayer', 'w'), a from childRng(seed, 'twoLayer', 'a'). */
export function initTwoLayer(o: { m: number; d: number; seed: string; kappa?: number }): TwoLayerNet {
  const { m, d } = o;
  if (!(Number.isInteger(m) && m >= 1 && Number.isInteger(d) && d >= 1)) throw new RangeError(`initTwoLayer: m, d must be integers ≥ 1, got m=${m}, d=${d}`);
  const kappa = o.kappa ?? 1;
  if (!(kappa > 0 && Number.isFinite(kappa))) throw new RangeError(`initTwoLayer: κ must be finite and > 0, got ${kappa}`);
  const w = fillGaussian(childRng(o.seed, 'twoLayer', 'w'), new Float64Array(m * d), kappa);
  const ra = childRng(o.seed, 'twoLayer', 'a');
  const a = new Float64Array(m);
  for (let r = 0; r < m; r++) a[r] = ra.next() < 0.5 ? -1 : 1;
  return { m, d, kappa, w, a };
}

function checkData(net: { d: number }, x: Matrix, what: string): void {
  if (x.cols !== net.d) throw new RangeError(`${what}: data have d = ${x.cols}, network has d = ${net.d}`);
}

/** Pre-activations z (m × N, entry r·N + i = w_rᵀx_i). */
export function preActivations(w: Float64Array, m: number, x: Matrix, out = new Float64Array(m * x.rows), kernels: 'auto' | 'js' = 'auto'): Float64Array {
  const n = x.rows, d = x.cols, X = x.data;
  // WebAssembly when available and large enough (wasmPreActivations: the same sums in the same order)
  if (kernels === 'auto' && wasmPreActivations(w, m, X, n, d, out)) return out;
  for (let r = 0; r < m; r++) {
    const wo = r * d, zo = r * n;
    for (let i = 0; i < n; i++) {
      const xo = i * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += w[wo + k] * X[xo + k];
      out[zo + i] = s;
    }
  }
  return out;
}

/** Predictions u_i = (1/√m) Σ_r a_r σ(w_rᵀx_i) with weights `w` (default the network's). */
export function predict(net: TwoLayerNet, x: Matrix, w: Float64Array = net.w): Float64Array {
  checkData(net, x, 'predict');
  const n = x.rows, m = net.m;
  const z = preActivations(w, m, x);
  const u = new Float64Array(n);
  for (let r = 0; r < m; r++) {
    const ar = net.a[r], zo = r * n;
    for (let i = 0; i < n; i++) {
      const t = z[zo + i];
      if (t > 0) u[i] += ar * t;
    }
  }
  const s = 1 / Math.sqrt(m);
  for (let i = 0; i < n; i++) u[i] *= s;
  return u;
}

/** Φ = ½‖u − y‖². */
export function squaredLoss(u: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += (u[i] - y[i]) ** 2;
  return 0.5 * s;
}

/** ∂Φ/∂W (m × d): row r = (a_r/√m) Σ_i (u_i − y_i) 1{w_rᵀx_i ≥ 0} x_i. */
export function lossGradient(net: TwoLayerNet, x: Matrix, y: Float64Array, w: Float64Array = net.w): Float64Array {
  checkData(net, x, 'lossGradient');
  const u = predict(net, x, w);
  const e = new Float64Array(x.rows);
  for (let i = 0; i < e.length; i++) e[i] = u[i] - y[i];
  const z = preActivations(w, net.m, x);
  const g = new Float64Array(net.m * net.d);
  gradientFromResidual(net, x, z, e, g);
  return g;
}

function gradientFromResidual(net: TwoLayerNet, x: Matrix, z: Float64Array, e: Float64Array, g: Float64Array): void {
  const n = x.rows, d = x.cols, X = x.data, m = net.m;
  const s = 1 / Math.sqrt(m);
  const c = new Float64Array(n);
  for (let r = 0; r < m; r++) {
    const zo = r * n, go = r * d;
    const ar = net.a[r] * s;
    for (let i = 0; i < n; i++) c[i] = z[zo + i] >= 0 ? ar * e[i] : 0;
    for (let k = 0; k < d; k++) g[go + k] = 0;
    for (let i = 0; i < n; i++) {
      const ci = c[i];
      if (ci === 0) continue;
      const xo = i * d;
      for (let k = 0; k < d; k++) g[go + k] += ci * X[xo + k];
    }
  }
}

/**
 * Finite Gram H_ij = (x_iᵀx_j/m) Σ_r 1{w_rᵀx_i ≥ 0, w_rᵀx_j ≥ 0} at weights w, with a bound on
 * ‖computed − exact‖_F: the counts are exact when every indicator is certified (|ẑ_ir| > γ_d‖w_r‖‖x_i‖),
 * otherwise the bound is +∞; the Gram entry has error ≤ γ_d‖x_i‖‖x_j‖ and the scaling two roundings.
 */
export function finiteGram(w: Float64Array, m: number, x: Matrix): { matrix: Matrix; errorBound: number; certified: boolean } {
  const n = x.rows, d = x.cols, X = x.data;
  const z = preActivations(w, m, x);
  const xn = rowNorms(x);
  const gd = gamma(d + 2);
  let certified = true;
  // Co-activation counts #{r: w_rᵀx_i ≥ 0, w_rᵀx_j ≥ 0} = (MᵀM)_ij for the 0/1 mask M (m × N): the Gram
  // product of Mᵀ (N × m), exact (integer sums < 2^53 in any order). Counting pairs in a scalar loop,
  // O(m N²) with a branch per pair, made these claims 3–9× slower than NumPy's M.T @ M.
  const wn = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += w[r * d + k] ** 2;
    wn[r] = Math.sqrt(s) * (1 + 1e-10);
  }
  const maskT = new Float64Array(n * m);
  for (let i = 0; i < n; i++) { // row i of Mᵀ written contiguously
    const xi = xn[i], row = i * m;
    for (let r = 0; r < m; r++) {
      const t = z[r * n + i];
      if (certified && Math.abs(t) <= gd * wn[r] * xi) certified = false;
      maskT[row + r] = +(t >= 0);
    }
  }
  const counts = gram({ rows: n, cols: m, data: maskT }).data;
  const h = new Float64Array(n * n);
  let err2 = 0;
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let g = 0;
      for (let k = 0; k < d; k++) g += X[i * d + k] * X[j * d + k];
      const v = (g * counts[i * n + j]) / m;
      h[i * n + j] = v; h[j * n + i] = v;
      const e = gd * xn[i] * xn[j] + 3 * UNIT_ROUNDOFF * Math.abs(v);
      err2 += (i === j ? 1 : 2) * e * e;
    }
  const errorBound = certified ? Math.sqrt(err2) * (1 + 1e-10) + Number.MIN_VALUE : Infinity;
  return { matrix: { rows: n, cols: n, data: h }, errorBound, certified };
}

/** ‖x_i‖ rounded upwards (relative widening γ_{d+2}). */
export function rowNorms(x: Matrix): Float64Array {
  const n = x.rows, d = x.cols;
  const out = new Float64Array(n);
  const g = 1 + gamma(d + 2) + 1e-15;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += x.data[i * d + k] ** 2;
    out[i] = Math.sqrt(s) * g;
  }
  return out;
}

export interface TrainOptions {
  eta: number;
  steps: number;
  /** 'js' forces the plain-JS loops (the reference the WebAssembly kernels are tested against: bit-identical). */
  kernels?: 'auto' | 'js';
  /**
   * σ as an activation record (activations/record.ts; absent or ReLU: the certified run above). Any other record
   * trains with its fn and deriv in JS (trainGdActivation) and is NOT certified (error bounds +∞).
   */
  activation?: ActivationRecord;
}

export interface TrainResult {
  steps: number;
  /** ‖y − u(k)‖ for k = 0..steps. */
  residualNorm: Float64Array;
  /** Rigorous bound on |computed − exact| of residualNorm[k] (+∞ once an indicator could not be certified). */
  residualNormError: Float64Array;
  /** max_r ‖w_r(k) − w_r(0)‖ for k = 0..steps, and its error bound. */
  maxMovement: Float64Array;
  maxMovementError: Float64Array;
  /** Fraction of (i, r) with 1{w_r(k)ᵀx_i ≥ 0} ≠ 1{w_r(0)ᵀx_i ≥ 0}, for k = 0..steps (exact while certified). */
  patternChange: Float64Array;
  /** First step whose indicators could not be certified (−1: all certified). */
  uncertifiedAt: number;
  /** Why the run is not certified when no rounding analysis covers it (an activation other than ReLU). */
  notCertifiedReason?: string;
  u0: Float64Array;
  u: Float64Array;
  w: Float64Array;
}

/** Full-batch GD on W (a fixed) from net.w, with the forward error analysis of the module comment. */
export function trainGd(net: TwoLayerNet, x: Matrix, y: Float64Array, o: TrainOptions): TrainResult {
  checkData(net, x, 'trainGd');
  const { eta, steps } = o;
  if (!(eta > 0 && Number.isFinite(eta))) throw new RangeError(`trainGd: η must be finite and > 0, got ${eta}`);
  if (!(Number.isInteger(steps) && steps >= 0)) throw new RangeError(`trainGd: steps must be an integer ≥ 0, got ${steps}`);
  const n = x.rows, d = x.cols, m = net.m, X = x.data, a = net.a;
  if (y.length !== n) throw new RangeError(`trainGd: y has length ${y.length}, data have N = ${n}`);
  if (o.activation && o.activation.name !== 'relu') return trainGdActivation(net, x, y, eta, steps, o.activation);
  const w0 = net.w;
  const xn = rowNorms(x);
  // The forward pass and the gradient step run in WebAssembly when available (wasmGdWorkspace: the same
  // operations in the same order, so the same bits; u, act and e are then views of its lease), else in
  // the JS reference loops (jsSteps).
  const ws = o.kernels === 'js' ? null : wasmGdWorkspace(m, n, d, net.w, w0, X, xn, a);
  try {
    return trainLoop(net, x, y, eta, steps, xn, ws ?? jsSteps(net, x, xn));
  } finally {
    ws?.release();
  }
}

/** The forward pass and gradient step of trainGd (one implementation: the JS loops, or WebAssembly). */
type GdSteps = Omit<GdWorkspace, 'release'>;

/**
 * The JS loops of one forward pass and one gradient step (the reference for the WebAssembly kernels,
 * wasm/network.as.ts gdForward/gdBackward, which perform the same operations in the same order).
 */
function jsSteps(net: TwoLayerNet, x: Matrix, xn: Float64Array): GdSteps {
  const n = x.rows, d = x.cols, m = net.m, X = x.data, a = net.a, w0 = net.w;
  const w = Float64Array.from(net.w);
  const z = new Float64Array(m * n);
  const sign0 = new Uint8Array(m * n);
  const g = new Float64Array(d);
  const u = new Float64Array(n), act = new Float64Array(n), e = new Float64Array(n), c = new Float64Array(n);
  const out = new Float64Array(4);
  return {
    u,
    act,
    e,
    forward(first, certified, E, gd, wc, wc1) {
      let sumWn = 0, maxMov = 0, changes = 0;
      u.fill(0);
      act.fill(0);
      for (let r = 0; r < m; r++) {
        const wo = r * d, zo = r * n;
        let wn = 0, mv = 0;
        for (let q = 0; q < d; q++) {
          const t = w[wo + q];
          wn += t * t;
          const dlt = t - w0[wo + q];
          mv += dlt * dlt;
        }
        wn = Math.sqrt(wn) * wc * wc1;
        sumWn += wn;
        if (mv > maxMov) maxMov = mv;
        const ar = a[r];
        for (let i = 0; i < n; i++) {
          const xo = i * d;
          let s = 0;
          for (let q = 0; q < d; q++) s += w[wo + q] * X[xo + q];
          z[zo + i] = s;
          const pos = s >= 0 ? 1 : 0;
          if (first) sign0[zo + i] = pos;
          else if (sign0[zo + i] !== pos) changes++;
          if (certified && Math.abs(s) <= xn[i] * (E + gd * wn) * wc) certified = false;
          if (s > 0) {
            u[i] += ar * s;
            act[i] += s;
          }
        }
      }
      out[0] = sumWn; out[1] = maxMov; out[2] = changes; out[3] = certified ? 1 : 0;
      return out;
    },
    backward(invSqrtM, eta) {
      let g2sum = 0, w2sum = 0;
      for (let r = 0; r < m; r++) {
        const zo = r * n, go = r * d;
        const ar = a[r] * invSqrtM;
        for (let i = 0; i < n; i++) c[i] = z[zo + i] >= 0 ? ar * e[i] : 0;
        g.fill(0);
        for (let i = 0; i < n; i++) {
          const ci = c[i];
          if (ci === 0) continue;
          const xo = i * d;
          for (let q = 0; q < d; q++) g[q] += ci * X[xo + q];
        }
        let gs = 0, ws2 = 0; // per-neuron sums, then added in order r (the kernel's order)
        for (let q = 0; q < d; q++) {
          const t = w[go + q] - eta * g[q];
          w[go + q] = t;
          gs += g[q] * g[q];
          ws2 += t * t;
        }
        g2sum += gs;
        w2sum += ws2;
      }
      out[0] = g2sum; out[1] = w2sum;
      return out;
    },
    readW(o) {
      o.set(w);
    },
  };
}

/**
 * The outputs of GD step k, as both training loops record them: u ← u/√m (u holds Σ_r a_rσ(w_rᵀx_i) on entry),
 * e = u − y, u(0) kept at k = 0, and the step's residual norm ‖e‖, max movement √maxMov and pattern change; returns ‖e‖.
 */
function recordOutputs(
  res: TrainResult,
  k: number,
  n: number,
  u: Float64Array,
  e: Float64Array,
  y: Float64Array,
  invSqrtM: number,
  maxMov: number,
  patternChange: number,
): number {
  let r2 = 0;
  for (let i = 0; i < n; i++) {
    u[i] *= invSqrtM;
    e[i] = u[i] - y[i];
    r2 += e[i] * e[i];
  }
  if (k === 0) res.u0.set(u);
  const rn = Math.sqrt(r2);
  res.residualNorm[k] = rn;
  res.maxMovement[k] = Math.sqrt(maxMov);
  res.patternChange[k] = patternChange;
  return rn;
}

function trainLoop(net: TwoLayerNet, x: Matrix, y: Float64Array, eta: number, steps: number, xn: Float64Array, ws: GdSteps): TrainResult {
  const n = x.rows, d = x.cols, m = net.m, X = x.data;
  const { u, act, e } = ws;
  const du = new Float64Array(n);
  const de = new Float64Array(n);
  const invSqrtM = 1 / Math.sqrt(m);
  const gd = gamma(d + 2), gm = gamma(m + 3), gn = gamma(n + 3), g3 = gamma(3), gdn = gamma(d + 3);
  // The relative safety factor on the bounds' own float evaluation (docs/error-model.md, "A relative safety factor").
  const WIDEN = 1 + 1e-10;
  const res: TrainResult = {
    steps,
    residualNorm: new Float64Array(steps + 1),
    residualNormError: new Float64Array(steps + 1),
    maxMovement: new Float64Array(steps + 1),
    maxMovementError: new Float64Array(steps + 1),
    patternChange: new Float64Array(steps + 1),
    uncertifiedAt: -1,
    u0: new Float64Array(n),
    u: new Float64Array(n), // u and w: copied out at the end
    w: new Float64Array(m * d),
  };
  let E = 0; // E_k ≥ ‖Ŵ(k) − W(k)‖_F
  let certified = true;
  let sx2 = 0;
  for (let i = 0; i < n; i++) sx2 += xn[i] * xn[i];
  sx2 *= WIDEN;
  // λ_max(JᵀJ) = λ_max(H(k)) ≤ max_i Σ_j |H(k)_ij| ≤ max_i Σ_j |x_iᵀx_j| (Gershgorin; counts/m ≤ 1).
  let gersh = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) {
      let t = 0;
      for (let q = 0; q < d; q++) t += X[i * d + q] * X[j * d + q];
      row += Math.abs(t) + gd * xn[i] * xn[j];
    }
    gersh = Math.max(gersh, row * (1 + gamma(n + 2)));
  }
  const ell = Math.max(1, eta * Math.min(gersh, sx2) * WIDEN - 1) * WIDEN;
  const sqrtSx2 = Math.sqrt(sx2) * WIDEN;
  for (let k = 0; k <= steps; k++) {
    // ---- forward with certification of the indicators
    const fwd = ws.forward(k === 0, certified, E, gd, WIDEN, 1 + gd);
    const sumWn = fwd[0], maxMov = fwd[1], changes = fwd[2];
    if (certified && fwd[3] === 0) {
      certified = false;
      res.uncertifiedAt = k;
    }
    let absE = 0, dg = 0;
    const rn = recordOutputs(res, k, n, u, e, y, invSqrtM, maxMov, changes / (m * n));
    if (certified) {
      let de2 = 0;
      for (let i = 0; i < n; i++) {
        du[i] = invSqrtM * (gd * xn[i] * sumWn + gm * act[i]) * WIDEN * (1 + 3 * UNIT_ROUNDOFF);
        de[i] = (du[i] + UNIT_ROUNDOFF * Math.abs(e[i])) * WIDEN;
        de2 += de[i] * de[i];
        dg += de[i] * xn[i];
        absE += Math.abs(e[i]) * xn[i];
      }
      res.residualNormError[k] = (Math.sqrt(de2) * WIDEN + sqrtSx2 * E + gn * rn) * WIDEN;
      res.maxMovementError[k] = (E + gdn * res.maxMovement[k]) * WIDEN;
    } else {
      res.residualNormError[k] = Infinity;
      res.maxMovementError[k] = Infinity;
    }
    if (k === steps) break;
    // ---- gradient and update
    const bwd = ws.backward(invSqrtM, eta);
    const g2sum = bwd[0], w2sum = bwd[1];
    if (certified) {
      const dG = (dg + gn * absE) * WIDEN * (1 + 3 * UNIT_ROUNDOFF);
      const rho = (eta * dG + g3 * (Math.sqrt(w2sum) + 2 * eta * Math.sqrt(g2sum)) * (1 + 1e-6)) * WIDEN;
      E = (ell * E + rho) * WIDEN;
    }
  }
  res.u.set(u);
  ws.readW(res.w);
  return res;
}

/**
 * Residual norms ‖y − ũ(k)‖, k = 0..steps, of the linear recursion ũ(0) = 0, ũ(k+1) = ũ(k) − ηH(ũ(k) − y),
 * iterated as r(k+1) = r(k) − ηH r(k) (r = y − ũ), with a rigorous bound for the exact H_true of which
 * H is an approximation with ‖H_true − H‖₂ ≤ entryError. Needs H_true ⪰ 0 and η·λ_max ≤ 2, ensured via
 * η·(tr H + n·entryError) ≤ 2 (else the bounds are +∞): then ‖I − ηH_true‖₂ ≤ 1 and
 *   e_{k+1} ≤ e_k + η·entryError·‖r̂(k)‖ + γ_{n+3}(‖r̂(k)‖ + η‖|H||r̂(k)|‖)   (per step, widened).
 */
export function linearRecursionResiduals(h: Matrix, y: Float64Array, eta: number, steps: number, entryError = 0): { norms: Float64Array; errors: Float64Array } {
  const n = h.rows, H = h.data;
  if (y.length !== n) throw new RangeError(`linearRecursionResiduals: y has length ${y.length}, H is ${n}×${n}`);
  let tr = 0;
  for (let i = 0; i < n; i++) tr += H[i * n + i];
  const stable = eta * (tr * (1 + gamma(n + 2)) + n * entryError) <= 2;
  const r = Float64Array.from(y);
  const hr = new Float64Array(n), ahr = new Float64Array(n);
  const norms = new Float64Array(steps + 1), errors = new Float64Array(steps + 1);
  const gn = gamma(n + 3);
  let err = 0;
  for (let k = 0; k <= steps; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += r[i] * r[i];
    const rn = Math.sqrt(s);
    norms[k] = rn;
    errors[k] = stable ? (err + gamma(n + 2) * rn) * (1 + 1e-10) : Infinity;
    if (k === steps) break;
    let ah2 = 0;
    for (let i = 0; i < n; i++) {
      let t = 0, at = 0;
      for (let j = 0; j < n; j++) {
        t += H[i * n + j] * r[j];
        at += Math.abs(H[i * n + j] * r[j]);
      }
      hr[i] = t; ahr[i] = at;
      ah2 += at * at;
    }
    for (let i = 0; i < n; i++) r[i] -= eta * hr[i];
    err = (err + eta * entryError * rn + gn * (rn + eta * Math.sqrt(ah2))) * (1 + 1e-10);
  }
  return { norms, errors };
}

/**
 * √Σ_i (1 − ηλ_i)^{2k}(v_iᵀy)² for k = 0..steps from the eigendecomposition H = Σ λ_i v_i v_iᵀ (eigh).
 * An estimate (eigh is backward stable but uncertified); linearRecursionResiduals gives the certified value.
 */
export function closedFormTrajectory(h: Matrix, y: Float64Array, eta: number, steps: number): Float64Array {
  const n = h.rows;
  const { values, vectors } = eigh(h);
  const c2 = new Float64Array(n), f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += vectors.data[j * n + i] * y[j];
    c2[i] = s * s;
    f[i] = (1 - eta * values[i]) ** 2;
  }
  const out = new Float64Array(steps + 1);
  const cur = Float64Array.from(c2);
  for (let k = 0; k <= steps; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += cur[i];
    out[k] = Math.sqrt(s);
    for (let i = 0; i < n; i++) cur[i] *= f[i];
  }
  return out;
}

/**
 * Predictions u_i = (1/√m) Σ_r a_r σ(w_rᵀx_i) for an activation record (its fn; ReLU: `predict`).
 */
export function predictActivation(net: TwoLayerNet, x: Matrix, act: ActivationRecord, w: Float64Array = net.w): Float64Array {
  checkData(net, x, 'predictActivation');
  const n = x.rows, m = net.m;
  const z = preActivations(w, m, x, undefined, 'js');
  const u = new Float64Array(n);
  for (let r = 0; r < m; r++) for (let i = 0; i < n; i++) u[i] += net.a[r] * act.fn(z[r * n + i]);
  const s = 1 / Math.sqrt(m);
  for (let i = 0; i < n; i++) u[i] *= s;
  return u;
}

/**
 * The finite Gram of Du et al. (arXiv 1810.02054, eq. (3) at finite m) for an activation record:
 * H_ij = (x_iᵀx_j/m) Σ_r σ'(w_rᵀx_i)σ'(w_rᵀx_j), the Gram JJᵀ of u's Jacobian in W. An estimate: no rounding
 * analysis covers the record's deriv (finiteGram gives the certified ReLU one).
 */
export function finiteGramActivation(w: Float64Array, m: number, x: Matrix, act: ActivationRecord): Matrix {
  const n = x.rows, d = x.cols, X = x.data;
  const z = preActivations(w, m, x, undefined, 'js');
  const s = new Float64Array(n * m);
  for (let r = 0; r < m; r++) for (let i = 0; i < n; i++) s[i * m + r] = act.deriv(z[r * n + i]);
  const c = gram({ rows: n, cols: m, data: s }).data;
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let g = 0;
    for (let k = 0; k < d; k++) g += X[i * d + k] * X[j * d + k];
    h[i * n + j] = (g * c[i * n + j]) / m;
  }
  return { rows: n, cols: n, data: h };
}

/**
 * Full-batch GD on W for an activation record other than ReLU, in JS: ∂Φ/∂w_r = (a_r/√m) Σ_i e_i σ'(w_rᵀx_i) x_i.
 * The WebAssembly kernels and the forward error analysis of the module comment are ReLU's (its indicators); this run
 * is NOT certified: every error bound is +∞, uncertifiedAt = 0 and notCertifiedReason says so. patternChange counts
 * sign changes of the pre-activations.
 */
function trainGdActivation(net: TwoLayerNet, x: Matrix, y: Float64Array, eta: number, steps: number, act: ActivationRecord): TrainResult {
  const n = x.rows, d = x.cols, m = net.m, X = x.data, a = net.a, w0 = net.w;
  const w = Float64Array.from(w0);
  const z = new Float64Array(m * n), sign0 = new Uint8Array(m * n);
  const u = new Float64Array(n), e = new Float64Array(n), g = new Float64Array(d);
  const invSqrtM = 1 / Math.sqrt(m);
  const res: TrainResult = {
    steps,
    residualNorm: new Float64Array(steps + 1),
    residualNormError: new Float64Array(steps + 1).fill(Infinity),
    maxMovement: new Float64Array(steps + 1),
    maxMovementError: new Float64Array(steps + 1).fill(Infinity),
    patternChange: new Float64Array(steps + 1),
    uncertifiedAt: 0,
    notCertifiedReason: `two-layer training with activation ${act.name} is NOT certified: the rounding analysis of trainGd covers ReLU only`,
    u0: new Float64Array(n),
    u: new Float64Array(n),
    w: new Float64Array(m * d),
  };
  for (let k = 0; k <= steps; k++) {
    preActivations(w, m, x, z, 'js');
    u.fill(0);
    let changes = 0, maxMov = 0;
    for (let r = 0; r < m; r++) {
      let mv = 0;
      for (let q = 0; q < d; q++) mv += (w[r * d + q] - w0[r * d + q]) ** 2;
      maxMov = Math.max(maxMov, mv);
      for (let i = 0; i < n; i++) {
        const t = z[r * n + i], pos = t >= 0 ? 1 : 0;
        if (k === 0) sign0[r * n + i] = pos;
        else if (sign0[r * n + i] !== pos) changes++;
        u[i] += a[r] * act.fn(t);
      }
    }
    recordOutputs(res, k, n, u, e, y, invSqrtM, maxMov, changes / (m * n));
    if (k === steps) break;
    for (let r = 0; r < m; r++) {
      g.fill(0);
      const ar = a[r] * invSqrtM;
      for (let i = 0; i < n; i++) {
        const ci = ar * e[i] * act.deriv(z[r * n + i]);
        for (let q = 0; q < d; q++) g[q] += ci * X[i * d + q];
      }
      for (let q = 0; q < d; q++) w[r * d + q] -= eta * g[q];
    }
  }
  res.u.set(u);
  res.w.set(w);
  return res;
}
