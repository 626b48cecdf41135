import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../linalg/matrix.ts';
import { type AuditInstance, enclosureOf } from './quantities.ts';

/**
 * The data-only audit quantities (norms, their sum, the largest |cos| between samples) enclose the
 * exact value of the stored doubles for every finite input — gradual underflow and rows at 1e±300
 * included — or are not certified (an infinite enclosure). Oracle: decimal.js at 60 digits on the
 * exact decimal expansions of the doubles.
 */
Decimal.set({ precision: 60 });
const D = (v: number) => new Decimal(v);

function exact(x: Matrix) {
  const n = x.rows,
    d = x.cols;
  const row = (a: number) => Array.from({ length: d }, (_, k) => D(x.data[a * d + k]));
  const dot = (a: number, b: number) => row(a).reduce((s, v, k) => s.plus(v.times(row(b)[k])), new Decimal(0));
  const ns = Array.from({ length: n }, (_, a) => dot(a, a));
  let maxCos = new Decimal(0);
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      if (ns[a].isZero() || ns[b].isZero()) continue;
      const c = dot(a, b).abs().div(ns[a].times(ns[b]).sqrt());
      if (c.gt(maxCos)) maxCos = c;
    }
  return { minNormSq: Decimal.min(...ns), maxNormSq: Decimal.max(...ns), sumNormSq: ns.reduce((s, v) => s.plus(v), new Decimal(0)), maxCosine: maxCos };
}

const inst = (x: Matrix): AuditInstance => ({ x, depth: 2, widths: [4], init: 'standard', netSeed: 's', data: 'file', normalize: 'none' });
const contains = (name: string, x: Matrix, v: Decimal) => {
  const e = enclosureOf(inst(x), name);
  const ok = !Number.isFinite(e.lower) && !Number.isFinite(e.upper) ? true : D(e.lower).lte(v) && v.lte(D(e.upper));
  return { ok, e };
};

describe('data quantities over the whole double range', () => {
  it('norms, their sum and the largest |cos| contain the 60-digit values, with per-row binary scales from 2^-1074 to 2^1023', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: -1074, max: 1000 }), { minLength: 4, maxLength: 4 }),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 16, maxLength: 16 }),
        (n, d, exps, vals) => {
          const data = new Float64Array(n * d);
          for (let a = 0; a < n; a++) for (let k = 0; k < d; k++) data[a * d + k] = vals[a * d + k] * 2 ** exps[a];
          if (!data.every(Number.isFinite)) return;
          const x = { rows: n, cols: d, data };
          const ex = exact(x);
          for (const name of ['minNormSq', 'maxNormSq', 'sumNormSq', 'maxCosine'] as const) {
            const { ok, e } = contains(name, x, ex[name]);
            expect(ok, `${name}: exact ${ex[name].toExponential(6)} not in [${e.lower}, ${e.upper}] for ${Array.from(data)}`).toBe(true);
          }
        },
      ),
      { numRuns: 300, seed: 20261203 },
    );
  });

  it('a row whose squared norm underflows to 0 still gets a certified enclosure of its (tiny) norm and direction', () => {
    const x = { rows: 2, cols: 2, data: Float64Array.from([1e-170, 2e-170, 3e-170, -1e-170]) };
    const ex = exact(x);
    const min = enclosureOf(inst(x), 'minNormSq');
    expect(D(min.lower).lte(ex.minNormSq) && ex.minNormSq.lte(D(min.upper))).toBe(true);
    const cos = enclosureOf(inst(x), 'maxCosine');
    expect(Number.isFinite(cos.lower)).toBe(true);
    expect(D(cos.lower).lte(ex.maxCosine) && ex.maxCosine.lte(D(cos.upper))).toBe(true);
    expect(cos.upper - cos.lower).toBeLessThan(1e-14);
  });
});
