import { describe, expect, it } from 'vitest';
import { leaseWasm, withTransientWasm } from '../linalg/wasmKernels.ts';
import { createRng, fillGaussianRange, fillSphereRange } from './rng.ts';

const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** n normals of stream `seed` by the JS loop (fills of 17 < 48 entries never run the WebAssembly path). */
function jsNormals(seed: string, n: number, scale: number): Float64Array {
  const out = new Float64Array(n);
  const r = createRng(seed);
  for (let k = 0; k < n; k += 17) fillGaussianRange(r, out, k, Math.min(n, k + 17), scale);
  return out;
}

describe('sampling kernels (random/wasm/sampling.wasm in the workspace scratch area)', () => {
  it('in a transient workspace the fills load their tables into that memory and give the bits of the JS loop; the persistent workspace is unaffected', () => {
    const n = 5000; // two chunks of the kernel
    const want = jsNormals('samp-transient', n, 0.7);
    const before = new Float64Array(n);
    fillGaussianRange(createRng('samp-transient'), before, 0, n, 0.7); // tables now in the persistent scratch area
    expect(bits(before).equals(bits(want))).toBe(true);
    const inside = withTransientWasm(256, (view) => {
      view.fill(11);
      const a = new Float64Array(n);
      fillGaussianRange(createRng('samp-transient'), a, 0, n, 0.7);
      const s = new Float64Array(100);
      fillSphereRange(createRng('samp-sphere'), s, 0, 100, 3);
      return { a, s, intact: view.every((v) => v === 11) };
    })!;
    expect(inside.intact).toBe(true);
    expect(bits(inside.a).equals(bits(want))).toBe(true);
    // the sphere row: the same normals scaled by 3/‖z‖ with ‖z‖² in the interleaved order of rng.ts
    const z = jsNormals('samp-sphere', 100, 1);
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let k = 0; k < 100; k += 4) {
      s0 += z[k] * z[k];
      s1 += z[k + 1] * z[k + 1];
      s2 += z[k + 2] * z[k + 2];
      s3 += z[k + 3] * z[k + 3];
    }
    const sc = 3 / Math.sqrt(s0 + s2 + (s1 + s3));
    for (let k = 0; k < 100; k++) expect(inside.s[k]).toBe(z[k] * sc);
    const after = new Float64Array(n);
    fillGaussianRange(createRng('samp-transient'), after, 0, n, 0.7);
    expect(bits(after).equals(bits(want))).toBe(true);
  });

  it('fills run in the scratch area below every lease: a lease filling the whole workspace is left intact', () => {
    const probe = leaseWasm(1)!;
    const room = (probe.f64.buffer.byteLength - probe.f64.byteOffset) / 8;
    probe.release();
    const all = leaseWasm(room)!;
    try {
      all.f64.fill(-1);
      const a = new Float64Array(3000);
      fillGaussianRange(createRng('samp-full'), a, 0, 3000, 1);
      expect(bits(a).equals(bits(jsNormals('samp-full', 3000, 1)))).toBe(true);
      expect(all.f64.every((v) => v === -1)).toBe(true);
    } finally {
      all.release();
    }
  });
});
