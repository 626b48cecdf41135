// AssemblyScript source of src/ntk/wasm/network.wasm (build: `npm run build:wasm`; a test checks that
// the committed binary is exactly what this source compiles to). Loaded and dispatched by ../wasmNetwork.ts,
// on the WebAssembly workspace of src/linalg/wasmKernels.ts (imported memory: this module owns no memory
// and no data; every array it reads or writes is in a lease of that workspace).
//
// Network kernels in 128-bit SIMD (f64x2) without fused multiply-add (relaxed SIMD is not enabled): every
// product and sum is an IEEE-754 double operation rounded to nearest, in the order of the JS loops they
// replace (../lipschitzEstimate.ts, ../twoLayer.ts), so the results are bit-identical to them.

import { axpy } from '../../linalg/wasm/vector.as';

/**
 * Masked accumulation of a product of Jacobian factors (lipschitzEstimate.ts certifiedJacobian):
 * for every row c < d and every a < nIn with g[a] > 0,
 *   O[c, :] += J[c, a]·W[a, :]   and   Q[c, :] += P[c, a]·Wabs[a, :]
 * (J, P: d × nIn; W, Wabs: nIn × nOut; O, Q: d × nOut, accumulated in place). Each output entry
 * receives the same products in the same order (a ascending) as the JS loops — the two lanes run
 * over adjacent output entries, never within one sum — so the result is bit-identical.
 */
export function maskedAccumulate(J: usize, P: usize, g: usize, W: usize, Wabs: usize, d: i32, nIn: i32, nOut: i32, O: usize, Q: usize): void {
  const inBytes = <usize>nIn << 3;
  const outBytes = <usize>nOut << 3;
  for (let c = 0; c < d; c++) {
    const jc = J + <usize>c * inBytes, pc = P + <usize>c * inBytes;
    const oc = O + <usize>c * outBytes, qc = Q + <usize>c * outBytes;
    for (let a = 0; a < nIn; a++) {
      const ao = <usize>a << 3;
      if (!(load<f64>(g + ao) > 0)) continue;
      const v = load<f64>(jc + ao), pv = load<f64>(pc + ao);
      const wa = W + <usize>a * outBytes, ba = Wabs + <usize>a * outBytes;
      if (v != 0) axpy(oc, wa, v, nOut);
      if (pv != 0) axpy(qc, ba, pv, nOut);
    }
  }
}

/*
 * Gradient descent of ntk/twoLayer.ts `trainGd` (two-layer ReLU network, first layer trained): one
 * forward pass and one gradient step, bit-identical to its JS loops — every result is the same IEEE
 * operations in the same order (sums over q per (r, i), over i per (r, q), over r per sample i, and
 * the step's per-neuron sums added in order r). FOUR NEURONS per iteration, one per lane of two f64x2
 * registers A = (r, r+1), B = (r+2, r+3), sharing each broadcast x_iq: the weights are stored
 * transposed, wT (d × mp, wT[q·mp + r] = w_rq, mp = m rounded up to a multiple of 4), likewise w0T,
 * and pre-activations zT (n × mp). Padding lanes (r ≥ m) hold zeros and are masked out of every result.
 */

/** Lanes r, r+1 of an (· × mp) transposed array at row k. */
@inline function pair(p: usize, mp: i32, k: i32, r: i32): v128 { return v128.load(p + ((<usize>k * <usize>mp + <usize>r) << 3)); }

/** All-ones in the lanes of (r, r+1) that are real neurons (< m). */
@inline function laneMask(r: i32, m: i32): v128 {
  return i64x2.replace_lane(i64x2.replace_lane(i64x2.splat(0), 0, r < m ? -1 : 0), 1, r + 1 < m ? -1 : 0);
}

/** `if (v > cur) cur = v` of the JS loop (f64.max would differ on NaN). */
@inline function larger(cur: f64, v: f64): f64 { return v > cur ? v : cur; }

/** Sign changes of one register's lanes against the stored masks (valid lanes only). */
@inline function countChanges(sign0: usize, at: usize, posm: v128, valid: v128): f64 {
  const diff = v128.and(v128.xor(v128.load(sign0 + at), posm), valid); // −1 per changed lane
  return -<f64>(i64x2.extract_lane(diff, 0) + i64x2.extract_lane(diff, 1));
}

/**
 * Forward pass: for each neuron r, wn_r = (√(Σ_q w_rq²) × wc) × wc1 and movement Σ_q (w_rq − w0_rq)²
 * (order q); for each sample i, z_ri = Σ_q w_rq x_iq (order q; x row-major n × d), its sign against
 * sign0 (stored when first ≠ 0; 64-bit lane masks, n × mp), the certification test
 * |z_ri| ≤ (xn_i (E + gd·wn_r))·wc, and u_i += a_r z_ri, act_i += z_ri when z_ri > 0 (in order r) —
 * without branches: relu(s) = pmax(0, s) = (0 < s ? s : +0), and the JS loop's "add only when s > 0"
 * equals adding a_r·(+0) = ±0 to a sum that started at +0 (such a sum is never −0). u and act must be
 * zero on entry. out[0] = Σ_r wn_r, out[1] = max_r movement², out[2] = sign changes, out[3] = 1 if every
 * test passed (only evaluated while `certified` ≠ 0), else 0.
 */
export function gdForward(wT: usize, w0T: usize, x: usize, zT: usize, sign0: usize, xn: usize, a: usize, u: usize, act: usize, out: usize, m: i32, n: i32, d: i32, first: i32, certified: i32, E: f64, gd: f64, wc: f64, wc1: f64): void {
  const mp = (m + 3) & ~3;
  let sumWn: f64 = 0, maxMov: f64 = 0, changes: f64 = 0;
  let cert = certified;
  const zero = f64x2.splat(0), wcv = f64x2.splat(wc), wc1v = f64x2.splat(wc1), Ev = f64x2.splat(E), gdv = f64x2.splat(gd);
  for (let r = 0; r < m; r += 4) {
    let wnA = zero, mvA = zero, wnB = zero, mvB = zero;
    for (let q = 0; q < d; q++) {
      const tA = pair(wT, mp, q, r), tB = pair(wT, mp, q, r + 2);
      wnA = f64x2.add(wnA, f64x2.mul(tA, tA));
      wnB = f64x2.add(wnB, f64x2.mul(tB, tB));
      const dA = f64x2.sub(tA, pair(w0T, mp, q, r)), dB = f64x2.sub(tB, pair(w0T, mp, q, r + 2));
      mvA = f64x2.add(mvA, f64x2.mul(dA, dA));
      mvB = f64x2.add(mvB, f64x2.mul(dB, dB));
    }
    const wvA = f64x2.mul(f64x2.mul(f64x2.sqrt(wnA), wcv), wc1v), wvB = f64x2.mul(f64x2.mul(f64x2.sqrt(wnB), wcv), wc1v);
    // Σ wn and max movement in order r (r is always a real neuron; the others only if < m)
    sumWn += f64x2.extract_lane(wvA, 0);
    maxMov = larger(maxMov, f64x2.extract_lane(mvA, 0));
    if (r + 1 < m) { sumWn += f64x2.extract_lane(wvA, 1); maxMov = larger(maxMov, f64x2.extract_lane(mvA, 1)); }
    if (r + 2 < m) { sumWn += f64x2.extract_lane(wvB, 0); maxMov = larger(maxMov, f64x2.extract_lane(mvB, 0)); }
    if (r + 3 < m) { sumWn += f64x2.extract_lane(wvB, 1); maxMov = larger(maxMov, f64x2.extract_lane(mvB, 1)); }
    const vA = laneMask(r, m), vB = laneMask(r + 2, m);
    const ewA = f64x2.add(Ev, f64x2.mul(gdv, wvA)), ewB = f64x2.add(Ev, f64x2.mul(gdv, wvB)); // E + gd·wn_r
    const apA = v128.load(a + (<usize>r << 3)), apB = v128.load(a + (<usize>r << 3), 16);
    for (let i = 0; i < n; i++) {
      const xi = x + ((<usize>i * <usize>d) << 3);
      let accA = zero, accB = zero;
      for (let q = 0; q < d; q++) {
        const xv = f64x2.splat(load<f64>(xi + (<usize>q << 3)));
        accA = f64x2.add(accA, f64x2.mul(pair(wT, mp, q, r), xv));
        accB = f64x2.add(accB, f64x2.mul(pair(wT, mp, q, r + 2), xv));
      }
      const at = (<usize>i * <usize>mp + <usize>r) << 3;
      v128.store(zT + at, accA);
      v128.store(zT + at, accB, 16);
      const pA = f64x2.ge(accA, zero), pB = f64x2.ge(accB, zero);
      if (first) {
        v128.store(sign0 + at, pA);
        v128.store(sign0 + at, pB, 16);
      } else changes += countChanges(sign0, at, pA, vA) + countChanges(sign0, at + 16, pB, vB);
      if (cert) {
        const xv = f64x2.splat(load<f64>(xn + (<usize>i << 3)));
        const bad = v128.or(
          v128.and(f64x2.le(f64x2.abs(accA), f64x2.mul(f64x2.mul(xv, ewA), wcv)), vA), // |z| ≤ (xn_i·(E + gd·wn_r))·wc
          v128.and(f64x2.le(f64x2.abs(accB), f64x2.mul(f64x2.mul(xv, ewB), wcv)), vB));
        if (v128.any_true(bad)) cert = 0;
      }
      const rA = f64x2.pmax(zero, accA), rB = f64x2.pmax(zero, accB);
      const prA = f64x2.mul(apA, rA), prB = f64x2.mul(apB, rB);
      const io = <usize>i << 3;
      store<f64>(u + io, load<f64>(u + io) + f64x2.extract_lane(prA, 0) + f64x2.extract_lane(prA, 1) + f64x2.extract_lane(prB, 0) + f64x2.extract_lane(prB, 1));
      store<f64>(act + io, load<f64>(act + io) + f64x2.extract_lane(rA, 0) + f64x2.extract_lane(rA, 1) + f64x2.extract_lane(rB, 0) + f64x2.extract_lane(rB, 1));
    }
  }
  store<f64>(out, sumWn);
  store<f64>(out, maxMov, 8);
  store<f64>(out, changes, 16);
  store<f64>(out, <f64>cert, 24);
}

/**
 * Gradient step: for each neuron r, c_ri = z_ri ≥ 0 ? (a_r·s)·e_i : 0 (s = 1/√m), g_rq = Σ_i c_ri x_iq
 * in order i (the JS loop skips c = 0; adding ±0 here changes no sum: a sum started at +0 is never −0),
 * w_rq ← w_rq − η g_rq, and Σ g², Σ w² as Σ_r (Σ_q ·) (inner sums in order q, outer in order r: one
 * sequential chain over all (r, q) was latency-bound). c: 4n scratch doubles. out[0] = Σ g², out[1] = Σ w².
 */
export function gdBackward(wT: usize, x: usize, zT: usize, a: usize, e: usize, c: usize, out: usize, m: i32, n: i32, d: i32, invSqrtM: f64, eta: f64): void {
  const mp = (m + 3) & ~3;
  let g2: f64 = 0, w2: f64 = 0;
  const zero = f64x2.splat(0), etav = f64x2.splat(eta), sv = f64x2.splat(invSqrtM);
  for (let r = 0; r < m; r += 4) {
    const arA = f64x2.mul(v128.load(a + (<usize>r << 3)), sv), arB = f64x2.mul(v128.load(a + (<usize>r << 3), 16), sv);
    for (let i = 0; i < n; i++) {
      const at = (<usize>i * <usize>mp + <usize>r) << 3;
      const ev = f64x2.splat(load<f64>(e + (<usize>i << 3)));
      v128.store(c + (<usize>i << 5), v128.bitselect(f64x2.mul(arA, ev), zero, f64x2.ge(v128.load(zT + at), zero)));
      v128.store(c + (<usize>i << 5), v128.bitselect(f64x2.mul(arB, ev), zero, f64x2.ge(v128.load(zT + at, 16), zero)), 16);
    }
    let gsA = zero, wsA = zero, gsB = zero, wsB = zero;
    for (let q = 0; q < d; q++) {
      let gA = zero, gB = zero;
      for (let i = 0; i < n; i++) {
        const xv = f64x2.splat(load<f64>(x + ((<usize>i * <usize>d + <usize>q) << 3)));
        const ci = c + (<usize>i << 5);
        gA = f64x2.add(gA, f64x2.mul(v128.load(ci), xv));
        gB = f64x2.add(gB, f64x2.mul(v128.load(ci, 16), xv));
      }
      const wo = wT + ((<usize>q * <usize>mp + <usize>r) << 3);
      const tA = f64x2.sub(v128.load(wo), f64x2.mul(etav, gA)), tB = f64x2.sub(v128.load(wo, 16), f64x2.mul(etav, gB));
      v128.store(wo, tA);
      v128.store(wo, tB, 16);
      gsA = f64x2.add(gsA, f64x2.mul(gA, gA));
      wsA = f64x2.add(wsA, f64x2.mul(tA, tA));
      gsB = f64x2.add(gsB, f64x2.mul(gB, gB));
      wsB = f64x2.add(wsB, f64x2.mul(tB, tB));
    }
    g2 += f64x2.extract_lane(gsA, 0);
    w2 += f64x2.extract_lane(wsA, 0);
    if (r + 1 < m) { g2 += f64x2.extract_lane(gsA, 1); w2 += f64x2.extract_lane(wsA, 1); }
    if (r + 2 < m) { g2 += f64x2.extract_lane(gsB, 0); w2 += f64x2.extract_lane(wsB, 0); }
    if (r + 3 < m) { g2 += f64x2.extract_lane(gsB, 1); w2 += f64x2.extract_lane(wsB, 1); }
  }
  store<f64>(out, g2);
  store<f64>(out, w2, 8);
}

/**
 * Pre-activations z_ri = Σ_q w_rq x_iq (order q) of a two-layer network, ntk/twoLayer.ts
 * `preActivations`, bit-identical to its JS loop: w (m × d row-major), xT = Xᵀ (d × n), z (m × n
 * row-major); two samples per f64x2 register, one per lane, a last odd sample in scalar code.
 */
export function preActivations(w: usize, xT: usize, m: i32, n: i32, d: i32, z: usize): void {
  for (let r = 0; r < m; r++) {
    const wr = w + ((<usize>r * <usize>d) << 3), zr = z + ((<usize>r * <usize>n) << 3);
    let i = 0;
    for (; i + 1 < n; i += 2) {
      let acc = f64x2.splat(0);
      for (let q = 0; q < d; q++) acc = f64x2.add(acc, f64x2.mul(f64x2.splat(load<f64>(wr + (<usize>q << 3))), v128.load(xT + ((<usize>q * <usize>n + <usize>i) << 3))));
      v128.store(zr + (<usize>i << 3), acc);
    }
    if (i < n) {
      let s: f64 = 0;
      for (let q = 0; q < d; q++) s += load<f64>(wr + (<usize>q << 3)) * load<f64>(xT + ((<usize>q * <usize>n + <usize>i) << 3));
      store<f64>(zr + (<usize>i << 3), s);
    }
  }
}
