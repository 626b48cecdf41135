import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encloses, exactNtk, hyperplaneInput } from '../../test/support/exactNtk.ts';
import { UserError } from '../errors.ts';
import { fromRows } from '../linalg/matrix.ts';
import { type AuditInstance, enclosureOf } from '../audit/quantities.ts';
import { empiricalNtkCertified } from '../ntk/empiricalNtkCertified.ts';
import { activationByName } from '../ntk/activations/registry.ts';
import { forward, initNetwork } from '../ntk/network.ts';
import { computeKernelReport, formatKernelText, parseKernelOptions } from './kernel.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ntk-audit-emp-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeCsv(name: string, rows: number[][]): string {
  const p = join(dir, name);
  writeFileSync(p, `${rows.map((r) => r.map(String).join(',')).join('\n')}\n`); // String(x) round-trips doubles
  return p;
}

describe('kernel ntk-empirical: the enclosure contains the exact λ_min of the stored doubles', () => {
  it('a sample within rounding of a hyperplane of the seeded network (exact K̄ by BigInt)', async () => {
    const widths = [3];
    const net = initNetwork({ inputDim: 2, widths, init: 'standard' }, 0);
    // the unit with the largest output weight, so the flipped activation moves K̄ the most
    const w2 = Array.from(net.weights[1].data, Math.abs);
    const unit = w2.indexOf(Math.max(...w2));
    const z = hyperplaneInput(net, unit, (v) => forward(net, fromRows([v])).preActivations[0].data[unit]);
    const file = writeCsv('hyperplane.csv', [z]);
    const K = exactNtk(net, fromRows([z]));
    for (const normalize of [false, true]) {
      const req = parseKernelOptions('ntk-empirical', { data: file, widths: '3', seed: '0', normalize, json: true });
      const r = await computeKernelReport(req);
      expect(encloses(K, r.lambdaMin.lower, r.lambdaMin.upper, normalize ? 2n : 1n, normalize ? 3n : 1n), `[${r.lambdaMin.lower}, ${r.lambdaMin.upper}]`).toBe(
        true,
      );
      expect(r.certified).toBe(true);
      expect(r.conventions.unitsWithinRoundingOfKink).toBeGreaterThanOrEqual(1);
      expect(formatKernelText(r)).toMatch(/certified in \[/);
    }
  });

  it('data at 1e-160 (subnormal kernel entries): certified enclosure contains the exact value', async () => {
    const rows = [
      [0.9e-160, -0.3e-160],
      [-0.2e-160, 0.7e-160],
    ];
    const file = writeCsv('tiny.csv', rows);
    const r = await computeKernelReport(parseKernelOptions('ntk-empirical', { data: file, widths: '4,3', seed: '5', json: true }));
    const net = initNetwork({ inputDim: 2, widths: [4, 3], init: 'standard' }, 5);
    expect(r.certified).toBe(true);
    expect(encloses(exactNtk(net, fromRows(rows)), r.lambdaMin.lower, r.lambdaMin.upper)).toBe(true);
  });

  it('a kernel that overflows is a one-line UserError (exit 2 from the CLI)', async () => {
    const file = writeCsv('huge.csv', [
      [1e200, 2e200],
      [-3e200, 1e200],
    ]);
    await expect(computeKernelReport(parseKernelOptions('ntk-empirical', { data: file, widths: '8', json: true }))).rejects.toThrow(UserError);
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'kernel', 'ntk-empirical', '--data', file, '--widths', '8'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NTK_AUDIT_DEBUG: '' },
    });
    expect(out.status, out.stderr).toBe(2);
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/^ntk-audit: .*huge\.csv: the ntk-empirical kernel's entries overflow float64; supported: /);
  });

  it('widths whose arrays cannot be allocated are a one-line usage error naming the supported size, not an internal error', async () => {
    const file = writeCsv('small.csv', [
      [1, 2],
      [3, 4],
    ]);
    await expect(computeKernelReport(parseKernelOptions('ntk-empirical', { data: file, widths: '3000000000', json: true }))).rejects.toThrow(
      /supported: N·n_l and n_\{l−1\}·n_l up to 2\^27/,
    );
  });

  it('a report that is not certified says so instead of printing an enclosure', async () => {
    const file = writeCsv('plain.csv', [
      [1, 0],
      [0.6, 0.8],
    ]);
    const r = await computeKernelReport(parseKernelOptions('ntk-empirical', { data: file, widths: '4', json: true }));
    expect(r.certified).toBe(true);
    const text = formatKernelText({ ...r, certified: false, notCertifiedReason: 'an intermediate of the rounding bound overflows the double range' });
    expect(text).toMatch(/λ_min\s+\S+\s+NOT certified: an intermediate of the rounding bound overflows/);
    expect(text).not.toMatch(/certified in/);
  });
});

describe('kernel ntk-empirical --normalize and the audit quantity lambdaMinEmpiricalNTK: one engine bound, one enclosure', () => {
  // Both read empiricalNtkCertified(net, x, { normalize: true }) and empiricalNtkLambdaMin
  // (src/ntk/empiricalNtkCertified.ts): on the same data and weights the two enclosures are the same doubles.
  const cases: Array<[string, number[][], number[]]> = [
    [
      'ordinary data',
      [
        [1, 0.5, -0.25],
        [0.3, -1.2, 0.8],
        [-0.7, 0.1, 0.4],
        [0.2, 0.9, 1.1],
      ],
      [5, 4],
    ],
    [
      'data at 1e-160 (subnormal kernel entries)',
      [
        [0.9e-160, -0.3e-160],
        [-0.2e-160, 0.7e-160],
      ],
      [4, 3],
    ],
    [
      'data at 1e150 (entries near 1e300)',
      [
        [1.5e150, -0.5e150],
        [0.25e150, 1e150],
        [-1e150, 0.75e150],
      ],
      [3],
    ],
    [
      'a duplicated sample (λ_min = 0)',
      [
        [1, 2],
        [1, 2],
        [0.5, -1],
      ],
      [6],
    ],
  ];
  it.each(cases)('%s', async (label, rows, widths) => {
    const file = writeCsv(`same-${label.replace(/\W+/g, '-')}.csv`, rows);
    const r = await computeKernelReport(
      parseKernelOptions('ntk-empirical', { data: file, widths: widths.join(','), seed: 'seed-7', normalize: true, json: true }),
    );
    const inst: AuditInstance = { x: fromRows(rows), depth: widths.length + 1, widths, init: 'standard', netSeed: 'seed-7', data: 'file', normalize: 'none' };
    const q = enclosureOf(inst, 'lambdaMinEmpiricalNTK');
    expect(r.certified).toBe(true);
    expect([r.lambdaMin.lower, r.lambdaMin.upper]).toEqual([q.lower, q.upper]);
    // and the kernel error bound the command prints is the engine's, for the same network
    const e = empiricalNtkCertified(initNetwork({ inputDim: rows[0].length, widths, init: 'standard' }, 'seed-7'), fromRows(rows), { normalize: true });
    expect(r.entryErrorBound).toBe(e.errorBound);
    // the exact λ_min of the stored doubles (BigInt) lies in it
    const [num, den] = [2n ** BigInt(widths.length), widths.reduce((p, w) => p * BigInt(w), 1n)];
    const net = initNetwork({ inputDim: rows[0].length, widths, init: 'standard' }, 'seed-7');
    expect(encloses(exactNtk(net, fromRows(rows)), r.lambdaMin.lower, r.lambdaMin.upper, num, den)).toBe(true);
  });
});

describe('kernel ntk-empirical --activation', () => {
  const rows = [
    [1, 0.5, -0.25],
    [0.3, -1.2, 0.8],
    [-0.7, 0.1, 0.4],
  ];
  it.each(['abs', 'leaky-relu:0.1', 'identity'])("%s: certified, the audit quantity's enclosure, which contains the exact λ_min", async (name) => {
    const file = writeCsv(`act-${name.replace(/\W+/g, '-')}.csv`, rows);
    const r = await computeKernelReport(
      parseKernelOptions('ntk-empirical', { data: file, widths: '5,4', seed: 's', normalize: true, activation: name, json: true }),
    );
    expect(r.certified).toBe(true);
    expect(r.conventions.activation).toBe(name);
    const inst: AuditInstance = {
      x: fromRows(rows),
      depth: 3,
      widths: [5, 4],
      init: 'standard',
      netSeed: 's',
      data: 'file',
      normalize: 'none',
      activation: name,
    };
    const q = enclosureOf(inst, 'lambdaMinEmpiricalNTK');
    expect([r.lambdaMin.lower, r.lambdaMin.upper]).toEqual([q.lower, q.upper]);
    // the exact normalisation ∏ 1/(κ n_l): κ = 1 for abs and identity; leaky 0.1 is checked in quantitiesAbRelu.test.ts
    const act = activationByName(name);
    const net = initNetwork({ inputDim: 3, widths: [5, 4], init: 'standard', activation: act }, 's');
    if (act.secondMoment === 1) expect(encloses(exactNtk(net, fromRows(rows)), r.lambdaMin.lower, r.lambdaMin.upper, 1n, 20n)).toBe(true);
    // a different kernel from ReLU's on the same weights
    const relu = await computeKernelReport(parseKernelOptions('ntk-empirical', { data: file, widths: '5,4', seed: 's', normalize: true, json: true }));
    expect(relu.lambdaMin.upper < r.lambdaMin.lower || relu.lambdaMin.lower > r.lambdaMin.upper).toBe(true);
  });

  it.each(['tanh', 'gelu', 'erf'])('%s: certified, with a narrow enclosure', async (name) => {
    const file = writeCsv(`act-s-${name}.csv`, rows);
    const t = await computeKernelReport(parseKernelOptions('ntk-empirical', { data: file, widths: '5', activation: name, normalize: true, json: true }));
    expect(t.certified && t.lambdaMin.lower > 0 && t.lambdaMin.upper - t.lambdaMin.lower < 1e-10 * t.lambdaMin.upper).toBe(true);
    expect(formatKernelText(t)).toMatch(/certified in \[/);
  });

  it('an unknown activation is a usage error', () => {
    expect(() => parseKernelOptions('ntk-empirical', { data: 'x.csv', widths: '4', activation: 'swish' })).toThrow(/unknown activation 'swish'/);
  });
});
