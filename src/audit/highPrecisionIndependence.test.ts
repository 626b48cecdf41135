import { describe, expect, it, vi } from 'vitest';

/**
 * The 50-digit finite network (highPrecision.ts, decimalActivations.ts) does not call the float engine: with the engine's
 * forward pass, back-propagation, certified empirical NTK and every float σ of the records (fn, deriv, enclose, dual)
 * made to throw, the oracle still computes σ_min(F_k), λ of the empirical NTK and the Jacobian Gram's trace for every
 * record (it reads only the records' constants: kind, name, slopes and secondMoment, and initNetwork's weight draw).
 */

const engine = (what: string) => () => {
  throw new Error(`the float engine was called: ${what}`);
};

vi.mock('../ntk/empiricalNtkCertified.ts', async (orig) => ({
  ...(await orig<typeof import('../ntk/empiricalNtkCertified.ts')>()),
  empiricalNtkCertified: engine('empiricalNtkCertified'),
  forwardEnclosure: engine('forwardEnclosure'),
}));
vi.mock('../ntk/empiricalNtk.ts', async (orig) => ({
  ...(await orig<typeof import('../ntk/empiricalNtk.ts')>()),
  empiricalNtk: engine('empiricalNtk'),
  backpropSignals: engine('backpropSignals'),
  ntkNormalization: engine('ntkNormalization'),
}));
vi.mock('../ntk/network.ts', async (orig) => ({
  ...(await orig<typeof import('../ntk/network.ts')>()),
  forward: engine('forward'),
  featureMatrix: engine('featureMatrix'),
}));
vi.mock('../ntk/activations/registry.ts', async (orig) => {
  const m = await orig<typeof import('../ntk/activations/registry.ts')>();
  return {
    ...m,
    activationByName: (name: string) => ({
      ...m.activationByName(name),
      fn: engine(`${name}.fn`),
      deriv: engine(`${name}.deriv`),
      enclose: engine(`${name}.enclose`),
      dual: engine(`${name}.dual`),
    }),
  };
});

const { materializeDescriptor } = await import('./defineBound.ts');
const { Oracle } = await import('./highPrecision.ts');
const { enclosureOf } = await import('./quantities.ts');

const SPACE = { n: 3, d: 2, depth: 3, widths: [4, 3], init: 'standard', data: 'gaussian', normalize: 'none', seed: 'indep', bias: 0, parameterization: 'nmm' };

describe('the 50-digit finite network is independent of the float engine', () => {
  it('every record: the oracle quantities of the finite network with the engine disabled', () => {
    for (const activation of ['relu', 'leaky-relu:0.1', 'abs', 'identity', 'erf', 'tanh', 'sigmoid', 'gelu', 'softplus']) {
      const inst = materializeDescriptor({ ...SPACE, activation } as never);
      // the mocks bite: the engine's own enclosure cannot be computed
      expect(() => enclosureOf(inst, 'lambdaMinEmpiricalNTK')).toThrow(/the float engine was called/);
      const o = new Oracle(inst);
      for (const k of ['sigmaMinF(2)', 'lambdaMinEmpiricalNTK', 'trace(jacobianGram)']) {
        const e = o.quantity(k).enclosure();
        expect(Number.isFinite(e.lower) && Number.isFinite(e.upper) && e.lower <= e.upper, `${activation} ${k}`).toBe(true);
      }
    }
  });
});
