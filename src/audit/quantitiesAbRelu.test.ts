/**
 * The audit quantities of the finite network (lambdaMinEmpiricalNTK, λ_min(jacobianGram), sigmaMinF(k)) for the
 * (a,b)-ReLU records: certified, and the exact value of the stored doubles (test/support/exactNtk.ts, dyadic
 * arithmetic, exact signs) lies in the enclosure; smooth records, biases and the 'ntk' parameterisation give the engine's
 * certified enclosures (their 90-digit checks: empiricalNtkCertifiedSmooth.test.ts, empiricalNtkCertifiedNtk.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { add, dy, encloses, exactNtk, expectSigmaMinFEnclosed, mul } from '../../test/support/exactNtk.ts';
import { fromRows, type Matrix } from '../linalg/matrix.ts';
import { activationByName } from '../ntk/activations/registry.ts';
import { empiricalNtkCertified, empiricalNtkLambdaMin } from '../ntk/empiricalNtkCertified.ts';
import { initNetwork } from '../ntk/network.ts';
import { type AuditInstance, enclosureOf } from './quantities.ts';

const instance = (x: Matrix, widths: number[], activation: string, extra: Partial<AuditInstance> = {}): AuditInstance => ({
  x,
  depth: widths.length + 1,
  widths,
  init: 'he',
  netSeed: `ab-${activation}`,
  data: 'file',
  normalize: 'none',
  activation,
  ...extra,
});

/** ∏ 1/(κ n_l), κ = (a² + b²)/2, as the exact rational num/den. */
function normRational(a: number, b: number, widths: number[]): [bigint, bigint] {
  const q = add(mul(dy(a), dy(a)), mul(dy(b), dy(b)));
  const cn = q.e <= 0 ? 2n << BigInt(-q.e) : 2n,
    cd = q.e <= 0 ? q.m : q.m << BigInt(q.e);
  let num = 1n,
    den = 1n;
  for (const n of widths) {
    num *= cn;
    den *= cd * BigInt(n);
  }
  return [num, den];
}

describe('audit quantities of (a,b)-ReLU finite networks', () => {
  it.each([
    ['abs', 0],
    ['leaky-relu:0.1', 0],
    ['leaky-relu:0.1', -600],
    ['identity', 300],
    ['leaky-relu:-0.5', -1074],
  ])('%s, data at 2^%s: λ_min of the empirical NTK and of JJᵀ, σ_min(F_k) enclose the exact values', (name, e) => {
    const x = fromRows(
      [
        [0.9, -0.3, 0.5],
        [-0.2, 0.7, 0.4],
        [0.1, 0.2, -0.8],
      ].map((r) => r.map((v) => v * 2 ** e)),
    );
    const widths = [5, 4];
    const inst = instance(x, widths, name);
    const act = activationByName(name) as ReturnType<typeof activationByName> & { a: number; b: number };
    const net = initNetwork({ inputDim: 3, widths, init: 'he', activation: act }, inst.netSeed);
    const K = exactNtk(net, x);
    const [num, den] = normRational(act.a, act.b, widths);
    const lm = enclosureOf(inst, 'lambdaMinEmpiricalNTK');
    const jg = enclosureOf(inst, 'lambdaMin(jacobianGram)');
    if (e === -1074) {
      // the subnormal data underflow in the products: either certified and correct, or [−∞, ∞]
      if (Number.isFinite(lm.upper)) expect(encloses(K, lm.lower, lm.upper, num, den)).toBe(true);
    } else {
      expect(Number.isFinite(lm.lower) && Number.isFinite(lm.upper) && Number.isFinite(jg.lower)).toBe(true);
      expect(encloses(K, lm.lower, lm.upper, num, den)).toBe(true);
      expect(encloses(K, jg.lower, jg.upper)).toBe(true);
      expect(lm.upper - lm.lower).toBeLessThan(1e-10 * Math.abs(lm.upper) + 1e-300);
    }
    expectSigmaMinFEnclosed(net, x, (k) => {
      const sm = enclosureOf(inst, `sigmaMinF(${k})`);
      if (e !== -1074) expect(Number.isFinite(sm.upper)).toBe(true);
      return sm;
    });
  });

  it.each(['tanh', 'sigmoid', 'softplus', 'erf', 'gelu'])(
    '%s: certified, the enclosures of the engine (90-digit checks in empiricalNtkCertifiedSmooth.test.ts)',
    (name) => {
      const x = fromRows([
        [0.9, -0.3, 0.5],
        [-0.2, 0.7, 0.4],
        [0.1, 0.2, -0.8],
      ]);
      const inst = instance(x, [5, 4], name);
      const net = initNetwork({ inputDim: 3, widths: [5, 4], init: 'he', activation: activationByName(name) }, inst.netSeed);
      const lm = enclosureOf(inst, 'lambdaMinEmpiricalNTK');
      const eng = empiricalNtkLambdaMin(empiricalNtkCertified(net, x, { normalize: true }));
      expect([lm.lower, lm.upper]).toEqual([eng.lower, eng.upper]);
      expect(lm.lower > 0 && lm.upper - lm.lower < 1e-10 * lm.upper).toBe(true);
      const sm = enclosureOf(inst, 'sigmaMinF(2)');
      expect(sm.lower > 0 && sm.upper - sm.lower < 1e-10 * sm.upper).toBe(true);
    },
  );

  it.each(['relu', 'abs', 'leaky-relu:0.1', 'identity'])(
    "%s, 'ntk' with b_std = 0.5 (d = 4, widths 4, 16: dyadic scales 1/2, 1/2, 1/4): the exact kernel's λ_min and σ_min(F_k) are enclosed",
    (name) => {
      const x = fromRows([
        [0.9, -0.3, 0.5, 0.2],
        [-0.2, 0.7, 0.4, -0.6],
        [0.1, 0.2, -0.8, 0.3],
      ]);
      const widths = [4, 16];
      const inst = instance(x, widths, name, { bias: 0.5, parameterization: 'ntk' });
      const act = name === 'relu' ? {} : { activation: activationByName(name) };
      const net = initNetwork({ inputDim: 4, widths, init: 'he', parameterization: 'ntk', wStd: 1, bStd: 0.5, ...act }, inst.netSeed);
      expect(net.ntk!.scales).toEqual([0.5, 0.5, 0.25]);
      const K = exactNtk(net, x);
      for (const key of ['lambdaMinEmpiricalNTK', 'lambdaMin(jacobianGram)']) {
        const lm = enclosureOf(inst, key);
        expect(Number.isFinite(lm.lower) && lm.upper - lm.lower < 1e-10 * Math.abs(lm.upper), key).toBe(true);
        expect(encloses(K, lm.lower, lm.upper), key).toBe(true);
      }
      expectSigmaMinFEnclosed(net, x, (k) => enclosureOf(inst, `sigmaMinF(${k})`));
    },
  );

  it.each([
    ['abs', { bias: 0.5, parameterization: 'ntk' as const }],
    ['leaky-relu:0.1', { parameterization: 'ntk' as const }],
    ['relu', { bias: 1, parameterization: 'ntk' as const }],
    ['tanh', { bias: 0.3, parameterization: 'ntk' as const }],
    ['erf', { bias: 0.2, parameterization: 'ntk' as const }],
    ['gelu', { bias: 0.1, parameterization: 'ntk' as const }],
  ])("%s %j: certified, the engine's enclosures of the instance's 'ntk' network (90-digit checks in empiricalNtkCertifiedNtk.test.ts)", (name, extra) => {
    const x = fromRows([
      [0.9, -0.3],
      [-0.2, 0.7],
    ]);
    const inst = instance(x, [4], name, extra);
    const arch = {
      inputDim: 2,
      widths: [4],
      init: 'he' as const,
      parameterization: 'ntk' as const,
      wStd: 1,
      bStd: (extra as { bias?: number }).bias ?? 0,
      ...(name === 'relu' ? {} : { activation: activationByName(name) }),
    };
    const net = initNetwork(arch, inst.netSeed);
    const eng = empiricalNtkCertified(net, x, { normalize: true });
    expect(eng.scale).toBe(1);
    const lm = enclosureOf(inst, 'lambdaMinEmpiricalNTK');
    const e = empiricalNtkLambdaMin(eng);
    expect([lm.lower, lm.upper]).toEqual([e.lower, e.upper]);
    expect(lm.lower > 0 && lm.upper - lm.lower < 1e-10 * lm.upper).toBe(true);
    // 'jacobianGram' is the same (unnormalised) matrix in 'ntk'
    const jg = enclosureOf(inst, 'lambdaMin(jacobianGram)');
    expect(jg.lower <= lm.upper && lm.lower <= jg.upper).toBe(true);
    const sm = enclosureOf(inst, 'sigmaMinF(1)');
    expect(sm.lower > 0 && sm.upper - sm.lower < 1e-10 * sm.upper).toBe(true);
    // lipschitzBound(1) = ‖W_1‖₂ = ‖ω_1‖₂/√2 (s_1 = 1/√d, d = 2)
    const lb = enclosureOf(inst, 'lipschitzBound(1)');
    const noScale = enclosureOf({ ...inst, parameterization: undefined, bias: undefined, cache: new Map() } as AuditInstance, 'lipschitzBound(1)');
    expect(lb.lower).toBeLessThanOrEqual(noScale.upper / Math.SQRT2);
    expect(lb.upper).toBeGreaterThanOrEqual(noScale.lower / Math.SQRT2);
    expect(lb.upper - lb.lower).toBeLessThan(1e-10 * lb.upper);
  });
});

describe('sigmaMinF(0) reads only the data', () => {
  it('is the same certified enclosure whatever the activation', () => {
    const x = fromRows([
      [0.9, -0.3],
      [-0.2, 0.7],
    ]);
    const base = enclosureOf(instance(x, [4], 'relu'), 'sigmaMinF(0)');
    for (const name of ['abs', 'tanh', 'gelu']) {
      const e = enclosureOf(instance(x, [4], name), 'sigmaMinF(0)');
      expect([e.lower, e.upper]).toEqual([base.lower, base.upper]);
    }
    expect(Number.isFinite(base.lower) && base.lower > 0).toBe(true);
  });
});
