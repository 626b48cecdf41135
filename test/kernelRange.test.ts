import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { computeKernelReport, type KernelRequest } from '../src/cli/kernel.ts';
import { UserError } from '../src/errors.ts';
import type { Matrix } from '../src/linalg/matrix.ts';
import { hInfinity } from '../src/ntk/hInfinity.ts';
import { limitingKernels } from '../src/ntk/limiting.ts';
import {
  type Dec,
  Dm,
  encloses,
  exactDec,
  lambdaMaxBracket,
  lambdaMinBracket,
  MAX_DEC,
  referenceHInfinity,
  referenceLimiting,
  traceDec,
} from './kernelReference.ts';
import { ldexpExact } from './support/ldexpExact.ts';
import { npyFiles } from './support/npyFiles.ts';
import { ntkFields, rangeExponent, rangeMantissa } from './support/rangeArbitraries.ts';

/**
 * Fuzz over the whole float64 range: random binary exponents (−1074 … 1023, with extra weight where Gram
 * products under- or overflow) of the data scale — one global scale, or one per row — and of W_std, b_std,
 * for the limiting NTK, the limiting NNGP and H∞, N ≤ 4, d ≤ 3, depth ≤ 3.
 *
 * Checked against an independent 50-digit decimal.js evaluation of the kernel of the stored doubles
 * (test/kernelReference.ts):
 *  - engine (limitingKernels / hInfinity with { rescale: true }): every entry within the entrywise bound
 *    (limiting kernels) and ‖computed − exact‖_F within the spectral error bound (all three);
 *  - `kernel` command (computeKernelReport): the certified λ_min enclosure contains the exact λ_min
 *    (bisection on the LDLᵀ inertia), all reported numbers finite;
 *  - the only errors allowed are the documented one-line UserErrors, each only where the exact values are
 *    outside the documented range: the eigenvalues beyond float64 (exact trace > 2^1022), or, with b_std > 0,
 *    rows whose W_std²‖x‖²/d + b_std² span more than 2^1000 (exact span > 2^990). Anything else fails.
 */
const file = npyFiles('ntk-range-');

const exponent = rangeExponent(fc.constant(0));
const mantissa = rangeMantissa;

const caseArb = fc.record({
  n: fc.integer({ min: 1, max: 4 }),
  d: fc.integer({ min: 1, max: 3 }),
  depth: fc.integer({ min: 1, max: 3 }),
  kind: fc.constantFrom('limiting', 'nngp', 'h-infinity') as fc.Arbitrary<'limiting' | 'nngp' | 'h-infinity'>,
  perRow: fc.boolean(),
  global: exponent,
  rowExps: fc.array(exponent, { minLength: 4, maxLength: 4 }),
  mant: fc.array(mantissa, { minLength: 12, maxLength: 12 }),
  ...ntkFields(exponent),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case): { x: Matrix; req: Omit<KernelRequest, 'data'> } {
  const data = new Float64Array(c.n * c.d);
  for (let i = 0; i < c.n; i++) {
    const e = c.perRow ? c.rowExps[i] : c.global;
    for (let k = 0; k < c.d; k++) data[i * c.d + k] = ldexpExact(c.mant[i * 3 + k], e);
  }
  const ntk = c.ntk && c.kind !== 'h-infinity';
  const req: Omit<KernelRequest, 'data'> = {
    kind: c.kind,
    depth: c.kind === 'h-infinity' ? 2 : c.depth,
    normalize: false,
    json: true,
    ...(c.kind !== 'h-infinity' ? { parameterization: ntk ? 'ntk' : 'nmm' } : {}),
    ...(ntk ? { wStd: ldexpExact(c.wMant / 2, c.wExp + 1) || 5e-324, ...(c.bias ? { bStd: ldexpExact(0.75, c.bExp) || 5e-324 } : {}) } : {}),
  };
  return { x: { rows: c.n, cols: c.d, data }, req };
}

/** Exact span max/min of q_i = W²‖x_i‖²/d + b² (∞ if some q_i = 0). */
function biasSpan(x: Matrix, w: number, b: number): Dec {
  const W2 = exactDec(w).pow(2),
    B2 = exactDec(b).pow(2);
  const q: Dec[] = [];
  for (let i = 0; i < x.rows; i++) {
    let s = new Dm(0);
    for (let k = 0; k < x.cols; k++) s = s.add(exactDec(x.data[i * x.cols + k]).pow(2));
    q.push(W2.mul(s).div(x.cols).add(B2));
  }
  const mx = Dm.max(...q),
    mn = Dm.min(...q);
  return mn.isZero() ? new Dm(Infinity) : mx.div(mn);
}

function frobeniusDiff(k: Matrix, scale: number, exact: Dec[][]): Dec {
  const n = k.rows;
  const p = new Dm(2).pow(scale);
  let s = new Dm(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      s = s.add(
        exactDec(k.data[i * n + j])
          .sub(exact[i][j].div(p))
          .pow(2),
      );
  return s.sqrt();
}

describe('kernels over the whole float64 range vs a 50-digit reference', () => {
  // examples: x_i = 2^-873 with W_std = 2^-202 (√(W²/d)·x_i underflows to an exact 0: not a zero row); rows
  // 0, −2^479, −2.72e-5 with W_std ≈ 2^9, b_std = 0.75, depth 3 (after the common rescaling by 2^-479 the small
  // rows have q ≈ 2^-975, and q'_i q'_j, A·B²·(r_i − r_j) of the angle map lie below 2^-1074: limiting.ts);
  // rows 2^295·0.5, 2^295·0.01 with W_std = 1, b_std = 0.75·2^295, depth 3 (direct path, q'_i q'_j > 2^1024)
  const examples: [Case][] = [
    [
      {
        n: 1,
        d: 2,
        depth: 1,
        kind: 'limiting',
        perRow: false,
        global: -873,
        rowExps: [-500, 480, 480, 480],
        mant: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ntk: true,
        wExp: -202,
        wMant: 1,
        bias: false,
        bExp: 0,
      },
    ],
    [
      {
        n: 3,
        d: 2,
        depth: 3,
        kind: 'limiting',
        perRow: true,
        global: 480,
        rowExps: [-500, 480, 0, 0],
        mant: [0, 0, 0, 0, -0.5, 0, 0, -0.00002721302729647571, 0, 0, 0, 0],
        ntk: true,
        wExp: 8,
        wMant: 1.999913017696741,
        bias: true,
        bExp: 0,
      },
    ],
    [
      {
        n: 2,
        d: 1,
        depth: 3,
        kind: 'limiting',
        perRow: false,
        global: 295,
        rowExps: [0, 0, 0, 0],
        mant: [0.5, 0, 0, 0.01, 0, 0, 0, 0, 0, 0, 0, 0],
        ntk: true,
        wExp: 0,
        wMant: 1,
        bias: true,
        bExp: 295,
      },
    ],
  ];
  test.prop([caseArb], { numRuns: 160, examples })('no missed enclosure, no internal error, range errors only outside the documented range', async (c) => {
    const { x, req } = build(c);
    const biased = req.parameterization === 'ntk' && (req.bStd ?? 0) > 0;
    const ref =
      c.kind === 'h-infinity'
        ? { K: referenceHInfinity(x), G: referenceHInfinity(x) }
        : referenceLimiting(x, { depth: req.depth, parameterization: req.parameterization, wStd: req.wStd, bStd: req.bStd });
    const K = c.kind === 'nngp' ? ref.G : ref.K;
    const T = traceDec(K);
    const spanBeyond = biased && biasSpan(x, req.wStd!, req.bStd!).gt(new Dm(2).pow(990));
    const acceptable = (e: unknown, what: 'range' | 'span' | 'either'): boolean =>
      e instanceof UserError &&
      !/\n/.test(e.message) &&
      (((what === 'range' || what === 'either') && /beyond the float64 range; supported/.test(e.message) && T.gt(MAX_DEC.div(4))) ||
        ((what === 'span' || what === 'either') && /span more than 2\^1000.*supported/.test(e.message) && spanBeyond));

    // ---- engine ----
    let engineErr: unknown;
    try {
      if (c.kind === 'h-infinity') {
        const h = hInfinity(x, undefined, { rescale: true });
        const f = frobeniusDiff(h.matrix, h.log2Scale ?? 0, K);
        expect(f.lte(exactDec(h.errorBound)), `‖ΔH‖_F = ${f.toExponential(4)} > bound ${h.errorBound} (2^${h.log2Scale})`).toBe(true);
      } else {
        const r = limitingKernels(x, { depth: req.depth, parameterization: req.parameterization, wStd: req.wStd, bStd: req.bStd }, { rescale: true });
        const F = r.log2Scale ?? 0;
        const got = c.kind === 'nngp' ? r.nngp : r.ntk;
        const coef = c.kind === 'nngp' ? r.entrywiseBound.nngp : r.entrywiseBound.ntk;
        const abs = exactDec(r.entrywiseBound.absolute ?? 0);
        const p = new Dm(2).pow(F);
        const n = x.rows;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            const err = exactDec(got.data[i * n + j])
              .sub(K[i][j].div(p))
              .abs();
            const bound = exactDec(coef).mul(K[i][i].mul(K[j][j]).sqrt()).div(p).add(abs);
            expect(
              err.lte(bound),
              `entry (${i},${j}): ${got.data[i * n + j]}·2^${F} vs ${K[i][j].toExponential(10)}, error ${err.toExponential(3)} > ${bound.toExponential(3)}`,
            ).toBe(true);
          }
        const f = frobeniusDiff(got, F, K);
        const eb = c.kind === 'nngp' ? r.nngpErrorBound : r.ntkErrorBound;
        expect(f.lte(exactDec(eb)), `‖ΔK‖_F = ${f.toExponential(4)} > bound ${eb}`).toBe(true);
      }
    } catch (e) {
      engineErr = e;
    }
    if (engineErr !== undefined && !(engineErr instanceof UserError && acceptable(engineErr, 'span'))) throw engineErr;

    // ---- kernel command ----
    const path = file(x);
    let r;
    try {
      r = await computeKernelReport({ ...req, data: path });
    } catch (e) {
      if (acceptable(e, 'either')) return;
      throw e;
    }
    expect(T.gt(MAX_DEC), 'exact trace beyond 2^1024 but a report was printed').toBe(false);
    for (const v of [r.lambdaMin.lower, r.lambdaMin.estimate, r.lambdaMin.upper, r.lambdaMax.lower, r.lambdaMax.estimate, r.lambdaMax.upper, r.trace])
      expect(Number.isFinite(v)).toBe(true);
    const br = lambdaMinBracket(K);
    expect(
      encloses(r.lambdaMin.lower, r.lambdaMin.upper, br),
      `λ_min ∈ [${br.lo.toExponential(6)}, ${br.hi.toExponential(6)}] not in [${r.lambdaMin.lower}, ${r.lambdaMin.upper}]`,
    ).toBe(true);
    const bx = lambdaMaxBracket(K);
    expect(
      encloses(r.lambdaMax.lower, r.lambdaMax.upper, bx),
      `λ_max ∈ [${bx.lo.toExponential(6)}, ${bx.hi.toExponential(6)}] not in [${r.lambdaMax.lower}, ${r.lambdaMax.upper}] (${r.lambdaMaxMethod})`,
    ).toBe(true);
  });
});

describe('validateDataMatrix: rows whose squared norm underflows to 0', () => {
  test('are reported like all-zero rows (warning; an error unless allowZeroRows)', async () => {
    const { validateDataMatrix } = await import('../src/io/data.ts');
    const m: Matrix = { rows: 3, cols: 2, data: Float64Array.from([1, 2, 1e-170, -1e-170, 0, 0]) };
    expect(1e-170 * 1e-170 + 1e-170 * 1e-170).toBe(0); // the premise: Σ x_k² underflows
    const r = validateDataMatrix(m, { allowZeroRows: true, name: 'u.csv' });
    expect(r.zeroRows).toEqual([2]);
    expect(r.underflowRows).toEqual([1]);
    expect(r.warnings.some((w) => /u\.csv: 1 sample\(s\) whose squared norm underflows to 0 in float64 \(row 2\)/.test(w))).toBe(true);
    expect(() => validateDataMatrix({ rows: 2, cols: 1, data: Float64Array.from([1, 2e-170]) })).toThrow(/underflows to 0/);
    expect(validateDataMatrix({ rows: 2, cols: 1, data: Float64Array.from([1, 2e-160]) }).warnings).toEqual([]); // (2e-160)² = 4e-320 ≠ 0
  });
});

describe('H∞ of one point after unit normalisation is 1/2 (Du et al. 2019: H_ii = ‖x̂_i‖²/2)', () => {
  test('hInfinityUnitNorm encloses 1/2 for nearly-unit stored rows', async () => {
    const { hInfinityUnitNorm } = await import('../src/ntk/hInfinity.ts');
    for (const row of [
      [0.6, 0.8],
      [1, 0],
      [Math.SQRT1_2, Math.SQRT1_2],
      [0.28, 0.96, 0],
    ]) {
      const h = hInfinityUnitNorm({ rows: 1, cols: row.length, data: Float64Array.from(row) });
      const err = exactDec(h.matrix.data[0]).sub(new Dm(0.5)).abs();
      expect(err.lte(exactDec(h.errorBound)), `${row}: ${h.matrix.data[0]} ± ${h.errorBound}`).toBe(true);
    }
  });
});
