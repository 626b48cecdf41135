import fc from 'fast-check';
import { quadInvDec } from '../../test/support/decimalQuadForm.ts';
import { describe, expect, it } from 'vitest';
import { type Dec, Dm, exactDec, lambdaMaxBracket, lambdaMinBracket, referenceHInfinity, referenceLimiting, traceDec } from '../../test/kernelReference.ts';
import { dy, dyAdd, dyDec, dyMul, dySign, type Dy, DY_ONE, DY_ZERO } from '../../test/exactDyadic.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { nextDown, nextUp } from '../linalg/ulp.ts';
import { initNetwork } from '../ntk/network.ts';
import type { LabelModel } from './labels.ts';
import { type AuditInstance, CERTIFIED_HELPERS, enclosureOf, kernelMatrix, labelsOf } from './quantities.ts';

/**
 * Binary-exponent fuzz of the audit quantity families that quantitiesRange.test.ts (norms, max |cos|) does not
 * cover: geometry (distances, δ-separation, max |x_iᵀx_j|, λ_min(XXᵀ), ‖X‖₂), yᵀK⁻¹y for the label models, the
 * certified helpers on rescaled combinations, the empirical NTK JJᵀ (samples on and one ulp off a neuron's
 * hyperplane), σ_min(F_k) and the Lipschitz products. Rows carry binary exponents from −1074 to 1023 (one per row,
 * or one per entry), with duplicate, antiparallel and one-ulp-apart rows. Every enclosure must contain the exact
 * value of the stored doubles, or be the infinite enclosure of a quantity that is not certified; no NaN end, no
 * exception. Oracles, independent of the engine: decimal.js at 50 digits on the exact doubles
 * (test/kernelReference.ts) and exact dyadic BigInt arithmetic for the finite network (test/exactDyadic.ts).
 */

type Enc = { lower: number; upper: number; mid: number };
const NOT_CERTIFIED = (e: Enc) => e.lower === -Infinity && e.upper === Infinity;
/** The enclosure meets the oracle bracket [lo, hi] (a point when lo = hi). */
const meets = (e: Enc, lo: Dec, hi: Dec = lo) => (e.lower === -Infinity || exactDec(e.lower).lte(hi)) && (e.upper === Infinity || exactDec(e.upper).gte(lo));

function check(I: AuditInstance, name: string, lo: Dec | null, hi: Dec | null = lo): void {
  let e: Enc | undefined;
  expect(() => (e = enclosureOf(I, name)), `${name} threw on ${JSON.stringify(Array.from(I.x.data))}`).not.toThrow();
  const ok = ![e!.lower, e!.upper, e!.mid].some(Number.isNaN) && e!.lower <= e!.upper;
  expect(ok, `${name}: malformed ${JSON.stringify(e)} on ${JSON.stringify(Array.from(I.x.data))}`).toBe(true);
  if (NOT_CERTIFIED(e!) || lo === null) return;
  expect(
    meets(e!, lo, hi!),
    `${name}: exact [${lo.toSignificantDigits(12)}, ${hi!.toSignificantDigits(12)}] not in [${e!.lower}, ${e!.upper}] for ${JSON.stringify(Array.from(I.x.data))}, depth ${I.depth}, widths ${I.widths}`,
  ).toBe(true);
}

const inst = (x: Matrix, depth = 2, widths = Array(depth - 1).fill(2), extra: Partial<AuditInstance> = {}): AuditInstance => ({
  x,
  depth,
  widths,
  init: 'standard',
  netSeed: 'fam',
  data: 'file',
  normalize: 'none',
  ...extra,
});

/** N × d data with per-row (or per-entry) binary exponents, and rows 1.. optionally copies, negations or one-ulp neighbours of row 0. */
const hostileData = (maxN: number, maxD: number) =>
  fc
    .record({
      n: fc.integer({ min: 1, max: maxN }),
      d: fc.integer({ min: 1, max: maxD }),
      perEntry: fc.boolean(),
      exps: fc.array(fc.integer({ min: -1074, max: 1023 }), { minLength: maxN * maxD, maxLength: maxN * maxD }),
      vals: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: maxN * maxD, maxLength: maxN * maxD }),
      twin: fc.constantFrom('none', 'copy', 'negate', 'ulp', 'negate-ulp'),
    })
    .map(({ n, d, perEntry, exps, vals, twin }) => {
      const data = new Float64Array(n * d);
      for (let a = 0; a < n; a++)
        for (let k = 0; k < d; k++) {
          const v = vals[a * maxD + k] * 2 ** exps[perEntry ? a * maxD + k : a * maxD];
          data[a * d + k] = Number.isFinite(v) ? v : Math.sign(v) * Number.MAX_VALUE;
        }
      if (n >= 2 && twin !== 'none')
        for (let k = 0; k < d; k++) {
          const v = data[k];
          data[d + k] = twin === 'copy' ? v : twin === 'negate' ? -v : twin === 'ulp' ? (k === 0 ? nextUp(v) : v) : k === 0 ? -nextDown(v) : -v;
        }
      return { rows: n, cols: d, data } as Matrix;
    });

/** A network of depth 1..4 with hidden widths 1..3 (the first depth − 1 of three draws) and an initialisation. */
const SMALL_NETWORK = [
  fc.integer({ min: 1, max: 4 }),
  fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 3 }),
  fc.constantFrom('standard', 'he', 'lecun'),
] as const;

/** The network drawn by SMALL_NETWORK for data x, with a seed named after `tag`, depth and widths. */
function smallNetwork(tag: string, x: Matrix, depth: number, ws: number[], init: 'standard' | 'he' | 'lecun') {
  const widths = ws.slice(0, depth - 1);
  const netSeed = `${tag}-${depth}-${widths}`;
  return { widths, netSeed, net: initNetwork({ inputDim: x.cols, widths, init }, netSeed) };
}

const rowsDec = (x: Matrix): Dec[][] => Array.from({ length: x.rows }, (_, i) => Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols), exactDec));
const gramOf = (r: Dec[][]): Dec[][] => r.map((u) => r.map((v) => u.reduce((s, t, k) => s.add(t.mul(v[k])), new Dm(0))));
const transposeDec = (a: Dec[][]): Dec[][] => a[0].map((_, j) => a.map((r) => r[j]));
const sqrt0 = (v: Dec) => (v.lte(0) ? new Dm(0) : v.sqrt());

/** Exact forward features f_k and back-propagated signals b_k (k = 1..L, b_L = 1) of the stored network and data. */
function exactPasses(weights: Matrix[], x: Matrix): { feats: Dy[][][]; back: Dy[][][] } {
  const L = weights.length;
  const W = weights.map((w) => Array.from(w.data, dy));
  const feats: Dy[][][] = [],
    back: Dy[][][] = [];
  for (let i = 0; i < x.rows; i++) {
    const f: Dy[][] = [Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols), dy)];
    const g: Dy[][] = [];
    for (let l = 1; l < L; l++) {
      const w = weights[l - 1];
      const gl = Array.from({ length: w.cols }, (_, j) => f[l - 1].reduce((s, v, p) => dyAdd(s, dyMul(W[l - 1][p * w.cols + j], v)), DY_ZERO));
      g.push(gl);
      f.push(gl.map((v) => (dySign(v) > 0 ? v : DY_ZERO))); // ReLU, σ'(0) = 0
    }
    const b: Dy[][] = new Array<Dy[]>(L + 1);
    b[L] = [DY_ONE];
    for (let k = L - 1; k >= 1; k--) {
      const w = weights[k];
      b[k] = Array.from({ length: w.rows }, (_, a) =>
        dySign(g[k - 1][a]) > 0 ? b[k + 1].reduce((s, v, q) => dyAdd(s, dyMul(W[k][a * w.cols + q], v)), DY_ZERO) : DY_ZERO,
      );
    }
    feats.push(f);
    back.push(b);
  }
  return { feats, back };
}

/** J Jᵀ = Σ_k (F_kF_kᵀ)∘(B_{k+1}B_{k+1}ᵀ) exactly (src/ntk/empiricalNtk.ts decomposition), optionally × ∏ 2/n_l. */
function exactJJt(weights: Matrix[], x: Matrix, normalize: boolean): Dec[][] {
  const { feats, back } = exactPasses(weights, x);
  const L = weights.length;
  const dot = (u: Dy[], v: Dy[]) => u.reduce((s, t, p) => dyAdd(s, dyMul(t, v[p])), DY_ZERO);
  let c = new Dm(1);
  for (let l = 1; l < L; l++) c = c.mul(2).div(weights[l - 1].cols);
  return Array.from({ length: x.rows }, (_, i) =>
    Array.from({ length: x.rows }, (_, j) => {
      let s = DY_ZERO;
      for (let k = 0; k < L; k++) s = dyAdd(s, dyMul(dot(feats[i][k], feats[j][k]), dot(back[i][k + 1], back[j][k + 1])));
      return normalize ? dyDec(s).mul(c) : dyDec(s);
    }),
  );
}

describe('audit quantity families over the whole double range', () => {
  it('geometry: min distance, δ-separation, max |x_iᵀx_j|, λ_min(XXᵀ), ‖X‖₂ (duplicate, antiparallel, one-ulp-apart rows)', () => {
    fc.assert(
      fc.property(hostileData(3, 3), (x) => {
        const I = inst(x);
        const X = rowsDec(x),
          G = gramOf(X);
        let dist: Dec | null = null,
          sep: Dec | null = null,
          ip = new Dm(0);
        for (let a = 0; a < x.rows; a++)
          for (let b = a + 1; b < x.rows; b++) {
            const dm = X[a].reduce((s, v, k) => s.add(v.sub(X[b][k]).pow(2)), new Dm(0)).sqrt();
            const dp = X[a].reduce((s, v, k) => s.add(v.add(X[b][k]).pow(2)), new Dm(0)).sqrt();
            dist = dist === null || dm.lt(dist) ? dm : dist;
            sep = Dm.min(sep ?? dm, dm, dp);
            ip = Dm.max(ip, G[a][b].abs());
          }
        if (dist !== null) {
          check(I, 'minDistance', dist);
          check(I, 'separation', sep);
        } else {
          expect(enclosureOf(I, 'minDistance').lower).toBe(Infinity);
        }
        check(I, 'maxInnerProduct', ip);
        const lm = lambdaMinBracket(G),
          lx = lambdaMaxBracket(G);
        check(I, 'lambdaMinGram', lm.lo, lm.hi);
        check(I, 'norm2X', sqrt0(lx.lo), sqrt0(lx.hi));
        check(I, 'trace(gram)', traceDec(G));
      }),
      { numRuns: 100 },
    );
  });

  it('labels: yᵀK⁻¹y for K = XXᵀ, K^(L), G^(L), H∞ and every label model (worst-case eigenvectors included)', () => {
    const models: LabelModel[] = ['rademacher', 'gaussian', 'teacher', 'linear-teacher', 'worst-ntk', 'worst-nngp', 'worst-hInfinity', 'worst-gram'];
    fc.assert(
      fc.property(hostileData(3, 3), fc.constantFrom(...models), fc.constantFrom(0, 0.5), fc.integer({ min: 1, max: 3 }), (x, model, noise, depth) => {
        const I = inst(x, depth, undefined, { labels: { model, noise }, netSeed: `lab-${model}` });
        let y: Float64Array;
        expect(() => (y = labelsOf(I))).not.toThrow();
        const certifiable = y!.every(Number.isFinite);
        const yd = certifiable ? Array.from(y!, exactDec) : [];
        const G = gramOf(rowsDec(x));
        let lim: { G: Dec[][]; K: Dec[][] } | null = null;
        try {
          lim = referenceLimiting(x, { depth });
        } catch {
          lim = null;
        }
        const norms = G.map((r, i) => r[i].sqrt());
        const H = norms.every((v) => !v.isZero()) ? referenceHInfinity(x).map((r, i) => r.map((v, j) => v.div(norms[i].mul(norms[j])))) : null;
        for (const [k, A] of [
          ['gram', G],
          ['ntk', lim?.K],
          ['nngp', lim?.G],
          ['hInfinity', H],
        ] as const) {
          const name = `labelQuadForm(${k})`;
          const e = enclosureOf(I, name);
          if (NOT_CERTIFIED(e)) continue;
          expect(certifiable && A, `${name} certified without finite labels or an exact kernel`).toBeTruthy();
          if (y!.every((v) => v === 0)) {
            expect([e.lower, e.upper], `${name} with y = 0`).toEqual([0, 0]); // yᵀK⁻¹y = 0 by convention (quantities.ts)
            continue;
          }
          const v = quadInvDec(A!, yd);
          expect(v, `${name} certified for an exactly singular kernel`).not.toBeNull();
          check(I, name, v);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('certified helpers: quadForm, λ_min and trace of c·M − c(1 − δ)·M with c = 2^k, k ∈ [−1074, 1000]', () => {
    const x = { rows: 3, cols: 3, data: Float64Array.from([1, 0.3, -0.2, 0.5, 0.7, 1.1, -0.4, 0.9, 0.2]) };
    const G = gramOf(rowsDec(x));
    const g = kernelMatrix(inst(x), 'gram');
    fc.assert(
      fc.property(
        fc.integer({ min: -1074, max: 1000 }),
        fc.integer({ min: 1, max: 52 }),
        fc.array(fc.integer({ min: -1074, max: 1000 }), { minLength: 3, maxLength: 3 }),
        (k, j, ye) => {
          const c = 2 ** k,
            delta = 2 ** -j;
          const m = CERTIFIED_HELPERS.combine([
            [c, g],
            [-c * (1 - delta), g],
          ]);
          // the exact matrix the combination stands for: (c − fl(c(1 − δ)))·XXᵀ
          const s = exactDec(c).sub(exactDec(c * (1 - delta)));
          const A = G.map((r) => r.map((v) => v.mul(s)));
          const y = ye.map((e, i) => (i % 2 ? -1 : 1) * 2 ** e);
          const q = quadInvDec(A, y.map(exactDec));
          // an exactly singular combination (c·(1 − δ) rounded back to c in the subnormal range) has no yᵀM⁻¹y
          if (q === null) expect(CERTIFIED_HELPERS.quadForm(m, y).hi, `quadForm(c = 2^${k}, δ = 2^-${j}) of a singular matrix`).toBe(Infinity);
          for (const [name, r, lo, hi] of [
            ...(q === null ? [] : ([['quadForm', CERTIFIED_HELPERS.quadForm(m, y), q, null]] as const)),
            ['lambdaMin', CERTIFIED_HELPERS.lambdaMin(m), lambdaMinBracket(A).lo, lambdaMinBracket(A).hi],
            ['trace', CERTIFIED_HELPERS.trace(m), traceDec(A), null],
          ] as const) {
            expect(!r.isEmpty, `${name}: empty`).toBe(true);
            expect(
              meets({ lower: r.lo, upper: r.hi, mid: r.mid }, lo!, hi ?? lo!),
              `${name}(c = 2^${k}, δ = 2^-${j}, y exps ${ye}): exact ${lo!.toSignificantDigits(10)} not in ${r}`,
            ).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('empirical NTK and JJᵀ (widths 1..3, depth 1..4): entries within the error bound, λ_min, λ_max, trace; samples on and one ulp off a hyperplane', () => {
    fc.assert(
      fc.property(
        hostileData(3, 3),
        ...SMALL_NETWORK,
        fc.constantFrom('none', 'on', 'ulp-up', 'ulp-down'),
        fc.integer({ min: -600, max: 600 }),
        (x0, depth, ws, init, plane, e) => {
          const { widths, netSeed, net } = smallNetwork('emp', x0, depth, ws, init);
          const x = { rows: x0.rows, cols: x0.cols, data: Float64Array.from(x0.data) };
          if (plane !== 'none' && depth > 1 && x.cols >= 2) {
            // x_0 ⟂ column 0 of W_1: w0·w1·2^e − w1·w0·2^e = 0 exactly (and in floating point), or one ulp off it
            const w = net.weights[0],
              w0 = w.data[0],
              w1 = w.data[w.cols];
            x.data[0] = w1 * 2 ** e;
            x.data[1] = -w0 * 2 ** e;
            if (plane === 'ulp-up') x.data[0] = nextUp(x.data[0]);
            if (plane === 'ulp-down') x.data[1] = nextDown(x.data[1]);
          }
          const I = inst(x, depth, widths, { init, netSeed });
          for (const [kernel, normalize] of [
            ['empiricalNTK', true],
            ['jacobianGram', false],
          ] as const) {
            const K = exactJJt(net.weights, x, normalize);
            const m = kernelMatrix(I, kernel);
            if (m.certified) {
              const bound = exactDec(m.spectralError);
              for (let i = 0; i < x.rows; i++)
                for (let j = 0; j < x.rows; j++)
                  expect(
                    exactDec(m.get(i, j)).sub(K[i][j]).abs().lte(bound),
                    `${kernel}[${i}][${j}] = ${m.get(i, j)} vs exact ${K[i][j].toSignificantDigits(12)} beyond ${m.spectralError}`,
                  ).toBe(true);
            }
            const lm = lambdaMinBracket(K),
              lx = lambdaMaxBracket(K);
            check(I, `lambdaMin(${kernel})`, lm.lo, lm.hi);
            check(I, `lambdaMax(${kernel})`, lx.lo, lx.hi);
            check(I, `trace(${kernel})`, traceDec(K));
            if (kernel === 'empiricalNTK') check(I, 'lambdaMinEmpiricalNTK', lm.lo, lm.hi);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('σ_min(F_k) of the exact features and the Lipschitz products ∏ ‖W_l‖₂ (depth 1..4, widths 1..3)', () => {
    fc.assert(
      fc.property(hostileData(3, 3), ...SMALL_NETWORK, (x, depth, ws, init) => {
        const { widths, netSeed, net } = smallNetwork('sig', x, depth, ws, init);
        const I = inst(x, depth, widths, { init, netSeed });
        const { feats } = exactPasses(net.weights, x);
        for (let k = 0; k < depth; k++) {
          const F = feats.map((f) => f[k].map(dyDec));
          const small = F.length <= F[0].length ? gramOf(F) : gramOf(transposeDec(F));
          const br = lambdaMinBracket(small);
          check(I, `sigmaMinF(${k})`, sqrt0(br.lo), sqrt0(br.hi));
        }
        let lo = new Dm(1),
          hi = new Dm(1);
        for (let l = 1; l <= depth; l++) {
          const w = net.weights[l - 1];
          const W = Array.from({ length: w.rows }, (_, i) => Array.from(w.data.subarray(i * w.cols, (i + 1) * w.cols), exactDec));
          const br = lambdaMaxBracket(W.length <= W[0].length ? gramOf(W) : gramOf(transposeDec(W)));
          lo = lo.mul(sqrt0(br.lo));
          hi = hi.mul(sqrt0(br.hi));
          check(I, `lipschitzBound(${l})`, lo, hi);
        }
      }),
      { numRuns: 70 },
    );
  });
});
