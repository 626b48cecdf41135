import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { exactDecimalOf } from '../../test/support/exactDecimal.ts';
import { searchTheorem } from '../search/search.ts';
import { evaluateInstance } from '../theorem/verdict.ts';
import { confirmRun, confirmViolation } from './confirm.ts';
import { type AuditDescriptor, type AuditTheorem, defineBound, materializeDescriptor } from './defineBound.ts';
import { readFileSync } from 'node:fs';
import { activationByName } from '../ntk/activations/registry.ts';
import { EigenBracket, downDouble, inertiaBelow, muDec, muDecOf, NoOracle, Oracle, upDouble } from './highPrecision.ts';
import { type AuditInstance, enclosureOf, muEnclosure, SCALAR_QUANTITIES } from './quantities.ts';

/**
 * The high-precision oracle (highPrecision.ts) and the confirmation of counterexamples (confirm.ts)
 * against closed forms evaluated here at 100 digits with decimal.js's own elementary functions, and
 * against the float64 engine (whose enclosures it must meet: both enclose the same exact value).
 */

const H = Decimal.clone({ precision: 100 });
type Hd = InstanceType<typeof H>;

/** The exact value of a double (m·2^e), written independently of the modules under test. */
const exact = (x: number): Hd => exactDecimalOf(H, x);

const PI = new H(-1).acos();

/** ‖r‖² of a row of doubles, exactly (each square and sum at 100 digits). */
const normSq = (r: number[]): Hd => r.reduce((s, v) => s.plus(exact(v).times(exact(v))), new H(0));

/** λ_min of the symmetric 2 × 2 matrix [[k11, k12], [k12, k22]]: (k11 + k22)/2 − √((k11 − k22)²/4 + k12²). */
const lambdaMin2x2 = (k11: Hd, k22: Hd, k12: Hd): Hd =>
  k11
    .plus(k22)
    .div(2)
    .minus(k11.minus(k22).div(2).pow(2).plus(k12.pow(2)).sqrt());

function instance(rows: number[][], depth = 2, widths: number[] = [16]): AuditInstance {
  return {
    x: { rows: rows.length, cols: rows[0].length, data: Float64Array.from(rows.flat()) },
    depth,
    widths,
    init: 'standard',
    netSeed: 'hp-test',
    data: 'gaussian',
    normalize: 'none',
  };
}

/** lo ≤ v ≤ hi with lo, hi doubles and v a 100-digit value. */
function contains(e: { lower: number; upper: number }, v: Hd): boolean {
  return exact(e.lower).lte(v) && v.lte(exact(e.upper));
}

describe('high-precision oracle: closed forms', () => {
  it('N = 1: K^(L) = L‖x‖², G^(L) = ‖x‖², H∞ = 1/2 (tight enclosures, with and without the engine as a start)', () => {
    const x = [0.1, -0.3, 0.7];
    const n2 = normSq(x);
    for (const L of [1, 2, 4]) {
      for (const start of [true, false]) {
        const inst = instance([x], L, new Array(L - 1).fill(8));
        const o = new Oracle(inst, start ? (k) => enclosureOf(inst, k) : () => undefined);
        const k = o.quantity('lambdaMinNTK').enclosure();
        expect(contains(k, n2.times(L))).toBe(true);
        expect(contains(o.quantity('lambdaMaxNTK').enclosure(), n2.times(L))).toBe(true);
        expect(contains(o.quantity('traceNTK').enclosure(), n2.times(L))).toBe(true);
        expect(contains(o.quantity('lambdaMinNNGP').enclosure(), n2)).toBe(true);
        expect(contains(o.quantity('lambdaMinHInfinity').enclosure(), new H('0.5'))).toBe(true);
        expect(contains(o.quantity('sumNormSq').enclosure(), n2)).toBe(true);
        // Tight: a few ulps after the two inertia counts (and bisection where needed).
        const q = o.quantity('lambdaMinNTK');
        while (q.refine());
        const e = q.enclosure();
        expect((e.upper - e.lower) / e.upper).toBeLessThan(1e-14);
      }
    }
  });

  it('N = 2: λ_min(K^(2)) = tr/2 − √((K11 − K22)²/4 + K12²) with K12 = ab[cos t (π − t)/π + (sin t + (π − t) cos t)/π]', () => {
    const rows = [
      [1.3, 0.2],
      [0.6, -0.9],
    ];
    const [a2, b2] = rows.map(normSq);
    const dot = exact(rows[0][0])
      .times(exact(rows[1][0]))
      .plus(exact(rows[0][1]).times(exact(rows[1][1])));
    const ab = a2.times(b2).sqrt();
    const c = dot.div(ab);
    const t = c.acos();
    const k12 = ab.times(
      c
        .times(PI.minus(t))
        .div(PI)
        .plus(t.sin().plus(PI.minus(t).times(c)).div(PI)),
    );
    const lam = lambdaMin2x2(a2.times(2), b2.times(2), k12);
    const g12 = ab.times(t.sin().plus(PI.minus(t).times(c))).div(PI);
    const lamG = lambdaMin2x2(a2, b2, g12);
    // H∞ on unit rows: [[1/2, h], [h, 1/2]], h = cos t (π − t)/(2π): λ_min = 1/2 − |h|.
    const lamH = new H('0.5').minus(c.times(PI.minus(t)).div(PI.times(2)).abs());
    const inst = instance(rows);
    const o = new Oracle(inst, (k) => enclosureOf(inst, k));
    for (const [key, v] of [
      ['lambdaMinNTK', lam],
      ['lambdaMinNNGP', lamG],
      ['lambdaMinHInfinity', lamH],
    ] as const) {
      const q = o.quantity(key);
      while (q.refine());
      const e = q.enclosure();
      expect(contains(e, v)).toBe(true);
      expect(e.upper - e.lower).toBeLessThan(1e-14 * Math.abs(v.toNumber()));
    }
    // maxCosine = |c|, maxInnerProduct = |dot|
    expect(contains(o.quantity('maxCosine').enclosure(), c.abs())).toBe(true);
    expect(contains(o.quantity('maxInnerProduct').enclosure(), dot.abs())).toBe(true);
  });

  it('nearly parallel inputs (angle ≈ 1e-9): λ_min(K^(3)) > 0 and matches the closed form of the 2 × 2 case', () => {
    const t0 = 1e-9;
    const rows = [
      [1, 0],
      [Math.cos(t0), Math.sin(t0)],
    ];
    const inst = instance(rows, 3, [8, 8]);
    // Exact reference: propagate the angle at 100 digits (cos θ' = (sin θ + (π − θ) cos θ)/π).
    const [a2, b2] = rows.map(normSq);
    const ab = a2.times(b2).sqrt();
    let th = exact(rows[1][1]).div(exact(rows[1][0])).atan();
    let k12 = ab.times(th.cos());
    for (let l = 2; l <= 3; l++) {
      const cosNext = th.sin().plus(PI.minus(th).times(th.cos())).div(PI);
      k12 = k12.times(PI.minus(th).div(PI)).plus(ab.times(cosNext));
      th = cosNext.acos();
    }
    const lam = lambdaMin2x2(a2.times(3), b2.times(3), k12);
    const q = new Oracle(inst, (k) => enclosureOf(inst, k)).quantity('lambdaMinNTK');
    while (q.refine());
    const e = q.enclosure();
    expect(lam.gt(0)).toBe(true);
    expect(contains(e, lam)).toBe(true);
    expect(e.lower).toBeGreaterThan(0);
  });

  it('a known spectrum: inertia counts of the 1-D Laplacian (eigenvalues 2 − 2cos(kπ/(n+1))) and its extreme eigenvalues', () => {
    const n = 12;
    const D = Decimal.clone({ precision: 50 });
    const data = Array.from({ length: n * n }, (_, t) => {
      const i = Math.floor(t / n),
        j = t % n;
      return new D(i === j ? 2 : Math.abs(i - j) === 1 ? -1 : 0);
    });
    const a = { rows: n, cols: n, data };
    const eig = Array.from({ length: n }, (_, k) =>
      new H(2).minus(
        new H(2).times(
          PI.times(k + 1)
            .div(n + 1)
            .cos(),
        ),
      ),
    );
    for (const s of [-1, 0.05, 0.3, 1, 1.999, 2.5, 3.9, 5]) {
      const below = eig.filter((v) => v.lt(s)).length;
      const r = inertiaBelow(a, new D(s));
      expect(r.below).toBe(below);
      // Definite A − sI: no pivot growth, so the backward error is of the order of 10^{−DIGITS}.
      if (below === 0 || below === n) expect(r.backward.toNumber()).toBeLessThan(1e-45);
    }
    const sym = { m: a, error: new D(0) };
    const bmin = new EigenBracket(sym, 'min'),
      bmax = new EigenBracket(sym, 'max');
    for (let k = 0; k < 60; k++) {
      bmin.bisect();
      bmax.bisect();
    }
    const emin = bmin.enclosure(),
      emax = bmax.enclosure();
    expect(new H(emin.lo.toString()).lte(eig[0]) && eig[0].lte(new H(emin.hi.toString()))).toBe(true);
    expect(new H(emax.lo.toString()).lte(eig[n - 1]) && eig[n - 1].lte(new H(emax.hi.toString()))).toBe(true);
    expect(emin.hi.minus(emin.lo).toNumber()).toBeLessThan(1e-15);
  });

  it("μ_r of other activations: the oracle's closed forms and the engine's enclosures against the mpmath fixture", () => {
    // test/fixtures/hermite/reference.json: 50 digits by Gauss–Legendre quadrature (scripts/hermite-reference.py)
    const ref = JSON.parse(readFileSync(new URL('../../test/fixtures/hermite/reference.json', import.meta.url), 'utf8')) as {
      values: Record<string, { mu: string[] }>;
    };
    for (const name of ['leaky-relu:0.25', 'abs', 'erf', 'gelu', 'tanh', 'sigmoid', 'softplus']) {
      const act = activationByName(name);
      for (const r of [0, 1, 2, 3, 4, 7, 10, 31, 64]) {
        const base = ref.values[name.startsWith('leaky') || name === 'abs' ? 'relu' : name].mu[r];
        const b = name === 'abs' ? -1 : 0.25;
        const want = name.startsWith('leaky') || name === 'abs' ? new H(base).times(1 - b).plus(r === 1 ? b : 0) : new H(base);
        const e = muEnclosure(r, act);
        expect(exact(e.lower).lte(want) && want.lte(exact(e.upper)), `${name} μ_${r}`).toBe(true);
        if (act.kind === 'smooth' && name !== 'gelu') {
          expect(() => muDecOf(act as { kind: string; name: string }, r)).toThrow(NoOracle);
        } else {
          expect(new H(muDecOf(act as { kind: string; name: string }, r).toString()).minus(want).abs().toNumber(), `${name} μ_${r}`).toBeLessThan(1e-45);
        }
      }
    }
  });

  it('μ_r of the (a,b)-ReLU family is the coefficient of the double slope, with no cancellation at r = 1', () => {
    // mpmath (60 digits) with the exact binary values of the slopes: b = fl(0.1) = 0.1000000000000000055511…,
    // μ_0 = (1 − b)/√(2π); b = fl(−0.9999999999999999) = −(1 − 2^-53), μ_1 = (1 + b)/2 = 2^-54 exactly; b = −3,
    // μ_4 = 4·μ_4(ReLU) = −4/(√(2π)√(4!))
    const cases: [string, number, string][] = [
      ['leaky-relu:0.1', 0, '0.3590480523612894079313769279502641942313775042508392733'],
      ['leaky-relu:-0.9999999999999999', 1, '0.000000000000000055511151231257827021181583404541015625'],
      ['leaky-relu:-3', 4, '-0.3257350079352799477242564152255646697172570721294851348'],
    ];
    for (const [name, r, v] of cases) {
      const want = new H(v);
      const got = new H(muDecOf(activationByName(name) as { kind: string; name: string; a?: number; b?: number }, r).toString());
      expect(got.minus(want).div(want).abs().toNumber(), `${name} μ_${r}`).toBeLessThan(1e-45);
    }
  });

  it('μ_r, Gram λ_min, and outward rounding to doubles', () => {
    const s = new H(PI).sqrt();
    expect(
      muDec(0)
        .minus(new H(1).div(PI.times(2).sqrt()))
        .abs()
        .toNumber(),
    ).toBeLessThan(1e-48);
    expect(
      muDec(2)
        .minus(new H(1).div(s.times(2)))
        .abs()
        .toNumber(),
    ).toBeLessThan(1e-48);
    expect(
      muDec(4)
        .minus(new H(-1).div(s.times(2).times(new H(12).sqrt())))
        .abs()
        .toNumber(),
    ).toBeLessThan(1e-48);
    expect(muDec(3).isZero()).toBe(true);
    // XXᵀ = [[5, 4], [4, 5]]: eigenvalues 1 and 9.
    const inst = instance([
      [1, 2],
      [2, 1],
    ]);
    const q = new Oracle(inst).quantity('lambdaMinGram');
    while (q.refine());
    expect(contains(q.enclosure(), new H(1))).toBe(true);
    expect(q.enclosure().upper - q.enclosure().lower).toBeLessThan(1e-14);
    // 0.1 is not a double: the enclosing doubles are the neighbours of fl(0.1).
    const tenth = new Decimal('0.1');
    expect(exact(downDouble(tenth)).lte('0.1') && exact(upDouble(tenth)).gte('0.1')).toBe(true);
    expect(upDouble(tenth)).toBe(0.1); // fl(0.1) > 0.1
    expect(downDouble(tenth)).toBeLessThan(0.1);
    expect(upDouble(new Decimal(0.5))).toBe(0.5);
    expect(downDouble(new Decimal(0.5))).toBe(0.5);
  });
});

describe('high-precision oracle vs the float64 engine', () => {
  it('every quantity: the 50-digit enclosure meets the engine enclosure (both contain the exact value) on random small instances', () => {
    const keys = [...SCALAR_QUANTITIES, 'sigmaMinF(0)', 'sigmaMinF(1)', 'lipschitzBound(1)', 'lipschitzBound(2)', 'mu(2)'];
    let tightest = Infinity;
    for (const [n, d, depth, data, seed] of [
      [4, 3, 2, 'gaussian', '1'],
      [7, 5, 3, 'unit-sphere', '2'],
      [9, 6, 2, 'rademacher', '3'],
      [5, 8, 3, 'gaussian-scaled', '4'],
    ] as const) {
      const desc: AuditDescriptor = { n, d, depth, widths: [12, 10], init: depth === 3 ? 'he' : 'standard', data, normalize: 'none', seed };
      const inst = materializeDescriptor(desc);
      const o = new Oracle(inst, (k) => enclosureOf(inst, k));
      for (const k of keys) {
        const q = o.quantity(k);
        const e = q.enclosure();
        const g = enclosureOf(inst, k);
        if (!(e.lower <= g.upper && g.lower <= e.upper))
          throw new Error(`${k} at ${JSON.stringify(desc)}: oracle [${e.lower}, ${e.upper}] vs engine [${g.lower}, ${g.upper}]`);
        // After bisection the oracle is at least as tight as the engine (to a few ulps).
        for (let t = 0; t < 40 && q.refine(); t++); // bisection to its end (≤ 22 steps here)
        const f = q.enclosure();
        expect(f.lower <= g.upper && g.lower <= f.upper).toBe(true);
        if (g.upper > g.lower) tightest = Math.min(tightest, (g.upper - g.lower) / Math.max(1e-300, f.upper - f.lower));
      }
    }
    expect(tightest).toBeGreaterThanOrEqual(0.5);
  });
});

describe('confirmation of counterexamples', () => {
  const wrong = defineBound({
    id: 'test.wrong',
    statement: 'λ_min(K) ≥ 2·(L/N)Σ‖x_i‖² (false: λ_min ≤ the mean diagonal L·Σ‖x_i‖²/N)',
    instances: { n: [3, 8], d: [2, 5], depth: [2, 3], widths: [8, 16] },
    lhs: (q) => q.lambdaMinNTK,
    relation: '>=',
    rhs: (q) => (2 * q.L * q.sumNormSq) / q.N,
  });
  const positive = defineBound({
    id: 'test.positive',
    statement: 'λ_min(K) > 0 (true for pairwise non-parallel data, Nguyen et al. 2021)',
    instances: { n: [3, 8], d: [2, 5], depth: [2, 2] },
    lhs: (q) => q.lambdaMinNTK,
    relation: '>',
    rhs: () => 0,
  });
  const spec = (t: AuditTheorem) => t[Symbol.for('ntk-audit.bound') as never] as unknown as Parameters<typeof confirmViolation>[0];

  it('a false bound: the violation is confirmed and the decimal quantities are recorded', () => {
    const inst = materializeDescriptor({ n: 6, d: 3, depth: 3, widths: [8, 8], init: 'standard', data: 'gaussian', normalize: 'none', seed: '11' });
    const c = confirmViolation(spec(wrong), inst);
    expect(c.status).toBe('confirmed');
    if (c.status === 'skipped') throw new Error('skipped');
    expect(c.verdict).toBe('violated');
    expect(Object.keys(c.quantities).sort()).toEqual(['lambdaMinNTK', 'sumNormSq']);
    expect(Number(c.margin)).toBeLessThan(-Number(c.errorBound));
  });

  it('a corrupted engine enclosure makes the float verdict `violated`; the confirmation finds `holds` and does not confirm', () => {
    const inst = materializeDescriptor({ n: 5, d: 3, depth: 2, widths: [8], init: 'standard', data: 'gaussian', normalize: 'none', seed: '5' });
    const good = enclosureOf(inst, 'lambdaMinNTK');
    expect(good.lower).toBeGreaterThan(0);
    // Test hook: the instance's cache holds the engine results; a wrong λ_min(K) is planted there.
    inst.cache!.set('q:lambdaMinNTK', { lower: -2 * good.upper, upper: -good.upper, mid: -1.5 * good.upper });
    expect(evaluateInstance(positive, {} as never, inst).outcome.verdict).toBe('violated');
    const c = confirmViolation(spec(positive), inst);
    expect(c.status).toBe('not-confirmed');
    if (c.status === 'skipped') throw new Error('skipped');
    expect(c.verdict).toBe('holds');
    expect(Number(c.quantities.lambdaMinNTK.lower)).toBeGreaterThan(0);
    const got = { lower: Number(c.quantities.lambdaMinNTK.lower), upper: Number(c.quantities.lambdaMinNTK.upper) };
    expect(got.lower <= good.upper && good.lower <= got.upper).toBe(true);
  });

  it('a run whose every violation comes from a corrupted engine is not refuted: counts move to inconclusive, nothing is reported', () => {
    const corrupt: AuditTheorem = {
      ...positive,
      materialize: (d: AuditDescriptor) => {
        const inst = positive.materialize(d);
        const e = enclosureOf(inst, 'lambdaMinNTK');
        inst.cache!.set('q:lambdaMinNTK', { lower: -e.upper - 1, upper: -e.upper, mid: -e.upper - 0.5 });
        return inst;
      },
    };
    const run = searchTheorem(corrupt, { seed: 'hp', numRuns: 6, targetedSteps: 0 });
    expect(run.counts.violated).toBeGreaterThan(0);
    const r = confirmRun(corrupt, run, { maxChecks: 3 });
    expect(r.run.counts.violated).toBe(0);
    expect(r.run.counts.inconclusive).toBe(run.counts.inconclusive + run.counts.violated);
    expect(r.smallest).toBeUndefined();
    expect(r.worst).toBeUndefined();
    expect(r.run.counterexamples.count).toBe(0);
    expect(r.summary.failed).toBe(3);
    expect(r.run.records.some((x) => x.verdict === 'violated')).toBe(false);
    // The genuine bound on the same search: every reported counterexample is confirmed.
    const run2 = searchTheorem(wrong, { seed: 'hp', numRuns: 6, targetedSteps: 0 });
    const r2 = confirmRun(wrong, run2);
    expect(r2.run.counts).toEqual(run2.counts);
    expect(r2.smallest?.confirmation.status).toBe('confirmed');
  });

  it('a violation by a few widths of the engine enclosure: inconclusive on the first (widened) bracket, confirmed after bisection', () => {
    const inst = materializeDescriptor({ n: 10, d: 4, depth: 2, widths: [8], init: 'standard', data: 'gaussian', normalize: 'none', seed: '21' });
    const e = enclosureOf(inst, 'lambdaMinNTK');
    const w = e.upper - e.lower;
    const R = e.upper + 2.5 * w;
    const tight = { lhs: (q: { lambdaMinNTK: number }) => q.lambdaMinNTK, relation: '>=' as const, rhs: () => R };
    const c = confirmViolation(tight as never, inst);
    if (c.status === 'skipped') throw new Error('skipped');
    expect(c.status).toBe('confirmed');
    expect(c.inertiaCounts).toBeGreaterThan(2);
    // Bisected below the first bracket (the engine's widened by its width on each side: 3w), and below R.
    const q = c.quantities.lambdaMinNTK;
    expect(Number(q.upper) - Number(q.lower)).toBeLessThan(2 * w);
    expect(Number(q.upper)).toBeLessThan(R);
  });

  it('N = 65 is skipped; N = 64 is confirmed (timing printed)', () => {
    const d65 = materializeDescriptor({ n: 65, d: 4, depth: 2, widths: [8], init: 'standard', data: 'gaussian', normalize: 'none', seed: '9' });
    expect(confirmViolation(spec(wrong), d65)).toEqual({ status: 'skipped', reason: 'N > 64' });
    const inst = materializeDescriptor({ n: 64, d: 10, depth: 2, widths: [8], init: 'standard', data: 'gaussian', normalize: 'none', seed: '9' });
    const t0 = performance.now();
    const c = confirmViolation(spec(wrong), inst);
    const ms = performance.now() - t0;
    console.log(
      `confirmation at N = 64, d = 10, L = 2 (λ_min(K) and Σ‖x_i‖²): ${ms.toFixed(0)} ms, ${c.status !== 'skipped' ? c.inertiaCounts : 0} inertia counts`,
    );
    expect(c.status).toBe('confirmed');
  });
});
