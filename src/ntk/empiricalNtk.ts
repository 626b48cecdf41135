import type { Matrix } from '../linalg/matrix.ts';
import { ETA, zeros } from '../linalg/matrix.ts';
import { gammaUp, gram, hadamardInPlace, up } from '../linalg/blas.ts';
import { type ForwardResult, type Network, forward, networkFromWeights, nonReluActivation, preActivationsAt, requireNmm, requireRelu } from './network.ts';
import type { ActivationRecord } from './activations/record.ts';

/**
 * Empirical (finite-width) NTK of a concrete network, layer by layer (arXiv 2012.11654v5 Section 4.1;
 * docs/conventions.md#empirical-ntk-decomposition):
 *
 *   K̄ = J Jᵀ = Σ_{k=0}^{L−1} (F_k F_kᵀ) ∘ (B_{k+1} B_{k+1}ᵀ),
 *
 * where F_k is the feature matrix (F_0 = X) and B_k ∈ R^{N×n_k} the back-propagated signal,
 * (B_k)_{i:} = ∂f_L(x_i)/∂g_k: B_L = 1_N (all ones — the paper's v5 writes (1/√N)1_N, an erratum),
 * B_k = (B_{k+1} W_{k+1}ᵀ) ∘ Σ_k with Σ_k = 1[G_k > 0] (σ'(0) = 0). The k-th summand is the
 * contribution of W_{k+1}: ∂f_L(x_i)/∂W_{k+1} = f_k(x_i) (B_{k+1})_{i:}ᵀ.
 *
 * NTK parameterisation (network.ts 'ntk'; Jacot et al., arXiv 1806.07572): the gradient is taken with respect to
 * (ω, β), ∂f_L/∂ω_l = s_l f_{l−1} b_lᵀ and ∂f_L/∂β_l = b_std b_l, so
 *   K = Σ_{l=1}^{L} (s_l² F_{l−1}F_{l−1}ᵀ + b_std²·11ᵀ) ∘ (B_lB_lᵀ) = Σ_l (F̃_{l−1}F̃_{l−1}ᵀ) ∘ (B_lB_lᵀ),
 * with the augmented features F̃_{l−1} = [s_l F_{l−1}, b_std·1] (kernelFeatures; no column when b_std = 0), and
 * B_k = (s_{k+1}B_{k+1} ω_{k+1}ᵀ) ∘ σ'(G_k) (the signal is scaled before each step: scaledSignal). No further
 * normalisation: this K converges to limiting.ts's 'ntk' kernel as the widths grow.
 */

/** Which form of B_L to use. 'ones' is correct; the other exists only to show the erratum fails. */
export type BLScale = 'ones' | 'erratum-inv-sqrt-n';

export interface EmpiricalNtkOptions {
  /** Also return the L per-layer summands (F_kF_kᵀ)∘(B_{k+1}B_{k+1}ᵀ), k = 0..L−1. */
  layerTerms?: boolean;
  bLScale?: BLScale;
  /** Reuse a forward pass already computed on the same (net, x). */
  forwardResult?: ForwardResult;
  /** Reuse backpropSignals(net, forwardResult) already computed on the same (net, x). */
  backSignals?: Matrix[];
}

export interface EmpiricalNtkResult {
  /** K̄ (N × N), exactly symmetric (each Gram is mirrored; the sum order is the same for (i,j) and (j,i)). */
  ntk: Matrix;
  /** terms[k] = (F_kF_kᵀ)∘(B_{k+1}B_{k+1}ᵀ), k = 0..L−1 (only with layerTerms). */
  terms?: Matrix[];
  /**
   * Rigorous bound on ‖K̄_computed − K̄_exact‖₂, where K̄_exact is the exact layer-wise sum for the
   * floating-point F_k and B_k actually computed (the rounding of the forward and backward passes
   * themselves, and activation patterns flipped by it, are NOT included: empiricalNtkCertified.ts
   * gives the bound against the exact K̄ of the stored doubles). Derivation: each Gram entry is a length-n dot product, so
   * |fl(PP ᵀ) − PPᵀ|_ij ≤ γ_n ‖P_i‖‖P_j‖; composing with the Hadamard product and the sum over L
   * layers gives |E_ij| ≤ Σ_k γ_{n_k+n_{k+1}+L+2} u_{k,i} u_{k,j} with u_{k,i} = ‖F_{k,i}‖‖B_{k+1,i}‖,
   * hence ‖E‖₂ ≤ ‖|E|‖₂ ≤ Σ_k γ_{n_k+n_{k+1}+L+2} ‖u_k‖² (≈ γ · tr K̄), plus a tiny absolute term for
   * underflow; every step of the bound's own evaluation is rounded upwards (blas.ts `up`/`gammaUp`).
   */
  errorBound: number;
}

// ---------------------------------------------------------------------------------------------
// Kernels. Grams use src/linalg/blas.ts `gram` (exactly symmetric, entrywise error ≤ γ_n|X||X|ᵀ for
// any summation order, which is all the bound below needs). The masked back-propagation step is
// private: it skips the ~half of the entries whose ReLU is inactive, which matmulTransB cannot.
// ---------------------------------------------------------------------------------------------

/**
 * B_k = (B_{k+1} W_{k+1}ᵀ) ∘ σ'(G_k): entry (i, a) = σ'(G[i, a])·Σ_j B[i, j] W[a, j], skipped where σ'(G[i, a]) = 0.
 * Rows of B and of W are contiguous, so each entry is a streaming dot product, summed in increasing j; four
 * active units of a sample are computed together (four independent sums over one read of B's row: the
 * same value per entry as one at a time). Inactive entries (about half for ReLU) are skipped.
 */
function backpropStep(bNext: Matrix, w: Matrix, g: Matrix, act: ActivationRecord | null): Matrix {
  const N = bNext.rows, nOut = w.cols, nIn = w.rows;
  const out = zeros(N, nIn);
  const B = bNext.data, W = w.data, G = g.data, O = out.data;
  const units = new Int32Array(nIn);
  const dgs = new Float64Array(nIn);
  for (let i = 0; i < N; i++) {
    const bi = i * nOut;
    const gi = i * nIn;
    // ReLU: σ'(g) ∈ {0, 1} with σ'(0) = 0 (a mask); otherwise the record's σ'(g)
    let cnt = 0;
    for (let a = 0; a < nIn; a++) {
      const dg = act ? act.deriv(G[gi + a]) : G[gi + a] > 0 ? 1 : 0;
      if (dg === 0) continue;
      units[cnt] = a;
      dgs[cnt++] = dg;
    }
    let t = 0;
    for (; t + 3 < cnt; t += 4) {
      const w0 = units[t] * nOut, w1 = units[t + 1] * nOut, w2 = units[t + 2] * nOut, w3 = units[t + 3] * nOut;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = 0; j < nOut; j++) {
        const b = B[bi + j];
        s0 += b * W[w0 + j];
        s1 += b * W[w1 + j];
        s2 += b * W[w2 + j];
        s3 += b * W[w3 + j];
      }
      O[gi + units[t]] = act ? dgs[t] * s0 : s0;
      O[gi + units[t + 1]] = act ? dgs[t + 1] * s1 : s1;
      O[gi + units[t + 2]] = act ? dgs[t + 2] * s2 : s2;
      O[gi + units[t + 3]] = act ? dgs[t + 3] * s3 : s3;
    }
    for (; t < cnt; t++) {
      const wa = units[t] * nOut;
      let s = 0;
      for (let j = 0; j < nOut; j++) s += B[bi + j] * W[wa + j];
      O[gi + units[t]] = act ? dgs[t] * s : s;
    }
  }
  return out;
}

/**
 * Back-propagated signals B_1..B_L (B_k is N × n_k; B_L is the N × 1 all-ones column):
 * (B_k)_{i:} = Σ_k(x_i)(∏_{l=k+1}^{L−1} W_lΣ_l(x_i))W_L, computed as B_k = (B_{k+1}W_{k+1}ᵀ)∘Σ_k.
 */
export function backpropSignals(net: Network, fwd: ForwardResult): Matrix[] {
  const L = net.depth;
  const N = fwd.features[0].rows;
  const bs: Matrix[] = new Array<Matrix>(L);
  const ones = zeros(N, 1);
  ones.data.fill(1);
  bs[L - 1] = ones;
  const act = nonReluActivation(net.arch);
  for (let k = L - 1; k >= 1; k--) bs[k - 1] = backpropStep(scaledSignal(net, bs[k], k + 1), net.weights[k], fwd.preActivations[k - 1], act);
  return bs;
}

/**
 * 'ntk': fl(ŝ_l·m) entrywise (a new matrix) — the signal B_l entering the back-propagation step through ω_l, or
 * the features F_{l−1} of kernelFeatures; 'nmm': m itself.
 */
export function scaledSignal(net: Network, m: Matrix, l: number): Matrix {
  if (!net.ntk) return m;
  const s = net.ntk.scales[l - 1];
  return { rows: m.rows, cols: m.cols, data: m.data.map((v) => s * v) };
}

/**
 * The features whose Gram enters the l-th summand of K (1 ≤ l ≤ L): F_{l−1} in 'nmm'; in 'ntk' the augmented
 * F̃_{l−1} = [fl(ŝ_l·F_{l−1}), b_std·1] (N × (n_{l−1} + 1); the bias column only when b_std ≠ 0).
 */
export function kernelFeatures(net: Network, f: Matrix, l: number): Matrix {
  if (!net.ntk) return f;
  const sf = scaledSignal(net, f, l);
  const bStd = net.ntk.bStd;
  if (bStd === 0) return sf;
  const n = f.cols, out = zeros(f.rows, n + 1);
  for (let i = 0; i < f.rows; i++) {
    out.data.set(sf.data.subarray(i * n, (i + 1) * n), i * (n + 1));
    out.data[i * (n + 1) + n] = bStd;
  }
  return out;
}

/** K̄ = Σ_{k=0}^{L−1}(F_kF_kᵀ)∘(B_{k+1}B_{k+1}ᵀ) with its rounding bound (see EmpiricalNtkResult). */
export function empiricalNtk(net: Network, x: Matrix, opts: EmpiricalNtkOptions = {}): EmpiricalNtkResult {
  const bLScale: BLScale = opts.bLScale ?? 'ones';
  if (bLScale !== 'ones' && bLScale !== 'erratum-inv-sqrt-n') throw new RangeError(`unknown bLScale ${String(bLScale)}`);
  const fwd = opts.forwardResult ?? forward(net, x);
  const bs = opts.backSignals ?? backpropSignals(net, fwd);
  const L = net.depth;
  const N = x.rows;
  const ntk = zeros(N, N);
  const K = ntk.data;
  const terms: Matrix[] = [];
  let errorBound = 0;
  const lastScale = bLScale === 'ones' ? 1 : 1 / N; // (1/√N)² for the erratum form of B_L
  for (let k = 0; k < L; k++) {
    const fk = kernelFeatures(net, fwd.features[k], k + 1);
    const term = gram(fk);
    const P = term.data;
    const nk = fk.cols;
    let pDiagMax = 0;
    for (let i = 0; i < N; i++) pDiagMax = Math.max(pDiagMax, P[i * N + i]);
    let nb: number; // length of the B-Gram dot products (0: B_L B_Lᵀ is exact)
    let qDiagMax: number;
    if (k === L - 1) {
      // B_L B_Lᵀ is the all-ones matrix (times 1/N for the erratum form): exact, no Gram needed.
      if (lastScale !== 1) for (let t = 0; t < P.length; t++) P[t] *= lastScale;
      nb = 0;
      qDiagMax = lastScale;
    } else {
      const q = gram(bs[k]);
      qDiagMax = 0;
      for (let i = 0; i < N; i++) qDiagMax = Math.max(qDiagMax, q.data[i * N + i]);
      hadamardInPlace(term, q);
      nb = net.dims[k + 1];
    }
    // ‖u_k‖² = Σ_i P_ii Q_ii = tr(term), evaluated in floating point and widened by (1 + γ_{N+2}).
    let traceTerm = 0;
    for (let i = 0; i < N; i++) traceTerm += P[i * N + i];
    // Relative part γ_{n_k + n_b + L + 2}‖u_k‖²: n_k and n_b for the two Gram dot products, one for
    // the Hadamard product, L + 1 for accumulating the summands into K.
    const rel = up(gammaUp(nk + nb + L + 2) * up(traceTerm * up(1 + gammaUp(N + 2))));
    // Absolute part from gradual underflow in the dot products (|ΔP_ij| ≤ n_k ETA, |ΔQ_ij| ≤ n_b ETA,
    // times |Q_ij| ≤ max Q_ii resp. |P_ij| ≤ max P_ii), for all N² entries (‖·‖₂ ≤ N max|·|).
    const abs = up(N * up(up(nk * ETA) * up(2 * qDiagMax + 1) + up(nb * ETA) * up(2 * pDiagMax + 1) + ETA));
    errorBound = up(errorBound + up(rel + abs));
    const T = term.data;
    for (let t = 0; t < K.length; t++) K[t] += T[t];
    if (opts.layerTerms) terms.push(term);
  }
  // Every summand is exactly symmetric, and the same summation order is used for (i,j) and (j,i),
  // so K is exactly symmetric.
  const result: EmpiricalNtkResult = { ntk, errorBound };
  if (opts.layerTerms) result.terms = terms;
  return result;
}

/**
 * The empirical NTK of the same weights in the NTK parameterisation W_l = β_l·ω_l (gradients taken with respect
 * to ω): Σ_{l=1}^{L} β_l²·(F_{l−1}F_{l−1}ᵀ)∘(B_lB_lᵀ). With β_1² = c_1 and β_l² = c_l/n_{l−1} (l ≥ 2) it converges
 * to the limiting K^{(L)} of limiting.ts ('nmm', weightVariances c_l) for any activation as the widths grow
 * (Jacot et al., arXiv 1806.07572, Thm 1); for ReLU with β_l = 1 it equals the unnormalised K̄. No error bound.
 * With β_l = W_std/√n_{l−1} this is (up to rounding) the kernel of the 'ntk' network of network.ts with b_std = 0 and
 * the same ω; a network that is already 'ntk' returns its own kernel, empiricalNtk(net, x).ntk
 * (empiricalNtkCertified bounds it).
 */
export function empiricalNtkNtkParameterization(net: Network, x: Matrix): Matrix {
  if (net.ntk) return empiricalNtk(net, x).ntk;
  const { terms } = empiricalNtk(net, x, { layerTerms: true });
  const N = x.rows;
  const out = zeros(N, N);
  terms!.forEach((t, l) => {
    const b2 = net.betas[l] * net.betas[l];
    for (let i = 0; i < N * N; i++) out.data[i] += b2 * t.data[i];
  });
  return out;
}

/**
 * The normalisation of eq. (4) of arXiv 2012.11654: ∏_{l=1}^{L−1} c/n_l with c = 1/κ, κ = E[σ(g)²] the record's
 * second moment (n_L = 1 is not in the product). For ReLU c = 2 (∏ 2/n_l); for another activation the normalised
 * K̄ of the standard initialisation converges to the limiting NTK with the 'nmm' defaults c_1 = 1, c_l = 1/κ.
 * In the 'ntk' parameterisation it is 1: the scales s_l are part of the network.
 */
export function ntkNormalization(net: Pick<Network, 'dims'> & { arch?: Network['arch'] }): number {
  if (net.arch && (net.arch.parameterization ?? 'nmm') === 'ntk') return 1;
  const act = net.arch ? nonReluActivation(net.arch) : null;
  const c = act ? 1 / act.secondMoment : 2;
  let s = 1;
  for (let l = 1; l < net.dims.length - 1; l++) s *= c / net.dims[l];
  return s;
}

/**
 * (∏_{l=1}^{L−1} 2/n_l) · K̄. For the standard initialisation (β_l = 1) it converges in probability
 * to the limiting K^{(L)} as min width → ∞ (Jacot et al., arXiv 1806.07572; arXiv 2012.11654 eq. (4)). No error bound:
 * empiricalNtkCertified(net, x, { normalize: true }) returns this matrix with a rigorous one.
 */
export function normalizedEmpiricalNtk(net: Network, x: Matrix): Matrix {
  const { ntk } = empiricalNtk(net, x);
  const s = ntkNormalization(net);
  const d = ntk.data;
  for (let t = 0; t < d.length; t++) d[t] *= s;
  return ntk;
}

/**
 * Exact expectation over the initialisation of the diagonal of K̄ (derived;
 * docs/theorems.md#exact-finite-width-expectation-of-the-diagonal):
 *   E K̄_ii = ‖x_i‖² (∏_{m=1}^{L−1} n_m/2) Σ_{l=1}^{L} ∏_{m≠l} β_m².
 * Accepts a Network or any {dims, betas} (e.g. {dims: architectureDims(a), betas: resolveBetas(a)}).
 */
export function expectedEmpiricalNtkDiagonal(net: Pick<Network, 'dims' | 'betas'> & { arch?: Network['arch'] }, x: Matrix): Float64Array {
  if (net.arch) {
    requireNmm({ arch: net.arch }, 'expectedEmpiricalNtkDiagonal');
    requireRelu({ arch: net.arch }, 'expectedEmpiricalNtkDiagonal');
  }
  const L = net.dims.length - 1;
  if (net.betas.length !== L) throw new RangeError(`betas must have L = ${L} entries`);
  if (x.cols !== net.dims[0]) throw new RangeError(`x has ${x.cols} columns, expected d = ${net.dims[0]}`);
  let widthFactor = 1;
  for (let m = 1; m <= L - 1; m++) widthFactor *= net.dims[m] / 2;
  let betaSum = 0;
  for (let l = 1; l <= L; l++) {
    let p = 1;
    for (let m = 1; m <= L; m++) if (m !== l) p *= net.betas[m - 1] ** 2;
    betaSum += p;
  }
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    for (let c = 0; c < x.cols; c++) s += x.data[i * x.cols + c] ** 2;
    out[i] = s * widthFactor * betaSum;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Explicit Jacobian (independent per-sample back-propagation) and finite differences — for
// cross-checks at small sizes.
// ---------------------------------------------------------------------------------------------

/**
 * Column layout of J: the block of W_l starts at offsets[l − 1] and holds vec(W_l) in row-major
 * order, i.e. ∂f_L/∂(W_l)_{a,j} is column offsets[l−1] + a·n_l + j. offsets[L] = P = Σ n_{l−1}n_l.
 * In 'ntk' the block of layer l is vec(ω_l) followed by β_l (n_l more columns): P = Σ (n_{l−1} + 1)n_l.
 */
export function jacobianLayout(net: Pick<Network, 'dims'> & { ntk?: Network['ntk'] }): number[] {
  const offsets = [0];
  const extra = net.ntk ? 1 : 0;
  for (let l = 1; l < net.dims.length; l++) offsets.push(offsets[l - 1] + (net.dims[l - 1] + extra) * net.dims[l]);
  return offsets;
}

/**
 * J ∈ R^{N × P}, row i = ∂f_L(x_i)/∂θ (layout of jacobianLayout), by an explicit per-sample
 * forward and backward pass on vectors (does not use forward/backpropSignals): b_L = 1,
 * b_k = Σ_k(x) W_{k+1} b_{k+1}, ∂f_L/∂W_l = f_{l−1} b_lᵀ. σ'(0) = 0 (ReLU); other activations use record.deriv.
 * 'ntk': b_k = Σ_k(x)(ŝ_{k+1}ω_{k+1}b_{k+1}), ∂f_L/∂ω_l = ŝ_l f_{l−1}b_lᵀ, ∂f_L/∂β_l = b_std b_l.
 */
export function explicitJacobian(net: Network, x: Matrix): Matrix {
  const L = net.depth;
  const offsets = jacobianLayout(net);
  const P = offsets[L];
  const N = x.rows;
  const jac = zeros(N, P);
  for (let i = 0; i < N; i++) {
    const xi = x.data.subarray(i * x.cols, (i + 1) * x.cols);
    const gs = preActivationsAt(net, xi, L);
    const act = nonReluActivation(net.arch);
    const fs: Float64Array[] = [Float64Array.from(xi)];
    for (let l = 1; l < L; l++) fs.push(gs[l - 1].map((v) => (act ? act.fn(v) : v > 0 ? v : 0)));
    const bs: Float64Array[] = new Array<Float64Array>(L + 1);
    bs[L] = Float64Array.of(1);
    for (let k = L - 1; k >= 1; k--) {
      const w = net.weights[k]; // W_{k+1}: n_k × n_{k+1}
      const sc = net.ntk ? net.ntk.scales[k] : 1;
      const b = new Float64Array(w.rows);
      for (let a = 0; a < w.rows; a++) {
        const dg = act ? act.deriv(gs[k - 1][a]) : gs[k - 1][a] > 0 ? 1 : 0;
        if (dg === 0) continue;
        let s = 0;
        for (let j = 0; j < w.cols; j++) s += w.data[a * w.cols + j] * bs[k + 1][j];
        if (net.ntk) s *= sc;
        b[a] = act ? dg * s : s;
      }
      bs[k] = b;
    }
    const row = jac.data.subarray(i * P, (i + 1) * P);
    for (let l = 1; l <= L; l++) {
      const f = fs[l - 1], b = bs[l], off = offsets[l - 1], nl = net.dims[l];
      const sc = net.ntk ? net.ntk.scales[l - 1] : 1;
      for (let a = 0; a < f.length; a++) for (let j = 0; j < nl; j++) row[off + a * nl + j] = net.ntk ? sc * f[a] * b[j] : f[a] * b[j];
      if (net.ntk) for (let j = 0; j < nl; j++) row[off + f.length * nl + j] = net.ntk.bStd * b[j];
    }
  }
  return jac;
}

/**
 * Central finite differences of f_L(x_i) with respect to every weight (layout of jacobianLayout; in 'ntk' also every
 * bias entry β_l[j]): (f(w + h) − f(w − h)) / ((w + h) − (w − h)), the denominator being the step actually taken in
 * floating point. Cost P forward passes: small networks only. Accurate to O(h²) only where no
 * pre-activation crosses 0 within ±h.
 */
export function jacobianByFiniteDifferences(net: Network, x: Matrix, h: number): Matrix {
  if (!(h > 0 && Number.isFinite(h))) throw new RangeError(`h must be positive, got ${h}`);
  const weights = net.weights.map((w) => ({ rows: w.rows, cols: w.cols, data: Float64Array.from(w.data) }));
  const probe = networkFromWeights(net.arch, weights, net.biases);
  const offsets = jacobianLayout(net);
  const P = offsets[net.depth];
  const N = x.rows;
  const jac = zeros(N, P);
  for (let l = 0; l < net.depth; l++) {
    // the parameters of layer l + 1 in the order of jacobianLayout: vec(W), then ('ntk') β
    const blocks = probe.biases ? [weights[l].data, probe.biases[l]] : [weights[l].data];
    let col = offsets[l];
    for (const W of blocks)
      for (let t = 0; t < W.length; t++, col++) {
        const w0 = W[t];
        const wp = w0 + h, wm = w0 - h;
        W[t] = wp;
        const fp = forward(probe, x).output;
        W[t] = wm;
        const fm = forward(probe, x).output;
        W[t] = w0;
        const step = wp - wm;
        for (let i = 0; i < N; i++) jac.data[i * P + col] = (fp[i] - fm[i]) / step;
      }
  }
  return jac;
}
