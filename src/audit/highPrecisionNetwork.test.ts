import { readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { exactDecimalOf } from '../../test/support/exactDecimal.ts';
import { decimalNetwork } from '../../test/support/decimalNetwork.ts';
import { activationByName } from '../ntk/activations/registry.ts';
import { initNetwork } from '../ntk/network.ts';
import { confirmViolation } from './confirm.ts';
import { type AuditDescriptor, materializeDescriptor } from './defineBound.ts';
import { decimalActivation, T_SAT } from './decimalActivations.ts';
import { decMatrix, empiricalNtkDec, featuresDec, Oracle } from './highPrecision.ts';
import { type AuditInstance, enclosureOf, kernelMatrix } from './quantities.ts';

/**
 * The 50-digit finite network of the oracle (highPrecision.ts empiricalNtkDec / featuresDec, decimalActivations.ts) for
 * every activation record: σ and σ' against references computed here at 130 digits by other formulas, the oracle's
 * enclosures of σ_min(F_k), λ of the empirical NTK and its kernel entries against the float engine's certified ones
 * (quantities.ts; both enclose the same exact value of the stored doubles, so the tight decimal one must lie inside),
 * and the confirmation of planted false bounds on tanh and gelu networks. In the 'ntk' parameterisation with biases
 * (ReLU, leaky-relu, tanh, gelu) the same comparisons, the kernel and features against the 90-digit per-sample
 * Jacobian of test/support/decimalNetwork.ts, lipschitzBound(k) = ∏ s_l‖ω_l‖₂, and planted false bounds.
 */

const RECORDS = ['relu', 'leaky-relu:0.1', 'abs', 'identity', 'erf', 'tanh', 'sigmoid', 'gelu', 'softplus'] as const;
const SMOOTH = ['erf', 'tanh', 'sigmoid', 'gelu', 'softplus'] as const;

const D50 = Decimal.clone({ precision: 50 });
const H = Decimal.clone({ precision: 130, minE: -9e15, maxE: 9e15 });
type Hd = InstanceType<typeof H>;

/** The exact value of a double (m·2^e), written independently of the modules under test. */
const exact = (x: number): Hd => exactDecimalOf(H, x);

const SQRT_PI = new H(-1).acos().sqrt();
/** erf by the alternating Maclaurin series at 130 digits (|t| ≤ 9: terms ≤ e^81 < 1e36, so ≥ 90 correct digits). */
function erfRef(t: Hd): Hd {
  const t2 = t.times(t);
  let term = t,
    sum = t;
  for (let n = 1; n < 5000; n++) {
    term = term.times(t2).neg().div(n);
    const add = term.div(2 * n + 1);
    sum = sum.plus(add);
    if (add.abs().lt('1e-125')) break;
  }
  return sum.times(2).div(SQRT_PI);
}

/** tanh t = (e^{2t} − 1)/(e^{2t} + 1) from exp alone, with log10(1/|t|) more digits for the cancellation at small |t|. */
function tanhRef(t: Hd): Hd {
  if (t.isZero()) return new H(0);
  const X = H.clone({ precision: 130 + Math.max(0, Math.ceil(-Math.log10(Math.abs(t.toNumber())))) });
  const e = new X(t).times(2).exp();
  return new H(e.minus(1).div(e.plus(1)));
}

/**
 * σ, σ' at 130 digits by formulas other than decimalActivations.ts' (|t| ≤ 9): tanh from exp, sigmoid from tanh,
 * softplus as ln(1 + e^t), erf by its alternating series.
 */
function reference(name: string, t: Hd): { f: Hd; df: Hd } {
  const one = new H(1);
  switch (name) {
    case 'tanh': {
      const th = tanhRef(t);
      return { f: th, df: one.minus(th.times(th)) };
    }
    case 'sigmoid': {
      const th = tanhRef(t.div(2));
      const s = one.plus(th).div(2);
      return { f: s, df: s.times(one.minus(s)) };
    }
    case 'softplus':
      return { f: one.plus(t.exp()).ln(), df: one.div(one.plus(t.neg().exp())) };
    case 'erf':
      return { f: erfRef(t), df: t.times(t).neg().exp().times(2).div(SQRT_PI) };
    default: {
      const Phi = one.plus(erfRef(t.div(new H(2).sqrt()))).div(2);
      const phi = t.times(t).div(-2).exp().div(new H(-1).acos().times(2).sqrt());
      return { f: t.times(Phi), df: Phi.plus(t.times(phi)) };
    }
  }
}

function instanceOf(
  activation: string,
  n: number,
  d: number,
  widths: number[],
  seed: string,
  data = 'gaussian',
  bias = 0,
  parameterization = 'nmm',
): AuditInstance {
  return materializeDescriptor({
    n,
    d,
    depth: widths.length + 1,
    widths,
    init: 'standard',
    data,
    normalize: 'none',
    seed,
    activation,
    bias,
    parameterization,
  } as AuditDescriptor);
}

/** lo ≤ v ≤ hi exactly. */
const inside = (e: { lower: number; upper: number }, lo: number, hi: number) => e.lower >= lo && e.upper <= hi;

describe('decimal σ and σ′ (decimalActivations.ts)', () => {
  it('smooth records: within R·(S0 + L1|t|), R·L1 of 130-digit references on a sweep; the constants bound σ′, σ″ and σ(0)', () => {
    const ts: number[] = [0, 1e-300, 2 ** -40, 1e-8, 0.001, 0.1, 0.5, 0.75, 1, Math.SQRT2, 2, 2.9, 3, 3.1, 4.2, 4.5, 6, 8.9];
    const R = new H(10).pow(-49);
    for (const name of SMOOTH) {
      const act = decimalActivation(activationByName(name) as { kind: string; name: string }, D50);
      let maxD = new H(0),
        maxD2 = new H(0);
      for (const t0 of ts)
        for (const t of [t0, -t0]) {
          const v = act.eval(new D50(exact(t).toString()));
          const ref = reference(name, exact(t));
          const ef = new H(v.f.toString()).minus(ref.f).abs(),
            ed = new H(v.df.toString()).minus(ref.df).abs();
          expect(ef.lte(R.times(new H(act.s0).plus(new H(act.l1).times(exact(t).abs())))), `${name}(${t}): error ${ef.toExponential(3)}`).toBe(true);
          expect(ed.lte(R.times(act.l1)), `${name}'(${t}): error ${ed.toExponential(3)}`).toBe(true);
          if (ref.df.abs().gt(maxD)) maxD = ref.df.abs();
          // σ'' by a central difference at 130 digits (h = 1e-40: error ≈ h²·σ'''' ≪ the margins)
          const h = new H('1e-40');
          const d2 = reference(name, exact(t).plus(h))
            .df.minus(reference(name, exact(t).minus(h)).df)
            .div(h.times(2))
            .abs();
          if (d2.gt(maxD2)) maxD2 = d2;
        }
      expect(reference(name, new H(0)).f.abs().lte(act.s0), `${name}: |σ(0)| ≤ S0`).toBe(true);
      expect(maxD.lte(act.l1), `${name}: sup|σ'| ≤ L1`).toBe(true);
      expect(maxD2.lte(act.l2), `${name}: sup|σ''| ≤ L2 (${maxD2.toFixed(5)})`).toBe(true);
      // the constants are near-sharp (on this grid, which has the extrema of gelu's σ', tanh's and erf's σ'' only roughly)
      expect(maxD.toNumber()).toBeGreaterThan(0.24 * act.l1);
    }
  });

  it('saturation beyond |t| = 2000 and the (a,b)-ReLU family at its kink (σ(0) = σ′(0) = 0, as the records)', () => {
    for (const name of SMOOTH) {
      const act = decimalActivation(activationByName(name) as { kind: string; name: string }, D50);
      for (const t of [T_SAT * 1.5, -T_SAT * 1.5, 1e300, -1e300]) {
        const v = act.eval(new D50(t));
        const lim =
          (name === 'gelu' || name === 'softplus') && t > 0
            ? new D50(t)
            : new D50(name === 'sigmoid' || name === 'gelu' || name === 'softplus' ? (t > 0 ? 1 : 0) : Math.sign(t));
        expect(v.f.eq(lim), `${name}(${t})`).toBe(true);
        expect(v.df.eq((name === 'gelu' || name === 'softplus') && t > 0 ? 1 : 0), `${name}'(${t})`).toBe(true);
      }
    }
    for (const name of ['relu', 'leaky-relu:0.1', 'abs', 'identity']) {
      const rec = activationByName(name);
      const act = decimalActivation(rec as { kind: string; name: string; a?: number; b?: number }, D50);
      expect(act.kink).toBe(true);
      expect(act.eval(new D50(0))).toEqual({ f: new D50(0), df: new D50(0) });
      expect(rec.deriv(0)).toBe(0);
      // the slopes are the records' doubles taken exactly: fl(0.1) = 0.1000000000000000055511151231257827…
      const neg = act.eval(new D50(-2));
      expect(neg.df.toString()).toBe(name === 'leaky-relu:0.1' ? exact(0.1).toString() : name === 'relu' ? '0' : name === 'abs' ? '-1' : '1');
    }
  });
});

const NETWORK_KEYS = ['sigmaMinF(1)', 'sigmaMinF(2)', 'lambdaMinEmpiricalNTK', 'lambdaMax(empiricalNTK)', 'trace(jacobianGram)', 'lambdaMin(jacobianGram)'];

/**
 * For each instance (labelled by its record) and key: the oracle's bisected enclosure (no engine start: Gershgorin
 * brackets, proven by inertia counts) meets the engine's certified one, and lies inside it when the value is proven
 * positive; returns per record the largest relative width of those and their count.
 */
function againstEngine(cases: [string, AuditInstance][], keys = NETWORK_KEYS): { widths: Record<string, number>; tight: Record<string, number> } {
  const widths: Record<string, number> = {};
  const tight: Record<string, number> = {};
  for (const [name, inst] of cases) {
    const o = new Oracle(inst);
    for (const k of keys) {
      const q = o.quantity(k);
      for (let t = 0; t < 80 && q.refine(); t++);
      const e = q.enclosure();
      const g = enclosureOf(inst, k);
      expect(Number.isFinite(g.lower) && Number.isFinite(g.upper), `${name} ${k}: engine certified`).toBe(true);
      const msg = `${name} ${k}: oracle [${e.lower}, ${e.upper}] vs engine [${g.lower}, ${g.upper}]`;
      expect(e.lower <= g.upper && g.lower <= e.upper, msg).toBe(true);
      // A value proven positive is bisected to a few ulps, inside the engine's enclosure. (σ_min(F_k) = 0 — a ReLU
      // unit dead on every sample, or rank(F_k) < N — is approached as √ of a shrinking bracket, not to ulps.)
      if (g.lower > 0) {
        expect(inside(e, g.lower, g.upper), msg).toBe(true);
        widths[name] = Math.max(widths[name] ?? 0, (e.upper - e.lower) / e.upper);
        tight[name] = (tight[name] ?? 0) + 1;
      }
    }
  }
  return { widths, tight };
}

/**
 * The decimal kernels 'empiricalNTK' and 'jacobianGram' entrywise against the engine's: |K̃_ij − K̂_ij| ≤ the engine bound
 * + the oracle allowance, which is < 1e-40 relative; returns the decimal kernels.
 */
function entriesAgainstEngine(name: string, inst: AuditInstance): ReturnType<typeof empiricalNtkDec>[] {
  const N = inst.x.rows;
  return (
    [
      ['empiricalNTK', true],
      ['jacobianGram', false],
    ] as const
  ).map(([kname, normalize]) => {
    const dk = empiricalNtkDec(inst, decMatrix(inst.x), undefined, normalize);
    const eng = kernelMatrix(inst, kname);
    let scale = 0;
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        const v = new H(dk.m.data[i * N + j].toString());
        const diff = v.minus(exact(eng.get(i, j))).abs();
        expect(diff.lte(exact(eng.spectralError).plus(new H(dk.error.toString()))), `${name} ${kname}(${i}, ${j})`).toBe(true);
        scale = Math.max(scale, Math.abs(eng.get(i, j)));
      }
    expect(dk.error.toNumber()).toBeLessThan(1e-40 * scale);
    return dk;
  });
}

describe('the 50-digit finite network against the float engine, every record', () => {
  it('σ_min(F_k), λ(empirical NTK) and tr/λ of the Jacobian Gram: the bisected decimal enclosure lies inside the engine enclosure', () => {
    const cases: [string, AuditInstance][] = [];
    for (const name of RECORDS)
      for (const [n, d, w, seed] of [
        [4, 4, [5, 4], 'a'], // d ≥ N: the identity network's F_k have full row rank
        [6, 2, [7, 3], 'b'],
      ] as const) {
        if (seed === 'b' && !(SMOOTH as readonly string[]).includes(name)) continue; // the (a,b)-ReLU family: one instance
        cases.push([name, instanceOf(name, n, d, [...w], `${name}-${seed}`)]);
      }
    const { widths, tight } = againstEngine(cases);
    for (const name of RECORDS) {
      expect(widths[name], name).toBeLessThan(1e-14);
      expect(tight[name], `${name}: quantities proven positive and bisected`).toBeGreaterThanOrEqual(4);
    }
  });

  it('kernel entries: |K̃_ij − K̂_ij| ≤ the engine bound + the oracle allowance, which is < 1e-40 relative', () => {
    for (const name of RECORDS) entriesAgainstEngine(name, instanceOf(name, 5, 3, [6, 5], `entries-${name}`));
  });

  it('tanh, gelu and softplus with pre-activations beyond the saturation threshold (data ×2000) and at a tiny scale (×2^-600)', () => {
    for (const name of ['tanh', 'gelu', 'softplus']) {
      for (const s of [2000, 2 ** -600]) {
        const base = instanceOf(name, 3, 3, [8], `scale-${name}`);
        const inst: AuditInstance = { ...base, x: { ...base.x, data: base.x.data.map((v) => v * s) }, cache: new Map() };
        const o = new Oracle(inst, (k) => enclosureOf(inst, k)); // as confirm.ts: from the engine's enclosure
        for (const k of ['sigmaMinF(1)', 'lambdaMinEmpiricalNTK']) {
          const q = o.quantity(k);
          for (let t = 0; t < 80 && q.refine(); t++);
          const e = q.enclosure();
          const g = enclosureOf(inst, k);
          expect(e.lower <= g.upper && g.lower <= e.upper, `${name} ×${s} ${k}: oracle [${e.lower}, ${e.upper}] vs engine [${g.lower}, ${g.upper}]`).toBe(true);
        }
      }
    }
  });
});

describe('independence of the float engine', () => {
  it('the oracle modules import nothing of the engine but the weight draw and the instance conventions', () => {
    // highPrecision.ts and decimalActivations.ts: decimal.js, initNetwork (the weights of the seed), and from quantities.ts
    // the record of the instance (activationOf: kind, name, slopes, secondMoment are read), the limiting architecture
    // constants and the labels — no forward pass, back-propagation, certified kernel or float σ.
    const imports = (file: string) =>
      [...readFileSync(new URL(file, import.meta.url), 'utf8').matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/gm)].map(
        (m) =>
          `${m[2]}: ${m[1]
            .split(',')
            .map((n) => n.trim().replace(/^type\s+/, ''))
            .filter(Boolean)
            .sort()
            .join(', ')}`,
      );
    expect(imports('./highPrecision.ts')).toEqual([
      'decimal.js: Decimal',
      '../ntk/network.ts: initNetwork',
      './decimalActivations.ts: DecimalActivation, decimalActivation, exactDecimalIn',
      './quantities.ts: AuditInstance, Enclosure, activationOf, isPlainRelu, labelsOf, limitingArchitecture',
    ]);
    expect(imports('./decimalActivations.ts')).toEqual(['decimal.js: Decimal']);
  });

  it("the engine's cached results of another network in the instance do not change the oracle's values", () => {
    // quantities.ts caches the engine's network, forward enclosure and certified kernels in inst.cache; filled from another
    // seed, any engine read would give that network's values.
    for (const [name, bias, par] of [
      ['leaky-relu:0.1', 0, 'nmm'],
      ['tanh', 0, 'nmm'],
      ['gelu', 0, 'nmm'],
      ['gelu', 0.5, 'ntk'],
    ] as const) {
      const keys = ['sigmaMinF(1)', 'lambdaMinEmpiricalNTK', 'trace(jacobianGram)', 'lipschitzBound(2)'];
      const inst = instanceOf(name, 4, 3, [5], `clean-${name}`, 'gaussian', bias, par);
      const other = instanceOf(name, 4, 3, [5], `other-${name}`, 'gaussian', bias, par);
      for (const k of keys) enclosureOf(other, k);
      const clean = new Oracle(inst);
      const planted = new Oracle({ ...inst, cache: new Map(other.cache) });
      for (const k of keys) {
        expect(planted.quantity(k).enclosure(), `${name} ${k}`).toEqual(clean.quantity(k).enclosure());
        expect(enclosureOf({ ...inst, cache: new Map(other.cache) }, k), `${name} ${k}: the planted cache is read by the engine`).toEqual(
          enclosureOf(other, k),
        );
      }
    }
  });
});

/**
 * The planted false bound λ_min(empirical NTK) ≥ 2·tr/N (false: λ_min ≤ the mean diagonal) on inst is confirmed as
 * violated, not skipped, from exactly those two quantities.
 */
function expectPlantedLambdaMinConfirmed(inst: AuditInstance, label: string): void {
  const c = confirmViolation({ lhs: (q) => q.lambdaMin('empiricalNTK'), relation: '>=', rhs: (q) => (2 * q.trace('empiricalNTK')) / q.N }, inst);
  if (c.status === 'skipped') throw new Error(`${label}: skipped (${c.reason})`);
  expect(c.status, `${label}: ${c.reason}`).toBe('confirmed');
  expect(c.verdict).toBe('violated');
  expect(Object.keys(c.quantities).sort()).toEqual(['lambdaMin(empiricalNTK)', 'trace(empiricalNTK)']);
}

describe('confirmation of planted false bounds on the finite network of smooth records', () => {
  it('tanh and gelu: λ_min(empirical NTK) ≥ 2·tr/N (false: λ_min ≤ the mean diagonal) is confirmed, not skipped', () => {
    for (const activation of ['tanh', 'gelu']) expectPlantedLambdaMinConfirmed(instanceOf(activation, 6, 3, [8, 6], `planted-${activation}`), activation);
  });

  it('gelu: a bound violated by 2.5 widths of the engine enclosure of σ_min(F_1) is confirmed after bisection', () => {
    const inst = instanceOf('gelu', 5, 4, [6], 'planted-sigma');
    const e = enclosureOf(inst, 'sigmaMinF(1)');
    const R = e.upper + 2.5 * (e.upper - e.lower);
    const c = confirmViolation({ lhs: (q) => q.sigmaMinF(1), relation: '>=', rhs: () => R }, inst);
    if (c.status === 'skipped') throw new Error('skipped');
    expect(c.status, c.reason).toBe('confirmed');
    expect(Number(c.quantities['sigmaMinF(1)'].upper)).toBeLessThan(R);
  });
});

describe("the 50-digit finite network in the 'ntk' parameterisation with biases", () => {
  /** An 'ntk' instance (W_std = 1, b_std = bias) of the record. */
  const ntkInstance = (activation: string, n: number, d: number, widths: number[], seed: string, bias = 0.5) =>
    instanceOf(activation, n, d, widths, seed, 'gaussian', bias, 'ntk');

  it('lipschitzBound(k) = ∏ s_l‖ω_l‖₂ with the real s_l = 1/√n_{l−1}: inside the engine enclosure, and √(∏ n_{l−1}) below ∏‖ω_l‖₂', () => {
    const inst = ntkInstance('relu', 3, 4, [9, 5], 'lip');
    const plain = instanceOf('relu', 3, 4, [9, 5], 'lip'); // the same ω_l as the 'nmm' W_l of the seed (network.ts)
    const o = new Oracle(inst, (k) => enclosureOf(inst, k));
    const op = new Oracle(plain, (k) => enclosureOf(plain, k));
    for (const [k, n] of [
      [1, 4],
      [2, 4 * 9],
      [3, 4 * 9 * 5],
    ] as const) {
      const key = `lipschitzBound(${k})`;
      const q = o.quantity(key);
      for (let t = 0; t < 80 && q.refine(); t++);
      const e = q.enclosure(),
        g = enclosureOf(inst, key);
      expect(inside(e, g.lower, g.upper), `${key}: oracle [${e.lower}, ${e.upper}] vs engine [${g.lower}, ${g.upper}]`).toBe(true);
      const p = op.quantity(key);
      for (let t = 0; t < 80 && p.refine(); t++);
      const ratio = p.enclosure().mid / e.mid;
      expect(Math.abs(ratio - Math.sqrt(n))).toBeLessThan(1e-12 * Math.sqrt(n));
    }
  });

  /** The 'ntk' records: ReLU, an (a,b)-ReLU record, and two smooth ones. */
  const NTK_RECORDS = ['relu', 'leaky-relu:0.1', 'tanh', 'gelu'] as const;

  it('σ_min(F_k), λ(empirical NTK) and tr/λ of the Jacobian Gram with b_std = 0.5: the bisected decimal enclosure lies inside the engine enclosure', () => {
    const cases: [string, AuditInstance][] = [];
    for (const name of NTK_RECORDS) {
      cases.push([name, ntkInstance(name, 4, 4, [5, 4], `ntk-${name}-a`)]);
      if (name === 'tanh' || name === 'gelu') cases.push([name, ntkInstance(name, 6, 2, [7, 3], `ntk-${name}-b`)]);
    }
    const { widths, tight } = againstEngine(cases);
    for (const name of NTK_RECORDS) {
      expect(widths[name], name).toBeLessThan(1e-14);
      expect(tight[name], `${name}: quantities proven positive and bisected`).toBeGreaterThanOrEqual(4);
    }
  });

  it('kernel entries against the engine, and the kernel and features against the 90-digit per-sample Jacobian (test/support/decimalNetwork.ts)', () => {
    for (const [name, bias] of [...NTK_RECORDS.map((r) => [r, 0.5] as const), ['tanh', 0] as const]) {
      const inst = ntkInstance(name, 5, 3, [6, 5], `ntk-entries-${name}`, bias);
      const [entk, jg] = entriesAgainstEngine(`${name} b_std = ${bias}`, inst);
      // J Jᵀ of the same network (W_std = 1, b_std = bias; unnormalised in 'ntk'), from the per-sample gradient with
      // respect to (ω, β) at 90 digits: both decimal kernels lie within the oracle's allowance of it.
      const act = activationByName(name);
      const net = initNetwork(
        { inputDim: 3, widths: [6, 5], init: 'standard', ...(name === 'relu' ? {} : { activation: act }), parameterization: 'ntk', wStd: 1, bStd: bias },
        inst.netSeed,
      );
      const ref = decimalNetwork(net, inst.x);
      for (const dk of [entk, jg])
        for (let i = 0; i < 5; i++)
          for (let j = 0; j < 5; j++)
            expect(
              new H(dk.m.data[i * 5 + j].toString()).minus(new H(ref.K[i][j].toString())).abs().lte(new H(dk.error.toString()).plus('1e-80')),
              `${name} K(${i}, ${j})`,
            ).toBe(true);
      for (const k of [1, 2]) {
        const { f, error } = featuresDec(inst, decMatrix(inst.x), k);
        let d2 = new H(0);
        for (let i = 0; i < 5; i++)
          for (let a = 0; a < f.cols; a++) d2 = d2.plus(new H(f.data[i * f.cols + a].toString()).minus(new H(ref.features[k][i][a].toString())).pow(2));
        expect(d2.sqrt().lte(new H(error.toString()).plus('1e-80')), `${name} F_${k}`).toBe(true);
      }
    }
  });

  it('a planted false bound λ_min(empirical NTK) ≥ 2·tr/N on tanh and ReLU networks with biases is confirmed, not skipped', () => {
    for (const activation of ['tanh', 'relu']) expectPlantedLambdaMinConfirmed(ntkInstance(activation, 6, 3, [8, 6], `ntk-planted-${activation}`), activation);
  });
});
