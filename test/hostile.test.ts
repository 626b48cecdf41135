import { describe, expect, it } from 'vitest';
import { computeKernelReport, formatKernelText, type KernelReport, type KernelRequest } from '../src/cli/kernel.ts';
import { UserError } from '../src/errors.ts';
import { fromRows, type Matrix } from '../src/linalg/matrix.ts';
import { sampleData } from '../src/random/distributions.ts';
import { createRng } from '../src/random/rng.ts';
import { type Dec, Dm, encloses, exactDec, lambdaMinBracket, MAX_DEC, referenceHInfinity, referenceLimiting, traceDec } from './kernelReference.ts';
import { npyFiles } from './support/npyFiles.ts';

/**
 * Hostile numerics for `ntk-audit kernel`: duplicate points, zero vectors, gradual underflow (Gram products
 * near 1e-160, alone and mixed with normal rows), rows whose squared norm underflows to 0, scales 1e±150 …
 * 1e±300, mixed norms 1e-150 … 1e150, subnormal and huge W_std², d = 1, N = 1, depth 50.
 *
 * limiting / nngp / h-infinity: the certified λ_min enclosure must contain the exact λ_min of the kernel of
 * the stored doubles, computed independently at 50 digits (test/kernelReference.ts); N = 1 cases have closed
 * forms (nmm NTK L‖x‖², NNGP ‖x‖², H∞ ‖x‖²/2; 'ntk' parameterisation by the scalar recursion). The ONLY
 * accepted UserError is the documented range limit of `kernel` (λ_max and the trace must be below 2^1024):
 * it is REQUIRED when the exact trace exceeds 2^1024 and ACCEPTED only when it exceeds 2^1022 (the computed
 * trace may round across the limit); cases meant to be beyond the range say so in their name.
 * ntk-empirical (certified elsewhere): finite results, lower ≤ estimate ≤ upper, never an internal error; the
 * range error is accepted only when the exact limiting NTK's trace exceeds 2^1002 (the finite-width NTK of
 * widths 16 with He initialisation is ≈ Π n_l/2 = 8 times larger, with random fluctuations).
 */
const file = npyFiles('ntk-hostile-');
const scaled = (m: Matrix, s: number): Matrix => ({ ...m, data: m.data.map((v) => v * s) });
const base = sampleData(createRng('hostile'), { family: 'gaussian' }, 4, 3);
const base3: Matrix = { rows: 3, cols: 3, data: base.data.slice(0, 9) }; // full rank: λ_min(XXᵀ) > 0
const rowsOf = (m: Matrix, s: number[]): Matrix => ({ ...m, data: m.data.map((v, t) => v * s[Math.floor(t / m.cols)]) });

interface Case {
  name: string;
  x: Matrix;
  extra?: Partial<KernelRequest>;
  /** Expect useful = false (and the text line). */
  useless?: boolean;
  /** Expect a warning matching this. */
  warning?: RegExp;
  /** Closed form of the single kernel entry (N = 1) per kind, as an exact decimal. */
  exactN1?: Partial<Record<'limiting' | 'nngp' | 'h-infinity', Dec>>;
}

const sq = (x: number[]) => x.reduce((s, v) => s.add(exactDec(v).pow(2)), new Dm(0));
function n1(row: number[], L = 2): Case['exactN1'] {
  const s = sq(row);
  return { limiting: s.mul(L), nngp: s, 'h-infinity': s.div(2) };
}
/** N = 1, 'ntk' parameterisation, ReLU (κ = 1/2): q' = W²q/2 + b², K' = K·W²/2 + q', q_1 = K_1 = W²‖x‖²/d + b². */
function n1Ntk(row: number[], L: number, w: number, b: number): Dec {
  const W2 = exactDec(w).pow(2),
    B2 = exactDec(b).pow(2);
  let q = W2.mul(sq(row)).div(row.length).add(B2),
    k = q;
  for (let l = 2; l <= L; l++) {
    q = W2.mul(q).div(2).add(B2);
    k = k.mul(W2).div(2).add(q);
  }
  return k;
}

const cases: Case[] = [
  {
    name: 'duplicate points',
    x: fromRows([
      [1, 2, 3],
      [0.5, -1, 2],
      [1, 2, 3],
    ]),
    useless: true,
    warning: /duplicate/,
  },
  {
    name: 'a zero vector',
    x: fromRows([
      [1, 2],
      [0, 0],
      [3, -1],
    ]),
    useless: true,
    warning: /all-zero/,
  },
  { name: 'scale 1e150', x: scaled(base, 1e150) },
  { name: 'scale 1e-150', x: scaled(base, 1e-150) },
  { name: 'scale 1e152', x: scaled(base, 1e152) },
  { name: 'scale 1e154 (Gram products overflow; kernel at the float64 limit)', x: scaled(base, 1e154) },
  { name: 'scale 1e-155 (Gram products subnormal)', x: scaled(base, 1e-155) },
  { name: 'scale 1e-162 (Gram products subnormal)', x: scaled(base, 1e-162) },
  { name: 'scale 1e-300', x: scaled(base, 1e-300) },
  { name: 'scale 1e300 (kernel beyond float64)', x: scaled(base, 1e300) },
  { name: 'rows at 1e-158 mixed with normal rows', x: rowsOf(base, [1e-158, 1, 3e-160, 2]) },
  { name: 'a row whose squared norm underflows to 0', x: rowsOf(base, [1, 1e-170, 0.5, 2]), warning: /underflows to 0/ },
  { name: 'mixed norms 1e-150 … 1e150', x: rowsOf(base, [1e-150, 1e150, 1, 1e-50]), useless: true },
  { name: 'd = 1', x: fromRows([[1], [-2], [3]]) },
  { name: 'N = 1', x: fromRows([[0.3, -0.4]]), exactN1: n1([0.3, -0.4]) },
  { name: 'N = 1 at 1e-160', x: fromRows([[1e-160, -3e-161]]), exactN1: n1([1e-160, -3e-161]) },
  { name: 'N = 1 at 1e-170 (squared norm underflows)', x: fromRows([[1e-170, 2e-170]]), exactN1: n1([1e-170, 2e-170]), warning: /underflows to 0/ },
  { name: 'N = 1 at 1e200 (kernel beyond float64)', x: fromRows([[1e200, 0]]) },
  { name: 'depth 50', x: base, extra: { depth: 50 } },
  { name: 'ntk W_std = 1e-160 (W² subnormal)', x: base, extra: { parameterization: 'ntk', wStd: 1e-160 } },
  {
    name: 'ntk W_std = 1e-160, N = 1',
    x: fromRows([[0.3, -0.4]]),
    extra: { parameterization: 'ntk', wStd: 1e-160 },
    exactN1: { limiting: n1Ntk([0.3, -0.4], 2, 1e-160, 0) },
  },
  {
    name: 'ntk W_std = 1e-160, b_std = 1e-170, N = 1',
    x: fromRows([[0.3, -0.4]]),
    extra: { parameterization: 'ntk', wStd: 1e-160, bStd: 1e-170, depth: 3 },
    exactN1: { limiting: n1Ntk([0.3, -0.4], 3, 1e-160, 1e-170) },
  },
  {
    name: 'ntk W_std = 1e-160, depth 1, data at 1e150 (W² subnormal, kernel normal)',
    x: scaled(base3, 1e150),
    extra: { parameterization: 'ntk', wStd: 1e-160, depth: 1 },
  },
  { name: 'ntk W_std = 1e200 (kernel beyond float64)', x: base, extra: { parameterization: 'ntk', wStd: 1e200 } },
  { name: 'ntk W_std = 1e100 on data at 1e-200', x: scaled(base, 1e-200), extra: { parameterization: 'ntk', wStd: 1e100, bStd: 0.5 } },
  { name: 'ntk b_std = 1e-170, data at 1e-150', x: scaled(base, 1e-150), extra: { parameterization: 'ntk', bStd: 1e-170, depth: 3 } },
];

const KINDS = ['limiting', 'nngp', 'h-infinity', 'ntk-empirical'] as const;
type Kind = (typeof KINDS)[number];

const memo = new Map<string, { G: Dec[][]; K: Dec[][] }>();
function exactKernel(kind: Exclude<Kind, 'ntk-empirical'>, x: Matrix, req: KernelRequest): Dec[][] {
  if (kind === 'h-infinity') return referenceHInfinity(x);
  const arch = { depth: req.depth, parameterization: req.parameterization, wStd: req.wStd, bStd: req.bStd };
  const key = JSON.stringify([Array.from(x.data), x.cols, arch]);
  if (!memo.has(key)) memo.set(key, referenceLimiting(x, arch)); // limiting and nngp share the recursion
  const r = memo.get(key)!;
  return kind === 'limiting' ? r.K : r.G;
}

describe('hostile inputs: certified enclosures contain the exact λ_min, or exit 2 only beyond the documented range', () => {
  for (const kind of KINDS) {
    for (const c of cases) {
      const ntkParam = c.extra?.parameterization === 'ntk';
      if (ntkParam && (kind === 'h-infinity' || kind === 'ntk-empirical')) continue; // flags apply to limiting/nngp only
      it(`${kind}: ${c.name}`, async () => {
        const depth = c.extra?.depth ?? 2;
        const req: KernelRequest = {
          kind,
          data: file(c.x),
          normalize: false,
          json: true,
          ...c.extra,
          depth: kind === 'ntk-empirical' ? Math.min(depth, 4) : kind === 'h-infinity' ? 2 : depth,
          ...(kind === 'ntk-empirical' ? { widths: Array(Math.min(depth, 4) - 1).fill(16), init: 'he' as const, seed: 1 } : {}),
        };
        if (kind === 'h-infinity') {
          delete req.parameterization;
        }
        let r: KernelReport | undefined;
        let err: unknown;
        try {
          r = await computeKernelReport(req);
        } catch (e) {
          err = e;
        }
        // The documented range limit (see the file comment), decided on the EXACT trace.
        // (nmm limiting NTK: K_ii = L‖x_i‖² exactly)
        const K = kind === 'ntk-empirical' ? null : exactKernel(kind, c.x, req);
        const T = K
          ? traceDec(K)
          : sq(Array.from(c.x.data))
              .mul(req.depth)
              .mul(2 ** 20);
        if (kind !== 'ntk-empirical' && T.gt(MAX_DEC)) expect(err, 'exact trace beyond 2^1024: the range error is required').toBeInstanceOf(UserError);
        if (err !== undefined) {
          if (!(err instanceof UserError) || !T.gt(MAX_DEC.div(4))) throw err; // nothing else is acceptable
          expect(err.message).toMatch(/beyond the float64 range; supported|overflow float64; supported/);
          expect(err.message).not.toMatch(/\n/);
          return;
        }
        r = r!;
        for (const v of [r.lambdaMin.lower, r.lambdaMin.estimate, r.lambdaMin.upper, r.lambdaMax.lower, r.lambdaMax.estimate, r.lambdaMax.upper, r.trace]) {
          expect(Number.isFinite(v), `${JSON.stringify(r.lambdaMin)} λmax ${JSON.stringify(r.lambdaMax)} tr ${r.trace}`).toBe(true);
        }
        expect(r.lambdaMin.lower).toBeLessThanOrEqual(r.lambdaMin.estimate);
        expect(r.lambdaMin.estimate).toBeLessThanOrEqual(r.lambdaMin.upper);
        expect(r.useful).toBe(r.lambdaMin.upper - r.lambdaMin.lower <= Math.abs(r.lambdaMin.estimate));
        if (c.warning) expect(r.warnings.join('\n')).toMatch(c.warning);
        if (kind === 'ntk-empirical') return;
        if (c.useless) {
          expect(r.useful).toBe(false);
          expect(formatKernelText(r)).toMatch(/too wide to be useful/);
        }
        const v = c.exactN1?.[kind];
        if (v) {
          expect(K![0][0].sub(v).abs().lte(v.mul(1e-45)), 'reference recursion vs closed form').toBe(true);
          expect(
            exactDec(r.lambdaMin.lower).lte(v) && exactDec(r.lambdaMin.upper).gte(v),
            `${v.toExponential(20)} ∉ [${r.lambdaMin.lower}, ${r.lambdaMin.upper}]`,
          ).toBe(true);
        }
        const br = lambdaMinBracket(K!);
        expect(
          encloses(r.lambdaMin.lower, r.lambdaMin.upper, br),
          `λ_min ∈ [${br.lo.toExponential(8)}, ${br.hi.toExponential(8)}] vs [${r.lambdaMin.lower}, ${r.lambdaMin.upper}]`,
        ).toBe(true);
      });
    }
  }
});
