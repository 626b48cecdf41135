/**
 * A 90-digit decimal recomputation of a finite network (test support, not a test file): per-sample forward pass,
 * back-propagation and J Jᵀ in decimal.js, independent of the engine's layer-wise Gram formula. Covers the
 * (a,b)-ReLU family and the smooth records (σ, σ' of src/audit/decimalActivations.ts at 90 digits) and both parameterisations of network.ts: in 'ntk' the real s_l = W_std/√n_{l−1} (90 digits, not the
 * double ŝ_l), the biases b_std·β_l, and the Jacobian with respect to (ω, β). The oracle's own error (relative
 * ≤ 1e-80) is far below the slack 1e-60·max|K| that `enclosed` allows for it.
 */
import { Decimal } from 'decimal.js';
import { decimalActivation, exactDecimalIn } from '../../src/audit/decimalActivations.ts';
import { activationByName } from '../../src/ntk/activations/registry.ts';
import type { Matrix } from '../../src/linalg/matrix.ts';
import { empiricalNtkCertified } from '../../src/ntk/empiricalNtkCertified.ts';
import type { Network } from '../../src/ntk/network.ts';

export const D = Decimal.clone({ precision: 90, minE: -9e15, maxE: 9e15 });
export type Dec = InstanceType<typeof D>;
/** The exact value of a double (m·2^e; Decimal(number) would take its shortest decimal string instead). */
export const ex = (v: number): Dec => exactDecimalIn(D, v);

/**
 * σ and σ' of a record in 90 digits: the decimal activations of the 50-digit oracle (src/audit/decimalActivations.ts,
 * written from the definitions without the records' float code) at this precision: within
 * 1e-89·(|σ(0)| + sup|σ'|·|t|), saturated beyond |t| = 2000 (off by < e^{-2000}).
 */
export function sigmaDec(name: string, t: Dec): { f: Dec; df: Dec } {
  return decimalActivation(activationByName(name) as { kind: string; name: string }, D).eval(t) as { f: Dec; df: Dec };
}

/** σ, σ' of the network's activation (absent: ReLU). */
function activationDec(net: Network): (t: Dec) => { f: Dec; df: Dec } {
  const act = net.arch.activation ?? activationByName('relu');
  const dec = decimalActivation(act as { kind: string; name: string; a?: number; b?: number }, D);
  return (t) => dec.eval(t) as { f: Dec; df: Dec };
}

/**
 * Features and J Jᵀ of the stored doubles in 90 digits. 'ntk': g_l = s_l·ω_lᵀf_{l−1} + b_std·β_l with the real
 * s_l = W_std/√n_{l−1}; ∂f/∂ω_l = s_l f_{l−1}b_lᵀ, ∂f/∂β_l = b_std·b_l, b_k = σ'(g_k)∘(s_{k+1}ω_{k+1}b_{k+1}).
 */
export function decimalNetwork(net: Network, x: Matrix): { K: Dec[][]; features: Dec[][][] } {
  const L = net.depth,
    N = x.rows,
    d = x.cols;
  const sigma = activationDec(net);
  const scale = (l: number): Dec => (net.ntk ? ex(net.ntk.wStd).div(new D(net.dims[l - 1]).sqrt()) : new D(1));
  const bStd = ex(net.ntk?.bStd ?? 0);
  const rows: Dec[][] = [];
  const features: Dec[][][] = Array.from({ length: L }, () => []);
  for (let i = 0; i < N; i++) {
    const fs: Dec[][] = [Array.from(x.data.subarray(i * d, (i + 1) * d), ex)];
    const ds: Dec[][] = [];
    for (let l = 1; l < L; l++) {
      const w = net.weights[l - 1];
      const f: Dec[] = [],
        df: Dec[] = [];
      for (let j = 0; j < w.cols; j++) {
        let g = new D(0);
        for (let p = 0; p < w.rows; p++) g = g.plus(fs[l - 1][p].times(ex(w.data[p * w.cols + j])));
        if (net.ntk) g = g.times(scale(l)).plus(bStd.times(ex(net.biases![l - 1][j])));
        const e = sigma(g);
        f.push(e.f);
        df.push(e.df);
      }
      fs.push(f);
      ds.push(df);
    }
    for (let l = 0; l < L; l++) features[l].push(fs[l]);
    const bs: Dec[][] = new Array<Dec[]>(L + 1);
    bs[L] = [new D(1)];
    for (let k = L - 1; k >= 1; k--) {
      const w = net.weights[k];
      bs[k] = [];
      for (let a = 0; a < w.rows; a++) {
        let s = new D(0);
        for (let j = 0; j < w.cols; j++) s = s.plus(bs[k + 1][j].times(ex(w.data[a * w.cols + j])));
        bs[k].push(s.times(scale(k + 1)).times(ds[k - 1][a]));
      }
    }
    const jrow: Dec[] = [];
    for (let l = 1; l <= L; l++) {
      const s = scale(l);
      for (const f of fs[l - 1]) for (const b of bs[l]) jrow.push(f.times(b).times(s));
      if (net.ntk) for (const b of bs[l]) jrow.push(bStd.times(b));
    }
    rows.push(jrow);
  }
  const K = rows.map((a) => rows.map((b) => a.reduce((s, v, t) => s.plus(v.times(b[t])), new D(0))));
  return { K, features };
}

/**
 * The exact normalisation of empiricalNtkCertified({ normalize: true }): ∏_{l<L} c/n_l with c = 2/(a² + b²) for the
 * (a,b)-ReLU family (exact κ) and the double ĉ = fl(1/κ̂) for a smooth record (docs/error-model.md#the-empirical-ntk);
 * 1 in 'ntk'.
 */
function normalizationDec(net: Network): Dec {
  let s = new D(1);
  if (net.ntk) return s;
  const act = net.arch.activation as (Network['arch']['activation'] & { a?: number; b?: number }) | undefined;
  const c = !act ? new D(2) : act.kind === 'ab-relu' ? new D(2).div(ex(act.a!).pow(2).plus(ex(act.b!).pow(2))) : ex(1 / act.secondMoment);
  for (let l = 1; l < net.depth; l++) s = s.times(c).div(net.dims[l]);
  return s;
}

/**
 * Checks empiricalNtkCertified against the 90-digit kernel: every entry |K̂ − s·K| within errorBound (‖E‖_max ≤ ‖E‖₂)
 * and every feature within its forward radius; ok false on a violation, certified false when the engine says so.
 */
export function enclosed(net: Network, x: Matrix, normalize: boolean): { ok: boolean; certified: boolean } {
  const r = empiricalNtkCertified(net, x, { normalize });
  if (!r.certified) return { ok: true, certified: false };
  const { K, features } = decimalNetwork(net, x);
  const s = normalize ? normalizationDec(net) : new D(1);
  let maxK = new D(0);
  for (const row of K) for (const v of row) if (v.abs().gt(maxK)) maxK = v.abs();
  const slack = maxK.times(s).times('1e-60');
  const N = x.rows;
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const err = ex(r.ntk.data[i * N + j])
        .minus(K[i][j].times(s))
        .abs();
      if (err.gt(ex(r.errorBound).plus(slack))) return { ok: false, certified: true };
    }
  for (let l = 1; l < net.depth; l++) {
    const F = r.forward.fwd.features[l].data,
      R = r.forward.radius[l].data,
      n = net.dims[l];
    for (let i = 0; i < N; i++)
      for (let j = 0; j < n; j++)
        if (
          ex(F[i * n + j])
            .minus(features[l][i][j])
            .abs()
            .gt(ex(R[i * n + j]).plus('1e-80'))
        )
          return { ok: false, certified: true };
  }
  return { ok: true, certified: true };
}
