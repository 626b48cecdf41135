import type { Matrix } from '../linalg/matrix.ts';
import { transpose, zeros } from '../linalg/matrix.ts';
import { type Network, nonReluActivation, preActivationsAt } from './network.ts';
import { activationLipschitz } from './activations/record.ts';

/**
 * Jacobians and simple Lipschitz bounds of the feature maps g_k (arXiv 2012.11654v5 Lemma 6.1;
 * docs/theorems.md#lemma-61-and-theorem-62).
 * Certified lower estimates of ‖g_k‖_Lip (maximising ‖J(g_k)(z)‖_op over inputs) are later work.
 */

function checkK(net: Network, k: number, what: string): void {
  if (!(Number.isInteger(k) && k >= 1 && k <= net.depth)) {
    throw new RangeError(`${what}: k must be an integer in [1, L] = [1, ${net.depth}], got ${k}`);
  }
}

/**
 * Activation pattern A_{1→k}(z) = (sign g_{l,j}(z))_{l ≤ k, j ≤ n_l} ∈ {−1, 0, 1}^{Σ_{l≤k} n_l},
 * layers concatenated in order l = 1..k. (k = L includes the output's sign.)
 */
export function activationPattern(net: Network, k: number, z: ArrayLike<number>): Int8Array {
  checkK(net, k, 'activationPattern');
  const gs = preActivationsAt(net, z, k);
  let total = 0;
  for (const g of gs) total += g.length;
  const out = new Int8Array(total);
  let o = 0;
  for (const g of gs) for (let j = 0; j < g.length; j++) out[o++] = g[j] > 0 ? 1 : g[j] < 0 ? -1 : 0;
  return out;
}

/**
 * True when some pre-activation g_{l,j}(z) with l < k is exactly 0 — i.e. z is outside the set on
 * which Lemma 6.1's Jacobian formula for g_k applies (A_{1→k−1}(z) ∉ {−1,+1}^{Σ_{l<k} n_l}).
 */
export function hasZeroPreactivation(net: Network, k: number, z: ArrayLike<number>): boolean {
  checkK(net, k, 'hasZeroPreactivation');
  if (k === 1) return false;
  const gs = preActivationsAt(net, z, k - 1);
  for (const g of gs) for (let j = 0; j < g.length; j++) if (g[j] === 0) return true;
  return false;
}

/**
 * min_{l<k, j} |g_{l,j}(z)| (Infinity for k = 1): how far z is from an activation boundary of the
 * layers that g_k depends on, in pre-activation units.
 */
export function preactivationMargin(net: Network, k: number, z: ArrayLike<number>): number {
  checkK(net, k, 'preactivationMargin');
  if (k === 1) return Infinity;
  const gs = preActivationsAt(net, z, k - 1);
  let m = Infinity;
  for (const g of gs) for (let j = 0; j < g.length; j++) m = Math.min(m, Math.abs(g[j]));
  return m;
}

/**
 * J(g_k)(z) = W_kᵀ Σ_{k−1}(z) W_{k−1}ᵀ ⋯ Σ_1(z) W_1ᵀ ∈ R^{n_k × d}, 1 ≤ k ≤ L (Lemma 6.1; σ'(0) = 0,
 * so at a zero pre-activation this is one particular generalized Jacobian). Σ_l = diag(1[g_l > 0]) for ReLU and
 * diag(σ'(g_l)) (record.deriv) for another activation record.
 * Computed as its transpose, Jᵀ_l = Jᵀ_{l−1} Σ_{l−1} W_l (d × n_l), with i-k-j loops over rows of W.
 * 'ntk' (network.ts): W_l = ŝ_lω_l (the biases do not enter the Jacobian); the product is multiplied by ∏_{l≤k} ŝ_l.
 */
export function featureJacobian(net: Network, k: number, z: ArrayLike<number>): Matrix {
  checkK(net, k, 'featureJacobian');
  const gs = k > 1 ? preActivationsAt(net, z, k - 1) : [];
  const d = net.dims[0];
  const act = nonReluActivation(net.arch);
  // Jᵀ_1 = W_1 (d × n_1)
  let jt: Matrix = { rows: d, cols: net.dims[1], data: Float64Array.from(net.weights[0].data) };
  for (let l = 2; l <= k; l++) {
    const w = net.weights[l - 1]; // n_{l−1} × n_l
    const g = gs[l - 2]; // g_{l−1}(z), length n_{l−1}
    const nIn = w.rows,
      nOut = w.cols,
      W = w.data;
    const next = zeros(d, nOut);
    const J = jt.data,
      O = next.data;
    for (let c = 0; c < d; c++) {
      const jc = c * nIn,
        oc = c * nOut;
      for (let a = 0; a < nIn; a++) {
        // ReLU: the mask 1[g > 0] (σ'(0) = 0); another record: its σ'(g), the chain rule
        const dg = act ? act.deriv(g[a]) : g[a] > 0 ? 1 : 0;
        if (dg === 0) continue;
        const v = act ? dg * J[jc + a] : J[jc + a];
        if (v === 0) continue;
        const wa = a * nOut;
        for (let j = 0; j < nOut; j++) O[oc + j] += v * W[wa + j];
      }
    }
    jt = next;
  }
  if (net.ntk) {
    let s = 1;
    for (let l = 1; l <= k; l++) s *= net.ntk.scales[l - 1];
    for (let t = 0; t < jt.data.length; t++) jt.data[t] *= s;
  }
  return transpose(jt);
}

/**
 * Estimate of ‖W‖₂ by power iteration on WᵀW (a lower estimate, not a certified upper bound).
 * TODO: replace with norm2UpperBound from src/linalg/norm.ts once it exists.
 */
function norm2PowerEstimate(w: Matrix, iterations = 100): number {
  const m = w.rows,
    n = w.cols,
    W = w.data;
  let v = new Float64Array(n);
  for (let j = 0; j < n; j++) v[j] = 1 + ((j * 2654435761) % 1000) / 1000; // deterministic start
  let est = 0;
  for (let it = 0; it < iterations; it++) {
    let nv = 0;
    for (let j = 0; j < n; j++) nv += v[j] * v[j];
    nv = Math.sqrt(nv);
    if (nv === 0) return 0;
    for (let j = 0; j < n; j++) v[j] /= nv;
    const u = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += W[i * n + j] * v[j];
      u[i] = s;
    }
    const next = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      const ui = u[i];
      for (let j = 0; j < n; j++) next[j] += ui * W[i * n + j];
    }
    let nu = 0;
    for (let i = 0; i < m; i++) nu += u[i] * u[i];
    const newEst = Math.sqrt(nu);
    v = next;
    if (Math.abs(newEst - est) <= 1e-12 * newEst) {
      est = newEst;
      break;
    }
    est = newEst;
  }
  return est;
}

/**
 * Lip(σ)^{k−1}·∏_{l=1}^{k} ‖W_l‖₂ — the naive bound ‖g_k‖_Lip ≤ ∏‖W_l‖_op·Lip(σ)^{k−1} (g_k passes k − 1 activations;
 * ReLU is 1-Lipschitz, another record's constant is activationLipschitz), 1 ≤ k ≤ L; in 'ntk' W_l = ŝ_lω_l.
 * `certified` says whether each factor is a rigorous upper bound (false while the private
 * power-iteration estimate is used).
 */
export function productOfNormsBound(net: Network, k: number): { value: number; certified: boolean } {
  checkK(net, k, 'productOfNormsBound');
  const act = nonReluActivation(net.arch);
  let p = act ? activationLipschitz(act) ** (k - 1) : 1;
  for (let l = 1; l <= k; l++) p *= norm2PowerEstimate(net.weights[l - 1]) * (net.ntk ? Math.abs(net.ntk.scales[l - 1]) : 1);
  return { value: p, certified: false };
}
