import { describe, expect, it } from 'vitest';
import { leaseWasm, withTransientWasm } from '../linalg/wasmKernels.ts';
import { createRng, fillGaussian } from '../random/rng.ts';
import { wasmGdWorkspace, wasmMaskedAccumulate, wasmPreActivations } from './wasmNetwork.ts';

/** The masked accumulation written out plainly (the loops of lipschitzEstimate.ts). */
function maskedPlain(J: Float64Array, P: Float64Array, g: Float64Array, W: Float64Array, d: number, nIn: number, nOut: number): [Float64Array, Float64Array] {
  const O = new Float64Array(d * nOut),
    Q = new Float64Array(d * nOut);
  for (let c = 0; c < d; c++)
    for (let a = 0; a < nIn; a++) {
      if (!(g[a] > 0)) continue;
      const v = J[c * nIn + a],
        pv = P[c * nIn + a];
      if (v !== 0) for (let j = 0; j < nOut; j++) O[c * nOut + j] += v * W[a * nOut + j];
      if (pv !== 0) for (let j = 0; j < nOut; j++) Q[c * nOut + j] += pv * Math.abs(W[a * nOut + j]);
    }
  return [O, Q];
}

/** z = W Xᵀ, each entry summed in order q (W m × d, X n × d). */
function preActPlain(w: Float64Array, m: number, x: Float64Array, n: number, d: number): Float64Array {
  const z = new Float64Array(m * n);
  for (let r = 0; r < m; r++)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let q = 0; q < d; q++) s += w[r * d + q] * x[i * d + q];
      z[r * n + i] = s;
    }
  return z;
}

/** Weights w (m × d) and inputs x (n × d), standard Gaussian from the stream `seed`, and that stream for further draws. */
function gaussianLayer(seed: string, m: number, n: number, d: number) {
  const rng = createRng(seed);
  const w = fillGaussian(rng, new Float64Array(m * d)),
    x = fillGaussian(rng, new Float64Array(n * d));
  return { rng, w, x };
}

const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('network kernels (ntk/wasm/network.wasm on the shared workspace)', () => {
  it('masked accumulation is bit-identical to the plain loops (lanes run over output entries, never within a sum)', () => {
    // biome-ignore format: a table of cases, kept on one line
    const shapes = [[3, 5, 8], [7, 13, 9], [20, 64, 33], [1, 100, 128]];
    for (const [d, nIn, nOut] of shapes) {
      const rng = createRng(`mask-${d}-${nIn}-${nOut}`);
      const rnd = (len: number, zeros = 0.2) => Float64Array.from({ length: len }, () => (rng.next() < zeros ? 0 : rng.next() - 0.5));
      const J = rnd(d * nIn),
        P = rnd(d * nIn).map(Math.abs),
        g = rnd(nIn, 0.3),
        W = rnd(nIn * nOut, 0);
      const O = new Float64Array(d * nOut),
        Q = new Float64Array(d * nOut);
      expect(wasmMaskedAccumulate(J, P, g, W, d, nIn, nOut, O, Q)).toBe(true);
      const [O2, Q2] = maskedPlain(J, P, g, W, d, nIn, nOut);
      expect(Array.from(O)).toEqual(Array.from(O2));
      expect(Array.from(Q)).toEqual(Array.from(Q2));
    }
  });

  it('in a transient workspace the network kernels run on that memory (a second instance), bit-identical to the plain loops, and again on the persistent one afterwards', () => {
    const [m, n, d] = [40, 33, 7];
    const { rng, w, x } = gaussianLayer('net-transient', m, n, d);
    const want = preActPlain(w, m, x, n, d);
    const before = new Float64Array(m * n);
    expect(wasmPreActivations(w, m, x, n, d, before)).toBe(true); // the persistent workspace's instance exists first
    expect(bits(before).equals(bits(want))).toBe(true);
    const J = fillGaussian(rng, new Float64Array(5 * 12)),
      P = J.map(Math.abs),
      g = fillGaussian(rng, new Float64Array(12)),
      W = fillGaussian(rng, new Float64Array(12 * 16));
    const [O2, Q2] = maskedPlain(J, P, g, W, 5, 12, 16);
    const inside = withTransientWasm(1000, (view) => {
      view.fill(7); // the transient lease holds a pattern that the kernels must leave alone
      const z = new Float64Array(m * n),
        O = new Float64Array(5 * 16),
        Q = new Float64Array(5 * 16);
      const used = wasmPreActivations(w, m, x, n, d, z) && wasmMaskedAccumulate(J, P, g, W, 5, 12, 16, O, Q);
      return { used, z, O, Q, intact: view.every((v) => v === 7) };
    })!;
    expect(inside.used).toBe(true);
    expect(inside.intact).toBe(true);
    expect(bits(inside.z).equals(bits(want))).toBe(true);
    expect(bits(inside.O).equals(bits(O2))).toBe(true);
    expect(bits(inside.Q).equals(bits(Q2))).toBe(true);
    const after = new Float64Array(m * n);
    expect(wasmPreActivations(w, m, x, n, d, after)).toBe(true);
    expect(bits(after).equals(bits(want))).toBe(true);
  });

  it('shares the leases of linalg: a gradient-descent workspace stacks above a live lease, leaves it intact, and releases in LIFO order', () => {
    const below = leaseWasm(64)!;
    try {
      below.f64.fill(-3.5);
      const [m, n, d] = [9, 4, 3];
      const { w, x } = gaussianLayer('net-share', m, n, d);
      const xn = Float64Array.from({ length: n }, (_, i) => Math.hypot(x[i * d], x[i * d + 1], x[i * d + 2]));
      const a = Float64Array.from({ length: m }, (_, r) => (r % 2 ? 1 : -1));
      const ws = wasmGdWorkspace(m, n, d, w, w, x, xn, a)!;
      expect(ws).not.toBeNull();
      expect(ws.u.buffer).toBe(below.f64.buffer);
      expect(ws.u.byteOffset).toBeGreaterThanOrEqual(below.f64.byteOffset + 64 * 8);
      expect(() => below.release()).toThrow(/LIFO/);
      ws.forward(true, false, 0, 0, 1, 1);
      // u_i = Σ_r a_r relu(w_rᵀx_i) in order r, each w_rᵀx_i summed in order q (the JS loop of twoLayer.ts)
      const z = preActPlain(w, m, x, n, d);
      for (let i = 0; i < n; i++) {
        let u = 0;
        for (let r = 0; r < m; r++) if (z[r * n + i] > 0) u += a[r] * z[r * n + i];
        expect(ws.u[i]).toBe(u);
      }
      const wOut = new Float64Array(m * d);
      ws.readW(wOut);
      expect(bits(wOut).equals(bits(w))).toBe(true);
      ws.release();
      expect(below.f64.every((v) => v === -3.5)).toBe(true);
    } finally {
      below.release();
    }
  });
});
