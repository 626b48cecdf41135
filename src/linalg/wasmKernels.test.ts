import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { choleskyInPlace, choleskyInPlaceJs, solveLowerInPlace, solveLowerInPlaceJs, solveLowerTransposeInPlace, solveUpperInPlace } from './cholesky.ts';
import { gammaUp, gram, gramJs } from './blas.ts';
import { householderTridiagonalize } from './eigh.ts';
import { leaseWasm, wasmKernelsAvailable, wasmTridiagonalize, wasmWorkspaceBytes, WASM_MAX_BYTES, WASM_SCRATCH_BYTES } from './wasmKernels.ts';
import { lambdaMinCertified } from './lambdaMin.ts';
import { createRng } from '../random/rng.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The WebAssembly modules, in the order `npm run build:wasm` compiles them (scripts/wasm-modules.mjs). */
const WASM_BINARIES = ['src/linalg/wasm/linalg.wasm', 'src/random/wasm/sampling.wasm', 'src/ntk/wasm/network.wasm'];

function spd(n: number, seed: string, shift = 1e-3): Float64Array {
  const rng = createRng(seed);
  const d = n + 3;
  const f = new Float64Array(n * d);
  for (let i = 0; i < f.length; i++) f[i] = rng.next() - 0.5;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += f[i * d + t] * f[j * d + t];
      a[i * n + j] = a[j * n + i] = s / d;
    }
  for (let i = 0; i < n; i++) a[i * n + i] += shift;
  return a;
}

/** Higham Thm 10.3, entrywise: |A − L̂L̂ᵀ| ≤ γ_{n+1}|L̂||L̂ᵀ| (checked with a 2× margin for the rounding of the check itself). */
function choleskyBackwardErrorOk(a: Float64Array, l: Float64Array, n: number): boolean {
  const g = gammaUp(n + 1);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0,
        abs = 0;
      for (let k = 0; k <= j; k++) {
        s += l[i * n + k] * l[j * n + k];
        abs += Math.abs(l[i * n + k] * l[j * n + k]);
      }
      if (Math.abs(a[i * n + j] - s) > 2 * g * abs + 1e-300) return false;
    }
  return true;
}

describe('WebAssembly SIMD kernels', () => {
  it('are available on Node 20 (else everything silently runs the JS kernels)', () => {
    expect(wasmKernelsAvailable()).toBe(true);
  });

  it('build:wasm compiles exactly the three modules (linalg, sampling, network), each to its committed binary', async () => {
    if (!existsSync(join(root, 'node_modules/assemblyscript/package.json'))) throw new Error('assemblyscript (devDependency) is not installed');
    const script = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['build:wasm'] as string;
    expect(script).toBe('node scripts/build-wasm.mjs');
    const dir = mkdtempSync(join(tmpdir(), 'ntk-wasm-'));
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['scripts/build-wasm.mjs', '--out-dir', dir], { cwd: root });
      const written = JSON.parse(stdout) as Record<string, string>;
      expect(Object.keys(written)).toEqual(WASM_BINARIES);
      for (const file of WASM_BINARIES) {
        expect(written[file]).toBe(join(dir, basename(file)));
        expect(Buffer.compare(readFileSync(written[file]), readFileSync(join(root, file))), file).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('each module imports only env.memory and has no memory, data or start section of its own, so instantiating it on the shared workspace writes nothing there', () => {
    // section ids (WebAssembly core spec §5.5.2): 5 memory, 8 start, 11 data, 12 data count
    const sectionIds = (b: Buffer): number[] => {
      expect(b.subarray(0, 8).equals(Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toBe(true);
      const ids: number[] = [];
      let p = 8;
      while (p < b.length) {
        ids.push(b[p++]);
        let size = 0,
          shift = 0,
          byte: number;
        do {
          byte = b[p++];
          size += (byte & 0x7f) * 2 ** shift;
          shift += 7;
        } while (byte & 0x80);
        p += size;
      }
      expect(p).toBe(b.length);
      return ids;
    };
    for (const file of WASM_BINARIES) {
      const bytes = readFileSync(join(root, file));
      const ids = sectionIds(bytes);
      expect(
        ids.filter((id) => [5, 8, 11, 12].includes(id)),
        file,
      ).toEqual([]);
      const module = new WebAssembly.Module(bytes);
      expect(WebAssembly.Module.imports(module), file).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
      expect(
        WebAssembly.Module.exports(module).filter((e) => e.kind === 'memory'),
        file,
      ).toEqual([]);
      // behaviourally: a memory full of a pattern is unchanged by instantiation
      const memory = new WebAssembly.Memory({ initial: 2, maximum: 2 });
      const view = new Uint8Array(memory.buffer);
      for (let i = 0; i < view.length; i++) view[i] = (i * 131 + 7) & 0xff;
      new WebAssembly.Instance(module, { env: { memory } });
      let changed = 0;
      for (let i = 0; i < view.length; i++) if (view[i] !== ((i * 131 + 7) & 0xff)) changed++;
      expect(changed, file).toBe(0);
    }
  });

  it("Cholesky: every order n = 1..70 and 157, copied or resident, satisfies Higham's backward error bound and agrees with the JS kernel", () => {
    for (const n of [...Array.from({ length: 70 }, (_, i) => i + 1), 157]) {
      const a = spd(n, `wasm-chol-${n}`);
      const js = Float64Array.from(a);
      expect(choleskyInPlaceJs(js, n).ok).toBe(true);
      const copied = Float64Array.from(a);
      expect(choleskyInPlace(copied, n).ok).toBe(true);
      const lease = leaseWasm(n * n)!;
      try {
        lease.f64.set(a);
        expect(choleskyInPlace(lease.f64, n).ok).toBe(true);
        // resident and copied runs are bit-identical (the copy path runs the same kernel)
        if (n >= 24) expect(Array.from(lease.f64)).toEqual(Array.from(copied));
        expect(choleskyBackwardErrorOk(a, lease.f64, n)).toBe(true);
        let maxDiff = 0,
          maxL = 0;
        for (let i = 0; i < n; i++)
          for (let j = 0; j <= i; j++) {
            maxDiff = Math.max(maxDiff, Math.abs(lease.f64[i * n + j] - js[i * n + j]));
            maxL = Math.max(maxL, Math.abs(js[i * n + j]));
          }
        // two backward-stable factorisations of a well-conditioned matrix (κ ≤ ~1e4 here) agree closely
        expect(maxDiff).toBeLessThanOrEqual(1e-10 * maxL);
        // the strict upper triangle is untouched
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(lease.f64[i * n + j]).toBe(a[i * n + j]);
      } finally {
        lease.release();
      }
    }
  });

  it('Cholesky fails at the same row as the JS kernel (negative pivot, NaN, ∞)', () => {
    for (const n of [5, 33, 64, 101]) {
      for (const bad of [3, Math.floor(n / 2), n - 1]) {
        for (const poison of ['negative', 'nan', 'inf'] as const) {
          const a = spd(n, `wasm-fail-${n}`);
          // make the top-left (bad+1)×(bad+1) block indefinite / non-finite exactly at row `bad`
          if (poison === 'negative') a[bad * n + bad] = -1;
          else a[bad * n + bad] = poison === 'nan' ? NaN : Infinity;
          const js = Float64Array.from(a);
          const w = Float64Array.from(a);
          const rj = choleskyInPlaceJs(js, n);
          const lease = leaseWasm(n * n)!;
          try {
            lease.f64.set(a);
            const rw = choleskyInPlace(lease.f64, n);
            expect(rj).toEqual({ ok: false, failedAt: bad });
            expect(rw).toEqual(rj);
            expect(choleskyInPlace(w, n)).toEqual(rj);
          } finally {
            lease.release();
          }
        }
      }
    }
  });

  it('triangular solves with a resident factor meet the componentwise residual bound |b − T x̂| ≤ γ_n |T||x̂| (Higham Thm 8.5)', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 31, 64, 99, 200]) {
      const a = spd(n, `wasm-solve-${n}`);
      const lease = leaseWasm(n * n)!;
      try {
        const l = lease.f64;
        l.set(a);
        expect(choleskyInPlace(l, n).ok).toBe(true);
        const rng = createRng(`rhs-${n}`);
        const b = Float64Array.from({ length: n }, () => rng.next() - 0.5);
        const g = gammaUp(n);
        const check = (x: Float64Array, entry: (i: number, k: number) => number) => {
          for (let i = 0; i < n; i++) {
            let s = 0,
              abs = 0;
            for (let k = 0; k < n; k++) {
              s += entry(i, k) * x[k];
              abs += Math.abs(entry(i, k) * x[k]);
            }
            expect(Math.abs(b[i] - s)).toBeLessThanOrEqual(2 * g * abs + 1e-300);
          }
        };
        const lower = (i: number, k: number) => (k <= i ? l[i * n + k] : 0);
        const xl = solveLowerInPlace(l, n, Float64Array.from(b));
        check(xl, lower);
        expect(Array.from(xl).every(Number.isFinite)).toBe(true);
        const xj = solveLowerInPlaceJs(Float64Array.from(l), n, Float64Array.from(b));
        for (let i = 0; i < n; i++) expect(Math.abs(xl[i] - xj[i])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(xj[i])));
        check(solveLowerTransposeInPlace(l, n, Float64Array.from(b)), (i, k) => lower(k, i));
        for (let i = 0; i < n; i++) for (let k = 0; k < i; k++) l[k * n + i] = l[i * n + k]; // U = Lᵀ in the upper triangle
        check(solveUpperInPlace(l, n, Float64Array.from(b)), (i, k) => (k >= i ? l[i * n + k] : 0));
      } finally {
        lease.release();
      }
    }
  });

  it('gram: exactly symmetric, within 2γ_d|X||X|ᵀ of the JS kernel entrywise (both are within γ_d|X||X|ᵀ of X Xᵀ)', () => {
    for (const n of [4, 5, 7, 8, 9, 31, 48, 101])
      for (const d of [16, 17, 255, 256, 257, 600]) {
        const rng = createRng(`gram-${n}-${d}`);
        const x = { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => rng.next() - 0.5) };
        const a = gram(x).data;
        const b = gramJs(x).data;
        const g = gammaUp(d);
        // one expect per (n, d): the asymmetric entries and those beyond the bound, listed (none expected)
        const bad: string[] = [];
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            if (a[i * n + j] !== a[j * n + i]) bad.push(`asymmetric (${i},${j})`);
            let abs = 0;
            for (let k = 0; k < d; k++) abs += Math.abs(x.data[i * d + k] * x.data[j * d + k]);
            if (!(Math.abs(a[i * n + j] - b[i * n + j]) <= 2 * g * abs * (1 + 1e-12))) bad.push(`(${i},${j}): ${a[i * n + j]} vs ${b[i * n + j]}`);
          }
        expect(bad, `n = ${n}, d = ${d}`).toEqual([]);
      }
  });

  it('tridiagonalisation: same tridiagonal as the JS reduction up to rounding, and the trace and Frobenius norm are preserved', () => {
    for (const n of [8, 9, 10, 11, 17, 40, 64, 97]) {
      const a = spd(n, `tri-${n}`, 0);
      // make it indefinite too: subtract the mean diagonal
      let tr = 0;
      for (let i = 0; i < n; i++) tr += a[i * n + i];
      for (let i = 0; i < n; i++) a[i * n + i] -= tr / n;
      const d = new Float64Array(n),
        e = new Float64Array(n);
      expect(wasmTridiagonalize(a, n, 1, d, e)).toBe(true);
      const dj = new Float64Array(n),
        ej = new Float64Array(n);
      householderTridiagonalize(Float64Array.from(a), n, dj, ej, false);
      let fro = 0,
        froT = 0,
        trT = 0,
        scale = 0;
      for (let i = 0; i < n * n; i++) fro += a[i] * a[i];
      for (let i = 0; i < n; i++) {
        froT += d[i] * d[i] + 2 * e[i] * e[i];
        trT += d[i];
        scale = Math.max(scale, Math.abs(dj[i]) + Math.abs(ej[i]));
      }
      expect(e[0]).toBe(0);
      expect(Math.abs(trT)).toBeLessThanOrEqual(1e-12 * Math.sqrt(fro)); // trace was made 0
      expect(Math.abs(froT - fro)).toBeLessThanOrEqual(1e-12 * fro);
      for (let i = 0; i < n; i++) {
        expect(Math.abs(d[i] - dj[i])).toBeLessThanOrEqual(1e-11 * scale);
        expect(Math.abs(Math.abs(e[i]) - Math.abs(ej[i]))).toBeLessThanOrEqual(1e-11 * scale);
      }
    }
  });

  it('above the workspace limit λ_min (transient workspace) and λ_min on a lent work array (JS kernels) both enclose the known λ_min tightly', () => {
    // rank-6 + 0.5·I: λ_min = 0.5 up to rounding
    const lowRankPlusHalf = (n: number) => {
      const rng = createRng(`transient-${n}`);
      const d = 6;
      const f = Float64Array.from({ length: n * d }, () => rng.next() - 0.5);
      const k = { rows: n, cols: n, data: new Float64Array(n * n) };
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let t = 0; t < d; t++) s += f[i * d + t] * f[j * d + t];
          k.data[i * n + j] = k.data[j * n + i] = s;
        }
      for (let i = 0; i < n; i++) k.data[i * n + i] += 0.5;
      return k;
    };
    const n = 2300; // 2300² doubles = 42 MB > WASM_MAX_BYTES
    expect(n * n * 8).toBeGreaterThan(WASM_MAX_BYTES);
    const fast = lambdaMinCertified(lowRankPlusHalf(n));
    // a lent work array keeps the JS kernels, whatever the order (the order of the test above costs 4 CPU-s in JS)
    const m = 700;
    const js = lambdaMinCertified(lowRankPlusHalf(m), { work: new Float64Array(m * m) });
    for (const e of [fast, js]) {
      expect(e.lower).toBeLessThanOrEqual(0.5 + 1e-9);
      expect(e.upper).toBeGreaterThanOrEqual(0.5 - 1e-9);
      expect(e.upper - e.lower).toBeLessThanOrEqual(1e-6);
    }
  }, 120_000);

  it('leases are LIFO, stack above each other and never exceed the fixed-size workspace', () => {
    const size = wasmWorkspaceBytes();
    expect(size).toBe(WASM_MAX_BYTES);
    const a = leaseWasm(100)!;
    const b = leaseWasm(10)!;
    expect(b.f64.byteOffset).toBe(a.f64.byteOffset + 800);
    expect(() => a.release()).toThrow(/LIFO/);
    // what does not fit above the live leases is refused (never a grown memory that would detach a.f64)
    expect(leaseWasm(WASM_MAX_BYTES / 8 - 100)).toBeNull();
    expect(a.f64.length).toBe(100);
    b.release();
    a.release();
    // the first lease starts just above the scratch area (the sampler's state, tables and buffer) and the last ends at the top
    expect(a.f64.byteOffset).toBe(WASM_SCRATCH_BYTES);
    const room = (WASM_MAX_BYTES - a.f64.byteOffset) / 8;
    expect(leaseWasm(room + 1)).toBeNull();
    const full = leaseWasm(room)!;
    expect(full.f64.byteOffset).toBe(a.f64.byteOffset);
    full.release();
  });
});
