import { quadInvDec as quadInvDecOrNull } from '../../test/support/decimalQuadForm.ts';
import { describe, expect, it } from 'vitest';
import { type Dec, Dm, exactDec, lambdaMinBracket, referenceLimiting } from '../../test/kernelReference.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { type AuditInstance, CERTIFIED_HELPERS, enclosureOf, kernelMatrix, labelsOf, SCALAR_QUANTITIES } from './quantities.ts';

/**
 * Hostile inputs for the audit quantities (src/audit/quantities.ts): data whose Gram matrix or limiting kernels
 * leave the double range, a zero sample, and matrices whose λ_min² underflows. Every quantity must return an
 * enclosure of the exact value of the stored doubles — oracle: decimal.js on the exact doubles
 * (test/kernelReference.ts) — or the infinite enclosure of a quantity that is not certified; never NaN ends and
 * never an exception.
 */

const inst = (rows: number[][], depth = 2): AuditInstance => ({
  x: { rows: rows.length, cols: rows[0].length, data: Float64Array.from(rows.flat()) },
  depth,
  widths: Array(depth - 1).fill(3),
  init: 'standard',
  netSeed: 'hostile',
  data: 'file',
  normalize: 'none',
});

const contains = (e: { lower: number; upper: number }, v: Dec): boolean =>
  (e.lower === -Infinity || exactDec(e.lower).lte(v)) && (e.upper === Infinity || exactDec(e.upper).gte(v));
const wellFormed = (e: { lower: number; upper: number; mid: number }): boolean => ![e.lower, e.upper, e.mid].some(Number.isNaN) && e.lower <= e.upper;
const notCertified = (e: { lower: number; upper: number }): boolean => e.lower === -Infinity && e.upper === Infinity;

const gramDec = (x: Matrix): Dec[][] => {
  const n = x.rows,
    d = x.cols;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = new Dm(0);
      for (let k = 0; k < d; k++) s = s.add(exactDec(x.data[i * d + k]).mul(exactDec(x.data[j * d + k])));
      return s;
    }),
  );
};

/**
 * λ_min(XXᵀ) of a 2-row X in 50 digits on the exact entries, as det/λ_max: no cancellation between the
 * eigenvalues, whatever the ratio of the rows' scales.
 */
const lambdaMinGram2 = (x: Matrix): Dec => {
  const g = gramDec(x);
  const [a, b, c] = [g[0][0], g[0][1], g[1][1]];
  const lmax = a
    .add(c)
    .div(2)
    .add(a.sub(c).div(2).pow(2).add(b.pow(2)).sqrt());
  return a.mul(c).sub(b.pow(2)).div(lmax);
};

/** yᵀA⁻¹y in 50 digits (A nonsingular here). */
const quadInvDec = (a: Dec[][], y: Dec[]): Dec => quadInvDecOrNull(a, y)!;

describe('audit quantities on hostile inputs', () => {
  it('q.certified.quadForm keeps the ‖ΔM‖₂ term when λ_min(M)² underflows (M = c·G − c(1 − δ)·G, c = 2^-560)', () => {
    // The combination stands for the exact matrix cδ·XXᵀ (coefficients exact doubles); its float entries carry a
    // relative error ≈ u/δ = 2^-8, so yᵀM⁻¹y is known to about 1 %, never to 14 digits.
    const x = { rows: 3, cols: 3, data: Float64Array.from([1, 0.3, -0.2, 0.5, 0.7, 1.1, -0.4, 0.9, 0.2]) };
    const g = kernelMatrix({ ...inst([[0]]), x }, 'gram');
    const y = [1, -1, 1];
    for (const [c, delta] of [
      [2 ** -560, 2 ** -45],
      [2 ** -560, 2 ** -40],
      [2 ** -600, 2 ** -44],
    ]) {
      const m = CERTIFIED_HELPERS.combine([
        [c, g],
        [-c * (1 - delta), g],
      ]);
      const q = CERTIFIED_HELPERS.quadForm(m, y);
      const scale = exactDec(c).mul(exactDec(delta));
      const exact = quadInvDec(
        gramDec(x).map((r) => r.map((v) => v.mul(scale))),
        y.map((v) => new Dm(v)),
      );
      expect(contains({ lower: q.lo, upper: q.hi }, exact), `c = ${c}, δ = ${delta}: yᵀM⁻¹y = ${exact.toSignificantDigits(8)} not in ${q}`).toBe(true);
    }
  });

  it('no quantity throws or has a NaN end when XXᵀ or the limiting kernels leave the double range; enclosures hold the exact value', () => {
    const cases = [
      [
        [1e160, 2e160],
        [3e160, -1e160],
      ],
      [
        [1.7e308, 1e308],
        [1e308, -1.7e308],
      ],
      [
        [1e300, 1e-300],
        [1e-300, 1e-300],
      ],
      [
        [3.363370929560938e299, 1],
        [3.363370929560939e299, 1],
      ],
    ];
    for (const rows of cases) {
      const I = inst(rows);
      const names = [...SCALAR_QUANTITIES, 'sigmaMinF(0)', 'sigmaMinF(1)', 'lipschitzBound(2)', 'trace(ntk)', 'lambdaMin(nngp(1))', 'lambdaMax(gram)'];
      for (const name of names) {
        let e;
        expect(() => (e = enclosureOf(I, name)), `${name} on ${JSON.stringify(rows)}`).not.toThrow();
        expect(wellFormed(e!), `${name} on ${JSON.stringify(rows)}: ${JSON.stringify(e)}`).toBe(true);
      }
      const g = gramDec(I.x);
      const l = lambdaMinGram2(I.x);
      const lm = { lo: l, hi: l };
      for (const [name, lo, hi] of [
        ['lambdaMinGram', lm.lo, lm.hi],
        ['maxInnerProduct', g[0][1].abs(), g[0][1].abs()],
        // F_0 = X (2 × 2): σ_min(X) = √λ_min(XXᵀ)
        ['sigmaMinF(0)', lm.lo.sqrt(), lm.hi.sqrt()],
      ] as const) {
        const e = enclosureOf(I, name);
        expect(
          notCertified(e) || (contains(e, lo) && contains(e, hi)),
          `${name} on ${JSON.stringify(rows)}: [${lo.toSignificantDigits(6)}, ${hi.toSignificantDigits(6)}] not in [${e.lower}, ${e.upper}]`,
        ).toBe(true);
      }
    }
  });

  it('a zero sample makes the H∞ quantities not certified (x/‖x‖ is undefined), without an exception', () => {
    const I = {
      ...inst([
        [0, 0],
        [1, 2],
        [3, -1],
      ]),
      labels: { model: 'rademacher' as const, noise: 0 },
    };
    for (const name of ['lambdaMinHInfinity', 'lambdaMin(hInfinity)', 'labelQuadForm(hInfinity)', 'trace(hInfinity)']) {
      let e;
      expect(() => (e = enclosureOf(I, name)), name).not.toThrow();
      expect(notCertified(e!), `${name}: ${JSON.stringify(e)}`).toBe(true);
    }
  });

  it('sigmaMinF(0) of rows 2^600 apart in scale: an enclosure of σ_min(X), not an exception from overflowing Gram matrices of R̂⁻¹', () => {
    // rows 2^k apart in scale: R̂ has a diagonal entry ≈ 2^-k, R̂⁻¹ entries ≈ 2^k and their Gram ≈ 2^2k overflows
    for (const k of [600, 900, 1000]) {
      const t = 2 ** -k;
      for (const rows of [
        [
          [1, 0],
          [0, t],
        ],
        [
          [0.75, 0.5],
          [0.5 * t, -0.75 * t],
        ],
        [
          [1, 1, 0],
          [t, 0, t],
        ],
      ]) {
        const I = inst(rows);
        let e;
        expect(() => (e = enclosureOf(I, 'sigmaMinF(0)')), `2^-${k}: ${JSON.stringify(rows)}`).not.toThrow();
        const sigma = lambdaMinGram2(I.x).sqrt(); // N = 2 ≤ d: σ_min(X)² = λ_min(XXᵀ)
        expect(wellFormed(e!) && contains(e!, sigma), `2^-${k}: σ_min = ${sigma.toSignificantDigits(6)} not in ${JSON.stringify(e)}`).toBe(true);
      }
    }
  });

  it('worst-case labels of a kernel beyond the double range are still its λ_min eigenvector (finite, not NaN)', () => {
    // NaN labels would make any side that reads q.y NaN, which the audit reports as a defect of the proposal.
    const base = [1, 0.3, -0.2, 0.5, 0.7, 1.1, -0.4, 0.9, 0.2];
    for (const s of [1e160, 1e300, 1.5e308]) {
      const rows = [base.slice(0, 3), base.slice(3, 6), base.slice(6)].map((r) => r.map((v) => v * s));
      for (const [model, kernel] of [
        ['worst-ntk', 'K'],
        ['worst-nngp', 'G'],
        ['worst-gram', 'G1'],
      ] as const) {
        const I = { ...inst(rows), labels: { model, noise: 0 } };
        const y = labelsOf(I);
        expect(y.every(Number.isFinite), `${model} at scale ${s}: ${Array.from(y)}`).toBe(true);
        const ref = referenceLimiting(I.x, { depth: kernel === 'G1' ? 1 : 2 });
        const K = kernel === 'K' ? ref.K : ref.G;
        const yd = Array.from(y, exactDec);
        const rq = K.reduce((acc, r, i) => acc.add(r.reduce((t, v, j) => t.add(v.mul(yd[j])), new Dm(0)).mul(yd[i])), new Dm(0)).div(
          yd.reduce((t, v) => t.add(v.mul(v)), new Dm(0)),
        );
        const lm = lambdaMinBracket(K);
        // the Rayleigh quotient of an eigenvector computed to ~1e-15 is λ_min to ~1e-15·λ_max
        const lmax = K.reduce((t, r, i) => t.add(r[i]), new Dm(0));
        expect(
          rq.sub(lm.lo).abs().lte(lmax.mul(1e-12)),
          `${model} at scale ${s}: yᵀKy/‖y‖² = ${rq.toSignificantDigits(8)}, λ_min = ${lm.lo.toSignificantDigits(8)}`,
        ).toBe(true);
        const q = enclosureOf(I, `labelQuadForm(${model.slice(6)})`);
        expect(wellFormed(q), `labelQuadForm at scale ${s}: ${JSON.stringify(q)}`).toBe(true);
      }
    }
  });

  it('yᵀK⁻¹y is certified for kernels and labels far from 1 (entries 1e±200, labels 1e±300) and holds the exact value', () => {
    const base = [1, 0.3, -0.2, 0.5, 0.7, 1.1, -0.4, 0.9, 0.2];
    for (const s of [1e-150, 1e100, 1e150]) {
      const rows = [base.slice(0, 3), base.slice(3, 6), base.slice(6)].map((r) => r.map((v) => v * s));
      const I = inst(rows);
      const g = kernelMatrix(I, 'gram');
      const G = gramDec(I.x);
      for (const y of [
        [1, -1, 1],
        [1e300, -2e300, 3e299],
        [1e-300, 2e-300, -3e-300],
      ]) {
        const q = CERTIFIED_HELPERS.quadForm(g, y);
        const exact = quadInvDec(G, y.map(exactDec));
        expect(contains({ lower: q.lo, upper: q.hi }, exact), `scale ${s}, y ${y}: ${exact.toSignificantDigits(8)} not in ${q}`).toBe(true);
        // certified to 10 digits whenever the exact value is a normal double; [0, tiny] below, [MAX, ∞] above
        if (exact.gt(exactDec(2 ** -1000)) && exact.lt(exactDec(2 ** 1000)))
          expect(exactDec(q.hi).sub(exactDec(q.lo)).lte(exact.mul(1e-10)), `scale ${s}, y ${y}: ${q} wider than 1e-10 relative`).toBe(true);
        else if (exact.lt(1)) expect(q.hi, `scale ${s}, y ${y}`).toBeLessThan(2 ** -1000);
        else expect(q.lo, `scale ${s}, y ${y}`).toBeGreaterThan(2 ** 1000);
      }
    }
  });
});
