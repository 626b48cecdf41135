/**
 * Exact oracle for the empirical NTK (test support, not a test file): every double is a dyadic
 * rational m·2^e; sums and products of dyadics are exact in BigInt. exactNtk gives the exact K̄ of the
 * stored doubles as J Jᵀ, J from exact per-sample forward/backward passes (σ'(0) = 0 decided on the
 * exact sign) — independent of the engine's layer-wise Gram formula; 'ntk' networks (network.ts) whose scales
 * W_std/√n_{l−1} are dyadic (every n_{l−1} a power of 4) with their biases, the Jacobian taken w.r.t. (ω, β). `encloses` decides
 * lower ≤ λ_min(s·K̄) ≤ upper exactly by signs of principal minors.
 */
import { Decimal } from 'decimal.js';
import { expect } from 'vitest';
import type { Matrix } from '../../src/linalg/matrix.ts';
import type { Network } from '../../src/ntk/network.ts';

export interface Dy {
  m: bigint;
  e: number;
}
export const ZERO: Dy = { m: 0n, e: 0 };

export function dy(x: number): Dy {
  if (!Number.isFinite(x)) throw new Error('dy: not finite');
  if (x === 0) return ZERO;
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  const bits = v.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const ex = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  return ex === 0 ? { m: sign * frac, e: -1074 } : { m: sign * (frac | (1n << 52n)), e: ex - 1075 };
}
export function add(a: Dy, b: Dy): Dy {
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  return a.e >= b.e ? { m: (a.m << BigInt(a.e - b.e)) + b.m, e: b.e } : { m: a.m + (b.m << BigInt(b.e - a.e)), e: a.e };
}
export const mul = (a: Dy, b: Dy): Dy => (a.m === 0n || b.m === 0n ? ZERO : { m: a.m * b.m, e: a.e + b.e });

/**
 * The slopes (a, b) of the network's (a,b)-ReLU activation, σ(t) = a·t (t > 0), b·t (t < 0), σ(0) = σ'(0) = 0
 * (activation.ts): (1, 0) for ReLU. Read from the record's own a and b, not from its fn.
 */
function slopesOf(net: Network): { a: Dy; b: Dy } {
  const act = net.arch.activation as (Network['arch']['activation'] & { a?: number; b?: number }) | undefined;
  if (!act) return { a: dy(1), b: ZERO };
  if (act.kind !== 'ab-relu' || act.a === undefined || act.b === undefined) throw new Error(`exactNtk: (a,b)-ReLU records only, got ${act.name}`);
  return { a: dy(act.a), b: dy(act.b) };
}
/** m·g, returning g itself for m = 1 (the same dyadic, without the 52 extra mantissa bits of dy(1)). */
const scale = (m: Dy, g: Dy): Dy => (m.m === 1n << 52n && m.e === -52 ? g : mul(m, g));
/** σ(g) and σ'(g) exactly, decided on the exact sign of g. */
const sigmaExact = (g: Dy, s: { a: Dy; b: Dy }): Dy => (g.m > 0n ? scale(s.a, g) : g.m < 0n ? scale(s.b, g) : ZERO);
const dsigmaExact = (g: Dy, s: { a: Dy; b: Dy }): Dy => (g.m > 0n ? s.a : g.m < 0n ? s.b : ZERO);

/**
 * 'ntk' (network.ts): the layer scales s_l = W_std/√n_{l−1} as dyadics, which they are exactly when every n_{l−1} is a
 * power of 4 (then ŝ_l = s_l: √n and the division by it are exact; throws otherwise), and b_std; null in 'nmm'.
 */
function ntkDyadic(net: Network): { s: Dy[]; b: Dy } | null {
  if (!net.ntk) return null;
  const s = net.dims.slice(0, -1).map((n, l) => {
    const r = Math.sqrt(n);
    if (!(Number.isInteger(Math.log2(r)) && r * r === n)) throw new Error(`exactNtk: 'ntk' needs n_${l} a power of 4 (exact s_l), got ${n}`);
    return dy(net.ntk!.scales[l]);
  });
  return { s, b: dy(net.ntk.bStd) };
}

/** g_l = s_l·t + b_std·β_l[j] in 'ntk' (t = the exact product F_{l−1}ω_l), t itself in 'nmm'. */
const affine = (nd: ReturnType<typeof ntkDyadic>, net: Network, l: number, j: number, t: Dy): Dy =>
  nd ? add(mul(nd.s[l - 1], t), mul(nd.b, dy(net.biases![l - 1][j]))) : t;

/**
 * Exact K̄ = J Jᵀ of the stored doubles (dyadic, N × N), for ReLU or the network's (a,b)-ReLU record; in 'ntk' the
 * Jacobian with respect to (ω, β) (scales exact: ntkDyadic).
 */
export function exactNtk(net: Network, x: Matrix): Dy[][] {
  const L = net.depth,
    N = x.rows,
    d = x.cols;
  const sl = slopesOf(net);
  const nd = ntkDyadic(net);
  const rows: Dy[][] = [];
  for (let i = 0; i < N; i++) {
    const fs: Dy[][] = [Array.from(x.data.subarray(i * d, (i + 1) * d), dy)];
    const gs: Dy[][] = [];
    for (let l = 1; l < L; l++) {
      const w = net.weights[l - 1];
      const g: Dy[] = [];
      for (let j = 0; j < w.cols; j++) {
        let s = ZERO;
        for (let p = 0; p < w.rows; p++) s = add(s, mul(fs[l - 1][p], dy(w.data[p * w.cols + j])));
        g.push(affine(nd, net, l, j, s));
      }
      gs.push(g);
      fs.push(g.map((v) => sigmaExact(v, sl)));
    }
    const bs: Dy[][] = new Array<Dy[]>(L + 1);
    bs[L] = [dy(1)];
    for (let k = L - 1; k >= 1; k--) {
      const w = net.weights[k];
      bs[k] = [];
      for (let a = 0; a < w.rows; a++) {
        const ds = dsigmaExact(gs[k - 1][a], sl);
        if (ds.m === 0n) {
          bs[k].push(ZERO);
          continue;
        }
        let s = ZERO;
        for (let j = 0; j < w.cols; j++) s = add(s, mul(dy(w.data[a * w.cols + j]), bs[k + 1][j]));
        bs[k].push(scale(ds, nd ? mul(nd.s[k], s) : s));
      }
    }
    const jrow: Dy[] = [];
    for (let l = 1; l <= L; l++) {
      for (const f of fs[l - 1]) for (const b of bs[l]) jrow.push(nd ? mul(nd.s[l - 1], mul(f, b)) : mul(f, b));
      if (nd) for (const b of bs[l]) jrow.push(mul(nd.b, b));
    }
    rows.push(jrow);
  }
  const K: Dy[][] = [];
  for (let i = 0; i < N; i++) {
    K.push([]);
    for (let j = 0; j < N; j++) {
      let s = ZERO;
      for (let t = 0; t < rows[i].length; t++) s = add(s, mul(rows[i][t], rows[j][t]));
      K[i].push(s);
    }
  }
  return K;
}

function det(m: bigint[][]): bigint {
  const n = m.length;
  if (n === 1) return m[0][0];
  let s = 0n;
  for (let c = 0; c < n; c++) {
    const minor = m.slice(1).map((r) => r.filter((_, j) => j !== c));
    const t = m[0][c] * det(minor);
    s += c % 2 === 0 ? t : -t;
  }
  return s;
}

/** Integer matrix num·K̄ − den·t·I scaled by a common power of two (same signs of minors). */
function shifted(K: Dy[][], t: number | Dy, num: bigint, den: bigint): bigint[][] {
  const td = typeof t === 'number' ? dy(t) : t;
  const ent: Dy[][] = K.map((r, i) => r.map((v, j) => add(mul(v, { m: num, e: 0 }), i === j ? mul(td, { m: -den, e: 0 }) : ZERO)));
  let E = Infinity;
  for (const r of ent) for (const v of r) if (v.m !== 0n) E = Math.min(E, v.e);
  if (E === Infinity) E = 0;
  return ent.map((r) => r.map((v) => (v.m === 0n ? 0n : v.m << BigInt(v.e - E))));
}

/** s·K̄ − t·I is positive semidefinite (all principal minors ≥ 0), s = num/den. */
function psdAfterShift(K: Dy[][], t: number | Dy, num = 1n, den = 1n): boolean {
  const M = shifted(K, t, num, den),
    n = M.length;
  for (let mask = 1; mask < 1 << n; mask++) {
    const idx = [...Array(n).keys()].filter((i) => mask & (1 << i));
    if (det(idx.map((i) => idx.map((j) => M[i][j]))) < 0n) return false;
  }
  return true;
}

/** s·K̄ − t·I is positive definite (Sylvester: all leading minors > 0). */
function pdAfterShift(K: Dy[][], t: number | Dy, num = 1n, den = 1n): boolean {
  const M = shifted(K, t, num, den);
  for (let k = 1; k <= M.length; k++) if (det(M.slice(0, k).map((r) => r.slice(0, k))) <= 0n) return false;
  return true;
}

/** lower ≤ λ_min(s·K̄) ≤ upper, decided exactly. */
export function encloses(K: Dy[][], lower: number, upper: number, num = 1n, den = 1n): boolean {
  const lowOk = lower === -Infinity || psdAfterShift(K, lower, num, den);
  const upOk = upper === Infinity || !pdAfterShift(K, upper, num, den);
  return lowOk && upOk;
}

export const toDec = (v: Dy): Decimal => new Decimal(v.m.toString()).times(new Decimal(2).pow(v.e));

/** Exact features f_k(x_i) of the stored doubles (N × n_k, dyadic), 0 ≤ k ≤ L − 1. */
export function exactFeatures(net: Network, x: Matrix, k: number): Dy[][] {
  const sl = slopesOf(net);
  const nd = ntkDyadic(net);
  const out: Dy[][] = [];
  for (let i = 0; i < x.rows; i++) {
    let f: Dy[] = Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols), dy);
    for (let l = 1; l <= k; l++) {
      const w = net.weights[l - 1];
      const g: Dy[] = [];
      for (let j = 0; j < w.cols; j++) {
        let s = ZERO;
        for (let p = 0; p < w.rows; p++) s = add(s, mul(f[p], dy(w.data[p * w.cols + j])));
        g.push(sigmaExact(affine(nd, net, l, j, s), sl));
      }
      f = g;
    }
    out.push(f);
  }
  return out;
}

/** lower ≤ σ_min(F) ≤ upper for the exact F (N ≤ n rows), via λ_min(F Fᵀ) against lower², upper². */
export function enclosesSigmaMin(F: Dy[][], lower: number, upper: number): boolean {
  const G = F.map((a) => F.map((b) => a.reduce((s, v, t) => add(s, mul(v, b[t])), ZERO)));
  const lowOk = lower <= 0 || psdAfterShift(G, mul(dy(lower), dy(lower)));
  const upOk = upper === Infinity || !pdAfterShift(G, mul(dy(upper), dy(upper)));
  return lowOk && upOk;
}

/** Every σ_min(F_k), k = 0..L−1 (F_0 = X), of the exact features of the stored doubles lies in its enclosure enc(k). */
export function expectSigmaMinFEnclosed(net: Network, x: Matrix, enc: (k: number) => { lower: number; upper: number }): void {
  for (let k = 0; k < net.depth; k++) {
    const sm = enc(k);
    expect(enclosesSigmaMin(exactFeatures(net, x, k), sm.lower, sm.upper), `σ_min(F_${k}) ∈ [${sm.lower}, ${sm.upper}]`).toBe(true);
  }
}

/** The double k ulps away from x (k may be negative; x finite and non-zero, no sign change). */
export function ulpsAway(x: number, k: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  v.setBigUint64(0, v.getBigUint64(0) + BigInt(x > 0 ? k : -k));
  return v.getFloat64(0);
}

/**
 * A 2-dimensional input z whose exact pre-activation at hidden unit `unit` of layer 1 is positive
 * but tiny (≈ 1e-17 relative) while the float forward pass computes ≤ 0 — so σ'(0) = 0 marks the unit
 * inactive and the float activation pattern differs from the exact one. `floatG` evaluates the
 * engine's float pre-activation of that unit at z.
 */
export function hyperplaneInput(net: Network, unit: number, floatG: (z: [number, number]) => number): [number, number] {
  const m = net.weights[0].cols,
    W = net.weights[0].data;
  const w0 = W[unit],
    w1 = W[m + unit];
  for (let c = 1; c < 3; c += 0.0371) {
    const x0 = w1 * c,
      base = -w0 * c;
    for (const k of [1, -1, 2, -2, 3, -3]) {
      const z: [number, number] = [x0, ulpsAway(base, k)];
      const exact = add(mul(dy(z[0]), dy(w0)), mul(dy(z[1]), dy(w1)));
      if (exact.m > 0n && floatG(z) <= 0) return z;
    }
  }
  throw new Error('hyperplaneInput: no candidate found');
}
