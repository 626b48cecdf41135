/**
 * `ntk-audit kernel limiting|nngp --activation NAME`: option parsing (one-line UserErrors listing the names)
 * and the erf kernel of one sample against its 50-digit closed form (Williams 1997; activations/erf.ts), the gelu and
 * softplus kernels against a 50-digit quadrature.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { activationByName, erfRecord } from '../ntk/activations/registry.ts';
import { cliInProcess } from '../../test/support/cliInProcess.ts';
import { D, type Dec, exact } from '../../test/support/decimalContains.ts';
import { parseKernelOptions } from './kernel.ts';

const dir = mkdtempSync(join(tmpdir(), 'ntk-act-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface OneSampleReport {
  lambdaMin: { lower: number; upper: number };
  conventions: { activation: string };
}

/**
 * `kernel limiting --depth 2 --json --activation name` on the one sample x = (0.6, 0.8) (exit 0, the report names the
 * activation): its report, and
 * q = ‖x‖² = 0.6² + 0.8² exactly in decimal of the doubles.
 */
async function oneSampleDepth2(name: string): Promise<{ rep: OneSampleReport; q: Dec }> {
  const f = join(dir, 'one.csv');
  writeFileSync(f, '0.6,0.8\n');
  const r = await cliInProcess(['kernel', 'limiting', '--data', f, '--depth', '2', '--activation', name, '--json']);
  expect(r.status, r.stderr).toBe(0);
  const rep = JSON.parse(r.stdout) as OneSampleReport;
  expect(rep.conventions.activation).toBe(name);
  const x1 = exact(0.6),
    x2 = exact(0.8);
  return { rep, q: x1.mul(x1).add(x2.mul(x2)) };
}

/** The reference K lies in the report's certified λ (= K for one sample), which is narrower than width. */
function expectCertifiedContains(rep: OneSampleReport, K: Dec, width: number): void {
  const name = rep.conventions.activation;
  expect(K.gte(exact(rep.lambdaMin.lower)) && K.lte(exact(rep.lambdaMin.upper)), `${name}: ${K} ∉ [${rep.lambdaMin.lower}, ${rep.lambdaMin.upper}]`).toBe(true);
  expect(rep.lambdaMin.upper - rep.lambdaMin.lower).toBeLessThan(width);
}

describe('kernel --activation', () => {
  it('parses names, rejects unknown ones and other kernels with one-line UserErrors', () => {
    expect(parseKernelOptions('limiting', { data: 'x.csv', activation: 'tanh' }).activation).toBe('tanh');
    expect(parseKernelOptions('nngp', { data: 'x.csv', activation: 'leaky-relu:0.2' }).activation).toBe('leaky-relu:0.2');
    expect(() => parseKernelOptions('limiting', { data: 'x.csv', activation: 'swish' })).toThrow(
      /unknown activation 'swish'; known: relu, leaky-relu:α, abs, identity, erf, tanh, sigmoid/,
    );
    expect(() => parseKernelOptions('limiting', { data: 'x.csv', activation: 'swish' })).toThrow(UserError);
    expect(parseKernelOptions('ntk-empirical', { data: 'x.csv', widths: '8', activation: 'abs' }).activation).toBe('abs');
    expect(() => parseKernelOptions('ntk-empirical', { data: 'x.csv', widths: '8', activation: 'swish' })).toThrow(/unknown activation 'swish'/);
    expect(parseKernelOptions('ntk-empirical', { data: 'x.csv', widths: '8', activation: 'tanh', parameterization: 'ntk', bStd: '0.5' })).toMatchObject({
      activation: 'tanh',
      parameterization: 'ntk',
      bStd: 0.5,
    });
  });

  it('exit 2 with one line for an unknown activation', async () => {
    const f = join(dir, 'a.csv');
    writeFileSync(f, '0.6,0.8\n1,0\n');
    const r = await cliInProcess(['kernel', 'limiting', '--data', f, '--activation', 'softsign']);
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/known: relu, leaky-relu:α, abs, identity, erf, tanh, sigmoid/);
  });

  it('erf, one sample, depth 2: the certified λ (= K) contains the 50-digit closed form', async () => {
    const { rep, q } = await oneSampleDepth2('erf');
    // c_2 = 1/κ as the double the fold uses
    const c2 = exact(1 / erfRecord().secondMoment);
    const PI = D.acos(-1);
    const s = q.mul(2).add(1);
    const G2 = c2.mul(D.asin(q.mul(2).div(s)).mul(2).div(PI));
    const Gd2 = c2.mul(new D(4).div(PI).div(q.mul(4).add(1).sqrt()));
    expectCertifiedContains(rep, q.mul(Gd2).add(G2), 1e-12);
  });

  it('gelu and softplus, one sample, depth 2: the certified λ (= K) contains a 50-digit 1-D quadrature', async () => {
    const PI = D.acos(-1),
      SQRT_2PI = PI.mul(2).sqrt();
    const phi = (t: Dec) => t.mul(t).div(-2).exp().div(SQRT_2PI);
    // Φ(t) = 1/2 + φ(t)Σ t^{2n+1}/(2n+1)!! (Abramowitz & Stegun 26.2.11); |t| ≤ 10 here
    const Phi = (t: Dec) => {
      let term = t,
        sum = t;
      for (let n = 1; n < 400 && !term.abs().lt('1e-60'); n++) {
        term = term
          .mul(t)
          .mul(t)
          .div(2 * n + 1);
        sum = sum.add(term);
      }
      return phi(t).mul(sum).add(0.5);
    };
    const fns: Record<string, (t: Dec) => [Dec, Dec]> = {
      gelu: (t) => [t.mul(Phi(t)), Phi(t).add(t.mul(phi(t)))],
      softplus: (t) => [t.exp().add(1).ln(), new D(1).div(t.neg().exp().add(1))],
    };
    for (const name of ['gelu', 'softplus']) {
      const { rep, q } = await oneSampleDepth2(name);
      const c2 = exact(1 / activationByName(name).secondMoment);
      // E[σ(u)²], E[σ'(u)²], u ∼ N(0, q): trapezoidal rule with step 1/8 on |z| ≤ 10 (error < 1e-25)
      let m2 = new D(0),
        d2 = new D(0);
      for (let k = -80; k <= 80; k++) {
        const z = new D(k).div(8),
          [s0, s1] = fns[name](q.sqrt().mul(z)),
          w = phi(z).div(8);
        m2 = m2.add(w.mul(s0).mul(s0));
        d2 = d2.add(w.mul(s1).mul(s1));
      }
      expectCertifiedContains(rep, q.mul(c2.mul(d2)).add(c2.mul(m2)), 1e-11);
    }
  });
});
