import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { searchTheorem } from '../search/search.ts';
import type { ScalingRelation } from '../theorem/types.ts';
import { designDescriptor, resolveAsymptotic, sweptValue } from './asymptotic.ts';
import { type AsymptoticBoundSpec, defineBound } from './defineBound.ts';

const D_SIZES = [400, 1000, 2500, 6300, 16000];

function claim(id: string, over: Partial<AsymptoticBoundSpec['asymptotic']>) {
  return defineBound({
    id,
    statement: 's',
    asymptotic: { quantity: (q) => q.sumNormSq, relation: 'Theta', exponent: 1, sweep: 'd', sizes: D_SIZES, hold: { N: 8 }, ...over },
  });
}
const run = (t: ReturnType<typeof claim>, draws = 6) => searchTheorem(t, { seed: 'asymptotic-test', numRuns: 0, scalingDraws: draws, claimsInRun: 1 });

describe('asymptotic bounds: verdicts on quantities of known exponent', () => {
  it('tr(XXᵀ) = N·d exactly on the √d-sphere: Θ(d) survives with the slope 1, exponents ±0.2 are refuted, O/Ω one-sided', () => {
    const verdict = (relation: ScalingRelation, exponent: number) => {
      const r = run(claim(`t.trace.${relation}.${exponent}`, { relation, exponent, hold: { N: 5, data: 'sqrt-d-sphere' } }), 4);
      // The closed form: every row has ‖x_i‖² = d up to rounding, so y = N·d.
      for (const rec of r.records) expect(Math.abs(rec.lhs - 5 * (rec.descriptor.d as number))).toBeLessThan(1e-9 * rec.lhs);
      return r;
    };
    const ok = verdict('Theta', 1);
    expect(ok.scaling!.status).toBe('holds');
    expect(Math.abs(ok.scaling!.regimes[0].slope - 1)).toBeLessThan(1e-12);
    expect(ok.scaling!.regimes[0].points).toBe(4 * D_SIZES.length);
    expect(verdict('Theta', 1.2).scaling!.status).toBe('violated');
    expect(verdict('Theta', 0.8).scaling!.status).toBe('violated');
    expect(verdict('O', 1.2).scaling!.status).toBe('holds'); // slower growth than d^1.2 is consistent with O(d^1.2)
    expect(verdict('O', 0.8).scaling!.status).toBe('violated');
    expect(verdict('Omega', 0.8).scaling!.status).toBe('holds');
    expect(verdict('Omega', 1.2).scaling!.status).toBe('violated');
  });

  it('Theorem 3.2 of arXiv 2012.11654: λ_min(K(L)) = Θ(d) at N = 8 survives in two regimes; d^1.2 and d^0.8 are refuted', () => {
    const hold = [
      { N: 8, depth: 2 },
      { N: 8, depth: 3, data: 'sqrt-d-sphere' as const },
    ];
    const lam = (e: number) => run(claim(`t.lam.${e}`, { quantity: (q) => q.lambdaMinNTK, exponent: e, hold }));
    const ok = lam(1);
    expect(ok.scaling!.status).toBe('holds');
    expect(ok.scaling!.regimes.map((r) => r.regime)).toEqual(['N=8, L=2, gaussian', 'N=8, L=3, sqrt-d-sphere']);
    for (const r of ok.scaling!.regimes) expect(r.slopeLow).toBeGreaterThanOrEqual(0.9);
    expect(lam(1.2).scaling!.status).toBe('violated');
    expect(lam(0.8).scaling!.status).toBe('violated');
  });

  it('a noisy quantity on a small sweep is inconclusive, not refuted', () => {
    // max_{i≠j}|x_iᵀx_j| of 3 Gaussian points grows like √d but fluctuates by tens of percent: 2 draws on 3 sizes decide nothing.
    const r = run(claim('t.noisy', { quantity: (q) => q.maxInnerProduct, exponent: 0.5, sizes: [10, 30, 100], hold: { N: 3 }, draws: { min: 2, max: 2 } }), 2);
    expect(r.scaling!.status).toBe('inconclusive');
    expect(r.scaling!.regimes[0].slopeHigh - r.scaling!.regimes[0].slopeLow).toBeGreaterThan(0.2);
  });

  it('a draw whose quantity is not certified positive makes the regime inconclusive', () => {
    const r = run(claim('t.zero', { quantity: (q) => q.sumNormSq - q.sumNormSq, hold: { N: 4 } }), 3);
    expect(r.scaling!.status).toBe('inconclusive');
    expect(r.scaling!.regimes[0].unusable).toBe(3 * D_SIZES.length);
  });
});

describe('asymptotic bounds: the sweep design', () => {
  it('sets the swept variables to each size, holds the others (defaults N 8, d 16, L 2, widths 64), x = their product', () => {
    const c = resolveAsymptotic('x', {
      quantity: () => 1,
      relation: 'Ω',
      exponent: 1,
      sweep: ['n1', 'n2'],
      sizes: [10, 30, 100],
      hold: { depth: 4, widths: [5, 6, 7] },
    });
    expect(c.relation).toBe('Omega');
    expect(c.variable).toBe('n1·n2');
    const d = designDescriptor(c, c.regimes[0], 30, 's');
    expect(d).toMatchObject({ n: 8, d: 16, depth: 4, widths: [30, 30, 7], init: 'standard', data: 'gaussian', normalize: 'none', seed: 's' });
    expect(sweptValue(c, d)).toBe(900);
    expect(c.regimes[0].label).toBe('N=8, d=16, L=4, widths=[n1,n2,7], gaussian');
    const w = resolveAsymptotic('x', { quantity: () => 1, relation: 'O', exponent: 0, sweep: 'width', sizes: [16, 64, 256], hold: { depth: 3 } });
    expect(designDescriptor(w, w.regimes[0], 64, 's').widths).toEqual([64, 64]);
    const n = resolveAsymptotic('x', { quantity: () => 1, relation: 'Theta', exponent: 0, sweep: 'N', sizes: [2, 8, 20] });
    expect(designDescriptor(n, n.regimes[0], 20, 's')).toMatchObject({ n: 20, d: 16 });
  });
});

describe('asymptotic bounds: malformed specs are one-line UserErrors', () => {
  const base = { quantity: (q: { sumNormSq: number }) => q.sumNormSq, relation: 'Theta', exponent: 1, sweep: 'd', sizes: [10, 100, 1000] };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ relation: '>=' }, /asymptotic\.relation must be 'Theta', 'O' or 'Omega'/],
    [{ exponent: '1' }, /asymptotic\.exponent must be a finite number/],
    [{ exponent: NaN }, /asymptotic\.exponent must be a finite number/],
    [{ tolerance: 0 }, /asymptotic\.tolerance must be a number in \(0, 10\)/],
    [{ quantity: 3 }, /asymptotic\.quantity must be a function/],
    [{ sweep: 'width2' }, /asymptotic\.sweep: unknown variable "width2"/],
    [{ sweep: ['d', 'd'] }, /lists a variable twice/],
    [{ sweep: 'n2' }, /n2 is not a hidden layer of depth 2/],
    [{ sweep: 'width', hold: { depth: 1 } }, /'width' needs hidden layers/],
    [{ sizes: [10, 20, 40] }, /span at least one decade/],
    [{ sizes: [10, 100] }, /at least 3 distinct values/],
    [{ sizes: [1.5, 10, 100] }, /positive integers/],
    [{ hold: { N: 0 } }, /hold\.N must be a positive integer/],
    [{ hold: { d: 8 } }, /hold\.d: d is swept/],
    [{ hold: { M: 8 } }, /hold: unknown field M/],
    [{ hold: [{ N: 4 }, { N: 4 }] }, /two regimes are the same/],
    [{ hold: { data: 'mnist' } }, /d cannot be swept on the data set 'mnist'/],
    [{ hold: { depth: 3, widths: [4] } }, /lists 1 width\(s\) but depth 3 has 2 hidden/],
    [{ draws: { min: 1 } }, /draws\.min must be an integer ≥ 2/],
    [{ expo: 1 }, /expo: unknown field/],
  ];
  it.each(cases)('%j', (over, msg) => {
    let err: unknown;
    try {
      defineBound({ id: 'bad', statement: 's', asymptotic: { ...base, ...over } as never });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(msg);
    expect((err as Error).message).toMatch(/^defineBound\(bad\): asymptotic/);
    expect((err as Error).message.split('\n')).toHaveLength(1);
  });
  it('an asymptotic bound has no lhs/relation/rhs/instances; asymptotic must be an object', () => {
    expect(() => defineBound({ id: 'b', statement: 's', asymptotic: base, lhs: () => 1 } as never)).toThrow(/remove lhs/);
    expect(() => defineBound({ id: 'b', statement: 's', asymptotic: 'Theta(d)' } as never)).toThrow(/asymptotic must be an object/);
    expect(() => defineBound({ id: 'b', statement: 's', asymptotic: base, kind: 'high-probability' } as never)).toThrow(/kind 'asymptotic'/);
  });
});
